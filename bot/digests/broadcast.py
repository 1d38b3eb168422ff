"""Sending due digests through the Bot API, exactly once per chat and digest as far as Telegram
lets us, with every Telegram error handled in one place.

How a digest goes out (`Broadcaster.tick(now)`):
1. `due_deliveries(now)` lists digests with no row in the delivery log. One due longer ago than
   the grace period is recorded 'missed'; the others are *claimed*: `INSERT … status 'pending'`
   on the unique key (chat_id, digest_key), all of a tick's claims in one transaction. Only the
   caller whose insert succeeded sends, and only after the claims are committed.
2. The digest is composed (once per distinct content in a tick: `DigestComposer`) and split into
   messages, sent to several chats at once. After each message but the last is accepted its id
   is stored on the row; after the last, the row is marked 'sent' with every id and the chat's
   last-digest time set, in one commit. Concurrent senders share commits (`GroupCommit`), and
   each waits for its own before going on, so batching widens no window below.
3. A 'pending' row whose claim is older than `stale_after` belongs to a sender that died (crash,
   restart mid-broadcast) or gave up on a flaky network; the next tick takes it over and resumes
   after the parts already recorded, until `max_attempts` or the grace period runs out.

Exactly-once trade-off: a restart neither skips a chat (its row stays 'pending' and is retried)
nor repeats one whose row says 'sent'. The one window left is between Telegram accepting a
message and our commit of its id (or a timeout after Telegram did accept it): that message may be
sent twice. We choose at-least-once there — a rare duplicate morning digest is better than a
silently lost one — and the window is one message per chat in flight (so at most
`concurrency` messages in all), because progress is stored per part.

Telegram answers: 403 deactivates the chat's subscriptions and records why; 429 waits
`retry_after` (capped) and retries; a group migrated to a supergroup moves its subscription and
log to the new id and retries there; timeouts and network errors retry with exponential backoff,
a bounded number of times; 401 (a revoked or rotated token) gives the row back. A digest given
back for a transient reason (401, network, a long 429) is retried by this process at the next
tick (after the 429's wait), until the grace period runs out. Every failure is written to the
errors table.

Long because: the exactly-once protocol above and Telegram's error policy are one state machine per
delivery. To split next: DigestComposer / DigestCompositions (per-tick caching) into
digests/composer.py.
"""

from __future__ import annotations

import asyncio
import bisect
import datetime as dt
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
)

from bot.conversation.callbacks import list_data
from bot.conversation.meetings import MeetingFilter
from bot.digests.compose import (
    KIND_SECTIONS,
    SummarizedPart,
    compose_digest,
    digest_index,
    digest_messages,
)
from bot.digests.schedule import due_deliveries, key_date
from bot.i18n import t
from bot.records.seedset import SeedSet
from bot.storage.base import Delivery, SeedStore, Stores, Subscription, to_timestamp
from bot.telegram.send_limiter import bulk_sends

if TYPE_CHECKING:
    from bot.search.index import SearchIndex

log = logging.getLogger(__name__)
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)  # immutable, so one for every message

# Compose the messages (HTML, each within Telegram's limits) of one subscription's digest for a
# local date; an empty list means there is nothing to send.
ComposeFn = Callable[[Subscription, dt.date], Awaitable[list[str]]]
SleepFn = Callable[[float], Awaitable[object]]


class PerTick(Protocol):
    """A source of a fresh ComposeFn for each tick (so work is shared within one tick)."""

    def for_tick(self) -> ComposeFn: ...


