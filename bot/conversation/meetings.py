"""The decisions behind /meetings, /minister, /topic, /event and /search, as pure functions.

A list of meetings is described by a `MeetingFilter` (all, a year, a range of years, a month,
a day, a place, an organization, a person, a topic or free text). `parse_meetings_args` reads
what a user typed after /meetings; `resolve_words` turns names into filters with the search
index; `event_numbers` gives the events one dated or named part selects, from the index alone
(`bot.conversation.selection` combines the parts and ranks free text); `paginate` cuts a list
into pages, so only a page's events are ever decoded. Nothing here talks to Telegram.

Long because: /meetings' filter, its parsing, resolution, selection and paging are one concept. To
split next: event ids, suggestions and inline selection into conversation/events.py.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from bot.i18n import strip_unsafe
from bot.search.entities import SUGGEST_MIN
from bot.search.eventfacts import PRECISIONS
from bot.search.fuzzy import ID_SUGGEST_MIN, closest_strings
from bot.search.index import AMBIGUITY_MARGIN, FOUND_MIN

if TYPE_CHECKING:
    from bot.records.models import Event
    from bot.records.seedset import SeedSet
    from bot.search.index import Match, SearchIndex

FilterKind = Literal[
    "all", "year", "years", "month", "day", "place", "org", "person", "topic", "text",
    "month_of_year",  # a month in any year ("December"): value "12"
    "new",  # records added or changed in the last NEW_DAYS days
    "all_of",  # several filters at once: value joins the parts (see `combine`)
]  # fmt: skip
# /meetings <words>: places and organizations first, then people and topics.
MEETINGS_KINDS: tuple[tuple[str, ...], ...] = (("place", "org"), ("person", "topic"))
PAGE_SIZE = 8
NEW_DAYS = 7  # /meetings new: records added or changed this many days back
PART_SEPARATOR = "|"  # between the parts of an all_of filter's value, as "kind=value"
MAX_ARGUMENT = 200  # characters of an argument worth reading (a 10,000-character one is cut)
MAX_TEXT_RESULTS = 100  # free-text search keeps this many events at most
MIN_YEAR, MAX_YEAR = 1900, 2100

_DASH = r"\s*[-–—/.]\s*"
_YEAR = re.compile(r"^(\d{4})$")
_YEARS = re.compile(rf"^(\d{{4}}){_DASH}(\d{{4}})$")
_MONTH = re.compile(rf"^(\d{{4}}){_DASH}(\d{{1,2}})$")
_DAY = re.compile(rf"^(\d{{4}}){_DASH}(\d{{1,2}}){_DASH}(\d{{1,2}})$")


@dataclass(frozen=True)
class MeetingFilter:
    """Which meetings a list shows: `kind` and its value (a year, an id, a text...)."""

    kind: FilterKind
    value: str = ""


ALL = MeetingFilter("all")
DATE_KINDS = frozenset({"year", "years", "month", "day", "month_of_year"})


def combine(filters: Sequence[MeetingFilter]) -> MeetingFilter:
    """One filter for several at once (one filter stays itself); parts in a stable order."""
    unique = list(dict.fromkeys(f for f in filters if f.kind != "all"))
    if not unique:
        return ALL
    if len(unique) == 1:
        return unique[0]
    flat = [p for f in unique for p in parts(f)]
    order = {kind: n for n, kind in enumerate(("place", "org", "person", "topic", *DATE_KINDS))}
    flat.sort(key=lambda f: (order.get(f.kind, 99), f.value))
    return MeetingFilter("all_of", PART_SEPARATOR.join(f"{f.kind}={f.value}" for f in flat))


def parts(meeting_filter: MeetingFilter) -> list[MeetingFilter]:
    """The filters an all_of filter joins (any other filter is its own one part)."""
    if meeting_filter.kind != "all_of":
        return [meeting_filter]
    found = []
    for part in meeting_filter.value.split(PART_SEPARATOR):
        kind, _, value = part.partition("=")
        found.append(MeetingFilter(kind, value))  # type: ignore[arg-type]
    return found


@dataclass(frozen=True)
class Lookup:
    """What words came to: one filter, several to choose from, or none (with suggestions)."""

    status: Literal["found", "ambiguous", "none"]
    filters: tuple[MeetingFilter, ...] = ()


@dataclass(frozen=True)
class Page:
    """One page of a list: its events, its number (1-based) and how many pages there are."""

    events: tuple[Event, ...]
    number: int
    pages: int
    total: int
    first_position: int  # the list number of the page's first event (1-based)


def clean_argument(text: str | None) -> str:
    """The user's argument, trimmed to what is worth reading, whitespace collapsed, without
    control or bidirectional-override characters."""
    return " ".join(strip_unsafe((text or "")[: MAX_ARGUMENT * 4]).split())[:MAX_ARGUMENT]


def parse_meetings_args(text: str | None) -> MeetingFilter:
    """/meetings' argument as a filter: "", "2019", "2019-2024", "2024-12", "2024-12-05", words.

    Words (a place, country or organization) come back as kind "text" for `resolve_words`.
    A range of years may come either way round; an impossible date ("2024-13", "0-99999") is
    read as words too, and will match nothing.
    """
    words = clean_argument(text)
    if not words:
        return ALL
    if match := _YEAR.match(words):
        if MIN_YEAR <= int(match[1]) <= MAX_YEAR:
            return MeetingFilter("year", match[1])
    elif match := _YEARS.match(words):
        first, last = sorted((int(match[1]), int(match[2])))  # "2024-2019" means 2019-2024
        if MIN_YEAR <= first <= last <= MAX_YEAR:
            return MeetingFilter("years", f"{first}-{last}")
    elif match := _MONTH.match(words):
        year, month = int(match[1]), int(match[2])
        if MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12:
            return MeetingFilter("month", f"{year}-{month:02d}")
    elif match := _DAY.match(words):
        try:
            day = dt.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return MeetingFilter("text", words)
        return MeetingFilter("day", day.isoformat())
    return MeetingFilter("text", words)


def resolve_words(words: str, index: SearchIndex, kinds: tuple[str, ...]) -> Lookup:
    """The place, organization, person or topic `words` name (tried in the order of `kinds`).

    The best match over the kinds asked wins; matches about as good as the best are offered
    as choices. Below the "found" level they are only suggestions.
    """
    found: list[tuple[float, MeetingFilter]] = []
    for kind in kinds:
        for match in _finder(index, kind)(words):
            found.append((match.score, MeetingFilter(kind, match.id)))  # type: ignore[arg-type]
    if not found:
        return Lookup("none")
    found.sort(key=lambda pair: -pair[0])
    best = found[0][0]
    close = tuple(f for score, f in found if score >= best - AMBIGUITY_MARGIN)
    if best < FOUND_MIN:
        return Lookup("none", close[:5])
    if len(close) > 1:
        return Lookup("ambiguous", close[:5])
    return Lookup("found", close)


def _finder(index: SearchIndex, kind: str) -> Callable[[str], list[Match]]:
    return {
        "place": index.find_places,
        "org": index.find_organizations,
        "person": index.find_people,
        "topic": index.find_topics,
    }[kind]


def lookup_from_resolution(kind: FilterKind, status: str, matches: tuple[Match, ...]) -> Lookup:
    """A search.Resolution's ids as filters of `kind`."""
    return Lookup(status, tuple(MeetingFilter(kind, m.id) for m in matches))  # type: ignore[arg-type]


