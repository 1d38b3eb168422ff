"""What an ingest run knows before reading an article: gazetteers built from the seeds."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from bot.ingest.countries import oblique_forms, world_cities, world_countries
from bot.ingest.demonyms import DEMONYMS, derived_demonyms
from bot.ingest.mentions import Gazetteer, Hit, words
from bot.ingest.text import Sentence
from bot.records.models import Organization, Person, PlaceEntry, Topic, all_names
from bot.records.seedset import SeedSet

if TYPE_CHECKING:
    from bot.search.index import SearchIndex


def _names(
    entries: Iterable[Person | Organization | PlaceEntry | Topic],
) -> list[tuple[str, str]]:
    """(id, name) for every name, abbreviation and alias of gazetteer entries."""
    pairs: list[tuple[str, str]] = []
    for entry in entries:
        pairs += [(entry.id, text) for text in all_names(entry)]
    return pairs


def _place_names(entries: Iterable[PlaceEntry]) -> list[tuple[str, str]]:
    """(id, name) for every name of places, with the Russian case forms folding misses."""
    return _with_oblique(_names(entries))


def _with_oblique(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(i, form) for i, name in pairs for form in (name, *oblique_forms(name))]


# The Russian oblique cases of a body's leading adjectives and head noun in -ия, which folding
# does not reach as endings: per case, the replacement of each nominative ending.
_BODY_CASES = (
    {"ий": "ого", "ый": "ого", "ая": "ой", "ое": "ого", "ия": "ии"},  # genitive
    {"ий": "ому", "ый": "ому", "ая": "ой", "ое": "ому", "ия": "ии"},  # dative, prepositional
    {"ий": "им", "ый": "ым", "ая": "ой", "ое": "ым", "ия": "ией"},  # instrumental
    {"ая": "ую", "ия": "ию"},  # accusative (feminine)
    {"ий": "ом", "ый": "ом", "ое": "ом"},  # prepositional (masculine)
)
_ADJECTIVE_ENDINGS = ("ий", "ый", "ая", "ое")


def _body_case(name: str, case: dict[str, str]) -> str:
    """The name in one case: its leading adjectives, then its head noun if in -ия."""
    parts = name.split()
    for i, word in enumerate(parts):
        ending = word[-2:].lower()
        if len(word) > 4 and ending in case:
            parts[i] = word[:-2] + case[ending]
        if ending not in _ADJECTIVE_ENDINGS or len(word) <= 4:
            break  # the head noun: what follows it stays as it is
    return " ".join(parts)


def _body_forms(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """(id, name) with the Russian case forms of a body's name that folding does not reach as
    endings: "Организация Объединенных Наций" → "Организации Объединенных Наций", "Европейский
    союз" → "Европейского союза" (a noun's own ending is left to the matching)."""
    result = []
    for body_id, name in pairs:
        forms = dict.fromkeys([name, *(_body_case(name, case) for case in _BODY_CASES)])
        result += [(body_id, form) for form in forms]
    return result


