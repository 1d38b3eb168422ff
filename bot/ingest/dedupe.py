"""Recognising an event already in the records, whatever language the new report is in."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping

from bot.records.models import Event, EventDate


def _people(event: Event) -> set[str]:
    return {p.person for p in event.participants}


def _period(date: EventDate, end_date: dt.date | None) -> tuple[dt.date, dt.date] | None:
    """The first and last day a date can mean: a month covers the whole month."""
    start = date.start
    if start is None:
        return None
    if end_date:
        return start, end_date
    if date.precision == "month":
        following = dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)
        return start, following - dt.timedelta(days=1)
    if date.precision == "year":
        return start, dt.date(start.year, 12, 31)
    return start, start


def same_event(draft: Event, known: Event) -> bool:
    """Same kind, dates a day apart at most, the same people, and the same place or organization."""
    if draft.kind != known.kind:
        return False
    mine, theirs = _period(draft.date, draft.end_date), _period(known.date, known.end_date)
    if mine is None or theirs is None:
        return False
    one_day = dt.timedelta(days=1)
    if mine[0] > theirs[1] + one_day or theirs[0] > mine[1] + one_day:
        return False
    ours, others = _people(draft), _people(known)
    if not ours or not others or not ours <= others:
        return False
    if draft.kind == "bilateral_meeting" and ours != others:
        return False
    same_place = bool(draft.place and known.place and draft.place.city == known.place.city)
    same_place = same_place and draft.place.city is not None  # type: ignore[union-attr]
    return same_place or bool(set(draft.organizations) & set(known.organizations))


def find_duplicate(draft: Event, events: Iterable[Event]) -> str | None:
    """The id of a known event the draft reports again, or None."""
    return next((known.id for known in events if same_event(draft, known)), None)


def _plain(text: str) -> str:
    """Letters and digits only, case-folded: what two copies of one article share."""
    return re.sub(r"[\W_]+", "", text.replace(" date ", " ")).casefold()


def known_article(text: str, article_texts: Mapping[str, str], least: int = 200) -> str | None:
    """The id of the seeds' article this text is a copy or an excerpt of (or that is an excerpt
    of it), whatever the spacing and punctuation; None for a new article."""
    mine = _plain(text)
    if len(mine) < least:
        return None
    for article_id, theirs in article_texts.items():
        other = _plain(theirs)
        if len(other) >= least and (mine in other or other in mine):
            return article_id
    return None
