"""An inverted index over the folded words of many documents, fast at 100,000 events.

Documents are numbered by recency (a higher number is newer). Each folded word has a posting
array of the documents holding it, stored together as one CSR pair (`ptr`, `docs`), so building
is a few numpy passes rather than millions of Python appends, and a query costs a handful of
array operations however common its words are. Each distinct chunk of text ("ОБСЕ,") is folded
once, however many documents hold it. `dump`/`load` persist the index as bytes (bot.search.blobs).

A query word finds documents through its exact form, its stems without a Kazakh/Russian case
ending, words it is the prefix of (a sorted vocabulary and bisect), and, when none of those
exist, through fuzzy matching over the vocabulary (never over the documents).

Long because: the index, its builder (with the parts a full rebuild's worker processes build
and the parent merges) and the ranking share the posting arrays' layout.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left, insort
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import partial
from itertools import chain
from typing import NamedTuple

import numpy as np

from bot.search.blobs import (
    BlobError,
    Blobs,
    pack_array,
    pack_json,
    pack_words,
    unpack_array,
    unpack_json,
    unpack_words,
)
from bot.search.fuzzy import WORD_TYPO_MIN, typo_neighbours
from bot.search.normalize import (
    CYRILLIC_MARK,
    FEMININE_SUFFIXES,
    STOPWORDS,
    SUFFIXES,
    is_cyrillic,
    marked,
    stems,
    tokens,
)
from bot.search.splice import Renumbering, compact, splice

# Weights of the ways a query word can meet a document word (a document's score per query word
# is the best of them; its total is the sum over query words).
EXACT_WEIGHT = 1.0
STEM_WEIGHT = 0.9  # "климатом" meets "климат"
PREFIX_WEIGHT = 0.8  # "климат" meets "климата", "климаттың"
FUZZY_WEIGHT = 0.7  # "Koshrebaev" meets "kosherbaev"; only tried when nothing above matched
PREFIX_MIN_LEN = 4  # shorter words ("су") match exactly or as a stem + case ending only
FUZZY_MIN_LEN = 5
MAX_EXPANSIONS = 64  # vocabulary words one query word may stand for

# A list of (document numbers, weight) pairs: the ways one query word reaches documents.
Postings = list[tuple[np.ndarray, float]]


class TextIndex:
    """Folded words → the documents holding them, for documents given as lists of texts."""

    def __init__(self, vocab: list[str], ptr: np.ndarray, docs: np.ndarray, size: int,
                 derived: tuple[dict, list, dict] | None = None) -> None:  # fmt: skip
        self.size = size
        self.vocab = vocab
        self.ptr = ptr
        self.docs = docs
        self.by_shape: dict[tuple[str, int], list[str]]
        if derived is not None:  # kept up to date by `updated`
            self.word_ids, self.sorted_vocab, self.by_shape = derived
            return
        self.word_ids = {word: i for i, word in enumerate(vocab)}
        self.sorted_vocab = sorted(vocab)
        # Fuzzy candidates by first letter and length: a typo rarely hits the first letter, and
        # WORD_TYPO_MIN allows a length difference of at most a fifth.
        self.by_shape = defaultdict(list)
        for word in self.sorted_vocab:
            self.by_shape[_shape(word)].append(word)

    @classmethod
    def build(cls, documents: Iterable[Sequence[str]]) -> TextIndex:
        """Index documents, each a sequence of texts; document i is newer than document i - 1."""
        builder = TextBuilder()
        for texts in documents:
            builder.add(texts)
        return builder.index()

    def updated(self, renumbering: Renumbering, documents: Sequence[Sequence[str]]) -> TextIndex:
        """This index after a renumbering, with `documents` (the texts of the incoming
        events, in the order of `renumbering.inserted`) added; a new object, this one is left
        as it was for the queries answered meanwhile.

        Words no document holds any more leave the vocabulary, as a fresh build would not
        know them (they would take prefix and fuzzy slots).
        """
        known, new_words = self.word_ids, _Ids()
        base = len(self.vocab)

        def number(word: str) -> int:
            found = known.get(word)
            return base + new_words[word] if found is None else found

        add_keys: list[int] = []
        add_docs: list[int] = []
        for doc, texts in zip(renumbering.inserted.tolist(), documents, strict=True):
            chunks = (chunk for text in texts for chunk in text.split())
            words = {w for chunk in chunks for w in _chunk_words(chunk)}
            add_keys += map(number, words)
            add_docs += [doc] * len(words)
        vocab = self.vocab + list(new_words)
        ptr, docs = splice(self.ptr, self.docs, renumbering, len(vocab), add_keys, add_docs)
        keep, ptr = compact(ptr)
        gone = [word for word, kept in zip(vocab, keep.tolist(), strict=True) if not kept]
        if gone:
            vocab = [word for word, kept in zip(vocab, keep.tolist(), strict=True) if kept]
            word_ids = {word: i for i, word in enumerate(vocab)}
        else:
            word_ids = {**known, **{word: base + i for word, i in new_words.items()}}
        sorted_vocab = list(self.sorted_vocab)
        by_shape = defaultdict(list, self.by_shape)
        touched: set[tuple[str, int]] = set()
        for word in gone:
            del sorted_vocab[bisect_left(sorted_vocab, word)]
            touched.add(_shape(word))
        for word in new_words:
            if word in word_ids:
                insort(sorted_vocab, word)
                touched.add(_shape(word))
        for shape in touched:  # copied, never changed in place: the old index still reads them
            shaped = [w for w in self.by_shape.get(shape, ()) if w in word_ids]
            shaped += [w for w in new_words if _shape(w) == shape and w in word_ids]
            if shaped:
                by_shape[shape] = sorted(shaped)
            else:
                by_shape.pop(shape, None)
        return TextIndex(vocab, ptr, docs, renumbering.size, (word_ids, sorted_vocab, by_shape))

    def dump(self) -> Blobs:
        """The index as blobs named `text.*` (see bot.search.blobs)."""
        return {
            "text.vocab": pack_words(self.vocab),
            "text.ptr": pack_array(self.ptr),
            "text.docs": pack_array(self.docs),
            "text.size": pack_json(self.size),
        }

    @classmethod
    def load(cls, blobs: Mapping[str, bytes]) -> TextIndex:
        """An index stored by `dump` (BlobError when incomplete)."""
        vocab = unpack_words(blobs, "text.vocab")
        ptr, docs = unpack_array(blobs, "text.ptr"), unpack_array(blobs, "text.docs")
        size = unpack_json(blobs, "text.size")
        if len(ptr) != len(vocab) + 1 or (len(vocab) and ptr[-1] != len(docs)):
            raise BlobError("text: inconsistent sizes")
        return cls(vocab, ptr, docs, size)

    def postings(self, word: str) -> np.ndarray:
        """The documents holding exactly this folded word."""
        i = self.word_ids.get(word)
        if i is None:
            return self.docs[:0]
        return self.docs[self.ptr[i] : self.ptr[i + 1]]

    def word_postings(self, word: str, cyrillic: bool = False) -> Postings:
        """The ways one folded query word reaches documents, with their weights.

        `cyrillic`: the word was typed in Cyrillic, so it meets words of Cyrillic text only
        (and a Latin word Latin text only): stems and prefixes, but no reading across scripts.
        """
        weights: dict[str, float] = {}

        def add(form: str, weight: float) -> None:
            form = marked(form, cyrillic)
            if form in self.word_ids:
                weights.setdefault(form, weight)

        add(word, EXACT_WEIGHT)
        for stem in stems(word):
            add(stem, STEM_WEIGHT)
        if len(word) < PREFIX_MIN_LEN:  # "су" reaches "суға", "суды", not "summit"
            for other in _inflections(word):
                add(other, STEM_WEIGHT)
        for start in (word, *(s for s in stems(word) if len(s) >= PREFIX_MIN_LEN)):
            if len(start) >= PREFIX_MIN_LEN:
                for other in self._with_prefix(marked(start, cyrillic)):
                    weights.setdefault(other, PREFIX_WEIGHT)
        typed = marked(word, cyrillic)
        if not weights and len(word) >= FUZZY_MIN_LEN:
            spread = len(word) // 5
            shape = _shape(typed)[0]
            candidates = [
                other
                for length in range(len(typed) - spread, len(typed) + spread + 1)
                for other in self.by_shape.get((shape, length), ())
            ]
            for other, score in typo_neighbours(typed, candidates, WORD_TYPO_MIN, limit=5):
                weights[other] = FUZZY_WEIGHT * score
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


class TextBuilder:
    """A `TextIndex` built from documents given one at a time (`add`), in any order.

    Whitespace-separated chunks ("ОБСЕ,", "ЕҚЫҰ-ның") repeat across texts far more than texts
    do, so each distinct chunk is folded once into word numbers, and a document's words are a
    set built from those numbers in C loops (no Python code per chunk). `index(order)` numbers
    the documents by `order` (the positions they were given at, oldest first), so a rebuild
    can stream events as it reads them and sort them by recency at the end.
    """

    def __init__(self, folded: Folded | None = None) -> None:
        self._word_ids = _Ids()
        numbers = self._word_ids.__getitem__
        if folded is None:
            words = lambda chunk: map(numbers, _chunk_words(chunk))  # noqa: E731
        else:  # chunks folded once for several builders (one per file in a worker process)
            words = lambda chunk: map(numbers, folded[chunk])  # noqa: E731
        self._words_of_chunk = _Numbers(words).__getitem__
        self._words_of_text = _Numbers(partial(_text_numbers, self._words_of_chunk)).__getitem__
        self._doc_ptr, self._doc_words = array("q", [0]), array("i")

    def add(self, texts: Sequence[str], shared: Sequence[str] = ()) -> None:
        """Take in a document: `texts`, and `shared` ones many hold whole (folded once each)."""
        chunks = chain.from_iterable(map(str.split, texts))
        words = chain.from_iterable(map(self._words_of_chunk, chunks))
        common = chain.from_iterable(map(self._words_of_text, shared))
        self._doc_words.extend(set(chain(words, common)))
        self._doc_ptr.append(len(self._doc_words))

    def part(self) -> TextPart:
        """What was added, to hand to another builder's `add_part` (from a worker process):
        the words in the order they were first met, each document's word numbers."""
        return TextPart(list(self._word_ids), self._doc_ptr.tobytes(), self._doc_words.tobytes())

    def add_part(self, part: TextPart) -> None:
        """Take in the documents of another builder's `part()`, after those added so far: the
        same words, numbered the same, as if they had been added here one by one (a word is
        numbered when first met, and the part lists its words in the order it met them)."""
        vocab, doc_ptr, doc_words = part
        numbers = self._word_ids.__getitem__
        mapping = np.fromiter(map(numbers, vocab), dtype=np.int32, count=len(vocab))
        words = mapping[np.frombuffer(doc_words, dtype=np.int32)]
        ends = np.frombuffer(doc_ptr, dtype=np.int64)[1:] + len(self._doc_words)
        self._doc_words.frombytes(words.astype(np.int32).tobytes())
        self._doc_ptr.frombytes(ends.astype(np.int64).tobytes())

    def index(self, order: np.ndarray | None = None) -> TextIndex:
        """The index, document n being the one given at position `order[n]` (default: in
        the order given)."""
        word_ids = self._word_ids
        doc_ptr = np.frombuffer(self._doc_ptr, dtype=np.int64)
        pair_word = np.frombuffer(self._doc_words, dtype=np.int32)
        counts = np.diff(doc_ptr)
        size = len(counts)
        if order is not None:  # move each document's words to its place in `order`
            counts = counts[order]
            starts = doc_ptr[:-1][order].astype(np.int32)  # postings fit in int32 (half the
            offsets = np.zeros(size, dtype=np.int32)  # memory of the index arithmetic)
            np.cumsum(counts[:-1], out=offsets[1:])
            moved = np.repeat(starts - offsets, counts)
            moved += np.arange(len(moved), dtype=np.int32)
            pair_word = pair_word[moved]
            del moved
        self._doc_ptr, self._doc_words = array("q", [0]), array("i")  # read once: let go
        # Documents stay ascending per word (a stable sort). Word numbers that fit in 16 bits
        # are sorted as such: numpy sorts those by radix, 5x faster than 32-bit ones (0.66 ->
        # 0.13 s for the 7 million word-document pairs of 100,000 events).
        narrow = pair_word.astype(np.uint16) if len(word_ids) <= 1 << 16 else pair_word
        order_words = np.argsort(narrow, kind="stable")
        del narrow
        ptr = np.zeros(len(word_ids) + 1, dtype=np.int64)
        np.cumsum(np.bincount(pair_word, minlength=len(word_ids)), out=ptr[1:])
        del pair_word
        pair_doc = np.repeat(np.arange(size, dtype=np.int32), counts)[order_words]
        return TextIndex(list(word_ids), ptr, pair_doc, size)


