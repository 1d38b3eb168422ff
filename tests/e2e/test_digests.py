"""End to end: digests over real HTTP — a 429 waited out, a 403 that deactivates, and a SIGTERM
in the middle of a broadcast followed by a restart that sends nothing twice.

Chat A subscribes through Telegram (/subscribe daily HH:MM, due at once). Chats B and C were
subscribed earlier (rows written before the bot starts) for a time two minutes ago. B answers
the first digest message with 429 retry_after=3; the bot gets SIGTERM while it waits. C has
blocked the bot (403 for ever).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import socket
import sys
import urllib.request
from collections import Counter

from bot.settings import PROJECT_ROOT
from bot.storage.base import Subscription
from bot.storage.sqlite import open_sqlite
from bot.telegram.updates import make_chat, make_message_update, make_user
from tests.e2e.botprocess import BotProcess, until
from tests.e2e.conftest import FAKE_TOKEN

A, B, C = (make_user(1000 + n, f"User{n}", "en") for n in (1, 2, 3))
RETRY_AFTER = 3


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def healthz(port: int) -> dict:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return json.loads(response.read())
    except OSError:
        return {}


async def docker_healthcheck(port: int) -> int:
    """Run the image's HEALTHCHECK (`python -m bot.telegram.health`); return its exit code."""
    probe = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.telegram.health", cwd=PROJECT_ROOT,
        env={**os.environ, "BOT_HEALTH_PORT": str(port)},
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    return await asyncio.wait_for(probe.wait(), 15)


async def subscribe_earlier(db_path, chats: list[dict], send_time: dt.time) -> None:
    """Write subscriptions made yesterday, as a previous run of the bot would have."""
    yesterday = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    store = await open_sqlite(db_path)
    try:
        for user in chats:
            await store.chats.upsert(user["id"], "private")
            await store.subscriptions.subscribe(
                Subscription(user["id"], "daily", send_time, "UTC", "en"), now=yesterday
            )
    finally:
        await store.close()


async def read_db(db_path) -> tuple[dict, dict]:
    """(subscription of each chat, today's delivery row of each chat) from the bot's database."""
    store = await open_sqlite(db_path)
    try:
        subs = {u["id"]: (await store.subscriptions.of_chat(u["id"]))[0] for u in (A, B, C)}
        rows = {row.chat_id: row for row in await store.deliveries.all()}
    finally:
        await store.close()
    return subs, rows


def bot_texts(telegram, chat_id: int) -> list[str]:
    """What the bot successfully posted in a chat (as Telegram stored it)."""
    return [
        message.get("text", "")
        for (chat, _), message in sorted(telegram.api.messages.items())
        if chat == chat_id and message.get("from", {}).get("is_bot")
    ]


async def test_digests_survive_429_403_and_a_restart(tmp_path, telegram):
    db_path = tmp_path / "bot.sqlite3"
    now = dt.datetime.now(dt.UTC)
    if now.second >= 50:  # A subscribes for the current minute: do not straddle its end
        await asyncio.sleep(61 - now.second)
        now = dt.datetime.now(dt.UTC)
    await subscribe_earlier(db_path, [B, C], (now - dt.timedelta(minutes=2)).time())
    for user in (A, B, C):
        telegram.api.add_chat(make_chat(user=user))
    telegram.api.fail("sendMessage", 429, chat_id=B["id"], retry_after=RETRY_AFTER)
    telegram.api.fail("sendMessage", 403, chat_id=C["id"], times=None)
    health_port = free_port()
    bot = BotProcess(
        {
            "TELEGRAM_BOT_TOKEN": FAKE_TOKEN,
            "TELEGRAM_BASE_URL": telegram.base_url,
            "BOT_DB": str(db_path),
            "BOT_TZ": "UTC",
            "BOT_SEND_EMPTY_DIGESTS": "1",
            "BOT_TICK_SECONDS": "1",
            "BOT_HEALTH_PORT": str(health_port),
            "BOT_ADMINS": "",
        },
        tmp_path / "bot.log",
    )
    await bot.start()
    try:
        # A subscribes through Telegram, for this very minute.
        subscribe = make_message_update(f"/subscribe daily {now:%H:%M}", make_chat(user=A), A)
        telegram.api.push_update(subscribe)
        await until(lambda: len(bot_texts(telegram, A["id"])) >= 2, "A's confirmation and digest",
                    30, bot)  # fmt: skip

        # B's first digest message was answered 429; stop the bot while it waits that out.
        await until(lambda: telegram.api.sent("sendMessage", B["id"]), "B's 429", 15, bot)
        assert await bot.stop() == 0, bot.tail()  # SIGTERM: the broadcast in flight finishes
        wal = db_path.with_name(db_path.name + "-wal")
        assert not wal.exists(), "the database was not closed (its WAL is still there)"
        to_b = [n for n, call in enumerate(telegram.api.calls) if call.chat_id == B["id"]]
        assert len(to_b) >= 2, "the bot gave up on B instead of waiting out the 429"
        waited = telegram.call_times[to_b[1]] - telegram.call_times[to_b[0]]
        assert waited >= RETRY_AFTER - 0.1, f"retried B after {waited:.1f} s, asked {RETRY_AFTER}"

        subs, rows = await read_db(db_path)
        assert not subs[C["id"]].active
        assert "403" in (subs[C["id"]].inactive_reason or "")
        assert rows[A["id"]].status == rows[B["id"]].status == "sent"
        assert bot_texts(telegram, C["id"]) == []

        # Restart on the same database: ticks run, nothing is sent twice.
        sent_before = {u["id"]: bot_texts(telegram, u["id"]) for u in (A, B)}
        calls_before = len(telegram.api.calls)
        await bot.start()
        first = await until(lambda: healthz(health_port).get("last_tick"), "a tick", 20, bot)
        await until(lambda: healthz(health_port).get("last_tick", first) != first,
                    "a second tick", 10, bot)  # fmt: skip
        report = healthz(health_port)
        assert report["ok"] is True and report["db"] == "ok" and report["seeds_fingerprint"]
        assert report["tick"] == "ok"
        assert await docker_healthcheck(health_port) == 0
        assert await bot.stop() == 0, bot.tail()
    finally:
        if bot.running:
            await bot.stop()

    new_sends = [c for c in telegram.api.calls[calls_before:] if c.method == "sendMessage"]
    assert new_sends == []
    for user in (A, B):
        texts = bot_texts(telegram, user["id"])
        assert texts == sent_before[user["id"]]
        digest = texts[1:] if user is A else texts  # A's first message confirmed /subscribe
        assert max(Counter(digest).values()) == 1, f"a digest part went twice to {user['id']}"
        assert len(rows[user["id"]].message_ids) == len(digest)
    output = bot.output()
    assert FAKE_TOKEN not in output and FAKE_TOKEN.split(":")[1] not in output
