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
        # Fuzzy candidates by first letter and length: a typo rarely hits the first letter, and
        # FUZZY_CUTOFF allows a length difference of at most a fifth.
        self.by_shape: dict[tuple[str, int], list[str]] = defaultdict(list)
        for word in self.sorted_vocab:
            self.by_shape[word[0], len(word)].append(word)

    @classmethod
    def build(cls, documents: Sequence[tuple[str, ...]]) -> TextIndex:
        """Index documents, each a tuple of texts; document i is newer than document i - 1.

        Documents with the same texts (say, generated from one template) are folded once; the
        texts are hashed, not joined, so shared strings cost nothing to compare.
        """
        text_ids: dict[tuple[str, ...], int] = {}
        doc_text = np.fromiter(
            (text_ids.setdefault(text, len(text_ids)) for text in documents),
            np.int64,
            len(documents),
        )
        word_ids = _Ids()
        text_ptr, text_words = array("q", [0]), array("q")
        words_of = _WordSets()  # each distinct text is folded once
        for texts in text_ids:
            words = set().union(*map(words_of.__getitem__, texts))
            text_words.extend(map(word_ids.__getitem__, words))
            text_ptr.append(len(text_words))
        ptr, docs = _invert(
            doc_text,
            np.asarray(text_ptr, dtype=np.int64),
            np.asarray(text_words, dtype=np.int64),
            len(word_ids),
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
            spread = len(word) // 5
            candidates = [
                other
                for length in range(len(word) - spread, len(word) + spread + 1)
                for other in self.by_shape.get((word[0], length), ())
            ]
            for other, score, _ in process.extract(
                word,
                candidates,
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
            best[docs] = weight  # ascending weights: the best one is written last
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


class _WordSets(dict[str, frozenset[str]]):
    """Text → its folded words other than stopwords, computed on first use."""

    def __missing__(self, text: str) -> frozenset[str]:
        words = self[text] = frozenset(tokens(text)) - STOPWORDS
        return words


class _Ids(dict[str, int]):
    """Word → number, numbering new words as they come."""

    def __missing__(self, word: str) -> int:
        number = self[word] = len(self)
        return number


def _inflections(word: str) -> list[str]:
    """The forms a short folded word takes with each case ending."""
    # Like `stems`: a two-letter word takes endings of two letters or more ("sun" is no "су"+н).
    forms = [word + ending for ending in SUFFIXES if len(word) > 2 or len(ending) > 1]
    if word.endswith("a") and len(word) > 2:
        forms += [word[:-1] + ending for ending in FEMININE_SUFFIXES]
    return forms


def _invert(
    doc_text: np.ndarray, text_ptr: np.ndarray, text_words: np.ndarray, vocab_size: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per-word document arrays (CSR) from each document's text and each text's words.

    Documents sharing a text share its (word, text) pairs, which are sorted by word once and
    then expanded to the documents of each text: no sort over all postings.
    """
    text_count = len(text_ptr) - 1
    docs_by_text = np.argsort(doc_text, kind="stable").astype(np.int32)
    docs_per_text = np.bincount(doc_text, minlength=text_count).astype(np.int32)
    text_first_doc = np.cumsum(docs_per_text, dtype=np.int32) - docs_per_text
    pair_text = np.repeat(np.arange(text_count), np.diff(text_ptr))
    order = np.argsort(text_words)  # the order inside a posting array does not matter
    pair_word, pair_text = text_words[order], pair_text[order]
    expand = docs_per_text[pair_text]
    total = int(expand.sum())
    ptr = np.zeros(vocab_size + 1, dtype=np.int64)
    np.cumsum(np.bincount(pair_word, weights=expand, minlength=vocab_size), out=ptr[1:])
    if total == 0:
        return ptr, np.zeros(0, dtype=np.int32)
    # int32 throughout: 100k events and 15M postings fit, and the arrays are half the size.
    starts = np.repeat(
        text_first_doc[pair_text] - (np.cumsum(expand, dtype=np.int32) - expand), expand
    )
    starts += np.arange(total, dtype=np.int32)
    return ptr, docs_by_text[starts]