def lookup_person(words: str, index: SearchIndex, seeds: SeedSet) -> Lookup:
    """The person `words` name; when nobody, the names close enough to suggest (maybe none).

    A suggestion must score at least bot.search.entities.SUGGEST_MIN against the words:
    "Putin" gets "no one by that name", not the three least unlike names in the records.
    """
    resolution = index.resolve_person(words)
    if resolution.status != "none":
        return lookup_from_resolution("person", resolution.status, resolution.matches)
    ids = [m.id for m in resolution.suggestions if m.score >= SUGGEST_MIN and m.id in seeds.people]
    return Lookup("none", tuple(MeetingFilter("person", i) for i in ids))


def lookup_topic(words: str, index: SearchIndex) -> Lookup:
    """The topic `words` name, or the candidates, or (none) the closest topics."""
    resolution = index.resolve_topic(words)
    matches = resolution.matches if resolution.status != "none" else resolution.suggestions
    return lookup_from_resolution("topic", resolution.status, matches)


# -- selecting and ordering -------------------------------------------------------------------


def date_numbers(part: MeetingFilter, index: SearchIndex) -> np.ndarray:
    """Ascending event numbers a dated part selects (`EventTable.between`: a meeting over
    several days counts on each of its days; a month or year record when all of it is inside)."""
    table = index.events
    if part.kind == "month_of_year":
        return table.in_month_of_year(int(part.value)).astype(np.int32)
    try:
        start, end = _period(part.kind, part.value)
    except ValueError:  # a forged or impossible date (callback data is only pattern-checked)
        return table.none
    return table.between(start, end).astype(np.int32)


