"""Digest composition: pure functions from a SeedSet and a date to what a chat reads that morning.

A digest has three parts:
- *On this day*: anniversaries from the gazetteer (with the years since), and events from the
  records that happened on this calendar day in an earlier year ("one year ago today"), for
  day-precision dates only.
- *Coming up*: anniversaries in the next seven days and announced future events whose first
  possible day falls in that window.
- *New*: records added or changed since the chat's last digest (ids from
  `SeedStore.changes_since`).

Round anniversaries (jubilees) are every multiple of five years: 5, 10, 15, 20, 25, … 50, 75, 100.
Five rather than ten because the sources themselves celebrate the 15th of the Astana Declaration
alongside the 50th of the Helsinki Final Act (article 000, 5 Dec 2025). A jubilee is announced
seven days ahead as well as on the day. An anniversary on 29 February falls on 28 February in
common years.

How a chat reads it (HTML in kk, ru or en, cut into messages) is `bot.digests.render`.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from bot.records.models import Anniversary, Event, FutureEvent
from bot.records.seedset import SeedSet

if TYPE_CHECKING:
    from bot.search.index import SearchIndex

JUBILEE_EVERY = 5
NOTICE_DAYS = 7
HORIZON_DAYS = 7
DAY_MEMO = 16  # calendar days whose records a DigestIndex keeps decoded
MENTION_MEMO = 512  # anniversaries whose citing records it keeps
KIND_SECTIONS = {
    "daily": frozenset({"anniversaries", "echoes", "upcoming_events", "new"}),
    "anniversaries": frozenset({"anniversaries", "echoes"}),
    # Monday morning: the week ahead's anniversaries and announced events, last week's records.
    "weekly": frozenset({"week_ahead", "upcoming_events", "new"}),
}


def is_jubilee(years: int) -> bool:
    """Whether `years` is a round anniversary worth calling out (a positive multiple of five)."""
    return years > 0 and years % JUBILEE_EVERY == 0


def occurrence(original: dt.date, year: int) -> dt.date:
    """The day an anniversary of `original` falls on in `year` (29 Feb -> 28 Feb)."""
    try:
        return original.replace(year=year)
    except ValueError:
        return dt.date(year, 2, 28)


@dataclass(frozen=True)
class AnniversaryNote:
    """An anniversary on or near the digest's day."""

    anniversary: Anniversary
    date: dt.date  # the day it falls on
    years: int
    days_ahead: int  # 0 = today
    mentioned_in: tuple[Event, ...]  # records that cite it, newest first

    @property
    def jubilee(self) -> bool:
        """A round anniversary (see the module notes)."""
        return is_jubilee(self.years)

    @property
    def notice(self) -> bool:
        """A round anniversary announced a week ahead."""
        return self.jubilee and self.days_ahead == NOTICE_DAYS


@dataclass(frozen=True)
class EventEcho:
    """A recorded event that happened on this calendar day `years` ago, with the meetings held
    on its margins that day."""

    event: Event
    years: int
    margins: tuple[Event, ...] = ()


@dataclass(frozen=True)
class Digest:
    """Everything one chat's digest for one day holds, before rendering."""

    day: dt.date
    kind: str
    topics: tuple[str, ...] = ()  # the chat's topic filter, as given
    anniversaries: tuple[AnniversaryNote, ...] = ()  # today's
    echoes: tuple[EventEcho, ...] = ()
    upcoming_anniversaries: tuple[AnniversaryNote, ...] = ()
    upcoming_events: tuple[FutureEvent, ...] = ()
    new_events: tuple[Event, ...] = ()

    @property
    def is_empty(self) -> bool:
        """True when there is nothing to tell (such a digest is not sent by default)."""
        return not (
            self.anniversaries
            or self.echoes
            or self.upcoming_anniversaries
            or self.upcoming_events
            or self.new_events
        )


def _keeps(topics: Collection[str], item_topics: Iterable[str]) -> bool:
    return not topics or bool(topics.intersection(item_topics))  # type: ignore[attr-defined]


def _sort_key(event: Event) -> str:
    return event.date.value or ""


