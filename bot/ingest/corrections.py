"""Corrections an operator writes to an ingest draft: `field: value` lines, checked one by one.

Pure: an event and the text go in, the corrected event comes out, or a DraftError naming the
field and what is wrong (bot/ingest/review.py stores the result).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any, get_args

from pydantic import ValidationError

from bot.records.models import LANGS, Event, EventKind, Person, Place, all_names
from bot.records.seedset import SeedSet


class DraftError(ValueError):
    """A review step cannot be done; `.reason` is a key (review.error.<reason> in the locales),
    `.params` its values, the message an English sentence for the command line."""

    def __init__(self, reason: str, message: str, **params: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.params = params


FIELDS = ("summary", "title", "date", "end_date", "place", "kind", "notes", "remove")
_LINE = re.compile(r"^\s*(?P<field>[a-z_]+)(?:\.(?P<lang>kk|ru|en))?\s*:\s*(?P<value>.*?)\s*$")
_DATE = {
    "day": re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}"),
    "month": re.compile(r"[0-9]{4}-[0-9]{2}"),
    "year": re.compile(r"[0-9]{4}"),
}
_NONE = {"none", "-", "null", "нет", "жоқ"}
_FIELDS = ", ".join(FIELDS)


def corrected(
    event: Event, text: str, person_of: Callable[[str], Person | None], seeds: SeedSet
) -> Event:
    """`event` with the corrections of `text` applied (summary, summary.kk, title, date,
    end_date, place, kind, notes, remove: <person>; one a line), validated.

    `person_of` gives a participant's person (known or the draft's new one). Raises DraftError
    naming the field and what is wrong.
    """
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise DraftError("format", "write a correction as 'field: value'", fields=_FIELDS)
    data = event.model_dump(mode="json", exclude_defaults=True)
    for line in lines:
        found = _LINE.match(line)
        if not found:
            raise DraftError("format", f"{line.strip()!r}: write 'field: value'", fields=_FIELDS)
        name, lang, value = found["field"], found["lang"], found["value"]
        if name not in FIELDS:
            raise DraftError("field", f"no field {name!r}", field=name, fields=_FIELDS)
        if not value:
            raise DraftError("empty", f"{name}: the value is empty", field=name)
        _set(data, name, lang, value, person_of, seeds)
    try:
        return Event.model_validate(data)
    except ValidationError as exc:
        detail = exc.errors()[0]["msg"].removeprefix("Value error, ")
        raise DraftError("invalid", f"{event.id}: {detail}", id=event.id, problem=detail) from None


def _set(
    data: dict[str, Any],
    name: str,
    lang: str | None,
    value: str,
    person_of: Callable[[str], Person | None],
    seeds: SeedSet,
) -> None:
    """Apply one correction to an event's data, or DraftError saying why it cannot be."""
    if name in ("summary", "title"):
        texts = dict(data[name])
        for each in [lang] if lang else LANGS:
            texts[each] = value
        data[name] = texts
    elif name == "notes":
        data["notes"] = value
    elif name == "kind":
        if value not in get_args(EventKind):
            kinds = ", ".join(get_args(EventKind))
            raise DraftError(
                "kind", f"kind: {value!r} is none of {kinds}", value=value, kinds=kinds
            )
        data["kind"] = value
    elif name == "date":
        data["date"] = _date(value, data["date"])
    elif name == "end_date":
        if value.casefold() in _NONE:
            data.pop("end_date", None)
        elif not _DATE["day"].fullmatch(value) or not _is_day(value):
            raise DraftError("end_date", f"end_date: {value!r} is not YYYY-MM-DD", value=value)
        else:
            data["end_date"] = value
    elif name == "place":
        data["place"] = _place(value, seeds)
        if data["place"] is None:
            data.pop("place")
    elif name == "remove":
        people = data.get("participants", [])
        kept = [p for p in people if not _is_person(person_of(p["person"]), value)]
        if len(kept) == len(people):
            raise DraftError("person", f"remove: no participant {value!r}", value=value)
        data["participants"] = kept


def _is_day(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _date(value: str, old: dict[str, Any]) -> dict[str, Any]:
    """An event date from YYYY-MM-DD, YYYY-MM, YYYY or 'unknown', as the editor read it."""
    if value.casefold() in {"unknown", *_NONE}:
        return {"precision": "unknown", "basis": "unknown"}
    for precision, pattern in _DATE.items():
        if pattern.fullmatch(value) and _is_day(value + "-01-01"[len(value) - 4 :]):
            date: dict[str, Any] = {"value": value, "precision": precision, "basis": "stated"}
            if precision != "day" and old.get("reported"):
                date["reported"] = old["reported"]
            return date
    raise DraftError(
        "date", f"date: {value!r} is not YYYY-MM-DD, YYYY-MM, YYYY or unknown", value=value
    )


def _place(value: str, seeds: SeedSet) -> dict[str, str] | None:
    """A place from a gazetteer id or name (city or country), None for 'none'."""
    if value.casefold() in _NONE:
        return None
    wanted = value.casefold()
    for entry in seeds.places.values():
        if entry.id == wanted or wanted in (name.casefold() for name in all_names(entry)):
            place = Place(city=entry.id) if entry.kind == "city" else Place(country=entry.id)
            return place.model_dump(mode="json", exclude_defaults=True)
    raise DraftError("place", f"place: {value!r} is in no entry of places.yaml", value=value)


def _is_person(person: Person | None, value: str) -> bool:
    """Whether `value` is the person's id or one of their names."""
    wanted = value.casefold()
    return person is not None and (
        person.id == wanted or wanted in (name.casefold() for name in all_names(person))
    )
