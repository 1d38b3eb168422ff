"""Inline mode: `@bot Koshербаев` in any chat offers event cards to share.

Each result is one event (InlineQueryResultArticle) whose message is its full card in HTML;
an empty query offers the newest meetings. Results are in the asking user's language, so the
answer is personal (Telegram would otherwise cache one user's language for everybody).
Telegram takes 50 results an answer: the answer's `next_offset` (the position of the next
result) makes the client ask again with that `offset` as the user scrolls; none ends the list
(not "": PTB 22.8 sends an empty next_offset as "[]", an offset the client would then send).
"""

from __future__ import annotations

import html
import re

from telegram import InlineQueryResultArticle, InputTextMessageContent, Update
from telegram.constants import ParseMode
from telegram.ext import Application, InlineQueryHandler

from bot.context import BriefingContext
from bot.conversation.callbacks import event_token
from bot.conversation.cards import format_date_range, render_place
from bot.conversation.keyboards import render_card, shorten
from bot.conversation.meetings import (
    MAX_INLINE_RESULTS,
    clean_argument,
)
from bot.conversation.questions import understand
from bot.conversation.selection import inline_events, select_events
from handlers.meetings import recent_ids

CACHE_SECONDS = 300  # the records change only on reload
_TAGS = re.compile(r"<[^>]*>")


def plain(fragment: str) -> str:
    """Rendered HTML as plain text (for titles and descriptions, which are not parsed)."""
    return html.unescape(_TAGS.sub("", fragment))


def result_offset(offset: str, total: int) -> int:
    """The position to answer from: the `next_offset` we gave (0 for "" or text we never gave)."""
    if not (offset.isascii() and offset.isdigit() and len(offset) <= 9):
        return 0
    return min(int(offset), total)  # past the end (the records shrank on reload): no more


async def inline_query(update: Update, context: BriefingContext) -> None:
    """Offer the cards of the meetings the query names (newest first when it is empty)."""
    lang = await context.chat_lang(update)
    seeds = context.engine.seeds
    words = clean_argument(update.inline_query.query)
    index = context.index
    found = understand(words, index) if words.lower() not in seeds.events else None
    if found is not None and found.understood and not found.choices and not found.unplaced:
        # "@bot Malta 2024-12", "@bot Nurtleu Malta": the filters together, as /meetings
        recent = await recent_ids(context, found.filter)
        matching = select_events(found.filter, seeds, index, recent)
    else:
        matching = inline_events(words, seeds, index)
    start = result_offset(update.inline_query.offset, len(matching))
    end = start + MAX_INLINE_RESULTS
    events = matching[start:end]
    results = [
        InlineQueryResultArticle(
            id=event_token(event.id),
            title=shorten(event.title.get(lang), 100),
            description=shorten(
                " · ".join(
                    part
                    for part in (
                        plain(format_date_range(event.date, event.end_date, lang)),
                        plain(render_place(event, seeds, lang)),
                    )
                    if part
                ),
                200,
            ),
            input_message_content=InputTextMessageContent(
                render_card(event, seeds, lang)[0], parse_mode=ParseMode.HTML
            ),
        )
        for event in events
    ]
    await update.inline_query.answer(
        results,
        cache_time=CACHE_SECONDS,
        is_personal=True,
        next_offset=str(end) if end < len(matching) else None,  # none: the list ends
    )


def register(application: Application) -> None:
    """Add the inline query handler."""
    application.add_handler(InlineQueryHandler(inline_query))
