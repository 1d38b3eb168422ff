"""What several command families share: answering a button press, and the one answer to a
button nobody can act on."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest

from bot.context import BriefingContext
from bot.i18n import t

log = logging.getLogger(__name__)


async def answer_press(update: Update, text: str | None = None, *, alert: bool = False) -> None:
    """Answer a button press, which stops the spinner on the presser's screen.

    Telegram refuses an answer that comes more than about 15 s after the press ("query is too
    old": the bot was busy or down). The press is still acted on: only its answer is dropped.
    """
    try:
        await update.callback_query.answer(text, show_alert=alert)
    except BadRequest as exc:
        if "query is too old" not in exc.message.lower():
            raise
        log.info("a button press came too late to answer; acting on it anyway")


async def unknown_button(update: Update, context: BriefingContext) -> None:
    """Answer a press on forged, foreign or expired callback data politely."""
    lang = await context.chat_lang(update)
    # Answer every CallbackQuery, or the button keeps spinning on the user's screen.
    await answer_press(update, t(lang, "error.unknown_button"), alert=True)
