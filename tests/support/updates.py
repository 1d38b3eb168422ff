"""Builders for the updates a test sends, as plain Bot API dicts (see bot.telegram.updates).

    command_update("/topic климат", chat="group", lang="ru")
    text_update("Көшербаев", chat="private")

A `chat` is "private", "group" or "channel" (or a chat dict from `bot.telegram.updates.make_chat`);
`lang` is the sender's Telegram language_code.
"""

from __future__ import annotations

from typing import Any

from bot.telegram.updates import make_chat, make_message_update, make_user

USER_ID = 1001
ADMIN_ID = 2002


def user(lang: str | None = "en", user_id: int = USER_ID, first_name: str = "Aigerim") -> dict:
    """A human user with Telegram language `lang`."""
    return make_user(user_id, first_name, lang)


def chat(kind: str | dict[str, Any] = "private", sender: dict | None = None) -> dict[str, Any]:
    """A chat dict: "private" (the sender's own), "group" (a supergroup) or "channel"."""
    if isinstance(kind, dict):
        return kind
    return make_chat(kind, user=sender)


def command_update(
    text: str,
    chat: str | dict[str, Any] = "private",
    lang: str | None = "en",
    *,
    sender: dict[str, Any] | None = None,
    edited: bool = False,
) -> dict[str, Any]:
    """A message with a command (or any text) from a user whose Telegram language is `lang`."""
    sender = sender or user(lang)
    return make_message_update(text, _chat(chat, sender), sender, edited=edited)


text_update = command_update  # plain text reads better at call sites that are not commands


def _chat(kind: str | dict[str, Any], sender: dict[str, Any]) -> dict[str, Any]:
    return chat(kind, sender)
