"""The SQLite backend (aiosqlite, WAL): one `Database` and the repositories over it.

database (`Database`: the connection, execute/execute_write/transaction, group commit) ·
migrations (schema, `PRAGMA user_version`) · group_commit · seeds (`SqliteSeedStore`) · chats ·
subscriptions · deliveries · stats. Every statement here uses SQLite's dialect: `?` placeholders,
`INSERT OR IGNORE` / `ON CONFLICT … DO UPDATE`, `BEGIN IMMEDIATE`, timestamps as text
(`bot.storage.base.to_timestamp`).
"""

from __future__ import annotations

from pathlib import Path

from bot.storage.base import Repositories
from bot.storage.sqlite.chats import SqliteChats
from bot.storage.sqlite.database import Database
from bot.storage.sqlite.deliveries import SqliteDeliveries
from bot.storage.sqlite.seeds import SqliteSeedStore
from bot.storage.sqlite.stats import SqliteStats
from bot.storage.sqlite.subscriptions import SqliteSubscriptions


def repositories(database: Database) -> Repositories:
    """Every repository over one open SQLite database."""
    return Repositories(
        seedstore=SqliteSeedStore(database),
        chats=SqliteChats(database),
        subscriptions=SqliteSubscriptions(database),
        deliveries=SqliteDeliveries(database),
        stats=SqliteStats(database),
        close=database.close,
    )


async def open_sqlite(path: Path | str) -> Repositories:
    """Open (creating and migrating) the SQLite file at `path`."""
    return repositories(await Database.open(path))