@dataclass(frozen=True)
class DeliveryPolicy:
    """How patient the sender is; defaults suit production, tests shrink the waits."""

    grace: dt.timedelta = dt.timedelta(hours=6)
    stale_after: dt.timedelta = dt.timedelta(minutes=10)  # > the longest a live sender holds a row
    max_attempts: int = 5  # claims of one digest, across ticks and restarts
    network_retries: int = 3  # per message, with backoff 1 s, 2 s, 4 s
    backoff: float = 1.0
    rate_limit_retries: int = 5  # 429s per message
    max_retry_after: float = 60.0  # wait longer than this and we give the row back to a later tick
    # Chats sent to at once. None: 16 with PTB's rate limiter (enough to keep its ~30 msg/s busy
    # at Telegram's ~0.3 s per request; more only queue in the limiter), 8 without. Measured
    # against the local fake Bot API: httpx's connection pool costs more CPU per request the
    # more are in flight (bare PTB loop: 650 msg/s at 1, 540 at 4, 440 at 8, 370 at 16), and
    # this Broadcaster gave ~200 msg/s at 64 but ~470 at 4 to 8.
    concurrency: int | None = None


@dataclass
class TickReport:
    """What one tick did, keyed by (chat_id, digest_key)."""

    sent: list[tuple[int, str]] = field(default_factory=list)
    empty: list[tuple[int, str]] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)
    retry_later: list[tuple[int, str]] = field(default_factory=list)
    missed: list[tuple[int, str]] = field(default_factory=list)


async def subscription_digest(
    storage: SeedStore,
    seeds: SeedSet,
    sub: Subscription,
    day: dt.date,
    send_empty: bool,
    search: SearchIndex | None = None,
) -> list[str]:
    """The messages of `sub`'s digest for local `day`: what the scheduler sends and what
    `python -m bot digest --chat` prints. 'New' means changed since the chat's last digest."""
    since = sub.last_digest_at or sub.created_at
    changed = [event_id for _, event_id in await storage.changes_since(since)] if since else []
    digest = compose_digest(
        seeds, day, kind=sub.kind, topics=sub.topics, changed_ids=changed, search=search
    )
    return digest_messages(digest, seeds, sub.language, send_empty)


class DigestComposer:
    """The scheduler's compose function for one tick: each distinct digest is composed once.

    Chats with the same day, kind, topics, language and changed records read the same messages,
    so thousands of chats cost a few hundred compositions. The records changed since each chat's
    last digest come from one read per tick (re-read only for a chat with an older boundary).
    `composed` counts the compositions.
    """

    def __init__(
        self,
        store: SeedStore,
        seeds: SeedSet,
        send_empty: bool,
        search: SearchIndex | None = None,
    ) -> None:
        self.store = store
        self.seeds = seeds
        self.send_empty = send_empty
        self.index = digest_index(seeds, search)
        self.composed = 0
        self._cache: dict[tuple, list[str]] = {}
        self._changes: list[tuple[str, str]] = []  # (updated_at, id), oldest first
        self._loaded_from: str | None = None  # the boundary _changes were read after
        self._generation = 0  # bumped when _changes is re-read, so cached offsets stay exact
        self._lock = asyncio.Lock()
        self._warm = False

    async def __call__(self, sub: Subscription, day: dt.date) -> list[str]:
        """The messages of `sub`'s digest for local `day` (as `subscription_digest`)."""
        if not self._warm:  # the first digest of a SeedSet builds its lookups off the loop
            await asyncio.to_thread(self.index.warm)
            self._warm = True
        since = sub.last_digest_at or sub.created_at
        changes: tuple = ()
        if since and "new" in KIND_SECTIONS.get(sub.kind, KIND_SECTIONS["daily"]):
            changes = await self._changed_after(to_timestamp(since))
        key = (day, sub.kind, tuple(sub.topics), sub.language, changes)
        if (messages := self._cache.get(key)) is None:
            ids = [event_id for _, event_id in self._changes[changes[1] :]] if changes else []
            digest = compose_digest(
                self.seeds, day, kind=sub.kind, topics=sub.topics, changed_ids=ids
            )
            messages = digest_messages(digest, self.seeds, sub.language, self.send_empty)
            self._cache[key] = messages
            self.composed += 1
        return list(messages)

    async def _changed_after(self, stamp: str) -> tuple[int, int]:
        """(generation, offset): the changes after `stamp` are `_changes[offset:]`."""
        async with self._lock:
            if self._loaded_from is None or stamp < self._loaded_from:
                since = dt.datetime.fromisoformat(stamp)
                self._changes = await self.store.changes_since(since)
                self._loaded_from = stamp
                self._generation += 1
        offset = bisect.bisect_right(self._changes, (stamp, "\uffff"))
        return self._generation, offset


