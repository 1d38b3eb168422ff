"""Tests for bot.telegram.fake_api: it answers like Telegram; PTB maps its errors as usual."""

from __future__ import annotations

import json

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TimedOut

from bot.telegram.fake_api import TIMEOUT, FakeBotAPI, to_json
from bot.telegram.inprocess import InProcessRequest
from bot.telegram.limits import retry_after_seconds
from bot.telegram.updates import (
    make_callback_update,
    make_channel_post,
    make_chat,
    make_inline_query,
    make_message_update,
    make_my_chat_member,
    make_user,
)

USER = make_user(1001, "Aigerim", "ru")
PRIVATE = make_chat("private", user=USER)
GROUP = make_chat("group")


@pytest.fixture
async def api_and_bot():
    api = FakeBotAPI()
    bot = Bot(
        "123456:TEST-token",
        request=InProcessRequest(api),
        get_updates_request=InProcessRequest(api),
    )
    async with bot:
        api.receive(make_message_update("/start", PRIVATE, USER))
        yield api, bot


async def test_get_me_and_recorded_calls(api_and_bot):
    api, bot = api_and_bot
    assert bot.username == "BriefingTestBot"
    await bot.send_message(PRIVATE["id"], "hello")
    assert [call.method for call in api.calls] == ["getMe", "sendMessage"]
    assert api.sent("sendMessage", chat_id=1001)[0].params["text"] == "hello"


async def test_message_ids_continue_the_chat(api_and_bot):
    _, bot = api_and_bot
    first = await bot.send_message(1001, "one")
    second = await bot.send_message(1001, "two")
    assert (first.message_id, second.message_id) == (2, 3)  # 1 was the user's /start


@pytest.mark.parametrize(
    ("code", "error", "text"),
    [
        (403, Forbidden, "bot was blocked by the user"),
        (429, RetryAfter, "Flood control exceeded"),
        (TIMEOUT, TimedOut, "Timed out"),
    ],
)
async def test_injected_failures_reach_ptb_as_its_exceptions(api_and_bot, code, error, text):
    api, bot = api_and_bot
    api.fail("sendMessage", code, retry_after=7 if code == 429 else None)
    with pytest.raises(error, match=text) as raised:
        await bot.send_message(1001, "x")
    if code == 429:
        assert retry_after_seconds(raised.value) == 7.0
    await bot.send_message(1001, "the next one goes through")  # times=1


async def test_failure_for_one_chat_only_and_forever(api_and_bot):
    api, bot = api_and_bot
    api.receive(make_message_update("/start", GROUP, USER))
    api.fail("sendMessage", 403, chat_id=GROUP["id"], times=None)
    for _ in range(3):
        with pytest.raises(Forbidden):
            await bot.send_message(GROUP["id"], "x")
    await bot.send_message(1001, "the private chat still works")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"text": "x" * 4097}, "Message is too long"),
        ({"text": "😀" * 2049}, "Message is too long"),  # 4098 UTF-16 units
        ({"text": "<b>bold", "parse_mode": ParseMode.HTML}, "Can't parse entities"),
        ({"text": "<div>x</div>", "parse_mode": ParseMode.HTML}, "unsupported start tag"),
        ({"text": "a < b", "parse_mode": ParseMode.HTML}, "Can't parse entities"),
        ({"text": "   "}, "Message text is empty"),
    ],
)
async def test_bad_messages_are_rejected_like_telegram(api_and_bot, kwargs, message):
    _, bot = api_and_bot
    with pytest.raises(BadRequest, match=message):
        await bot.send_message(1001, **kwargs)


async def test_limits_count_visible_text_not_markup(api_and_bot):
    _, bot = api_and_bot
    await bot.send_message(1001, "<b>" + "x" * 4096 + "</b>", parse_mode=ParseMode.HTML)
    await bot.send_message(1001, "я" * 4096)


async def test_callback_data_over_64_bytes_is_rejected(api_and_bot):
    _, bot = api_and_bot
    ok = InlineKeyboardMarkup([[InlineKeyboardButton("ok", callback_data="я" * 32)]])
    await bot.send_message(1001, "fits", reply_markup=ok)
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("no", callback_data="я" * 33)]])
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(1001, "66 bytes", reply_markup=too_long)


async def test_unknown_chat_is_not_found(api_and_bot):
    _, bot = api_and_bot
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(424242, "x")


