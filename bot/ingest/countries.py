"""The world's countries in kk, ru and en, so that any country can be a person's side.

The seeds list the countries the data set already holds; news names many more ("the Cuban
ambassador", "Ambassador of South Africa", "Израиль Сыртқы істер министрі"). Their names come
from the CLDR territory names that babel ships (264 territories, kk/ru/en), so no list is kept
here by hand. A country keeps its seeds id where the seeds name it; the others get the slug of
their English name ("south-africa", "united-kingdom"), as the seeds' own ids are made.
"""

from __future__ import annotations

import re
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
