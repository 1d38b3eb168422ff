"""Chats, subscriptions, the delivery log's reads and the error log on PostgreSQL.

The same methods and answers as bot.storage.subscriptions.SubscriptionStore (the contract tests
run the same tests on both); claiming and closing deliveries live in bot.storage.postgres.claims.
Timestamps are `timestamptz`, written from the database clock unless the caller passes a moment.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence

import asyncpg

from bot.storage.postgres.database import PgDatabase
from bot.storage.seedsync import to_timestamp
from bot.storage.subscriptions import ERRORS_DAYS, ERRORS_KEPT, Chat, Delivery, Subscription

_SUB_COLUMNS = (
    "chat_id, kind, send_time, timezone, language, topics, thread_id, active, inactive_reason,"
    " created_by, created_at, last_digest_at"
)
# The errors table is a window (see bot.storage.subscriptions): trimmed with every insert.
TRIM_ERRORS_SQL = (
    "DELETE FROM errors WHERE id <= (SELECT max(id) FROM errors) - $1"
    " OR at < COALESCE($3, clock_timestamp()) - make_interval(days => $2)"
)
_DELIVERY_COLUMNS = (
    "chat_id, digest_key, status, attempts, error, due_at, sent_at, message_ids, claimed_at"
)


def _seconds(moment: dt.datetime | None) -> dt.datetime | None:
    """`moment` to the second, as SQLite's store keeps it."""
    return moment.replace(microsecond=0) if moment else None


def subscription_of(row: Sequence) -> Subscription:
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
        created_at=_seconds(row[10]),
        last_digest_at=_seconds(row[11]),
    )


def _delivery(row: Sequence) -> Delivery:
    return Delivery(
        chat_id=row[0],
        digest_key=row[1],
        status=row[2],
        attempts=row[3],
        error=row[4],
        due_at=_seconds(row[5]),  # type: ignore[arg-type]
        sent_at=_seconds(row[6]),
        message_ids=tuple(json.loads(row[7] or "[]")),
        claimed_at=_seconds(row[8]),
    )


async def active_subscriptions(connection: asyncpg.Connection | asyncpg.Pool) -> list[Subscription]:
    """Every active subscription (the planner's input), on `connection`."""
    rows = await connection.fetch(
        f"SELECT {_SUB_COLUMNS} FROM subscriptions WHERE active ORDER BY chat_id, kind"
    )
    return [subscription_of(row) for row in rows]


