"""Incoming updates as plain Bot API dicts (pass them to `FakeBotAPI.receive`, then de_json)."""

from __future__ import annotations

import itertools
import time
from typing import Any

from bot.telegram.fake_api import chat_member
from bot.telegram.limits import utf16_len

_ids = itertools.count(1)


def make_user(
    user_id: int = 1001,
    first_name: str = "Aigerim",
    language_code: str | None = "en",
    username: str | None = None,
) -> dict[str, Any]:
    """A human Telegram user."""
    user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
    if language_code:
        user["language_code"] = language_code
    if username:
        user["username"] = username
    return user


def make_chat(
    kind: str = "private",
    chat_id: int | None = None,
    user: dict[str, Any] | None = None,
    title: str = "Briefing Room",
) -> dict[str, Any]:
    """A chat: `kind` private (id = the user's), group/supergroup, or channel."""
    if kind == "private":
        user = user or make_user()
        return {"id": chat_id or user["id"], "type": "private", "first_name": user["first_name"]}
    default_ids = {"group": -1001234567890, "supergroup": -1001234567890, "channel": -1009876543210}
    chat_type = "supergroup" if kind == "group" else kind  # groups today are supergroups
    return {"id": chat_id or default_ids[kind], "type": chat_type, "title": title}


def command_entities(text: str) -> list[dict[str, Any]]:
    """The bot_command entity Telegram attaches to a text starting with '/'."""
    if not text.startswith("/"):
        return []
    command = text.split(maxsplit=1)[0]
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(command)}]


def make_message_update(
    text: str,
    chat: dict[str, Any],
    user: dict[str, Any],
    *,
    edited: bool = False,
    message_id: int | None = None,
    reply_to: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A text message (or an edit of one) from `user` in `chat`; commands get their entity."""
    message: dict[str, Any] = {
        "message_id": message_id or 0,  # 0: numbered by FakeBotAPI.receive
        "date": int(time.time()),
        "chat": chat,
        "from": user,
        "text": text,
    }
    if entities := command_entities(text):
        message["entities"] = entities
    if reply_to:
        message["reply_to_message"] = reply_to
    if edited:
        message["edit_date"] = int(time.time())
    return {"update_id": 0, "edited_message" if edited else "message": message}


def make_callback_update(
    data: str, message: dict[str, Any], user: dict[str, Any]
) -> dict[str, Any]:
    """A press on an inline button with callback `data` under the bot's `message`."""
    return {
        "update_id": 0,
        "callback_query": {
            "id": f"cbq{next(_ids)}",
            "from": user,
            "message": message,
            "chat_instance": f"ci{message['chat']['id']}",
            "data": data,
        },
    }


def make_inline_query(
    query: str, user: dict[str, Any], chat_type: str = "private", offset: str = ""
) -> dict[str, Any]:
    """An inline query `@bot query` typed by `user` (`offset`: a `next_offset` answered before)."""
    return {
        "update_id": 0,
        "inline_query": {
            "id": f"inl{next(_ids)}",
            "from": user,
            "query": query,
            "offset": offset,
            "chat_type": chat_type,
        },
    }


def make_my_chat_member(
    chat: dict[str, Any],
    user: dict[str, Any],
    bot: dict[str, Any],
    old_status: str,
    new_status: str,
) -> dict[str, Any]:
    """The bot's own status in `chat` changed (added, promoted, removed), done by `user`."""
    return {
        "update_id": 0,
        "my_chat_member": {
            "chat": chat,
            "from": user,
            "date": int(time.time()),
            "old_chat_member": chat_member(bot, old_status),
            "new_chat_member": chat_member(bot, new_status),
        },
    }


def make_channel_post(text: str, chat: dict[str, Any]) -> dict[str, Any]:
    """A post in a channel (CommandHandler does not see these)."""
    post: dict[str, Any] = {
        "message_id": 0,
        "date": int(time.time()),
        "chat": chat,
        "sender_chat": chat,
        "text": text,
    }
    if entities := command_entities(text):
        post["entities"] = entities
    return {"update_id": 0, "channel_post": post}
