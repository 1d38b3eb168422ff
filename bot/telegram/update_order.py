"""Updates from different chats are handled at the same time; one chat's, one after another.

PTB handles updates one at a time by default, so one group over its 20-messages-a-minute limit
held every other chat behind it (60 `/help@bot` in a group made a private `/help` wait two
minutes). `ChatOrderedUpdateProcessor` lets up to `max_concurrent_updates` chats be handled at
once and keeps each chat's updates in the order Telegram sent them: a command and its edit, two
presses on one settings keyboard. A chat that is waiting (on its limit, on Telegram) occupies one
slot, however many of its updates are queued, so it delays only itself. A chat's backlog is
bounded (MAX_BACKLOG): past it, a flood's further updates are dropped with a warning, so neither
memory nor a graceful stop (which waits for the backlog) grows with the flood.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

log = logging.getLogger(__name__)
DEFAULT_CONCURRENCY = 64
MAX_BACKLOG = 30  # updates one chat may have waiting (a group answers 20 a minute)


def order_key(update: object) -> int | None:
    """The chat whose updates must stay in order (the user's, for inline queries); None: any."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    return update.effective_user.id if update.effective_user is not None else None


class ChatOrderedUpdateProcessor(BaseUpdateProcessor):
    """Concurrent across chats, in order within a chat (see the module docstring)."""

    def __init__(
        self, max_concurrent_updates: int = DEFAULT_CONCURRENCY, max_backlog: int = MAX_BACKLOG
    ) -> None:
        super().__init__(max_concurrent_updates)
        self.max_backlog = max_backlog
        self.dropped = 0  # updates dropped from floods, since start
        self._queues: dict[int, deque[Awaitable[Any]]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run `coroutine` now, or after the updates of its chat that came before it."""
        key = order_key(update)
        if key is None:
            await coroutine
            return
        queue = self._queues.get(key)
        if queue is not None:  # the chat is busy: its running worker takes this one next
            if len(queue) >= self.max_backlog:
                coroutine.close()  # type: ignore[attr-defined]
                self.dropped += 1
                log.warning("chat %s floods the bot: update dropped (%d waiting)", key, len(queue))
                return
            queue.append(coroutine)
            return
        self._queues[key] = queue = deque([coroutine])
        try:
            while queue:
                try:
                    await queue.popleft()
                except Exception:  # Application.process_update reports handler errors itself
                    log.exception("update of chat %s failed", key)
        finally:
            del self._queues[key]
            for left in queue:  # cancelled (shutdown): do not leave coroutines never awaited
                left.close()  # type: ignore[attr-defined]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release: workers finish with the tasks PTB awaits on stop."""
