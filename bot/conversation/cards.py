"""Turning records into Telegram HTML: dates in three languages, event lines and cards, splitting.

Every dynamic string is escaped here; texts come from the catalogs (`bot.i18n.t`). Telegram
limits a message to 4096 UTF-16 units, so long answers go through `split_html`.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from functools import lru_cache
from typing import TYPE_CHECKING

from babel.dates import format_date as babel_format_date
from babel.dates import format_interval, format_skeleton

from bot.i18n import Html, t
from bot.records.models import Event, EventDate, Localized
from bot.telegram.limits import MAX_TEXT, utf16_len

if TYPE_CHECKING:
    from bot.records.seedset import SeedSet

__all__ = [
    "escape",
    "format_date",
    "format_date_range",
    "render_event_card",
    "render_event_line",
    "split_html",
    "utf16_len",
]

BABEL_LOCALES = {"en": "en_GB", "ru": "ru", "kk": "kk"}  # en_GB: "5 December 2025"


def escape(text: object) -> str:
    """Escape a dynamic value for Telegram HTML (<, >, & and quotes)."""
    return html.escape(str(text))


# -- dates ------------------------------------------------------------------------------------


def _plain_date(start: dt.date | None, precision: str, lang: str) -> str:
    locale = BABEL_LOCALES.get(lang, "en_GB")
    if precision == "day" and start:
        return babel_format_date(start, "long", locale=locale)
    if precision == "month" and start:
        return format_skeleton("yMMMM", start, locale=locale)
    if precision == "year" and start:
        return t(lang, "date.year", year=start.year)
    return t(lang, "date.unknown")


def _mark_inferred(text: str, basis: str, lang: str) -> str:
    if basis == "inferred":
        return t(lang, "date.inferred", date=Html(text))
    return text


def format_date(date: EventDate, lang: str) -> str:
    """A date as a reader says it, at its precision: "5 December 2025 (inferred)", "2019 ж."."""
    return _formatted(date.start, date.precision, date.basis, None, lang)


def format_date_range(date: EventDate, end_date: dt.date | None, lang: str) -> str:
    """Like `format_date`, but a meeting over several days reads "4–5 December 2025"."""
    return _formatted(date.start, date.precision, date.basis, end_date, lang)


# Lists show the same dates again and again, and babel takes ~50 µs a date: remember them.
@lru_cache(maxsize=16384)
def _formatted(
    start: dt.date | None, precision: str, basis: str, end_date: dt.date | None, lang: str
) -> str:
    if precision != "day" or not start or not end_date or end_date == start:
        return _mark_inferred(escape(_plain_date(start, precision, lang)), basis, lang)
    locale = BABEL_LOCALES.get(lang, "en_GB")
    text = format_interval(start, end_date, "yMMMMd", locale=locale)
    return _mark_inferred(escape(text), basis, lang)


# -- records ----------------------------------------------------------------------------------


def _name(table: dict, ref: str | None, lang: str) -> str:
    """The escaped localized name of `ref` in a gazetteer (the id itself if it is missing)."""
    entry = table.get(ref) if ref else None
    if entry is None:
        return escape(ref or "")
    value = getattr(entry, "name", None) or getattr(entry, "title", None)
    return escape(value.get(lang) if isinstance(value, Localized) else ref)


def _side_name(seeds: SeedSet, side: str, lang: str) -> str:
    if side in seeds.places:
        return _name(seeds.places, side, lang)
    return _name(seeds.organizations, side, lang)


def render_place(event: Event, seeds: SeedSet, lang: str) -> str:
    """ "Vienna, Austria" (escaped), or '' when the record has no place."""
    if event.place is None:
        return ""
    city = seeds.places.get(event.place.city) if event.place.city else None
    country = event.place.country or (city.country if city else None)
    day = event.date.start
    parts = [_place_name_on(seeds, event.place.city, day, lang)] if event.place.city else []
    if country:
        parts.append(_place_name_on(seeds, country, day, lang))
    return ", ".join(parts)


def _place_name_on(seeds: SeedSet, ref: str, day: dt.date | None, lang: str) -> str:
    """A place's name as it was on `day`: "Nur-Sultan (now Astana)" for April 2019."""
    entry = seeds.places.get(ref)
    if entry is None:
        return escape(ref)
    name, now = entry.name_on(day, lang)
    return t(lang, "place.former", former=name, current=now) if now else escape(name)


def render_event_line(event: Event, seeds: SeedSet, lang: str) -> str:
    """One line for lists: date · title · place."""
    parts = [
        format_date_range(event.date, event.end_date, lang),
        f"<b>{escape(event.title.get(lang))}</b>",
    ]
    if place := render_place(event, seeds, lang):
        parts.append(place)
    return " · ".join(parts)


