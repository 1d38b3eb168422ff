"""Lists of meetings, people and topics as Telegram HTML pages with their inline keyboards.

Pure rendering for the conversation's handlers: a page of a `MeetingFilter`'s meetings (a
header naming what was found, numbered lines, a note when dates are unknown, ◀ ▶ buttons and
one button per meeting to its card), the people and topic pickers, and choice keyboards for
"did you mean". Every dynamic string is escaped (by `t()` or `escape`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from babel.dates import format_date as babel_format_date
from babel.dates import format_skeleton, get_month_names
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.conversation.callbacks import NOOP, event_data, list_data, people_data, topics_data
from bot.conversation.cards import (
    BABEL_LOCALES,
    escape,
    render_event_card,
    render_event_line,
    split_html,
)
from bot.conversation.meetings import (
    NEW_DAYS,
    MeetingFilter,
    Page,
    combine,
    gazetteer_of,
    paginate,
    parts,
)
from bot.i18n import t

if TYPE_CHECKING:
    from bot.records.models import Event
    from bot.records.seedset import SeedSet

BUTTON_TEXT = 48  # characters of a title on a button
ECHO = 64  # characters of the user's words quoted back
PICKER_PAGE = 12  # topics or people per page of buttons
PICKER_COLUMNS = 2
ROLE_SAMPLE = 50  # meetings read for the roles of a person the gazetteer gives none


def shorten(text: str, limit: int) -> str:
    """`text` cut to `limit` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def entity_name(meeting_filter: MeetingFilter, seeds: SeedSet, lang: str) -> str:
    """The plain (unescaped) name of a filter's person, topic, place or organization."""
    table = gazetteer_of(meeting_filter, seeds)
    entry = table.get(meeting_filter.value) if table is not None else None
    if entry is None:
        return meeting_filter.value
    abbr = getattr(entry, "abbr", None)
    name = entry.name.get(lang)
    return f"{name} ({abbr.get(lang)})" if abbr and abbr.get(lang) not in name else name


def _period(meeting_filter: MeetingFilter, lang: str) -> str:
    locale = BABEL_LOCALES.get(lang, "en_GB")
    value = meeting_filter.value
    if meeting_filter.kind == "month":
        year, month = (int(p) for p in value.split("-"))
        return format_skeleton("yMMMM", dt.date(year, month, 1), locale=locale)
    if meeting_filter.kind == "day":
        return babel_format_date(dt.date.fromisoformat(value), "long", locale=locale)
    if meeting_filter.kind == "years":
        first, last = value.split("-")
        return t(lang, "mtg.years", first=first, last=last)
    if meeting_filter.kind == "month_of_year":
        names = get_month_names("wide", context="stand-alone", locale=locale)
        return t(lang, "mtg.any_year", month=names[int(value)])
    return t(lang, "date.year", year=value)


def part_label(meeting_filter: MeetingFilter, seeds: SeedSet, lang: str) -> str:
    """A filter named in a few plain words, for the title of a combined list."""
    kind = meeting_filter.kind
    if kind in ("year", "years", "month", "day", "month_of_year"):
        return _period(meeting_filter, lang)
    if kind == "new":
        return t(lang, "mtg.part.new", days=NEW_DAYS)
    if kind == "topic":
        return t(lang, "mtg.part.topic", name=entity_name(meeting_filter, seeds, lang))
    return entity_name(meeting_filter, seeds, lang)


def person_roles(person_id: str, seeds: SeedSet, events: Sequence[Event], lang: str) -> list[str]:
    """The roles a person is known in: the gazetteer's, else those of their meetings."""
    person = seeds.people.get(person_id)
    roles = [role.get(lang) for role in person.roles] if person else []
    if not roles:  # from their newest meetings: reading all of 10,000 would take seconds
        newest = events[:ROLE_SAMPLE]
        roles = [p.role.get(lang) for e in newest for p in e.participants if p.person == person_id]
    return list(dict.fromkeys(roles))[:3]


def filter_title(
    meeting_filter: MeetingFilter, seeds: SeedSet, events: Sequence[Event], lang: str
) -> str:
    """The header of a list: what it shows (who, which topic, which period...)."""
    kind = meeting_filter.kind
    if kind == "all":
        return t(lang, "mtg.title.all")
    if kind in ("year", "years", "month", "day"):
        return t(lang, "mtg.title.period", period=_period(meeting_filter, lang))
    if kind in ("all_of", "month_of_year", "new"):
        labels = [part_label(part, seeds, lang) for part in parts(meeting_filter)]
        return t(lang, "mtg.title.combined", parts=" · ".join(labels))
    if kind == "text":
        return t(lang, "mtg.title.text", words=shorten(meeting_filter.value, ECHO))
    name = entity_name(meeting_filter, seeds, lang)
    title = t(lang, f"mtg.title.{kind}", name=name)
    if kind == "person":
        roles = person_roles(meeting_filter.value, seeds, events, lang)
        if roles:
            title += "\n" + "\n".join(f"<i>{escape(role)}</i>" for role in roles)
    return title


