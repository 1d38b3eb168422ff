"""Several instances on one PostgreSQL take updates in turn and share one send budget: the real
PTB Application of the bot, a real PostgreSQL, the fake Bot API over HTTP (one label per
instance, so the server tells them apart)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from telegram.request import HTTPXRequest

from bot.app import build_application
from bot.engine import Engine
from bot.settings import Settings
from bot.telegram.fake_http import FakeTelegram
from bot.telegram.fleet import Fleet, WebhookIsSet
from bot.telegram.polling import LeasedPoller
from bot.telegram.updates import make_chat, make_message_update, make_user

TOKEN = "7000000001:AAE2e-FleetIntakeTokenNeverLogged_x"
TTL = 3.0  # the poller lease in these tests (20 s in production)
USER = make_user(1001, "Aigerim", "en")
CHAT = make_chat("private", user=USER)


@dataclass
class Instance:
    label: str
    fleet: Fleet
    application: object
    poller: LeasedPoller

    def crash(self) -> None:
        """Die like a SIGKILL: no confirm, no lease given up, the pending poll left at Telegram."""
        for task in self.poller._tasks:
            task.cancel()


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram(TOKEN)
    await server.start()
    server.api.add_chat(CHAT)
    yield server
    await server.stop()


@pytest.fixture
async def engine(tmp_path) -> AsyncIterator[Engine]:
    engine = Engine(Settings(db_path=tmp_path / "bot.sqlite3", tz="UTC"))
    await engine.open()
    yield engine
    await engine.close()


@contextlib.asynccontextmanager
async def fleet_of(n: int, telegram: FakeTelegram, pg_url: str, engine: Engine, poll: bool = True):
    instances: list[Instance] = []
    try:
        for number in range(n):
            label = f"i{number}"
            settings = Settings(
                token=TOKEN, base_url=telegram.base_url_for(label), database_url=pg_url, tz="UTC"
            )
            fleet = await Fleet.open(settings)
            application = build_application(
                settings, HTTPXRequest(), get_updates_request=HTTPXRequest(),
                rate_limiter=fleet.rate_limiter, engine=engine,
            )  # fmt: skip
            await application.initialize()
            await application.start()
            poller = fleet.polling = LeasedPoller(application, fleet.leases, ttl=TTL)
            if poll:
                poller.start()
            instances.append(Instance(label, fleet, application, poller))
        yield instances
    finally:
        for instance in instances:
            await instance.poller.stop()
            app = instance.application
            await app.stop()  # type: ignore[attr-defined]
            await app.shutdown()  # type: ignore[attr-defined]
            await instance.fleet.close()


async def until(condition, what: str, within: float):
    deadline = time.monotonic() + within
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {within} s waiting for {what}")
        await asyncio.sleep(0.05)
    return value


def pollers(instances: list[Instance]) -> list[str]:
    return [i.label for i in instances if i.poller.active]


def replies(telegram: FakeTelegram) -> list[str]:
    """The label of the instance that sent each sendMessage."""
    api = telegram.api
    return [c for c, call in zip(telegram.call_clients, api.calls, strict=True)
            if call.method == "sendMessage"]  # fmt: skip


async def test_one_instance_polls_and_a_survivor_takes_over_within_the_lease(
    telegram, pg_url, engine
):
    async with fleet_of(3, telegram, pg_url, engine) as instances:
        [holder] = await until(lambda: pollers(instances), "a poller", 5)
        await asyncio.sleep(TTL)  # a few renewals: nobody else starts polling
        assert pollers(instances) == [holder]
        telegram.api.push_update(make_message_update("/help", CHAT, USER))
        await until(lambda: replies(telegram), "the answer", 10)
        await asyncio.sleep(0.5)
        assert replies(telegram) == [holder]  # handled once, by the poller

        crashed = next(i for i in instances if i.label == holder)
        crashed.crash()
        died = time.monotonic()
        survivors = [i for i in instances if i is not crashed]
        [heir] = await until(lambda: pollers(survivors), "a survivor polling", TTL * 2)
        took = time.monotonic() - died
        assert took <= TTL + TTL / 3 + 1.0, took  # lease expiry + one standby retry
        telegram.api.push_update(make_message_update("/help", CHAT, USER))
        await until(lambda: len(replies(telegram)) == 2, "the second answer", 10)
        assert replies(telegram)[1] == heir
        assert telegram.overlapping_polls() == []
        assert telegram.api.conflicts == 0  # no getUpdates was ended by another's


async def test_a_graceful_stop_hands_polling_over_without_waiting_for_the_lease(
    telegram, pg_url, engine
):
    async with fleet_of(2, telegram, pg_url, engine) as instances:
        [holder] = await until(lambda: pollers(instances), "a poller", 5)
        leaving = next(i for i in instances if i.label == holder)
        await leaving.poller.stop()
        stopped = time.monotonic()
        await until(lambda: pollers(instances), "the other polling", TTL)
        assert time.monotonic() - stopped < TTL  # the lease was given up, not left to expire
        assert telegram.overlapping_polls() == []


async def test_a_poller_that_cannot_renew_stops_before_its_lease_can_expire(
    telegram, pg_url, engine
):
    async with fleet_of(2, telegram, pg_url, engine) as instances:
        [holder] = await until(lambda: pollers(instances), "a poller", 5)
        cut_off = next(i for i in instances if i.label == holder)
        await cut_off.fleet.db.pool.close()  # its database connection is gone: no renewals
        other = next(i for i in instances if i is not cut_off)
        await until(lambda: other.poller.active, "the other polling", TTL * 3)
        assert not cut_off.poller.active
        await asyncio.sleep(TTL)
        assert telegram.overlapping_polls() == []  # the cut-off one stopped in time
        cut_off.poller._tasks, tasks = [], cut_off.poller._tasks
        for task in tasks:
            task.cancel()
        cut_off.fleet.db.pool = other.fleet.db.pool  # let the fixture close it once more


async def test_a_429_on_one_instance_pauses_the_others_sends(telegram, pg_url, engine):
    async with fleet_of(2, telegram, pg_url, engine, poll=False) as (a, b):
        telegram.api.fail("sendMessage", 429, retry_after=2, chat_id=CHAT["id"])
        refused = asyncio.create_task(a.application.bot.send_message(CHAT["id"], "from A"))
        await until(lambda: telegram.api.sent("sendMessage"), "A's refused send", 5)
        paused_at = time.monotonic()
        await b.application.bot.send_message(CHAT["id"], "from B")
        assert time.monotonic() - paused_at >= 1.8  # B waited out A's retry_after
        await refused  # and A's send went out after the pause (retried)
        assert [c.params["text"] for c in telegram.api.sent("sendMessage")][1:] in (
            ["from A", "from B"],
            ["from B", "from A"],
        )


async def test_the_group_limit_still_holds_under_the_fleet_budget(telegram, pg_url, engine):
    group = make_chat("group")
    telegram.api.add_chat(group)
    async with fleet_of(1, telegram, pg_url, engine, poll=False) as (a,):
        sends = [
            asyncio.create_task(a.application.bot.send_message(group["id"], f"n{n}"))
            for n in range(21)
        ]
        await until(lambda: len(telegram.api.sent("sendMessage")) == 20, "20 messages", 10)
        await asyncio.sleep(1.5)
        assert len(telegram.api.sent("sendMessage")) == 20  # the 21st waits for the minute
        for task in sends:
            task.cancel()
        await asyncio.gather(*sends, return_exceptions=True)


async def test_polling_refuses_a_bot_with_a_webhook_unless_forced(telegram, pg_url, engine):
    telegram.api.webhook_url = "https://hooks.example.org/secret-path"
    telegram.api.webhook = {"url": telegram.api.webhook_url, "max_connections": 40}
    async with fleet_of(1, telegram, pg_url, engine, poll=False) as (a,):
        with pytest.raises(WebhookIsSet, match="BOT_FORCE_POLLING") as refused:
            await a.fleet.check_webhook(a.application)
        assert "hooks.example.org" in str(refused.value)
        assert "secret-path" not in str(refused.value)
        assert telegram.api.webhook_url  # left alone
        a.fleet.settings = a.fleet.settings.with_(force_polling=True)
        await a.fleet.check_webhook(a.application)
        assert telegram.api.webhook_url == ""  # forced: deleted, so getUpdates works


async def test_healthz_tells_the_poller_from_a_standby_that_is_silent_on_purpose(
    telegram, pg_url, engine
):
    from bot.telegram.runner import RUNTIME_KEY, Runtime, health_report

    async with fleet_of(2, telegram, pg_url, engine) as instances:
        await until(lambda: pollers(instances), "a poller", 5)
        reports = {}
        for instance in instances:
            runtime = Runtime(instance.fleet.settings, "polling", fleet=instance.fleet)
            runtime.progress.last_contact = time.monotonic() - 301  # silent for 5 minutes
            instance.application.bot_data[RUNTIME_KEY] = runtime  # type: ignore[attr-defined]
            report = await health_report(instance.application)  # type: ignore[arg-type]
            reports[report["poller"]] = report["problems"]
        assert reports["standby"] == []  # waiting for the lease is not a fault
        assert [p.split(":")[0] for p in reports["active"]] == ["polling"]
