"""PTB's rate limiter for several instances: every message (send*, copy, forward, edit*) takes a
slot of the token's one send budget (bot.storage.postgres.budget), shared through PostgreSQL.
Answers to callback and inline queries and reads (getChatMember) take none, as in
bot.telegram.send_limiter; neither does getUpdates, which a pause never holds up.

Per-group limits (20 a minute) stay local, as in PTB's AIORateLimiter: one instance owns a chat's
digest at a time, and a rare collision is answered by a 429, which pauses everyone. A 429 pauses
every instance for its retry_after: this one at once, the others through the budget row and a
notification; a sender sleeping towards a slot inside the pause drops it and books again.
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

from bot.storage.postgres.budget import SendBudget
from bot.telegram.send_limiter import UNPAUSED, is_message

log = logging.getLogger(__name__)


class FleetRateLimiter(BaseRateLimiter[int]):
    """PTB's rate limiter over a `SendBudget`: messages take a slot of the fleet's budget;
    groups keep the local 20-a-minute limit; a RetryAfter pauses every instance and the request
    is retried up to `max_retries` times (as AIORateLimiter does)."""

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

    async def _pause_over(self) -> None:
        # A loop: a 429 elsewhere may extend the pause while this one sleeps.
        while (rest := self.paused_until - self.clock()) > 0:  # noqa: ASYNC110
            await asyncio.sleep(rest)

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
                if chat_id is None or not is_message(endpoint):  # no slot of the budget
                    if endpoint not in UNPAUSED:
                        await self._pause_over()
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
