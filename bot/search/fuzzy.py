"""Fuzzy matching over a fixed vocabulary, with a cheap exact prefilter before rapidfuzz.

rapidfuzz scores a few thousand words in a couple of milliseconds, mostly converting them; most
words cannot reach the cutoff anyway. A letter histogram rules them out in one numpy pass: an
insertion or deletion changes the histogram by 1, a substitution by at most 2, a transposition by
0, so OSA distance >= L1 / 2 and Indel distance >= L1; and neither is below the length
difference. Only the words those bounds allow are scored, so the answers are exactly those of
`process.extract` over the whole vocabulary (in the same order).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

# Every fuzzy threshold of the bot, on one scale: similarity 0-100 (OSA's own 0..1 is converted
# here, at the only place that calls rapidfuzz).
WORD_TYPO_MIN = 80.0  # event text (bot.search.text): one typo (or swap) in 5 letters, two in 10
NAME_TYPO_MIN = 78.0  # a word of a name (bot.search.entities, calibrated on the seed names there)
ID_SUGGEST_MIN = 60.0  # "did you mean": a mistyped event id against the real ones (fuzz.ratio)


def typo_neighbours(
    word: str, candidates: list[str], cutoff: float, limit: int
) -> list[tuple[str, float]]:
    """Candidates within typing distance of `word` (OSA similarity >= cutoff, 0-100), as
    (candidate, similarity 0..1), best first. Both sides are folded already."""
    found = process.extract(
        word,
        candidates,
        scorer=OSA.normalized_similarity,  # a swap of two letters is one typo
        processor=None,
        score_cutoff=cutoff / 100,
        limit=limit,
    )
    return [(other, score) for other, score, _ in found]


def closest_strings(query: str, choices: list[str], cutoff: float, limit: int) -> list[str]:
    """The choices most like `query` as a whole string (fuzz.ratio >= cutoff, 0-100)."""
    found = process.extract(query, choices, scorer=fuzz.ratio, processor=None, limit=limit)
    return [choice for choice, score, _ in found if score >= cutoff]


_ALPHABET = b"abcdefghijklmnopqrstuvwxyz0123456789 "
_OTHER = len(_ALPHABET)  # any other character (folded text has none but spaces)
_COLUMN = np.full(256, _OTHER, dtype=np.intp)
_COLUMN[np.frombuffer(_ALPHABET, dtype=np.uint8)] = np.arange(_OTHER)


def _histograms(words: Sequence[str]) -> np.ndarray:
    """Letter counts of each word, one row per word (any non-ASCII letter counts as "other")."""
    lengths = np.array([len(w) for w in words], dtype=np.intp)
    letters = np.frombuffer("".join(words).encode("ascii", "replace"), dtype=np.uint8)
    counts = np.zeros((len(words), _OTHER + 1), dtype=np.int16)
    rows = np.repeat(np.arange(len(words)), lengths)
    np.add.at(counts, (rows, _COLUMN[letters]), 1)
    return counts


def _histogram(word: str) -> np.ndarray:
    return _histograms([word])[0]


class FuzzyVocab:
    """Words to match fuzzily: OSA similarity for typos in one word, Indel for whole names."""

    def __init__(self, words: Sequence[str]) -> None:
        self.words = list(words)
        self.lengths = np.array([len(w) for w in self.words], dtype=np.int16)
        # One row per letter: a query touches only the rows of its own letters.
        self.columns = np.ascontiguousarray(_histograms(self.words).T)

    def typos(self, word: str, cutoff: float, limit: int) -> list[tuple[str, float, int]]:
        """`process.extract` with OSA normalized similarity >= cutoff (0..1), best first."""
        if not self.words:
            return []
        l1 = self._l1(word)
        allowed = (1 - cutoff) * np.maximum(self.lengths, len(word)) + 1e-9
        length_gap = np.abs(self.lengths - len(word))
        keep = np.flatnonzero((l1 <= 2 * allowed) & (length_gap <= allowed))
        return self._extract(word, keep, OSA.normalized_similarity, cutoff, limit)

    def close_names(self, text: str, cutoff: float, limit: int) -> list[tuple[str, float, int]]:
        """`process.extract` with `fuzz.ratio` >= cutoff (0..100), best first."""
        if not self.words:
            return []
        l1 = self._l1(text)
        keep = np.flatnonzero(l1 <= (1 - cutoff / 100) * (self.lengths + len(text)) + 1e-9)
        return self._extract(text, keep, fuzz.ratio, cutoff, limit)

    def _l1(self, query: str) -> np.ndarray:
        """Each word's L1 distance between its letter histogram and the query's.

        Letters absent from the query contribute their whole count: the word's length minus
        the counts of the query's letters, so only the query's few letters are visited.
        """
        counts = _histogram(query)
        distance = self.lengths.copy()
        for column in np.flatnonzero(counts).tolist():
            row = self.columns[column]
            distance -= row
            distance += np.abs(row - counts[column])
        return distance

    def _extract(
        self, query: str, keep: np.ndarray, scorer, cutoff: float, limit: int
    ) -> list[tuple[str, float, int]]:
        words = self.words
        found = process.extract(
            query,
            [words[i] for i in keep.tolist()],
            scorer=scorer,
            processor=None,  # both sides are folded already
            score_cutoff=cutoff,
            limit=limit,
        )
        return [(word, score, int(keep[position])) for word, score, position in found]
