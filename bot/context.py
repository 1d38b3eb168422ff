"""The typed context every handler receives: `context.engine` and per-chat helpers.

Registered with `ContextTypes(context=BriefingContext)` in bot/app.py, so a callback is written
`async def topic(update: Update, context: BriefingContext) -> None` and never digs in bot_data.
Handler modules also describe their commands for the menus and /help with `MenuCommand`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError
from telegram.ext import CallbackContext, ExtBot

from bot.i18n import language_from_code
from bot.records.models import Lang

if TYPE_CHECKING:
    from bot.engine import Engine

ENGINE_KEY = "engine"
MENU_KEY = "menu"  # every MenuCommand, in handlers.ROUTES order (set by bot/app.py)
STARTED_KEY = "started_at"  # when this process built its Application (UTC)
PRIVATE = "private"
GROUPS = "groups"


def uptime(bot_data: Mapping[str, object], now: dt.datetime | None = None) -> dt.timedelta:
    """How long this process has been up, from the start time kept in `bot_data`."""
    started = bot_data.get(STARTED_KEY)
    if not isinstance(started, dt.datetime):
        return dt.timedelta(0)
    return (now or dt.datetime.now(dt.UTC)) - started


@dataclass(frozen=True)
class MenuCommand:
    """A command shown in Telegram's menu and in /help; its description is a catalog key."""

    command: str
    description_key: str
    scopes: frozenset[str] = frozenset({PRIVATE, GROUPS})


class BriefingContext(CallbackContext[ExtBot, dict, dict, dict]):
    """PTB's CallbackContext plus the bot's services."""

    @property
    def engine(self) -> Engine:
        """The shared engine (storage, seeds, search index), opened in post_init."""
        return self.bot_data[ENGINE_KEY]

    def menu(self, scope: str) -> list[MenuCommand]:
        """The commands shown in `scope` (private or groups), as the menus and /help list them."""
        return [entry for entry in self.bot_data.get(MENU_KEY, ()) if scope in entry.scopes]

    async def chat_lang(self, update: object) -> Lang:
        """The language to answer `update` in: the chat's /lang choice, else the user's."""
        if not isinstance(update, Update):
            return "en"
        chat, user = update.effective_chat, update.effective_user
        code = user.language_code if user else None
        if ENGINE_KEY not in self.bot_data or not self.engine.is_open:
            return language_from_code(code)
        return await self.engine.chat_language(chat.id if chat else None, code)

    async def is_admin(self, update: Update) -> bool:
        """Whether the sender may change chat settings: anyone in private, admins in groups."""
        chat, user, message = update.effective_chat, update.effective_user, update.effective_message
        if chat is None or chat.type == ChatType.PRIVATE:
            return True
        if message is not None and message.sender_chat and message.sender_chat.id == chat.id:
            return True  # an anonymous admin writes as the group itself
        if user is None:
            return False
        try:
            member = await self.bot.get_chat_member(chat.id, user.id)
        except TelegramError:
            return False
        return member.status in (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)
