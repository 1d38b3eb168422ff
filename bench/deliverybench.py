"""The delivery phase: push digests through the real Broadcaster to a fake Bot API over HTTP.

The bot is the production one (`build_application` with PTB's HTTPXRequest, TELEGRAM_BASE_URL
pointing at bench/fakeserver.py on 127.0.0.1), the sender is `bot.digests.broadcast.Broadcaster`
with the scheduler's compositions (`DigestCompositions`), on a copy of a prepared database. Two
runs:
- raw: the rate limiter off, every subscribed chat due at once: messages per second;
- limited: AIORateLimiter on (as in production), counted over a bounded window after a warm-up,
  as a fraction of Telegram's 30 messages/s.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from bench.common import bench_settings, dataset_paths, memory

TOKEN = "123456789:bench-token-for-the-local-fake-server"


async def start_fake_server(db_path: Path) -> tuple[asyncio.subprocess.Process, int]:
    """Start bench/fakeserver.py (the fake Bot API over HTTP) knowing the chats of `db_path`;
    the process and the port it listens on."""
    server = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "bench.fakeserver", "--token", TOKEN, "--db", str(db_path)),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert server.stdout is not None
    return server, int(await server.stdout.readline())


async def stop_fake_server(server: asyncio.subprocess.Process) -> str:
    """Stop the fake server (closing its stdin); what it printed last (messages it received)."""
    assert server.stdin is not None and server.stdout is not None
    server.stdin.close()
    received = (await server.stdout.read()).decode().strip()
    await server.wait()
    return received
TELEGRAM_BULK_RATE = 30.0  # messages per second, Telegram's documented bulk limit
WARMUP_S = 1.0


class CountingBot:
    """Passes `send_message` on to the real bot and notes when each message was accepted."""

    def __init__(self, bot) -> None:
        self.bot = bot
        self.sent_at: list[float] = []
        self.first_sent = asyncio.Event()

    @property
    def rate_limiter(self):
        return self.bot.rate_limiter  # the Broadcaster sizes its concurrency by it

    async def send_message(self, *args, **kwargs):
        message = await self.bot.send_message(*args, **kwargs)
        self.sent_at.append(time.perf_counter())
        self.first_sent.set()
        return message


def copy_database(data: Path, folder: Path, chats: int) -> Path:
    """A copy of the data set's database keeping only the first `chats` subscriptions."""
    _, source = dataset_paths(data)
    target = folder / "bot.sqlite3"
    shutil.copyfile(source, target)
    with sqlite3.connect(target) as db:
        db.execute(
            "DELETE FROM subscriptions WHERE chat_id NOT IN"
            " (SELECT chat_id FROM subscriptions ORDER BY chat_id LIMIT ?)",
            (chats,),
        )
        db.execute("DELETE FROM deliveries")
    return target


async def broadcast(data: Path, chats: int, limiter: bool, window: float | None) -> dict:
    """Run one tick to `chats` chats; with `window`, count only that many seconds of it."""
    from bot.app import build_application
    from bot.digests.broadcast import Broadcaster, DeliveryPolicy
    from bot.digests.composer import DigestCompositions

    with tempfile.TemporaryDirectory() as folder:
        db_path = copy_database(data, Path(folder), chats)
        server, port = await start_fake_server(db_path)
        try:
            settings = bench_settings(data).with_(
                token=TOKEN, base_url=f"http://127.0.0.1:{port}", db_path=db_path
            )
            application = build_application(settings, rate_limiter=limiter)
            await application.initialize()
            await application.post_init(application)
            engine = application.bot_data["engine"]

            compose = DigestCompositions(engine, send_empty=True)  # as the tick job does
            bot = CountingBot(application.bot)
            policy = DeliveryPolicy(grace=dt.timedelta(days=2))  # every chat due, none late
            broadcaster = Broadcaster(engine, bot, compose, policy)  # type: ignore[arg-type]
            started = time.perf_counter()
            tick = asyncio.create_task(broadcaster.tick(dt.datetime.now(dt.UTC)))
            figures: dict = {"chats": chats, "rate_limiter": limiter}
            if window is None:
                report = await tick
                elapsed = time.perf_counter() - started
                sent = len(bot.sent_at)
                first = bot.sent_at[0] if sent else started
                figures.update(
                    messages=sent,
                    chats_sent=len(report.sent),
                    failed=len(report.failed),
                    tick_s=elapsed,
                    msgs_per_s_tick=sent / elapsed,
                    msgs_per_s_sending=sent / max(bot.sent_at[-1] - first, 1e-9) if sent else 0,
                )
            else:
                first = asyncio.create_task(bot.first_sent.wait())
                await asyncio.wait({first, tick}, return_when=asyncio.FIRST_COMPLETED)
                first.cancel()
                begin = (bot.sent_at[0] if bot.sent_at else started) + WARMUP_S
                await asyncio.sleep(max(0.0, begin + window - time.perf_counter()))
                tick.cancel()
                await asyncio.gather(tick, return_exceptions=True)
                counted = [t for t in bot.sent_at if begin <= t < begin + window]
                rate = len(counted) / window
                figures.update(
                    messages=len(bot.sent_at),
                    window_s=window,
                    window_messages=len(counted),
                    msgs_per_s=rate,
                    fraction_of_allowed=rate / TELEGRAM_BULK_RATE,
                )
            await application.post_shutdown(application)
            await application.shutdown()
        finally:
            figures_server = await stop_fake_server(server)
    figures["server_received"] = int(figures_server or 0)
    return {**figures, **memory()}


async def delivery(data: Path, chats: int, window: float) -> dict:
    """Both runs: raw (limiter off) to `chats` chats, limited over `window` seconds."""
    raw = await broadcast(data, chats, limiter=False, window=None)
    limited_chats = int((window + WARMUP_S + 3) * TELEGRAM_BULK_RATE * 1.5)
    limited = await broadcast(data, limited_chats, limiter=True, window=window)
    return {"raw": raw, "limited": limited}