class DigestIndex:
    """Lookups a digest needs, built once per SeedSet so no digest scans every record.

    Events on a calendar day and events citing an anniversary come from the search index when
    one is given (`events_on_day`, `events_for_anniversary`); otherwise from maps built here on
    the first use of each, in one pass over the events.
    """

    def __init__(self, seeds: SeedSet, search: SearchIndex | None = None) -> None:
        self.seeds = seeds
        self.search = search
        self.anniversaries_on: dict[tuple[int, int], list[Anniversary]] = {}
        for anniversary in seeds.anniversaries.values():
            month_day = (anniversary.date.month, anniversary.date.day)
            self.anniversaries_on.setdefault(month_day, []).append(anniversary)
        self.future = sorted(
            (event for event in seeds.future_events.values() if event.date.start),
            key=lambda event: (event.date.start, event.id),
        )
        self.future_starts = [event.date.start or dt.date.min for event in self.future]
        self._on_day: dict[tuple[int, int], list[Event]] | None = None
        self._mentions: dict[str, tuple[Event, ...]] | None = None
        # Decoded answers for the days and anniversaries digests asked about lately (bounded,
        # so a long-running bot does not end up holding every record decoded).
        self._day_memo: dict[tuple[int, int], list[Event]] = {}
        self._mention_memo: dict[str, tuple[Event, ...]] = {}

    def events_on(self, month: int, day: int) -> list[Event]:
        """Day-precision records dated on this month and day, in any year."""
        if (found := self._day_memo.get((month, day))) is None:
            found = self._day_memo[(month, day)] = self._events_on(month, day)
            _trim(self._day_memo, DAY_MEMO)
        return found

    def mentions(self, anniversary_id: str) -> tuple[Event, ...]:
        """Records citing the anniversary, newest first."""
        if (found := self._mention_memo.get(anniversary_id)) is None:
            found = self._mention_memo[anniversary_id] = self._mentions_of(anniversary_id)
            _trim(self._mention_memo, MENTION_MEMO)
        return found

    def warm(self) -> None:
        """Build the maps the search index does not provide now (to run in a worker thread)."""
        self._events_on(1, 1)
        self._mentions_of("")

    def _events_on(self, month: int, day: int) -> list[Event]:
        if self.search is not None:
            events = self.seeds.events
            return [events[eid] for eid in self.search.events_on_day(month, day) if eid in events]
        if self._on_day is None:
            self._on_day = {}
            for event in self.seeds.events.values():
                start = event.date.start
                if event.date.precision == "day" and start is not None:
                    self._on_day.setdefault((start.month, start.day), []).append(event)
        return self._on_day.get((month, day), [])

    def _mentions_of(self, anniversary_id: str) -> tuple[Event, ...]:
        if self.search is not None:
            events = self.seeds.events
            citing = self.search.events_for_anniversary(anniversary_id)
            found = [events[eid] for eid in citing if eid in events]
            return tuple(sorted(found, key=_sort_key, reverse=True))
        if self._mentions is None:
            cited: dict[str, list[Event]] = {}
            for event in self.seeds.events.values():
                for aid in event.anniversaries:
                    cited.setdefault(aid, []).append(event)
            self._mentions = {
                aid: tuple(sorted(found, key=_sort_key, reverse=True))
                for aid, found in cited.items()
            }
        return self._mentions.get(anniversary_id, ())


def _trim(memo: dict, size: int) -> None:
    while len(memo) > size:
        del memo[next(iter(memo))]  # the oldest entry


_INDEXES: list[DigestIndex] = []  # the latest few, matched by the SeedSet's identity


def digest_index(seeds: SeedSet, search: SearchIndex | None = None) -> DigestIndex:
    """The DigestIndex of `seeds` (built on first use; a search index, once given, is kept)."""
    for index in _INDEXES:
        if index.seeds is seeds:
            if search is not None and index.search is not search:
                index.search = search
            return index
    index = DigestIndex(seeds, search)
    _INDEXES.insert(0, index)
    del _INDEXES[2:]
    return index


def _month_days(target: dt.date) -> list[tuple[int, int]]:
    """The (month, day) dates whose anniversaries fall on `target` (29 Feb on 28 Feb)."""
    if (target.month, target.day) == (2, 28) and not calendar.isleap(target.year):
        return [(2, 28), (2, 29)]
    return [(target.month, target.day)]


def anniversary_notes(
    seeds: SeedSet, day: dt.date, days: range, topics: frozenset[str] = frozenset()
) -> list[AnniversaryNote]:
    """Anniversaries falling `days` days after `day` (0 = today), nearest first."""
    index = digest_index(seeds)
    notes = []
    for ahead in days:
        target = day + dt.timedelta(days=ahead)
        for month_day in _month_days(target):
            for anniversary in index.anniversaries_on.get(month_day, ()):
                years = target.year - anniversary.date.year
                if years > 0 and _keeps(topics, anniversary.topics):
                    mentions = _known_by(day, index.mentions(anniversary.id))
                    notes.append(AnniversaryNote(anniversary, target, years, ahead, mentions))
    return sorted(notes, key=lambda note: (note.days_ahead, -note.years, note.anniversary.id))


