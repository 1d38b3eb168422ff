"""The emulator does what Telegram does where it matters to the bot (issue 11), each case
against the Bot API documentation it cites, through PTB's own Bot as production calls it."""

from __future__ import annotations

import asyncio

import pytest
from telegram import Bot
from telegram.error import BadRequest, Conflict, RetryAfter

from bot.telegram.fake_api import CALLBACK_ANSWER_SECONDS, FakeBotAPI
from bot.telegram.inprocess import InProcessRequest
from bot.telegram.limits import retry_after_seconds
from bot.telegram.updates import (
    chat_member,
    make_callback_update,
    make_chat,
    make_message_update,
    make_user,
)

USER = make_user(1001, "Aigerim")
OTHER = make_user(1002, "Bolat")
GROUP = make_chat("group")
CHANNEL = make_chat("channel")


class Clock:
    """A monotonic clock a test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def clock_api_bot():
    clock = Clock()
    api = FakeBotAPI(clock=clock)
    bot = Bot("123456:TEST-token", request=InProcessRequest(api),
              get_updates_request=InProcessRequest(api))  # fmt: skip
    async with bot:
        api.receive(make_message_update("/start", GROUP, USER))
        api.add_chat(make_chat("private", user=USER))
        yield clock, api, bot


async def test_the_bots_channel_posts_carry_sender_chat(clock_api_bot):
    # Message.sender_chat: "Sender of the message when sent on behalf of a chat. For example,
    # the supergroup itself for messages sent by its anonymous administrators or a linked
    # channel … or the channel itself for channel messages."
    _, api, bot = clock_api_bot
    api.add_chat(CHANNEL)
    message = await bot.send_message(CHANNEL["id"], "digest")
    assert message.sender_chat is not None and message.sender_chat.id == CHANNEL["id"]
    assert message.from_user is None
    in_group = await bot.send_message(GROUP["id"], "hello")
    assert in_group.sender_chat is None and in_group.from_user.id == api.bot_id


async def test_get_chat_member_in_a_channel_answers_the_real_status(clock_api_bot):
    # getChatMember: "Use this method to get information about a member of a chat. The method
    # is only guaranteed to work for other users if the bot is an administrator in the chat."
    _, api, bot = clock_api_bot
    api.add_chat(CHANNEL)
    api.receive(make_callback_update("x", {"message_id": 1, "chat": CHANNEL, "date": 0}, OTHER))
    with pytest.raises(BadRequest, match=r"(?i)member list is inaccessible"):
        await bot.get_chat_member(CHANNEL["id"], OTHER["id"])
    api.set_member(CHANNEL["id"], api.me, "administrator")
    api.set_member(CHANNEL["id"], USER, "creator")
    assert (await bot.get_chat_member(CHANNEL["id"], USER["id"])).status == "creator"
    # Someone who pressed a button under a post but is no subscriber: "left", not "member".
    assert (await bot.get_chat_member(CHANNEL["id"], OTHER["id"])).status == "left"
    api.members[(CHANNEL["id"], OTHER["id"])] = chat_member(OTHER, "member")
    assert (await bot.get_chat_member(CHANNEL["id"], OTHER["id"])).status == "member"
    with pytest.raises(BadRequest, match=r"(?i)user not found"):
        await bot.get_chat_member(CHANNEL["id"], 424242)  # a user the bot never met


async def test_a_second_get_updates_ends_the_first_with_409(clock_api_bot):
    # Telegram answers the older long poll "Conflict: terminated by other getUpdates request;
    # make sure that only one bot instance is running" (HTTP 409).
    _, api, bot = clock_api_bot
    api._updates.clear()
    first = asyncio.create_task(bot.get_updates(offset=10**6, timeout=5))
    await asyncio.sleep(0.05)
    second = asyncio.create_task(bot.get_updates(offset=10**6, timeout=0.2))
    with pytest.raises(Conflict, match=r"(?i)terminated by other getUpdates request"):
        await asyncio.wait_for(first, 2)
    assert await asyncio.wait_for(second, 2) == ()
    assert api.conflicts == 1


async def test_more_than_20_messages_a_minute_into_one_group_answer_429(clock_api_bot):
    # Bot FAQ: "In a group, bots are not able to send more than 20 messages per minute."
    clock, _, bot = clock_api_bot
    for number in range(20):
        await bot.send_message(GROUP["id"], f"m{number}")
        clock.now += 1
    with pytest.raises(RetryAfter) as flood:
        await bot.send_message(GROUP["id"], "one too many")
    assert retry_after_seconds(flood.value) == 40  # the first of the 20 leaves the minute then
    await bot.send_message(USER["id"], "a private chat is not held back")
    clock.now += 40
    assert (await bot.send_message(GROUP["id"], "again")).text == "again"


async def test_a_callback_answered_after_15_seconds_is_too_old(clock_api_bot):
    # answerCallbackQuery: the answer must come while the client waits; Telegram answers a late
    # one 400 "query is too old and response timeout expired or query ID is invalid".
    clock, api, bot = clock_api_bot
    message = await bot.send_message(USER["id"], "buttons")
    on_time = api.receive(make_callback_update("a", message.to_dict(), USER))["callback_query"]
    late = api.receive(make_callback_update("b", message.to_dict(), USER))["callback_query"]
    clock.now += CALLBACK_ANSWER_SECONDS - 1
    assert await bot.answer_callback_query(on_time["id"])
    clock.now += 2
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(late["id"])
    assert api.unanswered_callbacks == set()


async def test_get_file_and_download(clock_api_bot):
    # getFile: "Use this method to get basic information about a file and prepare it for
    # downloading … The file can then be downloaded via https://api.telegram.org/file/bot<token>/
    # <file_path>."
    _, api, bot = clock_api_bot
    api.add_file("doc-article", "Мақала мәтіні".encode())
    file = await bot.get_file("doc-article")
    assert file.file_path and file.file_size == len("Мақала мәтіні".encode())
    assert bytes(await file.download_as_bytearray()) == "Мақала мәтіні".encode()
    sent = await bot.send_document(USER["id"], b"BEGIN:VCALENDAR", filename="a.ics")
    again = await bot.get_file(sent.document.file_id)
    assert bytes(await again.download_as_bytearray()) == b"BEGIN:VCALENDAR"
    with pytest.raises(BadRequest, match=r"(?i)invalid file_id"):
        await bot.get_file("nope")


async def test_a_webhook_is_reported_and_blocks_get_updates_until_deleted(clock_api_bot):
    # setWebhook: "You will not be able to receive updates using getUpdates for as long as an
    # outgoing webhook is set up." getWebhookInfo: "If the bot is using getUpdates, will return
    # an object with the url field empty." Telegram answers a getUpdates meanwhile with 409.
    _, _, bot = clock_api_bot
    assert (await bot.get_webhook_info()).url == ""
    await bot.set_webhook(
        "https://bot.example.org/hook", secret_token="s3cret", allowed_updates=["message"]
    )
    info = await bot.get_webhook_info()
    assert info.url == "https://bot.example.org/hook"
    assert info.max_connections == 40 and info.allowed_updates == ("message",)
    assert "s3cret" not in str(info.to_dict())  # the secret is never reported back
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates(timeout=0)
    await bot.delete_webhook()
    assert (await bot.get_webhook_info()).url == ""
    assert await bot.get_updates(timeout=0) == ()


@pytest.mark.parametrize(
    ("url", "problem"),
    [("http://bot.example.org/hook", "(?i)https"), ("https://bot.example.org:8080/hook", "ports")],
)
async def test_set_webhook_refuses_what_telegram_refuses(clock_api_bot, url, problem):
    # "Ports currently supported for webhooks: 443, 80, 88, 8443"; an HTTPS URL is required.
    _, _, bot = clock_api_bot
    with pytest.raises(BadRequest, match=problem):
        await bot.set_webhook(url)
    assert (await bot.get_webhook_info()).url == ""
