"""PostgreSQL: the backend for several instances on one database (`BOT_DATABASE_URL`).

`database` opens the pool and runs `migrations` under an advisory lock; `claims` is the delivery
log with leases and fencing tokens; `budget` is the fleet-wide send budget (a PTB rate limiter);
`leases` holds single-holder roles such as the poller; `dataversion` tells every instance that the
seeds or the search index changed. Time always comes from the database clock
(`clock_timestamp()`), never from an instance's. Imports asyncpg, and nothing above storage.
"""
