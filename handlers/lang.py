"""/lang: choose the language the bot answers in for this chat (kk, ru or en)."""

from __future__ import annotations

from typing import cast

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.context import BriefingContext, MenuCommand
from bot.i18n import parse_language, t
from bot.records.models import LANGS, Lang
from handlers.common import answer_press, unknown_button

MENU = [MenuCommand("lang", "menu.lang")]
CALLBACK_PREFIX = "lang:"
MAX_ECHO = 32  # characters of an unknown argument quoted back


def parse_lang_callback(data: str | None) -> Lang | None:
    """The language in callback data "lang:ru", or None for anything else."""
    value = (data or "").removeprefix(CALLBACK_PREFIX)
    if data and data.startswith(CALLBACK_PREFIX) and value in LANGS:
        return cast(Lang, value)
    return None


def language_keyboard() -> InlineKeyboardMarkup:
    """Three buttons, each language named in itself."""
    buttons = [
        InlineKeyboardButton(t(lang, f"lang.name.{lang}"), callback_data=f"{CALLBACK_PREFIX}{lang}")
        for lang in LANGS
    ]
    return InlineKeyboardMarkup([buttons])


async def lang_command(update: Update, context: BriefingContext) -> None:
    """Set the chat's language from /lang kk|ru|en, or offer the three as buttons."""
    lang = await context.chat_lang(update)
    given = " ".join(context.args or [])
    if not await context.is_admin(update):  # no buttons a group member is not allowed to use
        await update.effective_message.reply_text(t(lang, "lang.admins_only"))
        return
    choice = parse_language(given)
    if choice is None:
        text = t(lang, "lang.unknown", given=given[:MAX_ECHO]) if given else t(lang, "lang.choose")
        await update.effective_message.reply_text(text, reply_markup=language_keyboard())
        return
    await context.engine.set_chat_language(
        update.effective_chat.id, update.effective_chat.type, choice
    )
    await update.effective_message.reply_text(t(choice, "lang.set"))


async def lang_button(update: Update, context: BriefingContext) -> None:
    """Set the language chosen with a button and confirm it in place of the buttons."""
    query = update.callback_query
    lang = await context.chat_lang(update)
    choice = parse_lang_callback(query.data)
    if choice is None:
        await unknown_button(update, context)
        return
    if not await context.is_admin(update):
        await answer_press(update, t(lang, "lang.admins_only"), alert=True)
        return
    await context.engine.set_chat_language(
        update.effective_chat.id, update.effective_chat.type, choice
    )
    await answer_press(update)
    await query.edit_message_text(t(choice, "lang.set"))


def register(application: Application) -> None:
    """Add /lang and its buttons."""
    application.add_handler(CommandHandler("lang", lang_command))
    application.add_handler(CallbackQueryHandler(lang_button, pattern=f"^{CALLBACK_PREFIX}"))
