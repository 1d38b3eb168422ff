"""The one class that owns the SQLite connection: every statement of the bot runs through it.

Like datasette's `Database`: `fetchall`/`fetchone`/`fetchval` read, `execute_write` runs one
statement and commits, `transaction()` runs several in one commit (or none on error), and
`group_commit` batches the commits of many concurrent writers (the broadcast). Repositories in
this package hold a `Database`, never a connection of their own.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from bot.storage.sqlite.group_commit import GroupCommit
from bot.storage.sqlite.migrations import migrate

Params = Sequence[Any]


class Database:
    """The bot's SQLite file; open it with `await Database.open(path)`."""

    def __init__(self, connection: aiosqlite.Connection, path: Path | str) -> None:
        self.connection = connection
        self.path = path
        self._group_commit: GroupCommit | None = None

    @classmethod
    async def open(cls, path: Path | str) -> Database:
        """Open (creating if needed) the database at `path` and bring its schema up to date."""
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        connection = await aiosqlite.connect(path)
        try:
            await connection.execute("PRAGMA journal_mode = WAL")
            await connection.execute("PRAGMA foreign_keys = ON")
            await connection.execute("PRAGMA busy_timeout = 5000")
            # With WAL, NORMAL is durable across application crashes and only a power loss
            # may lose the last commits; it makes each commit an order of magnitude cheaper.
            await connection.execute("PRAGMA synchronous = NORMAL")
            await migrate(connection)
        except BaseException:
            await connection.close()
            raise
        return cls(connection, path)

    async def close(self) -> None:
        await self.connection.close()

    async def __aenter__(self) -> Database:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    # -- reading ---------------------------------------------------------------------------------

    async def fetchall(self, sql: str, params: Params = ()) -> list[Any]:
        """Every row of a query."""
        async with self.connection.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def fetchone(self, sql: str, params: Params = ()) -> Any:
        """The first row of a query, or None."""
        async with self.connection.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def fetchval(self, sql: str, params: Params = ()) -> Any:
        """The first column of the first row, or None."""
        row = await self.fetchone(sql, params)
        return row[0] if row else None

    # -- writing ---------------------------------------------------------------------------------

    async def execute_write(self, sql: str, params: Params = ()) -> int:
        """Run one statement and commit it; return how many rows it changed."""
        cursor = await self.connection.execute(sql, params)
        await self.connection.commit()
        return cursor.rowcount

    @asynccontextmanager
    async def transaction(self, *, immediate: bool = False) -> AsyncIterator[Transaction]:
        """Statements run inside are committed together at the end, or rolled back on error.

        `immediate` takes SQLite's write lock at the start (BEGIN IMMEDIATE), for long syncs.
        """
        connection = self.connection
        await connection.commit()  # end any implicit transaction left open
        if immediate:
            await connection.execute("BEGIN IMMEDIATE")
        try:
            yield Transaction(connection)
            await connection.commit()
        except BaseException:
            await connection.rollback()
            raise

    @property
    def group_commit(self) -> GroupCommit:
        """The connection's GroupCommit (writes of many senders, committed together)."""
        if self._group_commit is None:
            self._group_commit = GroupCommit(self.connection)
        return self._group_commit


class Transaction:
    """The statements of one `Database.transaction()`."""

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run a statement; return how many rows it changed."""
        cursor = await self._connection.execute(sql, params)
        return cursor.rowcount

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        await self._connection.executemany(sql, rows)

    async def fetchall(self, sql: str, params: Params = ()) -> list[Any]:
        async with self._connection.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def fetchval(self, sql: str, params: Params = ()) -> Any:
        async with self._connection.execute(sql, params) as cursor:
            row = await cursor.fetchone()
        return row[0] if row else None
