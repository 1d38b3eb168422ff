"""Operational figures for `/stats` and the health endpoint, and the error journal, in SQLite."""

from __future__ import annotations

import datetime as dt

from bot.storage.base import ERRORS_DAYS, ERRORS_KEPT, BotStats, to_timestamp, utc_now
from bot.storage.sqlite.database import Database

ERROR_SQL = "INSERT INTO errors (at, where_, message) VALUES (?, ?, ?)"
# The errors table is a window (bot.storage.base.ERRORS_KEPT, ERRORS_DAYS), trimmed on insert.
TRIM_ERRORS_SQL = "DELETE FROM errors WHERE id <= (SELECT MAX(id) FROM errors) - ? OR at < ?"


def trim_params(now: dt.datetime) -> tuple[int, str]:
    """The parameters of TRIM_ERRORS_SQL at `now`."""
    return ERRORS_KEPT, to_timestamp(now - dt.timedelta(days=ERRORS_DAYS))


def error_row(where: str, message: str, now: dt.datetime) -> tuple[str, str, str]:
    """The values of an errors row (bounded, so a huge message cannot bloat the table)."""
    return (to_timestamp(now), where[:200], message[:1000])


class SqliteStats:
    """Counts over every table, and the `errors` journal."""

    def __init__(self, database: Database) -> None:
        self.database = database

    async def _pairs(self, sql: str) -> dict[str, int]:
        return {str(key): int(count) for key, count in await self.database.fetchall(sql)}

    async def _scalar(self, sql: str) -> int:
        value = await self.database.fetchval(sql)
        return int(value) if value is not None else 0

    async def collect(self, recent: int = 5) -> BotStats:
        """Count chats, subscriptions, deliveries, events and errors; keep the `recent` last."""
        subscriptions = await self._pairs(
            "SELECT active, COUNT(*) FROM subscriptions GROUP BY active"
        )
        rows = await self.database.fetchall(
            "SELECT at, where_, message FROM errors ORDER BY id DESC LIMIT ?", (recent,)
        )
        return BotStats(
            chats_by_type=await self._pairs("SELECT type, COUNT(*) FROM chats GROUP BY type"),
            chats_left=await self._scalar(
                "SELECT COUNT(*) FROM chats WHERE status IN ('left', 'kicked')"
            ),
            subscriptions_active=subscriptions.get("1", 0),
            subscriptions_inactive=subscriptions.get("0", 0),
            deliveries_by_status=await self.deliveries_by_status(),
            events=await self._scalar("SELECT COUNT(*) FROM events"),
            errors_total=await self._scalar("SELECT COUNT(*) FROM errors"),
            recent_errors=tuple((str(a), str(w), str(m)) for a, w, m in rows),
        )

    async def deliveries_by_status(self) -> dict[str, int]:
        """How many rows of the delivery log have each status."""
        return await self._pairs(
            "SELECT status, COUNT(*) FROM deliveries GROUP BY status ORDER BY status"
        )

    async def ok(self) -> bool:
        """Whether the database answers a trivial query (for the health endpoint)."""
        return await self._scalar("SELECT 1") == 1

    async def log_error(self, where: str, message: str, now: dt.datetime | None = None) -> None:
        """Append to the errors table (never with the token: callers pass Telegram's message),
        dropping what falls out of its window."""
        now = now or utc_now()
        async with self.database.transaction() as tx:
            await tx.execute(ERROR_SQL, error_row(where, message, now))
            await tx.execute(TRIM_ERRORS_SQL, trim_params(now))

    async def errors(self, limit: int = 100) -> list[tuple[str, str, str]]:
        """The latest logged errors as (at, where, message), newest first."""
        rows = await self.database.fetchall(
            "SELECT at, where_, message FROM errors ORDER BY id DESC LIMIT ?", (limit,)
        )
        return [(str(at), str(where), str(message)) for at, where, message in rows]
