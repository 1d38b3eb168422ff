"""One contract, two backends: the same tests on SQLite (the default) and on PostgreSQL.

Each test gets `repos`: every repository of `bot.storage.base` over a fresh database, SQLite in a
tmp file or PostgreSQL in a fresh schema (skipped without a server, but required in CI: see
tests/support/postgres.py). What one backend answers, the other answers too.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from bot.digests.schedule import compute_due
from bot.records.loading import SeedError, load_seeds
from bot.search.index import SearchIndex
from bot.storage.base import ERRORS_KEPT, Repositories, Subscription
from bot.storage.postgres import open_postgres
from bot.storage.sqlite import open_sqlite
from tests.support.postgres import fresh_schema
from tests.support.seedcopy import REAL_SEEDS, copy_seeds, edit_event, localized

T0 = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
async def repos(request, tmp_path: Path):
    if request.param == "sqlite":
        opened = await open_sqlite(tmp_path / "bot.sqlite3")
        yield opened
        await opened.close()
        return
    async for url in fresh_schema():
        opened = await open_postgres(url)
        yield opened
        await opened.close()


def sub(chat_id: int, **changes: Any) -> Subscription:
    fields: dict[str, Any] = dict(
        chat_id=chat_id, kind="daily", send_time=dt.time(9, 0), timezone="Asia/Almaty",
        language="ru", topics=("osce",), created_by=7,
    )  # fmt: skip
    fields.update(changes)
    return Subscription(**fields)


# -- chats -----------------------------------------------------------------------------------------


async def test_chats_keep_their_overrides_and_a_migrated_group_moves(repos: Repositories):
    chats, subs = repos.chats, repos.subscriptions
    await chats.upsert(-1, "group", title="Team", now=T0)
    await chats.set_timezone(-1, "Europe/Vienna")
    await subs.subscribe(sub(-1, timezone="Europe/Vienna"), now=T0)
    await chats.upsert(-1, "group", title=None, status="administrator", now=T0)
    chat = await chats.get(-1)
    assert chat is not None
    assert (chat.title, chat.timezone, chat.status) == ("Team", "Europe/Vienna", "administrator")
    await chats.migrate(-1, -1001)
    assert (await chats.get(-1)).migrated_to == -1001  # type: ignore[union-attr]
    moved = await chats.get(-1001)
    assert moved is not None
    assert (moved.type, moved.title, moved.timezone) == ("supergroup", "Team", "Europe/Vienna")
    assert await subs.of_chat(-1) == []
    assert [s.chat_id for s in await subs.of_chat(-1001)] == [-1001]
    assert await chats.get(42) is None


async def test_a_chats_language_and_membership(repos: Repositories):
    assert await repos.chats.language(5) is None
    await repos.chats.set_language(5, "private", "kk")
    assert await repos.chats.language(5) == "kk"
    await repos.chats.set_status(5, "kicked")
    chat = await repos.chats.get(5)
    assert chat is not None and (chat.language, chat.status) == ("kk", "kicked")


# -- subscriptions ---------------------------------------------------------------------------------


async def test_a_subscription_reads_back_as_written(repos: Repositories):
    saved = await repos.subscriptions.subscribe(sub(-100), now=T0)
    assert saved == sub(-100, created_at=T0)
    assert await repos.subscriptions.of_chat(-100) == [saved]
    assert await repos.subscriptions.active() == [saved]


async def test_daily_replaces_anniversaries_and_weekly_goes_beside(repos: Repositories):
    subs = repos.subscriptions
    await subs.subscribe(sub(5), now=T0)
    await subs.subscribe(sub(5, kind="anniversaries", send_time=dt.time(7, 30)), now=T0)
    [only] = await subs.of_chat(5)
    assert (only.kind, only.send_time) == ("anniversaries", dt.time(7, 30))
    await subs.subscribe(sub(5, kind="weekly"), now=T0)
    assert sorted(s.kind for s in await subs.of_chat(5)) == ["anniversaries", "weekly"]


async def test_updates_deactivation_and_unsubscribing(repos: Repositories):
    subs = repos.subscriptions
    await subs.subscribe(sub(5), now=T0)
    assert await subs.update(5, send_time=dt.time(6, 15), topics=["un"]) == 1
    [changed] = await subs.of_chat(5)
    assert (changed.send_time, changed.topics) == (dt.time(6, 15), ("un",))
    with pytest.raises(ValueError):
        await subs.update(5, active=False)
    assert await subs.deactivate(5, "403 blocked") == 1
    assert await subs.deactivate(5, "again") == 0
    assert await subs.active() == []
    assert await subs.of_chat(5, active_only=True) == []
    [inactive] = await subs.of_chat(5)
    assert (inactive.active, inactive.inactive_reason) == (False, "403 blocked")
    assert await subs.unsubscribe(5) == 1
    assert await subs.of_chat(5) == []


# -- stats and errors ------------------------------------------------------------------------------


async def test_errors_are_logged_newest_first(repos: Repositories):
    await repos.stats.log_error("tick", "first", now=T0)
    await repos.stats.log_error("tick", "second", now=T0 + dt.timedelta(seconds=1))
    errors = await repos.stats.errors()
    assert [message for _, _, message in errors] == ["second", "first"]
    assert errors[0][0] == "2026-03-01T08:00:01.000000+00:00"  # one text form on both


async def test_the_errors_table_is_a_window(repos: Repositories):
    old = T0 - dt.timedelta(days=31)
    await repos.stats.log_error("tick", "a month ago", now=old)
    await repos.stats.log_error("tick", "now", now=T0)
    assert [message for _, _, message in await repos.stats.errors()] == ["now"]
    assert ERRORS_KEPT >= 1000  # and by count: tests/handlers/test_abuse.py floods it


async def test_stats_count_what_is_stored(repos: Repositories):
    await repos.chats.upsert(1, "private", now=T0)
    await repos.chats.upsert(-2, "supergroup", status="left", now=T0)
    await repos.subscriptions.subscribe(sub(1), now=T0)
    await repos.subscriptions.subscribe(sub(3), now=T0)
    await repos.subscriptions.deactivate(3, "403")
    await repos.stats.log_error("tick", "boom", now=T0)
    stats = await repos.stats.collect()
    assert stats.chats_by_type == {"private": 1, "supergroup": 1} and stats.chats_left == 1
    assert (stats.subscriptions_active, stats.subscriptions_inactive) == (1, 1)
    assert stats.errors_total == 1 and stats.recent_errors[0][1:] == ("tick", "boom")
    assert await repos.stats.ok()


# -- seeds and the stored index --------------------------------------------------------------------


async def test_the_real_seeds_read_back_whole_and_a_second_sync_changes_nothing(repos):
    seeds = load_seeds(REAL_SEEDS)
    first = await repos.seedstore.sync_seeds(seeds, now=T0)
    assert first.added and (first.changed, first.removed) == (0, 0)
    assert await repos.seedstore.stored_fingerprint() == seeds.fingerprint
    stored = await repos.seedstore.read_seedset()
    assert stored.fingerprint == seeds.fingerprint
    assert list(stored.events) == list(seeds.events)  # same order
    assert all(stored.events[key] == event for key, event in seeds.events.items())
    assert stored.people == seeds.people and stored.topics == seeds.topics
    assert dict(stored.article_texts.items()) == dict(seeds.article_texts.items())
    again = await repos.seedstore.sync_seeds(seeds, now=T0 + dt.timedelta(hours=1))
    assert not again.touched and again.unchanged == first.added


async def test_an_unchanged_folder_is_not_written_again(repos, tmp_path):
    folder = copy_seeds(tmp_path)
    first = await repos.seedstore.update_seeds(folder)
    assert first.result is not None and first.result.added
    again = await repos.seedstore.update_seeds(folder)
    assert again.result is None and again.seeds.fingerprint == first.seeds.fingerprint
    seeds, result = await repos.seedstore.ensure_seeds(folder)
    assert result is None and len(seeds.events) == len(first.seeds.events)


async def test_an_edited_event_is_changed_since_its_edit_and_in_the_index_delta(repos, tmp_path):
    folder = copy_seeds(tmp_path)
    seeds = (await repos.seedstore.update_seeds(folder)).seeds
    blobs = SearchIndex.build(await repos.seedstore.read_seedset()).dump()
    await repos.seedstore.save_index_blobs(seeds.fingerprint, SearchIndex.VERSION, blobs)
    assert await repos.seedstore.index_delta(SearchIndex.VERSION) == []
    since = dt.datetime.now(dt.UTC)
    edited = edit_event(folder, lambda e: True, lambda e: e.update(summary=localized("Edited")))
    update = await repos.seedstore.update_seeds(folder, current=seeds)
    assert update.result is not None and update.result.changed == 1
    assert update.seeds.events[edited["id"]].summary.en == "Edited"
    # only an event changed: the index applies it, no rebuild
    assert not update.full and [e.id for e in update.upserted] == [edited["id"]]
    assert [event_id for _, event_id in await repos.seedstore.changes_since(since)] == [
        edited["id"]
    ]
    assert await repos.seedstore.changes_since(dt.datetime.now(dt.UTC)) == []
    assert await repos.seedstore.index_delta(SearchIndex.VERSION) == [edited["id"]]
    assert await repos.seedstore.load_index_blobs(None, SearchIndex.VERSION) == blobs


async def test_a_broken_folder_leaves_the_stored_seeds(repos, tmp_path):
    folder = copy_seeds(tmp_path)
    first = await repos.seedstore.update_seeds(folder)
    edit_event(folder, lambda e: True, lambda e: e.update(date="not a date"))
    with pytest.raises(SeedError):
        await repos.seedstore.update_seeds(folder)
    assert await repos.seedstore.stored_fingerprint() == first.seeds.fingerprint


async def test_the_stored_search_index_loads_back(repos):
    seeds = load_seeds(REAL_SEEDS)
    await repos.seedstore.sync_seeds(seeds, now=T0)
    stored = await repos.seedstore.read_seedset()
    blobs = SearchIndex.build(stored).dump()
    await repos.seedstore.save_index_blobs(stored.fingerprint, SearchIndex.VERSION, blobs)
    version = SearchIndex.VERSION
    assert await repos.seedstore.load_index_blobs(stored.fingerprint, version) == blobs
    assert await repos.seedstore.load_index_blobs(None, version) == blobs
    assert await repos.seedstore.load_index_blobs("other", version) is None
    assert await repos.seedstore.load_index_blobs(None, version + 1) is None


# -- the delivery log: claims with leases and fencing ----------------------------------------------

GRACE = dt.timedelta(hours=6)
NINE = dt.datetime(2026, 3, 2, 4, 0, 30, tzinfo=dt.UTC)  # 09:00:30 in Asia/Almaty
KEY = "daily:2026-03-02"


def due(subs, existing, now):
    return compute_due(subs, existing, now, GRACE)


async def planned_and_claimed(repos, chats: int, owner: str = "A", lease: float = 120):
    for chat_id in range(1, chats + 1):
        await repos.subscriptions.subscribe(sub(chat_id), now=T0)
    log = repos.deliveries
    planned = await log.plan(due, NINE, GRACE, max_attempts=5)
    return log, planned, await log.claim(owner, 10, lease, NINE)


async def test_a_due_digest_is_planned_once_and_claimed_by_one_sender(repos):
    log, planned, claims = await planned_and_claimed(repos, 3)
    assert sorted(planned.queued) == [(n, KEY) for n in (1, 2, 3)]
    assert (await log.plan(due, NINE, GRACE, max_attempts=5)).queued == []
    assert sorted(c.chat_id for c in claims) == [1, 2, 3]
    assert len({c.token for c in claims}) == 3 and {c.attempts for c in claims} == {1}
    assert await log.claim("B", 10, 120, NINE) == []
    assert {d.status for d in await log.all()} == {"pending"}
    assert [d.chat_id for d in await log.all(2)] == [2]
    assert await log.existing_keys([(1, KEY), (9, KEY)]) == {(1, KEY)}


async def test_a_digest_too_late_is_recorded_missed(repos):
    await repos.subscriptions.subscribe(sub(1), now=T0)
    planned = await repos.deliveries.plan(due, NINE + dt.timedelta(hours=7), GRACE, 5)
    assert planned.missed == [(1, KEY)] and planned.queued == []
    row = await repos.deliveries.get(1, KEY)
    assert row is not None and row.status == "missed" and "late by" in (row.error or "")


async def test_a_weekly_digest_is_planned_once_for_its_week(repos):
    await repos.subscriptions.subscribe(sub(1, kind="weekly"), now=T0)
    planned = await repos.deliveries.plan(due, NINE, GRACE, 5)  # a Monday, 09:00:30
    assert planned.queued == [(1, "weekly:2026-03-02")]
    [claim] = await repos.deliveries.claim("A", 10, 120, NINE)
    assert await repos.deliveries.complete(claim, "sent", now=NINE, message_ids=[1])
    thursday = NINE + dt.timedelta(days=3, hours=2)  # the week's digest, long sent
    again = await repos.deliveries.plan(due, thursday, GRACE, 5)
    assert (again.queued, again.missed, again.failed) == ([], [], [])


async def test_completion_records_the_digest_and_the_chats_last_digest(repos):
    log, _, [claim] = await planned_and_claimed(repos, 1)
    assert await log.save_progress(claim, [10])
    assert await log.complete(claim, "sent", now=NINE, message_ids=[10, 11], digested_kind="daily")
    row = await log.get(1, KEY)
    assert row is not None
    assert (row.status, row.message_ids, row.attempts) == ("sent", (10, 11), 1)
    assert row.sent_at is not None and row.due_at == dt.datetime(2026, 3, 2, 4, tzinfo=dt.UTC)
    assert (await repos.subscriptions.of_chat(1))[0].last_digest_at is not None
    assert not await log.complete(claim, "sent", now=NINE)  # closed: the token is spent
    assert await repos.stats.deliveries_by_status() == {"sent": 1}


async def test_a_failure_is_closed_with_its_error_logged(repos):
    log, _, [claim] = await planned_and_claimed(repos, 1)
    where = f"digest {KEY} to 1"
    assert await log.complete(claim, "failed", now=NINE, error="400 bad", where=where)
    row = await log.get(1, KEY)
    assert row is not None and (row.status, row.error) == ("failed", "400 bad")
    assert [(w, m) for _, w, m in await repos.stats.errors()] == [(where, "400 bad")]


async def test_a_taken_over_claim_fences_its_first_owner(repos):
    log, _, [first] = await planned_and_claimed(repos, 1, lease=0.2)
    assert await log.save_progress(first, [10])
    await asyncio.sleep(0.3)  # the first owner stalls past its lease
    later = NINE + dt.timedelta(seconds=1)
    [second] = await log.claim("B", 10, 120, later)
    assert (second.attempts, second.message_ids) == (2, (10,))  # resumes after part 1
    assert not await log.save_progress(first, [10, 99])
    assert not await log.complete(first, "sent", now=later, message_ids=[10, 99])
    assert not await log.release(first, "late", 1, now=later)
    assert await log.renew([first.token, second.token], 120, later) == {second.token}
    assert await log.complete(second, "sent", now=later, message_ids=[10, 20])
    assert (await log.get(1, KEY)).message_ids == (10, 20)  # type: ignore[union-attr]


async def test_a_released_claim_rests_then_anyone_takes_it(repos):
    log, _, [claim] = await planned_and_claimed(repos, 1)
    assert await log.release(claim, "network: timed out", retry_in=0.2, now=NINE)
    assert await log.claim("B", 10, 120, NINE) == []
    await asyncio.sleep(0.3)
    [again] = await log.claim("B", 10, 120, NINE + dt.timedelta(seconds=1))
    assert (again.attempts, again.error) == (2, "network: timed out")


async def test_a_claim_taken_over_too_often_is_closed_as_failed(repos):
    log, _, [claim] = await planned_and_claimed(repos, 1, lease=0.01)
    for second in range(1, 5):  # its senders keep dying: each take-over is an attempt
        await asyncio.sleep(0.05)
        [claim] = await log.claim("B", 10, 0.01, NINE + dt.timedelta(seconds=second))
    assert claim.attempts == 5
    await asyncio.sleep(0.05)
    planned = await log.plan(due, NINE + dt.timedelta(seconds=5), GRACE, max_attempts=5)
    assert planned is not None and planned.failed == [(1, KEY)]
    row = await log.get(1, KEY)
    assert row is not None and row.status == "failed" and row.error.startswith("gave up")
