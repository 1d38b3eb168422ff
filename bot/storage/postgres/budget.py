"""One send budget for the bot token, shared by every instance (bot.telegram.fleet_limiter
puts it behind PTB as a rate limiter).

Telegram allows a token about 30 messages a second in all, however many processes send. The
budget is one `send_budget` row per token kept by GCRA ("virtual scheduling"): `tat` is the
moment of the next free slot. A sender reserves one slot with one UPDATE on the database clock
and sleeps until it; nobody polls. Slots are booked at most `horizon` seconds ahead, so a pause
still reaches reservations in the queue. A 429 sets `paused_until` on the row (later slots
start after it) and is broadcast with pg_notify, so every instance stops at once, including
senders already sleeping towards an earlier slot: they drop it and reserve again.

"""

from __future__ import annotations

import time
from collections.abc import Callable

from bot.storage.postgres.database import PgDatabase

# Telegram's ~30 a second, less a margin for jitter between a slot and the message's arrival
# (the sender's wake-up, PTB and HTTP, the receiving server): at `RATE` a second, 30 messages
# arrive in one second only if their arrival times spread by more than 30 / RATE - 1 second
# from the slots' grid. Measured arrivals of 2 idle instances spread by up to 24 ms: 29.5
# (17 ms of margin) gave 31 in one second; 29.0 gives 34 ms (bench/fanoutbench.py).
RATE = 29.0

_RESERVE_SQL = """
WITH now AS (SELECT clock_timestamp() AS ts),
cur AS (SELECT b.name, b.interval_s, now.ts,
               GREATEST(b.tat, now.ts - make_interval(secs => b.interval_s * b.burst),
                        COALESCE(b.paused_until, now.ts)) AS start
          FROM send_budget b, now WHERE b.name = $1 FOR UPDATE OF b)
UPDATE send_budget b SET tat = cur.start + make_interval(secs => cur.interval_s)
  FROM cur WHERE b.name = cur.name AND cur.start - cur.ts <= make_interval(secs => $2)
RETURNING EXTRACT(EPOCH FROM cur.start - cur.ts)::float8
"""


class SendBudget:
    """The `send_budget` row `name`: `rate` messages a second, `burst` slots after idling."""

    def __init__(
        self,
        db: PgDatabase,
        name: str = "bot",
        rate: float = RATE,
        burst: float = 0.0,
        horizon: float = 2.0,
    ) -> None:
        self.db = db
        self.name = name
        self.rate = rate
        self.burst = burst
        self.horizon = horizon
        self.channel = db.channel(f"budget-paused.{name}")
        self.round_trips = 0

    async def ensure(self) -> None:
        """Create the row, or set its rate and burst (keeping the booked slots)."""
        await self.db.pool.execute(
            "INSERT INTO send_budget (name, interval_s, burst, tat) VALUES ($1, $2, $3,"
            " clock_timestamp()) ON CONFLICT (name) DO UPDATE SET interval_s = excluded.interval_s,"
            " burst = excluded.burst",
            self.name,
            1.0 / self.rate,
            self.burst,
        )

    async def reserve(
        self, clock: Callable[[], float] = time.monotonic
    ) -> tuple[float, float] | None:
        """Book the next slot: (when it starts on `clock`, give or take how much), or None
        when it lies beyond the horizon (booked full, or paused): wait a little and ask again.
        The database answers "in so many seconds" as of when it ran the statement, somewhere
        in the round trip: taken as its middle, give or take half the round trip."""
        self.round_trips += 1
        asked = clock()
        wait = await self.db.pool.fetchval(_RESERVE_SQL, self.name, self.horizon)
        answered = clock()
        return None if wait is None else ((asked + answered) / 2 + wait, (answered - asked) / 2)

    async def pause(self, seconds: float) -> None:
        """Stop every instance for `seconds` (Telegram's retry_after), and tell them now."""
        async with self.db.pool.acquire() as connection, connection.transaction():
            await connection.execute(
                "UPDATE send_budget SET paused_until = GREATEST(COALESCE(paused_until,"
                " clock_timestamp()), clock_timestamp() + make_interval(secs => $2))"
                " WHERE name = $1",
                self.name,
                seconds,
            )
            await connection.execute("SELECT pg_notify($1, $2)", self.channel, repr(seconds))
