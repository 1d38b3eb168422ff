"""Events kept compressed in memory and decoded only when asked for.

At 100,000 events, turning every stored record back into a pydantic model at start takes
seconds and a gigabyte. `PackedEvents` is a `Mapping[str, Event]` over the events' JSON as
zlib bytes (as the database stores them): iterating, counting and `in` never decode;
`events[id]` decodes one record and keeps the most recently used ones in a bounded cache.
Each event also carries its date value and end date, so lists can be filtered by date without
decoding anything (`date_span`).

The JSON of one event is small and much like the others, so it is compressed against a shared
dictionary (`make_zdict`, built once from sample records and stored with them): about six times
smaller than the JSON, against two times without it.
"""

from __future__ import annotations

import threading
import zlib
from collections import OrderedDict
from collections.abc import ItemsView, Iterable, Iterator, Mapping, Sequence, ValuesView
from typing import TypeVar, overload

from pydantic import BaseModel

from bot.records.models import Event

R = TypeVar("R", bound=BaseModel)

ZDICT_SIZE = 32 * 1024  # zlib uses at most the last 32 KiB of a preset dictionary
ZDICT_SAMPLES = 200  # records sampled into the dictionary
LEVEL = 3  # about as small as level 9 here, three times faster to write
CACHE_SIZE = 2048  # decoded events kept (a page shows 8; a digest a few hundred)


def make_zdict(samples: Iterable[bytes]) -> bytes:
    """A preset dictionary for `pack`: the tail of typical records, concatenated."""
    return b"".join(samples)[-ZDICT_SIZE:]


def pack(data: bytes, zdict: bytes) -> bytes:
    """`data` (an event's JSON) compressed against the shared dictionary."""
    compressor = zlib.compressobj(LEVEL, zdict=zdict) if zdict else zlib.compressobj(LEVEL)
    return compressor.compress(data) + compressor.flush()


def unpack(blob: bytes, zdict: bytes) -> bytes:
    """The bytes `pack` was given."""
    decompressor = zlib.decompressobj(zdict=zdict) if zdict else zlib.decompressobj()
    return decompressor.decompress(blob) + decompressor.flush()


DateSpan = tuple[str | None, str | None]  # (date value "2024-12-05" | "2024-12" | "2024", end)


class LazyRecords(Mapping[str, R]):
    """Records by id, kept encoded and decoded on access, with an LRU of decoded models.

    Iterating, counting and `in` never decode; `values()` and `items()` decode one record at
    a time without touching the cache, so a bulk pass does not evict what pages need.
    """

    def __init__(self, blobs: dict[str, bytes | str], cache_size: int = CACHE_SIZE) -> None:
        self._blobs = blobs
        self._cache: OrderedDict[str, R] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()  # the index may be built in a thread meanwhile

    def _decode(self, blob: bytes | str) -> R:
        raise NotImplementedError

    def __getitem__(self, event_id: str) -> R:
        with self._lock:
            event = self._cache.get(event_id)
            if event is not None:
                self._cache.move_to_end(event_id)
                return event
        event = self._decode(self._blobs[event_id])
        with self._lock:
            self._cache[event_id] = event
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return event

    def __iter__(self) -> Iterator[str]:
        return iter(self._blobs)

    def __len__(self) -> int:
        return len(self._blobs)

    def __contains__(self, event_id: object) -> bool:
        return event_id in self._blobs

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {len(self)} records, {len(self._cache)} decoded>"

    @property
    def cached(self) -> int:
        """How many decoded records the cache holds now."""
        return len(self._cache)

    def values(self) -> ValuesView[R]:
        """Every record, decoded one at a time and not cached (for bulk passes)."""
        return _Values(self)

    def items(self) -> ItemsView[str, R]:
        """(id, record) for every record, decoded one at a time and not cached."""
        return _Items(self)

    def decode_all(self) -> Iterator[tuple[str, R]]:
        """Decode every record in order, bypassing the cache (a bulk pass must not evict it)."""
        for record_id, blob in self._blobs.items():
            yield record_id, self._decode(blob)


