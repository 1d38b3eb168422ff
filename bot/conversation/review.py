"""What /review shows an operator: one ingest draft with its article quote, and its buttons."""

from __future__ import annotations

import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.conversation.callbacks import review_data
from bot.conversation.cards import escape, format_date_range, render_place, split_html
from bot.i18n import t
from bot.ingest.drafts import KIND_LABELS
from bot.ingest.review import DraftItem
from bot.records.seedset import SeedSet

ID_MARK = "🆔"
# The draft a message shows, read back from a reply to it (Telegram gives the text without its
# HTML; the emulator keeps the HTML as sent, so the <code> tags are allowed).
_ID_LINE = re.compile(rf"^{ID_MARK} (?:<code>)?([a-z0-9+-]+)(?:</code>)?$", re.M)


def shown_item_id(text: str | None) -> str | None:
    """The id of the draft a /review message shows, or None for any other message."""
    found = _ID_LINE.search(text or "")
    return found.group(1) if found else None


def _side(seeds: SeedSet, side: str, lang: str) -> str:
    entry = seeds.places.get(side) or seeds.organizations.get(side)
    return escape(entry.name.get(lang) if entry else side)


def render_item(item: DraftItem, number: int, total: int, seeds: SeedSet, lang: str) -> list[str]:
    """The draft as Telegram HTML messages: what it says, the article's quotes, its id."""
    article = item.draft.article
    blocks: list[str] = []
    if item.event is None:
        known = item.source.event if item.source else ""
        title = seeds.events[known].title.get(lang) if known in seeds.events else known
        header = t(
            lang, "review.source_header", number=number, total=total, event=known, title=title
        )
        blocks.append(header)
    else:
        event = item.event
        kind = KIND_LABELS[event.kind].get(lang, event.kind)
        blocks.append(t(lang, "review.header", number=number, total=total, kind=kind))
        lines = [f"<b>{escape(event.title.get(lang))}</b>"]
        how: list[str] = [event.date.precision, event.date.basis]
        if reason := event.date.reason_in(lang):
            how.append(reason)
        if event.date.reported:
            how.append(t(lang, "review.reported", day=event.date.reported.isoformat()))
        date = format_date_range(event.date, event.end_date, lang)
        lines.append(t(lang, "review.date", date=date, how="; ".join(how)))
        if place := render_place(event, seeds, lang):
            lines.append(f"📍 {place}")
        for participant in event.participants:
            person = item.person(participant.person, seeds)
            name = person.name.get(lang) if person else participant.person
            draft = " 🆕" if participant.person not in seeds.people else ""
            lines.append(
                f"👥 {escape(name)}{draft} <code>{escape(participant.person)}</code> — "
                f"{escape(participant.role.get(lang))} ({_side(seeds, participant.side, lang)})"
            )
        if event.topics:
            names = [
                seeds.topics[i].name.get(lang) if i in seeds.topics else i for i in event.topics
            ]
            lines.append("🏷 " + escape(", ".join(names)))
        blocks.append("\n".join(lines))
        if item.placeholder_languages():
            blocks.append(t(lang, "review.summary_missing"))
        else:
            blocks.append(f"📄 {escape(event.summary.get(lang))}")
    published = article.published.value or t(lang, "ingest.unknown_date")
    outlet = article.outlet or article.file
    quotes = "\n".join(f"<blockquote>{escape(q)}</blockquote>" for q in item.quotes)
    blocks.append(
        t(lang, "review.article", outlet=outlet, published=published, article=article.id)
        + "\n"
        + quotes
    )
    if item.event is not None:
        blocks.append(t(lang, "review.reply_hint"))
    blocks.append(f"{ID_MARK} <code>{escape(item.id)}</code>")
    return split_html(blocks)


def review_keyboard(item_id: str, lang: str) -> InlineKeyboardMarkup:
    """Approve / reject / later, for the draft `item_id`."""
    row = [
        InlineKeyboardButton(
            t(lang, f"review.button.{action}"), callback_data=review_data(action, item_id)
        )
        for action in ("approve", "reject", "later")
    ]
    return InlineKeyboardMarkup([row])