def render_page(
    meeting_filter: MeetingFilter,
    events: Sequence[Event],
    page_number: int,
    seeds: SeedSet,
    lang: str,
    note: str = "",
    nearby: Sequence[MeetingFilter] = (),
) -> tuple[str, InlineKeyboardMarkup | None]:
    """One page of a list of meetings, with its buttons (cards, ◀ ▶). An empty list of a
    period offers the periods `nearby` (`meetings.nearby_periods`) as buttons."""
    page = paginate(events, page_number)
    blocks = [filter_title(meeting_filter, seeds, events, lang)]
    if note:
        blocks.append(note)
    if not events and nearby:
        blocks.append(t(lang, "mtg.none_nearby"))
        for period in nearby:
            if meeting_filter.kind == "day" and period.value == meeting_filter.value[:7]:
                blocks.append(t(lang, "mtg.day_not_given", month=_period(period, lang)))
        rows = [
            [InlineKeyboardButton(f"📅 {_period(period, lang)}", callback_data=list_data(period))]
            for period in nearby
        ]
        return "\n\n".join(blocks), InlineKeyboardMarkup(rows)
    if not events:
        blocks.append(t(lang, "mtg.none"))
        return "\n\n".join(blocks), None
    ranked = meeting_filter.kind == "text"  # a question: best match first, and it says so
    blocks.append(t(lang, "mtg.count.ranked" if ranked else "mtg.count", count=page.total))
    lines = [
        f"{position}. {render_event_line(event, seeds, lang)}"
        for position, event in enumerate(page.events, page.first_position)
    ]
    blocks.append("\n".join(lines))
    if any(event.date.start is None for event in page.events):
        blocks.append(t(lang, "mtg.undated_last"))
    if page.pages > 1:
        blocks.append(t(lang, "mtg.page", page=page.number, pages=page.pages))
    text = split_html(["\n\n".join(blocks)])[0]  # a page is far below 4096; never send more
    return text, page_keyboard(meeting_filter, page, lang)


def page_keyboard(meeting_filter: MeetingFilter, page: Page, lang: str) -> InlineKeyboardMarkup:
    """A button per meeting on the page (its card), then ◀ n/N ▶ when there are pages."""
    rows = [
        [
            InlineKeyboardButton(
                f"{position}. {shorten(event.title.get(lang), BUTTON_TEXT)}",
                callback_data=event_data(event.id),
            )
        ]
        for position, event in enumerate(page.events, page.first_position)
    ]
    if page.pages > 1:
        rows.append(navigation_row(page.number, page.pages, lambda n: list_data(meeting_filter, n)))
    return InlineKeyboardMarkup(rows)


def navigation_row(
    number: int, pages: int, data: Callable[[int], str]
) -> list[InlineKeyboardButton]:
    """◀ previous page, the counter, next page ▶ (data(n) makes a page's callback data)."""
    row = []
    if number > 1:
        row.append(InlineKeyboardButton(f"◀ {number - 1}", callback_data=data(number - 1)))
    row.append(InlineKeyboardButton(f"{number}/{pages}", callback_data=NOOP))
    if number < pages:
        row.append(InlineKeyboardButton(f"{number + 1} ▶", callback_data=data(number + 1)))
    return row


KIND_MARKS = {"person": "👤", "topic": "🏷", "place": "📍", "org": "🏛"}


def choices_keyboard(
    filters: tuple[MeetingFilter, ...] | list[MeetingFilter],
    seeds: SeedSet,
    lang: str,
    *,
    search: MeetingFilter | None = None,
    together_with: Sequence[MeetingFilter] = (),
) -> InlineKeyboardMarkup | None:
    """One button per person/topic/place to choose from, each opening its meetings.

    With `search`, a last button searches the records' text for the user's words instead;
    with `together_with`, each choice opens the meetings of it and those filters together.
    """
    rows = [
        [
            InlineKeyboardButton(
                f"{KIND_MARKS.get(f.kind, '')} {shorten(entity_name(f, seeds, lang), BUTTON_TEXT)}",
                callback_data=list_data(combine([f, *together_with])),
            )
        ]
        for f in filters
    ]
    if search is not None:
        rows.append([InlineKeyboardButton(t(lang, "btn.search"), callback_data=list_data(search))])
    return InlineKeyboardMarkup(rows) if rows else None


def picker(
    kind: str, number: int, seeds: SeedSet, lang: str
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The people or the topics in the records as buttons, a page at a time."""
    table = seeds.people if kind == "person" else seeds.topics
    filters = sorted(
        (MeetingFilter(kind, entry_id) for entry_id in table),  # type: ignore[arg-type]
        key=lambda f: entity_name(f, seeds, lang).casefold(),
    )
    if not filters:
        return t(lang, f"pick.{kind}.none"), None
    pages = max(1, -(-len(filters) // PICKER_PAGE))
    number = min(max(1, number), pages)
    shown = filters[(number - 1) * PICKER_PAGE : number * PICKER_PAGE]
    buttons = [
        InlineKeyboardButton(
            shorten(entity_name(f, seeds, lang), BUTTON_TEXT), callback_data=list_data(f)
        )
        for f in shown
    ]
    rows = [buttons[i : i + PICKER_COLUMNS] for i in range(0, len(buttons), PICKER_COLUMNS)]
    if pages > 1:
        data = people_data if kind == "person" else topics_data
        rows.append(navigation_row(number, pages, data))
    text = t(lang, f"pick.{kind}", count=len(filters))
    return text, InlineKeyboardMarkup(rows)


def render_card(event: Event, seeds: SeedSet, lang: str) -> list[str]:
    """An event's full card as one or more messages (each within Telegram's limit)."""
    return split_html([render_event_card(event, seeds, lang)])
