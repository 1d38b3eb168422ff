"""Recognising an event already in the records, whatever language the new report is in."""

from __future__ import annotations

from collections.abc import Iterable

from bot.records.models import Event


def _people(event: Event) -> set[str]:
    return {p.person for p in event.participants}


def same_event(draft: Event, known: Event) -> bool:
    """Same kind, dates within a day, the same people, and the same place or organization."""
    if draft.kind != known.kind or not (draft.date.start and known.date.start):
        return False
    if abs((draft.date.start - known.date.start).days) > 1:
        return False
    mine, theirs = _people(draft), _people(known)
    if not mine or not theirs or not mine <= theirs:
        return False
    if draft.kind == "bilateral_meeting" and mine != theirs:
        return False
    same_place = bool(draft.place and known.place and draft.place.city == known.place.city)
    same_place = same_place and draft.place.city is not None  # type: ignore[union-attr]
    return same_place or bool(set(draft.organizations) & set(known.organizations))


def find_duplicate(draft: Event, events: Iterable[Event]) -> str | None:
    """The id of a known event the draft reports again, or None."""
    return next((known.id for known in events if same_event(draft, known)), None)
