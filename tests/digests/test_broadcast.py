"""Digest delivery through the in-process Bot API: once per chat and day, every Telegram error."""

from __future__ import annotations

import asyncio
import datetime as dt
import warnings

import aiosqlite
import pytest
from telegram import Bot
from telegram.error import RetryAfter
from telegram.warnings import PTBDeprecationWarning

from bot.digests.broadcast import Broadcaster, DeliveryPolicy
from bot.digests.schedule import compute_due
from bot.storage.base import Subscription
from bot.storage.sqlite import repositories
from bot.storage.sqlite.database import Database
from bot.telegram.fake_api import TIMEOUT, ApiCall, FakeBotAPI
from bot.telegram.inprocess import InProcessRequest
from bot.telegram.limits import retry_after_seconds
from bot.telegram.updates import make_chat, make_user

UTC = dt.UTC
CREATED = dt.datetime(2026, 1, 1, tzinfo=UTC)
NINE_ALMATY = dt.datetime(2026, 8, 1, 4, 0, 30, tzinfo=UTC)  # 09:00:30 in Asia/Almaty
KEY = "daily:2026-08-01"
ALICE, BOB, GROUP = 1001, 1002, -555


class MigratingAPI(FakeBotAPI):
    """The fake Bot API, where the old group `GROUP` answers that it became a supergroup."""

    new_id: int = -100777

    async def handle(self, method, params):
        if method == "sendMessage" and str(params.get("chat_id")) == str(GROUP):
            self.calls.append(ApiCall(method, dict(params)))
            return 400, {
                "ok": False,
                "error_code": 400,
                "description": "Bad Request: group chat was upgraded to a supergroup chat",
                "parameters": {"migrate_to_chat_id": self.new_id},
            }
        return await super().handle(method, params)


@pytest.fixture
async def database(tmp_path):
    database = await Database.open(tmp_path / "bot.sqlite3")
    yield database
    await database.close()


@pytest.fixture
def store(database):
    return repositories(database)


@pytest.fixture
def api():
    api = MigratingAPI()
    for chat_id in (ALICE, BOB):
        api.add_chat(make_chat("private", user=make_user(chat_id)))
    api.add_chat(make_chat("supergroup", chat_id=MigratingAPI.new_id))
    return api


@pytest.fixture
async def bot(api):
    bot = Bot("123456:TEST", request=InProcessRequest(api))
    await bot.initialize()
    return bot


class Waits:
    """An injectable sleep that records the waits instead of sleeping."""

    def __init__(self):
        self.seconds: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)


async def two_parts(sub: Subscription, day: dt.date) -> list[str]:
    return [f"<b>Digest</b> {day:%d.%m} part 1", "part 2"]


async def subscribe(store, *chat_ids, thread_id=None):
    for chat_id in chat_ids:
        await store.subscriptions.subscribe(
            Subscription(chat_id, "daily", dt.time(9), "Asia/Almaty", "en", thread_id=thread_id),
            now=CREATED,
        )


def texts(api, chat_id):
    """The messages the chat really received (failed attempts are calls, not messages)."""
    return [
        message["text"]
        for (chat, _), message in sorted(api.messages.items())
        if chat == chat_id and message["from"]["id"] == api.bot_id
    ]


async def test_each_chat_gets_its_digest_once(store, api, bot):
    await subscribe(store, ALICE, BOB)
    broadcaster = Broadcaster(store, bot, two_parts, sleep=Waits())
    report = await broadcaster.tick(NINE_ALMATY)
    again = await broadcaster.tick(NINE_ALMATY + dt.timedelta(minutes=1))
    assert sorted(report.sent) == [(ALICE, KEY), (BOB, KEY)]
    assert again.sent == []
    assert texts(api, ALICE) == ["<b>Digest</b> 01.08 part 1", "part 2"]
    row = await store.deliveries.get(ALICE, KEY)
    assert row.status == "sent" and len(row.message_ids) == 2
    assert (await store.subscriptions.of_chat(ALICE))[0].last_digest_at is not None


async def test_forum_digest_goes_to_its_thread(store, api, bot):
    await subscribe(store, ALICE, thread_id=42)
    await Broadcaster(store, bot, two_parts).tick(NINE_ALMATY)
    assert {call.params.get("message_thread_id") for call in api.sent("sendMessage")} == {42}


async def test_empty_digest_sends_nothing(store, api, bot):
    await subscribe(store, ALICE)

    async def nothing(sub, day):
        return []

    report = await Broadcaster(store, bot, nothing).tick(NINE_ALMATY)
    assert report.empty == [(ALICE, KEY)]
    assert api.sent("sendMessage") == []


async def test_blocked_user_deactivates_subscription(store, api, bot):
    await subscribe(store, ALICE, BOB)
    api.fail("sendMessage", 403, chat_id=ALICE, times=None)
    report = await Broadcaster(store, bot, two_parts).tick(NINE_ALMATY)
    assert report.failed == [(ALICE, KEY)] and report.sent == [(BOB, KEY)]
    (sub,) = await store.subscriptions.of_chat(ALICE)
    assert not sub.active and "blocked" in sub.inactive_reason
    assert (await store.chats.get(ALICE)).status == "kicked"
    assert any("blocked" in message for _, _, message in await store.stats.errors())
    # Nothing more is attempted for a blocked chat the next day.
    await Broadcaster(store, bot, two_parts).tick(NINE_ALMATY + dt.timedelta(days=1))
    assert len(api.sent("sendMessage", ALICE)) == 1


