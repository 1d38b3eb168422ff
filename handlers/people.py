"""/minister <name>: every meeting a person took part in, whatever the spelling of the name."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.callbacks import PeoplePage, parse_callback
from bot.context import BriefingContext, MenuCommand
from bot.i18n import t
from bot.listings import ECHO, choices_keyboard, picker, shorten
from bot.queries import clean_argument, lookup_person
from handlers.meetings import edit_or_send, send_meetings, stale_button

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
    lookup = lookup_person(words, context.engine.index, seeds)
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
    parsed = parse_callback(update.callback_query.data)
    if not isinstance(parsed, PeoplePage):
        await stale_button(update, context)
        return
    lang = await context.chat_lang(update)
    await update.callback_query.answer()
    text, keyboard = picker("person", parsed.page, context.engine.seeds, lang)
    await edit_or_send(update, context, text, keyboard)


def register(application: Application) -> None:
    """Add /minister (also as /person) and the people buttons' pages."""
    application.add_handler(CommandHandler(["minister", "person"], minister))
    application.add_handler(CallbackQueryHandler(people_page, pattern=r"^ppl:"))
