"""/minister <name>: every meeting a person took part in, whatever the spelling of the name."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.context import BriefingContext, MenuCommand
from bot.conversation.keyboards import ECHO, choices_keyboard, picker, shorten
from bot.conversation.meetings import clean_argument, lookup_person
from bot.i18n import t
from handlers.meetings import picker_page, send_meetings

MENU = [MenuCommand("minister", "menu.minister")]


async def minister(update: Update, context: BriefingContext) -> None:
    """Answer /minister <name> with their meetings; ask when unsure; suggest when nobody."""
    lang = await context.chat_lang(update)
    words = clean_argument(" ".join(context.args or []))
    seeds = context.engine.seeds
    if not words:
        text, keyboard = picker("person", 1, seeds, lang)
        await update.effective_message.reply_text(text, reply_markup=keyboard)
        return
    lookup = lookup_person(words, context.index, seeds)
    if lookup.status == "found":
        await send_meetings(update, context, lookup.filters[0], lang)
        return
    key = "people.ambiguous" if lookup.status == "ambiguous" else "people.none"
    if lookup.status == "none" and lookup.filters:
        key = "people.suggest"
    text = t(lang, key, words=shorten(words, ECHO))
    keyboard = choices_keyboard(lookup.filters, seeds, lang)
    await update.effective_message.reply_text(text, reply_markup=keyboard)


async def people_page(update: Update, context: BriefingContext) -> None:
    """Turn the page of the people buttons."""
    await picker_page(update, context, "person")


def register(application: Application) -> None:
    """Add /minister (also as /person) and the people buttons' pages."""
    application.add_handler(CommandHandler(["minister", "person"], minister))
    application.add_handler(CallbackQueryHandler(people_page, pattern=r"^ppl:"))
