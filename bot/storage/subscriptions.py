"""The SQL repository for chats, digest subscriptions, the delivery log and the error log.

Subscriptions in SQLite are the source of truth for the scheduler: nothing is rebuilt from memory
after a restart. The delivery log's primary key (chat_id, digest_key) is what makes each digest go
out once: a sender first *claims* its row (bot.storage.claims, `delivery_log`), and only the
claimer sends.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import aiosqlite

from bot.storage.group_commit import GroupCommit

if TYPE_CHECKING:
    from bot.storage.claims import SqliteDeliveryLog
from bot.storage.seedsync import to_timestamp

KINDS: tuple[str, ...] = ("daily", "anniversaries")


def utc_iso(moment: dt.datetime) -> str:
    """A UTC ISO timestamp (seconds precision) for storing `moment`, which must be aware."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: pass an aware one (UTC)")
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat()


def parse_iso(text: str | None) -> dt.datetime | None:
    """The aware datetime stored by `utc_iso`, or None."""
    return dt.datetime.fromisoformat(text) if text else None


@dataclass(frozen=True)
class Chat:
    """A chat the bot has seen, with its per-chat overrides."""

    chat_id: int
    type: str
    title: str | None
    username: str | None
    language: str | None
    timezone: str | None
    status: str
    migrated_to: int | None


@dataclass(frozen=True)
class Subscription:
    """One chat's subscription to one kind of digest."""

    chat_id: int
    kind: str  # daily | anniversaries
    send_time: dt.time
    timezone: str
    language: str
    topics: tuple[str, ...] = ()
    thread_id: int | None = None
    active: bool = True
    inactive_reason: str | None = None
    created_by: int | None = None
    created_at: dt.datetime | None = None
    last_digest_at: dt.datetime | None = None


@dataclass(frozen=True)
class Delivery:
    """One row of the delivery log."""

    chat_id: int
    digest_key: str
    status: str  # pending | sent | failed | missed | empty
    attempts: int
    error: str | None
    due_at: dt.datetime
    sent_at: dt.datetime | None
    message_ids: tuple[int, ...]
    claimed_at: dt.datetime | None


_SUB_COLUMNS = (
    "chat_id, kind, send_time, timezone, language, topics, thread_id, active, inactive_reason,"
    " created_by, created_at, last_digest_at"
)
_DELIVERY_COLUMNS = (
    "chat_id, digest_key, status, attempts, error, due_at, sent_at, message_ids, claimed_at"
)


def _subscription(row: Sequence) -> Subscription:
    hour, minute = (int(part) for part in row[2].split(":"))
    return Subscription(
        chat_id=row[0],
        kind=row[1],
        send_time=dt.time(hour, minute),
        timezone=row[3],
        language=row[4],
        topics=tuple(json.loads(row[5] or "[]")),
        thread_id=row[6],
        active=bool(row[7]),
        inactive_reason=row[8],
        created_by=row[9],
        created_at=parse_iso(row[10]),
        last_digest_at=parse_iso(row[11]),
    )


def _delivery(row: Sequence) -> Delivery:
    return Delivery(
        chat_id=row[0],
        digest_key=row[1],
        status=row[2],
        attempts=row[3],
        error=row[4],
        due_at=parse_iso(row[5]),  # type: ignore[arg-type]
        sent_at=parse_iso(row[6]),
        message_ids=tuple(json.loads(row[7] or "[]")),
        claimed_at=parse_iso(row[8]),
    )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


_ERROR_SQL = "INSERT INTO errors (at, where_, message) VALUES (?, ?, ?)"
# The errors table is a window, not an archive: the last ERRORS_KEPT rows of the last ERRORS_DAYS
# days (a flood of forged presses or a long outage cannot grow it without bound).
ERRORS_KEPT = 10_000
ERRORS_DAYS = 30
_TRIM_ERRORS_SQL = "DELETE FROM errors WHERE id <= (SELECT MAX(id) FROM errors) - ? OR at < ?"


def _trim_params(now: dt.datetime) -> tuple[int, str]:
    return ERRORS_KEPT, utc_iso(now - dt.timedelta(days=ERRORS_DAYS))


