"""The ranking's cut to the best `limit` documents is the cut of a full sort."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.search.text import _top, rank


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 3_003), min_size=1, max_size=300), st.integers(1, 60))
def test_the_histogram_cut_keeps_what_a_full_sort_keeps(keys, limit):
    found = np.arange(len(keys), dtype=np.int64) * 3  # ascending document numbers
    key = np.array(keys, dtype=np.int64)
    kept_found, kept_key = _top(found, key, min(limit, len(keys)))
    expected = sorted(zip(keys, found.tolist(), strict=True), reverse=True)[:limit]
    kept = sorted(zip(kept_key.tolist(), kept_found.tolist(), strict=True), reverse=True)
    assert kept == expected


def test_rank_puts_more_names_first_then_text_then_the_newer():
    size = 10
    word = [(np.array([1, 2, 3, 8], dtype=np.int32), 1.0)]
    rarer = [(np.array([2], dtype=np.int32), 1.0), (np.array([3], dtype=np.int32), 0.8)]
    named = [np.array([1, 9], dtype=np.int32)]
    ranked = rank([word, rarer], size, limit=4, named=named)
    # 1 and 9 match the name (1 the words too); 2 meets both words exactly, 3 one by a prefix.
    assert [doc for doc, _, _ in ranked] == [1, 9, 2, 3]
    assert [named for _, _, named in ranked] == [1, 1, 0, 0]
    assert [doc for doc, _, _ in rank([word], size, limit=2)] == [8, 3]  # equal: the newer