class JsonRecords(LazyRecords[R]):
    """Gazetteer records of one model kept as their JSON (50,000 articles parse in ~0.6 s)."""

    def __init__(self, model: type[R], blobs: dict[str, str], cache_size: int = 1024) -> None:
        super().__init__(blobs, cache_size)  # type: ignore[arg-type]
        self._model = model

    def _decode(self, blob: bytes | str) -> R:
        return self._model.model_validate_json(blob)


class PackedEvents(LazyRecords[Event]):
    """Events by id, stored as packed JSON (`pack`), with each one's dates at hand."""

    def __init__(
        self,
        blobs: dict[str, bytes],
        zdict: bytes,
        dates: Mapping[str, DateSpan] | None = None,
        cache_size: int = CACHE_SIZE,
    ) -> None:
        super().__init__(blobs, cache_size)  # type: ignore[arg-type]
        self._zdict = zdict
        self._dates = dates

    def replaced(
        self, packed: Mapping[str, tuple[bytes, DateSpan]], removed: Iterable[str] = ()
    ) -> PackedEvents:
        """A new mapping with the events `packed` (id → packed bytes, date span; packed
        against the same dictionary) added or replaced and the `removed` ids gone; this one
        is left as it was (it is being read)."""
        blobs = dict(self._blobs)
        dates = dict(self._dates) if self._dates is not None else None
        for event_id in removed:
            blobs.pop(event_id, None)
            if dates is not None:
                dates.pop(event_id, None)
        for event_id, (blob, span) in packed.items():
            blobs[event_id] = blob
            if dates is not None:
                dates[event_id] = span
        return PackedEvents(blobs, self._zdict, dates, self._cache_size)  # type: ignore[arg-type]

    def date_span(self, event_id: str) -> DateSpan:
        """The event's date value and end date (ISO text), without decoding it."""
        if self._dates is not None:
            return self._dates[event_id]
        return _span(self[event_id])

    def _decode(self, blob: bytes | str) -> Event:
        return Event.model_validate_json(unpack(blob, self._zdict))  # type: ignore[arg-type]


class _Values(ValuesView[R]):
    _mapping: LazyRecords[R]

    def __iter__(self) -> Iterator[R]:
        return (record for _, record in self._mapping.decode_all())


class _Items(ItemsView[str, R]):
    _mapping: LazyRecords[R]

    def __iter__(self) -> Iterator[tuple[str, R]]:
        return self._mapping.decode_all()


def _span(event: Event) -> DateSpan:
    return event.date.value, event.end_date.isoformat() if event.end_date else None


def date_span(events: Mapping[str, Event], event_id: str) -> DateSpan:
    """An event's date value and end date, decoding it only when `events` is a plain dict."""
    if isinstance(events, PackedEvents):
        return events.date_span(event_id)
    return _span(events[event_id])


class EncodedTexts(Mapping[str, str]):
    """Article texts by id, kept as UTF-8 bytes (half the memory of str for Cyrillic)."""

    def __init__(self, blobs: dict[str, bytes]) -> None:
        self._blobs = blobs

    def __getitem__(self, article_id: str) -> str:
        return self._blobs[article_id].decode("utf-8")

    def __iter__(self) -> Iterator[str]:
        return iter(self._blobs)

    def __len__(self) -> int:
        return len(self._blobs)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._blobs

    def __repr__(self) -> str:
        return f"<EncodedTexts: {len(self)} articles>"


class EventList(Sequence[Event]):
    """Events in a given order of ids, decoded only when read: a page decodes its own few."""

    def __init__(self, ids: Sequence[str], events: Mapping[str, Event]) -> None:
        self.ids = ids
        self._events = events

    @overload
    def __getitem__(self, position: int) -> Event: ...
    @overload
    def __getitem__(self, position: slice) -> list[Event]: ...
    def __getitem__(self, position: int | slice) -> Event | list[Event]:
        if isinstance(position, slice):
            return [self._events[event_id] for event_id in self.ids[position]]
        return self._events[self.ids[position]]

    def __len__(self) -> int:
        return len(self.ids)

    def __iter__(self) -> Iterator[Event]:
        return (self._events[event_id] for event_id in self.ids)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, EventList):
            return list(self.ids) == list(other.ids) and list(self) == list(other)
        if isinstance(other, list | tuple):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<EventList: {len(self)} events>"