def _known_by(day: dt.date, events: tuple[Event, ...]) -> tuple[Event, ...]:
    """The records a digest for `day` can cite: none dated after it (undated ones stay)."""
    return tuple(e for e in events if e.date.start is None or e.date.start <= day)


def event_echoes(
    seeds: SeedSet, day: dt.date, topics: frozenset[str] = frozenset()
) -> list[EventEcho]:
    """Day-precision records that happened on this calendar day in an earlier year."""
    index = digest_index(seeds)
    echoes = []
    for month, day_of_month in _month_days(day):
        for event in index.events_on(month, day_of_month):
            start = event.date.start
            if event.date.precision != "day" or start is None or start.year >= day.year:
                continue
            if _keeps(topics, event.topics):
                echoes.append(EventEcho(event, day.year - start.year))
    # Meetings on the margins of an event echoed the same day are listed under it.
    ids = {echo.event.id for echo in echoes}
    margins: dict[str, list[Event]] = {}
    for echo in echoes:
        if echo.event.part_of in ids:
            margins.setdefault(echo.event.part_of, []).append(echo.event)
    folded = [
        replace(echo, margins=tuple(sorted(margins.get(echo.event.id, []), key=lambda e: e.id)))
        for echo in echoes
        if echo.event.part_of not in ids
    ]
    return sorted(folded, key=lambda echo: (echo.years, echo.event.id))


def upcoming_future_events(
    seeds: SeedSet, day: dt.date, topics: frozenset[str] = frozenset()
) -> list[FutureEvent]:
    """Announced future events whose first possible day is within the coming week."""
    index = digest_index(seeds)
    end = day + dt.timedelta(days=HORIZON_DAYS)
    first = bisect.bisect_left(index.future_starts, day)
    last = bisect.bisect_right(index.future_starts, end)
    return [event for event in index.future[first:last] if _keeps(topics, event.topics)]


def compose_digest(
    seeds: SeedSet,
    day: dt.date,
    *,
    kind: str = "daily",
    topics: Iterable[str] = (),
    changed_ids: Iterable[str] = (),
    search: SearchIndex | None = None,
) -> Digest:
    """The digest of `kind` for local date `day`, filtered to `topics` (and their sub-topics).

    `search` (the engine's SearchIndex) answers the calendar-day and anniversary lookups;
    without one they are built from the records once per SeedSet.
    """
    if search is not None:
        digest_index(seeds, search)
    sections = KIND_SECTIONS.get(kind, KIND_SECTIONS["daily"])
    topics = tuple(topics)
    wanted = seeds.topic_tree(topics) if topics else frozenset()
    digest = Digest(day=day, kind=kind, topics=tuple(topics))
    # Topics filter the records, not the calendar: a chat following climate still hears that
    # the Helsinki Final Act turns 50; the records cited under it are the chat's topics' only.
    if "anniversaries" in sections:
        today = _cited(anniversary_notes(seeds, day, range(1)), wanted)
        ahead = _cited(anniversary_notes(seeds, day, range(1, HORIZON_DAYS + 1)), wanted)
        digest = _with(digest, anniversaries=tuple(today), upcoming_anniversaries=tuple(ahead))
    if "week_ahead" in sections:
        ahead = _cited(anniversary_notes(seeds, day, range(HORIZON_DAYS)), wanted)
        digest = _with(digest, upcoming_anniversaries=tuple(ahead))
    if "echoes" in sections:
        digest = _with(digest, echoes=tuple(event_echoes(seeds, day, wanted)))
    if "upcoming_events" in sections:
        digest = _with(digest, upcoming_events=tuple(upcoming_future_events(seeds, day, wanted)))
    if "new" in sections:
        new = [
            seeds.events[event_id]
            for event_id in dict.fromkeys(changed_ids)
            if event_id in seeds.events and _keeps(wanted, seeds.events[event_id].topics)
        ]
        digest = _with(digest, new_events=tuple(sorted(new, key=_sort_key, reverse=True)))
    return digest


def _cited(notes: list[AnniversaryNote], topics: frozenset[str]) -> list[AnniversaryNote]:
    """The notes with only the records a topic filter keeps cited under them."""
    if not topics:
        return notes
    return [
        replace(note, mentioned_in=tuple(e for e in note.mentioned_in if _keeps(topics, e.topics)))
        for note in notes
    ]


def _with(digest: Digest, **changes: object) -> Digest:
    return replace(digest, **changes)  # type: ignore[arg-type]
