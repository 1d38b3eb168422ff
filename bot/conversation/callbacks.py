"""Callback data of the conversation's buttons: built and parsed here, and nowhere else.

Telegram gives a button at most 64 bytes of callback data, and a Cyrillic letter takes two, so
user text never goes into it. Data is short, namespaced ASCII:

    mtg:<filter>:<page>   a page of meetings    (filter: a, y2019, y2019-2024, m2024-12,
                                                 d2024-12-05, p<place>, o<org>, w<person>,
                                                 t<topic>, q<MM> a month in any year,
                                                 r new records, c<part>+<part>… several at
                                                 once, or h<key> for free text)
    evt:<event id>        an event's card       (evt:~<hash> when the id is too long)
    tpl:<page>            a page of the topics
    ppl:<page>            a page of the people
    nop                   the page counter between ◀ and ▶ (does nothing)
    rv:<a|r|l>:<key>      approve / reject / later an ingest draft (key: a hash of its id,
                          `review_key`; operators only)

Free text is remembered under a short hash (`h<key>`) in a bounded in-memory table; after a
restart such a key is unknown and the button answers politely, as for any forged data.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
from collections import OrderedDict
from collections.abc import Collection
from dataclasses import dataclass

from bot.conversation.meetings import MeetingFilter, combine, parts
from bot.telegram.limits import MAX_CALLBACK_DATA

NOOP = "nop"
MAX_PAGE = 10_000
REMEMBERED_TEXTS = 10_000  # free-text lists whose buttons keep working (oldest forgotten first)

_CODES = {
    "all": "a",
    "year": "y",
    "years": "y",
    "month": "m",
    "day": "d",
    "place": "p",
    "org": "o",
    "person": "w",
    "topic": "t",
    "month_of_year": "q",
    "new": "r",
}
_ENTITY_KINDS = {"p": "place", "o": "org", "w": "person", "t": "topic"}
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z")
_KEY = re.compile(r"^[a-z2-7]{10}\Z")
# ASCII digits only (\d takes any script's), matched in full, and then a real calendar date:
# forged "m2024-13" or "d2024-02-30" is refused, not raised on.
_DATE_VALUES = {
    "y": (re.compile(r"[0-9]{4}"), "year", "-01-01"),
    "m": (re.compile(r"[0-9]{4}-[0-9]{2}"), "month", "-01"),
    "d": (re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}"), "day", ""),
}
_YEARS = re.compile(r"[0-9]{4}-[0-9]{4}")


def _is_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class ListPage:
    """Show page `page` of the meetings `filter` selects."""

    filter: MeetingFilter
    page: int


@dataclass(frozen=True)
class EventButton:
    """Show the card of the event this token stands for (see `resolve_event_token`)."""

    token: str


@dataclass(frozen=True)
class TopicsPage:
    """Show page `page` of the topic buttons."""

    page: int


@dataclass(frozen=True)
class PeoplePage:
    """Show page `page` of the people buttons."""

    page: int


@dataclass(frozen=True)
class Noop:
    """A button that only shows something (the page counter)."""


@dataclass(frozen=True)
class ReviewButton:
    """Approve, reject or put off the ingest draft whose id has this `review_key`."""

    action: str  # approve | reject | later
    key: str


Callback = ListPage | EventButton | TopicsPage | PeoplePage | Noop | ReviewButton
_REVIEW_ACTIONS = {"a": "approve", "r": "reject", "l": "later"}


class _TextKeys:
    """Free-text filters remembered under short keys, the oldest forgotten first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.texts: OrderedDict[str, MeetingFilter] = OrderedDict()

    def remember(self, meeting_filter: MeetingFilter) -> str:
        raw = f"{meeting_filter.kind}\0{meeting_filter.value}".encode()
        key = base64.b32encode(hashlib.blake2b(raw, digest_size=8).digest()).decode()[:10]
        key = key.lower()
        self.texts[key] = meeting_filter
        self.texts.move_to_end(key)
        while len(self.texts) > self.size:
            self.texts.popitem(last=False)
        return key

    def recall(self, key: str) -> MeetingFilter | None:
        return self.texts.get(key)


TEXT_KEYS = _TextKeys(REMEMBERED_TEXTS)


def _fits(data: str) -> bool:
    return data.isascii() and len(data.encode()) <= MAX_CALLBACK_DATA


