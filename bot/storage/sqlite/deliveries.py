"""The delivery log in SQLite: one row per (chat, digest); only the claimer of a row sends.

The primary key (chat_id, digest_key) is what makes each digest go out once: a sender first
*claims* its row with `INSERT OR IGNORE`, and only the caller whose insert created it sends.
Closing a delivery shares commits with concurrent senders (`Database.group_commit`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import Any

from bot.storage.base import Delivery, parse_timestamp, to_timestamp
from bot.storage.sqlite.database import Database
from bot.storage.sqlite.stats import ERROR_SQL, TRIM_ERRORS_SQL, error_row, trim_params

_COLUMNS = "chat_id, digest_key, status, attempts, error, due_at, sent_at, message_ids, claimed_at"
_FINISH_SQL = (
    "UPDATE deliveries SET status = ?, sent_at = ?, error = ?,"
    " message_ids = COALESCE(?, message_ids) WHERE chat_id = ? AND digest_key = ?"
)
_PROGRESS_SQL = "UPDATE deliveries SET message_ids = ? WHERE chat_id = ? AND digest_key = ?"
_DIGESTED_SQL = "UPDATE subscriptions SET last_digest_at = ? WHERE chat_id = ? AND kind = ?"


def _delivery(row: Sequence[Any]) -> Delivery:
    due_at = parse_timestamp(row[5])
    assert due_at is not None  # NOT NULL in the schema
    return Delivery(
        chat_id=row[0],
        digest_key=row[1],
        status=row[2],
        attempts=row[3],
        error=row[4],
        due_at=due_at,
        sent_at=parse_timestamp(row[6]),
        message_ids=tuple(json.loads(row[7] or "[]")),
        claimed_at=parse_timestamp(row[8]),
    )


def _finish_params(
    chat_id: int,
    digest_key: str,
    status: str,
    now: dt.datetime,
    message_ids: list[int] | None,
    error: str | None,
) -> tuple[Any, ...]:
    return (
        status,
        to_timestamp(now) if status == "sent" else None,
        error[:500] if error else None,
        json.dumps(message_ids) if message_ids is not None else None,
        chat_id,
        digest_key,
    )


class SqliteDeliveries:
    """The `deliveries` table."""

    def __init__(self, database: Database) -> None:
        self.database = database

    async def get(self, chat_id: int, digest_key: str) -> Delivery | None:
        """The delivery row for one chat and digest, or None."""
        row = await self.database.fetchone(
            f"SELECT {_COLUMNS} FROM deliveries WHERE chat_id = ? AND digest_key = ?",
            (chat_id, digest_key),
        )
        return _delivery(row) if row else None

    async def all(self, chat_id: int | None = None) -> list[Delivery]:
        """All delivery rows (of one chat), oldest due first."""
        query = f"SELECT {_COLUMNS} FROM deliveries"
        params: tuple[Any, ...] = ()
        if chat_id is not None:
            query, params = query + " WHERE chat_id = ?", (chat_id,)
        rows = await self.database.fetchall(query + " ORDER BY due_at, chat_id", params)
        return [_delivery(row) for row in rows]

    async def existing_keys(self, pairs: Iterable[tuple[int, str]]) -> set[tuple[int, str]]:
        """Which of the (chat_id, digest_key) pairs already have a delivery row."""
        wanted = set(pairs)
        if not wanted:
            return set()
        keys = sorted({key for _, key in wanted})
        marks = ", ".join("?" * len(keys))
        rows = await self.database.fetchall(
            f"SELECT chat_id, digest_key FROM deliveries WHERE digest_key IN ({marks})", keys
        )
        return {(row[0], row[1]) for row in rows} & wanted

    async def reclaim_stale(
        self, chat_id: int, digest_key: str, older_than: dt.datetime, now: dt.datetime
    ) -> bool:
        """Take over a 'pending' claim made before `older_than` (its sender died); True if won."""
        changed = await self.database.execute_write(
            "UPDATE deliveries SET claimed_at = ?, attempts = attempts + 1"
            " WHERE chat_id = ? AND digest_key = ? AND status = 'pending'"
            " AND (claimed_at IS NULL OR claimed_at < ?)",
            (to_timestamp(now), chat_id, digest_key, to_timestamp(older_than)),
        )
        return changed == 1

    async def stale_pending(self, older_than: dt.datetime) -> list[Delivery]:
        """'pending' rows claimed before `older_than`: their sender crashed mid-delivery."""
        rows = await self.database.fetchall(
            f"SELECT {_COLUMNS} FROM deliveries WHERE status = 'pending'"
            " AND (claimed_at IS NULL OR claimed_at < ?) ORDER BY due_at",
            (to_timestamp(older_than),),
        )
        return [_delivery(row) for row in rows]

    async def claim_many(
        self, claims: Sequence[tuple[int, str, dt.datetime]], now: dt.datetime
    ) -> list[bool]:
        """Claim (chat_id, digest_key, due_at) rows as 'pending', in one transaction; True for
        each row this caller created (only its creator sends). On any error nothing is claimed."""
        return await self._insert_each(
            "INSERT OR IGNORE INTO deliveries (chat_id, digest_key, status, attempts, due_at,"
            " claimed_at) VALUES (?, ?, 'pending', 1, ?, ?)",
            [(chat_id, key, to_timestamp(due), to_timestamp(now)) for chat_id, key, due in claims],
        )

    async def record_missed_many(
        self, missed: Sequence[tuple[int, str, dt.datetime, str]]
    ) -> list[bool]:
        """Log digests that were due too long ago to send, as (chat_id, digest_key, due_at,
        reason) rows in one transaction; True for each row that was new."""
        return await self._insert_each(
            "INSERT OR IGNORE INTO deliveries (chat_id, digest_key, status, attempts, error,"
            " due_at) VALUES (?, ?, 'missed', 0, ?, ?)",
            [(chat_id, key, reason, to_timestamp(due)) for chat_id, key, due, reason in missed],
        )

    async def _insert_each(self, sql: str, rows: list[tuple[Any, ...]]) -> list[bool]:
        if not rows:
            return []
        async with self.database.transaction() as tx:
            return [await tx.execute(sql, row) == 1 for row in rows]

    async def complete(
        self,
        chat_id: int,
        digest_key: str,
        status: str,
        now: dt.datetime,
        *,
        message_ids: list[int] | None = None,
        error: str | None = None,
        digested_kind: str | None = None,
        where: str | None = None,
    ) -> None:
        """Close a delivery as sent, empty, failed or missed; in the same commit set the chat's
        last-digest time for `digested_kind` (the 'new since' boundary) and log the error
        (`where`). Commits are shared with concurrent callers (see GroupCommit)."""
        statements = [
            (
                _FINISH_SQL,
                _finish_params(chat_id, digest_key, status, now, message_ids, error),
            )
        ]
        if digested_kind:
            statements.append((_DIGESTED_SQL, (to_timestamp(now), chat_id, digested_kind)))
        if where and error:
            statements.append((ERROR_SQL, error_row(where, error, now)))
            statements.append((TRIM_ERRORS_SQL, trim_params(now)))
        await self.database.group_commit.write(statements)

    async def save_progress(self, chat_id: int, digest_key: str, message_ids: list[int]) -> None:
        """Store the ids of the parts sent so far, so a retry resumes after them; through the
        shared commit (returns once it is durable)."""
        params = (json.dumps(message_ids), chat_id, digest_key)
        await self.database.group_commit.write([(_PROGRESS_SQL, params)])
