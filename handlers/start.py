"""/start and /help: what the bot does and how to ask it, plus the polite fallbacks."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.context import GROUPS, PRIVATE, BriefingContext, MenuCommand
from bot.i18n import t
from handlers.common import unknown_button

MENU = [MenuCommand("start", "menu.start", frozenset({PRIVATE})), MenuCommand("help", "menu.help")]


def help_text(lang: str, entries: list[MenuCommand]) -> str:
    """The /help answer: every command in `entries` with its description, then examples."""
    lines = [t(lang, "help.title")]
    lines += [f"/{e.command} — {t(lang, e.description_key)}" for e in entries]
    return "\n".join([*lines, "", t(lang, "help.examples"), "", t(lang, "help.footer")])


def _scope(update: Update) -> str:
    chat = update.effective_chat
    return PRIVATE if chat is None or chat.type == ChatType.PRIVATE else GROUPS


async def start(update: Update, context: BriefingContext) -> None:
    """Greet the user, say what the bot does, and show how to ask."""
    lang = await context.chat_lang(update)
    if _scope(update) == PRIVATE:
        name = update.effective_user.first_name if update.effective_user else ""
        text = t(lang, "start.welcome", name=name) + "\n\n" + help_text(lang, context.menu(PRIVATE))
    else:
        text = t(lang, "start.group", bot=context.bot.username)
    await update.effective_message.reply_text(text)


async def help_command(update: Update, context: BriefingContext) -> None:
    """Answer /help with the commands and examples."""
    lang = await context.chat_lang(update)
    await update.effective_message.reply_text(help_text(lang, context.menu(_scope(update))))


async def unknown_command(update: Update, context: BriefingContext) -> None:
    """Answer a command nobody handles (private chats only: in groups it may be another bot's)."""
    lang = await context.chat_lang(update)
    command = (update.effective_message.text or "").split(maxsplit=1)[0][:40]
    await update.effective_message.reply_text(t(lang, "error.unknown_command", command=command))


def register(application: Application) -> None:
    """Add /start and /help (edited commands are answered again: a corrected typo deserves it)."""
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CommandHandler("help", help_command))


def register_fallbacks(application: Application) -> None:
    """Add the catch-alls; bot/app.py calls this after every handler module."""
    application.add_handler(
        MessageHandler(filters.COMMAND & filters.ChatType.PRIVATE, unknown_command)
    )
    application.add_handler(CallbackQueryHandler(unknown_button))
