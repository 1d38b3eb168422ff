"""What the bot needs to know about every event without decoding it, as arrays in recency order.

Event number i is the i-th event by date (ISO date text, then id): a higher number is newer, and
undated events come first. Dates are integers: `date_keys` YYYYMMDD with 00 for the parts a
month or year precision leaves out (they sort like the ISO text), `first_days`/`last_days` the
first and last calendar day the date (and `end_date`) can mean, 0 when unknown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, get_args

import numpy as np

from bot.records.models import EventKind
from bot.search.blobs import (
    BlobError,
    Blobs,
    Groups,
    pack_array,
    pack_json,
    pack_words,
    unpack_array,
    unpack_json,
    unpack_words,
)
from bot.search.splice import Renumbering

PRECISIONS: tuple[str, ...] = ("unknown", "year", "month", "day")  # precision code = position
DAY = PRECISIONS.index("day")
KINDS: tuple[str, ...] = get_args(EventKind)  # kind code = position
_ARRAYS = {  # name → dtype, in the order of a row in `EventTable.build`
    "date_keys": np.int32,
    "first_days": np.int32,
    "last_days": np.int32,
    "precisions": np.int8,
    "kinds": np.int8,
    "part_of": np.int32,
}


def sort_key(event: Any) -> str:
    """The recency order of events: ISO date text (a month before its days), then id."""
    return f"{event.date.value or ''} {event.id}"


def _day_number(day: dt.date) -> int:
    return day.year * 10_000 + day.month * 100 + day.day


def _date_numbers(event: Any) -> tuple[int, int, int]:
    """(date key, first day, last day) of an event as YYYYMMDD integers."""
    value = event.date.value
    if not value:
        return 0, 0, 0
    parts = [int(p) for p in value.split("-")]
    year, month, day = [*parts, 0, 0][:3]
    key = year * 10_000 + month * 100 + day
    first = year * 10_000 + max(month, 1) * 100 + max(day, 1)
    if day:
        last = _day_number(event.end_date) if event.end_date else key
    elif month:
        following = dt.date(year + month // 12, month % 12 + 1, 1)
        last = _day_number(following - dt.timedelta(days=1))
    else:
        last = year * 10_000 + 1231
    return key, first, max(first, last)


_KIND_CODE = {kind: i for i, kind in enumerate(KINDS)}
_PRECISION_CODE = {precision: i for i, precision in enumerate(PRECISIONS)}


def _row(event: Any) -> tuple[int, int, int, int, int]:
    """An event's row of the arrays but `part_of` (date key, first and last day, codes)."""
    return (
        *_date_numbers(event),
        _PRECISION_CODE[event.date.precision],
        _KIND_CODE.get(event.kind, -1),
    )


def _arrays(rows: list[tuple[int, ...]], parents: list[int]) -> dict[str, np.ndarray]:
    """The per-event arrays from `_row`s and the parents' numbers (-1 for none)."""
    table = np.array(rows, dtype=np.int32).reshape(-1, len(_ARRAYS) - 1)
    arrays = {name: table[:, i].astype(dtype) for i, (name, dtype) in enumerate(_ARRAYS.items())
              if name != "part_of"}  # fmt: skip
    arrays["part_of"] = np.array(parents, dtype=np.int32)
    return arrays


def _rows(events: Sequence[Any], number: Mapping[str, int]) -> dict[str, np.ndarray]:
    """The per-event arrays of `events`; `number` gives each event id's number (`part_of`)."""
    parents = [number.get(e.part_of, -1) if e.part_of else -1 for e in events]
    return _arrays([_row(e) for e in events], parents)


def _numbering(ids: Sequence[str]) -> dict[str, int]:
    """Event id → event number."""
    return {event_id: n for n, event_id in enumerate(ids)}


class _RecencyKeys(Sequence[tuple[int, str]]):
    """(date key, id) by event number, computed when read (for bisection)."""

    def __init__(self, date_keys: np.ndarray, ids: list[str]) -> None:
        self._date_keys, self._ids = date_keys, ids

    def __len__(self) -> int:
        return len(self._ids)

    def __getitem__(self, n):
        return int(self._date_keys[n]), self._ids[n]


def recency_key(event: Any) -> tuple[int, str]:
    """An event's place in the recency order, as `EventTable.recency_keys` gives it."""
    return _date_numbers(event)[0], event.id


