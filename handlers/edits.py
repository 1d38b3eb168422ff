"""Edited messages: an edit that leaves the text as it was is not answered again.

Telegram sends `edited_message` for any change to a message — a link preview added, an entity,
a caption — and commands are answered again when edited. An edit whose text is the same as the
version already answered (200 no-op edits gave 200 replies into one group) stops here, in a
handler group of its own, before any command handler sees it. The last MAX_REMEMBERED texts are
kept.
"""

from __future__ import annotations

from collections import OrderedDict

from telegram import Update
from telegram.ext import Application, ApplicationHandlerStop, TypeHandler

from bot.context import BriefingContext

MAX_REMEMBERED = 10_000
# A handler group of its own, before every other: within a group PTB runs only the first handler
# that matches, and this one matches every update.
GROUP = -1000


class SeenTexts:
    """The text each recent message was answered for, by (chat id, message id)."""

    def __init__(self, size: int = MAX_REMEMBERED) -> None:
        self.size = size
        self.texts: OrderedDict[tuple[int, int], str] = OrderedDict()

    async def __call__(self, update: Update, context: BriefingContext) -> None:
        message = update.message or update.channel_post
        edited = update.edited_message or update.edited_channel_post
        current = message or edited
        if current is None:
            return
        key = (current.chat_id, current.message_id)
        text = current.text or current.caption or ""
        if edited is not None and self.texts.get(key) == text:
            raise ApplicationHandlerStop  # nothing the bot answered has changed
        self.texts[key] = text
        self.texts.move_to_end(key)
        while len(self.texts) > self.size:
            self.texts.popitem(last=False)


def register(application: Application) -> None:
    """Watch every message and edit before any other handler does."""
    application.add_handler(TypeHandler(Update, SeenTexts()), group=GROUP)