async def test_rate_limit_waits_and_retries(store, api, bot):
    await subscribe(store, ALICE)
    api.fail("sendMessage", 429, chat_id=ALICE, times=2, retry_after=3)
    waits = Waits()
    report = await Broadcaster(store, bot, two_parts, sleep=waits).tick(NINE_ALMATY)
    assert report.sent == [(ALICE, KEY)]
    assert waits.seconds == [3.0, 3.0]
    assert len(texts(api, ALICE)) == 2  # 429 answers are not messages


async def test_rate_limit_is_read_without_ptb_deprecation_warnings(store, api, bot):
    await subscribe(store, ALICE)
    api.fail("sendMessage", 429, chat_id=ALICE, retry_after=2)
    waits = Waits()
    with warnings.catch_warnings():
        warnings.simplefilter("error", PTBDeprecationWarning)
        report = await Broadcaster(store, bot, two_parts, sleep=waits).tick(NINE_ALMATY)
        # PTB gives retry_after as seconds today and as a timedelta in its next major version.
        assert retry_after_seconds(RetryAfter(5)) == 5.0
        assert retry_after_seconds(RetryAfter(dt.timedelta(seconds=1.5))) == 1.5
    assert report.sent == [(ALICE, KEY)] and waits.seconds == [2.0]


async def test_timeout_retries_with_backoff(store, api, bot):
    await subscribe(store, ALICE)
    api.fail("sendMessage", TIMEOUT, chat_id=ALICE, times=2)
    waits = Waits()
    report = await Broadcaster(store, bot, two_parts, sleep=waits).tick(NINE_ALMATY)
    assert report.sent == [(ALICE, KEY)]
    assert waits.seconds == [1.0, 2.0]


async def test_persistent_timeouts_leave_the_digest_for_a_later_tick(store, api, bot):
    await subscribe(store, ALICE)
    api.fail("sendMessage", TIMEOUT, chat_id=ALICE, times=4)
    broadcaster = Broadcaster(store, bot, two_parts, sleep=Waits())
    first = await broadcaster.tick(NINE_ALMATY)
    assert first.retry_later == [(ALICE, KEY)]
    assert (await store.deliveries.get(ALICE, KEY)).status == "pending"
    # The process that gave it back retries at its next tick (not 10 minutes later).
    soon = await broadcaster.tick(NINE_ALMATY + dt.timedelta(minutes=1))
    assert soon.sent == [(ALICE, KEY)]
    assert len(texts(api, ALICE)) == 2


async def test_a_401_gives_the_digest_back_and_it_goes_out_once_the_token_works(store, api, bot):
    """A revoked or rotating token is no reason to lose the morning's digest: every tick retries
    it, however many attempts it takes, until the grace period runs out."""
    await subscribe(store, ALICE)
    api.fail("sendMessage", 401, chat_id=ALICE, times=8)
    broadcaster = Broadcaster(store, bot, two_parts, sleep=Waits())
    for minute in range(8):
        report = await broadcaster.tick(NINE_ALMATY + dt.timedelta(minutes=minute))
        assert report.retry_later == [(ALICE, KEY)] and report.failed == []
    report = await broadcaster.tick(NINE_ALMATY + dt.timedelta(minutes=8))
    assert report.sent == [(ALICE, KEY)]
    assert len(texts(api, ALICE)) == 2
    assert (await store.deliveries.get(ALICE, KEY)).status == "sent"


async def test_a_digest_given_back_is_missed_once_the_grace_period_is_over(store, api, bot):
    await subscribe(store, ALICE)
    api.fail("sendMessage", 401, chat_id=ALICE, times=100)
    broadcaster = Broadcaster(store, bot, two_parts, sleep=Waits())
    await broadcaster.tick(NINE_ALMATY)
    report = await broadcaster.tick(NINE_ALMATY + dt.timedelta(hours=7))
    assert report.missed == [(ALICE, KEY)] and texts(api, ALICE) == []


async def test_migrated_group_moves_subscription_and_retries(store, api, bot):
    await subscribe(store, GROUP)
    report = await Broadcaster(store, bot, two_parts).tick(NINE_ALMATY)
    new_id = MigratingAPI.new_id
    assert report.sent == [(new_id, KEY)]
    assert len(texts(api, new_id)) == 2
    assert await store.subscriptions.of_chat(GROUP) == []
    assert (await store.subscriptions.of_chat(new_id))[0].active
    assert (await store.deliveries.get(new_id, KEY)).status == "sent"


