"""The bot's engine: the repositories, the seeds in memory, the search index, per-chat language.

Handlers reach it as `context.engine` (see bot/context.py): `engine.chats`, `.subscriptions`,
`.deliveries`, `.stats` and `.seedstore` are the storage repositories (bot/storage/__init__.py),
`engine.seeds` and `engine.index` what they answer from. It is opened in the application's
`post_init` and closed in `post_shutdown`; nothing connects at import time.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from typing import Literal, cast

from bot.i18n import language_from_code
from bot.records.loading import SeedError
from bot.records.models import LANGS, Lang
from bot.records.seedset import SeedSet
from bot.search.index import SearchIndex
from bot.settings import Settings
from bot.storage import open_repositories
from bot.storage.base import (
    ChatRepository,
    DeliveryLog,
    Repositories,
    SeedStore,
    SeedUpdate,
    StatsRepository,
    SubscriptionRepository,
    SyncResult,
)

log = logging.getLogger(__name__)


def _compact_at(events: int) -> int:
    """Events changed since the stored index beyond which it is stored whole again (a start
    applies the delta on top of the stored index; a long delta would slow starts)."""
    return max(1000, events // 50)


class EngineClosed(RuntimeError):
    """The engine was used before `open()` or after `close()`."""


class Engine:
    """Repositories + seeds + search index, opened once per process and shared by every handler."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._repos: Repositories | None = None
        self.seeds: SeedSet = SeedSet()
        self.index: SearchIndex | None = None
        # Where the current index came from, and how many times this engine built one: a
        # start on unchanged seeds loads the stored index instead of building it.
        self.index_source: Literal["built", "loaded", "updated"] | None = None
        self.index_builds = 0
        self._reload_lock = asyncio.Lock()

    @property
    def repositories(self) -> Repositories:
        """The open backend's repositories (raises EngineClosed when not open)."""
        if self._repos is None:
            raise EngineClosed("the engine is not open")
        return self._repos

    @property
    def seedstore(self) -> SeedStore:
        return self.repositories.seedstore

    @property
    def chats(self) -> ChatRepository:
        return self.repositories.chats

    @property
    def subscriptions(self) -> SubscriptionRepository:
        return self.repositories.subscriptions

    @property
    def deliveries(self) -> DeliveryLog:
        return self.repositories.deliveries

    @property
    def stats(self) -> StatsRepository:
        return self.repositories.stats

    @property
    def is_open(self) -> bool:
        return self._repos is not None

    async def open(self) -> SyncResult | None:
        """Open the database, bring it up to date with the seeds, get the search index ready.

        Only the seed files changed since the last start are read; the stored index is loaded
        and the events changed since it was stored are applied to it (built when there is
        none). When the seeds folder has problems but the database holds seeds from an
        earlier start, the bot starts on those (and logs the problems); with nothing to fall
        back on, the `SeedError` propagates.
        """
        repos = await open_repositories(self.settings)
        storage = repos.seedstore
        try:
            try:
                update = await storage.update_seeds(self.settings.seeds_dir)
            except SeedError as exc:
                if await storage.stored_fingerprint() is None:
                    raise
                log.error("seeds have problems, starting on the last good copy:\n%s", exc)
                update = SeedUpdate(await storage.read_seedset(), None)
            seeds, full, result = update.seeds, update.full, update.result
            del update  # holds every parsed model when the folder was read in full
            if full:  # read from YAML: keep the lazy copy, not every model
                del seeds
                seeds = await storage.read_seedset()
            index = await self._stored_index(storage, seeds)
            if index is None:
                index = await self._build_index(seeds)
                await self._store_index(storage, seeds, index)
        except BaseException:
            await repos.close()
            raise
        self._repos, self.seeds, self.index = repos, seeds, index
        gc.freeze()  # what start-up built lives as long as the process: never scan it again
        return result

    async def apply_changes(self) -> SyncResult:
        """Apply what changed in the seeds folder to the database and the search index, and
        swap the new seeds and index in together; commands keep being answered meanwhile
        (from the previous ones) and never see half an update.

        Only the changed files are read and only their events re-indexed (a full rebuild when
        a gazetteer, an article or the schema changed). This is what `/reload` does, and what
        an approved ingest draft calls once its files are written. On problems it raises
        `SeedError` and keeps the running data.
        """
        async with self._reload_lock:
            update = await self.seedstore.update_seeds(
                self.settings.seeds_dir, current=self.seeds
            )
            if update.result is None:
                return SyncResult(unchanged=len(self.seeds.events))
            result = update.result
            if update.full or self.index is None:
                del update  # the parsed models can go: the lazy copy is read back
                seeds = await self.seedstore.read_seedset()
                index = await self._build_index(seeds)
                await self._store_index(self.seedstore, seeds, index)
            else:
                seeds = update.seeds
                index = await asyncio.to_thread(
                    self.index.updated, seeds, update.upserted, update.removed, False
                )
                self.index_source = "updated"
                delta = await self.seedstore.index_delta(SearchIndex.VERSION)
                if len(delta) > _compact_at(len(seeds.events)):
                    await self._store_index(self.seedstore, seeds, index)
            self.seeds, self.index = seeds, index  # swapped together, after everything worked
            gc.freeze()
            return result

    async def reload(self) -> SyncResult:
        """`/reload`: `apply_changes()`."""
        return await self.apply_changes()

    async def _stored_index(self, storage: SeedStore, seeds: SeedSet) -> SearchIndex | None:
        """The stored search index with the events changed since it was stored applied, or
        None when there is none (or it is of another format)."""
        blobs = await storage.load_index_blobs(None, SearchIndex.VERSION)
        if blobs is None:
            return None
        index = await asyncio.to_thread(SearchIndex.load, blobs, seeds)
        del blobs
        if index is None:
            return None
        self.index_source = "loaded"
        delta = await storage.index_delta(SearchIndex.VERSION)
        if delta:
            events = seeds.events
            upserted = [events[event_id] for event_id in delta if event_id in events]
            removed = [event_id for event_id in delta if event_id not in events]
            index = await asyncio.to_thread(index.updated, seeds, upserted, removed, False)
        return index

    async def _build_index(self, seeds: SeedSet) -> SearchIndex:
        """Build the search index of `seeds` (in a thread)."""
        index = await asyncio.to_thread(SearchIndex.build, seeds)
        self.index_builds += 1
        self.index_source = "built"
        return index

    async def _store_index(self, storage: SeedStore, seeds: SeedSet, index: SearchIndex) -> None:
        """Store the index built for `seeds`, so the next start on them loads it."""
        blobs = await asyncio.to_thread(index.dump)
        await storage.save_index_blobs(seeds.fingerprint, SearchIndex.VERSION, blobs)

    async def close(self) -> None:
        """Close the database (safe to call twice)."""
        if self._repos is not None:
            repos, self._repos = self._repos, None
            await repos.close()

    # -- per-chat language ------------------------------------------------------------------

    async def chat_language(self, chat_id: int | None, user_language_code: str | None) -> Lang:
        """The chat's /lang choice if any, else the user's Telegram language (kk/ru), else en."""
        if chat_id is not None:
            language = await self.chats.language(chat_id)
            if language in LANGS:
                return cast(Lang, language)
        return language_from_code(user_language_code)

    async def set_chat_language(self, chat_id: int, chat_type: str, lang: Lang) -> None:
        """Remember `lang` as the chat's language (creating the chat's row if needed)."""
        if lang not in LANGS:
            raise ValueError(f"unknown language {lang!r}")
        await self.chats.set_language(chat_id, chat_type, lang)
