"""Sending due digests through the Bot API, exactly once per chat and digest as far as Telegram
lets us, with every Telegram error handled in one place.

How a digest goes out (`Broadcaster.tick(now)`):
1. `due_deliveries(now)` lists digests with no row in the delivery log. One due longer ago than
   the grace period is recorded 'missed'; the others are *claimed*: `INSERT … status 'pending'`
   on the unique key (chat_id, digest_key). Only the caller whose insert succeeded sends.
2. The digest is composed and split into messages; after each message is accepted its id is
   stored on the row, then the row is marked 'sent' (or 'empty' when there was nothing to say).
3. A 'pending' row whose claim is older than `stale_after` belongs to a sender that died (crash,
   restart mid-broadcast) or gave up on a flaky network; the next tick takes it over and resumes
   after the parts already recorded, until `max_attempts` or the grace period runs out.

Exactly-once trade-off: a restart neither skips a chat (its row stays 'pending' and is retried)
nor repeats one whose row says 'sent'. The one window left is between Telegram accepting a
message and our commit of its id (or a timeout after Telegram did accept it): that message may be
sent twice. We choose at-least-once there — a rare duplicate morning digest is better than a
silently lost one — and the window is one message wide, because progress is stored per part.

Telegram answers: 403 deactivates the chat's subscriptions and records why; 429 waits
`retry_after` (capped) and retries; a group migrated to a supergroup moves its subscription and
log to the new id and retries there; timeouts and network errors retry with exponential backoff,
a bounded number of times. Every failure is written to the errors table.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter

from bot.digests import compose_digest, digest_messages
from bot.scheduling import due_deliveries, key_date
from bot.seeds import SeedSet
from bot.storage import Storage
from bot.subscriptions import Subscription, SubscriptionStore

log = logging.getLogger(__name__)

# Compose the messages (HTML, each within Telegram's limits) of one subscription's digest for a
# local date; an empty list means there is nothing to send.
ComposeFn = Callable[[Subscription, dt.date], Awaitable[list[str]]]
SleepFn = Callable[[float], Awaitable[object]]


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
    concurrency: int = 8  # chats sent to at once; AIORateLimiter keeps the global ~30 msg/s


@dataclass
class TickReport:
    """What one tick did, keyed by (chat_id, digest_key)."""

    sent: list[tuple[int, str]] = field(default_factory=list)
    empty: list[tuple[int, str]] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)
    retry_later: list[tuple[int, str]] = field(default_factory=list)
    missed: list[tuple[int, str]] = field(default_factory=list)


async def subscription_digest(
    storage: Storage, seeds: SeedSet, sub: Subscription, day: dt.date, send_empty: bool
) -> list[str]:
    """The messages of `sub`'s digest for local `day`: what the scheduler sends and what
    `python -m bot digest --chat` prints. 'New' means changed since the chat's last digest."""
    since = sub.last_digest_at or sub.created_at
    changed = await storage.events_changed_since(since) if since else []
    digest = compose_digest(seeds, day, kind=sub.kind, topics=sub.topics, changed_ids=changed)
    return digest_messages(digest, seeds, sub.language, send_empty)


