"""The fake Bot API server speaks HTTP the way PTB's production transport expects."""

from __future__ import annotations

import pytest
from telegram import Bot
from telegram.error import Forbidden, InvalidToken, RetryAfter

from bot.telegram.limits import retry_after_seconds
from bot.telegram.updates import make_chat, make_user
from tests.e2e.conftest import FAKE_TOKEN


async def test_production_transport_round_trip(telegram):
    user = make_user(1001)
    telegram.api.add_chat(make_chat("private", user=user))
    async with Bot(FAKE_TOKEN, base_url=telegram.base_url) as bot:
        me = await bot.get_me()
        message = await bot.send_message(
            1001,
            "<b>Привет</b> 42",
            parse_mode="HTML",
            reply_markup={"inline_keyboard": [[{"text": "ok", "callback_data": "x:1"}]]},
        )
        document = await bot.send_document(
            1001, b"BEGIN:VCALENDAR", filename="a.ics", caption="ics"
        )
    assert me.username == telegram.api.username
    assert message.chat.id == 1001
    sent = telegram.api.sent("sendMessage")[0].params
    assert sent["text"] == "<b>Привет</b> 42"  # a numeric-looking text stays a string
    assert sent["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "x:1"
    assert document.document.file_name == "a.ics"
    assert telegram.api.sent("sendDocument")[0].params["document"].content == b"BEGIN:VCALENDAR"


async def test_injected_errors_reach_ptb_as_telegram_errors(telegram):
    telegram.api.add_chat(make_chat("private", user=make_user(1002)))
    telegram.api.fail("sendMessage", 429, retry_after=3)
    telegram.api.fail("sendMessage", 403)
    async with Bot(FAKE_TOKEN, base_url=telegram.base_url) as bot:
        with pytest.raises(RetryAfter) as retry:
            await bot.send_message(1002, "a")
        with pytest.raises(Forbidden):
            await bot.send_message(1002, "b")
        assert (await bot.send_message(1002, "c")).text == "c"
    assert retry_after_seconds(retry.value) == 3.0  # retry_after crossed HTTP


async def test_a_foreign_token_is_unauthorized(telegram):
    with pytest.raises(InvalidToken):
        async with Bot("123:wrong", base_url=telegram.base_url) as bot:
            await bot.get_me()
    assert telegram.foreign_tokens == 1
