"""What several command families share: the one answer to a button nobody can act on."""

from __future__ import annotations

from telegram import Update

from bot.context import BriefingContext
from bot.i18n import t


async def unknown_button(update: Update, context: BriefingContext) -> None:
    """Answer a press on forged, foreign or expired callback data politely."""
    lang = await context.chat_lang(update)
    # Answer every CallbackQuery, or the button keeps spinning on the user's screen.
    await update.callback_query.answer(t(lang, "error.unknown_button"), show_alert=True)
