"""End to end: webhook mode — the bot registers its URL with the secret and accepts only updates
that carry it; without BOT_WEBHOOK_SECRET it refuses to start."""

from __future__ import annotations

import asyncio
import json
import socket
import urllib.error
import urllib.request

from bot.telegram.updates import make_chat, make_message_update, make_user
from tests.e2e.botprocess import BotProcess, until
from tests.e2e.conftest import FAKE_TOKEN

SECRET = "e2e-Webhook_secret-0123456789"
USER = make_user(1201, "Dana", "en")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def post_update(port: int, update: dict, secret: str | None) -> int:
    """POST an update to the bot's webhook as Telegram would; return the HTTP status."""
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/telegram/hook", json.dumps(update).encode(), headers
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0  # not listening yet


def webhook_env(telegram, tmp_path, port: int, secret: str) -> dict[str, str]:
    return {
        "TELEGRAM_BOT_TOKEN": FAKE_TOKEN,
        "TELEGRAM_BASE_URL": telegram.base_url,
        "BOT_DB": str(tmp_path / "bot.sqlite3"),
        "BOT_WEBHOOK_URL": "https://bot.example.org/telegram/hook",
        "BOT_WEBHOOK_LISTEN": "127.0.0.1",
        "BOT_WEBHOOK_PORT": str(port),
        "BOT_WEBHOOK_SECRET": secret,
    }


async def test_webhook_accepts_only_updates_with_the_secret(tmp_path, telegram):
    port = free_port()
    bot = BotProcess(webhook_env(telegram, tmp_path, port, SECRET), tmp_path / "bot.log")
    await bot.start()
    try:
        [registered] = await until(lambda: telegram.api.sent("setWebhook"), "setWebhook", 20, bot)
        assert registered.params["url"] == "https://bot.example.org/telegram/hook"
        assert registered.params["secret_token"] == SECRET

        def update() -> dict:
            return telegram.api.receive(make_message_update("/help", make_chat(user=USER), USER))

        # The webhook server may need a moment after setWebhook to accept connections.
        for _ in range(100):
            if (status := await asyncio.to_thread(post_update, port, update(), "wrong")) != 0:
                break
            await asyncio.sleep(0.1)
        assert status == 403
        assert await asyncio.to_thread(post_update, port, update(), None) == 403
        assert telegram.api.sent("sendMessage", USER["id"]) == []

        assert await asyncio.to_thread(post_update, port, update(), SECRET) == 200
        [reply] = await until(
            lambda: telegram.api.sent("sendMessage", USER["id"]), "the /help reply", 10, bot
        )
        assert "/lang" in reply.params["text"]
        assert await bot.stop() == 0, bot.tail()
    finally:
        if bot.running:
            await bot.stop()
    output = bot.output()
    assert SECRET not in output
    assert FAKE_TOKEN.split(":")[1] not in output


async def test_webhook_mode_refuses_to_start_without_a_secret(tmp_path, telegram):
    bot = BotProcess(webhook_env(telegram, tmp_path, free_port(), ""), tmp_path / "bot.log")
    await bot.start()
    assert await bot.wait() == 2
    assert "BOT_WEBHOOK_SECRET is required" in bot.output()
    assert telegram.api.calls == []  # not even getMe: nothing was started
