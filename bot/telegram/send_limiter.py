"""PTB's rate limiter for one instance: Telegram's limits, with answers to users first.

Telegram asks a bot for about 30 messages a second in all and 20 a minute into one group, and
answers 429 with `retry_after` when it sends more; a callback query must be answered within
about 15 s. With PTB's AIORateLimiter the answers to button presses and inline queries queued
behind a broadcast's messages (27 s median under a burst of 2,000), and after a 429 sends to
other chats went on. Here:

- messages (send*, copy, forward, edit*) take a slot of one budget of `rate` per second, evenly
  spaced, granted in order of priority, then arrival: interactive traffic (replies, cards,
  pages) before bulk traffic (digests, marked by `bulk_sends()`), so a broadcast fills only
  what users leave; 5 % headroom absorbs the jitter of the network, so Telegram never counts
  more than `rate` in a second;
- answerCallbackQuery, answerInlineQuery and reads (getChatMember, getFile) take no slot at all:
  they are not messages, and they must never wait behind one;
- a group's messages also take one of its 20 a minute; a group over its limit waits alone;
- a 429 pauses every request of the bot (not getUpdates) until its retry_after has passed, as
  Telegram asks, and the request is retried up to `max_retries` times.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import heapq
import itertools
import logging
import time
from collections import deque
from collections.abc import Callable, Coroutine, Iterator
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.telegram.limits import retry_after_seconds

log = logging.getLogger(__name__)

INTERACTIVE, BULK = 0, 1
_TRAFFIC: contextvars.ContextVar[int] = contextvars.ContextVar("traffic", default=INTERACTIVE)
MESSAGE_PREFIXES = ("send", "copyMessage", "forwardMessage", "edit")
UNPAUSED = frozenset({"getUpdates", "getMe", "deleteWebhook", "setWebhook", "close", "logOut"})
# Pace at 95 % of the rate: 31 messages on the grid span 30 slots, 1,053 ms, so a message may
# reach Telegram up to 53 ms late (after its slot, in httpx or a busy loop) without making 31
# in a second. At 97 % the margin was 31 ms, and CI on 2 busy cores saw 31.
HEADROOM = 0.95
GROUPS_KEPT = 1024  # group windows remembered; idle ones are dropped past this


@contextlib.contextmanager
def bulk_sends() -> Iterator[None]:
    """Mark the requests made inside (and in tasks started inside) as bulk: digests."""
    token = _TRAFFIC.set(BULK)
    try:
        yield
    finally:
        _TRAFFIC.reset(token)


def is_message(endpoint: str) -> bool:
    """Whether a Bot API method puts a message in a chat (and so counts against the limits)."""
    return endpoint.startswith(MESSAGE_PREFIXES) and endpoint != "sendChatAction"


class GroupWindows:
    """Telegram's per-group limit, kept in this process: at most `rate` messages into one group
    (or channel) per `period` seconds, sliding; a group over it waits alone, its senders in
    order. Used by both rate limiters (this one and the fleet's)."""

    def __init__(
        self, rate: int = 20, period: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate = rate
        self.period = period
        self.clock = clock
        self._sent: dict[int | str, deque[float]] = {}
        self._locks: dict[int | str, asyncio.Lock] = {}

    async def wait(self, group: int | str) -> None:
        """Take one of the group's `rate` messages per `period` (0 = no limit)."""
        if not self.rate:
            return
        lock = self._locks.setdefault(group, asyncio.Lock())
        async with lock:
            sent = self._sent.setdefault(group, deque())
            while True:
                now = self.clock()
                while sent and sent[0] <= now - self.period:
                    sent.popleft()
                if len(sent) < self.rate:
                    sent.append(now)
                    break
                await asyncio.sleep(sent[0] + self.period - now)
        if len(self._sent) > GROUPS_KEPT:
            self._forget_idle()

    def _forget_idle(self) -> None:
        horizon = self.clock() - self.period
        for key in [k for k, sent in self._sent.items() if not sent or sent[-1] <= horizon]:
            lock = self._locks.get(key)
            if lock is None or not lock.locked():
                self._sent.pop(key, None)
                self._locks.pop(key, None)


class PriorityRateLimiter(BaseRateLimiter[int]):
    """See the module docstring. `clock` is monotonic seconds (replaceable in tests)."""

    def __init__(
        self,
        rate: int = 30,
        group_rate: int = 20,
        group_period: float = 60.0,
        max_retries: int = 2,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate = rate
        self.groups = GroupWindows(group_rate, group_period, clock)
        self.max_retries = max_retries
        self.clock = clock
        self.paused_until = 0.0
        self._next_slot = 0.0  # when the next message may go out
        self._queue: list[tuple[int, int]] = []  # (priority, arrival) of waiting senders
        self._arrivals = itertools.count()
        self._changed = asyncio.Event()

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """Wait for the pause, the group's window and a slot as needed, then call Telegram."""
        retries = self.max_retries if rate_limit_args is None else rate_limit_args
        chat = data.get("chat_id")
        group = group_of(chat) if is_message(endpoint) else None
        for attempt in range(retries + 1):
            try:
                if endpoint not in UNPAUSED:
                    await self._pause_over()
                if is_message(endpoint) and chat is not None:
                    if group is not None:
                        await self.groups.wait(group)
                    await self._slot(_TRAFFIC.get())
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                wait = retry_after_seconds(exc)
                self.paused_until = max(self.paused_until, self.clock() + wait)
                log.info("429 on %s: the whole bot waits %.1f s", endpoint, wait)
                if attempt == retries:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    async def _pause_over(self) -> None:
        # A loop, not an Event: another 429 may extend the pause while this one sleeps.
        while (rest := self.paused_until - self.clock()) > 0:  # noqa: ASYNC110
            await asyncio.sleep(rest)

    async def _slot(self, priority: int) -> None:
        """The next of the bot's slots, `1 / rate` s apart: the most urgent, longest-waiting
        sender first. Evenly spaced, not `rate` at once each second: a burst granted together
        reaches Telegram bunched with the next second's (43 in one second were seen)."""
        entry = (priority, next(self._arrivals))
        heapq.heappush(self._queue, entry)
        try:
            while True:
                delay: float | None = None
                if self._queue[0] == entry:
                    now = self.clock()
                    if now >= self._next_slot:
                        heapq.heappop(self._queue)
                        interval = 1.0 / (self.rate * HEADROOM)
                        self._next_slot = max(now, self._next_slot) + interval
                        self._wake()
                        return
                    delay = self._next_slot - now
                changed = self._changed
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(changed.wait(), delay)
        except BaseException:
            if entry in self._queue:
                self._queue.remove(entry)
                heapq.heapify(self._queue)
                self._wake()
            raise

    def _wake(self) -> None:
        """Tell the waiting senders the head of the queue may have changed."""
        self._changed.set()
        self._changed = asyncio.Event()


def group_of(chat: object) -> int | str | None:
    """The chat as a group key (negative ids and @usernames are groups or channels)."""
    if isinstance(chat, str):
        with contextlib.suppress(ValueError):
            chat = int(chat)
    if isinstance(chat, str):
        return chat
    return chat if isinstance(chat, int) and chat < 0 else None

