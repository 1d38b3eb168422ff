"""The digest tick on the monotonic clock: the wall clock stepped back an hour (NTP correction,
VM restore) and forward again, and every digest that falls due goes out, once.

The real Application (in-process Bot API, real SQLite) with the runner's runtime, as
`python -m bot run` starts it; time-machine moves the wall clock (datetime.now, time.time, at C
level, so APScheduler sees it too) while the monotonic clock runs on, as on a real machine.
APScheduler's interval trigger, armed from the wall clock, stalled for the hour the clock went
back (0 of 20 due digests, found by the red team); the monotonic ticker does not.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time

import time_machine

from bot.app import build_application
from bot.settings import Settings
from bot.storage.base import Subscription
from bot.telegram.fake_api import FakeBotAPI
from bot.telegram.inprocess import InProcessRequest
from bot.telegram.runner import attach_runtime
from bot.telegram.updates import make_chat, make_user

DAY = dt.date(2026, 6, 1)


def at(hour: int, minute: int, second: int = 0) -> dt.datetime:
    return dt.datetime.combine(DAY, dt.time(hour, minute, second), dt.UTC)


async def wait_for(condition, within: float) -> None:
    deadline = time.monotonic() + within
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def test_every_due_digest_goes_out_once_across_wall_clock_steps(tmp_path):
    settings = Settings.from_env(
        {"BOT_DB": str(tmp_path / "bot.sqlite3"), "BOT_TZ": "UTC", "BOT_TICK_SECONDS": "0.2",
         "BOT_SEND_EMPTY_DIGESTS": "1"},
        dotenv=False,
    )  # fmt: skip
    api = FakeBotAPI()
    groups = {"09:00": range(1, 6), "08:01": range(11, 16), "09:02": range(21, 26)}
    for ids in groups.values():
        for chat_id in ids:
            api.add_chat(make_chat("private", user=make_user(chat_id)))
    application = build_application(settings, InProcessRequest(api), rate_limiter=False)
    runtime = attach_runtime(application, settings, "polling")
    with time_machine.travel(at(9, 0, 30), tick=True) as clock:
        await application.initialize()
        await application.post_init(application)
        store = application.bot_data["engine"]

        async def subscribe(send_time: str, ids: range, now: dt.datetime) -> None:
            for chat_id in ids:
                await store.chats.upsert(chat_id, "private")
                sub = Subscription(chat_id, "daily", dt.time.fromisoformat(send_time), "UTC", "en")
                await store.subscriptions.subscribe(sub, now=now)

        def served(ids: range) -> bool:
            return all(api.sent("sendMessage", chat_id) for chat_id in ids)

        await subscribe("09:00", groups["09:00"], now=at(9, 0, 30) - dt.timedelta(days=1))
        await application.start()
        runtime.ticker.start(application)  # as serve() does
        try:
            await wait_for(lambda: served(groups["09:00"]), 10)

            clock.move_to(at(8, 0, 56))  # an hour back: 08:01 comes in four seconds
            await subscribe("08:01", groups["08:01"], now=at(8, 0, 56))
            await wait_for(lambda: served(groups["08:01"]), 15)

            await subscribe("09:02", groups["09:02"], now=at(8, 1, 30))
            clock.move_to(at(9, 1, 57))  # and forward again: 09:02 comes in three seconds
            await wait_for(lambda: served(groups["09:02"]), 15)
            await asyncio.sleep(1)  # a few more ticks: nothing more goes out
        finally:
            await runtime.ticker.stop()
            await application.stop()
            rows = await store.deliveries.all()
            await application.post_shutdown(application)
            await application.shutdown()
    sent = {(row.chat_id, row.digest_key): row for row in rows if row.status == "sent"}
    for ids in groups.values():
        for chat_id in ids:
            assert [key for chat, key in sent if chat == chat_id] == ["daily:2026-06-01"]
            row = sent[(chat_id, "daily:2026-06-01")]
            assert len(api.sent("sendMessage", chat_id)) == len(row.message_ids)  # once
    assert runtime.ticker.lag < 1.0


async def test_stopping_waits_for_the_tick_under_way_and_what_it_started():
    """PTB shields a job's run from cancellation: a tick stopped mid-run still goes on, and a
    broadcast it started after the stop returned would outlive the engine (seen in the fleet
    e2e as EngineClosed at shutdown). `stop` returns only once the tick's run has ended."""
    from telegram.ext import Application

    from bot.telegram.ticker import MonotonicTicker

    entered, release, started = asyncio.Event(), asyncio.Event(), []

    async def tick(context) -> None:
        entered.set()
        await release.wait()
        started.append(asyncio.create_task(asyncio.sleep(0), name="digest-broadcast"))

    application = Application.builder().token("123:TEST").build()
    assert application.job_queue is not None
    job = application.job_queue.run_repeating(tick, interval=3600, first=3600)
    ticker = MonotonicTicker(job, every=60, first=0)
    ticker.start(application)
    await asyncio.wait_for(entered.wait(), 5)
    stopping = asyncio.create_task(ticker.stop())
    await asyncio.sleep(0.05)
    assert not stopping.done()  # the tick is still under way
    release.set()
    await asyncio.wait_for(stopping, 5)
    assert started  # the broadcast it started exists when stop returns, to be gathered
    await asyncio.gather(*started)
