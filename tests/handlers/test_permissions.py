"""Who may change a chat's digest and language: every chat kind × every kind of sender or presser
× every settings button, `/lang` and unsubscribing (issue 11, red-team F1/F6).

On Telegram anyone who can see a message can press its buttons (anyone at all under a public
channel's post), and the bot's own channel posts carry `sender_chat` = the channel. So a press
is allowed only when getChatMember says the presser administers the chat; "written as the chat
itself" (an anonymous group admin, a channel post) counts for messages, never for presses.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from bot.engine import Engine
from bot.i18n import t
from bot.records.models import LANGS
from bot.storage.base import Subscription
from bot.telegram.updates import chat_member, make_callback_update, make_message_update, make_user
from handlers.settings import settings_keyboard
from tests.support.harness import running_bot

ANONYMOUS_BOT = {"id": 1087968824, "is_bot": True, "first_name": "Group"}  # GroupAnonymousBot
FORUM_TOPIC = 77
CHATS = {
    "private": {"id": 3001, "type": "private", "first_name": "Creator"},
    "group": {"id": -4001, "type": "group", "title": "Basic group"},
    "supergroup": {"id": -1004002, "type": "supergroup", "title": "Supergroup"},
    "forum": {"id": -1004003, "type": "supergroup", "title": "Forum", "is_forum": True},
    "channel": {"id": -1004004, "type": "channel", "title": "Channel"},
}
ROLES = ("creator", "administrator", "member", "left", "anonymous admin", "bot's own post")
USERS = {
    "creator": make_user(3001, "Creator"),
    "administrator": make_user(3002, "Admin"),
    "member": make_user(3003, "Member"),
    "left": make_user(3004, "Gone"),
    "anonymous admin": make_user(3005, "Hidden"),  # presses as themselves; status is_anonymous
    "bot's own post": make_user(3003, "Member"),  # a member pressing under the bot's post
}
BASELINE = dict(kind="daily", send_time=dt.time(9), timezone="Asia/Almaty", language="en",
                topics=("climate",))  # fmt: skip
# Buttons whose choice the baseline already has (answered "already set"), or that only ask.
ALREADY_SET = ("dg:t:0900:", "dg:z:ala:", "dg:z:city:", "dg:l:en:", "dg:k:daily:")
REFUSALS = {t(lang, key) for lang in LANGS for key in ("sub.admins_only", "lang.admins_only")}


def allowed(kind: str, role: str) -> bool:
    """The rule under test: one's own private chat, or an administrator of the chat."""
    if kind == "private":
        return True
    return role in ("creator", "administrator", "anonymous admin")


def cases() -> list[tuple[str, str]]:
    # A private chat has one user: roles, anonymous admins and channel posts do not exist there.
    return [("private", "creator")] + [
        (kind, role) for kind in CHATS if kind != "private" for role in ROLES
    ]


async def prepare(bot: Any, kind: str) -> tuple[dict, Engine]:
    chat = CHATS[kind]
    api = bot.api
    api.add_chat(chat)
    if kind != "private":
        api.set_member(chat["id"], api.me, "administrator")
        api.set_member(chat["id"], USERS["creator"], "creator")
        api.set_member(chat["id"], USERS["administrator"], "administrator")
        api.set_member(chat["id"], USERS["member"], "member")
        api.set_member(chat["id"], USERS["left"], "left")
        hidden = chat_member(USERS["anonymous admin"], "administrator")
        api.members[(chat["id"], USERS["anonymous admin"]["id"])] = {**hidden, "is_anonymous": True}
    for user in USERS.values():
        api.users[user["id"]] = user
    return chat, bot.engine


async def reset(repo: Engine, bot: Any, chat: dict) -> Subscription:
    await repo.chats.upsert(chat["id"], chat["type"], title=chat.get("title"))
    await repo.chats.set_timezone(chat["id"], BASELINE["timezone"])
    await bot.engine.set_chat_language(chat["id"], chat["type"], "en")
    await repo.subscriptions.unsubscribe(chat["id"], "weekly")  # the weekly button adds one
    return await repo.subscriptions.subscribe(Subscription(chat_id=chat["id"], **BASELINE))


def bot_post(bot: Any, chat: dict, sub: Subscription) -> dict:
    """The bot's /settings message in `chat`, as Telegram stores it (sender_chat in channels)."""
    api = bot.api
    message = api._store_message(chat, FORUM_TOPIC if chat.get("is_forum") else None, text="⚙️",
                                 reply_markup=settings_keyboard(sub, "en").to_dict())  # fmt: skip
    return message


def command(text: str, chat: dict, role: str) -> dict:
    """`text` sent in `chat` by `role` (an anonymous admin writes as the chat; in a channel every
    post is written as the channel)."""
    if chat["type"] == "channel":
        entity = {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
        post = {"message_id": 0, "date": 0, "chat": chat, "sender_chat": chat, "text": text,
                "entities": [entity]}  # fmt: skip
        return {"update_id": 0, "channel_post": post}
    sender = ANONYMOUS_BOT if role == "anonymous admin" else USERS[role]
    update = make_message_update(text, chat, sender)
    message = update["message"]
    if role == "anonymous admin":
        message["sender_chat"] = chat
    if chat.get("is_forum"):
        message.update(message_thread_id=FORUM_TOPIC, is_topic_message=True)
    return update


def refused_in(calls: list) -> bool:
    texts = [
        c.params.get("text") for c in calls if c.method in ("answerCallbackQuery", "sendMessage")
    ]
    return any(text in REFUSALS for text in texts)


@pytest.mark.parametrize(("kind", "role"), cases())
async def test_settings_buttons_lang_and_unsubscribe(tmp_path, kind, role):
    async with running_bot(tmp_path) as bot:
        chat, repo = await prepare(bot, kind)
        presser = USERS[role]
        expected = allowed(kind, role) and role != "bot's own post"
        sub = await reset(repo, bot, chat)
        datas = [data for row in settings_keyboard(sub, "en").inline_keyboard for data in
                 (button.callback_data for button in row)] + ["lang:kk"]  # fmt: skip
        outcomes = {}
        for data in datas:
            sub = await reset(repo, bot, chat)
            calls = await bot.process(make_callback_update(data, bot_post(bot, chat, sub), presser))
            after = await repo.subscriptions.of_chat(chat["id"])
            language = (await repo.chats.get(chat["id"])).language
            changed = after != [sub] or language != "en"
            outcomes[data] = (not refused_in(calls), changed)
            assert not bot.api.unanswered_callbacks, data
        for data, (was_allowed, changed) in outcomes.items():
            assert was_allowed == expected, (kind, role, data)
            if not expected:
                assert not changed, (kind, role, data)
            elif not data.startswith(ALREADY_SET):
                assert changed, (kind, role, data)
        if role == "bot's own post":
            return  # the bot receives no updates for its own messages: only presses apply
        if kind != "channel":  # /lang is not a channel command (its language is /settings lang)
            await reset(repo, bot, chat)
            calls = await bot.process(command("/lang kk", chat, role))
            assert (not refused_in(calls)) == expected, (kind, role, "/lang")
            assert ((await repo.chats.get(chat["id"])).language == "kk") == expected
        elif role not in ("anonymous admin",):
            return  # only administrators can post in a channel: a channel post is theirs
        await reset(repo, bot, chat)
        calls = await bot.process(command("/unsubscribe", chat, role))
        assert (not refused_in(calls)) == expected, (kind, role, "/unsubscribe")
        assert (await repo.subscriptions.of_chat(chat["id"]) == []) == expected, (kind, role)