async def test_restart_mid_broadcast_neither_repeats_nor_skips(store, api, bot):
    await subscribe(store, ALICE, BOB)
    # The first process claimed both, sent Alice's first part, then crashed.
    policy = DeliveryPolicy()
    due = lambda subs, existing, at: compute_due(subs, existing, at, policy.grace)  # noqa: E731
    await store.deliveries.plan(due, NINE_ALMATY, policy.grace, policy.max_attempts)
    alice, _ = await store.deliveries.claim("crashed", 10, policy.lease, NINE_ALMATY)
    first = await bot.send_message(ALICE, "<b>Digest</b> 01.08 part 1", parse_mode="HTML")
    assert await store.deliveries.save_progress(alice, [first.message_id])

    restarted = Broadcaster(store, bot, two_parts)
    early = await restarted.tick(NINE_ALMATY + dt.timedelta(minutes=1))
    assert early.sent == []  # the dead sender's leases still run: it might be alive elsewhere
    report = await restarted.tick(NINE_ALMATY + dt.timedelta(minutes=11))
    assert sorted(report.sent) == [(ALICE, KEY), (BOB, KEY)]
    assert texts(api, ALICE) == ["<b>Digest</b> 01.08 part 1", "part 2"]  # resumed, no repeat
    assert len(texts(api, BOB)) == 2
    assert (await store.deliveries.get(ALICE, KEY)).attempts == 2


async def test_down_past_grace_records_missed(store, api, bot):
    await subscribe(store, ALICE)
    policy = DeliveryPolicy(grace=dt.timedelta(hours=6))
    report = await Broadcaster(store, bot, two_parts, policy).tick(
        NINE_ALMATY + dt.timedelta(hours=7)
    )
    assert report.missed == [(ALICE, KEY)]
    assert (await store.deliveries.get(ALICE, KEY)).status == "missed"
    assert api.sent("sendMessage") == []


async def test_down_within_grace_sends_late(store, api, bot):
    await subscribe(store, ALICE)
    report = await Broadcaster(store, bot, two_parts).tick(NINE_ALMATY + dt.timedelta(hours=5))
    assert report.sent == [(ALICE, KEY)]


# -- batched claims and crashes ------------------------------------------------------------------


async def test_failed_claim_transaction_claims_nothing_and_the_next_tick_sends_all(
    store, database, api, bot
):
    await subscribe(store, ALICE, BOB)
    # SQLite itself refuses Bob's claim halfway through the tick's claim transaction.
    await database.connection.execute(
        f"CREATE TRIGGER refuse BEFORE INSERT ON deliveries WHEN NEW.chat_id = {BOB}"
        " BEGIN SELECT RAISE(ABORT, 'disk went away'); END"
    )
    await database.connection.commit()
    with pytest.raises(aiosqlite.IntegrityError, match="disk went away"):
        await Broadcaster(store, bot, two_parts).tick(NINE_ALMATY)
    assert await store.deliveries.all() == []  # Alice's claim was rolled back with Bob's
    assert api.sent("sendMessage") == []  # and nobody was sent anything before the commit
    await database.execute_write("DROP TRIGGER refuse")
    report = await Broadcaster(store, bot, two_parts).tick(NINE_ALMATY + dt.timedelta(minutes=1))
    assert sorted(report.sent) == [(ALICE, KEY), (BOB, KEY)]
    assert texts(api, ALICE) == texts(api, BOB) == ["<b>Digest</b> 01.08 part 1", "part 2"]


class CrashingAPI(MigratingAPI):
    """The Bot API, where the bot's process dies (its tick is cancelled) after `after` messages."""

    after = 3
    tick: asyncio.Task | None = None

    async def handle(self, method, params):
        answer = await super().handle(method, params)
        if method == "sendMessage" and len(self.sent("sendMessage")) == self.after:
            self.tick.cancel()
        return answer


async def test_crash_mid_broadcast_after_batched_claims_neither_repeats_nor_skips(store):
    chats = [2001, 2002, 2003, 2004, 2005]
    api = CrashingAPI()
    for chat_id in chats:
        api.add_chat(make_chat("private", user=make_user(chat_id)))
    bot = Bot("123456:TEST", request=InProcessRequest(api))
    await bot.initialize()
    await subscribe(store, *chats)

    api.tick = asyncio.create_task(Broadcaster(store, bot, two_parts).tick(NINE_ALMATY))
    with pytest.raises(asyncio.CancelledError):
        await api.tick
    rows = {row.chat_id: row for row in await store.deliveries.all()}
    assert sorted(rows) == chats  # every chat was claimed before the first message
    assert {row.status for row in rows.values()} <= {"pending", "sent"}
    assert "pending" in {row.status for row in rows.values()}

    restarted = Broadcaster(store, bot, two_parts)  # a new process, past the leases
    report = await restarted.tick(NINE_ALMATY + dt.timedelta(minutes=11))
    finished_before = [chat for chat, row in rows.items() if row.status == "sent"]
    assert sorted(chat for chat, _ in report.sent) == sorted(set(chats) - set(finished_before))
    for chat_id in chats:  # each part exactly once: no repeat, no gap
        assert texts(api, chat_id) == ["<b>Digest</b> 01.08 part 1", "part 2"], chat_id
        assert (await store.deliveries.get(chat_id, KEY)).status == "sent"
