"""Reading /subscribe, /unsubscribe and /settings arguments: pure parsing and lookups.

`/subscribe [@channel|-100…] [daily|anniversaries|weekly|all] [HH:MM] [topic …]` — the words may
come in any order; what is not a kind, a time or a target is the topic query. `daily` holds the
anniversaries; `anniversaries` carries only the anniversary sections; `weekly` goes out on
Monday mornings (the week ahead, last week's new records) beside either; `all` is daily + weekly.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from bot.records.models import all_names
from bot.records.seedset import SeedSet
from bot.search.normalize import fold

if TYPE_CHECKING:
    from bot.search.index import SearchIndex

KIND_WORDS = {
    "daily": "daily", "ежедневно": "daily", "ежедневный": "daily", "күнделікті": "daily",
    # "all": every digest there is that does not repeat another (daily + weekly)
    "all": "all", "все": "all", "всё": "all", "барлығы": "all", "барлық": "all",
    "weekly": "weekly", "еженедельно": "weekly", "еженедельный": "weekly", "апталық": "weekly",
    "апта": "weekly",
    "anniversaries": "anniversaries", "годовщины": "anniversaries", "мерейтойлар": "anniversaries",
}  # fmt: skip
SETTING_WORDS = {
    "time": "time", "время": "time", "уақыт": "time",
    "tz": "tz", "timezone": "tz", "пояс": "tz", "белдеу": "tz",
    "lang": "lang", "language": "lang", "язык": "lang", "тіл": "lang",
    "topics": "topics", "темы": "topics", "тақырып": "topics", "тақырыптар": "topics",
    "kind": "kind", "вид": "kind", "түрі": "kind",
    "weekly": "weekly", "еженедельный": "weekly", "апталық": "weekly",
}  # fmt: skip
# "/settings weekly on|off" in the three languages.
SWITCH_WORDS = {
    "on": True, "yes": True, "вкл": True, "да": True, "қосу": True, "иә": True,
    "off": False, "no": False, "выкл": False, "нет": False, "өшіру": False, "жоқ": False,
}  # fmt: skip
RELATIVE_DAYS = {
    "today": 0, "сегодня": 0, "бүгін": 0,
    "tomorrow": 1, "завтра": 1, "ертең": 1,
    "yesterday": -1, "вчера": -1, "кеше": -1,
}  # fmt: skip
DIGEST_DAYS = (dt.date(1900, 1, 1), dt.date(2100, 12, 31))  # the days /digest composes
_ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DOTTED_DAY = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")  # 01.08.2025, as ru/kk write it
_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")
_TARGET = re.compile(r"^(@[A-Za-z][A-Za-z0-9_]{3,31}|-100\d{5,15})$")
MAX_TOPIC_QUERY = 200


@dataclass(frozen=True)
class SubscribeArgs:
    """What a /subscribe (or /unsubscribe, /settings) line asked for."""

    target: str | None = None  # a channel: "@name" or "-100…"
    kind: str | None = None
    send_time: dt.time | None = None
    topic_query: str = ""
    bad_times: list[str] = field(default_factory=list)


def parse_time(text: str) -> dt.time | None:
    """A local time of day from "9:00", "09:30" or "21.15", else None."""
    match = _TIME.match(text.strip())
    return dt.time(int(match[1]), int(match[2])) if match else None


def parse_digest_day(text: str, today: dt.date) -> dt.date | str:
    """The day "/digest 2025-08-01" (or 01.08.2025, today, завтра, кеше) asks for, else the
    catalog key saying what is wrong: digest.bad_date, digest.no_such_day, digest.out_of_range."""
    word = text.strip().casefold()
    if word in RELATIVE_DAYS:
        return today + dt.timedelta(days=RELATIVE_DAYS[word])
    if match := _ISO_DAY.match(word):
        year, month, day = match.groups()
    elif match := _DOTTED_DAY.match(word):
        day, month, year = match.groups()
    else:
        return "digest.bad_date"
    try:
        wanted = dt.date(int(year), int(month), int(day))
    except ValueError:  # 2025-02-29, 2024-13-01, 0000-01-01
        return "digest.no_such_day"
    return wanted if DIGEST_DAYS[0] <= wanted <= DIGEST_DAYS[1] else "digest.out_of_range"


def parse_setting(words: list[str]) -> tuple[str | None, str]:
    """The setting a "/settings time 08:30"-style line names (None if unknown) and its value."""
    if not words:
        return None, ""
    return SETTING_WORDS.get(words[0].casefold()), " ".join(words[1:]).strip()


def parse_switch(text: str) -> bool | None:
    """On or off from "on", "выкл", "қосу"... (None: neither)."""
    return SWITCH_WORDS.get(text.strip().casefold())


def parse_kind(text: str) -> str | None:
    """A digest kind from a word in any of the three languages ("all" is the daily digest)."""
    return KIND_WORDS.get(text.strip().casefold())


def parse_subscribe_args(args: list[str]) -> SubscribeArgs:
    """Split the command's words into target channel, kind, time and the topic query."""
    target = kind = send_time = None
    rest: list[str] = []
    bad: list[str] = []
    for position, word in enumerate(args):
        lowered = word.casefold()
        if position == 0 and (_TARGET.match(word) or word.startswith("@")):  # "@x": a channel
            target = word
        elif kind is None and lowered in KIND_WORDS:
            kind = KIND_WORDS[lowered]
        elif send_time is None and (parsed := parse_time(word)):
            send_time = parsed
        elif re.fullmatch(r"\d{1,3}[:.]\d{1,3}", word):
            bad.append(word[:8])
        else:
            rest.append(word)
    query = " ".join(rest)[:MAX_TOPIC_QUERY]
    return SubscribeArgs(target, kind, send_time, query, bad)


