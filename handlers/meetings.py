"""/meetings [year | range | month | place | country | organization] and its ◀ ▶ pages.

Also the helpers every list of meetings shares (/minister, /topic, /search send theirs through
`send_meetings`; /minister and /topic turn their button pickers with `picker_page`), and the one
callback that turns the pages of any such list: `mtg:<filter>:<n>`.
"""

from __future__ import annotations

import datetime as dt
import logging

from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.context import BriefingContext, MenuCommand, topic_of
from bot.conversation.callbacks import ListPage, PeoplePage, TopicsPage, parse_callback
from bot.conversation.keyboards import choices_keyboard, picker, render_page, shorten
from bot.conversation.meetings import (
    NEW_DAYS,
    MeetingFilter,
    is_known,
    nearby_periods,
    parts,
)
from bot.conversation.questions import understand
from bot.conversation.selection import select_events
from bot.i18n import t
from handlers.common import answer_press, unknown_button

log = logging.getLogger(__name__)

MENU = [MenuCommand("meetings", "menu.meetings")]


async def send_meetings(
    update: Update, context: BriefingContext, meeting_filter: MeetingFilter, lang: str, note=""
) -> None:
    """Reply with the first page of the meetings `meeting_filter` selects."""
    engine = context.engine
    recent = await recent_ids(context, meeting_filter)
    events = select_events(meeting_filter, engine.seeds, context.index, recent)
    nearby = () if events else nearby_periods(meeting_filter, context.index)
    text, keyboard = render_page(meeting_filter, events, 1, engine.seeds, lang, note, nearby)
    await update.effective_message.reply_text(text, reply_markup=keyboard)


async def recent_ids(context: BriefingContext, meeting_filter: MeetingFilter) -> list[str]:
    """The records added or changed in the last NEW_DAYS days, when the filter asks for new."""
    if all(part.kind != "new" for part in parts(meeting_filter)):
        return []
    since = dt.datetime.now(dt.UTC) - dt.timedelta(days=NEW_DAYS)
    return [event_id for _, event_id in await context.engine.seedstore.changes_since(since)]


async def edit_or_send(
    update: Update, context: BriefingContext, text: str, keyboard: InlineKeyboardMarkup | None
) -> None:
    """Show `text` in place of the pressed button's message (or anew if it can't be edited)."""
    try:
        await update.callback_query.edit_message_text(text, reply_markup=keyboard)
    except BadRequest as exc:
        if "not modified" in str(exc).lower():  # the same page pressed twice
            return
        # Telegram refuses to edit messages older than 48 hours: send the page instead.
        log.debug("could not edit, sending instead: %s", exc)
        if update.effective_chat is not None:
            await context.bot.send_message(
                update.effective_chat.id,
                text,
                reply_markup=keyboard,
                message_thread_id=topic_of(update),
            )


async def picker_page(update: Update, context: BriefingContext, kind: str) -> None:
    """Turn the page of the people (`kind` "person", ppl:) or topic ("topic", tpl:) buttons."""
    parsed = parse_callback(update.callback_query.data)
    if not isinstance(parsed, PeoplePage if kind == "person" else TopicsPage):
        await unknown_button(update, context)
        return
    lang = await context.chat_lang(update)
    await answer_press(update)
    text, keyboard = picker(kind, parsed.page, context.engine.seeds, lang)
    await edit_or_send(update, context, text, keyboard)


async def meetings(update: Update, context: BriefingContext) -> None:
    """Answer /meetings [filter] with the meetings, newest first, a page at a time."""
    lang = await context.chat_lang(update)
    typed = " ".join(context.args or [])
    engine = context.engine
    found = understand(typed, context.index)
    if found.choices or (not found.understood and typed.strip()):
        unplaced = " ".join(found.unplaced) or typed
        search = MeetingFilter("text", " ".join(typed.split()))
        key = "mtg.choose" if found.choices else "mtg.unknown_filter"
        offered = found.choices or found.suggestions
        if not offered:  # nothing to offer but the text search: don't ask "which?"
            key = "mtg.unknown_filter_bare"
        keyboard = choices_keyboard(
            offered, engine.seeds, lang, search=search, together_with=found.others
        )
        words = shorten(found.ambiguous or unplaced, 64)
        await update.effective_message.reply_text(t(lang, key, words=words), reply_markup=keyboard)
        return
    note = ""
    if found.unplaced:
        note = t(lang, "mtg.unplaced", words=shorten(", ".join(found.unplaced), 64))
    await send_meetings(update, context, found.filter, lang, note)


async def meetings_page(update: Update, context: BriefingContext) -> None:
    """Turn the page of a list of meetings (or open a chosen person/topic/place): edit in place."""
    parsed = parse_callback(update.callback_query.data)
    engine = context.engine
    if not isinstance(parsed, ListPage) or not is_known(parsed.filter, engine.seeds):
        await unknown_button(update, context)
        return
    lang = await context.chat_lang(update)
    await answer_press(update)
    recent = await recent_ids(context, parsed.filter)
    events = select_events(parsed.filter, engine.seeds, context.index, recent)
    nearby = () if events else nearby_periods(parsed.filter, context.index)
    text, keyboard = render_page(parsed.filter, events, parsed.page, engine.seeds, lang, "", nearby)
    await edit_or_send(update, context, text, keyboard)


async def counter_button(update: Update, context: BriefingContext) -> None:
    """The page counter between ◀ and ▶ does nothing, but must still be answered."""
    await answer_press(update)


def register(application: Application) -> None:
    """Add /meetings and the list callbacks (mtg: pages, the nop counter)."""
    application.add_handler(CommandHandler("meetings", meetings))
    application.add_handler(CallbackQueryHandler(meetings_page, pattern=r"^mtg:"))
    application.add_handler(CallbackQueryHandler(counter_button, pattern=r"^nop$"))
