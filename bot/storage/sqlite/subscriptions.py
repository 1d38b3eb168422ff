"""Digest subscriptions in SQLite: the scheduler's source of truth (nothing is rebuilt from memory
after a restart). A chat holds one digest kind at a time.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import cast

from bot.storage.base import (
    Subscription,
    parse_timestamp,
    replaced_kinds,
    subscription_from_row,
    to_timestamp,
    utc_now,
)
from bot.storage.sqlite.database import Database

_COLUMNS = (
    "chat_id, kind, send_time, timezone, language, topics, thread_id, active, inactive_reason,"
    " created_by, created_at, last_digest_at"
)
_UPDATABLE = {"send_time", "timezone", "language", "topics", "thread_id"}


class SqliteSubscriptions:
    """The `subscriptions` table."""

    def __init__(self, database: Database) -> None:
        self.database = database

    async def subscribe(self, sub: Subscription, now: dt.datetime | None = None) -> Subscription:
        """Create or replace the chat's subscription of its kind (daily replaces anniversaries
        and back; weekly goes beside them)."""
        stamp = to_timestamp(now or utc_now())
        async with self.database.transaction() as tx:
            for other in replaced_kinds(sub.kind):
                await tx.execute(
                    "DELETE FROM subscriptions WHERE chat_id = ? AND kind = ?", (sub.chat_id, other)
                )
            await tx.execute(
                f"""INSERT INTO subscriptions ({_COLUMNS}, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, 1, NULL, ?, ?, NULL, ?)
                    ON CONFLICT (chat_id, kind) DO UPDATE SET send_time = excluded.send_time,
                      timezone = excluded.timezone, language = excluded.language,
                      topics = excluded.topics, thread_id = excluded.thread_id, active = 1,
                      inactive_reason = NULL, updated_at = excluded.updated_at""",
                (
                    sub.chat_id,
                    sub.kind,
                    sub.send_time.strftime("%H:%M"),
                    sub.timezone,
                    sub.language,
                    json.dumps(list(sub.topics)),
                    sub.thread_id,
                    sub.created_by,
                    stamp,
                    stamp,
                ),
            )
        return next(s for s in await self.of_chat(sub.chat_id) if s.kind == sub.kind)

    async def of_chat(self, chat_id: int, active_only: bool = False) -> list[Subscription]:
        """The chat's subscriptions (active first)."""
        query = f"SELECT {_COLUMNS} FROM subscriptions WHERE chat_id = ?"
        if active_only:
            query += " AND active = 1"
        rows = await self.database.fetchall(query + " ORDER BY active DESC, kind", (chat_id,))
        return [subscription_from_row(row, parse_timestamp) for row in rows]

    async def active(self) -> list[Subscription]:
        """Every active subscription, the scheduler's input."""
        rows = await self.database.fetchall(
            f"SELECT {_COLUMNS} FROM subscriptions WHERE active = 1 ORDER BY chat_id, kind"
        )
        return [subscription_from_row(row, parse_timestamp) for row in rows]

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
        assignments = ", ".join(f"{name} = ?" for name in fields)
        return await self.database.execute_write(
            f"UPDATE subscriptions SET {assignments}, updated_at = ? WHERE chat_id = ?",
            (*values, to_timestamp(utc_now()), chat_id),
        )

    async def unsubscribe(self, chat_id: int, kind: str | None = None) -> int:
        """Delete the chat's subscription (of `kind`, or all); return how many were removed."""
        if kind:
            return await self.database.execute_write(
                "DELETE FROM subscriptions WHERE chat_id = ? AND kind = ?", (chat_id, kind)
            )
        return await self.database.execute_write(
            "DELETE FROM subscriptions WHERE chat_id = ?", (chat_id,)
        )

    async def deactivate(self, chat_id: int, reason: str) -> int:
        """Stop sending to a chat (blocked, kicked, removed) and record why."""
        return await self.database.execute_write(
            "UPDATE subscriptions SET active = 0, inactive_reason = ?, updated_at = ?"
            " WHERE chat_id = ? AND active = 1",
            (reason[:500], to_timestamp(utc_now()), chat_id),
        )
