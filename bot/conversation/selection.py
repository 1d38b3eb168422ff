"""Which events a filter selects, in the order the reply shows them.

Dated and named filters come from the index's arrays (`bot.conversation.meetings`); several at
once are intersected; free text is a question in plain words, ranked by
`bot.conversation.questions.ask`. This module sits above both, so neither imports the other's
caller. Nothing is decoded here but the page a reply shows (`EventList` is lazy).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

import numpy as np

from bot.conversation.meetings import (
    ALL,
    MAX_TEXT_RESULTS,
    MeetingFilter,
    date_numbers,
    event_numbers,
    parts,
)
from bot.conversation.questions import ask
from bot.records.lazy import EventList

if TYPE_CHECKING:
    from bot.records.seedset import SeedSet
    from bot.search.index import SearchIndex


def part_numbers(
    part: MeetingFilter, seeds: SeedSet, index: SearchIndex, recent: Collection[str] = ()
) -> np.ndarray:
    """Ascending event numbers one part of a filter selects (free text: whatever it matched)."""
    if part.kind != "text":
        return event_numbers(part, seeds, index, recent)
    ids = select_ids(part, seeds, index, recent)
    numbers = index.events.number
    return np.array(sorted(numbers[i] for i in ids if i in numbers), dtype=np.int32)


def select_ids(
    meeting_filter: MeetingFilter,
    seeds: SeedSet,
    index: SearchIndex,
    recent: Collection[str] = (),
) -> list[str]:
    """The ids of the events a filter selects, newest first (free text: best match first).

    Only the index and the events' dates are read: no event is decoded. `recent` holds the ids
    of the records added or changed lately (for "new"; the caller reads them from storage).
    """
    kind, value = meeting_filter.kind, meeting_filter.value
    if kind in ("all_of", "new", "month_of_year"):
        numbers = None
        for part in parts(meeting_filter):
            found = part_numbers(part, seeds, index, recent)
            numbers = found if numbers is None else np.intersect1d(numbers, found)
        return index.ids_of(numbers if numbers is not None else np.zeros(0, dtype=np.int32))
    if kind == "text":  # a question in plain words: ranked
        return list(ask(value, seeds, index, MAX_TEXT_RESULTS).ids) if value else []
    if kind == "all":  # undated events sort first in the index: newest first puts them last
        return index.event_ids[::-1]
    if kind in ("year", "years", "month", "day"):
        return index.ids_of(date_numbers(meeting_filter, index))
    return {
        "place": index.events_for_place,
        "org": index.events_for_organization,
        "person": index.events_for_person,
        "topic": index.events_for_topic,
    }[kind](value)  # the index's order: newest first


def select_events(
    meeting_filter: MeetingFilter,
    seeds: SeedSet,
    index: SearchIndex,
    recent: Collection[str] = (),
) -> EventList:
    """The events a filter selects, newest first, decoded only as they are read (pages)."""
    return EventList(select_ids(meeting_filter, seeds, index, recent), seeds.events)


def inline_events(words: str, seeds: SeedSet, index: SearchIndex) -> EventList:
    """Events for an inline query: the newest without words, a named person's, else by text.

    Words that are an event's id (what a card's share button types) put that event first.
    """
    if not words:
        return select_events(ALL, seeds, index)
    person = index.resolve_person(words)
    if person.status == "found":
        found = select_events(MeetingFilter("person", person.matches[0].id), seeds, index)
    else:
        found = select_events(MeetingFilter("text", words), seeds, index)
    named = words.lower()
    if named not in seeds.events:
        return found
    return EventList([named, *(i for i in found.ids if i != named)], seeds.events)
