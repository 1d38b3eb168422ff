"""Dated /meetings filters read the index's date arrays: a meeting over several days counts on
each of its days, also across a month's end; a month or year record only inside its period."""

from __future__ import annotations

import pytest

from bot.conversation.meetings import MeetingFilter
from bot.conversation.selection import select_ids
from bot.records.loading import load_seeds
from bot.search.index import SearchIndex
from tests.support.seedcopy import REAL_SEEDS, copy_seeds, edit_event

SPANNING = {"value": "2024-11-30", "precision": "day", "basis": "stated"}


@pytest.fixture(scope="module")
def spanning(tmp_path_factory):
    """The real seeds with one meeting moved to 30 November – 2 December 2024."""
    folder = copy_seeds(tmp_path_factory.mktemp("dates"))
    edited = edit_event(
        folder,
        lambda e: e["date"]["precision"] == "day",
        lambda e: e.update(date=SPANNING, end_date="2024-12-02"),
    )
    seeds = load_seeds(folder)
    return edited["id"], seeds, SearchIndex.build(seeds)


@pytest.mark.parametrize(
    ("kind", "value", "found"),
    [
        ("day", "2024-11-30", True),
        ("day", "2024-12-01", True),
        ("day", "2024-12-02", True),
        ("day", "2024-12-03", False),
        ("month", "2024-11", True),
        ("month", "2024-12", True),
        ("month", "2024-10", False),
        ("month_of_year", "12", True),
        ("month_of_year", "11", True),
        ("month_of_year", "01", False),
        ("year", "2024", True),
        ("years", "2019-2024", True),
        ("years", "2025-2026", False),
    ],
)
def test_a_meeting_over_several_days_is_found_on_each(spanning, kind, value, found):
    event_id, seeds, index = spanning
    assert (event_id in select_ids(MeetingFilter(kind, value), seeds, index)) is found


def test_a_year_record_is_not_in_one_of_its_months():
    seeds = load_seeds(REAL_SEEDS)
    index = SearchIndex.build(seeds)
    year_only = [e.id for e in seeds.events.values() if e.date.precision == "year"]
    assert year_only  # the 2018 Pellegrini visit is dated by its year only
    for event_id in year_only:
        year = seeds.events[event_id].date.value
        assert event_id in select_ids(MeetingFilter("year", year), seeds, index)
        assert event_id not in select_ids(MeetingFilter("month", f"{year}-06"), seeds, index)


@pytest.mark.parametrize("value", ["2024-02-30", "2024-13", "0000", "9999-99-99"])
def test_an_impossible_date_finds_nothing_and_does_not_fail(spanning, value):
    _, seeds, index = spanning
    kind = {10: "day", 7: "month", 4: "year"}[len(value)]
    assert select_ids(MeetingFilter(kind, value), seeds, index) == []
