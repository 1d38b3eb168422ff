"""The bot's engine: the database, the seeds in memory, the search index and per-chat language.

Handlers reach it as `context.engine` (see bot/context.py). It is opened in the application's
`post_init` and closed in `post_shutdown`; nothing connects at import time.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from typing import Literal

from bot.i18n import language_from_code
from bot.records.loading import SeedError, load_seeds
from bot.records.models import LANGS, Lang
from bot.records.seedset import SeedSet
from bot.search.index import SearchIndex
from bot.settings import Settings
from bot.storage.seedsync import Storage, SyncResult, to_timestamp, utc_now

log = logging.getLogger(__name__)


class EngineClosed(RuntimeError):
    """The engine was used before `open()` or after `close()`."""


class Engine:
    """Storage + seeds + search index, opened once per process and shared by every handler."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._storage: Storage | None = None
        self.seeds: SeedSet = SeedSet()
        self.index: SearchIndex | None = None
        # Where the current index came from, and how many times this engine built one: a
        # start on unchanged seeds loads the stored index instead of building it.
        self.index_source: Literal["built", "loaded"] | None = None
        self.index_builds = 0
        self._reload_lock = asyncio.Lock()

    @property
    def storage(self) -> Storage:
        """The open database (raises EngineClosed when not open)."""
        if self._storage is None:
            raise EngineClosed("the engine is not open")
        return self._storage

    @property
    def is_open(self) -> bool:
        return self._storage is not None

    async def open(self) -> SyncResult | None:
        """Open the database, bring it up to date with the seeds, build the search index.

        When the seeds folder has problems but the database holds seeds from an earlier start,
        the bot starts on those (and logs the problems); with nothing to fall back on, the
        `SeedError` propagates.
        """
        storage = await Storage.open(self.settings.db_path)
        try:
            try:
                seeds, result = await storage.ensure_seeds(self.settings.seeds_dir)
            except SeedError as exc:
                if await storage.stored_fingerprint() is None:
                    raise
                log.error("seeds have problems, starting on the last good copy:\n%s", exc)
                seeds, result = await storage.read_seedset(), None
            index = await self._stored_index(storage, seeds)
            if index is None:
                index = await self._build_index(seeds)
                await self._store_index(storage, seeds, index)
            if result is not None:  # loaded from YAML: keep the lazy copy, not every model
                seeds = await storage.read_seedset()
        except BaseException:
            await storage.close()
            raise
        self._storage, self.seeds, self.index = storage, seeds, index
        gc.freeze()  # what start-up built lives as long as the process: never scan it again
        return result

    async def reload(self) -> SyncResult:
        """Load the seeds folder again; on problems raise SeedError and keep the running data."""
        async with self._reload_lock:
            seeds = await asyncio.to_thread(load_seeds, self.settings.seeds_dir)
            index = await self._build_index(seeds)
            result = await self.storage.sync_seeds(seeds)
            await self._store_index(self.storage, seeds, index)
            seeds = await self.storage.read_seedset()  # lazy: the parsed models can go
            self.seeds, self.index = seeds, index  # swapped together, after everything worked
            gc.freeze()
            return result

    async def _stored_index(self, storage: Storage, seeds: SeedSet) -> SearchIndex | None:
        """The search index stored for these seeds, or None when there is none (or it is stale)."""
        blobs = await storage.load_index_blobs(seeds.fingerprint, SearchIndex.VERSION)
        if blobs is None:
            return None
        index = await asyncio.to_thread(SearchIndex.load, blobs, seeds)
        if index is not None:
            self.index_source = "loaded"
        return index

    async def _build_index(self, seeds: SeedSet) -> SearchIndex:
        """Build the search index of `seeds` (in a thread)."""
        index = await asyncio.to_thread(SearchIndex.build, seeds)
        self.index_builds += 1
        self.index_source = "built"
        return index

    async def _store_index(self, storage: Storage, seeds: SeedSet, index: SearchIndex) -> None:
        """Store the index built for `seeds`, so the next start on them loads it."""
        blobs = await asyncio.to_thread(index.dump)
        await storage.save_index_blobs(seeds.fingerprint, SearchIndex.VERSION, blobs)

    async def close(self) -> None:
        """Close the database (safe to call twice)."""
        if self._storage is not None:
            storage, self._storage = self._storage, None
            await storage.close()

    # -- per-chat language ------------------------------------------------------------------

    async def chat_language(self, chat_id: int | None, user_language_code: str | None) -> Lang:
        """The chat's /lang choice if any, else the user's Telegram language (kk/ru), else en."""
        if chat_id is not None:
            async with self.storage.db.execute(
                "SELECT language FROM chats WHERE chat_id = ?", (chat_id,)
            ) as cursor:
                row = await cursor.fetchone()
            if row and row[0] in LANGS:
                return row[0]
        return language_from_code(user_language_code)

    async def set_chat_language(self, chat_id: int, chat_type: str, lang: Lang) -> None:
        """Remember `lang` as the chat's language (creating the chat's row if needed)."""
        if lang not in LANGS:
            raise ValueError(f"unknown language {lang!r}")
        db = self.storage.db
        await db.execute(
            "INSERT INTO chats (chat_id, type, language, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (chat_id) DO UPDATE SET language = excluded.language,"
            " updated_at = excluded.updated_at",
            (chat_id, chat_type, lang, to_timestamp(utc_now())),
        )
        await db.commit()