@cache
def _other_countries(seed_countries: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """(id, name) of the world's countries the seeds do not name ("Cuba", "Южно-Африканская
    Республика"): a country any of whose names the seeds already know is theirs. Cached: an
    /ingest builds its gazetteers anew, and this takes a quarter of a second."""
    known = Gazetteer(seed_countries)
    pairs: list[tuple[str, str]] = []
    for country_id, names in world_countries():
        if not any(known.find(Sentence(name, 0, 0)) for name in names):
            pairs += [(country_id, name) for name in names]
    return tuple(_with_oblique(pairs))


@cache
def _cities_abroad(
    seed_countries: tuple[tuple[str, str], ...], seed_places: tuple[tuple[str, str], ...]
) -> tuple[tuple[str, str], ...]:
    """(country id, name) of the world's cities the seeds do not list ("Скопье", "Tokyo"), each
    under the seeds' id of its country; cities of countries the seeds do not hold are left out
    (a draft's place must be in the seeds)."""
    countries, places = Gazetteer(seed_countries), Gazetteer(seed_places)

    def whole(gazetteer: Gazetteer, name: str) -> str | None:
        size = len(words(name))
        hits = gazetteer.find(Sentence(name, 0, 0))
        return next((h.id for h in hits if h.first == 0 and h.last == size), None)

    seeds_id: dict[str, str | None] = {}
    for country_id, names in world_countries():
        seeds_id[country_id] = next(filter(None, (whole(countries, n) for n in names)), None)
    pairs: list[tuple[str, str]] = []
    for country_id, names in world_cities():
        country = seeds_id.get(country_id)
        if country and not any(whole(places, name) for name in names):
            pairs += [(country, name) for name in names]
    return tuple(pairs)


class Sides:
    """Countries and organizations named in a sentence, by name or by adjective ("Russian")."""

    def __init__(self, names: Gazetteer, demonyms: Gazetteer, cities: Gazetteer) -> None:
        self._names, self._demonyms, self._cities = names, demonyms, cities

    def cities(self, sentence: Sentence) -> list[Hit]:
        """Cities named in `sentence`: no side, but no part of a person's name either."""
        return self._cities.find(sentence)

    def names(self, sentence: Sentence) -> list[Hit]:
        """Countries and organizations named in `sentence` by name, not by adjective."""
        return self._names.find(sentence)

    def find(self, sentence: Sentence) -> list[Hit]:
        """Entries named in `sentence` in text order; a name wins over an adjective."""
        hits = self._names.find(sentence)
        used = {i for h in hits for i in range(h.first, h.last)}
        hits += [h for h in self._demonyms.find(sentence) if not used & set(range(h.first, h.last))]
        return sorted(hits, key=lambda h: h.first)


@dataclass(frozen=True)
class Knowledge:
    """Gazetteers to look for in text, and a way to recognise a person's name."""

    seeds: SeedSet
    people: Gazetteer
    places: Gazetteer
    organizations: Gazetteer
    topics: Gazetteer
    sides: Sides  # countries and organizations: what a person can represent
    resolve_person: Callable[[str], str | None]
    abroad: Gazetteer  # cities the seeds do not list, each under its country's id

    @classmethod
    def from_seeds(cls, seeds: SeedSet, index: SearchIndex | None = None) -> Knowledge:
        """Build the gazetteers; `index` resolves names if given."""
        people = Gazetteer(_names(seeds.people.values()))
        place_names = tuple(_place_names(seeds.places.values()))
        places = Gazetteer(place_names)
        organizations = Gazetteer(_names(seeds.organizations.values()))
        # A person acts for a country or an organization, never a city ("ASTANA — Kazakh
        # Foreign Minister …"); a ministry of Kazakhstan's speaks for Kazakhstan ("МИД РК").
        seed_countries = tuple(
            _place_names(p for p in seeds.places.values() if p.kind == "country")
        )
        countries = [*seed_countries, *_other_countries(seed_countries)]
        bodies = [o for o in seeds.organizations.values() if o.id != "mfa-kazakhstan"]
        demonyms = [(c, stem) for c, stems in DEMONYMS.items() for stem in stems]
        demonyms += [
            (c, form)
            for c, name in countries
            if c not in DEMONYMS
            for form in derived_demonyms(name)
        ]
        cities = Gazetteer(_place_names([p for p in seeds.places.values() if p.kind == "city"]))
        sides = Sides(
            Gazetteer(countries + _body_forms(_names(bodies))),
            Gazetteer(demonyms, prefix=True),
            cities,
        )
        topics = Gazetteer(_names(seeds.topics.values()), prefix=True)

        def resolve_person(name: str) -> str | None:
            """The id of the known person `name` refers to, or None."""
            if index is not None:
                matches = index.find_people(name)
                if matches and matches[0].score >= 90:
                    return matches[0].id
                return None
            hits = people.find(Sentence(name, 0, 0))
            return hits[0].id if hits else None

        abroad = Gazetteer(_cities_abroad(seed_countries, place_names))
        return cls(seeds, people, places, organizations, topics, sides, resolve_person, abroad)