class DigestCompositions:
    """A DigestComposer per tick, on the engine's current seeds (`for_tick`)."""

    def __init__(self, engine: object, send_empty: bool) -> None:
        self.engine = engine
        self.send_empty = send_empty
        self.last: DigestComposer | None = None

    def for_tick(self) -> DigestComposer:
        """A composer for one tick (its cache ends with the tick)."""
        engine = self.engine
        store = engine.seedstore  # type: ignore[attr-defined]
        self.last = DigestComposer(
            store,
            engine.seeds,  # type: ignore[attr-defined]
            self.send_empty,
            getattr(engine, "index", None),
        )
        return self.last


class GiveUp(Exception):
    """Sending failed for good (`permanent`) or for now (retry after `wait` seconds)."""

    def __init__(self, message: str, *, permanent: bool, wait: float = 0.0) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.wait = wait


def retry_after_seconds(exc: RetryAfter) -> float:
    """The wait Telegram asked for, in seconds (PTB gives an int or a timedelta).

    Read from PTB's stored timedelta when it has one, as its own AIORateLimiter does: the
    public attribute warns unless PTB_TIMEDELTA is set (bot/__init__.py sets it).
    """
    value = getattr(exc, "_retry_after", None)
    if value is None:
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


@dataclass(frozen=True)
class Job:
    """A claimed digest to send; `resumed` is the row of a stale claim taken over."""

    subscription: Subscription
    digest_key: str
    resumed: Delivery | None = None


def more_keyboard(lang: str) -> InlineKeyboardMarkup:
    """The button under a digest cut short: every meeting, newest first."""
    label = t(lang, "digest.btn.all_meetings")
    button = InlineKeyboardButton(label, callback_data=list_data(MeetingFilter("all")))
    return InlineKeyboardMarkup([[button]])


