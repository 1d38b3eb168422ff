"""The .ics export parses back with icalendar and holds the anniversaries of the next year."""

from __future__ import annotations

import datetime as dt

import pytest
from icalendar import Calendar

from bot.digests.calendar import build_calendar
from bot.records.loading import load_seeds
from bot.settings import PROJECT_ROOT


@pytest.fixture(scope="module")
def seeds():
    return load_seeds(PROJECT_ROOT / "seeds")


def entries(ics: bytes) -> list:
    return list(Calendar.from_ical(ics).walk("VEVENT"))


def test_helsinki_anniversary_in_the_next_twelve_months(seeds):
    found = entries(build_calendar(seeds, dt.date(2026, 3, 1), "en"))
    (helsinki,) = [e for e in found if "Helsinki" in str(e["summary"])]
    assert helsinki.decoded("dtstart") == dt.date(2026, 8, 1)
    assert "51 years" in str(helsinki["summary"])
    assert str(helsinki["uid"]) == "anniversary-helsinki-final-act-2026@diplobrief"
    # Every anniversary appears once, inside the window.
    assert len([e for e in found if str(e["uid"]).startswith("anniversary-")]) == len(
        seeds.anniversaries
    )
    for entry in found:
        assert dt.date(2026, 3, 1) <= entry.decoded("dtstart") < dt.date(2027, 3, 1)


def test_jubilee_is_marked_and_text_is_localized(seeds):
    found = entries(build_calendar(seeds, dt.date(2025, 7, 1), "ru"))
    (helsinki,) = [e for e in found if "Хельсинк" in str(e["summary"])]
    assert str(helsinki["summary"]).startswith("🎉") and "50 лет" in str(helsinki["summary"])


def test_announced_month_precision_event_is_included_and_year_only_is_not(seeds):
    found = entries(build_calendar(seeds, dt.date(2026, 1, 10), "en"))
    future = {str(e["uid"]) for e in found if str(e["uid"]).startswith("future-")}
    by_precision = {f.id: f.date.precision for f in seeds.future_events.values()}
    expected = {
        f"future-{fid}@diplobrief"
        for fid, f in seeds.future_events.items()
        if by_precision[fid] in ("day", "month")
        and dt.date(2026, 1, 1) <= f.date.start < dt.date(2027, 1, 10)
    }
    assert expected and future == expected
    assert not any(by_precision.get(uid[7:-11]) == "year" for uid in future)
