"""A composed Digest as a chat reads it: escaped HTML blocks in kk, ru or en (`render_digest`),
cut into at most MAX_DIGEST_MESSAGES Telegram messages (`digest_messages`)."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import replace

from babel import Locale

from bot.conversation.cards import escape, format_date, render_event_line, split_html
from bot.digests.compose import AnniversaryNote, Digest
from bot.i18n import Html, t
from bot.records.models import EventDate
from bot.records.seedset import SeedSet

MAX_MENTIONS = 3  # records listed under an anniversary before "…and N more"
MAX_DIGEST_MESSAGES = 3  # a digest is at most this many messages; the rest is summarised


@functools.lru_cache(maxsize=4096)  # a pure function of its arguments
def plural(lang: str, key: str, n: int) -> str:
    """The catalog text `key.<form>` for `n`, the form chosen by babel's CLDR plural rules."""
    try:
        form = Locale.parse(lang).plural_form(n)
    except (ValueError, TypeError):
        form = "other"
    if form not in ("one", "few", "many"):
        form = "other"
    return t(lang, f"{key}.{form}", n=n)


@functools.lru_cache(maxsize=4096)
def day_text(day: dt.date, lang: str) -> str:
    """A calendar day as a reader says it ("1 August 2026", "1 августа 2026 г.")."""
    return format_date(EventDate(value=day.isoformat(), precision="day", basis="stated"), lang)


def _mentions(note: AnniversaryNote, seeds: SeedSet, lang: str) -> list[str]:
    if not note.mentioned_in:
        return []
    lines = [t(lang, "digest.mentioned_in")]
    shown = note.mentioned_in[:MAX_MENTIONS]
    lines += [f"• {render_event_line(event, seeds, lang)}" for event in shown]
    if len(note.mentioned_in) > len(shown):
        lines.append(t(lang, "digest.more", count=len(note.mentioned_in) - len(shown)))
    return lines


def _today_block(note: AnniversaryNote, seeds: SeedSet, lang: str) -> str:
    lines = [
        t(
            lang,
            "digest.anniversary_today",
            ago=Html(plural(lang, "digest.years_ago_today", note.years)),
            title=note.anniversary.title.get(lang),
            date=Html(day_text(note.anniversary.date, lang)),
        )
    ]
    if note.jubilee:
        lines.append(
            t(lang, "digest.jubilee", years=Html(plural(lang, "digest.years", note.years)))
        )
    lines.append(f"<i>{escape(note.anniversary.description.get(lang))}</i>")
    return "\n".join(lines + _mentions(note, seeds, lang))


def _upcoming_line(note: AnniversaryNote, lang: str) -> str:
    key = "digest.jubilee_notice" if note.notice else "digest.upcoming_anniversary"
    return t(
        lang,
        key,
        date=Html(day_text(note.date, lang)),
        years=Html(plural(lang, "digest.years", note.years)),
        title=note.anniversary.title.get(lang),
    )


def render_digest(digest: Digest, seeds: SeedSet, lang: str) -> list[str]:
    """The digest as HTML blocks (one per item), every dynamic string escaped."""
    title = "digest.title_weekly" if digest.kind == "weekly" else "digest.title"
    blocks = [t(lang, title, date=Html(day_text(digest.day, lang)))]
    if digest.topics:
        names = [seeds.topics[tid].name.get(lang) for tid in digest.topics if tid in seeds.topics]
        blocks.append(t(lang, "digest.topics", topics=", ".join(names or digest.topics)))
    if digest.anniversaries or digest.echoes:
        blocks.append("\n" + t(lang, "digest.section_today"))
        blocks += [_today_block(note, seeds, lang) for note in digest.anniversaries]
        for echo in digest.echoes:
            ago = Html(plural(lang, "digest.years_ago_today", echo.years))
            line = Html(render_event_line(echo.event, seeds, lang))
            margins = [f"   ◦ {escape(event.title.get(lang))}" for event in echo.margins]
            blocks.append("\n".join([t(lang, "digest.echo", ago=ago, line=line), *margins]))
    if digest.upcoming_anniversaries or digest.upcoming_events:
        blocks.append("\n" + t(lang, "digest.section_coming"))
        blocks += [_upcoming_line(note, lang) for note in digest.upcoming_anniversaries]
        for event in digest.upcoming_events:
            date = Html(format_date(event.date, lang))
            blocks.append(t(lang, "digest.upcoming_event", date=date, title=event.title.get(lang)))
    if digest.new_events:
        blocks.append("\n" + t(lang, "digest.section_new"))
        blocks += [f"• {render_event_line(event, seeds, lang)}" for event in digest.new_events]
    return blocks


class SummarizedPart(str):
    """The last message of a digest cut to MAX_DIGEST_MESSAGES: it ends with a line saying how
    many new records were left out, and goes out with a button to the list of meetings."""


def digest_messages(digest: Digest, seeds: SeedSet, lang: str, send_empty: bool) -> list[str]:
    """The Telegram messages for a digest, at most MAX_DIGEST_MESSAGES of them (with 1,500 new
    records one tick would otherwise send 40 messages to one chat): [] when it is empty and
    empty ones are not sent."""
    if digest.is_empty:
        if not send_empty:
            return []
        return [t(lang, "digest.empty", date=Html(day_text(digest.day, lang)))]
    messages = split_html(render_digest(digest, seeds, lang))
    if len(messages) <= MAX_DIGEST_MESSAGES:
        return messages
    # Keep as many "new" lines as fit with the summary line; at worst the fixed sections alone.
    new = digest.new_events
    low, high = 0, len(new)
    best: list[str] | None = None
    while low <= high:
        kept = (low + high) // 2
        more = t(lang, "digest.more_new", count=len(new) - kept)
        blocks = render_digest(replace(digest, new_events=new[:kept]), seeds, lang)
        trial = split_html([*blocks, more])
        if len(trial) <= MAX_DIGEST_MESSAGES:
            best, low = trial, kept + 1
        else:
            high = kept - 1
    if best is None:  # the fixed sections alone overflow: cut them, say so
        more = t(lang, "digest.more_new", count=len(new))
        best = [*messages[: MAX_DIGEST_MESSAGES - 1], more]
    return [*best[:-1], SummarizedPart(best[-1])]