class Broadcaster:
    """Runs the delivery log: claims due digests, sends them, and records the outcome."""

    def __init__(
        self,
        stores: Stores,
        bot: Bot,
        compose: ComposeFn | PerTick,
        policy: DeliveryPolicy | None = None,
        sleep: SleepFn = asyncio.sleep,
    ) -> None:
        self.stores = stores
        self.bot = bot
        self.compose = compose
        self.policy = policy or DeliveryPolicy()
        self.sleep = sleep
        self._in_flight: set[tuple[int, str]] = set()
        # Digests this process gave back for a transient reason: (monotonic time to retry at,
        # the tick time of their claim); retried by the next tick after that time.
        self._given_back: dict[tuple[int, str], tuple[float, dt.datetime]] = {}
        self._lock = asyncio.Lock()

    @property
    def busy(self) -> bool:
        """True while a tick is sending (a new tick is then skipped, not queued)."""
        return self._lock.locked()

    async def tick(self, now: dt.datetime) -> TickReport:
        """Send everything due at `now`, retry stale claims, and record missed digests; as bulk
        traffic, which the rate limiter sends after the answers to users."""
        with bulk_sends():
            return await self._tick(now)

    async def _tick(self, now: dt.datetime) -> TickReport:
        report = TickReport()
        async with self._lock:
            jobs = await self._claim_due(now, report) + await self._reclaim_stale(now, report)
            jobs += await self._retry_given_back(now, report)
            if not jobs:
                return report
            compose = self.compose.for_tick() if hasattr(self.compose, "for_tick") else self.compose
            semaphore = asyncio.Semaphore(self.concurrency)

            async def guarded(job: Job) -> None:
                async with semaphore:
                    await self._deliver(job, compose, now=now, report=report)

            await asyncio.gather(*(guarded(job) for job in jobs))
        return report

    @property
    def concurrency(self) -> int:
        """Chats sent to at once (see DeliveryPolicy.concurrency)."""
        if self.policy.concurrency:
            return self.policy.concurrency
        return 16 if getattr(self.bot, "rate_limiter", None) is not None else 8

    async def _claim_due(self, now: dt.datetime, report: TickReport) -> list[Job]:
        due = await due_deliveries(self.stores, now, self.policy.grace)
        late = [d for d in due if d.late]
        missed = [
            (d.subscription.chat_id, d.digest_key, d.due_at, f"late by {now - d.due_at}")
            for d in late
        ]
        created = await self.stores.deliveries.record_missed_many(missed)
        report.missed += [(row[0], row[1]) for row, new in zip(missed, created, strict=True) if new]
        fresh = [d for d in due if not d.late]
        claims = [(d.subscription.chat_id, d.digest_key, d.due_at) for d in fresh]
        won = await self.stores.deliveries.claim_many(claims, now)
        return [Job(d.subscription, d.digest_key) for d, ok in zip(fresh, won, strict=True) if ok]

    async def _reclaim_stale(self, now: dt.datetime, report: TickReport) -> list[Job]:
        jobs = []
        cutoff = now - self.policy.stale_after
        for row in await self.stores.deliveries.stale_pending(cutoff):
            pair = (row.chat_id, row.digest_key)
            if pair in self._in_flight or pair in self._given_back:
                continue
            job = await self._take_over(row, cutoff, now, report, self.policy.max_attempts)
            if job is not None:
                jobs.append(job)
        return jobs

    async def _retry_given_back(self, now: dt.datetime, report: TickReport) -> list[Job]:
        """Take back the rows this process gave back whose retry time has come (a transient
        failure is retried until the grace period runs out, however many attempts it takes)."""
        clock = time.monotonic()
        ready = {pair: claimed for pair, (at, claimed) in self._given_back.items() if at <= clock}
        if not ready:
            return []
        latest = max(ready.values()) + dt.timedelta(seconds=1)
        stale = await self.stores.deliveries.stale_pending(latest)
        rows = {(r.chat_id, r.digest_key): r for r in stale}
        jobs = []
        for pair, claimed in ready.items():
            del self._given_back[pair]
            row = rows.get(pair)
            if row is None or pair in self._in_flight:
                continue  # sent or closed meanwhile (by another process)
            # Only a row nobody claimed since we gave it back: claimed_at is still our claim.
            job = await self._take_over(row, claimed + dt.timedelta(seconds=1), now, report)
            if job is not None:
                jobs.append(job)
        return jobs

    async def _take_over(
        self,
        row: Delivery,
        claimed_before: dt.datetime,
        now: dt.datetime,
        report: TickReport,
        max_attempts: int | None = None,
    ) -> Job | None:
        """Claim a 'pending' row again, or close it as missed (grace over) or failed."""
        pair = (row.chat_id, row.digest_key)
        kind = row.digest_key.split(":", 1)[0]
        active = await self.stores.subscriptions.of_chat(row.chat_id, True)
        subs = [s for s in active if s.kind == kind]
        if now - row.due_at > self.policy.grace:
            error = row.error or "grace ran out"
            await self.stores.deliveries.complete(*pair, "missed", now, error=error)
            report.missed.append(pair)
        elif not subs or (max_attempts is not None and row.attempts >= max_attempts):
            reason = "unsubscribed meanwhile" if not subs else f"gave up: {row.error}"
            await self.stores.deliveries.complete(*pair, "failed", now, error=reason)
            report.failed.append(pair)
        elif await self.stores.deliveries.reclaim_stale(*pair, claimed_before, now):
            return Job(subs[0], row.digest_key, row)
        return None

    async def _deliver(
        self, job: Job, compose: ComposeFn, *, now: dt.datetime, report: TickReport
    ) -> None:
        sub, key = job.subscription, job.digest_key
        chat_id = sub.chat_id
        self._in_flight.add((chat_id, key))
        try:
            done = list(job.resumed.message_ids) if job.resumed else []
            parts = await compose(sub, key_date(key))
            if not parts:
                await self.stores.deliveries.complete(chat_id, key, "empty", now)
                report.empty.append((chat_id, key))
                return
            for part in parts[len(done) :]:
                markup = more_keyboard(sub.language) if isinstance(part, SummarizedPart) else None
                chat_id, message_id = await self._send(chat_id, sub.thread_id, part, markup)
                done.append(message_id)
                if len(done) < len(parts):  # the last part's id goes in with 'sent'
                    await self.stores.deliveries.save_progress(chat_id, key, done)
            await self.stores.deliveries.complete(
                chat_id, key, "sent", now, message_ids=done, digested_kind=sub.kind
            )
            report.sent.append((chat_id, key))
        except GiveUp as exc:
            status = "failed" if exc.permanent else "pending"  # pending: a later tick takes over
            await self.stores.deliveries.complete(
                chat_id, key, status, now, error=str(exc), where=f"digest {key} to {chat_id}"
            )
            (report.failed if exc.permanent else report.retry_later).append((chat_id, key))
            if not exc.permanent:
                self._given_back[(chat_id, key)] = (time.monotonic() + exc.wait, now)
        except Exception as exc:  # a bug in composing must not stop the other chats
            log.exception("digest %s to %s failed", key, chat_id)
            await self.stores.deliveries.complete(
                chat_id, key, "failed", now, error=repr(exc), where=f"digest {key} to {chat_id}"
            )
            report.failed.append((chat_id, key))
        finally:
            self._in_flight.discard((sub.chat_id, key))
            self._in_flight.discard((chat_id, key))

    async def _send(
        self,
        chat_id: int,
        thread_id: int | None,
        text: str,
        markup: InlineKeyboardMarkup | None = None,
    ) -> tuple[int, int]:
        """Send one message, handling Telegram's answers; return (chat_id, message_id)."""
        network_failures = rate_limited = migrations = 0
        while True:
            try:
                message = await self.bot.send_message(
                    chat_id,
                    text,
                    parse_mode=ParseMode.HTML,
                    message_thread_id=thread_id,
                    link_preview_options=NO_PREVIEW,
                    reply_markup=markup,
                )
                return chat_id, message.message_id
            except Forbidden as exc:  # blocked by the user, kicked from the group/channel
                await self.stores.subscriptions.deactivate(chat_id, f"403 {exc.message}")
                await self.stores.chats.set_status(chat_id, "kicked")
                raise GiveUp(f"403 {exc.message}", permanent=True) from exc
            except ChatMigrated as exc:  # the group became a supergroup with a new id
                migrations += 1
                if migrations > 2:
                    raise GiveUp(f"chat keeps migrating: {exc.message}", permanent=True) from exc
                await self.stores.chats.migrate(chat_id, exc.new_chat_id)
                log.info("chat %s migrated to %s", chat_id, exc.new_chat_id)
                chat_id = exc.new_chat_id
            except RetryAfter as exc:
                wait = retry_after_seconds(exc)
                rate_limited += 1
                if (
                    rate_limited > self.policy.rate_limit_retries
                    or wait > self.policy.max_retry_after
                ):
                    raise GiveUp(f"429 retry after {wait:g}s", permanent=False, wait=wait) from exc
                await self.sleep(wait)
            except InvalidToken as exc:  # 401: the token was revoked or is being rotated
                raise GiveUp("401 Telegram rejected the token", permanent=False) from exc
            except (
                BadRequest
            ) as exc:  # chat not found, thread deleted, bad HTML: retrying won't help
                if "chat not found" in exc.message.lower():
                    await self.stores.subscriptions.deactivate(chat_id, f"400 {exc.message}")
                raise GiveUp(f"400 {exc.message}", permanent=True) from exc
            except NetworkError as exc:  # includes TimedOut
                network_failures += 1
                if network_failures > self.policy.network_retries:
                    raise GiveUp(f"network: {exc.message}", permanent=False) from exc
                await self.sleep(self.policy.backoff * 2 ** (network_failures - 1))
