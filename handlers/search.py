"""/search <words>: free text over every record, plus the person or topic the words name."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler, MessageHandler, filters

from bot.context import BriefingContext, MenuCommand
from bot.conversation.keyboards import choices_keyboard, part_label, render_page
from bot.conversation.meetings import (
    MAX_TEXT_RESULTS,
    MeetingFilter,
    clean_argument,
)
from bot.conversation.questions import ask
from bot.i18n import t
from bot.records.lazy import EventList

MENU = [MenuCommand("search", "menu.search")]


async def search(update: Update, context: BriefingContext) -> None:
    """Answer /search <words> with the matching records; offer the /minister or /topic view."""
    await answer_search(update, context, " ".join(context.args or []))


async def plain_text(update: Update, context: BriefingContext) -> None:
    """Answer a plain message in a private chat as a search: people type a name, not a command."""
    await answer_search(update, context, update.effective_message.text or "")


async def answer_search(update: Update, context: BriefingContext, query: str) -> None:
    """Reply with the records matching `query`, and the people or topics it names."""
    lang = await context.chat_lang(update)
    words = clean_argument(query)
    if not words:
        await update.effective_message.reply_text(t(lang, "search.usage"))
        return
    engine = context.engine
    meeting_filter = MeetingFilter("text", words)
    question = ask(words, engine.seeds, context.index, MAX_TEXT_RESULTS)
    events = EventList(list(question.ids), engine.seeds.events)
    names = " · ".join(part_label(f, engine.seeds, lang) for f in question.named)
    note = t(lang, "search.named", names=names) if names else ""
    text, keyboard = render_page(meeting_filter, events, 1, engine.seeds, lang, note)
    await update.effective_message.reply_text(text, reply_markup=keyboard)
    # The people and topics the question named (recognised once, above) get their own views.
    if named := [f for f in question.named if f.kind in ("person", "topic")]:
        await update.effective_message.reply_text(
            t(lang, "search.also"), reply_markup=choices_keyboard(named, engine.seeds, lang)
        )


def register(application: Application) -> None:
    """Add /search (its pages are turned by the mtg: callback in handlers/meetings.py)."""
    application.add_handler(CommandHandler("search", search))
    # Forwarded articles go to operators' intake (handlers/ingest.py), inline results are ours.
    typed = filters.TEXT & ~filters.COMMAND & ~filters.FORWARDED & ~filters.VIA_BOT
    application.add_handler(MessageHandler(filters.ChatType.PRIVATE & typed, plain_text))