class EventTable:
    """Per-event ids, labels, dates, precision, kind and `part_of`, plus anniversary groups."""

    def __init__(self, ids: list[str], labels: list[str], arrays: dict[str, np.ndarray],
                 anniversaries: Groups, number: dict[str, int] | None = None) -> None:  # fmt: skip
        self.ids = ids
        self.labels = labels
        self.number = _numbering(ids) if number is None else number
        self.date_keys: np.ndarray = arrays["date_keys"]
        self.first_days: np.ndarray = arrays["first_days"]
        self.last_days: np.ndarray = arrays["last_days"]
        self.precisions: np.ndarray = arrays["precisions"]
        self.kinds: np.ndarray = arrays["kinds"]
        self.part_of: np.ndarray = arrays["part_of"]  # the parent's number, -1 for none
        self.anniversaries = anniversaries
        self.none = np.zeros(0, dtype=np.int32)  # no events

    @classmethod
    def build(cls, events: Sequence[Any]) -> EventTable:
        """The table of events given in recency order (see `sort_key`)."""
        builder = TableBuilder()
        for event in events:
            builder.add(event)
        return builder.table(np.arange(len(events), dtype=np.int64))

    def recency_keys(self) -> Sequence[tuple[int, str]]:
        """(date key, id) of each event number, ascending: the order `sort_key` gives."""
        return _RecencyKeys(self.date_keys, self.ids)

    def updated(self, renumbering: Renumbering, incoming: Sequence[Any]) -> EventTable:
        """This table after a renumbering, with the `incoming` events (in the order of
        `renumbering.inserted`) in their places; a new table, this one is left unchanged."""
        ids = renumbering.scatter_list(self.ids, [e.id for e in incoming])
        labels = renumbering.scatter_list(self.labels, [e.title.en for e in incoming])
        number = self._numbers_after(renumbering, ids)
        rows = _rows(incoming, number)
        arrays = {name: renumbering.scatter(getattr(self, name), rows[name]) for name in _ARRAYS}
        # A kept event's parent moved with the renumbering, or went and came back (changed).
        kept = renumbering.old_to_new >= 0
        parents = self.part_of[kept]
        moved = np.where(parents >= 0, renumbering.old_to_new[parents], -1).astype(np.int32)
        for i in np.flatnonzero((parents >= 0) & (moved < 0)).tolist():
            moved[i] = number.get(self.ids[parents[i]], -1)
        arrays["part_of"][renumbering.old_to_new[kept]] = moved
        additions = [
            (anniversary, number)
            for event, number in zip(incoming, renumbering.inserted.tolist(), strict=True)
            for anniversary in event.anniversaries
        ]
        anniversaries = self.anniversaries.updated(renumbering, additions)
        return EventTable(ids, labels, arrays, anniversaries, number)

    def _numbers_after(self, renumbering: Renumbering, ids: list[str]) -> dict[str, int]:
        """Id → number for the new `ids`: this table's mapping with the moved entries
        changed when few moved (an edit or a recent addition), else made anew."""
        forget, learn = renumbering.moved()
        if forget.size + learn.size > len(ids) // 8:
            return _numbering(ids)
        number = self.number.copy()
        old_ids = self.ids
        for n in forget.tolist():
            del number[old_ids[n]]
        for n in learn.tolist():
            number[ids[n]] = n
        return number

    def dump(self) -> Blobs:
        """The table as blobs named `events.*`."""
        blobs = {f"events.{name}": pack_array(getattr(self, name)) for name in _ARRAYS}
        blobs["events.ids"] = pack_words(self.ids)
        blobs["events.labels"] = pack_json(self.labels)  # a title may hold a newline
        return {**blobs, **self.anniversaries.dump("anniversaries")}

    @classmethod
    def load(cls, blobs: Mapping[str, bytes]) -> EventTable:
        """A table stored by `dump` (BlobError when incomplete)."""
        ids = unpack_words(blobs, "events.ids")
        labels = unpack_json(blobs, "events.labels")
        arrays = {name: unpack_array(blobs, f"events.{name}") for name in _ARRAYS}
        if len(labels) != len(ids) or any(len(a) != len(ids) for a in arrays.values()):
            raise BlobError("events: inconsistent sizes")
        return cls(ids, labels, arrays, Groups.load(blobs, "anniversaries"))

    def between(self, start: dt.date, end: dt.date) -> np.ndarray:
        """Numbers of the events dated within [start, end] (ascending).

        A day-precision event counts when its days overlap the range; a month or year counts
        when all of it lies inside (2024-12 is in 2024, but "2024" is not in December 2024).
        """
        low, high = _day_number(start), _day_number(end)
        first, last = self.first_days, self.last_days
        inside = (first >= low) & (last <= high)
        overlaps = (self.precisions == DAY) & (first <= high) & (last >= low)
        return np.flatnonzero((inside | overlaps) & (first > 0))

    def in_month_of_year(self, month: int) -> np.ndarray:
        """Numbers of the events dated in this month of any year ("December"): a record of that
        month, or a day-precision one with a day in it (ascending)."""
        first_month, last_month = self.first_days // 100, self.last_days // 100  # YYYYMM
        inside = (first_month == last_month) & (first_month % 100 == month)
        overlaps = (self.precisions == DAY) & (
            (first_month % 100 == month) | (last_month % 100 == month)
        )
        return np.flatnonzero((inside | overlaps) & (self.first_days > 0))

    def on_day(self, month: int, day: int) -> np.ndarray:
        """Numbers of the day-precision events held on this calendar day in any year."""
        wanted = month * 100 + day
        first, last = self.first_days % 10_000, self.last_days % 10_000
        same_year = self.first_days // 10_000 == self.last_days // 10_000
        held = np.where(
            same_year, (first <= wanted) & (wanted <= last), (wanted >= first) | (wanted <= last)
        )
        return np.flatnonzero(held & (self.precisions == DAY))


