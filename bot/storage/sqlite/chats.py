"""Chats the bot has seen and their settings (language, time zone, membership) in SQLite."""

from __future__ import annotations

import datetime as dt

from bot.storage.base import Chat, to_timestamp, utc_now
from bot.storage.sqlite.database import Database


class SqliteChats:
    """The `chats` table (plus what moves with a chat: its subscriptions and delivery log)."""

    def __init__(self, database: Database) -> None:
        self.database = database

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
        await self.database.execute_write(
            """INSERT INTO chats (chat_id, type, title, username, status, updated_at)
               VALUES (?, ?, ?, ?, COALESCE(?, 'member'), ?)
               ON CONFLICT (chat_id) DO UPDATE SET type = excluded.type,
                 title = COALESCE(excluded.title, chats.title),
                 username = COALESCE(excluded.username, chats.username),
                 status = COALESCE(?, chats.status), updated_at = excluded.updated_at""",
            (chat_id, type_, title, username, status, to_timestamp(now or utc_now()), status),
        )

    async def get(self, chat_id: int) -> Chat | None:
        """The chat row, or None if the bot has never seen it."""
        row = await self.database.fetchone(
            "SELECT chat_id, type, title, username, language, timezone, status, migrated_to"
            " FROM chats WHERE chat_id = ?",
            (chat_id,),
        )
        return Chat(*row) if row else None

    async def language(self, chat_id: int) -> str | None:
        """The chat's /lang choice, or None."""
        language = await self.database.fetchval(
            "SELECT language FROM chats WHERE chat_id = ?", (chat_id,)
        )
        return str(language) if language is not None else None

    async def set_language(self, chat_id: int, chat_type: str, lang: str) -> None:
        """Remember `lang` as the chat's language (creating the chat's row if needed)."""
        await self.database.execute_write(
            "INSERT INTO chats (chat_id, type, language, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (chat_id) DO UPDATE SET language = excluded.language,"
            " updated_at = excluded.updated_at",
            (chat_id, chat_type, lang, to_timestamp(utc_now())),
        )

    async def set_status(
        self, chat_id: int, status: str, type_: str = "private", now: dt.datetime | None = None
    ) -> None:
        """Record the bot's membership in a chat (member, administrator, left, kicked)."""
        await self.upsert(chat_id, type_, status=status, now=now)

    async def set_timezone(self, chat_id: int, timezone: str) -> None:
        """Set a chat's time zone, and move its subscriptions to it."""
        stamp = to_timestamp(utc_now())
        async with self.database.transaction() as tx:
            await tx.execute(
                "UPDATE chats SET timezone = ?, updated_at = ? WHERE chat_id = ?",
                (timezone, stamp, chat_id),
            )
            await tx.execute(
                "UPDATE subscriptions SET timezone = ?, updated_at = ? WHERE chat_id = ?",
                (timezone, stamp, chat_id),
            )

    async def migrate(self, old_id: int, new_id: int) -> None:
        """Move a group's subscriptions and log to its new supergroup id (one transaction)."""
        stamp = to_timestamp(utc_now())
        async with self.database.transaction() as tx:
            await tx.execute(
                "UPDATE chats SET migrated_to = ?, updated_at = ? WHERE chat_id = ?",
                (new_id, stamp, old_id),
            )
            await tx.execute(
                """INSERT INTO chats (chat_id, type, title, username, language, timezone, status,
                                      updated_at)
                   SELECT ?, 'supergroup', title, username, language, timezone, status, ?
                   FROM chats WHERE chat_id = ?
                   ON CONFLICT (chat_id) DO NOTHING""",
                (new_id, stamp, old_id),
            )
            for table in ("subscriptions", "deliveries"):
                await tx.execute(
                    f"UPDATE OR REPLACE {table} SET chat_id = ? WHERE chat_id = ?", (new_id, old_id)
                )
