"""End to end: `python -m bot run` as a process, talking HTTP to a fake Bot API on 127.0.0.1.

One bot process serves every test in this module: a private conversation, a group command
addressed as /cmd@botname, a button press, and the check that the token never reaches the
bot's output.
"""

from __future__ import annotations

import pytest
import pytest_asyncio

from bot.telegram.fake_http import FakeTelegram
from bot.telegram.updates import make_callback_update, make_chat, make_message_update, make_user
from tests.e2e.botprocess import BotProcess, until
from tests.e2e.conftest import FAKE_TOKEN

pytestmark = pytest.mark.asyncio(loop_scope="module")

ALICE = make_user(1001, "Алия", "ru")
GROUP = make_chat("group", chat_id=-1001000000001, title="Press <office> & co")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def running(tmp_path_factory):
    """The fake Telegram server and the bot polling it, ready for updates."""
    tmp = tmp_path_factory.mktemp("e2e-conversation")
    telegram = FakeTelegram(FAKE_TOKEN)
    await telegram.start()
    bot = BotProcess(
        {
            "TELEGRAM_BOT_TOKEN": FAKE_TOKEN,
            "TELEGRAM_BASE_URL": telegram.base_url,
            "BOT_DB": str(tmp / "bot.sqlite3"),
            "BOT_LOG_LEVEL": "DEBUG",  # the most talkative level must still not leak the token
        },
        tmp / "bot.log",
    )
    await bot.start()
    try:
        await until(lambda: telegram.api.sent("getUpdates"), "the bot to poll", 30, bot)
        yield telegram, bot
    finally:
        if bot.running:
            assert await bot.stop() == 0, bot.tail()
        await telegram.stop()


async def exchange(
    telegram: FakeTelegram,
    bot: BotProcess,
    update: dict,
    method: str = "sendMessage",
    chat_id: int | None = None,
    count: int = 1,
) -> list:
    """Push `update` to getUpdates and wait for `count` calls of `method` (to `chat_id`)."""
    start = len(telegram.api.calls)
    telegram.api.push_update(update)

    def answered() -> list:
        calls = [
            call
            for call in telegram.api.calls[start:]
            if call.method == method and (chat_id is None or call.chat_id == chat_id)
        ]
        return calls if len(calls) >= count else []

    return await until(answered, f"{method} after {update}", 15, bot)


def has_command(name: str) -> bool:
    """Whether the bot's Application has a CommandHandler for /name."""
    from bot.app import build_application
    from bot.settings import Settings

    application = build_application(Settings.from_env({}, dotenv=False), rate_limiter=False)
    return any(
        name in getattr(handler, "commands", ())
        for group in application.handlers.values()
        for handler in group
    )


def keyboard_message(telegram: FakeTelegram, chat_id: int) -> dict:
    """The latest message with buttons the bot sent to `chat_id`."""
    return [
        message
        for (chat, _), message in sorted(telegram.api.messages.items())
        if chat == chat_id and message.get("reply_markup")
    ][-1]


async def test_private_conversation(running):
    telegram, bot = running
    start = make_message_update("/start", make_chat(user=ALICE), ALICE)
    [reply] = await exchange(telegram, bot, start, chat_id=ALICE["id"])
    assert "Алия" in reply.params["text"]
    assert reply.params["parse_mode"] == "HTML"
    if not has_command("minister"):
        pytest.skip("no /minister handler is wired into bot/app.py yet")
    [answer] = await exchange(
        telegram,
        bot,
        make_message_update("/minister Koshербаев", make_chat(user=ALICE), ALICE),
        chat_id=ALICE["id"],
    )
    assert "Кошербаев" in answer.params["text"] or "Көшербаев" in answer.params["text"]


async def test_group_commands_addressed_to_this_bot_only(running):
    telegram, bot = running
    username = telegram.api.username
    telegram.api.push_update(make_message_update("/help@SomeOtherBot", GROUP, ALICE))
    [reply] = await exchange(
        telegram, bot, make_message_update(f"/help@{username}", GROUP, ALICE), chat_id=GROUP["id"]
    )
    assert "/lang" in reply.params["text"]
    # Updates are processed in order: the reply to /help@ours came after /help@SomeOtherBot
    # had been handled, and that one got no answer.
    assert len(telegram.api.sent("sendMessage", chat_id=GROUP["id"])) == 1


async def test_button_press_is_answered(running):
    telegram, bot = running
    chat = make_chat(user=ALICE)
    [menu] = await exchange(
        telegram, bot, make_message_update("/lang", chat, ALICE), chat_id=ALICE["id"]
    )
    keyboard = menu.params["reply_markup"]["inline_keyboard"]
    kazakh = next(b for row in keyboard for b in row if b["callback_data"].endswith("kk"))
    message = keyboard_message(telegram, ALICE["id"])

    press = make_callback_update(kazakh["callback_data"], message, ALICE)
    await exchange(telegram, bot, press, method="answerCallbackQuery")
    [edit] = await until(
        lambda: telegram.api.sent("editMessageText", chat_id=ALICE["id"]),
        "the language confirmation",
        10,
        bot,
    )
    assert "қазақ" in edit.params["text"]
    assert not telegram.api.unanswered_callbacks

    forged = make_callback_update("zz:" + "я" * 20, message, ALICE)
    [answer] = await exchange(telegram, bot, forged, method="answerCallbackQuery")
    assert answer.params.get("show_alert") in (True, "true")
    assert not telegram.api.unanswered_callbacks


async def test_token_never_appears_in_the_output(running):
    telegram, bot = running
    output = bot.output()
    assert "polling" in output.lower() or "starting" in output.lower()  # we did capture logs
    assert FAKE_TOKEN not in output
    assert FAKE_TOKEN.split(":")[1] not in output
    assert telegram.foreign_tokens == 0
