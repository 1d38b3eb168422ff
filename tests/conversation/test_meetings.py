"""The list decisions on the real seeds: parsing /meetings, filtering, ordering, pages, lookups."""

from __future__ import annotations

import pytest

from bot.conversation.meetings import (
    ALL,
    PAGE_SIZE,
    Lookup,
    MeetingFilter,
    clean_argument,
    event_ids_in,
    lookup_person,
    lookup_topic,
    named_entities,
    paginate,
    parse_meetings_args,
    resolve_first,
    suggest_events,
)
from bot.conversation.selection import inline_events, select_events
from bot.records.loading import load_seeds
from bot.search.index import SearchIndex
from tests.support.harness import REAL_SEEDS


@pytest.fixture(scope="module")
def seeds():
    return load_seeds(REAL_SEEDS)


@pytest.fixture(scope="module")
def index(seeds):
    return SearchIndex.build(seeds)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ALL),
        ("   ", ALL),
        (None, ALL),
        ("2019", MeetingFilter("year", "2019")),
        ("2019-2024", MeetingFilter("years", "2019-2024")),
        ("2019 – 2024", MeetingFilter("years", "2019-2024")),
        ("2024-12", MeetingFilter("month", "2024-12")),
        ("2024.3", MeetingFilter("month", "2024-03")),
        ("2025-12-05", MeetingFilter("day", "2025-12-05")),
        ("2024-13", MeetingFilter("text", "2024-13")),
        ("2024-02-30", MeetingFilter("text", "2024-02-30")),
        ("2030-2019", MeetingFilter("years", "2019-2030")),  # either way round
        ("0001", MeetingFilter("text", "0001")),
        ("  Мальта ", MeetingFilter("text", "Мальта")),
    ],
)
def test_parse_meetings_args(text, expected):
    assert parse_meetings_args(text) == expected


def test_huge_arguments_are_cut():
    assert len(clean_argument("я" * 10_000)) <= 200
    assert parse_meetings_args("Vienna " * 2000).kind == "text"


def titles(events):
    return [e.title.en for e in events]


def test_all_meetings_newest_first_and_undated_last(seeds, index):
    events = select_events(ALL, seeds, index)
    assert len(events) == len(seeds.events)
    starts = [e.date.start for e in events if e.date.start]
    assert starts == sorted(starts, reverse=True)
    first_undated = next(i for i, e in enumerate(events) if e.date.start is None)
    assert all(e.date.start is None for e in events[first_undated:])
    assert events[0].id == "2025-12-05-vienna-osce-mc32" or events[0].date.value == "2025-12-05"


def test_year_range_and_month_filters(seeds, index):
    in_2019 = select_events(MeetingFilter("year", "2019"), seeds, index)
    assert {e.id for e in in_2019} == {
        e.id for e in seeds.events.values() if (e.date.value or "").startswith("2019")
    }
    assert any("Lajčák" in title for title in titles(in_2019))
    span = select_events(MeetingFilter("years", "2018-2019"), seeds, index)
    assert {e.date.start.year for e in span} == {2018, 2019}
    december = select_events(MeetingFilter("month", "2024-12"), seeds, index)
    assert "One Water Summit (Riyadh)" in titles(december)
    assert "31st OSCE Ministerial Council" in titles(december)
    day = select_events(MeetingFilter("day", "2019-04-08"), seeds, index)
    assert titles(day) == ["Atamkulov – Lajčák talks"]
    # The Vienna reports are dated 5 December 2025 but give no day: no meeting is put on it.
    assert select_events(MeetingFilter("day", "2025-12-05"), seeds, index) == []
    vienna = select_events(MeetingFilter("month", "2025-12"), seeds, index)
    assert "32nd OSCE Ministerial Council" in titles(vienna) and len(vienna) == 6
    assert select_events(MeetingFilter("year", "1990"), seeds, index) == []


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("Мальта", MeetingFilter("place", "malta")),
        ("Malta", MeetingFilter("place", "malta")),
        ("Vienna", MeetingFilter("place", "vienna")),
        ("Вена", MeetingFilter("place", "vienna")),
        ("ОБСЕ", MeetingFilter("org", "osce")),
        ("ЕҚЫҰ", MeetingFilter("org", "osce")),
        ("Afghanistan", MeetingFilter("place", "afghanistan")),  # the country before the topic
        ("Kosherbayev", MeetingFilter("person", "kosherbayev-yermek")),
    ],
)
def test_meetings_words_name_a_place_organization_or_person(index, words, expected):
    lookup = resolve_first(words, index)
    assert lookup.status == "found"
    assert lookup.filters == (expected,)