def filter_code(meeting_filter: MeetingFilter) -> str:
    """The short ASCII code of a filter (free text and over-long ids get a remembered key)."""
    if meeting_filter.kind == "all_of":
        text = "c" + "+".join(filter_code(part) for part in parts(meeting_filter))
        if _fits(f"mtg:{text}:{MAX_PAGE}"):
            return text
        return "h" + TEXT_KEYS.remember(meeting_filter)
    code = _CODES.get(meeting_filter.kind)
    if code is not None:
        text = code + meeting_filter.value
        if _fits(f"mtg:{text}:{MAX_PAGE}"):
            return text
    return "h" + TEXT_KEYS.remember(meeting_filter)


def list_data(meeting_filter: MeetingFilter, page: int = 1) -> str:
    """Callback data for page `page` of a filter's meetings."""
    return f"mtg:{filter_code(meeting_filter)}:{page}"


def event_data(event_id: str) -> str:
    """Callback data for an event's card."""
    return f"evt:{event_token(event_id)}"


def event_token(event_id: str) -> str:
    """The event's id when it fits in callback data (and inline result ids), else a hash."""
    if _fits(f"evt:{event_id}"):
        return event_id
    return "~" + hashlib.blake2b(event_id.encode(), digest_size=9).hexdigest()


def resolve_event_token(token: str, event_ids: Collection[str]) -> str | None:
    """The event id a token stands for, if that event exists (`event_ids`: ids or a mapping)."""
    if not token.startswith("~"):
        return token if token in event_ids else None
    for event_id in event_ids:
        if event_token(event_id) == token:
            return event_id
    return None


def topics_data(page: int) -> str:
    """Callback data for a page of topic buttons."""
    return f"tpl:{page}"


def people_data(page: int) -> str:
    """Callback data for a page of people buttons."""
    return f"ppl:{page}"


def review_key(item_id: str) -> str:
    """A draft's id as 10 ASCII letters and digits (ids are longer than callback data allows)."""
    digest = hashlib.blake2b(item_id.encode(), digest_size=8).digest()
    return base64.b32encode(digest).decode()[:10].lower()


def review_data(action: str, item_id: str) -> str:
    """Callback data for a review button (`action`: approve, reject or later)."""
    code = {name: code for code, name in _REVIEW_ACTIONS.items()}[action]
    return f"rv:{code}:{review_key(item_id)}"


def _page(text: str) -> int | None:
    return int(text) if text.isdigit() and 1 <= int(text) <= MAX_PAGE else None


def _decode_filter(code: str) -> MeetingFilter | None:
    head, value = code[:1], code[1:]
    if code == "a":
        return MeetingFilter("all")
    if code == "r":
        return MeetingFilter("new")
    if head == "q":
        return (
            MeetingFilter("month_of_year", value) if re.match(r"^(0[1-9]|1[0-2])$", value) else None
        )
    if head == "c":
        found = [_decode_filter(part) for part in value.split("+")]
        if len(found) < 2 or any(f is None or f.kind in ("all", "all_of", "text") for f in found):
            return None
        return combine(found)  # type: ignore[arg-type]
    if head == "h":
        return TEXT_KEYS.recall(value) if _KEY.match(value) else None
    if head in _ENTITY_KINDS:
        return MeetingFilter(_ENTITY_KINDS[head], value) if _SLUG.match(value) else None  # type: ignore[arg-type]
    if head == "y" and _YEARS.fullmatch(value):
        first, last = value.split("-")
        return (
            MeetingFilter("years", value)
            if _is_date(f"{first}-01-01") and _is_date(f"{last}-01-01")
            else None
        )
    if head in _DATE_VALUES:
        pattern, kind, day = _DATE_VALUES[head]
        valid = pattern.fullmatch(value) and _is_date(value + day)
        return MeetingFilter(kind, value) if valid else None  # type: ignore[arg-type]
    return None


def parse_callback(data: str | None) -> Callback | None:
    """What a button press asks for, or None for data this bot never made (or forgot)."""
    if not data or not _fits(data):
        return None
    if data == NOOP:
        return Noop()
    namespace, _, rest = data.partition(":")
    if namespace == "mtg":
        code, _, page_text = rest.rpartition(":")
        page, meeting_filter = _page(page_text), _decode_filter(code)
        if page is None or meeting_filter is None:
            return None
        return ListPage(meeting_filter, page)
    if namespace == "evt":
        ok = _SLUG.match(rest) or re.match(r"^~[0-9a-f]{18}\Z", rest)
        return EventButton(rest) if ok else None
    if namespace == "rv":
        code, _, key = rest.partition(":")
        if code in _REVIEW_ACTIONS and _KEY.match(key):
            return ReviewButton(_REVIEW_ACTIONS[code], key)
        return None
    if namespace in ("tpl", "ppl"):
        page = _page(rest)
        if page is None:
            return None
        return TopicsPage(page) if namespace == "tpl" else PeoplePage(page)
    return None
