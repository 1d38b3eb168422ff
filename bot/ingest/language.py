"""Which of the bot's languages an article is written in (kk, ru or en)."""

from __future__ import annotations

import re

from bot.records.models import Lang

# Letters Kazakh Cyrillic has and Russian does not; one in a hundred Cyrillic letters is plenty.
KAZAKH_LETTERS = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z]")


def detect_language(text: str) -> Lang:
    """Guess the language from the letters: Kazakh-only letters, else Cyrillic, else en."""
    cyrillic = len(_CYRILLIC.findall(text))
    latin = len(_LATIN.findall(text))
    if cyrillic == 0 and latin == 0:
        return "en"
    if cyrillic < latin:
        return "en"
    kazakh = sum(1 for char in text if char in KAZAKH_LETTERS)
    return "kk" if kazakh * 100 >= cyrillic else "ru"
