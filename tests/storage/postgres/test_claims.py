"""The delivery log's claims on a real PostgreSQL: shared work, leases, fencing, one planner."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools

from bot.digests.schedule import compute_due
from bot.storage.base import Subscription
from bot.storage.postgres.database import PgDatabase
from bot.storage.postgres.deliveries import PgDeliveries
from bot.storage.postgres.subscriptions import PgSubscriptions

GRACE = dt.timedelta(hours=6)


async def subscribe_many(store: PgSubscriptions, count: int, now: dt.datetime) -> None:
    send_time = (now - dt.timedelta(minutes=1)).time().replace(second=0, microsecond=0)
    yesterday = now - dt.timedelta(days=1)
    for chat_id in range(1, count + 1):
        await store.subscribe(Subscription(chat_id, "daily", send_time, "UTC", "en"), yesterday)


async def plan(log: PgDeliveries, now: dt.datetime | None = None):
    compute = functools.partial(compute_due, grace=GRACE)
    return await log.plan(compute, now, GRACE, max_attempts=5)


async def test_two_instances_share_the_work_and_send_each_digest_once(pg_url):
    async with await PgDatabase.open(pg_url) as a, await PgDatabase.open(pg_url) as b:
        now = await a.clock()
        await subscribe_many(PgSubscriptions(a), 400, now)
        planned = await asyncio.gather(plan(PgDeliveries(a)), plan(PgDeliveries(b)))
        assert sum(len(p.queued) for p in planned if p) == 400  # planned once between them

        sent: dict[str, list[tuple[int, str]]] = {"A": [], "B": []}

        async def sender(db: PgDatabase, name: str) -> None:
            log = PgDeliveries(db)
            while claims := await log.claim(name, 5, lease=30):
                for claim in claims:
                    await asyncio.sleep(0)
                    assert await log.complete(claim, "sent", message_ids=[1])
                    sent[name].append((claim.chat_id, claim.digest_key))

        await asyncio.gather(*(sender(db, name) for db, name in [(a, "A"), (b, "B")] * 4))
        everything = sent["A"] + sent["B"]
        assert len(everything) == len(set(everything)) == 400
        assert sent["A"] and sent["B"]  # both did work: nobody waited for the other to finish
        statuses = await a.pool.fetch("SELECT status, count(*) FROM deliveries GROUP BY status")
        assert dict(statuses) == {"sent": 400}


async def test_a_stalled_owner_loses_its_claim_and_its_late_writes_are_refused(pg_url):
    async with await PgDatabase.open(pg_url) as db:
        now = await db.clock()
        await subscribe_many(PgSubscriptions(db), 1, now)
        await plan(PgDeliveries(db))
        log = PgDeliveries(db)
        [zombie] = await log.claim("A", 10, lease=0.3)
        assert await log.save_progress(zombie, [11])  # part 1 of 2 sent and recorded
        assert await log.claim("B", 10, lease=30) == []  # the lease still holds
        await asyncio.sleep(0.5)  # A stalls past its lease (a long GC pause, a lost network)
        [rescue] = await log.claim("B", 10, lease=30)
        assert rescue.token != zombie.token and rescue.attempts == 2
        assert rescue.message_ids == (11,)  # B resumes after the part A recorded
        assert not await log.save_progress(zombie, [11, 12])  # A wakes up: fenced
        assert not await log.complete(zombie, "sent", message_ids=[11, 12])
        assert await log.renew([zombie.token, rescue.token], 30) == {rescue.token}
        assert await log.complete(rescue, "sent", message_ids=[11, 21])
        row = await db.pool.fetchrow("SELECT status, message_ids, claimed_by FROM deliveries")
        assert tuple(row) == ("sent", "[11, 21]", "B")


async def test_a_renewed_lease_is_not_taken_over(pg_url):
    async with await PgDatabase.open(pg_url) as db:
        await subscribe_many(PgSubscriptions(db), 1, await db.clock())
        await plan(PgDeliveries(db))
        log = PgDeliveries(db)
        [claim] = await log.claim("A", 1, lease=0.6)
        for _ in range(4):  # a slow sender that renews every lease/3
            await asyncio.sleep(0.2)
            assert await log.renew([claim.token], 0.6) == {claim.token}
            assert await log.claim("B", 1, lease=30) == []
        assert await log.complete(claim, "sent", message_ids=[5])


async def test_one_planner_per_tick_and_instances_with_skewed_clocks_agree(pg_url):
    async with await PgDatabase.open(pg_url) as db:
        store = PgSubscriptions(db)
        await subscribe_many(store, 50, await db.clock())
        log = PgDeliveries(db)
        async with db.pool.acquire() as other, other.transaction():
            # another instance is planning: this one skips instead of waiting
            await other.execute("SELECT pg_advisory_xact_lock(hashtext($1))", db.key("plan"))
            assert await plan(log) is None
        first = await plan(log)  # the database clock, whatever this machine's says
        assert first is not None and len(first.queued) == 50
        again = await plan(log)
        assert again is not None and again.queued == []


async def test_claims_past_grace_are_recorded_missed_and_too_many_attempts_failed(pg_url):
    async with await PgDatabase.open(pg_url) as db:
        await subscribe_many(PgSubscriptions(db), 2, await db.clock())
        await plan(PgDeliveries(db))
        log = PgDeliveries(db)
        first, second = await log.claim("A", 2, lease=0.01)
        await db.pool.execute(
            "UPDATE deliveries SET attempts = 5 WHERE chat_id = $1", second.chat_id
        )
        await db.pool.execute(
            "UPDATE deliveries SET due_at = due_at - interval '7 hours' WHERE chat_id = $1",
            first.chat_id,
        )
        await asyncio.sleep(0.05)
        planned = await plan(log)
        assert planned is not None
        assert (first.chat_id, first.digest_key) in planned.missed
        assert planned.failed == [(second.chat_id, second.digest_key)]
        assert await log.claim("B", 10, lease=30) == []