def render_event_card(event: Event, seeds: SeedSet, lang: str) -> str:
    """The full card: title, date and how sure, place, participants, topics, summary, sources."""
    lines = [f"<b>{escape(event.title.get(lang))}</b>"]
    date = Html(format_date_range(event.date, event.end_date, lang))
    if event.date.reported:
        reported = _plain_date(event.date.reported, "day", lang)
        date = Html(t(lang, "card.reported", date=date, reported=reported))
    lines.append(t(lang, "card.date", date=date))
    if event.date.basis == "inferred" and event.date.reason:
        lines.append(t(lang, "card.date_reason", reason=event.date.reason_in(lang)))
    if place := render_place(event, seeds, lang):
        lines.append(t(lang, "card.place", place=Html(place)))
    if event.part_of and (parent := seeds.events.get(event.part_of)):
        label = "card.part_of_visit" if parent.kind == "visit" else "card.part_of"
        lines.append(t(lang, label, title=parent.title.get(lang)))
    if event.caveat:
        lines.append(t(lang, "card.caveat", text=event.caveat.get(lang)))
    if event.participants:
        lines.append(t(lang, "card.participants"))
        for person in event.participants:
            name = _name(seeds.people, person.person, lang)
            side = _side_name(seeds, person.side, lang)
            lines.append(f"• {name} — {escape(person.role.get(lang))} ({side})")
    if event.organizations:
        names = ", ".join(_name(seeds.organizations, org, lang) for org in event.organizations)
        lines.append(t(lang, "card.organizations", names=Html(names)))
    if event.topics:
        names = ", ".join(_name(seeds.topics, topic, lang) for topic in event.topics)
        lines.append(t(lang, "card.topics", names=Html(names)))
    lines += ["", escape(event.summary.get(lang))]
    for source in event.sources:
        lines += ["", _render_source(source.article, seeds, lang)]
        lines += [f"<blockquote>{escape(quote)}</blockquote>" for quote in source.quotes]
    lines += ["", t(lang, "card.permalink", id=event.id)]  # users can ask for it again, or share it
    return "\n".join(lines)


def _render_source(article_id: str, seeds: SeedSet, lang: str) -> str:
    article = seeds.articles.get(article_id)
    if article is None:
        return t(lang, "card.source", outlet=article_id, published=t(lang, "date.unknown"))
    outlet = article.outlet or t(lang, "card.outlet_unknown")
    if article.via:
        outlet = t(lang, "card.outlet_via", outlet=outlet, via=article.via.get(lang))
    published = Html(format_date(article.published, lang))
    return t(lang, "card.source", outlet=outlet, published=published)


# -- splitting --------------------------------------------------------------------------------

_TOKEN = re.compile(r"<[^>]*>|&#?\w+;|\n|[ \t]+|[^<&\s]{1,64}|[<&]")
_TAG_NAME = re.compile(r"</?\s*([\w-]+)")


def _tokenize(block: str) -> tuple[list[str], list[list[str]]]:
    """The block's tokens and, for each position, the start tags open before it."""
    tokens = _TOKEN.findall(block)
    stacks: list[list[str]] = []
    stack: list[str] = []
    for token in tokens:
        stacks.append(list(stack))
        if token.startswith("</"):
            if stack:
                stack.pop()
        elif token.startswith("<") and len(token) > 1 and not token.endswith("/>"):
            stack.append(token)
    stacks.append(list(stack))
    return tokens, stacks


def _closing(stack: list[str]) -> str:
    return "".join(f"</{_TAG_NAME.match(tag).group(1)}>" for tag in reversed(stack))  # type: ignore[union-attr]


def _split_block(block: str, limit: int) -> list[str]:
    """Split one over-long block: at newlines, else at spaces, else between word pieces.

    Tags left open at a cut are closed at its end and reopened at the next chunk's start.
    """
    tokens, stacks = _tokenize(block)
    chunks: list[str] = []
    start = 0
    while start < len(tokens):
        while start < len(tokens) and tokens[start].isspace():
            start += 1  # a cut's separator is not carried into the next message
        if start >= len(tokens):
            break
        opening = "".join(stacks[start])
        size = utf16_len(opening)
        best = {"newline": 0, "space": 0, "any": 0}
        end = start
        while end < len(tokens):
            size += utf16_len(tokens[end])
            if size + utf16_len(_closing(stacks[end + 1])) > limit:
                break
            end += 1
            following = tokens[end] if end < len(tokens) else "\n"
            if following == "\n":
                best["newline"] = end
            elif following.isspace():
                best["space"] = end
            if not tokens[end - 1].startswith("<") or tokens[end - 1].startswith("</"):
                best["any"] = end
        if end == len(tokens):
            cut = end
        else:
            cut = best["newline"] or best["space"] or best["any"] or max(end, start + 1)
        body = "".join(tokens[start:cut])
        chunks.append(opening + body + _closing(stacks[cut]))
        start = cut
    return chunks


def split_html(blocks: list[str], limit: int = MAX_TEXT) -> list[str]:
    """Join HTML `blocks` with newlines into as few messages as fit in `limit` UTF-16 units.

    A block goes whole into one message when it fits (cards stay together); an over-long block
    is split at line boundaries, then at spaces, never inside a tag, closing and reopening the
    tags open at the cut. Lengths are measured on the HTML, which is never shorter than the
    text Telegram counts, so every message is safe to send.
    """
    messages: list[str] = []
    current: str | None = None
    for block in blocks:
        pieces = [block] if utf16_len(block) <= limit else _split_block(block, limit)
        for piece in pieces:
            if current is not None and utf16_len(current) + 1 + utf16_len(piece) <= limit:
                current += "\n" + piece
            else:
                if current is not None:
                    messages.append(current)
                current = piece
    if current is not None:
        messages.append(current)
    return [message for message in messages if message.strip()]
