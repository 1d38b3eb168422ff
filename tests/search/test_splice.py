"""`splice` gives the postings a fresh build would, whether it copies run by run or in bulk."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.search import splice as splicing
from bot.search.splice import Renumbering, splice


def _reference(groups, renumbering, additions, key_count):
    """The spliced postings, computed the slow and obvious way: key → sorted new numbers."""
    out: list[list[int]] = [[] for _ in range(key_count)]
    for key, docs in enumerate(groups):
        out[key] = [int(renumbering.old_to_new[d]) for d in docs if renumbering.old_to_new[d] >= 0]
    for key, doc in additions:
        out[key].append(doc)
    return [sorted(docs) for docs in out]


@settings(max_examples=60, deadline=None)
@given(data=st.data(), bulk=st.booleans())
def test_splice_matches_the_obvious_result(data, bulk, monkeypatch_module):
    draw = data.draw
    size = draw(st.integers(1, 40))
    keys = draw(st.integers(1, 6))
    groups = [sorted(draw(st.sets(st.integers(0, size - 1), max_size=size))) for _ in range(keys)]
    ptr = np.zeros(keys + 1, dtype=np.int64)
    np.cumsum([len(g) for g in groups], out=ptr[1:])
    docs = np.array([d for g in groups for d in g], dtype=np.int32)
    old_keys = [(n, str(n)) for n in range(size)]
    removed = np.array(sorted(draw(st.sets(st.integers(0, size - 1)))), dtype=np.int64)
    incoming = sorted(draw(st.lists(st.integers(-1, size), max_size=6)))
    renumbering = Renumbering.plan(old_keys, removed, [(k, f"{k}-new") for k in incoming])
    key_count = keys + draw(st.integers(0, 2))
    additions = [
        (draw(st.integers(0, key_count - 1)), int(doc))
        for doc in renumbering.inserted.tolist()
        for _ in range(draw(st.integers(0, 2)))
    ]
    unique = sorted(set(additions))
    monkeypatch_module.setattr(splicing, "SEGMENTS_MAX", -1 if bulk else 10**9)
    new_ptr, new_docs = splice(ptr, docs, renumbering, key_count, [k for k, _ in unique],
                               [d for _, d in unique])  # fmt: skip
    got = [new_docs[new_ptr[k] : new_ptr[k + 1]].tolist() for k in range(key_count)]
    assert got == _reference(groups, renumbering, unique, key_count)
    assert new_docs.dtype == np.int32


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_scatter_list_and_moved_agree_with_the_numbering(data):
    """The ids list after a renumbering holds each kept id at its new number and each incoming
    one at its own; `moved` names exactly the old numbers that changed and the new numbers an
    id → number mapping must learn."""
    draw = data.draw
    size = draw(st.integers(0, 30))
    old_keys = [(n, str(n)) for n in range(size)]
    removed = np.array(sorted(draw(st.sets(st.integers(0, max(size - 1, 0)), max_size=size))),
                       dtype=np.int64) if size else np.zeros(0, dtype=np.int64)  # fmt: skip
    incoming = sorted(draw(st.lists(st.integers(-1, size), max_size=6)))
    new_keys = [(k, f"{k}-new-{j}") for j, k in enumerate(incoming)]
    renumbering = Renumbering.plan(old_keys, removed, sorted(new_keys))
    old = [f"id{n}" for n in range(size)]
    new = [f"in{j}" for j in range(len(incoming))]
    out = renumbering.scatter_list(old, new)
    expected: list = [None] * renumbering.size
    for n, value in enumerate(old):
        if renumbering.old_to_new[n] >= 0:
            expected[renumbering.old_to_new[n]] = value
    for n, value in zip(renumbering.inserted.tolist(), new, strict=True):
        expected[n] = value
    assert out == expected
    forget, learn = renumbering.moved()
    before = {value: n for n, value in enumerate(old)}
    for n in forget.tolist():
        del before[old[n]]
    for n in learn.tolist():
        before[out[n]] = n
    assert before == {value: n for n, value in enumerate(out)}