class GiveUp(Exception):
    """Sending failed for good (`permanent`) or for now; the message says why."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


def retry_after_seconds(exc: RetryAfter) -> float:
    """The wait Telegram asked for, in seconds (PTB gives an int or a timedelta)."""
    value = getattr(exc, "_retry_after", None) or exc.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


class Broadcaster:
    """Runs the delivery log: claims due digests, sends them, and records the outcome."""

    def __init__(
        self,
        store: SubscriptionStore,
        bot: Bot,
        compose: ComposeFn,
        policy: DeliveryPolicy | None = None,
        sleep: SleepFn = asyncio.sleep,
    ) -> None:
        self.store = store
        self.bot = bot
        self.compose = compose
        self.policy = policy or DeliveryPolicy()
        self.sleep = sleep
        self._in_flight: set[tuple[int, str]] = set()
        self._lock = asyncio.Lock()

    @property
    def busy(self) -> bool:
        """True while a tick is sending (a new tick is then skipped, not queued)."""
        return self._lock.locked()

    async def tick(self, now: dt.datetime) -> TickReport:
        """Send everything due at `now`, retry stale claims, and record missed digests."""
        report = TickReport()
        async with self._lock:
            jobs = await self._claim_due(now, report) + await self._reclaim_stale(now, report)
            semaphore = asyncio.Semaphore(self.policy.concurrency)

            async def guarded(job: tuple[Subscription, str]) -> None:
                async with semaphore:
                    await self._deliver(*job, now=now, report=report)

            await asyncio.gather(*(guarded(job) for job in jobs))
        return report

    async def _claim_due(self, now: dt.datetime, report: TickReport) -> list:
        jobs = []
        for due in await due_deliveries(self.store, now, self.policy.grace):
            chat_id, key = due.subscription.chat_id, due.digest_key
            if due.late:
                late_by = now - due.due_at
                if await self.store.record_missed(chat_id, key, due.due_at, f"late by {late_by}"):
                    report.missed.append((chat_id, key))
            elif await self.store.claim(chat_id, key, due.due_at, now):
                jobs.append((due.subscription, key))
        return jobs

    async def _reclaim_stale(self, now: dt.datetime, report: TickReport) -> list:
        jobs = []
        cutoff = now - self.policy.stale_after
        for row in await self.store.stale_pending(cutoff):
            pair = (row.chat_id, row.digest_key)
            if pair in self._in_flight:
                continue
            kind = row.digest_key.split(":", 1)[0]
            subs = [s for s in await self.store.subscriptions(row.chat_id, True) if s.kind == kind]
            if now - row.due_at > self.policy.grace:
                await self.store.finish(*pair, "missed", now, error=row.error or "grace ran out")
                report.missed.append(pair)
            elif not subs or row.attempts >= self.policy.max_attempts:
                reason = "unsubscribed meanwhile" if not subs else f"gave up: {row.error}"
                await self.store.finish(*pair, "failed", now, error=reason)
                report.failed.append(pair)
            elif await self.store.reclaim_stale(*pair, cutoff, now):
                jobs.append((subs[0], row.digest_key))
        return jobs

    async def _deliver(
        self, sub: Subscription, key: str, *, now: dt.datetime, report: TickReport
    ) -> None:
        chat_id = sub.chat_id
        self._in_flight.add((chat_id, key))
        try:
            row = await self.store.delivery(chat_id, key)
            done = list(row.message_ids) if row else []
            parts = await self.compose(sub, key_date(key))
            if not parts:
                await self.store.finish(chat_id, key, "empty", now)
                report.empty.append((chat_id, key))
                return
            for part in parts[len(done) :]:
                chat_id, message_id = await self._send(chat_id, sub.thread_id, part)
                done.append(message_id)
                await self.store.record_progress(chat_id, key, done)
            await self.store.finish(chat_id, key, "sent", now, message_ids=done)
            await self.store.mark_digested(chat_id, sub.kind, now)
            report.sent.append((chat_id, key))
        except GiveUp as exc:
            await self.store.log_error(f"digest {key} to {chat_id}", str(exc), now)
            if exc.permanent:
                await self.store.finish(chat_id, key, "failed", now, error=str(exc))
                report.failed.append((chat_id, key))
            else:  # stays 'pending': a later tick takes it over once the claim is stale
                await self.store.finish(chat_id, key, "pending", now, error=str(exc))
                report.retry_later.append((chat_id, key))
        except Exception as exc:  # a bug in composing must not stop the other chats
            log.exception("digest %s to %s failed", key, chat_id)
            await self.store.log_error(f"digest {key} to {chat_id}", repr(exc), now)
            await self.store.finish(chat_id, key, "failed", now, error=repr(exc))
            report.failed.append((chat_id, key))
        finally:
            self._in_flight.discard((sub.chat_id, key))
            self._in_flight.discard((chat_id, key))

    async def _send(self, chat_id: int, thread_id: int | None, text: str) -> tuple[int, int]:
        """Send one message, handling Telegram's answers; return (chat_id, message_id)."""
        network_failures = rate_limited = migrations = 0
        while True:
            try:
                message = await self.bot.send_message(
                    chat_id,
                    text,
                    parse_mode=ParseMode.HTML,
                    message_thread_id=thread_id,
                    link_preview_options=LinkPreviewOptions(is_disabled=True),
                )
                return chat_id, message.message_id
            except Forbidden as exc:  # blocked by the user, kicked from the group/channel
                await self.store.deactivate(chat_id, f"403 {exc.message}")
                await self.store.set_chat_status(chat_id, "kicked")
                raise GiveUp(f"403 {exc.message}", permanent=True) from exc
            except ChatMigrated as exc:  # the group became a supergroup with a new id
                migrations += 1
                if migrations > 2:
                    raise GiveUp(f"chat keeps migrating: {exc.message}", permanent=True) from exc
                await self.store.migrate_chat(chat_id, exc.new_chat_id)
                log.info("chat %s migrated to %s", chat_id, exc.new_chat_id)
                chat_id = exc.new_chat_id
            except RetryAfter as exc:
                wait = retry_after_seconds(exc)
                rate_limited += 1
                if (
                    rate_limited > self.policy.rate_limit_retries
                    or wait > self.policy.max_retry_after
                ):
                    raise GiveUp(f"429 retry after {wait:g}s", permanent=False) from exc
                await self.sleep(wait)
            except (
                BadRequest
            ) as exc:  # chat not found, thread deleted, bad HTML: retrying won't help
                if "chat not found" in exc.message.lower():
                    await self.store.deactivate(chat_id, f"400 {exc.message}")
                raise GiveUp(f"400 {exc.message}", permanent=True) from exc
            except NetworkError as exc:  # includes TimedOut
                network_failures += 1
                if network_failures > self.policy.network_retries:
                    raise GiveUp(f"network: {exc.message}", permanent=False) from exc
                await self.sleep(self.policy.backoff * 2 ** (network_failures - 1))
