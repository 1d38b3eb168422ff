"""End to end: three bot processes on one PostgreSQL and the fake Bot API over HTTP, each under
its own label. 300 chats are due at 09:00; the polling instance is SIGKILLed while it holds
digest claims. Every chat still gets its digest, only digests that were in flight may arrive
twice, no two getUpdates are ever open at once, and a survivor polls within 30 s."""

from __future__ import annotations

import asyncio
import datetime as dt
import signal
import time

from bot.settings import Settings
from bot.storage.base import Subscription
from bot.telegram.updates import make_chat, make_message_update, make_user
from tests.e2e.botprocess import BotProcess, until
from tests.e2e.conftest import FAKE_TOKEN

CHATS = 300
CLAIM_LEASE = 5  # seconds (120 in production): the killed instance's claims are rescued after it
POLLER_TAKEOVER = 30  # seconds: what the README promises (a 20 s lease, standbys try every 7 s)


async def subscribe_at_nine(url: str, chat_ids: list[int]) -> None:
    """Subscriptions made two days ago, daily at 09:00 UTC: with 24 hours of grace, today's (or
    yesterday's) 09:00 is due whenever the test runs."""
    from bot.storage import open_repositories

    store = await open_repositories(Settings(database_url=url))
    then = dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
    try:
        for chat_id in chat_ids:
            await store.chats.upsert(chat_id, "private", now=then)
            await store.subscriptions.subscribe(
                Subscription(chat_id, "daily", dt.time(9, 0), "UTC", "en"), now=then
            )
    finally:
        await store.close()


async def claims_of(url: str, pid: int) -> list[int]:
    """Chats whose digest the process `pid` holds a claim on now (claimed_by host:pid:…)."""
    import asyncpg

    connection = await asyncpg.connect(url)
    try:
        rows = await connection.fetch(
            "SELECT chat_id FROM deliveries WHERE status = 'pending' AND claimed_by LIKE $1",
            f"%:{pid}:%",
        )
    finally:
        await connection.close()
    return [row["chat_id"] for row in rows]


def received(telegram) -> dict[int, list[str]]:
    """Every digest message each chat received, in order."""
    texts: dict[int, list[str]] = {}
    for (chat_id, _), message in sorted(telegram.api.messages.items()):
        if message.get("from", {}).get("is_bot"):
            texts.setdefault(chat_id, []).append(message.get("text", ""))
    return texts


async def test_three_instances_survive_a_sigkill_mid_broadcast(tmp_path, telegram, pg_url):
    users = [make_user(600_000 + n, f"Chat{n}", "en") for n in range(CHATS)]
    for user in users:
        telegram.api.add_chat(make_chat(user=user))
    ids = [user["id"] for user in users]
    await subscribe_at_nine(pg_url, ids)
    env = {
        "TELEGRAM_BOT_TOKEN": FAKE_TOKEN, "BOT_DATABASE_URL": pg_url, "BOT_TZ": "UTC",
        "BOT_TICK_SECONDS": "1", "BOT_DIGEST_GRACE_HOURS": "24", "BOT_SEND_EMPTY_DIGESTS": "1",
        "BOT_CLAIM_LEASE_SECONDS": str(CLAIM_LEASE), "BOT_DB": str(tmp_path / "unused.sqlite3"),
    }  # fmt: skip
    labels = [f"i{n}" for n in range(3)]
    bots = {
        label: BotProcess(
            {**env, "TELEGRAM_BASE_URL": telegram.base_url_for(label)}, tmp_path / f"{label}.log"
        )
        for label in labels
    }
    try:
        await asyncio.gather(*(bot.start() for bot in bots.values()))
        sent = lambda: telegram.api.sent("sendMessage")  # noqa: E731
        await until(lambda: len(sent()) >= 30 and telegram.polls, "the broadcast to begin", 60)
        poller = telegram.polls[-1].client  # the one instance polling
        victim = bots[poller]
        assert victim.process is not None
        deadline = time.monotonic() + 30
        while not await claims_of(pg_url, victim.process.pid):  # kill it mid-broadcast,
            assert time.monotonic() < deadline, "the poller never held a digest claim"
            await asyncio.sleep(0.05)  # while it holds claims with sends in flight
        victim.process.kill()
        killed_at = time.monotonic()
        await victim.process.wait()
        held = await claims_of(pg_url, victim.process.pid)  # what it held when it died
        assert held  # (nobody may take them over before their lease runs out)
        survivors = {label: bot for label, bot in bots.items() if label != poller}

        # Every chat gets its digest: the survivors take the dead claims over after the lease.
        await until(lambda: set(ids) <= set(received(telegram)), "a digest in every chat",
                    CLAIM_LEASE + 40)  # fmt: skip
        # A survivor takes the polling over and answers.
        taken = await until(
            lambda: [p for p in telegram.polls if p.client in survivors and p.started > killed_at],
            "a survivor polling", POLLER_TAKEOVER + 5,
        )  # fmt: skip
        took = taken[0].started - killed_at
        before = len(telegram.api.sent("sendMessage", ids[0]))
        telegram.api.push_update(make_message_update("/help", make_chat(user=users[0]), users[0]))
        await until(lambda: len(telegram.api.sent("sendMessage", ids[0])) > before,
                    "the answer to /help", 15)  # fmt: skip
        duplicated = {chat for chat, texts in received(telegram).items()
                      if chat in set(ids) and len(texts) != len(set(texts))}  # fmt: skip
        print(f"\nkilled {poller} holding {len(held)} claims; a survivor polled {took:.1f} s"
              f" later; {len(duplicated)} chats got a message twice")  # fmt: skip
        assert took <= POLLER_TAKEOVER
        assert telegram.overlapping_polls() == []  # never two getUpdates at once
        assert duplicated <= set(held), duplicated - set(held)  # only what was in flight
        assert len(duplicated) <= len(held)
        for label, bot in survivors.items():
            assert await bot.stop(within=15) == 0, bot.tail()
            assert "Traceback" not in bot.output(), (label, bot.tail())
    finally:
        for bot in bots.values():
            if bot.running:
                await bot.stop(signal.SIGKILL)
