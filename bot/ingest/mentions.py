"""Finding gazetteer entries (places, organizations, topics, people) named in running text.

Every name and alias is folded to Latin with `bot.search.normalize.fold` and split into words; a
name matches where the text's folded words are the name's words, each possibly with a case ending
(`bot.search.normalize.is_inflection`), so inflected forms match their entry ("Азербайджана",
"Бельгии", "Ташкенттегі", "ЕҚЫҰ-ның"). Short abbreviations (ОБСЕ, БҰҰ) must match a whole word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.ingest.text import Sentence
from bot.search.normalize import fold, is_inflection

_WORD = re.compile(r"\w+", re.UNICODE)
MIN_STEM = 4


@dataclass(frozen=True)
class Word:
    """A word of a sentence: its text, folded form, and offsets in the sentence."""

    text: str
    folded: str
    start: int
    end: int

    @property
    def capitalised(self) -> bool:
        """Whether the word starts with a capital letter (proper names must, in the text)."""
        return self.text[:1].isupper()


@dataclass(frozen=True)
class Hit:
    """A gazetteer entry named in a sentence: which entry, which words, which alias."""

    id: str
    sentence: Sentence
    first: int  # index of the first matched word
    last: int  # index after the last matched word
    alias: str
    host: bool = False  # a country an envoy is sent to ("Ambassador … to Kazakhstan")


def fold_word(word: str) -> str:
    """The folded form of one word, letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", fold(word).casefold())


def words(text: str) -> list[Word]:
    """The words of `text` with their folded forms."""
    return [
        Word(m.group(0), fold_word(m.group(0)), m.start(), m.end()) for m in _WORD.finditer(text)
    ]


def _inflects(word: str, name: str) -> bool:
    """Whether a folded word of the text is the folded name word, possibly with a case ending."""
    return word == name or is_inflection(word, name)


class Gazetteer:
    """Names of entries, folded and stemmed, that can be looked for in sentences."""

    def __init__(self, names: Iterable[tuple[str, str]], prefix: bool = False) -> None:
        self._prefix = prefix  # topic aliases are stems: "климат" also matches "климатического"
        self._patterns: list[tuple[str, tuple[str, ...], bool, str, tuple[bool, ...]]] = []
        seen: set[tuple[str, tuple[str, ...]]] = set()
        for entry_id, name in names:
            name_words = [w for w in words(name) if w.folded]
            folded = tuple(w.folded for w in name_words)
            # A capitalised name word needs a capitalised text word: "Рияд" is not "ряд".
            proper = tuple(w.capitalised for w in name_words)
            if not folded or (entry_id, folded) in seen:
                continue
            seen.add((entry_id, folded))
            exact = len(folded) == 1 and len(folded[0]) <= MIN_STEM + 1 and name.isupper()
            exact = exact or (len(folded) == 1 and len(folded[0]) < MIN_STEM)
            self._patterns.append((entry_id, folded, exact, name, proper))
        # the folded first words of each entry's names of two words or more ("kairat")
        self._given: dict[str, set[str]] = {}
        for entry_id, folded, *_rest in self._patterns:
            if len(folded) >= 2:
                self._given.setdefault(entry_id, set()).add(folded[0])
        # Longer names first, so "Совет министров ОБСЕ" wins over "ОБСЕ" on the same words.
        self._patterns.sort(key=lambda p: -sum(len(s) for s in p[1]))
        # A text word can match a name word only if both open with the same four letters (an
        # inflection or a topic's prefix keeps at least MIN_STEM of them; a shorter name word
        # must be equal): patterns are looked up by that key, not tried at every word.
        self._by_key: dict[str, list[int]] = {}
        for rank, (_, stems, *_rest) in enumerate(self._patterns):
            self._by_key.setdefault(stems[0][:MIN_STEM], []).append(rank)

    def find(self, sentence: Sentence) -> list[Hit]:
        """Entries named in `sentence`, each span of words used once, in text order."""
        text_words = words(sentence.text)
        # (pattern rank, first word): the longest names first, then in text order, as if each
        # pattern were tried at every word in turn.
        tries = sorted(
            (rank, i)
            for i, word in enumerate(text_words)
            for rank in self._by_key.get(word.folded[:MIN_STEM], ())
        )
        used: set[int] = set()
        hits: list[Hit] = []
        for rank, i in tries:
            entry_id, stems, exact, alias, proper = self._patterns[rank]
            size = len(stems)
            span = range(i, i + size)
            if i + size > len(text_words) or used.intersection(span):
                continue
            window = text_words[i : i + size]
            if any(p and not w.capitalised for w, p in zip(window, proper, strict=True)):
                continue
            if exact:
                ok = window[0].folded == stems[0]
            else:
                ok = all(
                    _inflects(w.folded, s)
                    or (self._prefix and len(s) >= MIN_STEM + 1 and w.folded.startswith(s))
                    for w, s in zip(window, stems, strict=True)
                )
            if ok:
                used.update(span)
                hits.append(Hit(entry_id, sentence, i, i + size, alias))
        return sorted(hits, key=lambda h: h.first)

    def other_given_name(self, entry_id: str, word: str) -> bool:
        """Whether folded `word`, written before the entry's surname, is a first name none of
        its names has ("Асқар Абдрахманов" is not Қайрат Әбдірахманов)."""
        given = self._given.get(entry_id, set())
        return bool(given) and not any(g[:2] == word[:2] for g in given)

    def find_all(self, sentences: Iterable[Sentence]) -> list[Hit]:
        """Entries named in any of the sentences, in text order."""
        return [hit for sentence in sentences for hit in self.find(sentence)]