def test_place_filter_lists_the_councils_margins(seeds, index):
    malta = select_events(MeetingFilter("place", "malta"), seeds, index)
    assert len(malta) == 8 and titles(malta)[0] == "31st OSCE Ministerial Council"


def test_people_lookup(seeds, index):
    found = lookup_person("Koshербаев", index, seeds)
    assert found.status == "found"
    assert found.filters == (MeetingFilter("person", "kosherbayev-yermek"),)
    ambiguous = lookup_person("Jan", index, seeds)
    assert ambiguous.status == "ambiguous"
    assert {f.value for f in ambiguous.filters} == {"braathu-jan", "asselborn-jean"}
    # No one by that name: suggestions only above SUGGEST_MIN, never the least unlike names.
    for nobody in ("Smith", "Putin", "Путин", "qwertyzz"):
        assert lookup_person(nobody, index, seeds) == Lookup("none")
    close = lookup_person("Tokarev", index, seeds)
    assert close.status == "none"
    assert close.filters == (MeetingFilter("person", "tokayev-kassym-jomart"),)


def test_topic_lookup_across_languages(index):
    for words in ("climate", "климат", "Климаттың өзгеруі", "изменением климата"):
        assert lookup_topic(words, index).filters[0] == MeetingFilter("topic", "climate")
    assert lookup_topic("су", index).filters[0] == MeetingFilter("topic", "water")
    assert lookup_topic("qwertyzzz", index).status == "none"


def test_paginate_clamps_and_numbers():
    items = list(range(PAGE_SIZE * 2 + 1))
    page = paginate(items, 2)
    assert (page.number, page.pages, page.total) == (2, 3, len(items))
    assert page.first_position == PAGE_SIZE + 1
    assert paginate(items, 99).number == 3 and len(paginate(items, 99).events) == 1
    assert paginate(items, -5).number == 1
    assert paginate([], 1).pages == 1


def test_suggestions_for_a_mistyped_event_id(seeds, index):
    assert suggest_events("2025-12-05-vienna-osce-mc23", seeds, index)[0] == (
        "2025-12-05-vienna-osce-mc32"
    )
    assert suggest_events("", seeds, index) == []


def test_search_names_and_inline_results(seeds, index):
    assert MeetingFilter("person", "lajcak-miroslav") in named_entities("Лайчак", index)
    assert named_entities("qwertyzzz", index) == []
    newest = inline_events("", seeds, index)
    assert len(newest) == len(seeds.events) and newest[0].date.value == "2025-12"
    mine = inline_events("Koshербаев", seeds, index)
    assert len(mine) == 6
    assert all(any(p.person == "kosherbayev-yermek" for p in e.participants) for e in mine)


def test_event_ids_in_reads_one_id_or_several():
    known = {"a-1", "b-2"}
    assert event_ids_in("A-1", known) == (["a-1"], [])
    assert event_ids_in("a-1, b-2 a-1", known) == (["a-1", "b-2"], [])
    assert event_ids_in("a-1 zzz", known) == (["a-1"], ["zzz"])
    assert event_ids_in("", known) == ([], [])


def test_a_meeting_over_several_days_is_listed_on_each_of_its_days(seeds):
    import dataclasses
    import datetime as dt

    event = next(e for e in seeds.events.values() if e.date.precision == "day")
    start = event.date.start
    longer = event.model_copy(update={"end_date": start + dt.timedelta(days=2)})
    changed = dataclasses.replace(seeds, events={**seeds.events, event.id: longer})
    index = SearchIndex.build(changed)

    def day(offset: int) -> list[str]:
        value = (start + dt.timedelta(days=offset)).isoformat()
        return [e.id for e in select_events(MeetingFilter("day", value), changed, index)]

    assert event.id in day(0) and event.id in day(1) and event.id in day(2)
    assert event.id not in day(3) and event.id not in day(-1)
    month = select_events(MeetingFilter("month", event.date.value[:7]), changed, index)
    assert [e.id for e in month].count(event.id) == 1
