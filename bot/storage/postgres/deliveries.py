"""The delivery log on PostgreSQL: digests planned once, claimed in batches, fenced by tokens.

The same contract as the SQLite log (bot.storage.base.DeliveryLog; the contract tests run the
same tests on both), for several instances at once:

- `plan`: one instance per tick (a transaction-level advisory lock; the others skip) inserts a
  'queued' row for each digest that is due and a 'missed' one for each that is too late, and
  closes rows whose claims ran out of grace or attempts.
- `claim`: any instance takes up to n claimable rows — 'queued', or 'pending' whose lease ran
  out — with `FOR UPDATE SKIP LOCKED`, so instances share the work instead of waiting on each
  other. Each claim gets a new `claim_token` from a sequence and a lease on the database clock.
- `renew`: the owner extends the leases of its claims (every lease/3); a token that no longer
  matches is reported lost.
- `save_progress`, `complete`, `release`: every write of the claimer matches its token; 0 rows
  means another instance took the claim over, and the caller stops sending that digest.

A `now` passed to the writes is ignored here: leases and timestamps come from the database
clock, which every instance shares.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import Any

from bot.storage.base import Claim, Compute, Delivery, Planned
from bot.storage.postgres.database import PgDatabase
from bot.storage.postgres.stats import log_error
from bot.storage.postgres.subscriptions import active_subscriptions

_COLUMNS = "chat_id, digest_key, status, attempts, error, due_at, sent_at, message_ids, claimed_at"

_CLAIM_SQL = """
WITH picked AS (
    SELECT chat_id, digest_key FROM deliveries
     WHERE status IN ('queued', 'pending')
       AND (lease_until IS NULL OR lease_until < clock_timestamp())
       AND due_at <= $4
     ORDER BY due_at, chat_id
     LIMIT $2
     FOR UPDATE SKIP LOCKED)
UPDATE deliveries d
   SET status = 'pending', attempts = d.attempts + 1, claimed_by = $1,
       claimed_at = clock_timestamp(), claim_token = nextval('claim_tokens'),
       lease_until = clock_timestamp() + make_interval(secs => $3)
  FROM picked
 WHERE d.chat_id = picked.chat_id AND d.digest_key = picked.digest_key
RETURNING d.chat_id, d.digest_key, d.claim_token, d.attempts, d.due_at, d.message_ids, d.error
"""

# Rows whose claim cannot go on: too late (grace), or claimed too often (max attempts).
_EXPIRE_SQL = """
UPDATE deliveries SET status = CASE WHEN due_at < $1 THEN 'missed' ELSE 'failed' END,
       error = CASE WHEN due_at < $1 THEN COALESCE(error, 'grace ran out')
                    ELSE 'gave up: ' || COALESCE(error, 'no answer') END,
       claim_token = NULL, lease_until = NULL
 WHERE (status = 'queued' AND due_at < $1)
    OR (status = 'pending' AND lease_until < clock_timestamp()
        AND (due_at < $1 OR (attempts >= $2 AND claim_token IS NOT NULL)))
