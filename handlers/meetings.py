"""/meetings [year | range | month | place | country | organization] and its ◀ ▶ pages.

Also the helpers every list of meetings shares (/minister, /topic, /search send theirs through
`send_meetings`; /minister and /topic turn their button pickers with `picker_page`), and the one
callback that turns the pages of any such list: `mtg:<filter>:<n>`.
"""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.context import BriefingContext, MenuCommand, topic_of
from bot.conversation.callbacks import ListPage, PeoplePage, TopicsPage, parse_callback
from bot.conversation.keyboards import choices_keyboard, picker, render_page, shorten
from bot.conversation.meetings import (
    MeetingFilter,
    is_known,
    parse_meetings_args,
    resolve_first,
    select_events,
)
from bot.i18n import t

log = logging.getLogger(__name__)

MENU = [MenuCommand("meetings", "menu.meetings")]


async def send_meetings(
    update: Update, context: BriefingContext, meeting_filter: MeetingFilter, lang: str, note=""
) -> None:
    """Reply with the first page of the meetings `meeting_filter` selects."""
    engine = context.engine
    events = select_events(meeting_filter, engine.seeds, engine.index)
    text, keyboard = render_page(meeting_filter, events, 1, engine.seeds, lang, note)
    await update.effective_message.reply_text(text, reply_markup=keyboard)


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


async def stale_button(update: Update, context: BriefingContext) -> None:
    """Answer a press on forged, foreign or expired callback data politely."""
    lang = await context.chat_lang(update)
    # Answer every CallbackQuery, or the button keeps spinning on the user's screen.
    await update.callback_query.answer(t(lang, "error.unknown_button"), show_alert=True)


async def picker_page(update: Update, context: BriefingContext, kind: str) -> None:
    """Turn the page of the people (`kind` "person", ppl:) or topic ("topic", tpl:) buttons."""
    parsed = parse_callback(update.callback_query.data)
    if not isinstance(parsed, PeoplePage if kind == "person" else TopicsPage):
        await stale_button(update, context)
        return
    lang = await context.chat_lang(update)
    await update.callback_query.answer()
    text, keyboard = picker(kind, parsed.page, context.engine.seeds, lang)
    await edit_or_send(update, context, text, keyboard)


async def meetings(update: Update, context: BriefingContext) -> None:
    """Answer /meetings [filter] with the meetings, newest first, a page at a time."""
    lang = await context.chat_lang(update)
    meeting_filter = parse_meetings_args(" ".join(context.args or []))
    if meeting_filter.kind == "text":
        engine = context.engine
        lookup = resolve_first(meeting_filter.value, engine.index)
        if lookup.status != "found":
            search = MeetingFilter("text", meeting_filter.value)
            key = "mtg.choose" if lookup.status == "ambiguous" else "mtg.unknown_filter"
            if not lookup.filters:  # nothing to offer but the text search: don't ask "which?"
                key = "mtg.unknown_filter_bare"
            keyboard = choices_keyboard(lookup.filters, engine.seeds, lang, search=search)
            words = shorten(meeting_filter.value, 64)
            await update.effective_message.reply_text(
                t(lang, key, words=words), reply_markup=keyboard
            )
            return
        meeting_filter = lookup.filters[0]
    await send_meetings(update, context, meeting_filter, lang)


async def meetings_page(update: Update, context: BriefingContext) -> None:
    """Turn the page of a list of meetings (or open a chosen person/topic/place): edit in place."""
    parsed = parse_callback(update.callback_query.data)
    engine = context.engine
    if not isinstance(parsed, ListPage) or not is_known(parsed.filter, engine.seeds):
        await stale_button(update, context)
        return
    lang = await context.chat_lang(update)
    await update.callback_query.answer()
    events = select_events(parsed.filter, engine.seeds, engine.index)
    text, keyboard = render_page(parsed.filter, events, parsed.page, engine.seeds, lang)
    await edit_or_send(update, context, text, keyboard)


async def counter_button(update: Update, context: BriefingContext) -> None:
    """The page counter between ◀ and ▶ does nothing, but must still be answered."""
    await update.callback_query.answer()


def register(application: Application) -> None:
    """Add /meetings and the list callbacks (mtg: pages, the nop counter)."""
    application.add_handler(CommandHandler("meetings", meetings))
    application.add_handler(CallbackQueryHandler(meetings_page, pattern=r"^mtg:"))
    application.add_handler(CallbackQueryHandler(counter_button, pattern=r"^nop$"))