def _shape(word: str) -> tuple[str, int]:
    """Fuzzy candidates share the first letter (after the script mark) and the script."""
    return word[: 2 if word.startswith(CYRILLIC_MARK) else 1], len(word)


def idf(reached: int, size: int) -> float:
    """BM25's inverse document frequency of a word reaching `reached` of `size` documents."""
    return math.log(1 + (size - reached + 0.5) / (reached + 0.5))


def rank(
    per_word: Sequence[Postings],
    size: int,
    limit: int,
    named: Sequence[np.ndarray] = (),
) -> list[tuple[int, float, int]]:
    """Documents reached by the query, best first: (number, text score 0..100, names matched).

    `named` holds, for each person, place, organization, topic or date the query names, the
    documents it selects: documents matching more of them come first. Then the text score:
    BM25 with binary term frequency (each query word weighs its idf times how well it met the
    document: exactly, by stem, prefix or typo), as a share of the best possible. Among equals
    the newer (higher-numbered) document wins.
    """
    if (not per_word and not named) or size == 0 or limit <= 0:
        return []
    total = np.zeros(size, dtype=np.float32)
    weights = 0.0
    best: np.ndarray | None = None  # one scratch array for every word met in several ways
    for postings in per_word:
        if len(postings) == 1:  # posting arrays hold each document once
            docs, weight = postings[0]
            if len(docs):
                word_idf = idf(len(docs), size)
                total[docs] += weight * word_idf
                weights += word_idf
            continue
        if not postings:
            continue
        if best is None:
            best = np.zeros(size, dtype=np.float32)
        else:
            best.fill(0)
        by_weight: dict[float, list[np.ndarray]] = {}  # a common first name: hundreds of people
        for docs, weight in postings:
            by_weight.setdefault(weight, []).append(docs)
        for weight in sorted(by_weight):  # ascending: the best weight is written last
            arrays = by_weight[weight]
            best[arrays[0] if len(arrays) == 1 else np.concatenate(arrays)] = weight
        reached = int(np.count_nonzero(best))
        if reached:
            word_idf = idf(reached, size)
            best *= word_idf
            total += best
            weights += word_idf
    hit = total > 0
    counts = None
    if named:
        counts = np.zeros(size, dtype=np.int16)
        for docs in named:
            counts[docs] += 1
        hit |= counts > 0
    found = np.flatnonzero(hit)
    if found.size == 0:
        return []
    # Each document's key: names matched, then its text score 0..1000 (then its number).
    key = np.rint(total[found] * (1000.0 / weights if weights else 0.0)).astype(np.int64)
    if counts is not None:
        key += counts[found].astype(np.int64) * 1001
    if found.size > limit:
        found, key = _top(found, key, limit)
    ordered = np.sort(key * size + found)[::-1]
    return [(int(k % size), (k // size % 1001) / 10, int(k // size // 1001)) for k in ordered]


def _top(found: np.ndarray, key: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray]:
    """The `limit` documents of the highest keys, the newer first among equal keys.

    Keys are small integers, so a histogram finds the limit's key in one pass (no sort or
    partition of every document found): all above it, and the newest of those equal to it.
    """
    at_least = np.cumsum(np.bincount(key)[::-1])  # at_least[i]: documents keyed >= max - i
    cut = len(at_least) - 1 - int(np.searchsorted(at_least, limit))
    above = np.flatnonzero(key > cut)
    equal = np.flatnonzero(key == cut)
    chosen = np.concatenate((above, equal[len(equal) - (limit - len(above)) :]))
    return found[chosen], key[chosen]


class TextPart(NamedTuple):
    """A `TextBuilder`'s documents as `part()` gives them: its words in the order it numbered
    them, and each document's word numbers (an int64 array of ends, an int32 array)."""

    vocab: list[str]
    doc_ptr: bytes
    doc_words: bytes


class Folded(dict[str, tuple[str, ...]]):
    """Chunk → its indexed words (`_chunk_words`), folded on first use: shared by the
    builders of one process so that a chunk met in many files is folded once."""

    def __missing__(self, key: str) -> tuple[str, ...]:
        found = self[key] = tuple(_chunk_words(key))
        return found


class _Numbers(dict[str, tuple[int, ...]]):
    """Chunk or text → the numbers of its folded words other than stopwords, on first use."""

    def __init__(self, numbers: Callable[[str], Iterable[int]]) -> None:
        super().__init__()
        self.numbers = numbers

    def __missing__(self, key: str) -> tuple[int, ...]:
        found = self[key] = tuple(self.numbers(key))
        return found


def _text_numbers(words_of_chunk: Callable[[str], tuple[int, ...]], text: str) -> Iterable[int]:
    """The word numbers of each chunk of `text`, in order."""
    return chain.from_iterable(map(words_of_chunk, text.split()))


def _chunk_words(chunk: str) -> list[str]:
    """The indexed words of one whitespace-separated chunk: folded, script-marked, no stopwords."""
    cyrillic = is_cyrillic(chunk)
    return [marked(w, cyrillic) for w in tokens(chunk) if w not in STOPWORDS]


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
