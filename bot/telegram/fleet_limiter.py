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
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any

import asyncpg
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.storage.postgres.budget import SendBudget
from bot.telegram.limits import retry_after_seconds
from bot.telegram.send_limiter import UNPAUSED, GroupWindows, group_of, is_message

log = logging.getLogger(__name__)


class FleetRateLimiter(BaseRateLimiter[int]):
    """PTB's rate limiter over a `SendBudget`: messages take a slot of the fleet's budget;
    groups keep the local 20-a-minute limit; a RetryAfter pauses every instance and the request
    is retried up to `max_retries` times (as AIORateLimiter does)."""

    def __init__(
        self,
        budget: SendBudget,
        max_retries: int = 2,
        group_rate: int = 20,
        group_period: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.budget = budget
        self.groups = GroupWindows(group_rate, group_period, clock)
        self.max_retries = max_retries
        self.clock = clock
        self.paused_until = 0.0  # monotonic; fed by this instance's 429s and the others' NOTIFY
        self.late_slots = 0  # slots given up because this process could not send on time
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

    async def _pause_over(self) -> None:
        # A loop: a 429 elsewhere may extend the pause while this one sleeps.
        while (rest := self.paused_until - self.clock()) > 0:  # noqa: ASYNC110
            await asyncio.sleep(rest)

    async def _take_slot(self) -> None:
        """Wait for a slot of the fleet's budget that no pause overlaps.

        A slot is given up, and another booked, when this process cannot send in it on time:
        when it wakes up more than a quarter of a slot late (a busy event loop), or when the
        booking's round trip was so slow that when the slot starts here is uncertain by more
        than half a slot. Sent off its slot, a message would bunch with the next instance's
        on-time one and eat the margin that keeps every second at <= 30 (budget.RATE).
        """
        slot = 1.0 / self.budget.rate
        while True:
            if (rest := self.paused_until - self.clock()) > 0:
                await asyncio.sleep(rest)
            booked = await self.budget.reserve(self.clock)
            if booked is None:
                await asyncio.sleep(self.budget.horizon / 4)
                continue
            start, uncertain = booked
            if uncertain > slot / 2:
                self.late_slots += 1
                continue
            if (wait := start - self.clock()) > 0:
                await asyncio.sleep(wait)
            now = self.clock()
            if self.paused_until > now:
                continue  # a pause arrived while we waited: this slot falls inside it
            if now - start <= slot / 4:
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
        max_retries = self.max_retries if rate_limit_args is None else rate_limit_args
        chat_id = data.get("chat_id")
        group = group_of(chat_id)
        for attempt in range(max_retries + 1):
            try:
                if chat_id is None or not is_message(endpoint):  # no slot of the budget
                    if endpoint not in UNPAUSED:
                        await self._pause_over()
                    return await callback(*args, **kwargs)
                if group is not None:
                    await self.groups.wait(group)
                await self._take_slot()
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                seconds = retry_after_seconds(exc)
                self.paused_until = max(self.paused_until, self.clock() + seconds)
                await self.budget.pause(seconds)
                if attempt == max_retries:
                    raise
                log.info("429 on %s: every instance waits %.1f s", endpoint, seconds)
        raise AssertionError("unreachable")  # pragma: no cover