def nearby_periods(part: MeetingFilter, index: SearchIndex) -> tuple[MeetingFilter, ...]:
    """Where the records are when a day, month, year or range selects none: the day's month
    when it holds records whose day the sources do not give (/meetings 2025-12-05: the Vienna
    meetings of "December 2025"), then the dates of the nearest records before and after."""
    if part.kind not in ("day", "month", "year", "years"):
        return ()
    try:
        start, end = _period(part.kind, part.value)
    except ValueError:
        return ()
    found: list[MeetingFilter] = []
    if part.kind == "day":
        month = MeetingFilter("month", part.value[:7])
        if date_numbers(month, index).size:
            found.append(month)
    table = index.events
    low, high = _day_number(start), _day_number(end)
    dated = table.first_days > 0
    before = np.flatnonzero(dated & (table.last_days < low))
    after = np.flatnonzero(dated & (table.first_days > high))
    if before.size:
        found.append(_date_filter(index, int(before[np.argmax(table.last_days[before])])))
    if after.size:
        found.append(_date_filter(index, int(after[np.argmin(table.first_days[after])])))
    return tuple(dict.fromkeys(found))


def _day_number(day: dt.date) -> int:
    return day.year * 10_000 + day.month * 100 + day.day


def _date_filter(index: SearchIndex, number: int) -> MeetingFilter:
    """The period an event's own date names, as precise as the record is (its first day)."""
    first = int(index.events.first_days[number])
    precision = PRECISIONS[int(index.events.precisions[number])]
    year, month, day = first // 10_000, first // 100 % 100, first % 100
    if precision == "day":
        return MeetingFilter("day", f"{year:04d}-{month:02d}-{day:02d}")
    if precision == "month":
        return MeetingFilter("month", f"{year:04d}-{month:02d}")
    return MeetingFilter("year", f"{year:04d}")


def _period(kind: str, value: str) -> tuple[dt.date, dt.date]:
    """First and last day of a day, month, year or "2019-2024" filter value."""
    if kind == "day":
        day = dt.date.fromisoformat(value)
        return day, day
    if kind == "month":
        first = dt.date.fromisoformat(value + "-01")
        following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
        return first, following - dt.timedelta(days=1)
    low, _, high = value.partition("-")
    return dt.date(int(low), 1, 1), dt.date(int(high or low), 12, 31)


