"""Finding people, topics, places, organizations and events from what users type.

Everything is matched on folded text (`bot.search.normalize.fold`), so "Көшербаев", "Кошербаевым"
and "Koshербаев" all meet "kosherbaev". People, topics, places and organizations are gazetteers
(bot.search.entities). Event text can be large (100,000 events): it goes into an inverted index over
folded words with posting arrays (bot.search.text), searched by exact word, case-ending stem, prefix
and, only over the vocabulary, fuzzy matching. Facts about each event (dates, kind, anniversaries)
live in arrays (bot.search.eventfacts), so no lookup decodes events.

`SearchIndex.build(seeds)` takes anything with the `SeedSet` attributes (`people`,
`organizations`, `places`, `topics`, `events`); `dump()`/`load(blobs, seeds)` persist it.

Long because: SearchIndex is the one facade the bot asks (build, load, every find_* and
events_for_*); the machinery is in its sibling modules.
"""

from __future__ import annotations

import gc
import hashlib
import sys
from array import array
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from itertools import repeat
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from bot.records.models import all_names
from bot.records.seedset import topic_tree
from bot.search.blobs import BlobError, Groups, pack_json, unpack_json
from bot.search.entities import (
    AMBIGUITY_MARGIN,
    COVERAGE,
    FOUND_MIN,
    MATCH_MIN,
    Gazetteer,
    Match,
    Resolution,
    query_words,
)
from bot.search.eventfacts import EventTable, TableBuilder, recency_key
from bot.search.normalize import marked, script_tokens
from bot.search.splice import Renumbering
from bot.search.text import Folded, TextBuilder, TextIndex, TextPart, rank

__all__ = [
    "AMBIGUITY_MARGIN",
    "FOUND_MIN",
    "Gazetteer",
    "Match",
    "Resolution",
    "SearchIndex",
    "query_words",
]

# Events scoring under half the best hit are noise (one common word of a longer query).
EVENT_RELATIVE_MIN = 0.5
FORMAT_VERSION = 1  # of `SearchIndex.dump`; bump when its blobs change meaning


def _names(record: Any) -> list[str]:
    """Every name a gazetteer record goes by (records.models.all_names)."""
    return all_names(record)


def _anniversary_names(topic_id: str, seeds: Any) -> list[str]:
    """The titles of the anniversaries a topic comes first for ("Helsinki Final Act")."""
    return [
        name
        for anniversary in getattr(seeds, "anniversaries", {}).values()
        if anniversary.topics[:1] == [topic_id]
        for name in (anniversary.title.kk, anniversary.title.ru, anniversary.title.en)
    ]


def _event_texts(event: Any) -> tuple[str, ...]:
    """The texts of an event that free-text search reads (names come through the gazetteers)."""
    return (*_own_texts(event), *_role_texts(event))


def _own_texts(event: Any) -> tuple[str, ...]:
    """The texts of `_event_texts` written for this event: title, summary, quotes."""
    title, summary = event.title, event.summary
    return (
        title.kk, title.ru, title.en, summary.kk, summary.ru, summary.en,
        *(quote for source in event.sources for quote in source.quotes),
    )  # fmt: skip


def _role_texts(event: Any) -> tuple[str, ...]:
    """The texts of `_event_texts` that many events share: the participants' roles."""
    return tuple(text for p in event.participants for text in (p.role.kk, p.role.ru, p.role.en))