class SubscriptionStore:
    """Reads and writes chats, subscriptions, deliveries and errors on one aiosqlite connection."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self.db = db
        self._group_commit: GroupCommit | None = None
        self._delivery_log: SqliteDeliveryLog | None = None

    # -- chats ---------------------------------------------------------------------------------

    async def upsert_chat(
        self,
        chat_id: int,
        type_: str,
        title: str | None = None,
        username: str | None = None,
        status: str | None = None,
        now: dt.datetime | None = None,
    ) -> None:
        """Remember a chat (or refresh its title/username/status), keeping its overrides."""
        await self.db.execute(
            """INSERT INTO chats (chat_id, type, title, username, status, updated_at)
               VALUES (?, ?, ?, ?, COALESCE(?, 'member'), ?)
               ON CONFLICT (chat_id) DO UPDATE SET type = excluded.type,
                 title = COALESCE(excluded.title, chats.title),
                 username = COALESCE(excluded.username, chats.username),
                 status = COALESCE(?, chats.status), updated_at = excluded.updated_at""",
            (chat_id, type_, title, username, status, utc_iso(now or _now()), status),
        )
        await self.db.commit()

    async def get_chat(self, chat_id: int) -> Chat | None:
        """The chat row, or None if the bot has never seen it."""
        async with self.db.execute(
            "SELECT chat_id, type, title, username, language, timezone, status, migrated_to"
            " FROM chats WHERE chat_id = ?",
            (chat_id,),
        ) as cursor:
            row = await cursor.fetchone()
        return Chat(*row) if row else None

    async def set_chat_status(
        self, chat_id: int, status: str, type_: str = "private", now: dt.datetime | None = None
    ) -> None:
        """Record the bot's membership in a chat (member, administrator, left, kicked)."""
        await self.upsert_chat(chat_id, type_, status=status, now=now)

    async def set_chat_timezone(self, chat_id: int, timezone: str) -> None:
        """Set a chat's time zone, and move its subscriptions to it."""
        await self.db.execute(
            "UPDATE chats SET timezone = ?, updated_at = ? WHERE chat_id = ?",
            (timezone, utc_iso(_now()), chat_id),
        )
        await self.db.execute(
            "UPDATE subscriptions SET timezone = ?, updated_at = ? WHERE chat_id = ?",
            (timezone, utc_iso(_now()), chat_id),
        )
        await self.db.commit()

    # -- subscriptions -------------------------------------------------------------------------

    async def subscribe(self, sub: Subscription, now: dt.datetime | None = None) -> Subscription:
        """Create or replace the chat's subscription; a chat holds one digest kind at a time."""
        stamp = utc_iso(now or _now())
        await self.db.execute("DELETE FROM subscriptions WHERE chat_id = ? AND kind != ?",
                              (sub.chat_id, sub.kind))  # fmt: skip
        await self.db.execute(
            f"""INSERT INTO subscriptions ({_SUB_COLUMNS}, updated_at)
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
        await self.db.commit()
        return (await self.subscriptions(sub.chat_id))[0]

    async def subscriptions(self, chat_id: int, active_only: bool = False) -> list[Subscription]:
        """The chat's subscriptions (active first)."""
        query = f"SELECT {_SUB_COLUMNS} FROM subscriptions WHERE chat_id = ?"
        if active_only:
            query += " AND active = 1"
        async with self.db.execute(query + " ORDER BY active DESC, kind", (chat_id,)) as cursor:
            return [_subscription(row) for row in await cursor.fetchall()]

    async def active_subscriptions(self) -> list[Subscription]:
        """Every active subscription, the scheduler's input."""
        async with self.db.execute(
            f"SELECT {_SUB_COLUMNS} FROM subscriptions WHERE active = 1 ORDER BY chat_id, kind"
        ) as cursor:
            return [_subscription(row) for row in await cursor.fetchall()]

    async def update_subscriptions(self, chat_id: int, **fields: object) -> int:
        """Change send_time, timezone, language, topics or thread_id of the chat's subscriptions."""
        allowed = {"send_time", "timezone", "language", "topics", "thread_id"}
        if not fields or set(fields) - allowed:
            raise ValueError(f"can only update {sorted(allowed)}, got {sorted(fields)}")
        values = []
        for name, value in fields.items():
            if name == "send_time" and isinstance(value, dt.time):
                value = value.strftime("%H:%M")
            if name == "topics":
                value = json.dumps(list(value))  # type: ignore[call-overload]
            values.append(value)
        assignments = ", ".join(f"{name} = ?" for name in fields)
        cursor = await self.db.execute(
            f"UPDATE subscriptions SET {assignments}, updated_at = ? WHERE chat_id = ?",
            (*values, utc_iso(_now()), chat_id),
        )
        await self.db.commit()
        return cursor.rowcount

    async def unsubscribe(self, chat_id: int, kind: str | None = None) -> int:
        """Delete the chat's subscription (of `kind`, or all); return how many were removed."""
        if kind:
            cursor = await self.db.execute(
                "DELETE FROM subscriptions WHERE chat_id = ? AND kind = ?", (chat_id, kind)
            )
        else:
            cursor = await self.db.execute(
                "DELETE FROM subscriptions WHERE chat_id = ?", (chat_id,)
            )
        await self.db.commit()
        return cursor.rowcount

    async def deactivate(self, chat_id: int, reason: str) -> int:
        """Stop sending to a chat (blocked, kicked, removed) and record why."""
        cursor = await self.db.execute(
            "UPDATE subscriptions SET active = 0, inactive_reason = ?, updated_at = ?"
            " WHERE chat_id = ? AND active = 1",
            (reason[:500], utc_iso(_now()), chat_id),
        )
        await self.db.commit()
        return cursor.rowcount

    async def migrate_chat(self, old_id: int, new_id: int) -> None:
        """Move a group's subscriptions and log to its new supergroup id (one transaction)."""
        stamp = utc_iso(_now())
        try:  # sqlite3 opens the transaction at the first UPDATE; one commit at the end
            await self.db.execute(
                "UPDATE chats SET migrated_to = ?, updated_at = ? WHERE chat_id = ?",
                (new_id, stamp, old_id),
            )
            await self.db.execute(
                """INSERT INTO chats (chat_id, type, title, username, language, timezone, status,
                                      updated_at)
                   SELECT ?, 'supergroup', title, username, language, timezone, status, ?
                   FROM chats WHERE chat_id = ?
                   ON CONFLICT (chat_id) DO NOTHING""",
                (new_id, stamp, old_id),
            )
            for table in ("subscriptions", "deliveries"):
                await self.db.execute(
                    f"UPDATE OR REPLACE {table} SET chat_id = ? WHERE chat_id = ?", (new_id, old_id)
                )
            await self.db.commit()
        except BaseException:
            await self.db.rollback()
            raise

    # -- deliveries ----------------------------------------------------------------------------

    async def delivery(self, chat_id: int, digest_key: str) -> Delivery | None:
        """The delivery row for one chat and digest, or None."""
        async with self.db.execute(
            f"SELECT {_DELIVERY_COLUMNS} FROM deliveries WHERE chat_id = ? AND digest_key = ?",
            (chat_id, digest_key),
        ) as cursor:
            row = await cursor.fetchone()
        return _delivery(row) if row else None

    async def deliveries(self, chat_id: int | None = None) -> list[Delivery]:
        """All delivery rows (of one chat), oldest due first."""
        query = f"SELECT {_DELIVERY_COLUMNS} FROM deliveries"
        params: tuple = ()
        if chat_id is not None:
            query, params = query + " WHERE chat_id = ?", (chat_id,)
        async with self.db.execute(query + " ORDER BY due_at, chat_id", params) as cursor:
            return [_delivery(row) for row in await cursor.fetchall()]

    async def existing_keys(self, pairs: Iterable[tuple[int, str]]) -> set[tuple[int, str]]:
        """Which of the (chat_id, digest_key) pairs already have a delivery row."""
        wanted = set(pairs)
        if not wanted:
            return set()
        keys = sorted({key for _, key in wanted})
        marks = ", ".join("?" * len(keys))
        async with self.db.execute(
            f"SELECT chat_id, digest_key FROM deliveries WHERE digest_key IN ({marks})", keys
        ) as cursor:
            return {(row[0], row[1]) for row in await cursor.fetchall()} & wanted

    @property
    def delivery_log(self) -> SqliteDeliveryLog:
        """Claims with leases on this connection (bot.storage.claims)."""
        from bot.storage.claims import SqliteDeliveryLog  # it builds on this module

        if self._delivery_log is None:
            self._delivery_log = SqliteDeliveryLog(self)
        return self._delivery_log

    async def clock(self) -> dt.datetime:
        """What time it is for the scheduler: this process's clock (one process per file)."""
        return _now()

    @property
    def group_commit(self) -> GroupCommit:
        """The connection's GroupCommit (one per store)."""
        if self._group_commit is None:
            self._group_commit = GroupCommit(self.db)
        return self._group_commit

    async def event_changes_since(self, since: dt.datetime) -> list[tuple[str, str]]:
        """(updated_at, id) of the records added or edited after `since`, oldest first (the
        stored timestamp format of bot.storage.seedsync, which sorts as text)."""
        async with self.db.execute(
            "SELECT updated_at, id FROM events WHERE updated_at > ? ORDER BY updated_at, id",
            (to_timestamp(since),),
        ) as cursor:
            return [(row[0], row[1]) for row in await cursor.fetchall()]

    # -- errors --------------------------------------------------------------------------------

    async def log_error(self, where: str, message: str, now: dt.datetime | None = None) -> None:
        """Append to the errors table (never with the token: callers pass Telegram's message),
        dropping what falls out of its window."""
        now = now or _now()
        await self.db.execute(_ERROR_SQL, (utc_iso(now), where[:200], message[:1000]))
        await self.db.execute(_TRIM_ERRORS_SQL, _trim_params(now))
        await self.db.commit()

    async def errors(self, limit: int = 100) -> list[tuple[str, str, str]]:
        """The latest logged errors as (at, where, message), newest first."""
        async with self.db.execute(
            "SELECT at, where_, message FROM errors ORDER BY id DESC LIMIT ?", (limit,)
        ) as cursor:
            return [tuple(row) for row in await cursor.fetchall()]  # type: ignore[misc]