def event_numbers(
    part: MeetingFilter, seeds: SeedSet, index: SearchIndex, recent: Collection[str] = ()
) -> np.ndarray:
    """Ascending event numbers (positions in the index) one dated or named part selects."""
    kind, value = part.kind, part.value
    if kind in DATE_KINDS:
        return date_numbers(part, index)
    if kind == "new":
        numbers = index.events.number
        return np.array(sorted(numbers[i] for i in recent if i in numbers), dtype=np.int32)
    if kind in ("place", "org", "person", "topic"):
        return index.event_numbers("organization" if kind == "org" else kind, value)
    raise ValueError(f"{kind!r} parts are selected by bot.conversation.selection")


def gazetteer_of(meeting_filter: MeetingFilter, seeds: SeedSet) -> Mapping[str, Any] | None:
    """The gazetteer a person/topic/place/organization filter's value refers into, else None."""
    tables: dict[str, Mapping[str, Any]] = {
        "place": seeds.places,
        "org": seeds.organizations,
        "person": seeds.people,
        "topic": seeds.topics,
    }
    return tables.get(meeting_filter.kind)


def is_known(meeting_filter: MeetingFilter, seeds: SeedSet) -> bool:
    """Whether a filter still makes sense for these seeds (its person/topic/... exists)."""
    table = gazetteer_of(meeting_filter, seeds)
    return table is None or meeting_filter.value in table


def paginate(events: Sequence[Event], page: int, size: int = PAGE_SIZE) -> Page:
    """Page `page` (1-based, clamped to the pages there are) of `events`."""
    pages = max(1, -(-len(events) // size))
    number = min(max(1, page), pages)
    start = (number - 1) * size
    return Page(tuple(events[start : start + size]), number, pages, len(events), start + 1)


def suggest_events(text: str, seeds: SeedSet, index: SearchIndex, limit: int = 3) -> list[str]:
    """Event ids for "did you mean": ids like a mistyped id, else events matching the words."""
    query = clean_argument(text).lower()
    if not query:
        return []
    ids = closest_strings(query, list(seeds.events), ID_SUGGEST_MIN, limit)
    ids += [m.id for m in index.search_events(query.replace("-", " "), limit=limit)]
    return list(dict.fromkeys(i for i in ids if i in seeds.events))[:limit]


MAX_CARDS = 3  # cards one /event sends at most, the rest as a list (a group takes 20 a minute)
MAX_MORE = 10  # buttons in that list


def event_ids_in(text: str, known: Collection[str]) -> tuple[list[str], list[str]]:
    """The event ids `text` names, and the words that name none.

    The whole text may be one id; else each word (split on spaces or commas) is tried, so
    "/event id1 id2" or "/event id1, id2" shows both cards.
    """
    given = clean_argument(text).lower()
    if not given or given in known:
        return ([given] if given else []), []
    words = [word for word in re.split(r"[\s,;]+", given) if word]
    found = list(dict.fromkeys(word for word in words if word in known))
    unknown = [word for word in words if word not in known]
    return found, unknown


MAX_INLINE_RESULTS = 50  # Telegram's limit on the results of one inline query


def named_entities(words: str, index: SearchIndex) -> list[MeetingFilter]:
    """The person and the topic `words` clearly name, if any (for /search's extra buttons)."""
    found = []
    for kind, resolution in (
        ("person", index.resolve_person(words)),
        ("topic", index.resolve_topic(words)),
    ):
        if resolution.status == "found":
            found.append(MeetingFilter(kind, resolution.matches[0].id))  # type: ignore[arg-type]
    return found


def resolve_first(words: str, index: SearchIndex) -> Lookup:
    """/meetings' words: a place or organization if they name one, else a person or topic."""
    lookup = Lookup("none")
    suggestions: list[MeetingFilter] = []
    for kinds in MEETINGS_KINDS:
        lookup = resolve_words(words, index, kinds)
        if lookup.status != "none":
            return lookup
        suggestions += lookup.filters
    return Lookup("none", tuple(suggestions[:5]))