class SearchIndex:
    """All lookups the bot makes from user text and event facts, without scanning the events.

    Build it with `SearchIndex.build(seeds)`; persist it with `dump() -> dict[str, bytes]` and get
    it back with `SearchIndex.load(blobs, seeds)` (None when the blobs are missing or of another
    format, then build). After `load`, nothing here reads `seeds.events`: event facts live in
    arrays. Events are numbered by recency (`event_ids[n]`, oldest first, undated first); every
    list of ids returned below is newest first.

    Matching text: `find_people`, `find_topics`, `find_places`, `find_organizations`,
    `search_events(query, limit)` → ranked `Match` lists (`rank_events`: event numbers);
    `resolve_person`, `resolve_topic`.
    Events by what they refer to: `events_for_person`, `events_for_topic` (with narrower
    topics), `events_for_place`, `events_for_organization`, `events_for_anniversary`.
    Events by date: `events_on_day(month, day)` (day-precision events on that calendar day of
    any year); periods, kinds and dates without decoding an event are in `self.events` (a
    bot.search.eventfacts.EventTable: `between(start, end)`, `in_month_of_year(month)`). For
    long lists,
    `event_numbers(kind, id)` gives the ascending numbers and `ids_of(numbers, start, stop)`
    one page of their ids, newest first.
    """

    VERSION = FORMAT_VERSION  # what storage keys the blobs by; `load` checks the code hash too
    people: Gazetteer
    topics: Gazetteer
    places: Gazetteer
    organizations: Gazetteer

    def __init__(self, seeds: Any, text: TextIndex, events: EventTable, entities: Groups,
                 gazetteers_of: SearchIndex | None = None) -> None:  # fmt: skip
        if text.size != len(events.ids):
            raise BlobError("text index and event table differ in size")
        self.people: Gazetteer
        self.topics: Gazetteer
        self.places: Gazetteer
        self.organizations: Gazetteer
        if gazetteers_of is not None:  # the gazetteers did not change: share them
            self.people, self.topics = gazetteers_of.people, gazetteers_of.topics
            self.places, self.organizations = gazetteers_of.places, gazetteers_of.organizations
        else:
            people = ((p.id, _names(p)) for p in seeds.people.values())
            self.people = Gazetteer(people, names=True)
            topics = (
                (t.id, _names(t) + _anniversary_names(t.id, seeds)) for t in seeds.topics.values()
            )
            self.topics = Gazetteer(topics, derived=True, coverage=COVERAGE, scripted=True)
            places = ((p.id, _names(p)) for p in seeds.places.values())
            self.places = Gazetteer(places, coverage=COVERAGE)
            organizations = ((o.id, _names(o)) for o in seeds.organizations.values())
            self.organizations = Gazetteer(organizations, coverage=COVERAGE)
        self._descendants = {t: tuple(topic_tree(seeds.topics, [t])) for t in seeds.topics}
        self.text = text
        self.events = events
        self.entities = entities  # "person:<id>", "topic:<id>", ... → event numbers
        self.event_ids = events.ids  # position = recency rank, newest last
        self.event_labels = events.labels
        self._id_array = np.array(events.ids, dtype=object)  # fancy indexing beats a loop
        self._topic_trees = self._merge_topic_trees()

    @classmethod
    def build(cls, seeds: Any, events: Iterable[Any] | None = None) -> SearchIndex:
        """Index a SeedSet (or anything with its people/organizations/places/topics/events).

        `events` (default: `seeds.events.values()`) may come in any order and are read once,
        one at a time (see `IndexBuilder`).
        """
        builder = IndexBuilder()
        builder.add(seeds, seeds.events.values() if events is None else events)
        return builder.index(seeds)

    def updated(self, seeds: Any, upserted: Iterable[Any], removed: Iterable[str] = (),
                gazetteers_changed: bool = True) -> SearchIndex:  # fmt: skip
        """The index of `seeds` after the events `upserted` (added or changed) and the ids
        `removed` were applied to this one, without rebuilding it (bot.search.splice).

        Answers are those of `SearchIndex.build(seeds)`. This index is left as it was, so
        commands keep reading it until the caller swaps the new one in. With
        `gazetteers_changed=False` the people/topic/place/organization matchers are shared.
        """
        incoming = sorted(upserted, key=recency_key)
        going = {event.id for event in incoming} | set(removed)
        number = self.events.number
        gone = np.array([number[i] for i in going if i in number], dtype=np.int64)
        renumbering = Renumbering.plan(
            self.events.recency_keys(), gone, [recency_key(e) for e in incoming]
        )
        table = self.events.updated(renumbering, incoming)
        text = self.text.updated(renumbering, [_event_texts(e) for e in incoming])
        additions = [
            (key, doc)
            for event, doc in zip(incoming, renumbering.inserted.tolist(), strict=True)
            for key in _entity_keys(event, seeds)
        ]
        entities = self.entities.updated(renumbering, additions)
        return SearchIndex(seeds, text, table, entities, None if gazetteers_changed else self)

    def dump(self) -> dict[str, bytes]:
        """The event side of the index as named blobs (no pickle), for `load`."""
        meta = {"format": index_format(), "events": len(self.event_ids)}
        return {
            "meta": pack_json(meta),
            **self.text.dump(),
            **self.events.dump(),
            **self.entities.dump("entities"),
        }

    @classmethod
    def load(cls, blobs: Mapping[str, bytes], seeds: Any) -> SearchIndex | None:
        """The index `dump` stored, with gazetteers rebuilt from `seeds` (never its events).

        None when a blob is missing or malformed or the format (including the matching code)
        changed since: build the index then.
        """
        try:
            meta = unpack_json(blobs, "meta")
            if not isinstance(meta, dict) or meta.get("format") != index_format():
                return None
            events = EventTable.load(blobs)
            return cls(seeds, TextIndex.load(blobs), events, Groups.load(blobs, "entities"))
        except BlobError:
            return None

    def find_people(self, query: str, limit: int = 5) -> list[Match]:
        """People whose name in any language or spelling matches `query`, best first."""
        return self.people.find(query, limit, initials=True)

    def resolve_person(self, query: str) -> Resolution:
        """The one person `query` names, or the candidates to choose from, or suggestions."""
        return self.people.resolve(query, initials=True)

    def find_topics(self, query: str, limit: int = 5) -> list[Match]:
        """Topics whose name or alias in any language matches `query`, best first."""
        return self.topics.find(query, limit)

    def resolve_topic(self, query: str) -> Resolution:
        """The one topic `query` names, or the candidates, or suggestions."""
        return self.topics.resolve(query)

    def find_places(self, query: str, limit: int = 5) -> list[Match]:
        """Cities and countries matching `query` ("Vienna", "Вена", "Венада")."""
        return self.places.find(query, limit)

    def find_organizations(self, query: str, limit: int = 5) -> list[Match]:
        """Organizations matching `query` by name or abbreviation (OSCE = ОБСЕ = ЕҚЫҰ)."""
        return self.organizations.find(query, limit)

    def names_word(self, word: str) -> bool:
        """Whether a word can be part of any person's, topic's, place's or body's name."""
        for _, gazetteer in self._gazetteers():
            for typed in gazetteer.query_words(word):
                if any(score >= MATCH_MIN for score in gazetteer.word_hits(typed).values()):
                    return True
        return False

    def search_events(
        self, query: str, limit: int = 20, named: Sequence[np.ndarray] = ()
    ) -> list[Match]:
        """Events matching free text, best first (see `rank_events`), with their labels."""
        return [
            Match(self.event_ids[n], score, self.event_labels[n], count)
            for n, score, count in self.rank_events(query, limit, named)
        ]

    def rank_events(
        self, query: str, limit: int = 20, named: Sequence[np.ndarray] = ()
    ) -> list[tuple[int, float, int]]:
        """(event number, text score 0..100, names matched) of the events matching free text,
        best first (see `bot.search.text.rank`).

        A query word reaches an event through the event's own texts (titles, summaries,
        quotes, roles) in the script it was typed in, or through a person, topic, place or
        organization it names, in any script. `named` are the event numbers of each thing the
        query names (from `event_numbers`): events matching more of them come first.
        """
        per_word = []
        scripts = dict(script_tokens(query[:2000]))
        for word in query_words(query):
            cyrillic = scripts.get(word, False)
            postings = self.text.word_postings(word, cyrillic)
            for kind, gazetteer in self._gazetteers():
                typed = marked(word, cyrillic) if gazetteer.scripted else word
                for name_word, score in gazetteer.word_hits(typed).items():
                    if score < MATCH_MIN:
                        continue
                    for index in gazetteer.postings[name_word]:
                        for docs in self._entity_arrays(kind, gazetteer.ids[index]):
                            postings.append((docs, score / 100))
            per_word.append(postings)
        ranked = rank(per_word, len(self.event_ids), limit, named)
        # Events scoring under half the best hit are noise, unless they match something named.
        floor = ranked[0][1] * EVENT_RELATIVE_MIN if ranked else 0.0
        return [hit for hit in ranked if hit[1] >= floor or hit[2]]

    def events_for_person(self, person_id: str) -> list[str]:
        """Ids of the events a person took part in, newest first."""
        return self._ids(self.entities.get(f"person:{person_id}"))

    def events_for_topic(self, topic_id: str, *, include_children: bool = True) -> list[str]:
        """Ids of the events filed under a topic (and its narrower topics), newest first."""
        if not include_children:
            return self._ids(self.entities.get(f"topic:{topic_id}"))
        return self._ids(self._entity_docs("topic", topic_id))

    def events_for_place(self, place_id: str) -> list[str]:
        """Ids of the events held in a city or country, or with that country taking part."""
        return self._ids(self.entities.get(f"place:{place_id}"))

    def events_for_organization(self, organization_id: str) -> list[str]:
        """Ids of the events an organization held or took part in, newest first."""
        return self._ids(self.entities.get(f"organization:{organization_id}"))

    def events_for_anniversary(self, anniversary_id: str) -> list[str]:
        """Ids of the events that cite an anniversary (helsinki-final-act), newest first."""
        return self._ids(self.events.anniversaries.get(anniversary_id))

    def events_on_day(self, month: int, day: int) -> list[str]:
        """Ids of the day-precision events on this calendar day in any year, newest first."""
        return self._ids(self.events.on_day(month, day))

    def newest_event_ids(self) -> list[str]:
        """Every event id, newest first, undated last."""
        return self.event_ids[::-1]

    def _gazetteers(self) -> list[tuple[str, Gazetteer]]:
        return [
            ("person", self.people),
            ("topic", self.topics),
            ("place", self.places),
            ("organization", self.organizations),
        ]

    def _entity_arrays(self, kind: str, entity_id: str) -> list[np.ndarray]:
        docs = self._entity_docs(kind, entity_id)
        return [docs] if docs.size else []

    def _entity_docs(self, kind: str, entity_id: str) -> np.ndarray:
        """Ascending numbers of the events filed under an entity (a topic: with narrower ones)."""
        if kind == "topic" and entity_id in self._topic_trees:
            return self._topic_trees[entity_id]
        docs = self.entities.get(f"{kind}:{entity_id}")
        return self.events.none if docs is None else docs

    def _merge_topic_trees(self) -> dict[str, np.ndarray]:
        """Events of each topic with narrower topics, merged once (not on every /topic)."""
        merged: dict[str, np.ndarray] = {}
        for topic, narrower in self._descendants.items():
            found = [self.entities.get(f"topic:{t}") for t in narrower]
            arrays = [a for a in found if a is not None]
            if len(narrower) == 1:
                continue  # no narrower topic: its own events, as filed
            if len(arrays) <= 1:
                merged[topic] = arrays[0] if arrays else self.events.none
                continue
            mask = np.zeros(len(self.event_ids), dtype=bool)
            for docs in arrays:
                mask[docs] = True
            merged[topic] = np.flatnonzero(mask).astype(np.int32)
        return merged

    def event_numbers(self, kind: str, entity_id: str) -> np.ndarray:
        """Ascending numbers (positions in `event_ids`) of the events filed under an entity.

        `kind` is "person", "topic" (with narrower topics), "place" or "organization"; with
        `ids_of` a caller can page through a long list without building it whole.
        """
        return self._entity_docs(kind, entity_id)

    def ids_of(self, numbers: np.ndarray, start: int = 0, stop: int | None = None) -> list[str]:
        """Ids of ascending event numbers, newest first, from position `start` to `stop`."""
        return self._id_array[numbers[::-1][start:stop]].tolist()

    def _ids(self, docs: np.ndarray | None) -> list[str]:
        """Event ids of ascending event numbers, newest first."""
        if docs is None:
            return []
        return self._id_array[docs[::-1]].tolist()


