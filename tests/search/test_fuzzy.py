"""The fuzzy prefilter never loses a match: answers equal rapidfuzz over the whole vocabulary.

`small=0` makes any vocabulary take the letter-histogram path of the large ones (people's
names); the default scores the length slice of a small vocabulary directly.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.search.fuzzy import FuzzyVocab
from bot.search.normalize import fold

folded_words = st.text(alphabet="abdeiklmnorstu0 é", min_size=1, max_size=14)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(folded_words, min_size=1, max_size=60),
    folded_words,
    st.sampled_from([0.6, 0.78]),
    st.sampled_from([0, 2000]),
)
def test_typos_equal_rapidfuzz_over_every_word(words, query, cutoff, small):
    expected = process.extract(
        query,
        words,
        scorer=OSA.normalized_similarity,
        processor=None,
        score_cutoff=cutoff,
        limit=10,
    )
    assert FuzzyVocab(words, small=small).typos(query, cutoff, limit=10) == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(folded_words, min_size=1, max_size=60), folded_words, st.sampled_from([0, 2000]))
def test_close_names_equal_rapidfuzz_over_every_name(names, query, small):
    expected = process.extract(
        query, names, scorer=fuzz.ratio, processor=None, score_cutoff=70, limit=12
    )
    assert FuzzyVocab(names, small=small).close_names(query, 70, limit=12) == expected


def test_a_misspelled_surname_still_meets_its_name():
    names = [fold(w) for w in ("Кошербаев", "Атамқұлов", "Лайчак", "Телалиан")]
    for small in (0, 2000):
        vocab = FuzzyVocab(names, small=small)
        assert [w for w, _, _ in vocab.typos(fold("Koshrebaev"), 0.78, limit=5)] == ["kosherbaev"]
        assert vocab.typos("qwerty", 0.78, limit=5) == []
        assert FuzzyVocab([], small=small).typos("kosherbaev", 0.78, limit=5) == []
