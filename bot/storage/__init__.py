"""Every SQL statement of the bot, behind repositories: the one seam to the database.

The interface (`bot.storage.base`) is what the rest of the bot sees, as the Engine's attributes:

    engine.seedstore      SeedStore: update_seeds, ensure_seeds, sync_seeds, read_seedset,
                          changes_since, save_index_blobs / load_index_blobs, index_delta
    engine.chats          ChatRepository: upsert, get, language, set_language, set_status,
                          set_timezone, migrate (a group becoming a supergroup)
    engine.subscriptions  SubscriptionRepository: subscribe, of_chat, active, update,
                          unsubscribe, deactivate
    engine.deliveries     DeliveryLog: plan, claim, renew, save_progress, complete, release
                          (claims with leases and fencing tokens), clock, existing_keys,
                          get, all
    engine.stats          StatsRepository: collect (BotStats), deliveries_by_status, ok,
                          log_error, errors
    repositories.changes  DataChanges (PostgreSQL only): the shared data version and its
                          notifications, which the Engine follows (None on SQLite)

Rows cross the interface as the frozen dataclasses of `base` (Chat, Subscription, Delivery,
BotStats, SyncResult) with aware UTC datetimes; nothing outside this package holds a connection,
imports a driver or writes SQL.

A backend is a package that implements every Protocol of `base` and returns a `Repositories`
from one `open_*` function: `sqlite/` (the default, one process) and `postgres/` (several
instances on one database). Each writes its own SQL — placeholders, upserts, RETURNING, the
clock and locking differ, and all of that stays inside the backend; tests/storage/
test_contract.py runs the same tests on both.
May import `bot.records` (and `bot.settings`); nothing of the conversation, digests or Telegram.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from bot.storage.base import Repositories

if TYPE_CHECKING:
    from bot.settings import Settings


async def open_repositories(settings: Settings) -> Repositories:
    """Open the configured backend, migrated: PostgreSQL at `settings.database_url`
    (BOT_DATABASE_URL) when set, else SQLite at `settings.db_path`."""
    # the driver loads only when its backend opens
    if settings.database_url:
        from bot.storage.postgres import open_postgres

        return await open_postgres(settings.database_url)
    from bot.storage.sqlite import open_sqlite

    return await open_sqlite(settings.db_path)


def describe_database(settings: Settings) -> str:
    """Where the data lives, for messages: the SQLite file, or the PostgreSQL URL without its
    password."""
    if not settings.database_url:
        return str(settings.db_path)
    parts = urlsplit(settings.database_url)
    host = parts.hostname or "localhost"
    port = f":{parts.port}" if parts.port else ""
    user = f"{parts.username}@" if parts.username else ""
    return f"postgresql://{user}{host}{port}{parts.path}"
