"""Long polling by one instance of several: the holder of the `poller` lease.

Telegram lets one getUpdates consumer per token poll (a second one ends the first with 409
Conflict). In PostgreSQL mode every polling instance runs a `LeasedPoller`: the one holding the
`poller` lease (bot.storage.postgres.leases) polls, the others stand by and try to take the lease
every ttl/3. A lease that is not renewed expires `ttl` seconds after its last renewal on the
database clock, so a survivor takes over within ttl + ttl/3 of the holder's death.

Two pollers never overlap. Every getUpdates is a long poll that Telegram ends by its `timeout`,
and the timeout never reaches past the lease: at most the time left on it, counted from when the
last successful renewal was *sent* (the database stamps the expiry later than that), less a
margin for the network. An instance that cannot renew (the database is gone) lets its last poll
run out and stops; another takes over only once the lease has expired. A graceful stop confirms
the updates fetched (a getUpdates with timeout 0, which also ends this instance's pending one)
and gives the lease up, so a standby takes over at once.

Not guaranteed: the last batch of updates a poller fetched and did not confirm before dying is
fetched again by the next holder and handled twice; a host whose monotonic clock stops while the
database's runs on (a suspended VM) may poll once past its lease.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable

from telegram import Update
from telegram.error import RetryAfter, TelegramError
from telegram.ext import Application

from bot.storage.postgres.leases import Leases
from bot.telegram.limits import retry_after_seconds

log = logging.getLogger(__name__)

LEASE_NAME = "poller"
LEASE_SECONDS = 20.0  # a survivor polls within 20 + 20/3 s of the holder's death
POLL_SECONDS = 10  # the longest getUpdates long poll (PTB's default)
MAX_BACKOFF = 30.0


class LeasedPoller:
    """Polls `application`'s bot for updates into its update queue while holding the lease."""

    def __init__(
        self,
        application: Application,
        leases: Leases,
        *,
        ttl: float = LEASE_SECONDS,
        poll_seconds: int = POLL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.application = application
        self.leases = leases
        self.ttl = ttl
        self.poll_seconds = poll_seconds
        self.margin = ttl / 6  # lease time a poll leaves unused: network delay, a slow loop
        self.clock = clock
        self.valid_until = 0.0  # monotonic: the lease is surely ours until then
        self.offset: int | None = None  # the next update id (confirms the ones before it)
        self.active = False  # polling now
        self.polls = 0  # getUpdates answered
        self._renewed = asyncio.Event()
        self._tasks: list[asyncio.Task] = []

    @property
    def standby(self) -> bool:
        """Whether another instance polls (this one waits to take over)."""
        return not self.active

    def start(self) -> None:
        """Try for the lease for ever, and poll while holding it."""
        self._tasks = [
            asyncio.create_task(self._keep_lease(), name="poller-lease"),
            asyncio.create_task(self._poll(), name="poller"),
        ]

    async def stop(self) -> None:
        """Stop polling, confirm what was fetched, give the lease up (graceful shutdown)."""
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self.active or self.valid_until > self.clock():
            self.active = False
            with contextlib.suppress(TelegramError):
                # Ends this instance's pending long poll at Telegram and confirms the offset.
                await self.application.bot.get_updates(offset=self.offset, timeout=0)
            with contextlib.suppress(Exception):
                await self.leases.release(LEASE_NAME)
            self.valid_until = 0.0

    def left(self) -> float:
        """Seconds a getUpdates may still run before the lease could expire."""
        return self.valid_until - self.margin - self.clock()

    async def _keep_lease(self) -> None:
        while True:
            sent = self.clock()
            try:
                token = await asyncio.wait_for(
                    self.leases.acquire(LEASE_NAME, self.ttl), self.ttl / 3
                )
            except Exception as exc:  # the database unreachable: the lease runs out by itself
                log.warning("poller lease: renewal failed (%s)", type(exc).__name__)
            else:
                if token is None:
                    if self.valid_until > self.clock():
                        log.error("poller lease: taken by another instance while ours")
                    self.valid_until = 0.0
                else:
                    if self.valid_until <= self.clock():
                        log.info("poller lease taken (token %s)", token)
                    self.valid_until = sent + self.ttl
                    self._renewed.set()
            await asyncio.sleep(self.ttl / 3)

    async def _poll(self) -> None:
        backoff = 1.0
        while True:
            seconds = min(self.poll_seconds, int(self.left()))
            if seconds < 1:
                if self.active:
                    self.active = False
                    log.warning("polling stopped: the poller lease is not renewed in time")
                self._renewed.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._renewed.wait(), self.ttl / 3)
                continue
            if not self.active:
                self.active = True
                log.info("polling for updates: this instance holds the poller lease")
            try:
                updates = await self.application.bot.get_updates(
                    offset=self.offset, timeout=seconds, allowed_updates=Update.ALL_TYPES
                )
            except RetryAfter as exc:
                await asyncio.sleep(retry_after_seconds(exc))
                continue
            except TelegramError as exc:  # 409, network, 5xx: told to the error handler
                self.application.create_task(
                    self.application.process_error(update=None, error=exc)
                )
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
                continue
            backoff = 1.0
            self.polls += 1
            for update in updates:
                await self.application.update_queue.put(update)
            if updates:
                self.offset = updates[-1].update_id + 1

