"""How every instance learns that the seeds or the search index changed: `data_version`.

A writer bumps `meta.data_version` and calls pg_notify in the same transaction as its seeds or
index writes, so the notification goes out at COMMIT and never before the data is there. Each
instance listens on a dedicated connection (a pooled one loses LISTEN when released) and also
compares the version on every tick, because notifications sent while it was disconnected are
gone for good.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

import asyncpg

from bot.storage.postgres.database import PgDatabase

log = logging.getLogger(__name__)

CHANNEL = "data"


async def bump(connection: asyncpg.Connection, db: PgDatabase) -> int:
    """Inside the caller's transaction: the next data version, notified at commit."""
    version = int(
        await connection.fetchval(
            "UPDATE meta SET value = (value::bigint + 1)::text WHERE key = 'data_version'"
            " RETURNING value"
        )
    )
    await connection.execute("SELECT pg_notify($1, $2)", db.channel(CHANNEL), str(version))
    return version


async def current(db: PgDatabase) -> int:
    """The stored data version."""
    return int(await db.pool.fetchval("SELECT value FROM meta WHERE key = 'data_version'"))


class DataWatcher:
    """Calls `on_change(version)` when the data version moves past the one this instance has:
    at once on a notification, and on every `check()` (the tick) as a safety net."""

    def __init__(self, db: PgDatabase, seen: int, on_change: Callable[[int], Awaitable[None]]):
        self.db = db
        self.seen = seen
        self.on_change = on_change
        self._connection: asyncpg.Connection | None = None
        self._lock = asyncio.Lock()
        self._tasks: set[asyncio.Task] = set()

    async def listen(self) -> None:
        """Start listening on a dedicated connection."""
        self._connection = await self.db.dedicated()
        await self._connection.add_listener(self.db.channel(CHANNEL), self._notified)
        await self.check()  # what changed while we were not listening

    def _notified(self, _connection: object, _pid: int, _channel: str, payload: str) -> None:
        task = asyncio.get_running_loop().create_task(self.check())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def check(self) -> bool:
        """Compare the stored version with ours; refresh when it moved. True if it did."""
        async with self._lock:
            version = await current(self.db)
            if version <= self.seen:
                return False
            log.info("data version %s -> %s: refreshing", self.seen, version)
            await self.on_change(version)
            self.seen = version
            return True

    async def close(self) -> None:
        if self._connection is not None:
            connection, self._connection = self._connection, None
            with contextlib.suppress(Exception):
                await connection.close()
        for task in list(self._tasks):
            task.cancel()


class PgDataChanges:
    """`bot.storage.base.DataChanges` on PostgreSQL: the stored version, and a listener on a
    dedicated connection that reports each version notified (connected again when lost)."""

    def __init__(self, db: PgDatabase) -> None:
        self.db = db
        self._connection: asyncpg.Connection | None = None
        self._on_change: Callable[[int], object] | None = None

    async def version(self) -> int:
        return await current(self.db)

    async def listen(self, on_change: Callable[[int], object]) -> None:
        """Call `on_change(version)` (on the event loop) for every version notified from now
        on; connect the listener again if its connection was lost (idempotent)."""
        self._on_change = on_change
        if self._connection is not None and not self._connection.is_closed():
            return
        connection = await self.db.dedicated()
        await connection.add_listener(self.db.channel(CHANNEL), self._notified)
        self._connection = connection

    def _notified(self, _connection: object, _pid: int, _channel: str, payload: str) -> None:
        if self._on_change is not None:
            self._on_change(int(payload))

    async def close(self) -> None:
        if self._connection is not None:
            connection, self._connection = self._connection, None
            with contextlib.suppress(Exception):
                await connection.close()
