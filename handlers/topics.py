"""/topic <topic>: meetings on a topic across languages, else a search of the records' text."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.context import BriefingContext, MenuCommand
from bot.conversation.keyboards import ECHO, choices_keyboard, picker, shorten
from bot.conversation.meetings import MeetingFilter, clean_argument, lookup_topic
from bot.i18n import t
from handlers.meetings import picker_page, send_meetings

MENU = [MenuCommand("topic", "menu.topic")]


async def topic(update: Update, context: BriefingContext) -> None:
    """Answer /topic <topic> with its meetings; unknown topics fall back to a text search."""
    lang = await context.chat_lang(update)
    words = clean_argument(" ".join(context.args or []))
    seeds = context.engine.seeds
    if not words:
        text, keyboard = picker("topic", 1, seeds, lang)
        await update.effective_message.reply_text(text, reply_markup=keyboard)
        return
    lookup = lookup_topic(words, context.index)
    if lookup.status == "found":
        await send_meetings(update, context, lookup.filters[0], lang)
    elif lookup.status == "ambiguous":
        text = t(lang, "topics.ambiguous", words=shorten(words, ECHO))
        keyboard = choices_keyboard(lookup.filters, seeds, lang)
        await update.effective_message.reply_text(text, reply_markup=keyboard)
    else:
        note = t(lang, "topics.fallback", words=shorten(words, ECHO))
        await send_meetings(update, context, MeetingFilter("text", words), lang, note)
        if lookup.filters:  # topics whose names look like the words: "did you mean"
            keyboard = choices_keyboard(lookup.filters, seeds, lang)
            await update.effective_message.reply_text(
                t(lang, "topics.suggest"), reply_markup=keyboard
            )


async def topics_page(update: Update, context: BriefingContext) -> None:
    """Turn the page of the topic buttons."""
    await picker_page(update, context, "topic")


def register(application: Application) -> None:
    """Add /topic and the topic buttons' pages."""
    application.add_handler(CommandHandler("topic", topic))
    application.add_handler(CallbackQueryHandler(topics_page, pattern=r"^tpl:"))