class IndexPart(NamedTuple):
    """An `IndexBuilder`'s events as `part()` gives them (see `add_part`)."""

    table: tuple[Any, ...]
    text: TextPart
    keys: list[str]  # entity keys in the order they were numbered
    pair_keys: bytes  # int32 key number of each reference
    pair_docs: bytes  # int32 position (in the part) of the event of each reference


class IndexBuilder:
    """A `SearchIndex` built from events given in any order, a batch at a time (`add`), so a
    full rebuild streams them as it reads the seed files and never holds them all: each
    event leaves behind its words' numbers and its facts, the index numbers them by recency
    at the end (`index`)."""

    def __init__(self, folded: Folded | None = None) -> None:
        self._table = TableBuilder()
        self._text = TextBuilder(folded)
        self._keys: dict[str, int] = {}
        self._pair_keys = array("i")  # (entity key number, position given) of each reference
        self._pair_docs = array("i")

    @property
    def size(self) -> int:
        """How many events were added."""
        return len(self._table.ids)

    def add(self, seeds: Any, events: Iterable[Any]) -> None:
        """Take in `events`; `seeds` has the gazetteers they refer to (anniversaries, places,
        organizations)."""
        collecting = gc.isenabled()
        gc.disable()  # millions of small objects and none of them cyclic: no collector passes
        try:
            for event in events:
                position = len(self._table.ids)
                self._table.add(event)
                self._text.add(_own_texts(event), _role_texts(event))
                keys = sorted(_entity_keys(event, seeds))  # numbered alike in any process
                self._pair_keys.extend([self._keys.setdefault(k, len(self._keys)) for k in keys])
                self._pair_docs.extend(repeat(position, len(keys)))
        finally:
            if collecting:
                gc.enable()

    def part(self) -> IndexPart:
        """What was added, as plain lists and bytes, for another builder's `add_part`: a full
        rebuild's worker process builds one per events file and the parent merges them."""
        return IndexPart(
            self._table.part(),
            self._text.part(),
            list(self._keys),
            self._pair_keys.tobytes(),
            self._pair_docs.tobytes(),
        )

    def add_part(self, part: IndexPart) -> None:
        """Take in another builder's `part()` after the events added so far: the index is
        the one `add` would have built from the same events in the same order."""
        base = self.size
        self._table.add_part(part.table)
        self._text.add_part(part.text)
        known = self._keys
        mapping = np.array([known.setdefault(k, len(known)) for k in part.keys], dtype=np.int32)
        keys = mapping[np.frombuffer(part.pair_keys, dtype=np.int32)]
        self._pair_keys.frombytes(keys.astype(np.int32).tobytes())
        docs = np.frombuffer(part.pair_docs, dtype=np.int32) + np.int32(base)
        self._pair_docs.frombytes(docs.astype(np.int32).tobytes())

    def index(self, seeds: Any) -> SearchIndex:
        """The index of every event added, with the gazetteers of `seeds`."""
        order = self._table.order()
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order))
        docs = rank[np.frombuffer(self._pair_docs, dtype=np.int32)]
        keys = np.frombuffer(self._pair_keys, dtype=np.int32)
        entities = Groups.in_document_order(keys, docs, list(self._keys))
        return SearchIndex(seeds, self._text.index(order), self._table.table(order), entities)


