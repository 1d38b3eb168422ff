"""Applying a few added, changed and removed events to the index's arrays without rebuilding them.

The index numbers events by recency (bot.search.eventfacts), and every structure holds those
numbers: the text index's postings, the entity and anniversary groups, `part_of`. Adding or
removing an event shifts the numbers after it, so an update is a `Renumbering` (old number →
new number, -1 for an event that goes) plus the postings of the events that come in, and each
CSR structure is `splice`d: its kept postings mapped through the renumbering (which keeps them
ascending), the departed ones dropped, the new ones inserted in place. That is a few passes of
numpy over the arrays, never a Python loop per posting that stays; a changed event is one that
goes and comes back.

Why in place rather than a separate delta segment searched beside the main one: every query
(ranking, lists newest first, date ranges, paging by number) then keeps working on one set of
arrays, with no merge at query time and no second code path to keep identical to the first;
the copy costs tens of milliseconds at 100,000 events, and the old arrays stay untouched for
the commands answered meanwhile (the new index is swapped in whole).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Renumbering:
    """How event numbers move when `removed` old numbers go and events come in at `inserted`.

    `old_to_new[n]` is the new number of old event n, -1 when it is removed (a changed event is
    removed and inserted again); `inserted[j]` is the new number of the j-th incoming event in
    recency order; `size` is the new count of events.
    """

    old_to_new: np.ndarray
    inserted: np.ndarray
    size: int

    @classmethod
    def plan(cls, old_keys: Sequence[tuple[int, str]], removed: np.ndarray,
             incoming: Sequence[tuple[int, str]]) -> Renumbering:  # fmt: skip
        """The renumbering for recency keys: `old_keys` ascending (one per old number),
        `removed` the old numbers that go, `incoming` the keys of the events that come in,
        ascending."""
        size = len(old_keys)
        removed = np.unique(np.asarray(removed, dtype=np.int64))
        kept = np.ones(size, dtype=bool)
        kept[removed] = False
        # Where each incoming event falls among the kept old events.
        below = np.array([bisect_left(old_keys, key) for key in incoming], dtype=np.int64)
        among_kept = below - np.searchsorted(removed, below)
        inserted = among_kept + np.arange(len(incoming), dtype=np.int64)
        kept_count = size - removed.size
        old_to_new = np.full(size, -1, dtype=np.int32)
        positions = np.arange(kept_count, dtype=np.int64)
        old_to_new[kept] = positions + np.searchsorted(among_kept, positions, side="right")
        return cls(old_to_new, inserted.astype(np.int32), kept_count + len(incoming))

    def scatter(self, old: np.ndarray, new: np.ndarray) -> np.ndarray:
        """A per-event array in the new numbering: kept old values moved, `new` values for
        the incoming events (in their order)."""
        out = np.empty(self.size, dtype=old.dtype)
        kept = self.old_to_new >= 0
        out[self.old_to_new[kept]] = old[kept]
        out[self.inserted] = new
        return out

    def scatter_list(self, old: Sequence, new: Sequence) -> list:
        """`scatter` for Python lists (ids, labels): the kept runs between the cuts are copied
        as slices (the kept values keep their order), so the cost is a copy of the list plus a
        step per removed or incoming value, not a Python step per value."""
        kept: list = []
        start = 0
        for gone in np.flatnonzero(self.old_to_new < 0).tolist():
            kept += old[start:gone]
            start = gone + 1
        kept += old[start:]
        out: list = []
        taken = 0
        for j, (number, value) in enumerate(zip(self.inserted.tolist(), new, strict=True)):
            out += kept[taken : number - j]  # the kept values before it: its number less j
            out.append(value)
            taken = number - j
        out += kept[taken:]
        return out

    def moved(self) -> tuple[np.ndarray, np.ndarray]:
        """(old numbers whose number changed or that go, new numbers of moved or incoming
        events): what a mapping of ids to numbers must forget, then learn."""
        old_to_new = self.old_to_new
        changed = np.flatnonzero(old_to_new != np.arange(old_to_new.size, dtype=old_to_new.dtype))
        kept = old_to_new[changed]
        return changed, np.concatenate([kept[kept >= 0], self.inserted]).astype(np.int64)


SEGMENTS_MAX = 20_000  # cut points up to which `splice` copies segment by segment


def splice(
    ptr: np.ndarray,
    docs: np.ndarray,
    renumbering: Renumbering,
    key_count: int,
    add_keys: Sequence[int],
    add_docs: Sequence[int],
) -> tuple[np.ndarray, np.ndarray]:
    """A CSR structure (key i → `docs[ptr[i]:ptr[i+1]]`, ascending) after a renumbering, with
    the postings (`add_keys[j]`, `add_docs[j]`) of incoming events (new numbers) added.

    `key_count` may exceed the old number of keys (new keys come last); returns the new
    `(ptr, docs)`. Keys left with no documents keep an empty range (`compact` drops them).

    The new postings array is the only large allocation: the postings that go and the places
    the new ones go in are found with binary searches, and the kept runs between them are
    renumbered straight into it (up to SEGMENTS_MAX runs; more, as when a start applies a long
    delta, are renumbered in one pass through temporary copies instead).
    """
    old_to_new = renumbering.old_to_new
    going = old_to_new < 0
    gone = np.flatnonzero(going[docs]) if going.any() else np.zeros(0, dtype=np.int64)
    keys = np.asarray(add_keys, dtype=np.int64)
    new_docs = np.asarray(add_docs, dtype=np.int32)
    order = np.lexsort((new_docs, keys))
    keys, new_docs = keys[order], new_docs[order]
    # Where each new posting goes in the old array: before the first old posting of its key
    # whose event is kept and comes after it in the new numbering.
    kept_old = np.flatnonzero(old_to_new >= 0)
    following = np.searchsorted(old_to_new[kept_old], new_docs)
    threshold = np.append(kept_old, len(old_to_new))[following]
    old_keys = len(ptr) - 1
    bounds = np.append(ptr, ptr[-1])  # new keys (past the old ones) insert at the very end
    starts = bounds[np.minimum(keys, old_keys)].tolist()
    ends = bounds[np.minimum(keys + 1, old_keys + 1)].tolist()
    at = np.array(
        [start + int(np.searchsorted(docs[start:end], limit))
         for start, end, limit in zip(starts, ends, threshold.tolist(), strict=True)],
        dtype=np.int64,
    )  # fmt: skip
    counts = np.zeros(key_count, dtype=np.int64)
    counts[:old_keys] = np.diff(ptr)
    if gone.size:
        counts -= np.bincount(np.searchsorted(ptr, gone, side="right") - 1, minlength=key_count)
    counts += np.bincount(keys, minlength=key_count)
    new_ptr = np.zeros(key_count + 1, dtype=np.int64)
    np.cumsum(counts, out=new_ptr[1:])
    if gone.size + at.size > SEGMENTS_MAX:
        mapped = np.delete(old_to_new[docs], gone)
        at_kept = at - np.searchsorted(gone, at)  # insertion points once `gone` is removed
        return new_ptr, np.insert(mapped, at_kept, new_docs).astype(np.int32, copy=False)
    out = np.empty(int(new_ptr[-1]), dtype=np.int32)
    written = read = 0
    inserts = iter(zip(at.tolist(), new_docs.tolist(), strict=True))
    cuts = sorted([(int(g), 1) for g in gone.tolist()] + [(int(a), 0) for a in at.tolist()])
    for position, skip in cuts:  # an insertion sorts before a removal at the same place
        run = position - read
        np.take(old_to_new, docs[read:position], out=out[written : written + run])
        written, read = written + run, position
        if skip:
            read += 1
        else:
            out[written] = next(inserts)[1]
            written += 1
    np.take(old_to_new, docs[read:], out=out[written:])
    return new_ptr, out


def compact(ptr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(mask of the keys that still have documents, the ptr without the empty ones)."""
    counts = np.diff(ptr)
    keep = counts > 0
    new_ptr = np.zeros(int(keep.sum()) + 1, dtype=np.int64)
    np.cumsum(counts[keep], out=new_ptr[1:])
    return keep, new_ptr
