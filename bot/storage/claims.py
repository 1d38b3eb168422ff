"""The delivery log as claims with leases and fencing tokens: the SQLite backend, and the types
both backends share (the PostgreSQL one is bot.storage.postgres.claims; the contract tests run
the same tests on both).

- `plan(...)` writes a 'queued' row for each digest that is due and a 'missed' one for each that
  is too late, and closes claims that ran out of grace or attempts. (PostgreSQL: one instance per
  tick; SQLite: one process, in one `BEGIN IMMEDIATE` transaction.)
- `claim(owner, n, lease, now)` takes up to n rows that are 'queued' (and not resting after being
  given back), or 'pending' with an expired lease; each claim gets a new token and a lease of
  `lease` seconds.
- `renew(tokens, lease)` extends the owner's leases; `save_progress`, `complete` and `release`
  only change the row while it holds the caller's token, and say False when it does not (another
  sender took the claim over: stop sending that digest).

On SQLite the clock is the process's (`now`, which tests choose); writes of progress and
completion share commits through the connection's GroupCommit, as before.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import aiosqlite

from bot.storage.group_commit import GroupCommit
from bot.storage.subscriptions import (
    _TRIM_ERRORS_SQL,
    SubscriptionStore,
    _trim_params,
    utc_iso,
)

Compute = Callable[[list, set[tuple[int, str]], dt.datetime], Sequence]


@dataclass(frozen=True)
class Claim:
    """A delivery held until its lease runs out (`token` fences the holder's writes)."""

    chat_id: int
    digest_key: str
    token: int
    attempts: int
    due_at: dt.datetime
    message_ids: tuple[int, ...] = ()
    error: str | None = None


@dataclass(frozen=True)
class Planned:
    """What planning wrote: digests queued, recorded missed, closed as failed."""

    queued: list[tuple[int, str]]
    missed: list[tuple[int, str]]
    failed: list[tuple[int, str]]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _later(now: dt.datetime | None, seconds: float) -> str:
    return utc_iso((now or _now()) + dt.timedelta(seconds=seconds))


class SqliteDeliveryLog:
    """The claims API on the SQLite file of one process (see the module notes)."""

    def __init__(self, store: SubscriptionStore) -> None:
        self.store = store
        self.db: aiosqlite.Connection = store.db

    @property
    def group_commit(self) -> GroupCommit:
        return self.store.group_commit

    async def plan(
        self,
        compute: Compute,
        now: dt.datetime | None,
        grace: dt.timedelta,
        max_attempts: int,
    ) -> Planned | None:
        """Plan the digests due at `now` (see the module notes)."""
        now = now or _now()
        subscriptions = await self.store.active_subscriptions()
        since = utc_iso(now - dt.timedelta(days=3))
        async with self.db.execute(
            "SELECT chat_id, digest_key FROM deliveries WHERE due_at >= ?", (since,)
        ) as cursor:
            existing = {(row[0], row[1]) for row in await cursor.fetchall()}
        due = compute(subscriptions, existing, now)
        fresh = [d for d in due if not d.late]
        late = [d for d in due if d.late]
        cutoff, stamp = utc_iso(now - grace), utc_iso(now)
        # No BEGIN IMMEDIATE: the connection is shared with GroupCommit, whose batch may hold
        # the implicit transaction; one process owns the file, and the tick serialises claims.
        try:
            await self.db.executemany(
                "INSERT OR IGNORE INTO deliveries (chat_id, digest_key, status, attempts, due_at)"
                " VALUES (?, ?, 'queued', 0, ?)",
                [(d.subscription.chat_id, d.digest_key, utc_iso(d.due_at)) for d in fresh],
            )
            await self.db.executemany(
                "INSERT OR IGNORE INTO deliveries (chat_id, digest_key, status, attempts, error,"
                " due_at) VALUES (?, ?, 'missed', 0, ?, ?)",
                [
                    (d.subscription.chat_id, d.digest_key, f"late by {now - d.due_at}",
                     utc_iso(d.due_at))
                    for d in late
                ],
            )  # fmt: skip
            expired_filter = (
                " WHERE (status = 'queued' AND due_at < ?) OR (status = 'pending'"
                " AND lease_until < ? AND (due_at < ?"
                " OR (attempts >= ? AND claim_token IS NOT NULL)))"
            )
            params = (cutoff, stamp, cutoff, max_attempts)
            async with self.db.execute(
                f"SELECT chat_id, digest_key, due_at < ? FROM deliveries{expired_filter}",
                (cutoff, *params),
            ) as cursor:
                expired = await cursor.fetchall()
            await self.db.execute(
                "UPDATE deliveries SET status = CASE WHEN due_at < ? THEN 'missed' ELSE 'failed'"
                " END, error = CASE WHEN due_at < ? THEN COALESCE(error, 'grace ran out')"
                " ELSE 'gave up: ' || COALESCE(error, 'no answer') END, claim_token = NULL,"
                f" lease_until = NULL{expired_filter}",
                (cutoff, cutoff, *params),
            )
            await self.db.commit()
        except BaseException:
            await self.db.rollback()
            raise
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
        now = now or _now()
        stamp = utc_iso(now)
        # No BEGIN IMMEDIATE: the connection is shared with GroupCommit, whose batch may hold
        # the implicit transaction; one process owns the file, and the tick serialises claims.
        try:
            async with self.db.execute(
                "SELECT chat_id, digest_key, attempts, due_at, message_ids, error FROM deliveries"
                " WHERE (status = 'queued' OR status = 'pending')"
                " AND (lease_until IS NULL OR lease_until < ?)"
                " AND due_at <= ? ORDER BY due_at, chat_id LIMIT ?",
                (stamp, stamp, limit),
            ) as cursor:
                rows = await cursor.fetchall()
            async with self.db.execute(
                "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'claim_token'"
            ) as cursor:
                found = await cursor.fetchone()
            token = found[0] if found else 0
            claims = []
            for chat_id, key, attempts, due_at, message_ids, error in rows:
                token += 1
                await self.db.execute(
                    "UPDATE deliveries SET status = 'pending', attempts = attempts + 1,"
                    " claimed_by = ?, claimed_at = ?, claim_token = ?, lease_until = ?"
                    " WHERE chat_id = ? AND digest_key = ?",
                    (owner, stamp, token, _later(now, lease), chat_id, key),
                )
                claims.append(
                    Claim(chat_id, key, token, attempts + 1, dt.datetime.fromisoformat(due_at),
                          tuple(json.loads(message_ids or "[]")), error)
                )  # fmt: skip
            await self.db.execute(
                "INSERT INTO meta (key, value) VALUES ('claim_token', ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (str(token),),
            )
            await self.db.commit()
        except BaseException:
            await self.db.rollback()
            raise
        return claims

    async def renew(
        self, tokens: Sequence[int], lease: float, now: dt.datetime | None = None
    ) -> set[int]:
        """Extend the leases of the claims holding `tokens`; return the tokens still held."""
        held = await self._held(tokens)
        if held:
            marks = ", ".join("?" * len(held))
            await self.db.execute(
                f"UPDATE deliveries SET lease_until = ? WHERE claim_token IN ({marks})",
                (_later(now, lease), *held),
            )
            await self.db.commit()
        return held

    async def _held(self, tokens: Sequence[int]) -> set[int]:
        if not tokens:
            return set()
        marks = ", ".join("?" * len(tokens))
        async with self.db.execute(
            f"SELECT claim_token FROM deliveries WHERE status = 'pending'"
            f" AND claim_token IN ({marks})",
            tuple(tokens),
        ) as cursor:
            return {row[0] for row in await cursor.fetchall()}

    async def save_progress(self, claim: Claim, message_ids: list[int]) -> bool:
        """Store the ids of the parts sent so far; False when the claim was lost."""
        if not await self._held([claim.token]):
            return False
        await self.group_commit.write(
            [(
                "UPDATE deliveries SET message_ids = ?"
                " WHERE claim_token = ? AND status = 'pending'",
                (json.dumps(message_ids), claim.token),
            )]
        )  # fmt: skip
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
        """Close the claim as sent, empty or failed, with the chat's last-digest time and the
        error in the same commit; False when the claim was lost."""
        if not await self._held([claim.token]):
            return False
        stamp = utc_iso(now or _now())
        statements = [
            (
                "UPDATE deliveries SET status = ?, sent_at = ?, error = ?,"
                " message_ids = COALESCE(?, message_ids), claim_token = NULL, lease_until = NULL"
                " WHERE claim_token = ? AND status = 'pending'",
                (
                    status,
                    stamp if status == "sent" else None,
                    error[:500] if error else None,
                    json.dumps(message_ids) if message_ids is not None else None,
                    claim.token,
                ),
            )
        ]
        chat = claim.chat_id if chat_id is None else chat_id
        if digested_kind:
            statements.append(
                ("UPDATE subscriptions SET last_digest_at = ? WHERE chat_id = ? AND kind = ?",
                 (stamp, chat, digested_kind))
            )  # fmt: skip
        if where and error:
            statements.append(
                ("INSERT INTO errors (at, where_, message) VALUES (?, ?, ?)",
                 (stamp, where[:200], error[:1000]))
            )  # fmt: skip
            statements.append((_TRIM_ERRORS_SQL, _trim_params(now or _now())))
        await self.group_commit.write(statements)
        return True

    async def release(
        self, claim: Claim, error: str, retry_in: float, now: dt.datetime | None = None
    ) -> bool:
        """Give the claim back with `error`: claimable again `retry_in` seconds from now. It
        stays 'pending' without a token: a digest given back is retried until its grace runs
        out, while max_attempts counts only take-overs of claims whose sender died."""
        if not await self._held([claim.token]):
            return False
        await self.group_commit.write(
            [(
                "UPDATE deliveries SET error = ?, lease_until = ?,"
                " claim_token = NULL WHERE claim_token = ? AND status = 'pending'",
                (error[:500], _later(now, retry_in), claim.token),
            )]
        )  # fmt: skip
        return True
