"""Chats the bot has seen and their settings on PostgreSQL (the same answers as SqliteChats)."""

from __future__ import annotations

import datetime as dt

from bot.storage.base import Chat
from bot.storage.postgres.database import PgDatabase


class PgChats:
    """The `chats` table (plus what moves with a chat: its subscriptions and delivery log)."""

    def __init__(self, db: PgDatabase) -> None:
        self.db = db

    async def upsert(
        self,
        chat_id: int,
        type_: str,
        title: str | None = None,
        username: str | None = None,
        status: str | None = None,
        now: dt.datetime | None = None,
    ) -> None:
        """Remember a chat (or refresh its title/username/status), keeping its overrides."""
        await self.db.pool.execute(
            """INSERT INTO chats (chat_id, type, title, username, status, updated_at)
               VALUES ($1, $2, $3, $4, COALESCE($5, 'member'), COALESCE($6, clock_timestamp()))
               ON CONFLICT (chat_id) DO UPDATE SET type = excluded.type,
                 title = COALESCE(excluded.title, chats.title),
                 username = COALESCE(excluded.username, chats.username),
                 status = COALESCE($5, chats.status), updated_at = excluded.updated_at""",
            chat_id, type_, title, username, status, now,
        )  # fmt: skip

    async def get(self, chat_id: int) -> Chat | None:
        """The chat row, or None if the bot has never seen it."""
        row = await self.db.pool.fetchrow(
            "SELECT chat_id, type, title, username, language, timezone, status, migrated_to"
            " FROM chats WHERE chat_id = $1",
            chat_id,
        )
        return Chat(*row) if row else None

    async def language(self, chat_id: int) -> str | None:
        """The chat's /lang choice, if any."""
        return await self.db.pool.fetchval("SELECT language FROM chats WHERE chat_id = $1", chat_id)

    async def set_language(self, chat_id: int, chat_type: str, lang: str) -> None:
        """Remember `lang` as the chat's language (creating the chat's row if needed)."""
        await self.db.pool.execute(
            "INSERT INTO chats (chat_id, type, language, updated_at)"
            " VALUES ($1, $2, $3, clock_timestamp()) ON CONFLICT (chat_id) DO UPDATE"
            " SET language = excluded.language, updated_at = excluded.updated_at",
            chat_id,
            chat_type,
            lang,
        )

    async def set_status(
        self, chat_id: int, status: str, type_: str = "private", now: dt.datetime | None = None
    ) -> None:
        """Record the bot's membership in a chat (member, administrator, left, kicked)."""
        await self.upsert(chat_id, type_, status=status, now=now)

    async def set_timezone(self, chat_id: int, timezone: str) -> None:
        """Set a chat's time zone, and move its subscriptions to it."""
        async with self.db.pool.acquire() as connection, connection.transaction():
            for table in ("chats", "subscriptions"):
                await connection.execute(
                    f"UPDATE {table} SET timezone = $1, updated_at = clock_timestamp()"
                    " WHERE chat_id = $2",
                    timezone,
                    chat_id,
                )

    async def migrate(self, old_id: int, new_id: int) -> None:
        """Move a group's subscriptions and log to its new supergroup id (one transaction)."""
        async with self.db.pool.acquire() as connection, connection.transaction():
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
