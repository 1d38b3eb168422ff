"""One send budget for the bot token, shared by every instance: PTB's rate limiter on PostgreSQL.

Telegram allows a token about 30 messages a second in all, however many processes send. The
budget is one `send_budget` row per token kept by GCRA ("virtual scheduling"): `tat` is the
moment of the next free slot. A sender reserves one slot with one UPDATE on the database clock
and sleeps until it; nobody polls. Slots are booked at most `horizon` seconds ahead, so a pause
still reaches reservations in the queue. A 429 sets `paused_until` on the row (later slots
start after it) and is broadcast with pg_notify, so every instance stops at once, including
senders already sleeping towards an earlier slot: they drop it and reserve again.

Per-group limits (20 a minute) stay local, as in PTB's AIORateLimiter: one instance owns a
chat's digest at a time, and a rare collision is answered by a 429, which pauses everyone.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any

import asyncpg
from aiolimiter import AsyncLimiter
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.postgres.database import PgDatabase

log = logging.getLogger(__name__)

# Telegram's ~30 a second, less a margin for the instances' scheduling jitter: a sender wakes
# up a few milliseconds after its slot, sometimes more on a busy machine, and a late send next to
# an on-time one puts two in one slot (measured: 29.5 keeps every 1-second window at <= 30).
RATE = 29.5

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

    async def reserve(self, clock: Callable[[], float] = time.monotonic) -> float | None:
        """Book the next slot: when it starts on `clock`, or None when it lies beyond the
        horizon (booked full, or paused): wait a little and ask again. The database answers
        "in so many seconds" as of when it ran the statement, taken as the middle of the
        round trip."""
        self.round_trips += 1
        asked = clock()
        wait = await self.db.pool.fetchval(_RESERVE_SQL, self.name, self.horizon)
        return None if wait is None else (asked + clock()) / 2 + wait

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


class FleetRateLimiter(BaseRateLimiter[int]):
    """PTB's rate limiter over a `SendBudget`: requests to a chat take a slot of the fleet's
    budget; groups keep the local 20-a-minute limit; a RetryAfter pauses every instance and the
    request is retried up to `max_retries` times (as AIORateLimiter does)."""

    def __init__(
        self,
        budget: SendBudget,
        max_retries: int = 2,
        group_max_rate: float = 20,
        group_time_period: float = 60,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.budget = budget
        self.max_retries = max_retries
        self.group_max_rate = group_max_rate
        self.group_time_period = group_time_period
        self.clock = clock
        self.paused_until = 0.0  # monotonic; fed by this instance's 429s and the others' NOTIFY
        self.late_slots = 0  # slots given up because this process woke up too late for them
        self._groups: dict[int | str, AsyncLimiter] = {}
        self._listener: asyncpg.Connection | None = None

    async def initialize(self) -> None:
        await self.budget.ensure()
        self._listener = await self.budget.db.dedicated()
        await self._listener.add_listener(self.budget.channel, self._on_pause)

    async def shutdown(self) -> None:
        if self._listener is not None:
            listener, self._listener = self._listener, None
            with contextlib.suppress(Exception):
                await listener.close()

    def _on_pause(self, _connection: object, _pid: int, _channel: str, payload: str) -> None:
        with contextlib.suppress(ValueError):
            self.paused_until = max(self.paused_until, self.clock() + float(payload))

    def _group(self, group: int | str) -> AsyncLimiter:
        if len(self._groups) > 512:
            for key, limiter in list(self._groups.items()):
                if limiter.has_capacity(limiter.max_rate):
                    del self._groups[key]
        if group not in self._groups:
            self._groups[group] = AsyncLimiter(self.group_max_rate, self.group_time_period)
        return self._groups[group]

    async def _take_slot(self) -> None:
        """Wait for a slot of the fleet's budget that no pause overlaps.

        A sender that wakes up later than half a slot after its slot (a busy event loop) gives
        it up and books another: sent late, it would bunch with the next instance's on-time
        send and put more than `rate` messages in one second.
        """
        slack = 0.5 / self.budget.rate
        while True:
            if (rest := self.paused_until - self.clock()) > 0:
                await asyncio.sleep(rest)
            start = await self.budget.reserve(self.clock)
            if start is None:
                await asyncio.sleep(self.budget.horizon / 4)
                continue
            if (wait := start - self.clock()) > 0:
                await asyncio.sleep(wait)
            now = self.clock()
            if self.paused_until > now:
                continue  # a pause arrived while we waited: this slot falls inside it
            if now - start <= slack:
                return
            self.late_slots += 1

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        max_retries = rate_limit_args or self.max_retries
        chat_id = data.get("chat_id")
        group: int | str | None = None
        with contextlib.suppress(ValueError, TypeError):
            chat_id = int(chat_id)  # type: ignore[arg-type]
        if isinstance(chat_id, str) or (isinstance(chat_id, int) and chat_id < 0):
            group = chat_id
        for attempt in range(max_retries + 1):
            try:
                if chat_id is None:  # getUpdates, getMe, answerCallbackQuery: no budget
                    return await callback(*args, **kwargs)
                if group is not None and self.group_max_rate:
                    async with self._group(group):
                        await self._take_slot()
                else:
                    await self._take_slot()
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                seconds = _seconds(exc)
                self.paused_until = max(self.paused_until, self.clock() + seconds)
                await self.budget.pause(seconds)
                if attempt == max_retries:
                    raise
                log.info("429 on %s: every instance waits %.1f s", endpoint, seconds)
        raise AssertionError("unreachable")  # pragma: no cover


def _seconds(exc: RetryAfter) -> float:
    value = getattr(exc, "_retry_after", None) or exc.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)
