"""Migrations on a real PostgreSQL: instances starting together apply each one once."""

from __future__ import annotations

import asyncio

import pytest

from bot.storage.postgres.database import PgDatabase, redacted
from bot.storage.postgres.migrations import MIGRATIONS, SchemaTooNew


async def test_instances_starting_together_migrate_once(pg_url):
    databases = await asyncio.gather(*(PgDatabase.open(pg_url) for _ in range(5)))
    try:
        rows = await databases[0].pool.fetch("SELECT version FROM schema_migrations")
        assert [row["version"] for row in rows] == list(range(1, len(MIGRATIONS) + 1))
        tables = {
            row["table_name"]
            for row in await databases[0].pool.fetch(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = $1",
                databases[0].schema,
            )
        }
        assert {"deliveries", "subscriptions", "leases", "send_budget", "search_index"} <= tables
    finally:
        await asyncio.gather(*(db.close() for db in databases))


async def test_code_older_than_the_database_refuses_to_start(pg_url):
    async with await PgDatabase.open(pg_url) as db:
        await db.pool.execute(
            "INSERT INTO schema_migrations (version) VALUES ($1)", len(MIGRATIONS) + 1
        )
    with pytest.raises(SchemaTooNew, match="deploy the newer code"):
        await PgDatabase.open(pg_url)


async def test_a_wrong_password_names_the_variable_not_the_password(pg_url):
    url = pg_url.replace("@", "x-wrong@", 1) if "@" in pg_url else pg_url
    with pytest.raises(ConnectionError, match="BOT_DATABASE_URL") as caught:
        await PgDatabase.open(url)
    assert "x-wrong" not in str(caught.value)


def test_redacted_hides_the_password():
    assert redacted("postgresql://bot:s3cret@db:5432/bot") == "postgresql://bot:***@db:5432/bot"
    assert redacted("postgresql://db/bot") == "postgresql://db/bot"
