"""Operational figures for `/stats` and the health endpoint, read from the bot's SQLite file.

Read-only queries over the tables of bot/storage/migrations.py; writes (errors, deliveries) belong
to `bot.storage.subscriptions.SubscriptionStore`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import aiosqlite

STARTED_KEY = "started_at"  # bot_data: when this process built its Application (UTC)


def uptime(bot_data: Mapping[str, object], now: dt.datetime | None = None) -> dt.timedelta:
    """How long this process has been up, from the start time kept in `bot_data`."""
    started = bot_data.get(STARTED_KEY)
    if not isinstance(started, dt.datetime):
        return dt.timedelta(0)
    return (now or dt.datetime.now(dt.UTC)) - started


@dataclass(frozen=True)
class BotStats:
    """What an operator wants at a glance: audience, subscriptions, deliveries, errors, data."""

    chats_by_type: dict[str, int] = field(default_factory=dict)
    chats_left: int = 0  # chats the bot was removed from or blocked by
    subscriptions_active: int = 0
    subscriptions_inactive: int = 0
    deliveries_by_status: dict[str, int] = field(default_factory=dict)
    events: int = 0
    errors_total: int = 0
    recent_errors: tuple[tuple[str, str, str], ...] = ()  # (at, where, message), newest first

    @property
    def chats(self) -> int:
        """All chats the bot has seen."""
        return sum(self.chats_by_type.values())


async def _pairs(db: aiosqlite.Connection, sql: str) -> dict[str, int]:
    async with db.execute(sql) as cursor:
        return {str(key): int(count) for key, count in await cursor.fetchall()}


async def _scalar(db: aiosqlite.Connection, sql: str) -> int:
    async with db.execute(sql) as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row and row[0] is not None else 0


async def collect_stats(db: aiosqlite.Connection, recent: int = 5) -> BotStats:
    """Count chats, subscriptions, deliveries, events and errors; keep the `recent` last errors."""
    subscriptions = await _pairs(db, "SELECT active, COUNT(*) FROM subscriptions GROUP BY active")
    async with db.execute(
        "SELECT at, where_, message FROM errors ORDER BY id DESC LIMIT ?", (recent,)
    ) as cursor:
        recent_errors = tuple((str(a), str(w), str(m)) for a, w, m in await cursor.fetchall())
    return BotStats(
        chats_by_type=await _pairs(db, "SELECT type, COUNT(*) FROM chats GROUP BY type"),
        chats_left=await _scalar(
            db, "SELECT COUNT(*) FROM chats WHERE status IN ('left', 'kicked')"
        ),
        subscriptions_active=subscriptions.get("1", 0),
        subscriptions_inactive=subscriptions.get("0", 0),
        deliveries_by_status=await _pairs(
            db, "SELECT status, COUNT(*) FROM deliveries GROUP BY status ORDER BY status"
        ),
        events=await _scalar(db, "SELECT COUNT(*) FROM events"),
        errors_total=await _scalar(db, "SELECT COUNT(*) FROM errors"),
        recent_errors=recent_errors,
    )


async def database_ok(db: aiosqlite.Connection) -> bool:
    """Whether the database answers a trivial query (for the health endpoint)."""
    return await _scalar(db, "SELECT 1") == 1
