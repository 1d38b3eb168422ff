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
    from bot.search.index import SearchIndex

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


def topic_of(update: Update) -> int | None:
    """The forum topic an update happened in (a command, or a press under the bot's message),
    for every message sent back: without it Telegram posts to the General topic."""
    message = update.effective_message
    return message.message_thread_id if message is not None and message.is_topic_message else None


class BriefingContext(CallbackContext[ExtBot, dict, dict, dict]):
    """PTB's CallbackContext plus the bot's services."""

    @property
    def engine(self) -> Engine:
        """The shared engine (storage, seeds, search index), opened in post_init."""
        return self.bot_data[ENGINE_KEY]

    @property
    def index(self) -> SearchIndex:
        """The open engine's search index (handlers run after post_init opened the engine)."""
        index = self.engine.index
        if index is None:
            raise RuntimeError("the engine is not open")
        return index

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
        """Whether the sender may change the chat's settings: anyone in their private chat, an
        administrator elsewhere.

        A message written as the chat itself (an anonymous group admin, any channel post) is an
        administrator's. A button press never is: anyone who can see a message can press its
        buttons (anyone at all under a public channel's post), and the bot's own channel posts
        carry `sender_chat` = the channel, so the presser is always checked with getChatMember.
        """
        chat, message = update.effective_chat, update.effective_message
        if chat is None:  # an inline message: no chat to change
            return False
        if chat.type == ChatType.PRIVATE:
            return True
        sender_chat = message.sender_chat if message is not None else None
        if update.callback_query is None and sender_chat is not None and sender_chat.id == chat.id:
            return True
        user = update.effective_user
        return await self.is_admin_of(chat.id, user.id if user else None)

    async def is_admin_of(self, chat_id: int, user_id: int | None) -> bool:
        """Whether `user_id` administers chat `chat_id` (getChatMember; False on any error)."""
        if user_id is None:
            return False
        try:
            member = await self.bot.get_chat_member(chat_id, user_id)
        except TelegramError:
            return False
        return member.status in (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)