async def test_edit_and_callback_answers(api_and_bot):
    api, bot = api_and_bot
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("RU", callback_data="lang:ru")]])
    sent = await bot.send_message(1001, "choose", reply_markup=markup)
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text("choose", 1001, sent.message_id, reply_markup=markup)
    edited = await bot.edit_message_text("chosen", 1001, sent.message_id)
    assert edited.text == "chosen" and edited.reply_markup is None
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", 1001, 999)

    press = api.receive(
        make_callback_update("lang:ru", api.messages[(1001, sent.message_id)], USER)
    )
    query_id = press["callback_query"]["id"]
    assert api.unanswered_callbacks == {query_id}
    await bot.answer_callback_query(query_id)
    assert api.unanswered_callbacks == set()
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query("forged")


async def test_send_document_receives_the_file(api_and_bot):
    api, bot = api_and_bot
    message = await bot.send_document(1001, b"BEGIN:VCALENDAR\r\n", filename="briefing.ics")
    assert message.document.file_name == "briefing.ics"
    upload = api.sent("sendDocument")[0].params["document"]
    assert upload.content == b"BEGIN:VCALENDAR\r\n"
    assert json.loads(to_json(api.sent("sendDocument")[0].params))["document"]["size"] == 17


async def test_chat_members_and_admins(api_and_bot):
    api, bot = api_and_bot
    admin = make_user(2002, "Dana", "kk")
    api.receive(make_message_update("hi", GROUP, USER))
    api.set_member(GROUP["id"], admin, "administrator")
    assert (await bot.get_chat_member(GROUP["id"], 1001)).status == "member"
    assert (await bot.get_chat_member(GROUP["id"], 2002)).status == "administrator"
    admins = await bot.get_chat_administrators(GROUP["id"])
    assert [member.user.id for member in admins] == [2002]
    chat = await bot.get_chat(GROUP["id"])
    assert chat.title == "Briefing Room" and chat.type == "supergroup"


async def test_command_menus_are_kept_per_scope_and_language(api_and_bot):
    api, bot = api_and_bot
    from telegram import BotCommandScopeAllGroupChats

    await bot.set_my_commands([("help", "Помощь")], language_code="ru")
    await bot.set_my_commands([("help", "Help")], scope=BotCommandScopeAllGroupChats())
    assert api.commands[("default", "ru")] == [{"command": "help", "description": "Помощь"}]
    assert api.commands[("all_group_chats", "")][0]["description"] == "Help"
    with pytest.raises(BadRequest):
        await bot.set_my_commands([("Bad-Name", "x")])


async def test_get_updates_honours_offset(api_and_bot):
    api, bot = api_and_bot
    first = api.push_update(make_message_update("one", PRIVATE, USER))
    api.push_update(make_message_update("two", PRIVATE, USER))
    updates = await bot.get_updates(offset=0, timeout=0)
    assert [u.message.text for u in updates] == ["one", "two"]
    updates = await bot.get_updates(offset=first["update_id"] + 1, timeout=0)
    assert [u.message.text for u in updates] == ["two"]
    assert await bot.get_updates(offset=updates[0].update_id + 1, timeout=0.05) == ()


async def test_update_builders_parse_as_ptb_updates(api_and_bot):
    api, bot = api_and_bot
    command = Update.de_json(
        api.receive(make_message_update("/help@BriefingTestBot x", GROUP, USER)), bot
    )
    assert command.message.entities[0].type == "bot_command"
    assert command.message.entities[0].length == len("/help@BriefingTestBot")
    edited = Update.de_json(
        api.receive(make_message_update("/help", PRIVATE, USER, edited=True)), bot
    )
    assert edited.edited_message.text == "/help"
    inline = Update.de_json(api.receive(make_inline_query("климат", USER)), bot)
    assert inline.inline_query.query == "климат"
    added = make_my_chat_member(GROUP, USER, api.me, "left", "administrator")
    member = Update.de_json(api.receive(added), bot).my_chat_member
    assert member.new_chat_member.status == "administrator"
    assert (await bot.get_chat_member(GROUP["id"], api.bot_id)).status == "administrator"
    channel = make_chat("channel")
    post = Update.de_json(api.receive(make_channel_post("/digest", channel)), bot)
    assert post.channel_post.chat.type == "channel"
