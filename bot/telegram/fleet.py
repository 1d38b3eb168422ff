"""What one instance needs to run beside others on one PostgreSQL (`BOT_DATABASE_URL` set).

`Fleet.open(settings)` opens a small pool of its own (the send budget's reservations must not
queue behind the delivery log's statements) and gives the runner:
- `rate_limiter`: PTB's rate limiter over the token's one send budget
  (bot.telegram.fleet_limiter), so N instances send 30 messages a second in all, not N × 30;
- `check_webhook()`: a polling instance refuses to start while Telegram has a webhook set,
  because polling deletes it and would cut a webhook deployment off (BOT_FORCE_POLLING=1
  deletes it on purpose);
- `poller()`: long polling by whichever instance holds the `poller` lease
  (bot.telegram.polling). In webhook mode every instance serves the same webhook and no lease
  is needed.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from telegram.ext import Application

from bot.digests.broadcast import instance_name
from bot.settings import Settings
from bot.storage.postgres.budget import SendBudget
from bot.storage.postgres.database import PgDatabase
from bot.storage.postgres.leases import Leases
from bot.telegram.fleet_limiter import FleetRateLimiter
from bot.telegram.polling import LeasedPoller

log = logging.getLogger(__name__)


class WebhookIsSet(Exception):
    """Polling was asked for while Telegram delivers this bot's updates to a webhook."""


class Fleet:
    """This instance's part in the fleet: its pool, its name, the shared limiter and leases."""

    def __init__(self, db: PgDatabase, settings: Settings, name: str | None = None) -> None:
        self.db = db
        self.settings = settings
        self.name = name or instance_name()
        self.leases = Leases(db, self.name)
        self.rate_limiter = FleetRateLimiter(SendBudget(db))
        self.polling: LeasedPoller | None = None

    @classmethod
    async def open(cls, settings: Settings) -> Fleet:
        """Connect to BOT_DATABASE_URL (ConnectionError, naming it without the password)."""
        assert settings.database_url
        db = await PgDatabase.open(settings.database_url, min_size=1, max_size=4)
        return cls(db, settings)

    async def check_webhook(self, application: Application) -> None:
        """Raise WebhookIsSet when Telegram has a webhook and polling is not forced; when it
        is forced, delete the webhook (with a warning) so that getUpdates can work."""
        info = await application.bot.get_webhook_info()
        if not info.url:
            return
        host = urlsplit(info.url).hostname or "?"  # never the path: it may hold a secret
        if not self.settings.force_polling:
            raise WebhookIsSet(
                f"Telegram has a webhook set for this bot (to {host}); polling would delete it"
                " and cut the webhook instances off. Set BOT_WEBHOOK_URL to serve the webhook,"
                " or BOT_FORCE_POLLING=1 to delete it and poll"
            )
        log.warning("BOT_FORCE_POLLING=1: deleting the webhook to %s to poll instead", host)
        await application.bot.delete_webhook()

    def poller(self, application: Application) -> LeasedPoller:
        self.polling = LeasedPoller(application, self.leases)
        return self.polling

    async def close(self) -> None:
        await self.db.close()
