"""The record schema: frozen pydantic models for events and the gazetteers they refer to.

Each YAML file under `seeds/` is a list of one of these models. Cross-file references
(a participant's person id, a topic id, an article file, a quote that must occur in its
article) are checked by `bot.records.loading`, which sees all files at once.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

LANGS: tuple[str, ...] = ("kk", "ru", "en")
Lang = Literal["kk", "ru", "en"]

Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]
Text = Annotated[str, Field(min_length=1)]

EventKind = Literal[
    "bilateral_meeting",
    "multilateral_meeting",
    "ministerial_council",
    "summit",
    "visit",
    "phone_call",
    "statement",
    "announcement",  # announcement of a future meeting: not a meeting yet
]
Precision = Literal["day", "month", "year", "unknown"]
Basis = Literal["stated", "inferred", "unknown"]

_DATE_FORMS = {"day": r"^\d{4}-\d{2}-\d{2}$", "month": r"^\d{4}-\d{2}$", "year": r"^\d{4}$"}
_DATE_PATTERNS = {precision: re.compile(form) for precision, form in _DATE_FORMS.items()}


class Record(BaseModel):
    """Base for every seed model: immutable, and unknown fields are errors (typos surface)."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Localized(Record):
    """A text in all three of the bot's languages."""

    kk: Text
    ru: Text
    en: Text

    def get(self, lang: str) -> str:
        """The text in `lang`, falling back to English."""
        return getattr(self, lang, None) or self.en

    def values(self) -> list[str]:
        """The text in every language, in LANGS order."""
        return [getattr(self, lang) for lang in LANGS]


class Aliases(Record):
    """Extra names per language (any script is fine inside each list)."""

    kk: list[Text] = Field(default_factory=list)
    ru: list[Text] = Field(default_factory=list)
    en: list[Text] = Field(default_factory=list)

    def all(self) -> list[str]:
        return [*self.kk, *self.ru, *self.en]


class EventDate(Record):
    """A possibly partial date, with how precise it is and how it was obtained.

    `value` is YYYY-MM-DD, YYYY-MM or YYYY to match `precision`, or null when unknown.
    An inferred date must give its `reason`: plain text, or {kk, ru, en} so each reader gets it
    in their language.
    """

    value: str | None = None
    precision: Precision
    basis: Basis
    reason: Localized | str | None = None
    # The report's dateline when the text gives no day: the card says "reported on …" instead of
    # showing the dateline as the day of the meeting.
    reported: dt.date | None = None

    def reason_in(self, lang: str) -> str | None:
        """The reason in `lang` when it is given per language, else as written."""
        return self.reason.get(lang) if isinstance(self.reason, Localized) else self.reason

    @field_validator("value", mode="before")
    @classmethod
    def _date_to_text(cls, value: object) -> object:
        # YAML turns an unquoted 2025-12-05 into a date; YYYY alone into an int.
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, int):
            return str(value)
        return value

    @model_validator(mode="after")
    def _consistent(self) -> EventDate:
        problem = _date_problem(self.value, self.precision, self.basis, not self.reason)
        if problem is not None:
            raise ValueError(problem)
        return self

    @property
    def start(self) -> dt.date | None:
        """The first day the value can mean (None when unknown)."""
        return None if self.value is None else _first_day(self.value)


# Called for every event a full read validates (100,000): no generator, no re-compiled pattern.
# (Not cached: a cache filled while 100,000 short-lived records come and go pins the memory
# pages they are freed from, +60 MB of resident size after a full read.)
def _date_problem(value: str | None, precision: str, basis: str, no_reason: bool) -> str | None:
    """What is wrong with an `EventDate` of these fields, or None."""
    if precision == "unknown":
        if value is not None:
            return "precision 'unknown' must have no value"
        if basis != "unknown":
            return "a date of unknown precision must have basis 'unknown'"
        return None
    if value is None:
        return f"precision {precision!r} needs a value"
    if not _DATE_PATTERNS[precision].match(value):
        return f"value {value!r} does not have the form of a {precision}"
    try:
        _first_day(value)
    except ValueError as exc:
        return f"impossible date {value!r}: {exc}"
    if basis == "inferred" and no_reason:
        return "an inferred date must give its reason"
    if basis == "unknown":
        return "a date with a value must be 'stated' or 'inferred'"
    return None


def _first_day(value: str) -> dt.date:
    """The first day a YYYY-MM-DD, YYYY-MM or YYYY value can mean (ValueError: none)."""
    return dt.date(int(value[:4]), int(value[5:7] or 1), int(value[8:10] or 1))


class Place(Record):
    """Where an event happened, as references into places.yaml (the city implies its country)."""

    city: Slug | None = None
    country: Slug | None = None

    @model_validator(mode="after")
    def _some(self) -> Place:
        if not (self.city or self.country):
            raise ValueError("a place needs a city or a country")
        return self


class Participant(Record):
    """A person at an event, with the role they held then and the side they represented."""

    person: Slug
    role: Localized
    side: Slug  # a country (places.yaml) or an organization (organizations.yaml)


class Source(Record):
    """An article an event rests on, and the sentence(s) quoted from it verbatim."""

    article: Slug
    quotes: Annotated[list[Text], Field(min_length=1)]


