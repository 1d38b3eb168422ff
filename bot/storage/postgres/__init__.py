"""PostgreSQL: the backend for several instances on one database (`BOT_DATABASE_URL`).

`database` opens the pool and runs `migrations` under an advisory lock; `claims` is the delivery
log with leases and fencing tokens; `budget` is the fleet-wide send budget (behind PTB in
bot.telegram.fleet_limiter); `leases` holds single-holder roles such as the poller; `dataversion`
tells every instance that the seeds or the search index changed; `subscriptions` is the chats and
subscriptions repository. Time always comes from the database clock (`clock_timestamp()`), never
from an instance's. Imports asyncpg and bot.records, nothing above storage.
"""
