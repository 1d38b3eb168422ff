"""One contract, two backends: the same tests on SQLite (the default) and on PostgreSQL.

Each test gets `backend`: the seeds storage and the chats/subscriptions repository of a fresh
database, SQLite in a tmp file or PostgreSQL in a fresh schema (skipped without a server, but
required in CI: see tests/support/postgres.py).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.digests.schedule import compute_due
from bot.records.loading import load_seeds
from bot.search.index import SearchIndex
from bot.storage.postgres.database import PgDatabase
from bot.storage.postgres.seeds import PgStorage
from bot.storage.postgres.subscriptions import PgSubscriptionStore
from bot.storage.seedsync import Storage
from bot.storage.subscriptions import Subscription, SubscriptionStore
from tests.support.postgres import fresh_schema
from tests.support.seedcopy import REAL_SEEDS, copy_seeds, edit_event

T0 = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)


@dataclass
class Backend:
    name: str
    storage: Any  # Storage | PgStorage
    store: Any  # SubscriptionStore | PgSubscriptionStore


@pytest.fixture(params=["sqlite", "postgresql"])
async def backend(request, tmp_path: Path):
    if request.param == "sqlite":
        storage = await Storage.open(tmp_path / "bot.sqlite3")
        yield Backend("sqlite", storage, SubscriptionStore(storage.db))
        await storage.close()
        return
    async for url in fresh_schema():
        db = await PgDatabase.open(url)
        yield Backend("postgresql", PgStorage(db), PgSubscriptionStore(db))
        await db.close()


def sub(chat_id: int, **changes: Any) -> Subscription:
    fields: dict[str, Any] = dict(
        chat_id=chat_id, kind="daily", send_time=dt.time(9, 0), timezone="Asia/Almaty",
        language="ru", topics=("osce",), created_by=7,
    )  # fmt: skip
    fields.update(changes)
    return Subscription(**fields)


# -- chats and subscriptions -----------------------------------------------------------------------


async def test_a_subscription_reads_back_as_written(backend):
    saved = await backend.store.subscribe(sub(-100), now=T0)
    assert saved == sub(-100, created_at=T0)
    assert await backend.store.subscriptions(-100) == [saved]
    assert await backend.store.active_subscriptions() == [saved]


async def test_a_chat_holds_one_kind_and_resubscribing_replaces_it(backend):
    await backend.store.subscribe(sub(5), now=T0)
    await backend.store.subscribe(sub(5, kind="anniversaries", send_time=dt.time(7, 30)), now=T0)
    [only] = await backend.store.subscriptions(5)
    assert (only.kind, only.send_time) == ("anniversaries", dt.time(7, 30))


async def test_updates_deactivation_and_unsubscribing(backend):
    store = backend.store
    await store.subscribe(sub(5), now=T0)
    assert await store.update_subscriptions(5, send_time=dt.time(6, 15), topics=["un"]) == 1
    [changed] = await store.subscriptions(5)
    assert (changed.send_time, changed.topics) == (dt.time(6, 15), ("un",))
    with pytest.raises(ValueError):
        await store.update_subscriptions(5, active=False)
    assert await store.deactivate(5, "403 blocked") == 1
    assert await store.deactivate(5, "again") == 0
    assert await store.active_subscriptions() == []
    [inactive] = await store.subscriptions(5)
    assert (inactive.active, inactive.inactive_reason) == (False, "403 blocked")
    assert await store.unsubscribe(5) == 1
    assert await store.subscriptions(5) == []


async def test_chats_keep_their_overrides_and_a_migrated_group_moves(backend):
    store = backend.store
    await store.upsert_chat(-1, "group", title="Team", now=T0)
    await store.set_chat_timezone(-1, "Europe/Vienna")
    await store.subscribe(sub(-1, timezone="Europe/Vienna"), now=T0)
    await store.upsert_chat(-1, "group", title=None, status="administrator", now=T0)
    chat = await store.get_chat(-1)
    assert (chat.title, chat.timezone, chat.status) == ("Team", "Europe/Vienna", "administrator")
    await store.migrate_chat(-1, -1001)
    assert (await store.get_chat(-1)).migrated_to == -1001
    moved = await store.get_chat(-1001)
    assert (moved.type, moved.title, moved.timezone) == ("supergroup", "Team", "Europe/Vienna")
    assert await store.subscriptions(-1) == []
    assert [s.chat_id for s in await store.subscriptions(-1001)] == [-1001]
    assert await store.get_chat(42) is None


async def test_errors_are_logged_newest_first(backend):
    await backend.store.log_error("tick", "first", now=T0)
    await backend.store.log_error("tick", "second", now=T0 + dt.timedelta(seconds=1))
    assert [message for _, _, message in await backend.store.errors()] == ["second", "first"]


# -- seeds and the stored index --------------------------------------------------------------------


async def test_the_real_seeds_read_back_whole_and_a_second_sync_changes_nothing(backend):
    seeds = load_seeds(REAL_SEEDS)
    first = await backend.storage.sync_seeds(seeds, now=T0)
    assert (first.added, first.changed, first.removed) == (first.added, 0, 0) and first.added
    stored = await backend.storage.read_seedset()
    assert stored.fingerprint == seeds.fingerprint
    assert list(stored.events) == list(seeds.events)  # same order
    assert all(stored.events[key] == event for key, event in seeds.events.items())
    assert stored.people == seeds.people and stored.topics == seeds.topics
    assert dict(stored.article_texts.items()) == dict(seeds.article_texts.items())
    again = await backend.storage.sync_seeds(seeds, now=T0 + dt.timedelta(hours=1))
    assert not again.touched and again.unchanged == first.added


async def test_an_edited_event_is_changed_since_its_edit(backend, tmp_path):
    folder = copy_seeds(tmp_path)
    await backend.storage.sync_seeds(load_seeds(folder), now=T0)
    edited = edit_event(folder, lambda e: True, lambda e: e["summary"].update(en="Edited."))
    later = T0 + dt.timedelta(days=1)
    result = await backend.storage.sync_seeds(load_seeds(folder), now=later)
    assert result.changed == 1
    assert await backend.storage.events_changed_since(T0) == [edited["id"]]
    assert await backend.storage.events_changed_since(later) == []
    assert [event_id for _, event_id in await backend.store.event_changes_since(T0)] == [
        edited["id"]
    ]


async def test_the_stored_search_index_loads_back(backend):
    seeds = load_seeds(REAL_SEEDS)
    await backend.storage.sync_seeds(seeds, now=T0)
    stored = await backend.storage.read_seedset()
    blobs = SearchIndex.build(stored).dump()
    await backend.storage.save_index_blobs(stored.fingerprint, SearchIndex.VERSION, blobs)
    assert await backend.storage.load_index_blobs(stored.fingerprint, SearchIndex.VERSION) == blobs
    assert await backend.storage.load_index_blobs("other", SearchIndex.VERSION) is None


# -- the delivery log: claims with leases and fencing ----------------------------------------------

GRACE = dt.timedelta(hours=6)
NINE = dt.datetime(2026, 3, 2, 4, 0, 30, tzinfo=dt.UTC)  # 09:00:30 in Asia/Almaty


def due(subs, existing, now):
    return compute_due(subs, existing, now, GRACE)


async def planned_and_claimed(backend, chats: int, owner: str = "A", lease: float = 120):
    for chat_id in range(1, chats + 1):
        await backend.store.subscribe(sub(chat_id), now=T0)
    log = backend.store.delivery_log
    planned = await log.plan(due, NINE, GRACE, max_attempts=5)
    return log, planned, await log.claim(owner, 10, lease, NINE)


async def test_a_due_digest_is_planned_once_and_claimed_by_one_sender(backend):
    log, planned, claims = await planned_and_claimed(backend, 3)
    assert sorted(planned.queued) == [(n, "daily:2026-03-02") for n in (1, 2, 3)]
    assert (await log.plan(due, NINE, GRACE, max_attempts=5)).queued == []
    assert sorted(c.chat_id for c in claims) == [1, 2, 3]
    assert len({c.token for c in claims}) == 3 and {c.attempts for c in claims} == {1}
    assert await log.claim("B", 10, 120, NINE) == []
    assert {d.status for d in await backend.store.deliveries()} == {"pending"}


async def test_completion_records_the_digest_and_the_chats_last_digest(backend):
    log, _, [claim] = await planned_and_claimed(backend, 1)
    assert await log.save_progress(claim, [10])
    assert await log.complete(claim, "sent", now=NINE, message_ids=[10, 11], digested_kind="daily")
    row = await backend.store.delivery(1, "daily:2026-03-02")
    assert (row.status, row.message_ids, row.attempts) == ("sent", (10, 11), 1)
    assert (await backend.store.subscriptions(1))[0].last_digest_at is not None
    assert not await log.complete(claim, "sent", now=NINE)  # closed: the token is spent


async def test_a_taken_over_claim_fences_its_first_owner(backend):
    log, _, [first] = await planned_and_claimed(backend, 1, lease=0.2)
    assert await log.save_progress(first, [10])
    await asyncio.sleep(0.3)  # the first owner stalls past its lease
    later = NINE + dt.timedelta(seconds=1)
    [second] = await log.claim("B", 10, 120, later)
    assert (second.attempts, second.message_ids) == (2, (10,))  # resumes after part 1
    assert not await log.save_progress(first, [10, 99])
    assert not await log.complete(first, "sent", now=later, message_ids=[10, 99])
    assert await log.renew([first.token, second.token], 120, later) == {second.token}
    assert await log.complete(second, "sent", now=later, message_ids=[10, 20])
    assert (await backend.store.delivery(1, "daily:2026-03-02")).message_ids == (10, 20)


async def test_a_released_claim_rests_then_anyone_takes_it(backend):
    log, _, [claim] = await planned_and_claimed(backend, 1)
    assert await log.release(claim, "network: timed out", retry_in=0.2, now=NINE)
    assert await log.claim("B", 10, 120, NINE) == []
    await asyncio.sleep(0.3)
    [again] = await log.claim("B", 10, 120, NINE + dt.timedelta(seconds=1))
    assert (again.attempts, again.error) == (2, "network: timed out")
