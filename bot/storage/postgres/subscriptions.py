"""Digest subscriptions on PostgreSQL: the same methods and answers as SqliteSubscriptions (the
contract tests run the same tests on both). Timestamps are `timestamptz`, written from the
database clock unless the caller passes a moment.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any, cast

import asyncpg

from bot.storage.base import Subscription, replaced_kinds, subscription_from_row
from bot.storage.postgres.database import PgDatabase

COLUMNS = (
    "chat_id, kind, send_time, timezone, language, topics, thread_id, active, inactive_reason,"
    " created_by, created_at, last_digest_at"
)
_UPDATABLE = {"send_time", "timezone", "language", "topics", "thread_id"}


def _moment(value: Any) -> dt.datetime | None:
    return cast("dt.datetime | None", value)


def changed_rows(status: str) -> int:
    """The row count of an asyncpg command status ('UPDATE 3' -> 3)."""
    return int(status.split()[-1])


async def active_subscriptions(connection: asyncpg.Connection | asyncpg.Pool) -> list[Subscription]:
    """Every active subscription (the planner's input), on `connection`."""
    rows = await connection.fetch(
        f"SELECT {COLUMNS} FROM subscriptions WHERE active ORDER BY chat_id, kind"
    )
    return [subscription_from_row(row, _moment) for row in rows]


class PgSubscriptions:
    """The `subscriptions` table."""

    def __init__(self, db: PgDatabase) -> None:
        self.db = db

    async def subscribe(self, sub: Subscription, now: dt.datetime | None = None) -> Subscription:
        """Create or replace the chat's subscription of its kind (daily replaces anniversaries
        and back; weekly goes beside them)."""
        async with self.db.pool.acquire() as connection, connection.transaction():
            stamp = now or await connection.fetchval("SELECT clock_timestamp()")
            await connection.execute(
                "DELETE FROM subscriptions WHERE chat_id = $1 AND kind = ANY($2::text[])",
                sub.chat_id,
                replaced_kinds(sub.kind),
            )
            await connection.execute(
                f"""INSERT INTO subscriptions ({COLUMNS}, updated_at)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, true, NULL, $8, $9, NULL, $9)
                    ON CONFLICT (chat_id, kind) DO UPDATE SET send_time = excluded.send_time,
                      timezone = excluded.timezone, language = excluded.language,
                      topics = excluded.topics, thread_id = excluded.thread_id, active = true,
                      inactive_reason = NULL, updated_at = excluded.updated_at""",
                sub.chat_id, sub.kind, sub.send_time.strftime("%H:%M"), sub.timezone,
                sub.language, json.dumps(list(sub.topics)), sub.thread_id, sub.created_by, stamp,
            )  # fmt: skip
        return next(s for s in await self.of_chat(sub.chat_id) if s.kind == sub.kind)

    async def of_chat(self, chat_id: int, active_only: bool = False) -> list[Subscription]:
        """The chat's subscriptions (active first)."""
        query = f"SELECT {COLUMNS} FROM subscriptions WHERE chat_id = $1"
        if active_only:
            query += " AND active"
        rows = await self.db.pool.fetch(query + " ORDER BY active DESC, kind", chat_id)
        return [subscription_from_row(row, _moment) for row in rows]

    async def active(self) -> list[Subscription]:
        """Every active subscription, the scheduler's input."""
        return await active_subscriptions(self.db.pool)

    async def update(self, chat_id: int, **fields: object) -> int:
        """Change send_time, timezone, language, topics or thread_id of the chat's subscriptions."""
        if not fields or set(fields) - _UPDATABLE:
            raise ValueError(f"can only update {sorted(_UPDATABLE)}, got {sorted(fields)}")
        values: list[object] = []
        for name, value in fields.items():
            if name == "send_time" and isinstance(value, dt.time):
                value = value.strftime("%H:%M")
            if name == "topics":
                value = json.dumps(list(cast(Iterable[str], value)))
            values.append(value)
        assignments = ", ".join(f"{name} = ${n}" for n, name in enumerate(fields, start=2))
        status = await self.db.pool.execute(
            f"UPDATE subscriptions SET {assignments}, updated_at = clock_timestamp()"
            " WHERE chat_id = $1",
            chat_id,
            *values,
        )
        return changed_rows(status)

    async def unsubscribe(self, chat_id: int, kind: str | None = None) -> int:
        """Delete the chat's subscription (of `kind`, or all); return how many were removed."""
        if kind:
            status = await self.db.pool.execute(
                "DELETE FROM subscriptions WHERE chat_id = $1 AND kind = $2", chat_id, kind
            )
        else:
            status = await self.db.pool.execute(
                "DELETE FROM subscriptions WHERE chat_id = $1", chat_id
            )
        return changed_rows(status)

    async def deactivate(self, chat_id: int, reason: str) -> int:
        """Stop sending to a chat (blocked, kicked, removed) and record why."""
        status = await self.db.pool.execute(
            "UPDATE subscriptions SET active = false, inactive_reason = $1,"
            " updated_at = clock_timestamp() WHERE chat_id = $2 AND active",
            reason[:500],
            chat_id,
        )
        return changed_rows(status)
