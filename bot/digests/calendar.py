"""The /calendar export: anniversaries and announced events of the next twelve months as .ics.

Every entry is an all-day VEVENT with a stable UID (re-importing updates instead of duplicating):
- each anniversary on the day it falls in the window, titled with the years since ("51 years");
- each announced future event with a day or month date (a month-precision one sits on the first
  of its month and says that the day was not announced); year-only announcements are left out,
  because a calendar entry on 1 January would claim more than the source says.
"""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar
from icalendar import Event as IcsEvent

from bot.digests.compose import is_jubilee, occurrence
from bot.digests.render import plural
from bot.i18n import t
from bot.records.seedset import SeedSet

WINDOW_DAYS = 365
PRODID = "-//diplobrief//Diplomatic briefing bot//EN"


def _entry(uid: str, day: dt.date, summary: str, description: str, stamp: dt.datetime) -> IcsEvent:
    entry = IcsEvent()
    entry.add("uid", uid)
    entry.add("dtstamp", stamp)
    entry.add("dtstart", day)
    entry.add("dtend", day + dt.timedelta(days=1))
    entry.add("summary", summary)
    entry.add("description", description)
    entry.add("transp", "TRANSPARENT")  # an anniversary does not make anyone busy
    return entry


def build_calendar(
    seeds: SeedSet,
    today: dt.date,
    lang: str,
    topics: tuple[str, ...] = (),
    stamp: dt.datetime | None = None,
) -> bytes:
    """The .ics bytes for the twelve months starting `today`, texts in `lang`."""
    stamp = stamp or dt.datetime.now(dt.UTC)
    wanted = seeds.topic_tree(topics) if topics else frozenset()
    end = today + dt.timedelta(days=WINDOW_DAYS)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", t(lang, "calendar.name"))
    for anniversary in sorted(seeds.anniversaries.values(), key=lambda a: a.id):
        if wanted and not wanted.intersection(anniversary.topics):
            continue
        for year in (today.year, today.year + 1):
            day = occurrence(anniversary.date, year)
            years = year - anniversary.date.year
            if not today <= day < end or years <= 0:
                continue
            summary = f"{anniversary.title.get(lang)} — {plural(lang, 'digest.years', years)}"
            if is_jubilee(years):
                summary = "🎉 " + summary
            description = f"{anniversary.description.get(lang)}\n\n{anniversary.reference}"
            uid = f"anniversary-{anniversary.id}-{year}@diplobrief"
            calendar.add_component(_entry(uid, day, summary, description, stamp))
    for future in sorted(seeds.future_events.values(), key=lambda f: f.id):
        start = future.date.start
        if future.date.precision not in ("day", "month") or start is None:
            continue
        if not today <= start < end and not (
            future.date.precision == "month"
            and (start.year, start.month) == (today.year, today.month)
        ):
            continue
        if wanted and not wanted.intersection(future.topics):
            continue
        note = t(lang, "calendar.month_only") if future.date.precision == "month" else ""
        quote = future.sources[0].quotes[0]
        description = "\n\n".join(part for part in (note, quote) if part)
        uid = f"future-{future.id}@diplobrief"
        calendar.add_component(_entry(uid, start, future.title.get(lang), description, stamp))
    return calendar.to_ical()
