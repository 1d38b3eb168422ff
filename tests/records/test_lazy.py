"""Events kept packed in memory (bot/records/lazy.py): a lazy mapping equal to the YAML load."""

from __future__ import annotations

import pytest

from bot.records.lazy import (
    EncodedTexts,
    EventList,
    PackedEvents,
    date_span,
    make_zdict,
    pack,
    unpack,
)
from bot.records.loading import load_seeds
from bot.records.seedset import SeedSet
from bot.settings import PROJECT_ROOT

SEEDS = PROJECT_ROOT / "seeds"


@pytest.fixture(scope="module")
def seeds() -> SeedSet:
    return load_seeds(SEEDS)


def packed(seeds: SeedSet, cache_size: int = 4096, with_dates: bool = True) -> PackedEvents:
    dumps = {event_id: event.model_dump_json().encode() for event_id, event in seeds.events.items()}
    zdict = make_zdict(list(dumps.values())[:50])
    blobs = {event_id: pack(data, zdict) for event_id, data in dumps.items()}
    dates = {event_id: date_span(seeds.events, event_id) for event_id in seeds.events}
    return PackedEvents(blobs, zdict, dates if with_dates else None, cache_size=cache_size)


def test_pack_round_trips_with_and_without_a_dictionary():
    data = '{"title": "Встреча в Вене — Венада кездесу"}'.encode()
    for zdict in (b"", make_zdict([data, b'{"title": "other"}'])):
        assert unpack(pack(data, zdict), zdict) == data
    assert make_zdict([b"x" * 50_000]) == b"x" * 32 * 1024  # zlib reads the last 32 KiB only


def test_packed_events_equal_the_yaml_load(seeds):
    events = packed(seeds)
    assert events == seeds.events and seeds.events == events
    assert list(events) == list(seeds.events)  # same order
    assert len(events) == len(seeds.events)
    assert dict(events.items()) == dict(seeds.events)
    assert list(events.values()) == list(seeds.events.values())


def test_counting_iterating_and_membership_decode_nothing(seeds):
    events = packed(seeds)
    some_id = next(iter(seeds.events))
    assert some_id in events and "no-such-event" not in events
    assert len(events) == len(seeds.events) and list(events) == list(seeds.events)
    assert events.date_span(some_id) == date_span(seeds.events, some_id)
    assert len(list(events.values())) == len(seeds.events)  # a bulk pass bypasses the cache
    assert events.cached == 0
    assert events[some_id] == seeds.events[some_id]
    assert events.cached == 1
    assert events.get("no-such-event") is None
    with pytest.raises(KeyError):
        events["no-such-event"]


def test_the_cache_of_decoded_events_is_bounded_and_keeps_the_recent_ones(seeds):
    events = packed(seeds, cache_size=3)
    ids = list(seeds.events)[:6]
    for event_id in ids:
        assert events[event_id] == seeds.events[event_id]
    assert events.cached == 3
    assert events[ids[-1]] is events[ids[-1]]  # served from the cache, not decoded again
    assert events[ids[0]] == seeds.events[ids[0]]  # evicted, decoded again, still right


def test_dates_come_from_the_record_when_not_given(seeds):
    events = packed(seeds, with_dates=False)
    for event_id, event in seeds.events.items():
        end = event.end_date.isoformat() if event.end_date else None
        assert events.date_span(event_id) == (event.date.value, end)


def test_event_list_decodes_only_what_is_read(seeds):
    events = packed(seeds)
    ids = list(seeds.events)
    listed = EventList(ids, events)
    assert len(listed) == len(ids) and events.cached == 0
    assert listed[1:3] == [seeds.events[ids[1]], seeds.events[ids[2]]]
    assert listed[-1] == seeds.events[ids[-1]]
    assert events.cached == 3
    assert listed == list(seeds.events.values())
    assert EventList([], events) == []


def test_encoded_texts_are_a_mapping_of_str(seeds):
    texts = EncodedTexts({key: text.encode() for key, text in seeds.article_texts.items()})
    assert texts == seeds.article_texts
    assert sorted(texts) == sorted(seeds.article_texts)
    assert "nope" not in texts and texts.get("nope") is None