@lru_cache(maxsize=1)
def index_format() -> str:
    """The persisted format: a version plus a hash of the code that folds and indexes text.

    Changing a folding rule changes what the blobs should hold, so it invalidates them too.
    """
    digest = hashlib.sha256(str(FORMAT_VERSION).encode())
    modules = (
        "bot.search.normalize",
        "bot.search.text",
        "bot.search.eventfacts",
        "bot.search.blobs",
        "bot.search.splice",
        __name__,
    )
    for module in modules:
        digest.update(Path(sys.modules[module].__file__ or "").read_bytes())
    return f"{FORMAT_VERSION}-{digest.hexdigest()[:16]}"


def index_part(seeds: Any, events: Iterable[Any]) -> IndexPart:
    """The index's part for one events file's events (built in a full read's second process,
    for the first one's `IndexBuilder.add_part`)."""
    builder = IndexBuilder(_folded())
    builder.add(seeds, events)
    return builder.part()


@lru_cache(maxsize=1)
def _folded() -> Folded:
    """The chunks this process folded, shared by the parts it builds."""
    return Folded()


def _entity_keys(event: Any, seeds: Any) -> set[str]:
    """ "kind:id" of every gazetteer record an event refers to."""
    keys = {f"person:{p.person}" for p in event.participants}
    keys.update([f"topic:{t}" for t in event.topics])
    # A record that cites an anniversary is found under the anniversary's topics: the 2019 talks
    # on the Helsinki Final Act's 45th anniversary conference under the Helsinki principles.
    anniversaries = getattr(seeds, "anniversaries", {})
    for anniversary_id in event.anniversaries:
        if anniversary := anniversaries.get(anniversary_id):
            keys.update(f"topic:{t}" for t in anniversary.topics)
    keys.update([f"organization:{o}" for o in event.organizations])
    places = set(event.countries)
    if event.place is not None:
        city, country = event.place.city, event.place.country
        places.update(p for p in (city, country) if p)
        city_record = seeds.places.get(city) if city else None
        if city_record is not None and city_record.country:
            places.add(city_record.country)
    for participant in event.participants:
        if participant.side in seeds.organizations:
            keys.add(f"organization:{participant.side}")
        else:
            places.add(participant.side)
    keys.update([f"place:{p}" for p in places])
    return keys
