"""What a scheduled digest says: composed once per tick for all the chats that read the same
messages (`DigestComposer`), on the engine's current seeds (`DigestCompositions`), and the
button under a digest cut short. bot.digests.broadcast sends what these compose.
"""

from __future__ import annotations

import asyncio
import bisect
import datetime as dt
from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.conversation.callbacks import list_data
from bot.conversation.meetings import MeetingFilter
from bot.digests.compose import KIND_SECTIONS, compose_digest, digest_index
from bot.digests.render import digest_messages
from bot.i18n import t
from bot.records.seedset import SeedSet
from bot.storage.base import SeedStore, Subscription, to_timestamp

if TYPE_CHECKING:
    from bot.search.index import SearchIndex


async def subscription_digest(
    storage: SeedStore,
    seeds: SeedSet,
    sub: Subscription,
    day: dt.date,
    send_empty: bool,
    search: SearchIndex | None = None,
) -> list[str]:
    """The messages of `sub`'s digest for local `day`, as the scheduler composes them (one
    DigestComposer): what `/digest` and `python -m bot digest --chat` show. 'New' means changed
    since the chat's last digest."""
    return await DigestComposer(storage, seeds, send_empty, search)(sub, day)


class DigestComposer:
    """The scheduler's compose function for one tick: each distinct digest is composed once.

    Chats with the same day, kind, topics, language and changed records read the same messages,
    so thousands of chats cost a few hundred compositions. The records changed since each chat's
    last digest come from one read per tick (re-read only for a chat with an older boundary).
    `composed` counts the compositions.
    """

    def __init__(
        self,
        store: SeedStore,
        seeds: SeedSet,
        send_empty: bool,
        search: SearchIndex | None = None,
    ) -> None:
        self.store = store
        self.seeds = seeds
        self.send_empty = send_empty
        self.index = digest_index(seeds, search)
        self.composed = 0
        self._cache: dict[tuple, list[str]] = {}
        self._changes: list[tuple[str, str]] = []  # (updated_at, id), oldest first
        self._loaded_from: str | None = None  # the boundary _changes were read after
        self._generation = 0  # bumped when _changes is re-read, so cached offsets stay exact
        self._lock = asyncio.Lock()
        self._warm = False

    async def __call__(self, sub: Subscription, day: dt.date) -> list[str]:
        """The messages of `sub`'s digest for local `day`."""
        if not self._warm:  # the first digest of a SeedSet builds its lookups off the loop
            await asyncio.to_thread(self.index.warm)
            self._warm = True
        since = sub.last_digest_at or sub.created_at
        changes: tuple = ()
        if since and "new" in KIND_SECTIONS.get(sub.kind, KIND_SECTIONS["daily"]):
            changes = await self._changed_after(to_timestamp(since))
        key = (day, sub.kind, tuple(sub.topics), sub.language, changes)
        if (messages := self._cache.get(key)) is None:
            ids = [event_id for _, event_id in self._changes[changes[1] :]] if changes else []
            digest = compose_digest(
                self.seeds, day, kind=sub.kind, topics=sub.topics, changed_ids=ids
            )
            messages = digest_messages(digest, self.seeds, sub.language, self.send_empty)
            self._cache[key] = messages
            self.composed += 1
        return list(messages)

    async def _changed_after(self, stamp: str) -> tuple[int, int]:
        """(generation, offset): the changes after `stamp` are `_changes[offset:]`."""
        async with self._lock:
            if self._loaded_from is None or stamp < self._loaded_from:
                since = dt.datetime.fromisoformat(stamp)
                self._changes = await self.store.changes_since(since)
                self._loaded_from = stamp
                self._generation += 1
        offset = bisect.bisect_right(self._changes, (stamp, "\uffff"))
        return self._generation, offset


class DigestCompositions:
    """A DigestComposer per tick, on the engine's current seeds (`for_tick`)."""

    def __init__(self, engine: object, send_empty: bool) -> None:
        self.engine = engine
        self.send_empty = send_empty
        self.last: DigestComposer | None = None

    def for_tick(self) -> DigestComposer:
        """A composer for one tick (its cache ends with the tick)."""
        engine = self.engine
        store = engine.seedstore  # type: ignore[attr-defined]
        self.last = DigestComposer(
            store,
            engine.seeds,  # type: ignore[attr-defined]
            self.send_empty,
            getattr(engine, "index", None),
        )
        return self.last


def more_keyboard(lang: str) -> InlineKeyboardMarkup:
    """The button under a digest cut short: every meeting, newest first."""
    label = t(lang, "digest.btn.all_meetings")
    button = InlineKeyboardButton(label, callback_data=list_data(MeetingFilter("all")))
    return InlineKeyboardMarkup([[button]])
