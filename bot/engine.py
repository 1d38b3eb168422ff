"""The bot's engine: the repositories, the seeds in memory, the search index, per-chat language.

Handlers reach it as `context.engine` (see bot/context.py): `engine.chats`, `.subscriptions`,
`.deliveries`, `.stats` and `.seedstore` are the storage repositories (bot/storage/__init__.py),
`engine.seeds` and `engine.index` what they answer from. It is opened in the application's
`post_init` and closed in `post_shutdown`; nothing connects at import time.

On PostgreSQL (`BOT_DATABASE_URL`) several instances share the data: a start syncs the seeds
folder only when the stored seeds differ (one instance at a time, bot.storage.postgres.seeds),
and each instance follows the others' writes (a `/reload` elsewhere, `python -m bot load`):
it hears the data version's notifications and also compares the version on every tick
(`check_data_version`); a newer version re-reads the seeds and the stored index from the
database and swaps them in at once (`refresh`), as `apply_changes` does.

Long because: the engine's whole life is here -- open (with the index rebuilt while the folder
is read, `Rebuild`), apply changes with the folder watch, follow other instances, close -- and
each step swaps the seeds and the index together, which splitting would scatter.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import gc
import logging
import time
from collections.abc import Iterable
from contextlib import AbstractAsyncContextManager
from itertools import islice
from typing import Any, Literal, cast

from bot.i18n import language_from_code
from bot.records.loading import OFFLOAD_MIN_BYTES, Offload, SeedError, paused_gc
from bot.records.models import LANGS, Lang
from bot.records.seedset import SeedSet
from bot.records.watch import FolderWatch, watched_sync
from bot.search.index import IndexBuilder, IndexPart, SearchIndex, index_part
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


REBUILD_BATCH = 5000  # events decoded from storage per step of an index rebuild


def release_freed_memory() -> None:
    """Hand the pages of what was freed (a replaced index and seed set) back to the system.

    glibc keeps freed memory for reuse and, once a large array was freed, serves the next
    ones from its heap: without this each reload leaves the resident size higher by about
    an index. A no-op where the C library has no `malloc_trim` (musl, macOS).
    """
    try:
        libc = ctypes.CDLL(None)  # the symbols the process runs with, its C library's among them
    except (OSError, TypeError):  # Windows has no such handle
        return
    trim = getattr(libc, "malloc_trim", None)
    if trim is not None:
        trim(0)


class Rebuild:
    """A search index built from events as they are read (`bot.search.index.IndexBuilder`),
    with progress on the console: a line every few seconds once it takes over two."""

    EVERY_S = 2.0

    def __init__(self, offload_min_bytes: int | None = OFFLOAD_MIN_BYTES) -> None:
        self._offload_min_bytes = offload_min_bytes  # None: read in one process
        self._builder = IndexBuilder()
        self._started = time.monotonic()
        self._shown = self._started
        self._events = 0

    def __call__(self, seeds: Any, events: Iterable[Any]) -> None:
        """Take in a batch of events (one seed file's, or those decoded from storage)."""
        before = self._builder.size
        self._builder.add(seeds, events)
        self._taken(self._builder.size - before)

    @property
    def offload(self) -> Offload | None:
        """The index's share of a large folder's read done in its second process: each events
        file's part, taken in in file order."""
        if self._offload_min_bytes is None:
            return None
        return Offload(index_part, self._take, self._offload_min_bytes)

    def _take(self, seeds: Any, part: IndexPart) -> None:
        before = self._builder.size
        self._builder.add_part(part)
        self._taken(self._builder.size - before)

    def _taken(self, events: int) -> None:
        self._events += events
        now = time.monotonic()
        if now - self._started > self.EVERY_S and now - self._shown > self.EVERY_S:
            self._shown = now
            log.warning("rebuilding: %s events read, %.0f s", f"{self._events:,}",
                        now - self._started)  # fmt: skip

    def index(self, seeds: Any) -> SearchIndex:
        index = self._builder.index(seeds)
        elapsed = time.monotonic() - self._started
        if elapsed > self.EVERY_S:
            log.warning("rebuilt: %s events indexed in %.1f s", f"{self._events:,}", elapsed)
        return index


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
        # The shared data version this engine's seeds and index are of (PostgreSQL), and the
        # refresh running to catch up with a newer one.
        self.data_version = 0
        self._refreshing: asyncio.Task[bool] | None = None
        # The seed files written since this engine last synced its folder (inotify), and the
        # fingerprint that sync stored: a /reload then stats those files, not all of them.
        self._watch: FolderWatch | None = None
        self._synced: str | None = None

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
        none). When the whole folder is read, the index is built from its events as they are
        read (`Rebuild`). When the seeds folder has problems but the database holds seeds from
        an earlier start, the bot starts on those (and logs the problems); with nothing to fall
        back on, the `SeedError` propagates.
        """
        repos = await open_repositories(self.settings)
        storage = repos.seedstore
        try:
            # No collector passes until gc.freeze() below: what a start builds is all kept (a
            # full rebuild at 100,000 events spent about 1 s in them, scanning the read's objects;
            # 9 garbage objects were left). A reload keeps the collector on: commands answered
            # meanwhile leave garbage cycles, which a freeze would keep for good.
            with paused_gc():
                if repos.changes is not None:  # before reading: a write meanwhile is caught up
                    self.data_version = await repos.changes.version()
                rebuild = Rebuild()
                self._watch = self._watch or FolderWatch.start(self.settings.seeds_dir)
                try:
                    async with self._watched() as written:
                        update = await storage.update_seeds(
                            self.settings.seeds_dir, on_events=rebuild, written=written
                        )
                    self._synced = update.seeds.fingerprint
                except SeedError as exc:
                    if await storage.stored_fingerprint() is None:
                        raise
                    log.error("seeds have problems, starting on the last good copy:\n%s", exc)
                    update = SeedUpdate(await storage.read_seedset(), None)
                seeds, result = update.seeds, update.result
                index: SearchIndex | None
                if update.full:
                    index = await self._built(rebuild, seeds)
                    await self._store_index(storage, seeds, index)
                else:
                    index = await self._stored_index(storage, seeds)
                    if index is None:
                        index = await self._build_index(seeds)
                        await self._store_index(storage, seeds, index)
                del update, rebuild
        except BaseException:
            await repos.close()
            raise
        self._repos, self.seeds, self.index = repos, seeds, index
        gc.freeze()  # what start-up built lives as long as the process: never scan it again
        await asyncio.to_thread(release_freed_memory)  # the blobs and rows read meanwhile
        await self.check_data_version()
        return result

    async def apply_changes(self) -> SyncResult:
        """Apply what changed in the seeds folder to the database and the search index, and
        swap the new seeds and index in together; commands keep being answered meanwhile
        (from the previous ones) and never see half an update.

        Only the changed files are read and only their events re-indexed (a full rebuild,
        streamed, when a gazetteer, an article or the schema changed). This is what `/reload`
        does, and what an approved ingest draft calls once its files are written. On problems
        it raises `SeedError` and keeps the running data.
        """
        async with self._reload_lock:
            await asyncio.to_thread(release_freed_memory)  # the peak starts from what is live
            rebuild = Rebuild()
            async with self._watched() as written:
                update = await self.seedstore.update_seeds(
                    self.settings.seeds_dir, current=self.seeds, on_events=rebuild, written=written
                )
            self._synced = update.seeds.fingerprint
            if update.result is None:
                return SyncResult(unchanged=len(self.seeds.events))
            result, seeds = update.result, update.seeds
            if update.full:
                index = await self._built(rebuild, seeds)
                await self._store_index(self.seedstore, seeds, index)
            elif self.index is None:
                index = await self._build_index(seeds)
                await self._store_index(self.seedstore, seeds, index)
            else:
                index = await asyncio.to_thread(
                    self.index.updated, seeds, update.upserted, update.removed, False
                )
                self.index_source = "updated"
                delta = await self.seedstore.index_delta(SearchIndex.VERSION)
                if len(delta) > _compact_at(len(seeds.events)):
                    await self._store_index(self.seedstore, seeds, index)
            del update, rebuild
            self.seeds, self.index = seeds, index  # swapped together, after everything worked
            gc.freeze()
            await asyncio.to_thread(release_freed_memory)
            return result

    def _watched(self) -> AbstractAsyncContextManager[frozenset[str] | None]:
        """`watched_sync` for a sync of our folder: trusted when we hold what we last synced."""
        return watched_sync(self._watch, trusted=self.seeds.fingerprint == self._synced)

    async def reload(self) -> SyncResult:
        """`/reload`: `apply_changes()`."""
        return await self.apply_changes()

    # -- following the other instances (PostgreSQL) -----------------------------------------

    async def check_data_version(self) -> None:
        """Listen for the shared data version (again, if the listener's connection was lost)
        and catch up when it moved past ours: at start and on every tick, since a notification
        sent while we were not listening is gone. A no-op on SQLite."""
        changes = self.repositories.changes
        if changes is None:
            return
        try:
            await changes.listen(self._notified)
            version = await changes.version()
        except Exception as exc:  # the database is away (the driver's errors vary): next tick
            log.warning("cannot check the data version: %s", type(exc).__name__)
            return
        self._notified(version)

    def _notified(self, version: int) -> None:
        """Start a refresh when `version` is newer than ours (one at a time: the one running
        reads whatever is stored by then, the next tick catches up with the rest)."""
        if version > self.data_version and (self._refreshing is None or self._refreshing.done()):
            self._refreshing = asyncio.get_running_loop().create_task(self._refresh_logged())

    async def _refresh_logged(self) -> bool:
        try:
            return await self.refresh()
        except Exception:  # the running data stays; the next tick tries again
            log.exception("refreshing the data from the database failed")
            return False

    async def refresh(self) -> bool:
        """Re-read the seeds and the search index another instance stored, and swap them in
        together; True when they changed. Commands are answered from the previous ones until
        then. Nothing is read when the stored seeds are the ones we have (our own write, or an
        index stored for them)."""
        changes = self.repositories.changes
        if changes is None:
            return False
        async with self._reload_lock:
            version = await changes.version()
            if version <= self.data_version:
                return False
            storage = self.seedstore
            same = await storage.stored_fingerprint() == self.seeds.fingerprint
            if same and self.index is not None:
                self.data_version = version
                return False
            seeds = await storage.read_seedset()
            index = await self._stored_index(storage, seeds)
            if index is None:  # the writer stores it soon; until then, ours
                index = await self._build_index(seeds)
            self.seeds, self.index, self.data_version = seeds, index, version
            gc.freeze()
            log.info("data version %d: %d events from the database", version, len(seeds.events))
            return True

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
        """Build the search index of `seeds` (in a thread), decoding one event at a time."""
        rebuild = Rebuild()

        def read() -> None:  # a batch at a time, so progress shows
            events = iter(seeds.events.values())
            while batch := list(islice(events, REBUILD_BATCH)):
                rebuild(seeds, batch)

        await asyncio.to_thread(read)
        return await self._built(rebuild, seeds)

    async def _built(self, rebuild: Rebuild, seeds: SeedSet) -> SearchIndex:
        """The index `rebuild` gathered, with the gazetteers of `seeds`."""
        # The folder's records and texts read meanwhile are gone: their pages go back before
        # the index's arrays are allocated (else those come on top of them at the peak).
        await asyncio.to_thread(release_freed_memory)
        index = await asyncio.to_thread(rebuild.index, seeds)
        self.index_builds += 1
        self.index_source = "built"
        return index

    async def _store_index(self, storage: SeedStore, seeds: SeedSet, index: SearchIndex) -> None:
        """Store the index built for `seeds`, so the next start on them loads it."""
        blobs = await asyncio.to_thread(index.dump)
        await storage.save_index_blobs(seeds.fingerprint, SearchIndex.VERSION, blobs)

    async def close(self) -> None:
        """Close the database and the folder watch (safe to call twice)."""
        if self._watch is not None:
            self._watch.close()
            self._watch = None
        if self._refreshing is not None:
            self._refreshing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._refreshing
            self._refreshing = None
        if self._repos is not None:
            repos, self._repos = self._repos, None
            if repos.changes is not None:
                await repos.changes.close()
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
