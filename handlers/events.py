"""/event <id> and the card button under every listed meeting: the full card of one event."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.context import BriefingContext, MenuCommand, topic_of
from bot.conversation.callbacks import EventButton, event_data, parse_callback, resolve_event_token
from bot.conversation.keyboards import BUTTON_TEXT, ECHO, render_card, shorten
from bot.conversation.meetings import (
    MAX_CARDS,
    MAX_MORE,
    clean_argument,
    event_ids_in,
    suggest_events,
)
from bot.i18n import t
from bot.records.seedset import SeedSet
from handlers.common import answer_press, unknown_button

MENU = [MenuCommand("event", "menu.event")]


def share_keyboard(event_id: str, lang: str) -> InlineKeyboardMarkup:
    """A button that opens inline mode on this card, to send it to another chat."""
    button = InlineKeyboardButton(t(lang, "btn.share"), switch_inline_query=event_id)
    return InlineKeyboardMarkup([[button]])


async def send_card(update: Update, context: BriefingContext, event_id: str, lang: str) -> None:
    """Send an event's card (in as many messages as it needs) to the update's chat.

    The last message carries the share button (Telegram allows none in channels).
    """
    seeds = context.engine.seeds
    parts = render_card(seeds.events[event_id], seeds, lang)
    shareable = update.effective_chat.type != ChatType.CHANNEL
    for number, text in enumerate(parts, 1):
        markup = share_keyboard(event_id, lang) if shareable and number == len(parts) else None
        await context.bot.send_message(
            update.effective_chat.id, text, reply_markup=markup, message_thread_id=topic_of(update)
        )


def event_button_for(event_id: str, seeds: SeedSet, lang: str) -> InlineKeyboardButton:
    """A button that opens one meeting's card."""
    title = shorten(seeds.events[event_id].title.get(lang), BUTTON_TEXT)
    return InlineKeyboardButton(title, callback_data=event_data(event_id))


async def event(update: Update, context: BriefingContext) -> None:
    """Answer /event <id> [<id> …] with the cards; an unknown id gets suggestions as buttons."""
    lang = await context.chat_lang(update)
    seeds = context.engine.seeds
    given = clean_argument(" ".join(context.args or []))
    found, unknown = event_ids_in(given, seeds.events)
    for event_id in found[:MAX_CARDS]:
        await send_card(update, context, event_id, lang)
    if rest := found[MAX_CARDS:]:  # one message with buttons, not a card each
        rows = [[event_button_for(i, seeds, lang)] for i in rest[:MAX_MORE]]
        text = t(lang, "event.more", count=len(rest))
        await update.effective_message.reply_text(text, reply_markup=InlineKeyboardMarkup(rows))
    if found and not unknown:
        return
    words = " ".join(unknown) if found else given
    rows = [
        [event_button_for(i, seeds, lang)]
        for i in suggest_events(words, seeds, context.index)
        if i not in found
    ]
    key = ("event.unknown" if rows else "event.unknown_bare") if given else "event.usage"
    text = t(lang, key, given=shorten(words, ECHO))
    await update.effective_message.reply_text(
        text, reply_markup=InlineKeyboardMarkup(rows) if rows else None
    )


async def event_button(update: Update, context: BriefingContext) -> None:
    """Send the card of the meeting whose button was pressed (the list stays as it is)."""
    parsed = parse_callback(update.callback_query.data)
    seeds = context.engine.seeds
    event_id = (
        resolve_event_token(parsed.token, seeds.events) if isinstance(parsed, EventButton) else None
    )
    if event_id is None or update.effective_chat is None:
        await unknown_button(update, context)
        return
    await answer_press(update)
    await send_card(update, context, event_id, await context.chat_lang(update))


def register(application: Application) -> None:
    """Add /event and the card buttons (evt:)."""
    application.add_handler(CommandHandler("event", event))
    application.add_handler(CallbackQueryHandler(event_button, pattern=r"^evt:"))