class TableBuilder:
    """An `EventTable`'s facts gathered from events given in any order, one at a time (`add`),
    then the table in recency order (`order`, `table`): a rebuild streams the events without
    holding them all."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self._labels: list[str] = []
        self._keys: list[str] = []  # sort_key of each
        self._rows: list[tuple[int, ...]] = []
        self._parents: list[str | None] = []
        self._anniversaries: dict[str, int] = {}
        self._pairs: list[tuple[int, int]] = []  # (anniversary number, position given)

    def add(self, event: Any) -> None:
        position = len(self.ids)
        self.ids.append(event.id)
        self._labels.append(event.title.en)
        self._keys.append(sort_key(event))
        self._rows.append(_row(event))
        self._parents.append(event.part_of)
        for anniversary in event.anniversaries:
            number = self._anniversaries.setdefault(anniversary, len(self._anniversaries))
            self._pairs.append((number, position))

    def part(self) -> tuple[Any, ...]:
        """What was added, for another builder's `add_part` (plain lists: cheap to pickle)."""
        return (self.ids, self._labels, self._keys, self._rows, self._parents,
                list(self._anniversaries), self._pairs)  # fmt: skip

    def add_part(self, part: tuple[Any, ...]) -> None:
        """Take in another builder's `part()`, after the events added so far (anniversaries
        numbered as if its events had been added here)."""
        ids, labels, keys, rows, parents, anniversaries, pairs = part
        base = len(self.ids)
        self.ids.extend(ids)
        self._labels.extend(labels)
        self._keys.extend(keys)
        self._rows.extend(rows)
        self._parents.extend(parents)
        known = self._anniversaries
        numbers = [known.setdefault(name, len(known)) for name in anniversaries]
        self._pairs.extend((numbers[number], base + position) for number, position in pairs)

    def order(self) -> np.ndarray:
        """The positions the events were given at, in recency order."""
        ordered = sorted(range(len(self._keys)), key=self._keys.__getitem__)
        return np.array(ordered, dtype=np.int64)

    def table(self, order: np.ndarray) -> EventTable:
        """The table with the events in `order` (positions given, oldest first)."""
        positions = order.tolist()
        ids = [self.ids[i] for i in positions]
        number = {event_id: n for n, event_id in enumerate(ids)}
        parents = [
            number.get(parent, -1) if (parent := self._parents[i]) else -1 for i in positions
        ]
        rows = [self._rows[i] for i in positions]
        rank = np.empty(len(positions), dtype=np.int64)
        rank[order] = np.arange(len(positions))
        keys = [key for key, _ in self._pairs]
        docs = rank[np.array([p for _, p in self._pairs], dtype=np.int64)].tolist()
        groups = Groups.in_document_order(keys, docs, list(self._anniversaries))
        labels = [self._labels[i] for i in positions]
        return EventTable(ids, labels, _arrays(rows, parents), groups)