class Event(Record):
    """One real meeting (or call, visit, statement), however many articles report it."""

    id: Slug
    kind: EventKind
    title: Localized
    date: EventDate
    end_date: dt.date | None = None
    place: Place | None = None
    organizations: list[Slug] = Field(default_factory=list)
    # participating states, named or not in participants
    countries: list[Slug] = Field(default_factory=list)
    participants: list[Participant] = Field(default_factory=list)
    topics: list[Slug] = Field(default_factory=list)
    summary: Localized
    sources: Annotated[list[Source], Field(min_length=1)]
    anniversaries: list[Slug] = Field(default_factory=list)
    announces: list[Slug] = Field(default_factory=list)  # ids in future_events.yaml
    part_of: Slug | None = None  # the event this one was held on the margins of
    # A doubt about the source that a reader needs (an article naming someone in an office they
    # no longer held): shown on the card, in the reader's language.
    caveat: Localized | None = None
    notes: str | None = None  # editor's remarks, e.g. what the article leaves open

    @model_validator(mode="after")
    def _end_after_start(self) -> Event:
        if self.end_date is None:  # the common case: no date parsed
            return self
        start = self.date.start
        if start and self.end_date < start:
            raise ValueError(f"end_date {self.end_date} is before the date {self.date.value}")
        return self


class Article(Record):
    """A source article kept byte for byte under seeds/articles/."""

    id: Slug
    file: Text  # path relative to the seeds folder
    outlet: str | None = None  # None when the text does not name it; its own name, any script
    # Whom the outlet says it reports ("со ссылкой на МИД РК"), in the reader's language.
    via: Localized | None = None
    language: Lang
    published: EventDate
    title: str | None = None


class Person(Record):
    """A person named in the articles, with spellings in the three languages."""

    id: Slug
    name: Localized
    aliases: Aliases = Field(default_factory=Aliases)
    country: Slug | None = None
    # roles the articles give them, most recent first
    roles: list[Localized] = Field(default_factory=list)
    draft: bool = False  # added by ingest, awaiting review


class Organization(Record):
    """An international organization or institution (OSCE = ЕҚЫҰ = ОБСЕ)."""

    id: Slug
    name: Localized
    abbr: Localized | None = None
    aliases: Aliases = Field(default_factory=Aliases)
    parent: Slug | None = None


def is_iana_zone(name: str) -> bool:
    """Whether `name` is a time zone of the IANA database this Python has ("Asia/Almaty")."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):  # ValueError: not even a zone-shaped name
        return False
    return True


class FormerName(Record):
    """A name a place bore for a while; events of that time show it ("Nur-Sultan (now Astana)")."""

    name: Localized
    since: dt.date
    until: dt.date


class PlaceEntry(Record):
    """A city or a country in the gazetteer."""

    id: Slug
    kind: Literal["city", "country"]
    name: Localized
    aliases: Aliases = Field(default_factory=Aliases)
    country: Slug | None = None  # for a city
    timezone: str | None = None  # IANA name, for a city or a one-zone country
    former_names: list[FormerName] = Field(default_factory=list)

    def name_on(self, day: dt.date | None, lang: str) -> tuple[str, str | None]:
        """The name the place bore on `day` and, when that differs, today's name."""
        for former in self.former_names:
            if day and former.since <= day <= former.until:
                return former.name.get(lang), self.name.get(lang)
        return self.name.get(lang), None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None and not is_iana_zone(value):
            raise ValueError(f"{value!r} is not an IANA time zone (e.g. Asia/Almaty)")
        return value

    @model_validator(mode="after")
    def _city_has_country(self) -> PlaceEntry:
        if self.kind == "city" and not self.country:
            raise ValueError("a city needs its country")
        return self


class Topic(Record):
    """A topic of the briefing taxonomy, with aliases (stems welcome) in three languages."""

    id: Slug
    name: Localized
    parent: Slug | None = None
    aliases: Aliases = Field(default_factory=Aliases)


class Anniversary(Record):
    """A date worth remembering every year (Helsinki Final Act, 1 Aug 1975)."""

    id: Slug
    title: Localized
    date: dt.date
    end_date: dt.date | None = None
    description: Localized
    organizations: list[Slug] = Field(default_factory=list)
    topics: list[Slug] = Field(default_factory=list)
    reference: Text  # where the fact comes from


class FutureEvent(Record):
    """An event announced in an article that had not happened when it was published."""

    id: Slug
    title: Localized
    date: EventDate
    place: Place | None = None
    organizations: list[Slug] = Field(default_factory=list)
    topics: list[Slug] = Field(default_factory=list)
    sources: Annotated[list[Source], Field(min_length=1)]


def all_names(record: Person | Organization | PlaceEntry | Topic) -> list[str]:
    """Every name a gazetteer record goes by: its name and abbreviation in each language, then
    its aliases (the one place that spells out what "a name of a record" is)."""
    abbr = getattr(record, "abbr", None)
    return [*record.name.values(), *(abbr.values() if abbr else []), *record.aliases.all()]


@dataclass(frozen=True)
class SeedFile:
    """One gazetteer file of the seeds folder: its name, where its records go, and their model."""

    file: str  # in the seeds folder
    attribute: str  # the SeedSet attribute holding its records
    kind: str  # the kind the database stores them under
    model: type[Record]


# The one table of gazetteer files (events/ is a folder of files, each a list of Event); the
# mappings below are views of it.
SEED_FILES: tuple[SeedFile, ...] = (
    SeedFile("articles.yaml", "articles", "article", Article),
    SeedFile("people.yaml", "people", "person", Person),
    SeedFile("organizations.yaml", "organizations", "organization", Organization),
    SeedFile("places.yaml", "places", "place", PlaceEntry),
    SeedFile("topics.yaml", "topics", "topic", Topic),
    SeedFile("anniversaries.yaml", "anniversaries", "anniversary", Anniversary),
    SeedFile("future_events.yaml", "future_events", "future_event", FutureEvent),
)
GAZETTEERS: dict[str, type[Record]] = {f.file: f.model for f in SEED_FILES}  # file -> model
EVENTS_DIR = "events"