RETURNING chat_id, digest_key, status
"""


def _delivery(row: Sequence[Any]) -> Delivery:
    return Delivery(
        chat_id=row[0],
        digest_key=row[1],
        status=row[2],
        attempts=row[3],
        error=row[4],
        due_at=row[5],
        sent_at=row[6],
        message_ids=tuple(json.loads(row[7] or "[]")),
        claimed_at=row[8],
    )


class PgDeliveries:
    """Planning, claiming, renewing and closing deliveries (see the module notes)."""

    def __init__(self, db: PgDatabase) -> None:
        self.db = db

    async def get(self, chat_id: int, digest_key: str) -> Delivery | None:
        """The delivery row for one chat and digest, or None."""
        row = await self.db.pool.fetchrow(
            f"SELECT {_COLUMNS} FROM deliveries WHERE chat_id = $1 AND digest_key = $2",
            chat_id,
            digest_key,
        )
        return _delivery(row) if row else None

    async def all(self, chat_id: int | None = None) -> list[Delivery]:
        """All delivery rows (of one chat), oldest due first."""
        where, params = ("WHERE chat_id = $1", [chat_id]) if chat_id is not None else ("", [])
        rows = await self.db.pool.fetch(
            f"SELECT {_COLUMNS} FROM deliveries {where} ORDER BY due_at, chat_id", *params
        )
        return [_delivery(row) for row in rows]

    async def existing_keys(self, pairs: Iterable[tuple[int, str]]) -> set[tuple[int, str]]:
        """Which of the (chat_id, digest_key) pairs already have a delivery row."""
        wanted = set(pairs)
        if not wanted:
            return set()
        rows = await self.db.pool.fetch(
            "SELECT chat_id, digest_key FROM deliveries WHERE digest_key = ANY($1::text[])",
            sorted({key for _, key in wanted}),
        )
        return {(row[0], row[1]) for row in rows} & wanted

    async def clock(self) -> dt.datetime:
        """The database's clock: what every instance agrees on."""
        return await self.db.clock()

    async def plan(
        self, compute: Compute, now: dt.datetime | None, grace: dt.timedelta, max_attempts: int
    ) -> Planned | None:
        """Plan this tick's digests, unless another instance is planning (then None).

        `compute(subscriptions, existing, now)` returns the due digests (objects with
        subscription, digest_key, due_at, late), as bot.digests.schedule.compute_due does.
        `now` None means the database clock.
        """
        async with self.db.pool.acquire() as connection, connection.transaction():
            won = await connection.fetchval(
                "SELECT pg_try_advisory_xact_lock(hashtext($1))", self.db.key("plan")
            )
            if not won:
                return None
            if now is None:
                now = await connection.fetchval("SELECT clock_timestamp()")
            # the latest schedule of each subscription, less those the log already has
            candidates = compute(await active_subscriptions(connection), set(), now)
            rows = await connection.fetch(
                "SELECT chat_id, digest_key FROM deliveries WHERE digest_key = ANY($1::text[])",
                sorted({d.digest_key for d in candidates}),
            )
            existing = {(row[0], row[1]) for row in rows}
            due = [d for d in candidates if (d.subscription.chat_id, d.digest_key) not in existing]
            fresh = [d for d in due if not d.late]
            late = [d for d in due if d.late]
            await connection.executemany(
                "INSERT INTO deliveries (chat_id, digest_key, status, attempts, due_at)"
                " VALUES ($1, $2, 'queued', 0, $3) ON CONFLICT DO NOTHING",
                [(d.subscription.chat_id, d.digest_key, d.due_at) for d in fresh],
            )
            await connection.executemany(
                "INSERT INTO deliveries (chat_id, digest_key, status, attempts, error, due_at)"
                " VALUES ($1, $2, 'missed', 0, $3, $4) ON CONFLICT DO NOTHING",
                [
                    (d.subscription.chat_id, d.digest_key, f"late by {now - d.due_at}", d.due_at)
                    for d in late
                ],
            )
            expired = await connection.fetch(_EXPIRE_SQL, now - grace, max_attempts)
        return Planned(
            queued=[(d.subscription.chat_id, d.digest_key) for d in fresh],
            missed=[(d.subscription.chat_id, d.digest_key) for d in late]
            + [(r[0], r[1]) for r in expired if r[2] == "missed"],
            failed=[(r[0], r[1]) for r in expired if r[2] == "failed"],
        )

    async def claim(
        self, owner: str, limit: int, lease: float, now: dt.datetime | None = None
    ) -> list[Claim]:
        """Claim up to `limit` due rows for `owner` with a lease of `lease` seconds."""
        rows = await self.db.pool.fetch(
            _CLAIM_SQL, owner, limit, lease, now or await self.db.clock()
        )
        return [
            Claim(
                chat_id=row[0],
                digest_key=row[1],
                token=row[2],
                attempts=row[3],
                due_at=row[4],
                message_ids=tuple(json.loads(row[5] or "[]")),
                error=row[6],
            )
            for row in rows
        ]

    async def renew(
        self, tokens: Sequence[int], lease: float, now: dt.datetime | None = None
    ) -> set[int]:
        """Extend the leases of the claims holding `tokens`; return the tokens still held."""
        if not tokens:
            return set()
        rows = await self.db.pool.fetch(
            "UPDATE deliveries SET lease_until = clock_timestamp() + make_interval(secs => $2)"
            " WHERE status = 'pending' AND claim_token = ANY($1::bigint[]) RETURNING claim_token",
            list(tokens),
            lease,
        )
        return {row[0] for row in rows}

    async def save_progress(self, claim: Claim, message_ids: list[int]) -> bool:
        """Store the ids of the parts sent so far; False when the claim was lost."""
        status = await self.db.pool.execute(
            "UPDATE deliveries SET message_ids = $1 WHERE claim_token = $2 AND status = 'pending'",
            json.dumps(message_ids),
            claim.token,
        )
        return status == "UPDATE 1"

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
        """Close the claim as sent, empty or failed; in the same transaction set the chat's
        last-digest time (`digested_kind`) and log the error. False when the claim was lost.
        `chat_id` is the chat's id now (a group migrated to a supergroup meanwhile: its row
        moved with the token, which alone names the claim)."""
        chat = claim.chat_id if chat_id is None else chat_id
        async with self.db.pool.acquire() as connection, connection.transaction():
            done = await connection.execute(
                "UPDATE deliveries SET status = $1, error = $2,"
                " sent_at = CASE WHEN $1 = 'sent' THEN clock_timestamp() END,"
                " message_ids = COALESCE($3, message_ids), claim_token = NULL, lease_until = NULL"
                " WHERE claim_token = $4 AND status = 'pending'",
                status,
                error[:500] if error else None,
                json.dumps(message_ids) if message_ids is not None else None,
                claim.token,
            )
            if done != "UPDATE 1":
                return False
            if digested_kind:
                await connection.execute(
                    "UPDATE subscriptions SET last_digest_at = clock_timestamp()"
                    " WHERE chat_id = $1 AND kind = $2",
                    chat,
                    digested_kind,
                )
            if where and error:
                await log_error(connection, where, error)
        return True

    async def release(
        self, claim: Claim, error: str, retry_in: float, now: dt.datetime | None = None
    ) -> bool:
        """Give the claim back with `error`: any instance may claim it again after `retry_in`
        seconds (a 429 longer than we wait, a network failure, a 401). It stays 'pending'
        without a token: retried until its grace runs out (max_attempts counts only take-overs
        of claims whose sender died). False when already lost."""
        done = await self.db.pool.execute(
            "UPDATE deliveries SET error = $1, claim_token = NULL,"
            " lease_until = clock_timestamp() + make_interval(secs => $2)"
            " WHERE claim_token = $3 AND status = 'pending'",
            error[:500],
            retry_in,
            claim.token,
        )
        return done == "UPDATE 1"
