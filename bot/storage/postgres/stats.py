"""Operational figures and the error journal on PostgreSQL (the same answers as SqliteStats)."""

from __future__ import annotations

import datetime as dt

import asyncpg

from bot.storage.base import ERRORS_DAYS, ERRORS_KEPT, BotStats, to_timestamp
from bot.storage.postgres.database import PgDatabase

ERROR_SQL = (
    "INSERT INTO errors (at, where_, message) VALUES (COALESCE($1, clock_timestamp()), $2, $3)"
)
# The errors table is a window, not an archive: trimmed with every insert, to the last
# ERRORS_KEPT rows of the last ERRORS_DAYS days (bot.storage.base).
TRIM_ERRORS_SQL = (
    "DELETE FROM errors WHERE id <= (SELECT max(id) FROM errors) - $1"
    " OR at < COALESCE($3, clock_timestamp()) - make_interval(days => $2)"
)


async def log_error(
    connection: asyncpg.Connection, where: str, message: str, now: dt.datetime | None = None
) -> None:
    """Inside the caller's transaction: append an error row and trim the window."""
    await connection.execute(ERROR_SQL, now, where[:200], message[:1000])
    await connection.execute(TRIM_ERRORS_SQL, ERRORS_KEPT, ERRORS_DAYS, now)


class PgStats:
    """Counts over every table, and the `errors` journal."""

    def __init__(self, db: PgDatabase) -> None:
        self.db = db

    async def _pairs(self, sql: str) -> dict[str, int]:
        return {str(key): int(count) for key, count in await self.db.pool.fetch(sql)}

    async def _scalar(self, sql: str) -> int:
        value = await self.db.pool.fetchval(sql)
        return int(value) if value is not None else 0

    async def collect(self, recent: int = 5) -> BotStats:
        """Count chats, subscriptions, deliveries, events and errors; keep the `recent` last."""
        subscriptions = await self._pairs(
            "SELECT active::int, count(*) FROM subscriptions GROUP BY active"
        )
        return BotStats(
            chats_by_type=await self._pairs("SELECT type, count(*) FROM chats GROUP BY type"),
            chats_left=await self._scalar(
                "SELECT count(*) FROM chats WHERE status IN ('left', 'kicked')"
            ),
            subscriptions_active=subscriptions.get("1", 0),
            subscriptions_inactive=subscriptions.get("0", 0),
            deliveries_by_status=await self.deliveries_by_status(),
            events=await self._scalar("SELECT count(*) FROM events"),
            errors_total=await self._scalar("SELECT count(*) FROM errors"),
            recent_errors=tuple(await self.errors(recent)),
        )

    async def deliveries_by_status(self) -> dict[str, int]:
        """How many rows of the delivery log have each status."""
        return await self._pairs(
            "SELECT status, count(*) FROM deliveries GROUP BY status ORDER BY status"
        )

    async def ok(self) -> bool:
        """Whether the database answers a trivial query (for the health endpoint)."""
        return await self._scalar("SELECT 1") == 1

    async def log_error(self, where: str, message: str, now: dt.datetime | None = None) -> None:
        """Append to the errors table (never with the token: callers pass Telegram's message),
        dropping what falls out of its window."""
        async with self.db.pool.acquire() as connection, connection.transaction():
            await log_error(connection, where, message, now)

    async def errors(self, limit: int = 100) -> list[tuple[str, str, str]]:
        """The latest logged errors as (at, where, message), newest first."""
        rows = await self.db.pool.fetch(
            "SELECT at, where_, message FROM errors ORDER BY id DESC LIMIT $1", limit
        )
        return [(to_timestamp(row[0]), row[1], row[2]) for row in rows]
