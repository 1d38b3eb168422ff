"""/search <words>: free text over every record, plus the person or topic the words name."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler

from bot.context import BriefingContext, MenuCommand
from bot.i18n import t
from bot.listings import choices_keyboard, render_page
from bot.queries import MeetingFilter, clean_argument, named_entities, select_events

MENU = [MenuCommand("search", "menu.search")]


async def search(update: Update, context: BriefingContext) -> None:
    """Answer /search <words> with the matching records; offer the /minister or /topic view."""
    lang = await context.chat_lang(update)
    words = clean_argument(" ".join(context.args or []))
    if not words:
        await update.effective_message.reply_text(t(lang, "search.usage"))
        return
    engine = context.engine
    meeting_filter = MeetingFilter("text", words)
    events = select_events(meeting_filter, engine.seeds, engine.index)
    text, keyboard = render_page(meeting_filter, events, 1, engine.seeds, lang)
    await update.effective_message.reply_text(text, reply_markup=keyboard)
    if named := named_entities(words, engine.index):
        await update.effective_message.reply_text(
            t(lang, "search.also"), reply_markup=choices_keyboard(named, engine.seeds, lang)
        )


def register(application: Application) -> None:
    """Add /search (its pages are turned by the mtg: callback in handlers/meetings.py)."""
    application.add_handler(CommandHandler("search", search))
