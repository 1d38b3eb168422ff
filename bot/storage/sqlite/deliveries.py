"""The delivery log in SQLite: one row per (chat, digest), planned once, claimed with a lease.

The primary key (chat_id, digest_key) makes each digest planned once; a sender *claims* a row
(a new fencing token from `meta.claim_token`, a lease until `lease_until`) and only the holder of
the token may record progress or close it (see `bot.storage.base.DeliveryLog`). SQLite serves one
process: the clock is the process's (`now`, which tests choose), and the tick serialises claims.
Progress and completion share commits with concurrent senders (`Database.group_commit`); they
check the token first, since a batched statement cannot say which of its rows matched.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import Any

from bot.storage.base import (
    Claim,
    Compute,
    Delivery,
    Planned,
    parse_timestamp,
    to_timestamp,
    utc_now,
)
from bot.storage.sqlite.database import Database
from bot.storage.sqlite.stats import ERROR_SQL, TRIM_ERRORS_SQL, error_row, trim_params
from bot.storage.sqlite.subscriptions import SqliteSubscriptions

_COLUMNS = "chat_id, digest_key, status, attempts, error, due_at, sent_at, message_ids, claimed_at"
_FENCE = " WHERE claim_token = ? AND status = 'pending'"
_FINISH_SQL = (
    "UPDATE deliveries SET status = ?, sent_at = ?, error = ?,"
    " message_ids = COALESCE(?, message_ids), claim_token = NULL, lease_until = NULL" + _FENCE
)
_PROGRESS_SQL = "UPDATE deliveries SET message_ids = ?" + _FENCE
_RELEASE_SQL = "UPDATE deliveries SET error = ?, lease_until = ?, claim_token = NULL" + _FENCE
_DIGESTED_SQL = "UPDATE subscriptions SET last_digest_at = ? WHERE chat_id = ? AND kind = ?"
# Claims that cannot go on: too late (grace), or taken over too often (max attempts; a row given
# back has no token and is retried until its grace runs out).
_EXPIRED = (
    " WHERE (status = 'queued' AND due_at < ?) OR (status = 'pending' AND lease_until < ?"
    " AND (due_at < ? OR (attempts >= ? AND claim_token IS NOT NULL)))"
)


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


def _later(now: dt.datetime | None, seconds: float) -> str:
    return to_timestamp((now or utc_now()) + dt.timedelta(seconds=seconds))


class SqliteDeliveries:
    """The `deliveries` table."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.subscriptions = SqliteSubscriptions(database)

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

    async def clock(self) -> dt.datetime:
        """This process's clock (one process per SQLite file)."""
        return utc_now()

    async def plan(
        self, compute: Compute, now: dt.datetime | None, grace: dt.timedelta, max_attempts: int
    ) -> Planned:
        """Plan the digests due at `now` (see `DeliveryLog`), in one transaction."""
        now = now or utc_now()
        # the latest schedule of each subscription, less those the log already has
        candidates = compute(await self.subscriptions.active(), set(), now)
        pairs = [(d.subscription.chat_id, d.digest_key) for d in candidates]
        existing = await self.existing_keys(pairs)
        due = [d for d, pair in zip(candidates, pairs, strict=True) if pair not in existing]
        fresh = [d for d in due if not d.late]
        late = [d for d in due if d.late]
        cutoff = to_timestamp(now - grace)
        expired_params = (cutoff, to_timestamp(now), cutoff, max_attempts)
        async with self.database.transaction() as tx:
            await tx.executemany(
                "INSERT OR IGNORE INTO deliveries (chat_id, digest_key, status, attempts, due_at)"
                " VALUES (?, ?, 'queued', 0, ?)",
                [(d.subscription.chat_id, d.digest_key, to_timestamp(d.due_at)) for d in fresh],
            )
            await tx.executemany(
                "INSERT OR IGNORE INTO deliveries (chat_id, digest_key, status, attempts, error,"
                " due_at) VALUES (?, ?, 'missed', 0, ?, ?)",
                [(d.subscription.chat_id, d.digest_key, f"late by {now - d.due_at}",
                  to_timestamp(d.due_at)) for d in late],
            )  # fmt: skip
            expired = await tx.fetchall(
                f"SELECT chat_id, digest_key, due_at < ? FROM deliveries{_EXPIRED}",
                (cutoff, *expired_params),
            )
            await tx.execute(
                "UPDATE deliveries SET status = CASE WHEN due_at < ? THEN 'missed' ELSE 'failed'"
                " END, error = CASE WHEN due_at < ? THEN COALESCE(error, 'grace ran out')"
                " ELSE 'gave up: ' || COALESCE(error, 'no answer') END, claim_token = NULL,"
                f" lease_until = NULL{_EXPIRED}",
                (cutoff, cutoff, *expired_params),
            )
        return Planned(
            queued=[(d.subscription.chat_id, d.digest_key) for d in fresh],
            missed=[(d.subscription.chat_id, d.digest_key) for d in late]
            + [(row[0], row[1]) for row in expired if row[2]],
            failed=[(row[0], row[1]) for row in expired if not row[2]],
        )

    async def claim(
        self, owner: str, limit: int, lease: float, now: dt.datetime | None = None
    ) -> list[Claim]:
        """Claim up to `limit` due rows for `owner` with a lease of `lease` seconds."""
        now = now or utc_now()
        stamp, until = to_timestamp(now), _later(now, lease)
        claims = []
        async with self.database.transaction() as tx:
            rows = await tx.fetchall(
                "SELECT chat_id, digest_key, attempts, due_at, message_ids, error FROM deliveries"
                " WHERE status IN ('queued', 'pending')"
                " AND (lease_until IS NULL OR lease_until < ?)"
                " AND due_at <= ? ORDER BY due_at, chat_id LIMIT ?",
                (stamp, stamp, limit),
            )
            token = int(await tx.fetchval("SELECT value FROM meta WHERE key = 'claim_token'") or 0)
            for chat_id, key, attempts, due_at, message_ids, error in rows:
                token += 1
                await tx.execute(
                    "UPDATE deliveries SET status = 'pending', attempts = attempts + 1,"
                    " claimed_by = ?, claimed_at = ?, claim_token = ?, lease_until = ?"
                    " WHERE chat_id = ? AND digest_key = ?",
                    (owner, stamp, token, until, chat_id, key),
                )
                due = parse_timestamp(due_at)
                assert due is not None
                ids = tuple(json.loads(message_ids or "[]"))
                claims.append(Claim(chat_id, key, token, attempts + 1, due, ids, error))
            await tx.execute(
                "INSERT INTO meta (key, value) VALUES ('claim_token', ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (str(token),),
            )
        return claims

    async def renew(
        self, tokens: Sequence[int], lease: float, now: dt.datetime | None = None
    ) -> set[int]:
        """Extend the leases of the claims holding `tokens`; return the tokens still held."""
        held = await self._held(tokens)
        if held:
            marks = ", ".join("?" * len(held))
            await self.database.execute_write(
                f"UPDATE deliveries SET lease_until = ? WHERE claim_token IN ({marks})",
                (_later(now, lease), *held),
            )
        return held

    async def _held(self, tokens: Iterable[int]) -> set[int]:
        wanted = list(tokens)
        if not wanted:
            return set()
        marks = ", ".join("?" * len(wanted))
        rows = await self.database.fetchall(
            f"SELECT claim_token FROM deliveries WHERE status = 'pending'"
            f" AND claim_token IN ({marks})",
            wanted,
        )
        return {row[0] for row in rows}

    async def save_progress(self, claim: Claim, message_ids: list[int]) -> bool:
        """Store the ids of the parts sent so far, so a take-over resumes after them (through
        the shared commit); False when the claim was lost."""
        if not await self._held([claim.token]):
            return False
        await self.database.group_commit.write(
            [(_PROGRESS_SQL, (json.dumps(message_ids), claim.token))]
        )
        return True

    async def complete(
        self,
        claim: Claim,
        status: str,
        *,
        now: dt.datetime | None = None,
        chat_id: int | None = None,
        message_ids: list[int] | None = None,
        error: str | None = None,
        digested_kind: str | None = None,
        where: str | None = None,
    ) -> bool:
        """Close the claim as sent, empty or failed; in the same commit set the chat's
        last-digest time for `digested_kind` (the 'new since' boundary; `chat_id` is the
        chat's id now, after a migration) and log the error (`where`). False when the claim
        was lost."""
        if not await self._held([claim.token]):
            return False
        now = now or utc_now()
        stamp = to_timestamp(now)
        ids = json.dumps(message_ids) if message_ids is not None else None
        statements: list[tuple[str, tuple[Any, ...]]] = [(
            _FINISH_SQL,
            (status, stamp if status == "sent" else None, error[:500] if error else None, ids,
             claim.token),
        )]  # fmt: skip
        if digested_kind:
            chat = claim.chat_id if chat_id is None else chat_id
            statements.append((_DIGESTED_SQL, (stamp, chat, digested_kind)))
        if where and error:
            statements.append((ERROR_SQL, error_row(where, error, now)))
            statements.append((TRIM_ERRORS_SQL, trim_params(now)))
        await self.database.group_commit.write(statements)
        return True

    async def release(
        self, claim: Claim, error: str, retry_in: float, now: dt.datetime | None = None
    ) -> bool:
        """Give the claim back with `error`: claimable again `retry_in` seconds from now. It
        stays 'pending' without a token: a digest given back is retried until its grace runs
        out, while max_attempts counts only take-overs of claims whose sender died."""
        if not await self._held([claim.token]):
            return False
        params = (error[:500], _later(now, retry_in), claim.token)
        await self.database.group_commit.write([(_RELEASE_SQL, params)])
        return True
