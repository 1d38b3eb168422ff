"""PostgreSQL: the backend for several instances on one database (`BOT_DATABASE_URL`).

`database` opens the pool and runs `migrations` under an advisory lock; `deliveries` is the
delivery log with leases and fencing tokens; `seeds` the shared seeds and stored search index;
`chats`, `subscriptions` and `stats` the other repositories (the same Protocols and answers as
the SQLite backend: tests/storage/test_contract.py runs the same tests on both). `budget` is the
fleet-wide send budget (behind PTB in bot.telegram.fleet_limiter); `leases` holds single-holder
roles such as the poller; `dataversion` tells every instance that the seeds or the search index
changed. Time comes from the database clock (`clock_timestamp()`), never from an instance's.
Imports asyncpg and bot.records, nothing above storage.
"""

from __future__ import annotations

from bot.storage.base import Repositories
from bot.storage.postgres.chats import PgChats
from bot.storage.postgres.database import PgDatabase
from bot.storage.postgres.dataversion import PgDataChanges
from bot.storage.postgres.deliveries import PgDeliveries
from bot.storage.postgres.seeds import PgSeedStore
from bot.storage.postgres.stats import PgStats
from bot.storage.postgres.subscriptions import PgSubscriptions


def repositories(db: PgDatabase) -> Repositories:
    """Every repository over one open PostgreSQL pool."""
    return Repositories(
        seedstore=PgSeedStore(db),
        chats=PgChats(db),
        subscriptions=PgSubscriptions(db),
        deliveries=PgDeliveries(db),
        stats=PgStats(db),
        close=db.close,
        changes=PgDataChanges(db),
    )


async def open_postgres(url: str) -> Repositories:
    """Connect to `url` and bring its schema up to date (one instance at a time)."""
    return repositories(await PgDatabase.open(url))
