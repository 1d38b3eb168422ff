"""Sending due digests through the Bot API, exactly once per chat and digest as far as Telegram
lets us, with every Telegram error handled in one place.

How a digest goes out (`Broadcaster.tick(now)`, the same on SQLite and PostgreSQL):
1. *Plan*: the delivery log gets a 'queued' row for each digest due at `now` (unique key
   (chat_id, digest_key)) and a 'missed' one for each due longer ago than the grace period; rows
   whose claims ran out of grace or attempts are closed. On PostgreSQL one instance plans per
   tick (an advisory lock) and `now` is the database clock, so instances agree on what is due.
2. *Claim*: `concurrency` workers take claimable rows in batches — 'queued', or 'pending' with an
   expired lease (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so instances share the work). A claim
   has a lease, renewed every lease/3 while this sender lives, and a new fencing token.
3. *Send*: the digest is composed (once per distinct content in a tick: `DigestComposer`) and
   split into messages. After each message but the last is accepted its id is stored on the row;
   after the last, the row is marked 'sent' with every id and the chat's last-digest time set, in
   one transaction. Every write must match the claim's token: when one does not (the lease ran
   out and another sender took the row over, resuming after the recorded parts), this sender
   stops sending that digest.
4. A digest given back (flaky network, a 429 longer than we wait) can be claimed again by any
   instance after `give_back_rest` (or the 429's retry_after), however many attempts it takes
   until the grace period runs out; one whose sender died, once its lease runs out (a claim
   taken over that often, `max_attempts`, is closed as failed).

Exactly-once trade-off: a restart neither skips a chat (its row stays 'pending' and is retried)
nor repeats one whose row says 'sent'. The one window left is between Telegram accepting a
message and our commit of its id (or a timeout after Telegram did accept it): that message may be
sent twice. We choose at-least-once there — a rare duplicate morning digest is better than a
silently lost one — and the window is one message per chat in flight (so at most
`concurrency` messages per sender), because progress is stored per part. A sender that stalls
past its lease (not dead, only slow) may send at most its in-flight part after the take-over.

Telegram answers: 403 deactivates the chat's subscriptions and records why; 429 waits
`retry_after` (capped) and retries; a group migrated to a supergroup moves its subscription and
log to the new id and retries there; timeouts and network errors retry with exponential backoff,
a bounded number of times; 401 (a revoked or rotated token) gives the row back. A digest given
back for a transient reason (401, network, a long 429) is retried by this process at the next
tick (after the 429's wait), until the grace period runs out. Every failure is written to the
errors table.

Long because: the exactly-once protocol above and Telegram's error policy are one state machine per
delivery. What a digest says, composed once per tick for the chats that share it, is
bot.digests.composer.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import socket
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol

from telegram import Bot, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
)

from bot.digests.composer import more_keyboard
from bot.digests.render import SummarizedPart
from bot.digests.schedule import compute_due, key_date
from bot.storage.base import Claim, DeliveryLog, Stores, Subscription
from bot.telegram.limits import retry_after_seconds
from bot.telegram.send_limiter import bulk_sends

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
    # A claim's lease, renewed every third of it while its sender lives: a dead sender's digests
    # are taken over by another (or the restarted) sender once it runs out.
    lease: float = 120.0
    # A digest given back (flaky network, 401, a 429 longer than we wait) rests this long, or
    # the 429's retry_after, before any instance's tick sends it again: not within the same tick.
    give_back_rest: float = 30.0
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
    lost: list[tuple[int, str]] = field(default_factory=list)  # claims another sender took over


def instance_name() -> str:
    """Who claims a delivery or holds a role lease, for operators reading the log: host,
    process, a random tail (a new one on every call: two instances in one process, as in the
    tests, must not share a lease holder's name)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def _at(now: dt.datetime, started: float) -> dt.datetime:
    """`now` moved on by the time the tick has run."""
    return now + dt.timedelta(seconds=time.monotonic() - started)


class GiveUp(Exception):
    """Sending failed for good (`permanent`) or for now (retry after `wait` seconds)."""

    def __init__(self, message: str, *, permanent: bool, wait: float = 0.0) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.wait = wait


class Broadcaster:
    """Runs the delivery log: plans due digests, claims them, sends them, records the outcome."""

    def __init__(
        self,
        stores: Stores,
        bot: Bot,
        compose: ComposeFn | PerTick,
        policy: DeliveryPolicy | None = None,
        sleep: SleepFn = asyncio.sleep,
        owner: str | None = None,
    ) -> None:
        self.stores = stores
        self.bot = bot
        self.compose = compose
        self.policy = policy or DeliveryPolicy()
        self.sleep = sleep
        self.owner = owner or instance_name()
        self._held: set[int] = set()  # tokens of the claims this instance holds
        self._lost: set[int] = set()  # of those, the ones another sender took over
        self._lock = asyncio.Lock()

    @property
    def deliveries(self) -> DeliveryLog:
        """The delivery log claims are taken from."""
        return self.stores.deliveries

    @property
    def busy(self) -> bool:
        """True while a tick is sending (a new tick is then skipped, not queued)."""
        return self._lock.locked()

    async def tick(self, now: dt.datetime | None = None) -> TickReport:
        """Plan what is due at `now` (unless another instance does), then claim and send until
        nothing claimable is left; as bulk traffic, which the rate limiter sends after the
        answers to users. `now` defaults to the clock every instance shares (the database's)."""
        with bulk_sends():
            return await self._tick(now or await self.deliveries.clock())

    async def _tick(self, now: dt.datetime) -> TickReport:
        report = TickReport()
        async with self._lock:
            planned = await self.deliveries.plan(
                self._due, now, self.policy.grace, self.policy.max_attempts
            )
            if planned is not None:
                report.missed += planned.missed
                report.failed += planned.failed
            started = time.monotonic()
            renewer = asyncio.create_task(self._renew(now, started))
            try:
                await self._send_claimable(now, started, report)
            finally:
                renewer.cancel()
                self._held.clear()
                self._lost.clear()
        return report

    def _due(self, subscriptions: list, existing: set, now: dt.datetime) -> list:
        return compute_due(subscriptions, existing, now, self.policy.grace)

    async def _send_claimable(self, now: dt.datetime, started: float, report: TickReport) -> None:
        """`concurrency` workers, each taking the next claim from a shared batch until the log
        has nothing claimable left."""
        compose = self.compose.for_tick() if hasattr(self.compose, "for_tick") else self.compose
        batch: list[Claim] = []
        claiming = asyncio.Lock()
        exhausted = False

        async def next_claim() -> Claim | None:
            nonlocal exhausted
            async with claiming:
                if not batch and not exhausted:
                    claims = await self.deliveries.claim(
                        self.owner, self.concurrency, self.policy.lease, _at(now, started)
                    )
                    self._held.update(claim.token for claim in claims)
                    batch.extend(claims)
                    exhausted = not claims
                return batch.pop(0) if batch else None

        async def worker() -> None:
            while (claim := await next_claim()) is not None:
                await self._deliver(claim, compose, now=_at(now, started), report=report)
                self._held.discard(claim.token)

        await asyncio.gather(*(worker() for _ in range(self.concurrency)))

    async def _renew(self, now: dt.datetime, started: float) -> None:
        """Every lease/3, extend the leases of the claims held; note the ones lost."""
        while True:
            await asyncio.sleep(self.policy.lease / 3)
            held = set(self._held)
            try:
                kept = await self.deliveries.renew(
                    sorted(held), self.policy.lease, _at(now, started)
                )
            except Exception:  # the database is away: the lease still has 2/3 to run
                log.warning("renewing %d delivery leases failed", len(held), exc_info=True)
                continue
            self._lost |= held - kept

    @property
    def concurrency(self) -> int:
        """Chats sent to at once (see DeliveryPolicy.concurrency)."""
        if self.policy.concurrency:
            return self.policy.concurrency
        return 16 if getattr(self.bot, "rate_limiter", None) is not None else 8

    async def _deliver(
        self, claim: Claim, compose: ComposeFn, *, now: dt.datetime, report: TickReport
    ) -> None:
        key = claim.digest_key
        chat_id = claim.chat_id
        kind = key.split(":", 1)[0]
        active = await self.stores.subscriptions.of_chat(chat_id, True)
        subs = [s for s in active if s.kind == kind]
        if not subs:
            await self.deliveries.complete(claim, "failed", now=now, error="unsubscribed meanwhile")
            report.failed.append((chat_id, key))
            return
        sub = subs[0]
        lost = False
        try:
            done = list(claim.message_ids)
            parts = await compose(sub, key_date(key))
            if not parts:
                lost = not await self.deliveries.complete(claim, "empty", now=now)
                if not lost:
                    report.empty.append((chat_id, key))
                return
            for part in parts[len(done) :]:
                if lost := claim.token in self._lost:
                    return
                markup = more_keyboard(sub.language) if isinstance(part, SummarizedPart) else None
                chat_id, message_id = await self._send(chat_id, sub.thread_id, part, markup)
                done.append(message_id)
                if len(done) < len(parts):  # the last part's id goes in with 'sent'
                    # shielded: once Telegram took a part, a cancelled tick (SIGTERM) still
                    # records its id, so the next sender resumes after it
                    saved = asyncio.shield(self.deliveries.save_progress(claim, done))
                    if lost := not await saved:
                        return
            lost = not await asyncio.shield(
                self.deliveries.complete(
                    claim, "sent", now=now, chat_id=chat_id, message_ids=done,
                    digested_kind=sub.kind,
                )
            )  # fmt: skip
            if not lost:
                report.sent.append((chat_id, key))
        except GiveUp as exc:
            where = f"digest {key} to {chat_id}"
            if exc.permanent:
                await self.deliveries.complete(
                    claim, "failed", now=now, error=str(exc), where=where
                )
                report.failed.append((chat_id, key))
            else:  # a later tick (of any instance) sends it, until the grace period runs out
                rest = max(exc.wait, self.policy.give_back_rest)
                await self.deliveries.release(claim, str(exc), rest, now=now)
                await self.stores.stats.log_error(where, str(exc))
                report.retry_later.append((chat_id, key))
        except Exception as exc:  # a bug in composing must not stop the other chats
            log.exception("digest %s to %s failed", key, chat_id)
            await self.deliveries.complete(
                claim, "failed", now=now, error=repr(exc), where=f"digest {key} to {chat_id}"
            )
            report.failed.append((chat_id, key))
        finally:
            if lost:
                log.warning("digest %s to %s: claim taken over elsewhere, stopped", key, chat_id)
                report.lost.append((chat_id, key))

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
