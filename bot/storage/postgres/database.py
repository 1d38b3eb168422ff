"""Opening a PostgreSQL database: a pool for statements, dedicated connections for LISTEN.

asyncpg's pool resets a connection when it is released (`pg_advisory_unlock_all(); UNLISTEN *`),
so session-level advisory locks and LISTEN live on connections from `dedicated()`, never on pooled
ones; the statements use transaction-level locks (`pg_try_advisory_xact_lock`), which pools keep.
Every lock key and notification channel is namespaced by the schema, so two deployments (or two
tests) in one database never block or wake each other.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import uuid
from collections.abc import AsyncIterator
from urllib.parse import urlencode, urlsplit, urlunsplit

import asyncpg

from bot.storage.postgres.migrations import migrate

log = logging.getLogger(__name__)

SCHEMES = ("postgresql", "postgres")


def is_postgres_url(url: str | None) -> bool:
    """Whether `url` names a PostgreSQL database (postgresql:// or postgres://)."""
    return bool(url) and urlsplit(url or "").scheme in SCHEMES


def with_schema(url: str, schema: str) -> str:
    """`url` with the server setting search_path=`schema` in its query."""
    parts = urlsplit(url)
    query = "&".join(filter(None, [parts.query, urlencode({"search_path": schema})]))
    return urlunsplit(parts._replace(query=query))


@contextlib.asynccontextmanager
async def scratch_schema(url: str, prefix: str = "scratch") -> AsyncIterator[str]:
    """The URL of a new empty schema in the database at `url`, dropped afterwards (tests and
    benchmarks: their rows, locks and notifications never meet another run's)."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    connection = await asyncpg.connect(url)
    try:
        await connection.execute(f"CREATE SCHEMA {schema}")
    finally:
        await connection.close()
    try:
        yield with_schema(url, schema)
    finally:
        connection = await asyncpg.connect(url)
        try:
            await connection.execute(f"DROP SCHEMA {schema} CASCADE")
        finally:
            await connection.close()


def redacted(url: str) -> str:
    """`url` without its password, for logs and error messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rpartition("@")
    user = netloc[0].partition(":")[0]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc[2]}"))


class PgDatabase:
    """The pool, the schema name and the helpers every PostgreSQL repository shares."""

    def __init__(self, pool: asyncpg.Pool, url: str, schema: str) -> None:
        self.pool = pool
        self.url = url
        self.schema = schema

    @classmethod
    async def open(cls, url: str, *, min_size: int = 1, max_size: int = 8) -> PgDatabase:
        """Connect, bring the schema up to date (one instance at a time), and return the pool."""
        try:
            pool = await asyncpg.create_pool(url, min_size=min_size, max_size=max_size)
        except (OSError, asyncpg.PostgresError) as exc:
            raise ConnectionError(
                f"BOT_DATABASE_URL: cannot connect to {redacted(url)} ({type(exc).__name__})"
            ) from None
        try:
            async with pool.acquire() as connection:
                schema = await connection.fetchval("SELECT current_schema()")
                await migrate(connection, lock_key(schema, "migrate"))
        except BaseException:
            await pool.close()
            raise
        return cls(pool, url, schema)

    def key(self, name: str) -> str:
        """The advisory-lock key text for `name` (hash it with hashtext() in SQL)."""
        return lock_key(self.schema, name)

    def channel(self, name: str) -> str:
        """The NOTIFY channel for `name` in this schema."""
        return f"diplobrief.{self.schema}.{name}"

    async def dedicated(self) -> asyncpg.Connection:
        """A connection of its own, outside the pool (for LISTEN and session locks)."""
        return await asyncpg.connect(self.url)

    async def clock(self) -> dt.datetime:
        """The database's current time (what every instance agrees on)."""
        return await self.pool.fetchval("SELECT clock_timestamp()")

    async def close(self) -> None:
        await self.pool.close()

    async def __aenter__(self) -> PgDatabase:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()


def lock_key(schema: str, name: str) -> str:
    return f"diplobrief:{schema}:{name}"
