"""Fuzzy matching over a fixed vocabulary, with a cheap exact prefilter before rapidfuzz.

rapidfuzz scores a few thousand words in a couple of milliseconds, mostly converting them; most
words cannot reach the cutoff anyway. A letter histogram rules them out in one numpy pass: an
insertion or deletion changes the histogram by 1, a substitution by at most 2, a transposition by
0, so OSA distance >= L1 / 2 and Indel distance >= L1; and neither is below the length
difference. Only the words those bounds allow are scored, so the answers are exactly those of
`process.extract` over the whole vocabulary (in the same order). The length bound alone is one
slice of the vocabulary sorted by length: for a few hundred words (places, topics) rapidfuzz
scores that slice directly, faster than any prefilter.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

# Every fuzzy threshold of the bot, on one scale: similarity 0-100 (OSA's own 0..1 is converted
# here, at the only place that calls rapidfuzz).
WORD_TYPO_MIN = 80.0  # event text (bot.search.text): one typo (or swap) in 5 letters, two in 10
NAME_TYPO_MIN = 78.0  # a word of a name (bot.search.entities, calibrated on the seed names there)
ID_SUGGEST_MIN = 60.0  # "did you mean": a mistyped event id against the real ones (fuzz.ratio)
SMALL_VOCAB = 2_000  # up to this many words rapidfuzz alone is faster than a prefilter


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
    """Words to match fuzzily: OSA similarity for typos in one word, Indel for whole names.

    Only words of a length that can reach the cutoff are looked at (the vocabulary is kept
    sorted by length, so they are one slice). A small vocabulary (a few hundred place or
    topic words) gives that slice to rapidfuzz as it is; a large one (thousands of people's
    names) first rules words out by their letter histograms.
    """

    def __init__(self, words: Sequence[str], *, small: int = SMALL_VOCAB) -> None:
        self.words = list(words)
        lengths = np.array([len(w) for w in self.words], dtype=np.int16)
        self.order = np.argsort(lengths, kind="stable")  # positions by length, then as given
        self.lengths = lengths[self.order]
        # starts[n]: where words of length n begin in `order`.
        self.starts = np.searchsorted(self.lengths, np.arange(int(lengths.max(initial=0)) + 2))
        self.columns: np.ndarray | None = None
        if len(self.words) > small:  # one row per letter: a query reads its letters' rows
            by_length = [self.words[i] for i in self.order.tolist()]
            self.columns = np.ascontiguousarray(_histograms(by_length).T)
        self._windows: dict[tuple[int, int], tuple[np.ndarray, list[str]]] = {}

    def typos(self, word: str, cutoff: float, limit: int) -> list[tuple[str, float, int]]:
        """`process.extract` with OSA normalized similarity >= cutoff (0..1), best first."""
        # A length gap is that many edits at least: cutoff * n <= length <= n / cutoff.
        n = len(word)
        lo, hi = self._slice(math.floor(cutoff * n), math.ceil(n / cutoff) if cutoff else None)
        if self.columns is None or lo == hi:
            return self._extract_window(word, lo, hi, OSA.normalized_similarity, cutoff, limit)
        lengths = self.lengths[lo:hi]
        allowed = (1 - cutoff) * np.maximum(lengths, n) + 1e-9
        near = (self._l1(word, lo, hi) <= 2 * allowed) & (np.abs(lengths - n) <= allowed)
        keep = np.sort(self.order[lo:hi][near])
        return self._extract(word, keep, OSA.normalized_similarity, cutoff, limit)

    def close_names(self, text: str, cutoff: float, limit: int) -> list[tuple[str, float, int]]:
        """`process.extract` with `fuzz.ratio` >= cutoff (0..100), best first."""
        # Indel >= the length gap, and ratio = 1 - Indel / (length + n) >= c bounds the length.
        n, c = len(text), cutoff / 100
        longest = math.ceil(n * (2 - c) / c) if c else None
        lo, hi = self._slice(math.floor(n * c / (2 - c)), longest)
        if self.columns is None or lo == hi:
            return self._extract_window(text, lo, hi, fuzz.ratio, cutoff, limit)
        near = self._l1(text, lo, hi) <= (1 - c) * (self.lengths[lo:hi] + n) + 1e-9
        keep = np.sort(self.order[lo:hi][near])
        return self._extract(text, keep, fuzz.ratio, cutoff, limit)

    def _slice(self, shortest: int, longest: int | None) -> tuple[int, int]:
        """The part of `order` holding the words of these lengths (None: any longer)."""
        top = len(self.starts) - 1
        shortest = max(shortest, 0)
        longest = top - 1 if longest is None else min(longest, top - 1)
        if shortest > longest:
            return 0, 0
        return int(self.starts[shortest]), int(self.starts[longest + 1])

    def _l1(self, query: str, lo: int, hi: int) -> np.ndarray:
        """The L1 distance between the query's letter histogram and each word's in order[lo:hi].

        Letters absent from the query contribute their whole count: the word's length minus
        the counts of the query's letters, so only the query's few letters are visited.
        """
        assert self.columns is not None
        counts = _histogram(query)
        distance = self.lengths[lo:hi].copy()
        for column in np.flatnonzero(counts).tolist():
            row = self.columns[column, lo:hi]
            distance -= row
            distance += np.abs(row - counts[column])
        return distance

    def _extract_window(
        self, query: str, lo: int, hi: int, scorer, cutoff: float, limit: int
    ) -> list[tuple[str, float, int]]:
        """Score every word of order[lo:hi] (a small vocabulary), in the vocabulary's order."""
        window = self._windows.get((lo, hi))
        if window is None:
            keep = np.sort(self.order[lo:hi])
            window = self._windows[lo, hi] = (keep, [self.words[i] for i in keep.tolist()])
        keep, words = window
        found = process.extract(
            query, words, scorer=scorer, processor=None, score_cutoff=cutoff, limit=limit
        )
        return [(word, score, int(keep[position])) for word, score, position in found]

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
