"""The scheduler finds what is due in each chat's time zone, on a real SQLite file."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.digests.schedule import (
    compute_due,
    due_deliveries,
    latest_schedule,
    next_schedule,
    scheduled_at,
)
from bot.storage.base import Subscription
from bot.storage.sqlite import open_sqlite

UTC = dt.UTC
VIENNA = ZoneInfo("Europe/Vienna")
GRACE = dt.timedelta(hours=6)
CREATED = dt.datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
async def store(tmp_path):
    repos = await open_sqlite(tmp_path / "bot.sqlite3")
    yield repos
    await repos.close()


def sub(chat_id=1, at="09:00", tz="Asia/Almaty", kind="daily", **extra) -> Subscription:
    hour, minute = map(int, at.split(":"))
    return Subscription(chat_id, kind, dt.time(hour, minute), tz, "ru", **extra)


def utc(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=UTC)


# -- pure arithmetic ---------------------------------------------------------------------------


def test_almaty_nine_oclock_is_four_utc():
    assert scheduled_at(dt.date(2026, 8, 1), dt.time(9), ZoneInfo("Asia/Almaty")) == utc(
        2026, 8, 1, 4
    )


@pytest.mark.parametrize(
    ("day", "expected_utc_hour"),
    [(dt.date(2026, 3, 28), 8), (dt.date(2026, 3, 29), 7), (dt.date(2026, 10, 25), 8)],
)
def test_vienna_follows_daylight_saving(day, expected_utc_hour):
    assert scheduled_at(day, dt.time(9), VIENNA) == utc(
        day.year, day.month, day.day, expected_utc_hour
    )


def test_nonexistent_local_time_fires_when_the_clock_jumps_past_it():
    # 29 Mar 2026: Vienna jumps from 02:00 CET to 03:00 CEST; 02:30 does not exist.
    moment = scheduled_at(dt.date(2026, 3, 29), dt.time(2, 30), VIENNA)
    assert moment == utc(2026, 3, 29, 1, 30)
    assert moment.astimezone(VIENNA).strftime("%H:%M %Z") == "03:30 CEST"


def test_ambiguous_local_time_fires_once_at_first_occurrence():
    # 25 Oct 2026: 02:30 happens at 00:30 UTC (CEST) and again at 01:30 UTC (CET).
    assert scheduled_at(dt.date(2026, 10, 25), dt.time(2, 30), VIENNA) == utc(2026, 10, 25, 0, 30)
    day, _ = latest_schedule(utc(2026, 10, 25, 1, 45), dt.time(2, 30), VIENNA)
    assert day == dt.date(2026, 10, 25)  # the second 02:30 still names the same digest


def test_latest_schedule_before_time_is_yesterdays():
    day, due = latest_schedule(utc(2026, 8, 1, 3, 59), dt.time(9), ZoneInfo("Asia/Almaty"))
    assert (day, due) == (dt.date(2026, 7, 31), utc(2026, 7, 31, 4))
    assert next_schedule(utc(2026, 8, 1, 3, 59), dt.time(9), ZoneInfo("Asia/Almaty")) == utc(
        2026, 8, 1, 4
    )


# -- the repository and due_deliveries -----------------------------------------------------------


async def test_subscription_round_trips_through_sqlite(store):
    saved = await store.subscriptions.subscribe(
        sub(7, "08:30", "Europe/Vienna", topics=("climate",), thread_id=12, created_by=99),
        now=CREATED,
    )
    assert saved.send_time == dt.time(8, 30)
    assert saved.topics == ("climate",)
    assert saved.thread_id == 12
    assert saved.created_at == CREATED
    assert [s.chat_id for s in await store.subscriptions.active()] == [7]


async def test_a_chat_holds_one_digest_kind(store):
    await store.subscriptions.subscribe(sub(1, kind="daily"), now=CREATED)
    await store.subscriptions.subscribe(sub(1, kind="anniversaries"), now=CREATED)
    assert [s.kind for s in await store.subscriptions.of_chat(1)] == ["anniversaries"]


async def test_due_in_each_time_zone(store):
    await store.subscriptions.subscribe(sub(1, "09:00", "Asia/Almaty"), now=CREATED)  # 04:00 UTC
    # 07:00 UTC in summer:
    await store.subscriptions.subscribe(sub(2, "09:00", "Europe/Vienna"), now=CREATED)
    due = await due_deliveries(store, utc(2026, 8, 1, 5), GRACE)
    assert {(d.subscription.chat_id, d.digest_key) for d in due} == {
        (1, "daily:2026-08-01"),
        (2, "daily:2026-07-31"),  # Vienna's 1 August digest is not due before 07:00 UTC
    }


async def plan(store, now):
    due = lambda subs, existing, at: compute_due(subs, existing, at, GRACE)  # noqa: E731
    return await store.deliveries.plan(due, now, GRACE, max_attempts=5)


async def test_a_logged_delivery_is_not_due_again(store):
    await store.subscriptions.subscribe(sub(1), now=CREATED)
    now = utc(2026, 8, 1, 4, 0, 30)
    (due,) = await due_deliveries(store, now, GRACE)
    assert (await plan(store, now)).queued == [(1, due.digest_key)]
    assert (await plan(store, now)).queued == []  # planned once
    [claim] = await store.deliveries.claim("A", 10, 120, now)
    assert await store.deliveries.claim("B", 10, 120, now) == []  # a second claimer loses
    assert claim.digest_key == due.digest_key
    assert await due_deliveries(store, now + dt.timedelta(minutes=1), GRACE) == []


async def test_catch_up_within_grace_and_missed_beyond(store):
    await store.subscriptions.subscribe(sub(1), now=CREATED)
    (late,) = await due_deliveries(store, utc(2026, 8, 1, 9, 59), GRACE)
    assert not late.late  # down from 04:00 to 09:59 UTC: under six hours late, still sent
    (missed,) = await due_deliveries(store, utc(2026, 8, 1, 10, 1), GRACE)
    assert missed.late and missed.digest_key == "daily:2026-08-01"


async def test_first_digest_is_the_next_schedule_after_subscribing(store):
    # 11:00 in Almaty, after 09:00:
    await store.subscriptions.subscribe(sub(1), now=utc(2026, 8, 1, 6))
    assert await due_deliveries(store, utc(2026, 8, 1, 7), GRACE) == []
    (due,) = await due_deliveries(store, utc(2026, 8, 2, 4), GRACE)
    assert due.digest_key == "daily:2026-08-02"


async def test_subscribing_during_the_send_minute_still_gets_todays_digest(store):
    moment = utc(2026, 8, 1, 4).replace(second=20, microsecond=500_000)  # 09:00:20.5 in Almaty
    await store.subscriptions.subscribe(sub(1), now=moment)
    (due,) = await due_deliveries(store, moment, GRACE)
    assert due.digest_key == "daily:2026-08-01"


async def test_inactive_and_unknown_zone_are_never_due(store):
    await store.subscriptions.subscribe(sub(1), now=CREATED)
    await store.subscriptions.subscribe(sub(2, tz="Mars/Olympus"), now=CREATED)
    reason = "403 Forbidden: bot was blocked by the user"
    assert await store.subscriptions.deactivate(1, reason) == 1
    assert await due_deliveries(store, utc(2026, 8, 1, 5), GRACE) == []
    (first,) = await store.subscriptions.of_chat(1)
    assert not first.active and "blocked" in first.inactive_reason


async def test_migration_moves_subscription_and_log(store):
    await store.chats.upsert(-100, "group", title="Desk")
    await store.subscriptions.subscribe(sub(-100), now=CREATED)
    await plan(store, utc(2026, 7, 31, 4))
    await store.chats.migrate(-100, -1001234)
    assert await store.subscriptions.of_chat(-100) == []
    assert [s.chat_id for s in await store.subscriptions.of_chat(-1001234)] == [-1001234]
    assert await store.deliveries.get(-1001234, "daily:2026-07-31") is not None
    assert (await store.chats.get(-100)).migrated_to == -1001234
    assert (await store.chats.get(-1001234)).title == "Desk"


async def test_an_expired_claim_is_taken_over_once(store):
    await store.subscriptions.subscribe(sub(1), now=CREATED)
    claimed = utc(2026, 8, 1, 4)
    await plan(store, claimed)
    [first] = await store.deliveries.claim("A", 10, lease=300, now=claimed)
    later = claimed + dt.timedelta(minutes=10)  # A died: its lease ran out
    [taken] = await store.deliveries.claim("B", 10, lease=300, now=later)
    assert await store.deliveries.claim("C", 10, lease=300, now=later) == []  # now fresh
    assert (taken.attempts, taken.token != first.token) == (2, True)
    assert not await store.deliveries.complete(first, "sent", now=later)  # A is fenced off
    assert (await store.deliveries.get(1, "daily:2026-08-01")).attempts == 2
