"""Reading what a user typed into filters: dates, month names, `new`, places, people, topics.

`/meetings Austria December 2025`, `/meetings Nurtleu Malta`, `/meetings UN 2019`: the words may
come in any order and any case, in Kazakh, Russian or English. `understand` takes out the dates
(2019, 2019-2024, 2024-12, 2024-12-05, a month's name with or without a year, `new`), then
covers the other words with the places, organizations, people and topics they name, the longest
names first ("Central Asia" before "Central"). Words that fit nothing are kept to be named in
the reply, never silently dropped; fillers ("meetings", "in", "жылғы") are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.conversation.meetings import (
    MEETINGS_KINDS,
    Lookup,
    MeetingFilter,
    clean_argument,
    combine,
    event_numbers,
    parse_meetings_args,
    resolve_first,
    resolve_words,
)
from bot.search.normalize import STOPWORDS, fold

if TYPE_CHECKING:
    from bot.records.seedset import SeedSet
    from bot.search.index import SearchIndex

MAX_WORDS = 10  # words of a question worth placing
LONGEST_NAME = 4  # words a place, person, organization or topic name may span

# Month names as they open their inflected forms (декабре, желтоқсанда, December's); checked on
# lower-cased words, which may add at most MONTH_ENDING letters.
MONTHS: dict[int, tuple[str, ...]] = {
    1: ("january", "jan", "январ", "қаңтар"),
    2: ("february", "feb", "феврал", "ақпан"),
    3: ("march", "mar", "март", "наурыз"),
    4: ("april", "apr", "апрел", "сәуір"),
    5: ("may", "май", "мая", "мае", "мамыр"),
    6: ("june", "jun", "июн", "маусым"),
    7: ("july", "jul", "июл", "шілде"),
    8: ("august", "aug", "август", "тамыз"),
    9: ("september", "sep", "sept", "сентябр", "қыркүйек"),
    10: ("october", "oct", "октябр", "қазан"),
    11: ("november", "nov", "ноябр", "қараша"),
    12: ("december", "dec", "декабр", "желтоқсан"),
}
MONTH_ENDING = 4  # "желтоқсанда", "декабрём"
SHORT_MONTH = 4  # names this short ("мая", "jan") only match whole
NEW_WORDS = frozenset({"new", "новые", "новое", "новых", "новые:", "жаңа", "жаңалары"})
# Words that name no filter and are no question: skipped without being reported.
FILLERS = frozenset(
    fold(w)
    for w in "meetings meeting records all list show встречи встреча встреч записи все покажи "
    "кездесулер кездесу кездесуі жазбалар барлық year years год года году годы г жыл жылы "
    "жылғы жылдар ж between from since until till по до с со между бастап дейін".split()
)
_RANGE = re.compile(r"(?<!\d)(\d{4})\s*[-–—]\s*(\d{4})(?!\d)")
_DATE_TOKEN = re.compile(r"^\d{4}(?:[-–—/.]\d{1,4}){0,2}$")


@dataclass(frozen=True)
class Understood:
    """What the words came to: the filter, the words it could not place, choices to make."""

    filter: MeetingFilter  # ALL when nothing was understood
    unplaced: tuple[str, ...] = ()
    # A name that may mean several things: the candidates, each to combine with the others.
    choices: tuple[MeetingFilter, ...] = ()
    ambiguous: str = ""  # the words that may mean several things
    others: tuple[MeetingFilter, ...] = ()
    suggestions: tuple[MeetingFilter, ...] = ()  # for words that named nothing

    @property
    def understood(self) -> bool:
        return self.filter.kind != "all" or bool(self.choices)


def month_number(word: str) -> int | None:
    """The month a word names ("декабря", "Желтоқсанда", "December") or None."""
    lower = word.lower().strip(".,;:!?()«»\"'")
    for number, names in MONTHS.items():
        for name in names:
            if lower == name:
                return number
            if len(name) > SHORT_MONTH and lower.startswith(name):
                if len(lower) - len(name) <= MONTH_ENDING:
                    return number
    return None


def _date_filters(words: list[str]) -> tuple[list[MeetingFilter], list[str]]:
    """The date filters among `words` (years, ranges, months, days, month names, new), the rest."""
    years: list[int] = []
    months: list[int] = []
    exact: list[MeetingFilter] = []
    rest: list[str] = []
    new = False
    for word in words:
        if _DATE_TOKEN.match(word):
            parsed = parse_meetings_args(word)
            if parsed.kind == "year":
                years.append(int(parsed.value))
                continue
            if parsed.kind in ("years", "month", "day"):
                exact.append(parsed)
                continue
        if word.lower() in NEW_WORDS:
            new = True
            continue
        if (month := month_number(word)) is not None:
            months.append(month)
            continue
        rest.append(word)
    found = list(exact)
    if months and len(years) == 1 and not exact:
        found += [MeetingFilter("month", f"{years[0]}-{m:02d}") for m in months[:1]]
        years = []
    elif months:
        found.append(MeetingFilter("month_of_year", f"{months[0]:02d}"))
    if len(years) == 1:
        found.append(MeetingFilter("year", str(years[0])))
    elif years:  # "2019 2024": the years between
        first, last = min(years), max(years)
        found.append(MeetingFilter("years", f"{first}-{last}"))
    if new:
        found.append(MeetingFilter("new"))
    return found, rest


ALL_KINDS = tuple(kind for group in MEETINGS_KINDS for kind in group)


def name_lookup(words: str, index: SearchIndex) -> Lookup:
    """What `words` name, the best match over every kind ("human rights" is the topic, not
    ODIHR's name); a tie between kinds goes to places and organizations, then people, topics."""
    lookup = resolve_words(words, index, ALL_KINDS)
    if lookup.status == "ambiguous" and len({f.kind for f in lookup.filters}) > 1:
        first = resolve_first(words, index)
        return first if first.status == "found" else lookup
    return lookup


def _is_filler(word: str) -> bool:
    folded = fold(word)
    return not folded or folded in FILLERS or folded in STOPWORDS


def understand(text: str | None, index: SearchIndex) -> Understood:
    """The filters the words of /meetings (or an inline query) name, and what is left over."""
    cleaned = _RANGE.sub(lambda m: f"{m[1]}-{m[2]}", clean_argument(text))
    words = cleaned.split()[:MAX_WORDS]
    if not words:
        return Understood(MeetingFilter("all"))
    whole = parse_meetings_args(cleaned)
    if whole.kind != "text":
        return Understood(whole)
    dates, rest = _date_filters(words)
    found, unplaced, choices, ambiguous, suggestions = _names_in(rest, index, FILLERS)
    filters = tuple(found + dates)
    if choices:
        return Understood(
            MeetingFilter("all"),
            tuple(unplaced),
            choices,
            ambiguous,
            filters,
            tuple(suggestions[:5]),
        )
    if not filters:
        return Understood(MeetingFilter("all"), tuple(unplaced), suggestions=tuple(suggestions[:5]))
    return Understood(combine(filters), tuple(unplaced), suggestions=tuple(suggestions[:5]))


def _names_in(rest: list[str], index: SearchIndex, skip: frozenset[str]):
    """Cover `rest` with the names it holds, longest first: (filters, unplaced words, choices
    for the first ambiguous word, that word, suggestions for unplaced words)."""
    found: list[MeetingFilter] = []
    unplaced: list[str] = []
    choices: tuple[MeetingFilter, ...] = ()
    ambiguous = ""
    suggestions: list[MeetingFilter] = []
    position = 0
    while position < len(rest):
        folded = fold(rest[position])
        if not folded or folded in skip or folded in STOPWORDS:
            position += 1
            continue
        if not index.names_word(rest[position]):  # no name holds it: spare the lookups
            unplaced.append(rest[position])
            position += 1
            continue
        longest = 1
        while (
            longest < LONGEST_NAME
            and position + longest < len(rest)
            and index.names_word(rest[position + longest])
        ):
            longest += 1
        for length in range(longest, 0, -1):
            span = " ".join(rest[position : position + length])
            lookup = name_lookup(span, index)
            if lookup.status == "found":
                found.extend(f for f in lookup.filters[:1] if f not in found)
                position += length
                break
            if length == 1:
                if lookup.status == "ambiguous" and not choices:
                    choices, ambiguous = lookup.filters, span
                else:
                    unplaced.append(span)
                    suggestions += lookup.filters
                position += 1
    return found, unplaced, choices, ambiguous, suggestions


# -- questions in plain words ----------------------------------------------------------------------

# Words of a question that name nothing and match too much text ("when did … meet …?").
QUESTION_WORDS = FILLERS | frozenset(
    fold(w)
    for w in "when did does do who whom what where which meet met meets meeting talks talked "
    "held hold have has was were is are the with and "
    "когда кто с кем где что встречался встречалась встречались встретился встретилась "
    "встретились встречи переговоры провёл провел был была были "
    "қашан кім кімдер кіммен қайда не кездесті кездесуі кездесуге кездескен келіссөздер "
    "өткізді болды".split()
)


@dataclass(frozen=True)
class Question:
    """A question in plain words: what it names, its other words, and the records it finds."""

    named: tuple[MeetingFilter, ...]  # people, places, organizations, topics and dates
    words: str  # the words left for the text relevance
    ids: tuple[str, ...]  # best first: most of `named`, then text relevance, then newest


def ask(text: str, seeds: SeedSet, index: SearchIndex, limit: int) -> Question:
    """Rank the records for a question: by how many of the people, places, organizations,
    topics and dates it names they match (all of them first), then by text relevance (BM25),
    then newest first. `Лайчак Назарбаева`: the meeting of both, then those of one."""
    cleaned = _RANGE.sub(lambda m: f"{m[1]}-{m[2]}", clean_argument(text))
    words = cleaned.split()[:MAX_WORDS]
    dates, rest = _date_filters(words)
    dates = [f for f in dates if f.kind != "new"]  # "new" in a question is just a word
    found, *_ = _names_in(rest, index, QUESTION_WORDS)
    named = tuple(dict.fromkeys([*found, *dates]))
    left = " ".join(w for w in cleaned.split() if fold(w) not in QUESTION_WORDS) or cleaned
    numbers = [event_numbers(f, seeds, index) for f in named]
    ranked = index.rank_events(left, limit=limit, named=numbers)
    ids = (index.event_ids[number] for number, _, _ in ranked)
    return Question(named, left, tuple(i for i in ids if i in seeds.events))
