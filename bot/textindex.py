"""An inverted index over the folded words of many documents, fast at 100,000 events.

Documents are numbered by recency (a higher number is newer). Each folded word has a posting
array of the documents holding it, stored together as one CSR pair (`ptr`, `docs`), so building
is a few numpy passes rather than millions of Python appends, and a query costs a handful of
array operations however common its words are. Texts repeated across documents (a participant's
role, a boilerplate summary) are folded once.

A query word finds documents through its exact form, its stems without a Kazakh/Russian case
ending, words it is the prefix of (a sorted vocabulary and bisect), and, when none of those
exist, through fuzzy matching over the vocabulary (never over the documents).
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Sequence

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.normalize import FEMININE_SUFFIXES, STOPWORDS, SUFFIXES, stems, tokens

# Weights of the ways a query word can meet a document word (a document's score per query word
# is the best of them; its total is the sum over query words).
EXACT = 1.0
STEM = 0.9  # "климатом" meets "климат"
PREFIX = 0.8  # "климат" meets "климата", "климаттың"
FUZZY = 0.7  # "Koshrebaev" meets "kosherbaev"; only tried when nothing above matched
PREFIX_MIN_LEN = 4  # shorter words ("су") match exactly or as a stem + case ending only
FUZZY_MIN_LEN = 5
FUZZY_CUTOFF = 80.0  # OSA similarity: one typo (or swap) in 5 letters, two in 10
MAX_EXPANSIONS = 64  # vocabulary words one query word may stand for

# A list of (document numbers, weight) pairs: the ways one query word reaches documents.
Postings = list[tuple[np.ndarray, float]]


class TextIndex:
    """Folded words → the documents holding them, for documents given as lists of texts."""

    def __init__(self, vocab: list[str], ptr: np.ndarray, docs: np.ndarray, size: int) -> None:
        self.size = size
        self.word_ids = {word: i for i, word in enumerate(vocab)}
        self.sorted_vocab = sorted(vocab)
        self.ptr = ptr
        self.docs = docs
        self.by_initial: dict[str, list[str]] = defaultdict(list)
        for word in self.sorted_vocab:
            self.by_initial[word[0]].append(word)

    @classmethod
    def build(cls, documents: Sequence[Sequence[str]]) -> TextIndex:
        """Index documents, each a list of texts; document i is newer than document i - 1."""
        text_ids: dict[str, int] = {}
        pair_doc, pair_text = array("i"), array("i")
        for number, texts in enumerate(documents):
            for text in texts:
                text_id = text_ids.setdefault(text, len(text_ids))
                pair_doc.append(number)
                pair_text.append(text_id)
        word_ids: dict[str, int] = {}
        text_ptr, text_words = array("q", [0]), array("i")
        for text in text_ids:
            for word in set(tokens(text)) - STOPWORDS:
                text_words.append(word_ids.setdefault(word, len(word_ids)))
            text_ptr.append(len(text_words))
        ptr, docs = _invert(
            np.asarray(pair_doc, dtype=np.int64),
            np.asarray(pair_text, dtype=np.int64),
            np.asarray(text_ptr, dtype=np.int64),
            np.asarray(text_words, dtype=np.int64),
            len(word_ids),
            len(documents),
        )
        return cls(list(word_ids), ptr, docs, len(documents))

    def postings(self, word: str) -> np.ndarray:
        """The documents holding exactly this folded word."""
        i = self.word_ids.get(word)
        if i is None:
            return self.docs[:0]
        return self.docs[self.ptr[i] : self.ptr[i + 1]]

    def word_postings(self, word: str) -> Postings:
        """The ways one folded query word reaches documents, with their weights."""
        weights: dict[str, float] = {}
        if word in self.word_ids:
            weights[word] = EXACT
        for stem in stems(word):
            if stem in self.word_ids:
                weights.setdefault(stem, STEM)
        if len(word) < PREFIX_MIN_LEN:  # "су" reaches "суға", "суды", not "summit"
            for other in _inflections(word):
                if other in self.word_ids:
                    weights.setdefault(other, STEM)
        for start in (word, *(s for s in stems(word) if len(s) >= PREFIX_MIN_LEN)):
            if len(start) >= PREFIX_MIN_LEN:
                for other in self._with_prefix(start):
                    weights.setdefault(other, PREFIX)
        if not weights and len(word) >= FUZZY_MIN_LEN:
            for other, score, _ in process.extract(
                word,
                self.by_initial.get(word[0], []),
                scorer=OSA.normalized_similarity,  # a swap of two letters is one typo
                processor=None,  # both sides are folded already
                score_cutoff=FUZZY_CUTOFF / 100,
                limit=5,
            ):
                weights[other] = FUZZY * score
        return [(self.postings(w), weight) for w, weight in weights.items()]

    def _with_prefix(self, prefix: str) -> list[str]:
        found: list[str] = []
        position = bisect_left(self.sorted_vocab, prefix)
        vocab = self.sorted_vocab
        while position < len(vocab) and len(found) < MAX_EXPANSIONS:
            if not vocab[position].startswith(prefix):
                break
            if vocab[position] != prefix:
                found.append(vocab[position])
            position += 1
        return found


def rank(per_word: Sequence[Postings], size: int, limit: int) -> list[tuple[int, float]]:
    """Documents reached by the query words, best first: (number, score 0..100).

    A document scores the sum over query words of its best weight for that word, so documents
    matching more words come first; among equals, the newer (higher-numbered) one wins.
    """
    if not per_word or size == 0 or limit <= 0:
        return []
    total = np.zeros(size, dtype=np.float32)
    for postings in per_word:
        if len(postings) == 1:
            docs, weight = postings[0]
            total[docs] += weight  # posting arrays hold each document once
            continue
        best = np.zeros(size, dtype=np.float32)
        for docs, weight in sorted(postings, key=lambda p: p[1]):
            best[docs] = np.maximum(best[docs], weight)
        total += best
    found = np.flatnonzero(total)
    if found.size == 0:
        return []
    scores = total[found] * (100.0 / len(per_word))
    keys = np.rint(scores * 10).astype(np.int64) * size + found
    if found.size > limit:
        keys = keys[np.argpartition(-keys, limit - 1)[:limit]]
    keys = np.sort(keys)[::-1]
    return [(int(k % size), round(int(k // size) / 10, 1)) for k in keys]


def _inflections(word: str) -> list[str]:
    """The forms a short folded word takes with each case ending."""
    # Like `stems`: a two-letter word takes endings of two letters or more ("sun" is no "су"+н).
    forms = [word + ending for ending in SUFFIXES if len(word) > 2 or len(ending) > 1]
    if word.endswith("a") and len(word) > 2:
        forms += [word[:-1] + ending for ending in FEMININE_SUFFIXES]
    return forms


def _invert(
    pair_doc: np.ndarray,
    pair_text: np.ndarray,
    text_ptr: np.ndarray,
    text_words: np.ndarray,
    vocab_size: int,
    size: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Turn (document, text) pairs and each text's words into per-word sorted document arrays."""
    lengths = (text_ptr[1:] - text_ptr[:-1])[pair_text]
    count = int(lengths.sum())
    if count == 0:
        return np.zeros(vocab_size + 1, dtype=np.int64), np.zeros(0, dtype=np.int32)
    # Position of every (document, word) occurrence inside text_words.
    first = np.repeat(text_ptr[:-1][pair_text] - (np.cumsum(lengths) - lengths), lengths)
    words = text_words[first + np.arange(count)]
    keys = words * max(size, 1) + np.repeat(pair_doc, lengths)
    keys.sort()
    keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]  # a word once per document
    words_sorted = keys // max(size, 1)
    docs = (keys - words_sorted * max(size, 1)).astype(np.int32)
    ptr = np.zeros(vocab_size + 1, dtype=np.int64)
    np.cumsum(np.bincount(words_sorted, minlength=vocab_size), out=ptr[1:])
    return ptr, docs
