"""Roles with one holder at a time across instances (the poller), as renewed leases.

A lease row names its holder and expires on the database clock; the holder renews it every
ttl/3 and keeps its token, another instance can take it only after it expired (and gets a new
token). The holder must stop acting before the lease can expire: `RoleLease.run` stops the role
when a renewal has not succeeded for 2·ttl/3, so two holders never overlap even if the database
is unreachable.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable

import asyncpg

from bot.storage.postgres.database import PgDatabase

log = logging.getLogger(__name__)

_ACQUIRE_SQL = """
INSERT INTO leases AS l (name, holder, token, expires_at)
VALUES ($1, $2, nextval('lease_tokens'), clock_timestamp() + make_interval(secs => $3))
ON CONFLICT (name) DO UPDATE
   SET holder = excluded.holder,
       token = CASE WHEN l.holder = excluded.holder THEN l.token ELSE excluded.token END,
       expires_at = excluded.expires_at
 WHERE l.expires_at < clock_timestamp() OR l.holder = excluded.holder
RETURNING token
"""


class Leases:
    """Acquire, renew and release named leases for one `holder` (this instance)."""

    def __init__(self, db: PgDatabase, holder: str) -> None:
        self.db = db
        self.holder = holder

    async def acquire(self, name: str, ttl: float) -> int | None:
        """Take or renew lease `name` for `ttl` seconds: its token, or None (held by another)."""
        return await self.db.pool.fetchval(_ACQUIRE_SQL, name, self.holder, ttl)

    async def release(self, name: str) -> None:
        """Give the lease up now, so a standby takes it over without waiting for expiry."""
        await self.db.pool.execute(
            "DELETE FROM leases WHERE name = $1 AND holder = $2", name, self.holder
        )

    async def holder_of(self, name: str) -> str | None:
        """Who holds `name` now (None when nobody does or it expired)."""
        return await self.db.pool.fetchval(
            "SELECT holder FROM leases WHERE name = $1 AND expires_at >= clock_timestamp()", name
        )


class RoleLease:
    """Runs a role (start/stop callbacks) only while this instance holds lease `name`."""

    def __init__(
        self,
        leases: Leases,
        name: str,
        start: Callable[[], Awaitable[None]],
        stop: Callable[[], Awaitable[None]],
        ttl: float = 30.0,
    ) -> None:
        self.leases = leases
        self.name = name
        self.start = start
        self.stop = stop
        self.ttl = ttl
        self.active = False
        self._task: asyncio.Task | None = None

    def launch(self) -> None:
        self._task = asyncio.create_task(self.run(), name=f"lease:{self.name}")

    async def run(self) -> None:
        """Try to hold the lease for ever: start the role on winning it, stop it before it
        could expire unrenewed; standbys retry every ttl/3."""
        renewed = time.monotonic()
        while True:
            failed = False
            try:
                token = await asyncio.wait_for(
                    self.leases.acquire(self.name, self.ttl), self.ttl / 3
                )
            except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
                log.warning("lease %s: renewal failed (%s)", self.name, type(exc).__name__)
                token, failed = None, True
            now = time.monotonic()
            if token is not None:
                renewed = now
                if not self.active:
                    log.info("lease %s taken (token %s): starting", self.name, token)
                    self.active = True
                    await self.start()
            elif self.active and (not failed or now - renewed > 2 * self.ttl / 3):
                log.warning("lease %s lost: stopping", self.name)
                self.active = False
                await self.stop()
            await asyncio.sleep(self.ttl / 3)

    async def close(self) -> None:
        """Stop the role and give the lease up (graceful shutdown)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self.active:
            self.active = False
            await self.stop()
            with contextlib.suppress(Exception):
                await self.leases.release(self.name)
