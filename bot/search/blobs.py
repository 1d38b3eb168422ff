"""Turning the search index's arrays and word lists into bytes and back, without pickle.

A persisted index is a `dict[str, bytes]`: numpy arrays in the `.npy` format (dtype and shape in
its header), lists of words or ids as one newline-joined UTF-8 blob, small metadata as JSON.
`Groups` is the one structure several parts share: string keys → sorted arrays of numbers.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from bot.search.splice import Renumbering, compact, splice

Blobs = dict[str, bytes]


class BlobError(ValueError):
    """A persisted index is incomplete or malformed: rebuild it."""


def pack_array(array: np.ndarray) -> bytes:
    """An array as `.npy` bytes."""
    buffer = io.BytesIO()
    np.save(buffer, np.ascontiguousarray(array), allow_pickle=False)
    return buffer.getvalue()


def unpack_array(blobs: Mapping[str, bytes], key: str) -> np.ndarray:
    """The array stored under `key` (BlobError when missing or malformed)."""
    try:
        return np.load(io.BytesIO(blobs[key]), allow_pickle=False)
    except (KeyError, ValueError, OSError, EOFError) as exc:
        raise BlobError(f"{key}: {exc}") from None


def pack_words(words: Iterable[str]) -> bytes:
    """Words without newlines (slugs, folded words) as one newline-joined blob."""
    return "\n".join(words).encode()


def unpack_words(blobs: Mapping[str, bytes], key: str) -> list[str]:
    """The words stored under `key` by `pack_words`."""
    try:
        text = blobs[key].decode()
    except (KeyError, UnicodeDecodeError) as exc:
        raise BlobError(f"{key}: {exc}") from None
    return text.split("\n") if text else []


def pack_json(value: Any) -> bytes:
    """Small metadata (or texts that may hold newlines) as JSON."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def unpack_json(blobs: Mapping[str, bytes], key: str) -> Any:
    """The value stored under `key` by `pack_json`."""
    try:
        return json.loads(blobs[key])
    except (KeyError, ValueError) as exc:
        raise BlobError(f"{key}: {exc}") from None


Pairs = Sequence[int] | np.ndarray  # key or document numbers, one per (key, document) pair


class Groups:
    """String keys (an entity, an anniversary) → the sorted document numbers filed under each."""

    def __init__(self, keys: list[str], ptr: np.ndarray, docs: np.ndarray) -> None:
        self.keys = keys
        self.position = {key: i for i, key in enumerate(keys)}
        self.ptr = ptr
        self.docs = docs

    @classmethod
    def from_pairs(cls, pair_keys: Pairs, pair_docs: Pairs, keys: list[str]) -> Groups:
        """Group (key number, document number) pairs; documents come out ascending per key."""
        key_array = np.asarray(pair_keys, dtype=np.int64)
        doc_array = np.asarray(pair_docs, dtype=np.int32)
        order = np.lexsort((doc_array, key_array))
        ptr = np.zeros(len(keys) + 1, dtype=np.int64)
        np.cumsum(np.bincount(key_array, minlength=len(keys)), out=ptr[1:])
        return cls(keys, ptr, doc_array[order])

    @classmethod
    def in_document_order(cls, pair_keys: Pairs, pair_docs: Pairs, keys: list[str]) -> Groups:
        """`from_pairs`, with the keys numbered as a pass over the documents in order would
        meet them (pairs of one document in the order given), whatever order the pairs came
        in: the same groups, stored alike, however the events were read."""
        key_array = np.asarray(pair_keys, dtype=np.int64)
        doc_array = np.asarray(pair_docs, dtype=np.int64)
        met = key_array[np.argsort(doc_array, kind="stable")]
        found, first = np.unique(met, return_index=True)
        ordered = found[np.argsort(first)]  # old key numbers, in the order they are met
        renumber = np.empty(len(keys), dtype=np.int64)
        renumber[ordered] = np.arange(len(ordered))
        names = [keys[k] for k in ordered.tolist()]
        return cls.from_pairs(renumber[key_array], doc_array, names)

    def updated(self, renumbering: Renumbering, additions: Iterable[tuple[str, int]]) -> Groups:
        """These groups after a renumbering, with (key, new document number) pairs added; a
        key left with no documents goes, as a fresh build would not have it."""
        position = dict(self.position)
        keys = list(self.keys)
        add_keys, add_docs = [], []
        for key, doc in additions:
            number = position.get(key)
            if number is None:
                number = position[key] = len(keys)
                keys.append(key)
            add_keys.append(number)
            add_docs.append(doc)
        ptr, docs = splice(self.ptr, self.docs, renumbering, len(keys), add_keys, add_docs)
        keep, ptr = compact(ptr)
        return Groups([key for key, kept in zip(keys, keep.tolist(), strict=True) if kept],
                      ptr, docs)  # fmt: skip

    def get(self, key: str) -> np.ndarray | None:
        """The documents filed under `key` (ascending), or None for an unknown key."""
        i = self.position.get(key)
        return None if i is None else self.docs[self.ptr[i] : self.ptr[i + 1]]

    def dump(self, prefix: str) -> Blobs:
        """The groups as blobs named `prefix.*`."""
        return {
            f"{prefix}.keys": pack_words(self.keys),
            f"{prefix}.ptr": pack_array(self.ptr),
            f"{prefix}.docs": pack_array(self.docs),
        }

    @classmethod
    def load(cls, blobs: Mapping[str, bytes], prefix: str) -> Groups:
        """Groups stored by `dump` (BlobError when incomplete)."""
        keys = unpack_words(blobs, f"{prefix}.keys")
        ptr, docs = unpack_array(blobs, f"{prefix}.ptr"), unpack_array(blobs, f"{prefix}.docs")
        if len(ptr) != len(keys) + 1 or (len(keys) and ptr[-1] != len(docs)):
            raise BlobError(f"{prefix}: inconsistent sizes")
        return cls(keys, ptr, docs)