def target_chat_id(target: str) -> int | str:
    """The chat id for a target word: an int for "-100…", the "@name" itself otherwise."""
    return int(target) if target.lstrip("-").isdigit() else target


@cache
def _zones_folded() -> dict[str, str]:
    return {name.casefold(): name for name in zoneinfo.available_timezones()}


def resolve_timezone(text: str, seeds: SeedSet) -> str | None:
    """An IANA zone from its name ("Europe/Vienna", any case) or a place in the gazetteer
    ("Tashkent", "Вена", "Астана"), else None."""
    text = text.strip()
    if not text or len(text) > 64:
        return None
    if found := _zones_folded().get(text.casefold().replace(" ", "_")):
        return found
    wanted = fold(text)
    for place in seeds.places.values():
        if not place.timezone:
            continue
        names = [place.id, *all_names(place)]
        if any(fold(name) == wanted for name in names):
            return place.timezone
    return None


def _topic_names(seeds: SeedSet) -> dict[str, str]:
    names: dict[str, str] = {}
    for topic in seeds.topics.values():
        for name in (topic.id, *all_names(topic)):
            names.setdefault(fold(name), topic.id)
    return names


def resolve_topics(
    query: str, seeds: SeedSet, index: SearchIndex | None
) -> tuple[list[str], list[str]]:
    """Topic ids for the query (word by word, else the whole phrase) and the unknown words.

    Uses the search index's fuzzy `resolve_topic` when an index is given, else exact folded
    names.
    """
    query = query.strip()
    if not query:
        return [], []
    names = _topic_names(seeds)

    def one(text: str) -> str | None:
        if index is not None:
            result = index.resolve_topic(text)
            if result.status == "found" and result.matches:
                return result.matches[0].id
            return None
        return names.get(fold(text))

    found: list[str] = []
    unknown: list[str] = []
    for word in query.split():
        topic = one(word)
        if topic is None:
            unknown.append(word)
        elif topic not in found:
            found.append(topic)
    if unknown and (whole := one(query)):  # a name of several words ("изменение климата")
        return [whole], []
    return found, unknown
