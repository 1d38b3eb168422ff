"""Sentence spans of an article: every quote a draft gives is a verbatim slice of the text."""

from __future__ import annotations

import re
from dataclasses import dataclass

# A sentence ends at . ! ? … (optionally followed by a closing quote or bracket) before whitespace
# and an upper-case letter, digit or opening quote; or at a line break.
_BOUNDARY = re.compile(r"(?<=[.!?…])[»\"”)]?\s+(?=[«\"“(\d\w])|\n+")
# A period after these does not end a sentence: initials (М. Лайчак, Д.Ф. Мезенцев), т.г., г.,
# гг., ст., U.S., etc.
_NO_END = re.compile(
    r"(?:^|[\s(«\"])(?:\w\.\w|\w|т\.г|т\.ж|г|гг|ст|см|др|им|обл|мр|mr|mrs|ms|dr|h\.e|st|no|u\.s|u\.k|u\.n|"
    r"jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\.$",
    re.I,
)
# The " date 2025-12-05 " some articles open with: a dateline, not part of the lede's sentence.
_DATELINE = re.compile(r"^\s*date\s+\d{4}-\d\d-\d\d\s+")


@dataclass(frozen=True)
class Sentence:
    """A sentence of the article and where it starts, so its text is the article's own."""

    text: str
    start: int
    index: int


_ENDED = tuple('.!?…:;»"”)')


def _hard_wrapped(text: str) -> bool:
    """Whether the text is broken into lines of a fixed width, mid-sentence (a page copied as
    it was laid out): six lines or more, nearly all of them not ending a sentence."""
    lines = [line.rstrip() for line in text.split("\n") if line.strip()]
    open_lines = [line for line in lines[:-1] if not line.endswith(_ENDED)]
    return len(lines) >= 6 and len(open_lines) >= 0.8 * (len(lines) - 1)


def split_sentences(text: str) -> list[Sentence]:
    """Split `text` into sentences whose `.text` occurs verbatim in `text`.

    An opening dateline (" date 2025-12-05 ") belongs to no sentence: the first starts after it.
    In a hard-wrapped text a single line break inside a sentence does not end it.
    """
    pieces: list[tuple[int, int]] = []
    dateline = _DATELINE.match(text)
    start = dateline.end() if dateline else 0
    wrapped = _hard_wrapped(text)
    for match in _BOUNDARY.finditer(text, start):
        head = text[start : match.start()]
        if "\n" not in match.group(0) and _NO_END.search(head):
            continue
        if wrapped and match.group(0) == "\n" and not head.rstrip().endswith(_ENDED):
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


def _core(text: str) -> str:
    return " ".join(text.split()).strip(" .!?").casefold()


def unrepeated(body: list[Sentence]) -> list[Sentence]:
    """The body without a sentence that repeats an earlier one: a page's title given again
    ("Министрлер бас қосты - «Qazaqstan» телеарнасы", then "Министрлер бас қосты")."""
    kept: list[Sentence] = []
    cores: list[str] = []  # each kept sentence's folded text, folded once
    for sentence in body:
        core = _core(sentence.text)
        if not any(core in other or other in core for other in cores):
            kept.append(sentence)
            cores.append(core)
    return kept
