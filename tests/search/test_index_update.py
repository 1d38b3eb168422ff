"""An index updated in place answers exactly as one built afresh from the edited records.

Random edits (hypothesis) over generated events and the real seeds: events removed, changed
(summary words, date, topics, participants, anniversaries, parent) and added; every lookup a
command makes is compared between `SearchIndex.updated` and `SearchIndex.build`.
"""

from __future__ import annotations

import dataclasses
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.generate import generate_seedset
from bench.queries import command_queries
from bot.records.models import EventDate, Localized
from bot.search.index import SearchIndex
from tests.search.test_index_store import _answers

WORDS = ["климат", "Kosherbayev", "ОБСЕ", "суға", "terrorism", "Вена", "zzqxj", "Helsinki"]


@pytest.fixture(scope="module")
def generated():
    return generate_seedset(300, seed=11)


@pytest.fixture(scope="module")
def built(generated) -> SearchIndex:
    return SearchIndex.build(generated)


def _edit(event, draw, seeds, new_id: str | None = None):
    """A copy of `event` with a few fields changed as an editor might."""
    update: dict = {}
    if new_id is not None:
        update["id"] = new_id
    if draw(st.booleans()):
        word = draw(st.sampled_from(WORDS))
        summary = event.summary
        update["summary"] = Localized(kk=summary.kk, ru=f"{summary.ru} {word}", en=word)
    if draw(st.booleans()):
        year = draw(st.integers(2000, 2030))
        precision = draw(st.sampled_from(["day", "month", "year", "unknown"]))
        value = {"day": f"{year}-03-0{draw(st.integers(1, 9))}", "month": f"{year}-11",
                 "year": str(year), "unknown": None}[precision]  # fmt: skip
        basis = "unknown" if value is None else "stated"
        update["date"] = EventDate(value=value, precision=precision, basis=basis)
        update["end_date"] = None
    if draw(st.booleans()):
        update["topics"] = draw(st.lists(st.sampled_from(sorted(seeds.topics)), max_size=3))
    if draw(st.booleans()):
        update["participants"] = event.participants[: draw(st.integers(0, 3))]
    if draw(st.booleans()):
        update["anniversaries"] = draw(
            st.lists(st.sampled_from(sorted(seeds.anniversaries)), max_size=2, unique=True)
        )
    if draw(st.booleans()):
        update["part_of"] = draw(st.sampled_from([None, *list(seeds.events)[:20]]))
    return event.model_copy(update=update)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_an_updated_index_answers_as_a_rebuilt_one(generated, built, data):
    draw = data.draw
    ids = list(generated.events)
    removed = draw(st.lists(st.sampled_from(ids), max_size=8, unique=True))
    changed_ids = draw(st.lists(st.sampled_from(ids), max_size=8, unique=True))
    changed_ids = [i for i in changed_ids if i not in removed]
    changed = [_edit(generated.events[i], draw, generated) for i in changed_ids]
    added = [
        _edit(generated.events[draw(st.sampled_from(ids))], draw, generated, f"new-{n}")
        for n in range(draw(st.integers(0, 8)))
    ]
    events = {i: e for i, e in generated.events.items() if i not in removed}
    events.update({e.id: e for e in [*changed, *added]})
    edited = dataclasses.replace(generated, events=events)
    updated = built.updated(edited, [*changed, *added], removed, gazetteers_changed=False)
    fresh = SearchIndex.build(edited)
    queries = [*WORDS, *(q for qs in command_queries(generated, 6, seed=2).values() for q in qs)]
    assert _answers(updated, queries, edited) == _answers(fresh, queries, edited)
    # and the stored form of the updated index loads back to the same answers
    loaded = SearchIndex.load(updated.dump(), edited)
    assert _answers(loaded, queries, edited) == _answers(fresh, queries, edited)


def test_updates_chain_and_leave_the_old_index_untouched(generated, built):
    before = _answers(built, WORDS, generated)
    first = next(iter(generated.events.values()))
    events = dict(generated.events)
    del events[first.id]
    once = dataclasses.replace(generated, events=events)
    index = built.updated(once, [], [first.id], gazetteers_changed=False)
    back = dataclasses.replace(generated, events={**events, first.id: first})
    index = index.updated(back, [first], [], gazetteers_changed=False)
    assert _answers(index, WORDS, generated) == before
    assert _answers(built, WORDS, generated) == before  # the served index never changed
    emptied = dataclasses.replace(generated, events={})
    empty = built.updated(emptied, [], list(generated.events), gazetteers_changed=False)
    assert empty.newest_event_ids() == [] and empty.search_events("климат") == []
    assert _answers(empty, WORDS, emptied) == _answers(SearchIndex.build(emptied), WORDS, emptied)


def test_an_index_built_from_events_in_any_order_is_the_same(generated, built):
    shuffled = list(generated.events.values())
    random.Random(5).shuffle(shuffled)
    streamed = SearchIndex.build(generated, iter(shuffled))  # read once, as a rebuild streams
    queries = [*WORDS, *(q for qs in command_queries(generated, 6, seed=3).values() for q in qs)]
    assert _answers(streamed, queries, generated) == _answers(built, queries, generated)
