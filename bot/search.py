"""Finding people, topics, places, organizations and events from what users type.

Everything is matched on folded text (`bot.normalize.fold`), so "Көшербаев", "Кошербаевым" and
"Koshербаев" all meet "kosherbaev". The gazetteers are small (thousands of names at most): a query
word is compared with their vocabulary of name words exactly, as a name plus a case ending, as a
prefix, and with rapidfuzz for typos. Event text can be large (100,000 events): it goes into an
inverted index over folded words with posting arrays, searched by exact word, case-ending stem,
prefix (a sorted vocabulary and bisect) and, only over the vocabulary, fuzzy matching.

`SearchIndex.build(seeds)` takes anything with the `SeedSet` attributes (`people`,
`organizations`, `places`, `topics`, `events`); build it once at load and again on reload.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import re
import sys
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat
from pathlib import Path
from typing import Any, Literal, NamedTuple

import numpy as np

from bot.eventtable import KINDS, PRECISIONS, EventTable, sort_key
from bot.fuzzyvocab import FuzzyVocab
from bot.indexblobs import BlobError, Groups, pack_json, unpack_json
from bot.normalize import STOPWORDS, fold_word, stems, tokens
from bot.textindex import TextIndex, rank

# --- Scores and thresholds (0..100) ---------------------------------------------------------------
# Chosen on the seed names and the spellings in tests/test_search.py: every listed spelling of
# a person scores >= 88, unrelated names and words ("Smith", "Путин", "qwerty", country names)
# score at most ~67 against any person.
EXACT = 100.0
INFLECTED = (
    94.0  # name + case ending; below EXACT so "Назарбаева" is Dariga, not Nursultan's genitive
)
PREFIX_MIN_LEN = 4  # a query word this long may be the start of a name ("Kosher", "Назар")
PREFIX_BASE, PREFIX_SPAN = 70.0, 25.0  # prefix score grows with how much of the name is typed
DERIVED_MIN_STEM = (
    5  # topics: an alias this long may open a longer word ("климат" → "климатический")
)
DERIVED = 86.0
FUZZY_MIN_LEN = 4  # shorter words only match exactly: "су" must not match every "su..." word
# OSA similarity of folded words (a swap counts as one edit): two typos in a 10-letter name
# score 80, one in a 5-letter name 80, one in a 4-letter name 75 (so short names match exactly).
FUZZY_CUTOFF = 78.0
MATCH_MIN = 75.0  # an entity scoring below this is not a match at all
# Below this a match is only offered as a suggestion. One typo in a 7-letter word scores 85.7,
# which is also what real other surnames score ("Tokarev" against "Tokaev"): those are offered,
# not assumed. One typo in 8+ letters, a transposition in "Koshrebaev", an ending: found.
FOUND_MIN = 86.0
AMBIGUITY_MARGIN = 5.0  # candidates this close to the best one are offered as choices
SUGGEST_MIN = 70.0  # "did you mean": whole-name similarity of the closest names
INITIAL_PENALTY = 12.0  # "Е. Кошербаев" when no name of the person starts with "e"
# How much of a topic/place/organization score rewards covering a whole name (15 points:
# more than AMBIGUITY_MARGIN, so "water" is Water, not "water-energy").
COVERAGE = 0.15
# Events scoring under half the best hit are noise (one common word of a longer query).
EVENT_RELATIVE_MIN = 0.5
MAX_QUERY_WORDS = 12  # a 10,000-character query is cut to its first words
_TAG = re.compile(r"<[^<>]{0,40}>")  # "<b>Кошербаев</b>" pasted from a formatted message
MAX_EXPANSIONS = 64  # prefix expansions of one query word in event search
WORD_HITS_MEMO = 20_000  # query words whose gazetteer matches are remembered
FORMAT_VERSION = 1  # of `SearchIndex.dump`; bump when its blobs change meaning


# Titles typed before a name ("minister Кошербаев", "г-н Лайчак") that are not part of it.
TITLES: frozenset[str] = frozenset(
    fold_word(w)
    for w in "minister министр министрі president президент mr mrs ms dr mister madam г господин "
    "госпожа мырза ханым deputy secretary general генсек chairman chairperson председатель "
    "төраға төрағасы ambassador посол елші foreign".split()
)


@dataclass(frozen=True)
class Match:
    """One search hit: a record id, its score (0..100) and a name or title to show."""

    id: str
    score: float
    label: str


@dataclass(frozen=True)
class Resolution:
    """The answer to "who/which is this?": found one, several to choose from, or none."""

    status: Literal["found", "ambiguous", "none"]
    matches: tuple[Match, ...] = ()
    suggestions: tuple[Match, ...] = ()


def query_words(query: str, *, keep_stopwords: bool = False) -> list[str]:
    """The folded words of a query worth matching: stopwords dropped, duplicates removed."""
    words = list(dict.fromkeys(tokens(_TAG.sub(" ", query[:2000]))))[:MAX_QUERY_WORDS]
    if keep_stopwords:
        return words
    meaningful = [w for w in words if w not in STOPWORDS]
    return meaningful or words


class Gazetteer:
    """Named entities (people, topics, ...) searchable by any of their names in any spelling."""

    def __init__(
        self,
        entries: Iterable[tuple[str, list[str]]],
        *,
        derived: bool = False,
        names: bool = False,
        coverage: float = 0.0,
    ) -> None:
        self.derived = derived  # topics: aliases are stems that may open longer words
        # Share of the score given to how much of a name the query covers, so that "security"
        # is Security before Regional security, and "OSCE" the OSCE before "OSCE Secretariat".
        self.coverage = coverage
        self.names = names  # people: only a name's case endings; one-letter words are initials
        self.ids: list[str] = []
        self.variants: list[list[tuple[tuple[str, ...], str]]] = []  # (folded words, original)
        postings: dict[str, set[int]] = defaultdict(set)
        for entity_id, names in entries:
            index = len(self.ids)
            self.ids.append(entity_id)
            seen: dict[tuple[str, ...], str] = {}
            for name in names:
                words = tuple(tokens(name))
                if words and words not in seen:
                    seen[words] = name
                if len(words) > 1 and min(map(len, words)) > 1:  # "Нур-Султан" = "Nursultan"
                    seen.setdefault(("".join(words),), name)
            self.variants.append(list(seen.items()))
            for words in seen:
                for word in words:
                    # "Б." in "Б. Атамқұлов" is an initial; "on", "and" are no names.
                    if len(word) > 1 and word not in STOPWORDS:
                        postings[word].add(index)
        self.postings = dict(postings)
        self.vocab = sorted(self.postings)
        self.full_names = [(i, " ".join(w), n) for i, vs in enumerate(self.variants) for w, n in vs]
        self.fuzzy_vocab = FuzzyVocab(self.vocab)
        self.fuzzy_names = FuzzyVocab([full for _, full, _ in self.full_names])
        self._hits: dict[str, dict[str, float]] = {}

    def word_hits(self, word: str) -> dict[str, float]:
        """Vocabulary words that `word` may stand for, each with how well it matches (memo)."""
        hits = self._hits.get(word)
        if hits is None:
            if len(self._hits) >= WORD_HITS_MEMO:
                self._hits.clear()
            hits = self._hits[word] = self._word_hits(word)
        return hits

    def _word_hits(self, word: str) -> dict[str, float]:
        hits: dict[str, float] = {}

        def hit(name_word: str, score: float) -> None:
            if score > hits.get(name_word, 0.0):
                hits[name_word] = score

        if word in self.postings:
            hit(word, EXACT)
        word_stems = stems(word, names=self.names)
        for stem in word_stems:
            if stem in self.postings:
                hit(stem, INFLECTED)
        if len(word) >= PREFIX_MIN_LEN:
            for name_word in _with_prefix(self.vocab, word):
                hit(name_word, PREFIX_BASE + PREFIX_SPAN * len(word) / len(name_word))
        if self.derived:
            for cut in range(DERIVED_MIN_STEM, len(word)):
                if word[:cut] in self.postings and len(word) - cut <= 8:
                    hit(word[:cut], DERIVED)
        if len(word) >= FUZZY_MIN_LEN:
            candidates = [word, *(s for s in word_stems if len(s) >= FUZZY_MIN_LEN)]
            for candidate in candidates:
                # OSA similarity: a swap of two letters is one typo.
                found = self.fuzzy_vocab.typos(candidate, FUZZY_CUTOFF / 100, limit=10)
                for name_word, similarity, _ in found:
                    score = 100 * similarity
                    # A name inside the word or the word inside a name is an ending or a
                    # prefix, scored above; "germania" is not a typo of "german".
                    if name_word.startswith(candidate) or candidate.startswith(name_word):
                        continue
                    hit(name_word, score if candidate is word else min(score - 2, INFLECTED))
        return hits

    def find(self, query: str, limit: int = 5, *, initials: bool = False) -> list[Match]:
        """Entities matching `query`, best first, each scoring at least MATCH_MIN."""
        words = query_words(query)
        letters: list[str] = []
        if initials:  # "Е. Кошербаев": "e" is an initial; "министр Кошербаев": a title
            letters = [w for w in words if len(w) == 1]
            words = [w for w in words if w not in TITLES] or words
        words = [w for w in words if len(w) > 1]
        if not words:
            return []
        totals: dict[int, float] = defaultdict(float)
        matched: dict[int, dict[str, float]] = defaultdict(dict)
        for word in words:
            best = self._score_word(word, matched)
            for index, score in best.items():
                totals[index] += score
        scores = {index: total / len(words) for index, total in totals.items()}
        if len(words) > 1:  # "Nur Sultan" typed for "Nursultan", or the other way round
            for index, score in self._score_word("".join(words), matched).items():
                scores[index] = max(scores.get(index, 0.0), score)
        results = []
        for index, score in scores.items():
            label, coverage = self._best_variant(index, matched[index])
            score = (1 - self.coverage) * score + 100 * self.coverage * coverage
            if letters and not all(self._has_initial(index, letter) for letter in letters):
                score -= INITIAL_PENALTY
            if score >= MATCH_MIN:
                results.append(Match(self.ids[index], round(score, 1), label))
        results.sort(key=lambda m: (-m.score, m.label))
        return results[:limit]

    def resolve(self, query: str, *, initials: bool = False) -> Resolution:
        """One entity for `query`, or the close candidates to choose from, or suggestions."""
        matches = self.find(query, limit=10, initials=initials)
        if not matches:
            return Resolution("none", suggestions=tuple(self.suggest(query)))
        best = matches[0]
        close = tuple(m for m in matches if m.score >= best.score - AMBIGUITY_MARGIN)
        if len(close) > 1:
            return Resolution("ambiguous", matches=close[:5])
        if best.score >= FOUND_MIN:
            return Resolution("found", matches=(best,))
        return Resolution("none", suggestions=(best, *self.suggest(query, exclude=best.id)))

    def suggest(self, query: str, limit: int = 3, *, exclude: str = "") -> list[Match]:
        """The names closest to `query` as whole strings, for "did you mean ...?"."""
        folded = " ".join(query_words(query, keep_stopwords=True))
        if len(folded) < 3:
            return []
        found = self.fuzzy_names.close_names(folded, SUGGEST_MIN, limit=limit * 4)
        results: dict[str, Match] = {}
        for _, score, position in found:
            index, _, name = self.full_names[position]
            entity_id = self.ids[index]
            if entity_id != exclude and entity_id not in results:
                results[entity_id] = Match(entity_id, round(score, 1), name)
        return list(results.values())[:limit]

    def _score_word(self, word: str, matched: dict[int, dict[str, float]]) -> dict[int, float]:
        best: dict[int, float] = {}
        for name_word, score in self.word_hits(word).items():
            for index in self.postings[name_word]:
                if score > matched[index].get(name_word, 0.0):
                    matched[index][name_word] = score
                if score > best.get(index, 0.0):
                    best[index] = score
        return best

    def _best_variant(self, index: int, matched: dict[str, float]) -> tuple[str, float]:
        """The name that shares the most words with the query, and the share it covers.

        Words met exactly, with a case ending or with a typo count as covered; a word the
        query only begins does not: "water" covers all of "Water" but not "water-energy".
        """
        best_name, best_key = self.variants[index][0][1], (-1.0, -1.0)
        for words, name in self.variants[index]:
            strong = sum(_credit(matched.get(w, 0.0)) for w in words) / len(words)
            weak = sum(matched.get(w, 0.0) for w in words) / len(words)
            if (strong, weak) > best_key:
                best_name, best_key = name, (strong, weak)
        return best_name, best_key[0]

    def _has_initial(self, index: int, letter: str) -> bool:
        return any(w.startswith(letter) for words, _ in self.variants[index] for w in words)


def _credit(score: float) -> float:
    """How much a matched name word counts towards covering its name."""
    return 1.0 if score >= INFLECTED else score / 100 if score >= FOUND_MIN else 0.0


def _with_prefix(vocab: list[str], prefix: str, cap: int = 10_000) -> list[str]:
    """The words of a sorted vocabulary that start with `prefix` (other than itself)."""
    found = []
    position = bisect_left(vocab, prefix)
    while position < len(vocab) and vocab[position].startswith(prefix) and len(found) < cap:
        if vocab[position] != prefix:
            found.append(vocab[position])
        position += 1
    return found


def _names(record: Any) -> list[str]:
    """Every name a gazetteer record goes by: its name and abbreviation in kk/ru/en, aliases."""
    names = [record.name.kk, record.name.ru, record.name.en]
    abbr = getattr(record, "abbr", None)
    if abbr is not None:
        names += [abbr.kk, abbr.ru, abbr.en]
    return names + record.aliases.all()


def _event_texts(event: Any) -> tuple[str, ...]:
    """The texts of an event that free-text search reads (names come through the gazetteers)."""
    title, summary = event.title, event.summary
    return (
        title.kk, title.ru, title.en, summary.kk, summary.ru, summary.en,
        *(quote for source in event.sources for quote in source.quotes),
        *(text for p in event.participants for text in (p.role.kk, p.role.ru, p.role.en)),
    )  # fmt: skip


class EventFacts(NamedTuple):
    """What the index knows of one event without decoding it (dates as YYYYMMDD integers)."""

    id: str
    label: str  # the English title
    date_key: int  # YYYYMMDD, 00 for what a month/year precision leaves out, 0 when unknown
    first_day: dt.date | None  # the first and last day the date can mean
    last_day: dt.date | None
    precision: str  # "day", "month", "year", "unknown"
    kind: str  # an EventKind
    part_of: str | None  # the event this one was held on the margins of


class SearchIndex:
    """All lookups the bot makes from user text and event facts, without scanning the events.

    Build it with `SearchIndex.build(seeds)`; persist it with `dump() -> dict[str, bytes]` and get
    it back with `SearchIndex.load(blobs, seeds)` (None when the blobs are missing or of another
    format, then build). After `load`, nothing here reads `seeds.events`: event facts live in
    arrays. Events are numbered by recency (`event_ids[n]`, oldest first, undated first); every
    list of ids returned below is newest first.

    Matching text: `find_people`, `find_topics`, `find_places`, `find_organizations`,
    `search_events(query, limit)` → ranked `Match` lists; `resolve_person`, `resolve_topic`.
    Events by what they refer to: `events_for_person`, `events_for_topic` (with narrower
    topics), `events_for_place`, `events_for_organization`, `events_for_anniversary`.
    Events by date: `events_between(start, end)` (inclusive; day-precision events overlapping
    the range, months and years lying inside it), `events_on_day(month, day)` (day-precision
    events on that calendar day of any year). `newest_event_ids()`; `event_facts(id)` (date,
    precision, kind, part_of, label) and `event_label(id)` without decoding the event; the
    arrays themselves are in `self.events` (a bot.eventtable.EventTable).
    """

    VERSION = FORMAT_VERSION  # what storage keys the blobs by; `load` checks the code hash too

    def __init__(self, seeds: Any, text: TextIndex, events: EventTable, entities: Groups) -> None:
        if text.size != len(events.ids):
            raise BlobError("text index and event table differ in size")
        self.people = Gazetteer(((p.id, _names(p)) for p in seeds.people.values()), names=True)
        topics = ((t.id, _names(t)) for t in seeds.topics.values())
        self.topics = Gazetteer(topics, derived=True, coverage=COVERAGE)
        places = ((p.id, _names(p)) for p in seeds.places.values())
        self.places = Gazetteer(places, coverage=COVERAGE)
        organizations = ((o.id, _names(o)) for o in seeds.organizations.values())
        self.organizations = Gazetteer(organizations, coverage=COVERAGE)
        self._topic_parent = {t.id: t.parent for t in seeds.topics.values()}
        self._descendants = {t: tuple(self.topic_descendants(t)) for t in self._topic_parent}
        self.text = text
        self.events = events
        self.entities = entities  # "person:<id>", "topic:<id>", ... → event numbers
        self.event_ids = events.ids  # position = recency rank, newest last
        self.event_labels = events.labels

    @classmethod
    def build(cls, seeds: Any) -> SearchIndex:
        """Index a SeedSet (or anything with its people/organizations/places/topics/events)."""
        collecting = gc.isenabled()
        gc.disable()  # millions of small objects and none of them cyclic: no collector passes
        try:
            events = sorted(seeds.events.values(), key=sort_key)
            table = EventTable.build(events)
            text = TextIndex.build(map(_event_texts, events))
            entities = _entity_groups(events, seeds)
        finally:
            if collecting:
                gc.enable()
        return cls(seeds, text, table, entities)

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

    def search_events(self, query: str, limit: int = 20) -> list[Match]:
        """Events matching free text, by how many query words they match, then newest first.

        A query word reaches an event through the event's own texts (titles, summaries,
        quotes, roles) or through a person, topic, place or organization it names.
        """
        per_word = []
        for word in query_words(query):
            postings = self.text.word_postings(word)
            for kind, gazetteer in self._gazetteers():
                for name_word, score in gazetteer.word_hits(word).items():
                    if score < MATCH_MIN:
                        continue
                    for index in gazetteer.postings[name_word]:
                        for docs in self._entity_arrays(kind, gazetteer.ids[index]):
                            postings.append((docs, score / 100))
            per_word.append(postings)
        ranked = rank(per_word, len(self.event_ids), limit)
        floor = ranked[0][1] * EVENT_RELATIVE_MIN if ranked else 0.0
        return [
            Match(self.event_ids[n], score, self.event_labels[n])
            for n, score in ranked
            if score >= floor
        ]

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

    def events_between(self, start: dt.date, end: dt.date) -> list[str]:
        """Ids of the events dated within [start, end], newest first (see the class doc)."""
        return self._ids(self.events.between(start, end))

    def events_on_day(self, month: int, day: int) -> list[str]:
        """Ids of the day-precision events on this calendar day in any year, newest first."""
        return self._ids(self.events.on_day(month, day))

    def newest_event_ids(self) -> list[str]:
        """Every event id, newest first, undated last."""
        return self.event_ids[::-1]

    def event_label(self, event_id: str) -> str | None:
        """The English title of an event, or None for an unknown id."""
        number = self.events.number.get(event_id)
        return None if number is None else self.event_labels[number]

    def event_facts(self, event_id: str) -> EventFacts | None:
        """Date, precision, kind, part_of and label of an event, or None for an unknown id."""
        table = self.events
        n = table.number.get(event_id)
        if n is None:
            return None
        parent = int(table.part_of[n])
        return EventFacts(
            id=event_id,
            label=table.labels[n],
            date_key=int(table.date_keys[n]),
            first_day=_day(int(table.first_days[n])),
            last_day=_day(int(table.last_days[n])),
            precision=PRECISIONS[table.precisions[n]],
            kind=KINDS[table.kinds[n]],
            part_of=table.ids[parent] if parent >= 0 else None,
        )

    def topic_descendants(self, topic_id: str) -> set[str]:
        """The topic and every topic narrower than it."""
        found = {topic_id}
        changed = True
        while changed:
            more = {t for t, parent in self._topic_parent.items() if parent in found}
            changed = not more <= found
            found |= more
        return found

    def _gazetteers(self) -> list[tuple[str, Gazetteer]]:
        return [
            ("person", self.people),
            ("topic", self.topics),
            ("place", self.places),
            ("organization", self.organizations),
        ]

    def _entity_arrays(self, kind: str, entity_id: str) -> list[np.ndarray]:
        keys = self._descendants.get(entity_id, ()) if kind == "topic" else (entity_id,)
        found = (self.entities.get(f"{kind}:{key}") for key in keys)
        return [docs for docs in found if docs is not None]

    def _entity_docs(self, kind: str, entity_id: str) -> np.ndarray:
        arrays = self._entity_arrays(kind, entity_id)
        if not arrays:
            return np.zeros(0, dtype=np.int32)
        return arrays[0] if len(arrays) == 1 else np.unique(np.concatenate(arrays))

    def _ids(self, docs: np.ndarray | None) -> list[str]:
        """Event ids of ascending event numbers, newest first."""
        if docs is None:
            return []
        ids = self.event_ids
        return [ids[n] for n in docs[::-1].tolist()]


def _day(number: int) -> dt.date | None:
    return dt.date(number // 10_000, number // 100 % 100, number % 100) if number else None


@lru_cache(maxsize=1)
def index_format() -> str:
    """The persisted format: a version plus a hash of the code that folds and indexes text.

    Changing a folding rule changes what the blobs should hold, so it invalidates them too.
    """
    digest = hashlib.sha256(str(FORMAT_VERSION).encode())
    for module in ("bot.normalize", "bot.textindex", "bot.eventtable", "bot.indexblobs", __name__):
        digest.update(Path(sys.modules[module].__file__ or "").read_bytes())
    return f"{FORMAT_VERSION}-{digest.hexdigest()[:16]}"


def _entity_groups(events: list[Any], seeds: Any) -> Groups:
    """Event numbers by the gazetteer record ("person:<id>", "topic:<id>", ...) they refer to."""
    numbers: dict[str, int] = {}
    pair_keys: list[int] = []
    pair_docs: list[int] = []
    for doc, event in enumerate(events):
        keys = _entity_keys(event, seeds)
        pair_keys += [numbers.setdefault(key, len(numbers)) for key in keys]
        pair_docs += repeat(doc, len(keys))
    return Groups.from_pairs(pair_keys, pair_docs, list(numbers))


def _entity_keys(event: Any, seeds: Any) -> set[str]:
    """ "kind:id" of every gazetteer record an event refers to."""
    keys = {f"person:{p.person}" for p in event.participants}
    keys.update([f"topic:{t}" for t in event.topics])
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
