"""Cross-file rules for a seeds folder: references into the gazetteers, quotes, parent cycles.

`StreamedChecks` yields `(attribute, record_id, field, message)` for every broken rule of a seed set
read a file at a time, `check_events` those of a few events against stored records;
`bot.records.loading` turns them into `SeedProblem`s with the file and line of the record.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence

from bot.records.models import SEED_FILES, Event, Place, Source
from bot.records.seedset import SeedSet

Finding = tuple[str, str, str, str]  # attribute, record id, field path, message

# The file behind each kind of reference, for messages.
_FILES = {f.attribute: f.file for f in SEED_FILES} | {"events": "events/"}


def normalize_space(text: str) -> str:
    """Collapse every run of whitespace to one space (quotes are compared this way)."""
    return " ".join(text.split())


class _Checker:
    """Holds the id sets of one seed set and checks references against them."""

    def __init__(self, seeds: SeedSet, missing: set[str], invalid: dict[str, set[str]]) -> None:
        self.seeds = seeds
        self.missing = missing
        self.invalid = invalid
        self.cities = {key for key, place in seeds.places.items() if place.kind == "city"}
        self.countries = {key for key, place in seeds.places.items() if place.kind == "country"}
        self.texts = _NormalizedTexts(seeds.article_texts)  # only the texts quotes cite

    def failed(self, attribute: str, value: str) -> bool:
        """Whether `value` is the id of a record that failed validation (already reported)."""
        return value in self.invalid.get(attribute, ())

    def _unknown(self, what: str, attribute: str, value: str) -> str:
        file = _FILES[attribute]
        if attribute in self.missing:
            return f"unknown {what} {value!r} ({file} does not exist)"
        return f"unknown {what} {value!r} (not in {file})"

    def ids(self, field: str, values: Sequence[str], attribute: str, what: str) -> Iterator:
        """Each of `values` must be an id in `attribute`; also flags repeats."""
        table = getattr(self.seeds, attribute)
        seen: set[str] = set()
        for index, value in enumerate(values):
            path = f"{field}[{index}]"
            if value in seen:
                yield path, f"{value!r} is listed twice"
            seen.add(value)
            if value not in table and not self.failed(attribute, value):
                yield path, self._unknown(what, attribute, value)

    def one(self, field: str, value: str | None, attribute: str, what: str) -> Iterator:
        table = getattr(self.seeds, attribute)
        if value is not None and value not in table and not self.failed(attribute, value):
            yield field, self._unknown(what, attribute, value)

    def place_kind(self, field: str, value: str | None, kind: str) -> Iterator:
        """`value` must be a place of `kind` ('city' or 'country')."""
        known = self.cities if kind == "city" else self.countries
        if value is None or value in known or self.failed("places", value):
            return
        entry = self.seeds.places.get(value)
        if entry is not None:
            yield field, f"{value!r} is a {entry.kind} in places.yaml, not a {kind}"
        else:
            yield field, self._unknown(kind, "places", value)

    def place(self, field: str, place: Place | None) -> Iterator:
        if place is None:
            return
        yield from self.place_kind(f"{field}.city", place.city, "city")
        yield from self.place_kind(f"{field}.country", place.country, "country")
        city = self.seeds.places.get(place.city or "")
        if (
            city is not None
            and place.country
            and city.country in self.countries  # an unknown one is reported on the city
            and city.country != place.country
        ):
            message = f"{place.city!r} is in {city.country!r}, not in {place.country!r}"
            yield f"{field}.country", message

    def sources(self, sources: Sequence[Source]) -> Iterator:
        seen: set[str] = set()
        for index, source in enumerate(sources):
            path = f"sources[{index}]"
            if source.article in seen:
                yield f"{path}.article", f"{source.article!r} is listed twice: merge its quotes"
            seen.add(source.article)
            if source.article not in self.seeds.articles:
                if not self.failed("articles", source.article):
                    yield f"{path}.article", self._unknown("article", "articles", source.article)
                continue
            text = self.texts[source.article]
            if text is None:  # the article file itself is missing: reported on the article
                continue
            for number, quote in enumerate(source.quotes):
                if normalize_space(quote) not in text:
                    shown = quote if len(quote) <= 70 else quote[:67] + "..."
                    message = f"quote not found in article {source.article!r}: {shown!r}"
                    yield f"{path}.quotes[{number}]", message


class _NormalizedTexts(dict[str, str | None]):
    """Article texts with whitespace collapsed, each computed when a quote first needs it."""

    def __init__(self, texts: Mapping[str, str]) -> None:
        super().__init__()
        self._texts = texts

    def __missing__(self, key: str) -> str | None:
        text = self._texts.get(key)
        value = self[key] = None if text is None else normalize_space(text)
        return value


def cycles(parents: Mapping[str, str | None]) -> set[str]:
    """The ids whose chain of parents leads back to themselves."""
    looping = set()
    for start in parents:
        node, seen = parents[start], {start}
        while node is not None and node not in seen:
            seen.add(node)
            node = parents.get(node)
        if node == start:
            looping.add(start)
    return looping


def _unique_known(values: Sequence[str], table: Mapping[str, object]) -> bool:
    """Whether `values` are distinct ids of `table` (what `_Checker.ids` finds nothing in)."""
    return len(set(values)) == len(values) and all(map(table.__contains__, values))


def _obeys_rules(check: _Checker, event: Event) -> bool:
    """Whether `_event_rules(check, event, parents=False)` would find nothing: the same
    rules as set lookups, with no generator or message made (a full read checks 100,000
    events, nearly all of them good: 1.4 s there, 0.5 s this way). False only means the
    rules must be run to say what is wrong."""
    seeds, countries = check.seeds, check.countries
    participants = event.participants
    if participants:
        if not _unique_known([p.person for p in participants], seeds.people):
            return False
        organizations = seeds.organizations
        if not all(p.side in countries or p.side in organizations for p in participants):
            return False
    if not (
        _unique_known(event.topics, seeds.topics)
        and _unique_known(event.organizations, seeds.organizations)
        and all(map(countries.__contains__, event.countries))
        and _unique_known(event.anniversaries, seeds.anniversaries)
        and _unique_known(event.announces, seeds.future_events)
        and event.part_of != event.id
    ):
        return False
    place = event.place
    if place is not None:
        city, country = place.city, place.country
        if city is not None:
            if city not in check.cities:
                return False
            if country is not None and seeds.places[city].country not in (country, None):
                return False  # a city of another country (or of an unknown one): say which
        if country is not None and country not in countries:
            return False
    articles, texts = seeds.articles, check.texts
    if len(event.sources) > 1 and len({s.article for s in event.sources}) < len(event.sources):
        return False
    for source in event.sources:
        if source.article not in articles:
            return False
        text = texts[source.article]
        if text is not None and not all(normalize_space(q) in text for q in source.quotes):
            return False
    return True


def _event_rules(
    check: _Checker, event: Event, parents: bool = True
) -> Iterator[tuple[str, str]]:
    """The broken references of one event, as (field path, message); with `parents=False`,
    not whether its parent exists."""
    people = [participant.person for participant in event.participants]
    for field, message in check.ids("participants", people, "people", "person"):
        yield f"{field}.person", message
    for index, participant in enumerate(event.participants):
        side = participant.side
        known = side in check.countries or side in check.seeds.organizations
        if (
            not known
            and not check.failed("places", side)
            and not check.failed("organizations", side)
        ):
            message = (
                f"unknown side {side!r}: neither a country in places.yaml"
                " nor an organization in organizations.yaml"
            )
            yield f"participants[{index}].side", message
    yield from check.ids("topics", event.topics, "topics", "topic")
    yield from check.ids("organizations", event.organizations, "organizations", "organization")
    for index, country in enumerate(event.countries):
        yield from check.place_kind(f"countries[{index}]", country, "country")
    yield from check.place("place", event.place)
    yield from check.sources(event.sources)
    yield from check.ids("anniversaries", event.anniversaries, "anniversaries", "anniversary")
    yield from check.ids("announces", event.announces, "future_events", "future event")
    if event.part_of == event.id:
        yield "part_of", "an event cannot be part of itself"
    elif parents:
        yield from check.one("part_of", event.part_of, "events", "event")


def _gazetteer_findings(check: _Checker) -> Iterator[Finding]:
    seeds = check.seeds
    for key, person in seeds.people.items():
        for field, message in check.place_kind("country", person.country, "country"):
            yield "people", key, field, message
    for key, org in seeds.organizations.items():
        for field, message in check.one("parent", org.parent, "organizations", "organization"):
            yield "organizations", key, field, message
    for key in sorted(cycles({key: org.parent for key, org in seeds.organizations.items()})):
        yield "organizations", key, "parent", "parent goes round in a circle"
    for key, place in seeds.places.items():
        if place.kind == "city":
            for field, message in check.place_kind("country", place.country, "country"):
                yield "places", key, field, message
    for key, topic in seeds.topics.items():
        for field, message in check.one("parent", topic.parent, "topics", "topic"):
            yield "topics", key, field, message
    for key in sorted(cycles({key: topic.parent for key, topic in seeds.topics.items()})):
        yield "topics", key, "parent", "parent goes round in a circle"
    for key, item in seeds.anniversaries.items():
        found = [
            *check.ids("organizations", item.organizations, "organizations", "organization"),
            *check.ids("topics", item.topics, "topics", "topic"),
        ]
        for field, message in found:
            yield "anniversaries", key, field, message
    for key, future in seeds.future_events.items():
        found = [
            *check.place("place", future.place),
            *check.ids("organizations", future.organizations, "organizations", "organization"),
            *check.ids("topics", future.topics, "topics", "topic"),
            *check.sources(future.sources),
        ]
        for field, message in found:
            yield "future_events", key, field, message


class StreamedChecks:
    """The cross-file rules of a seed set whose events come a batch at a time (a full load
    streams the events files): the gazetteers' rules, each batch's references into the
    gazetteers, and at the end the `part_of` rules, which need every event's parent."""

    def __init__(self, seeds: SeedSet, missing: set[str], invalid: dict[str, set[str]]) -> None:
        self._check = _Checker(seeds, missing, invalid)
        self._parents: dict[str, str | None] = {}

    def gazetteers(self) -> Iterator[Finding]:
        yield from _gazetteer_findings(self._check)

    def events(self, events: Iterable[Event]) -> Iterator[Finding]:
        """The broken references of `events` (their parents are checked by `parents`)."""
        check = self._check
        for event in events:
            self._parents[event.id] = event.part_of
            if _obeys_rules(check, event):
                continue
            for field, message in _event_rules(check, event, parents=False):
                yield "events", event.id, field, message

    def note_parents(self, parents: Iterable[tuple[str, str | None]]) -> None:
        """Take (id, part_of) of events checked elsewhere (a worker process), for `parents`."""
        self._parents.update(parents)

    def parents(self) -> Iterator[Finding]:
        """Unknown parents and parent cycles among every event given to `events`."""
        known, check = self._parents, self._check
        for event_id, parent in self._parents.items():
            if parent is not None and parent != event_id and parent not in known:
                if not check.failed("events", parent):
                    yield "events", event_id, "part_of", check._unknown("event", "events", parent)
        looping = cycles(known) - {key for key, p in known.items() if p == key}
        for event_id in sorted(looping):
            yield "events", event_id, "part_of", "part_of goes round in a circle"


def check_events(
    seeds: SeedSet, events: Iterable[Event], invalid: set[str]
) -> Iterator[tuple[str, str, str]]:
    """(event id, field path, message) of each broken reference of `events` into `seeds` (a
    few events checked against stored records; `invalid`: event ids that failed validation)."""
    check = _Checker(seeds, set(), {"events": invalid})
    for event in events:
        parent = event.part_of
        if _obeys_rules(check, event) and (parent is None or parent in seeds.events):
            continue
        for field, message in _event_rules(check, event):
            yield event.id, field, message
