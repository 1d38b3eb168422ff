"""A stored search index answers like a freshly built one, and the event lookups find the
records a user asks for by date, anniversary or calendar day without decoding any event."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator, Mapping

import pytest

from bench.generate import generate_seedset
from bench.queries import command_queries
from bot.records.loading import load_seeds
from bot.search.index import SearchIndex
from tests.support.seedcopy import REAL_SEEDS


class UntouchableEvents(Mapping):
    """An events mapping that fails the test when anything reads it (the index must not)."""

    def __getitem__(self, key: str):
        raise AssertionError(f"the index decoded event {key}")

    def __iter__(self) -> Iterator[str]:
        raise AssertionError("the index iterated the events")

    def __len__(self) -> int:
        raise AssertionError("the index counted the events")


@pytest.fixture(scope="module")
def seeds():
    return load_seeds(REAL_SEEDS)


@pytest.fixture(scope="module")
def index(seeds) -> SearchIndex:
    return SearchIndex.build(seeds)


@pytest.fixture(scope="module")
def generated():
    return generate_seedset(2000, seed=3)


def _reloaded(index: SearchIndex, seeds) -> SearchIndex:
    lazy = dataclasses.replace(seeds, events=UntouchableEvents())
    loaded = SearchIndex.load(index.dump(), lazy)
    assert loaded is not None
    return loaded


def _answers(index: SearchIndex, queries: list[str], seeds) -> list:
    answers: list = []
    for query in queries:
        answers += [
            index.resolve_person(query),
            index.find_people(query),
            index.find_topics(query),
            index.find_places(query),
            index.find_organizations(query),
            index.search_events(query, limit=30),
        ]
    for ids, lookup in (
        (seeds.people, index.events_for_person),
        (seeds.topics, index.events_for_topic),
        (seeds.places, index.events_for_place),
        (seeds.organizations, index.events_for_organization),
        (seeds.anniversaries, index.events_for_anniversary),
    ):
        answers += [lookup(i) for i in list(ids)[:200]]
    answers += [index.events_on_day(m, d) for m in range(1, 13) for d in (1, 5, 15, 28)]
    answers += [_between(index, dt.date(y, 1, 1), dt.date(y, 12, 31)) for y in range(2015, 2027)]
    answers += [index.newest_event_ids(), index.events.dump()]
    return answers


def test_a_stored_index_of_the_real_seeds_answers_alike(index, seeds):
    queries = ["Кошербаев", "Koshrebaev", "климат", "ОБСЕ", "Вена", "Назарбаеву", "water Malta"]
    queries += ["Лайчакпен", "терроризм мен экстремизм", "Helsinki", "", "🎉", "x" * 300]
    assert _answers(_reloaded(index, seeds), queries, seeds) == _answers(index, queries, seeds)


def test_a_stored_index_of_generated_events_answers_alike(generated):
    index = SearchIndex.build(generated)
    queries = [q for qs in command_queries(generated, 40, seed=5).values() for q in qs]
    reloaded = _reloaded(index, generated)
    assert _answers(reloaded, queries, generated) == _answers(index, queries, generated)


def test_blobs_of_another_format_or_missing_parts_are_refused(index, seeds):
    blobs = index.dump()
    assert all(isinstance(v, bytes) for v in blobs.values())
    assert SearchIndex.load({}, seeds) is None
    assert SearchIndex.load({**blobs, "meta": b'{"format": "0-old"}'}, seeds) is None
    assert SearchIndex.load({**blobs, "meta": b"not json"}, seeds) is None
    for key in ("text.docs", "events.ids", "entities.ptr", "anniversaries.keys"):
        assert SearchIndex.load({k: v for k, v in blobs.items() if k != key}, seeds) is None
    assert SearchIndex.load({**blobs, "text.docs": b"\x93NUMPY garbage"}, seeds) is None


def test_on_this_day_finds_the_atamkulov_lajcak_talks(index, seeds):
    found = index.events_on_day(4, 8)
    assert "2019-04-08-astana-atamkulov-lajcak" in found
    assert index.events_on_day(12, 5) == []  # Vienna 2025 has no day: only its reports have
    for event_id in found:
        event = seeds.events[event_id]
        assert event.date.precision == "day"
        assert (event.date.start.month, event.date.start.day) == (4, 8)
    assert index.events_on_day(2, 30) == []


def test_events_citing_the_helsinki_final_act(index, seeds):
    expected = {e.id for e in seeds.events.values() if "helsinki-final-act" in e.anniversaries}
    found = index.events_for_anniversary("helsinki-final-act")
    assert set(found) == expected and len(found) == 3
    assert found == sorted(found, key=lambda i: seeds.events[i].date.value, reverse=True)
    assert index.events_for_anniversary("no-such-anniversary") == []


def _between(index: SearchIndex, start: dt.date, end: dt.date) -> list[str]:
    return index.ids_of(index.events.between(start, end))


def test_events_between_years_months_and_days(index, seeds):
    in_2019 = _between(index, dt.date(2019, 1, 1), dt.date(2019, 12, 31))
    assert set(in_2019) == {
        e.id for e in seeds.events.values() if (e.date.value or "").startswith("2019")
    }
    # A month-precision event lies in its month, not on a day of it; a year not in a month.
    december = set(_between(index, dt.date(2024, 12, 1), dt.date(2024, 12, 31)))
    assert {"2024-12-malta-osce-mc31", "2024-12-03-riyadh-one-water-summit"} <= december
    assert _between(index, dt.date(2024, 12, 3), dt.date(2024, 12, 3)) == [
        "2024-12-03-riyadh-one-water-summit"
    ]
    assert "2018-pellegrini-visit-kazakhstan" not in _between(index,
        dt.date(2018, 4, 1), dt.date(2018, 4, 30)
    )
    span = _between(index, dt.date(2019, 1, 1), dt.date(2024, 12, 31))
    assert set(in_2019) | december <= set(span)
    assert _between(index, dt.date(2030, 1, 1), dt.date(2020, 1, 1)) == []


def test_a_stored_index_lists_the_newest_first(index, seeds):
    lazy = _reloaded(index, seeds)
    newest = lazy.newest_event_ids()
    dated = [seeds.events[i].date.value for i in newest if seeds.events[i].date.value]
    assert dated == sorted(dated, reverse=True)


def test_pages_of_a_long_list_match_the_whole_list(index, seeds):
    for kind, entity_id, whole in (
        ("person", "kosherbayev-yermek", index.events_for_person("kosherbayev-yermek")),
        ("place", "kazakhstan", index.events_for_place("kazakhstan")),
        ("topic", "security", index.events_for_topic("security")),
    ):
        numbers = index.event_numbers(kind, entity_id)
        assert len(numbers) == len(whole) > 2
        assert index.ids_of(numbers, 0, 2) + index.ids_of(numbers, 2) == whole
    assert index.ids_of(index.event_numbers("person", "nobody")) == []


def test_a_broad_topic_gathers_its_narrower_topics_events():
    from types import SimpleNamespace

    from bot.records.models import Topic
    from tests.search.test_index import _event

    def topic(topic_id: str, parent: str | None = None) -> Topic:
        return Topic(
            id=topic_id, name={"kk": topic_id, "ru": topic_id, "en": topic_id}, parent=parent
        )

    topics = [topic("security"), topic("cyber", "security"), topic("mines", "cyber")]
    events = [
        _event("e1", "2020-01-01", "Cyber talks", [], topics=["cyber"]),
        _event("e2", "2021-01-01", "Demining", [], topics=["mines"]),
        _event("e3", "2022-01-01", "Talks", [], topics=["security", "cyber"]),
    ]
    seeds = SimpleNamespace(
        people={}, organizations={}, places={}, topics={t.id: t for t in topics},
        events={e.id: e for e in events},
    )  # fmt: skip
    index = SearchIndex.build(seeds)
    assert index.events_for_topic("security") == ["e3", "e2", "e1"]
    assert index.events_for_topic("security", include_children=False) == ["e3"]
    assert index.events_for_topic("cyber") == ["e3", "e2", "e1"]
    assert index.events_for_topic("mines") == ["e2"]
    assert [m.id for m in index.search_events("security")] == ["e3", "e2", "e1"]