class PgSubscriptionStore:
    """Chats, subscriptions, delivery rows and errors in one PostgreSQL database."""

    def __init__(self, db: PgDatabase) -> None:
        self.db = db
        self.pool = db.pool
        from bot.storage.postgres.claims import PgDeliveryLog  # it builds on this module

        self.delivery_log = PgDeliveryLog(db)

    async def clock(self) -> dt.datetime:
        """What time it is for the scheduler: the database's clock, shared by every instance."""
        return await self.db.clock()

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
        await self.pool.execute(
            """INSERT INTO chats (chat_id, type, title, username, status, updated_at)
               VALUES ($1, $2, $3, $4, COALESCE($5, 'member'), COALESCE($6, clock_timestamp()))
               ON CONFLICT (chat_id) DO UPDATE SET type = excluded.type,
                 title = COALESCE(excluded.title, chats.title),
                 username = COALESCE(excluded.username, chats.username),
                 status = COALESCE($5, chats.status), updated_at = excluded.updated_at""",
            chat_id, type_, title, username, status, now,
        )  # fmt: skip

    async def get_chat(self, chat_id: int) -> Chat | None:
        """The chat row, or None if the bot has never seen it."""
        row = await self.pool.fetchrow(
            "SELECT chat_id, type, title, username, language, timezone, status, migrated_to"
            " FROM chats WHERE chat_id = $1",
            chat_id,
        )
        return Chat(*row) if row else None

    async def set_chat_status(
        self, chat_id: int, status: str, type_: str = "private", now: dt.datetime | None = None
    ) -> None:
        """Record the bot's membership in a chat (member, administrator, left, kicked)."""
        await self.upsert_chat(chat_id, type_, status=status, now=now)

    async def set_chat_timezone(self, chat_id: int, timezone: str) -> None:
        """Set a chat's time zone, and move its subscriptions to it."""
        async with self.pool.acquire() as connection, connection.transaction():
            for table in ("chats", "subscriptions"):
                await connection.execute(
                    f"UPDATE {table} SET timezone = $1, updated_at = clock_timestamp()"
                    " WHERE chat_id = $2",
                    timezone,
                    chat_id,
                )

    async def chat_language(self, chat_id: int) -> str | None:
        """The chat's /lang choice, if any."""
        return await self.pool.fetchval("SELECT language FROM chats WHERE chat_id = $1", chat_id)

    async def set_chat_language(self, chat_id: int, chat_type: str, lang: str) -> None:
        """Remember `lang` as the chat's language (creating the chat's row if needed)."""
        await self.pool.execute(
            "INSERT INTO chats (chat_id, type, language, updated_at)"
            " VALUES ($1, $2, $3, clock_timestamp()) ON CONFLICT (chat_id) DO UPDATE"
            " SET language = excluded.language, updated_at = excluded.updated_at",
            chat_id,
            chat_type,
            lang,
        )

    # -- subscriptions -------------------------------------------------------------------------

    async def subscribe(self, sub: Subscription, now: dt.datetime | None = None) -> Subscription:
        """Create or replace the chat's subscription; a chat holds one digest kind at a time."""
        async with self.pool.acquire() as connection, connection.transaction():
            stamp = now or await connection.fetchval("SELECT clock_timestamp()")
            await connection.execute(
                "DELETE FROM subscriptions WHERE chat_id = $1 AND kind != $2", sub.chat_id, sub.kind
            )
            await connection.execute(
                f"""INSERT INTO subscriptions ({_SUB_COLUMNS}, updated_at)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, true, NULL, $8, $9, NULL, $9)
                    ON CONFLICT (chat_id, kind) DO UPDATE SET send_time = excluded.send_time,
                      timezone = excluded.timezone, language = excluded.language,
                      topics = excluded.topics, thread_id = excluded.thread_id, active = true,
                      inactive_reason = NULL, updated_at = excluded.updated_at""",
                sub.chat_id, sub.kind, sub.send_time.strftime("%H:%M"), sub.timezone,
                sub.language, json.dumps(list(sub.topics)), sub.thread_id, sub.created_by,
                _seconds(stamp),
            )  # fmt: skip
        return (await self.subscriptions(sub.chat_id))[0]

    async def subscriptions(self, chat_id: int, active_only: bool = False) -> list[Subscription]:
        """The chat's subscriptions (active first)."""
        query = f"SELECT {_SUB_COLUMNS} FROM subscriptions WHERE chat_id = $1"
        if active_only:
            query += " AND active"
        rows = await self.pool.fetch(query + " ORDER BY active DESC, kind", chat_id)
        return [subscription_of(row) for row in rows]

    async def active_subscriptions(self) -> list[Subscription]:
        """Every active subscription, the scheduler's input."""
        return await active_subscriptions(self.pool)

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
        assignments = ", ".join(f"{name} = ${n}" for n, name in enumerate(fields, start=2))
        status = await self.pool.execute(
            f"UPDATE subscriptions SET {assignments}, updated_at = clock_timestamp()"
            " WHERE chat_id = $1",
            chat_id,
            *values,
        )
        return int(status.split()[-1])

    async def unsubscribe(self, chat_id: int, kind: str | None = None) -> int:
        """Delete the chat's subscription (of `kind`, or all); return how many were removed."""
        if kind:
            status = await self.pool.execute(
                "DELETE FROM subscriptions WHERE chat_id = $1 AND kind = $2", chat_id, kind
            )
        else:
            status = await self.pool.execute(
                "DELETE FROM subscriptions WHERE chat_id = $1", chat_id
            )
        return int(status.split()[-1])

    async def deactivate(self, chat_id: int, reason: str) -> int:
        """Stop sending to a chat (blocked, kicked, removed) and record why."""
        status = await self.pool.execute(
            "UPDATE subscriptions SET active = false, inactive_reason = $1,"
            " updated_at = clock_timestamp() WHERE chat_id = $2 AND active",
            reason[:500],
            chat_id,
        )
        return int(status.split()[-1])

    async def migrate_chat(self, old_id: int, new_id: int) -> None:
        """Move a group's subscriptions and log to its new supergroup id (one transaction)."""
        async with self.pool.acquire() as connection, connection.transaction():
            await connection.execute(
                "UPDATE chats SET migrated_to = $1, updated_at = clock_timestamp()"
                " WHERE chat_id = $2",
                new_id,
                old_id,
            )
            await connection.execute(
                """INSERT INTO chats (chat_id, type, title, username, language, timezone, status,
                                      updated_at)
                   SELECT $1, 'supergroup', title, username, language, timezone, status,
                          clock_timestamp() FROM chats WHERE chat_id = $2
                   ON CONFLICT (chat_id) DO NOTHING""",
                new_id,
                old_id,
            )
            # SQLite's UPDATE OR REPLACE: the moved rows replace the new id's rows they meet.
            for table, key in (("subscriptions", "kind"), ("deliveries", "digest_key")):
                await connection.execute(
                    f"DELETE FROM {table} WHERE chat_id = $1 AND {key} IN"
                    f" (SELECT {key} FROM {table} WHERE chat_id = $2)",
                    new_id,
                    old_id,
                )
                await connection.execute(
                    f"UPDATE {table} SET chat_id = $1 WHERE chat_id = $2", new_id, old_id
                )

    # -- deliveries (reads) --------------------------------------------------------------------

    async def delivery(self, chat_id: int, digest_key: str) -> Delivery | None:
        """The delivery row for one chat and digest, or None."""
        row = await self.pool.fetchrow(
            f"SELECT {_DELIVERY_COLUMNS} FROM deliveries WHERE chat_id = $1 AND digest_key = $2",
            chat_id,
            digest_key,
        )
        return _delivery(row) if row else None

    async def deliveries(self, chat_id: int | None = None) -> list[Delivery]:
        """All delivery rows (of one chat), oldest due first."""
        if chat_id is None:
            rows = await self.pool.fetch(
                f"SELECT {_DELIVERY_COLUMNS} FROM deliveries ORDER BY due_at, chat_id"
            )
        else:
            rows = await self.pool.fetch(
                f"SELECT {_DELIVERY_COLUMNS} FROM deliveries WHERE chat_id = $1"
                " ORDER BY due_at, chat_id",
                chat_id,
            )
        return [_delivery(row) for row in rows]

    async def existing_keys(self, pairs: Iterable[tuple[int, str]]) -> set[tuple[int, str]]:
        """Which of the (chat_id, digest_key) pairs already have a delivery row."""
        wanted = set(pairs)
        if not wanted:
            return set()
        rows = await self.pool.fetch(
            "SELECT chat_id, digest_key FROM deliveries WHERE digest_key = ANY($1::text[])",
            sorted({key for _, key in wanted}),
        )
        return {(row[0], row[1]) for row in rows} & wanted

    async def event_changes_since(self, since: dt.datetime) -> list[tuple[str, str]]:
        """(updated_at, id) of the records added or edited after `since`, oldest first."""
        rows = await self.pool.fetch(
            "SELECT updated_at, id FROM events WHERE updated_at > $1 ORDER BY updated_at, id",
            to_timestamp(since),
        )
        return [(row[0], row[1]) for row in rows]

    # -- errors --------------------------------------------------------------------------------

    async def log_error(self, where: str, message: str, now: dt.datetime | None = None) -> None:
        """Append to the errors table (never with the token: callers pass Telegram's message),
        dropping what falls out of its window."""
        async with self.pool.acquire() as connection, connection.transaction():
            await connection.execute(
                "INSERT INTO errors (at, where_, message) VALUES (COALESCE($1, clock_timestamp()),"
                " $2, $3)",
                now,
                where[:200],
                message[:1000],
            )
            await connection.execute(TRIM_ERRORS_SQL, ERRORS_KEPT, ERRORS_DAYS, now)

    async def errors(self, limit: int = 100) -> list[tuple[str, str, str]]:
        """The latest logged errors as (at, where, message), newest first."""
        rows = await self.pool.fetch(
            "SELECT at, where_, message FROM errors ORDER BY id DESC LIMIT $1", limit
        )
        return [(_seconds(row[0]).isoformat(), row[1], row[2]) for row in rows]
