"""Sentence spans of an article: every quote a draft gives is a verbatim slice of the text."""

from __future__ import annotations

import re
from dataclasses import dataclass

# A sentence ends at . ! ? … (optionally followed by a closing quote or bracket) before whitespace
# and an upper-case letter, digit or opening quote; or at a line break.
_BOUNDARY = re.compile(r"(?<=[.!?…])[»\"”)]?\s+(?=[«\"“(\d\w])|\n+")
# A period after these does not end a sentence: initials (М. Лайчак), т.г., г., гг., ст., etc.
_NO_END = re.compile(
    r"(?:^|[\s(«\"])(?:\w|т\.г|т\.ж|г|гг|ст|см|др|им|обл|мр|mr|mrs|dr|st|no)\.$", re.I
)


@dataclass(frozen=True)
class Sentence:
    """A sentence of the article and where it starts, so its text is the article's own."""

    text: str
    start: int
    index: int


def split_sentences(text: str) -> list[Sentence]:
    """Split `text` into sentences whose `.text` occurs verbatim in `text`."""
    pieces: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        head = text[start : match.start()]
        if "\n" not in match.group(0) and _NO_END.search(head):
            continue
        pieces.append(
            (start, match.start() + 1 if text[match.start()] in '»"”)' else match.start())
        )
        start = match.end()
    pieces.append((start, len(text)))
    sentences: list[Sentence] = []
    for begin, end in pieces:
        raw = text[begin:end]
        stripped = raw.strip()
        if not stripped:
            continue
        offset = begin + raw.index(stripped)
        sentences.append(Sentence(stripped, offset, len(sentences)))
    return sentences
