"""The seeds and the stored search index on PostgreSQL, shared by every instance.

What differs from the SQLite seed store (bot.storage.sqlite.seeds, whose diffing and packing it
reuses): the database is shared, so
- a sync runs under an advisory lock and re-checks, inside it, what is stored: N instances
  starting together on the same seeds load them once (the others find them stored and read
  them); `python -m bot load` loads them ahead of any start;
- every seeds or index write bumps the data version in its transaction
  (bot.storage.postgres.dataversion), so the other instances re-read them;
- the stored index keeps one set per format version, the two newest versions, each with its own
  delta (`search_index_delta` by version), so two code versions in a rolling deploy each find
  theirs instead of deleting the other's.
`seed_files` keeps each file's stat signature, hash, event ids and record digests as on SQLite:
a start hashes only the files whose stat differs from the stored one, and when only events
files changed, only those files are read (only their changed records validated) and only their
events' rows written, as on SQLite; the search index applies them (`SeedUpdate.upserted` /
`removed`) instead of being rebuilt. Any other change reads the folder whole and writes the
rows that differ.

Long because: the whole-folder sync, the sync of changed events files and the stored search
index share one locked transaction and the same tables, as on SQLite. To split next, with
SQLite's: the stored search index (blobs and delta per version) into postgres/index.py.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Collection, Iterable, Mapping
from pathlib import Path
from typing import Any

import asyncpg

from bot.records.lazy import EncodedTexts
from bot.records.loading import (
    FolderScan,
    load_seeds,
    scan_folder,
    seeds_format,
)
from bot.records.models import Event
from bot.records.seedset import SeedSet
from bot.storage.base import SeedUpdate, SyncResult, to_timestamp, utc_now
from bot.storage.gazetteer_rows import COUNTS, GazetteerChanges, compare_gazetteers
from bot.storage.postgres import dataversion
from bot.storage.postgres.database import PgDatabase
from bot.storage.sqlite.seeds import (
    _EVENT_COLUMNS,
    FINGERPRINT_KEY,
    FORMAT_KEY,
    SYNCED_AT_KEY,
    ZDICT_KEY,
    _EventDiff,
    _events_after,
    _is_events_file,
    _parse_rows,
    _read_changed_files,
    _stored_files,
    _touched,
)

_UPSERT_META = (
    "INSERT INTO meta (key, value) VALUES ($1, $2)"
    " ON CONFLICT (key) DO UPDATE SET value = excluded.value"
)
KEEP_INDEX_VERSIONS = 2


class PgSeedStore:
    """Seeds and search-index blobs in one PostgreSQL database (see the module notes)."""

    def __init__(self, db: PgDatabase) -> None:
        self.db = db

    async def _meta(self, key: str, connection: asyncpg.Connection | None = None) -> str | None:
        return await (connection or self.db.pool).fetchval(
            "SELECT value FROM meta WHERE key = $1", key
        )

    async def stored_fingerprint(self) -> str | None:
        """The fingerprint of the seeds last synced, or None before the first sync."""
        return await self._meta(FINGERPRINT_KEY)

    async def data_version(self) -> int:
        """The version every seeds or index write bumps."""
        return await dataversion.current(self.db)

    async def ensure_seeds(self, folder: Path) -> tuple[SeedSet, SyncResult | None]:
        """The seeds of `folder`, syncing them first when the stored ones differ."""
        update = await self.update_seeds(folder)
        return update.seeds, update.result

    async def update_seeds(
        self,
        folder: Path,
        current: SeedSet | None = None,
        on_events: Callable[[SeedSet, list[Any]], None] | None = None,
        written: Collection[str] | None = None,
    ) -> SeedUpdate:
        """Bring the stored seeds up to date with `folder` (see the module notes); one instance
        at a time. `current` is the seed set the stored ones were last read into (the running
        bot's); when the folder is read, its events go to `on_events` (the engine builds the
        search index from them). A folder with problems raises `SeedError` and leaves the
        database as it was. `written`: the only files that may differ from what the last sync
        of `current` stored (a `FolderWatch`'s); the others are not stat'ed."""
        async with self.db.pool.acquire() as connection, connection.transaction():
            await self._lock(connection)
            known = {
                row[0]: (row[1], row[2])
                for row in await connection.fetch("SELECT path, signature, sha256 FROM seed_files")
            }
            same_format = await self._meta(FORMAT_KEY, connection) == seeds_format()
            stored = await self._meta(FINGERPRINT_KEY, connection)
            incremental = same_format and stored is not None
            hashes = None  # a folder read whole is hashed as it is read, not scanned before
            if incremental:
                if current is None or current.fingerprint != stored:
                    written = None  # the stored files are not those `written` counts from
                scan = await asyncio.to_thread(scan_folder, folder, known, written)
                if stored == scan.fingerprint or _only_events(scan):
                    # What the stored seeds were read into: ours, unless another instance wrote.
                    seeds = current if current and current.fingerprint == stored else None
                    seeds = seeds or await self._read(connection)
                    if stored != scan.fingerprint:
                        return await self._sync_event_files(connection, folder, seeds, scan)
                    await connection.executemany(
                        "UPDATE seed_files SET signature = $1 WHERE path = $2", scan.restated
                    )  # touched, not changed: the next scan need not hash them again
                    return SeedUpdate(seeds, None)
                hashes = scan.hashes
            seedset = await asyncio.to_thread(load_seeds, folder, hashes)
            result, changed_ids = await self._sync(connection, seedset, to_timestamp(utc_now()))
            only_events = incremental and not any(
                counts[name] for kind, counts in result.by_kind.items() if kind != "event"
                for name in ("added", "changed", "removed")
            )  # fmt: skip
            if only_events:
                # Only events changed: the search index applies them (no rebuild), on the
                # seeds read back packed (the parsed models of the whole folder can go).
                events = seedset.events
                upserted = tuple(events[i] for i in changed_ids if i in events)
                removed = tuple(event_id for event_id in changed_ids if event_id not in events)
                del seedset, events
                return SeedUpdate(await self._read(connection), result, upserted, removed)
        if on_events is not None:  # the engine builds the index from them
            await asyncio.to_thread(on_events, seedset, list(seedset.events.values()))
        return SeedUpdate(seedset, result, full=True)

    async def _sync_event_files(
        self, connection: asyncpg.Connection, folder: Path, seeds: SeedSet, scan: FolderScan
    ) -> SeedUpdate:
        """Inside the caller's locked transaction: sync the events of the changed events files
        only (the rest of the folder is as stored); in those files, only the records whose
        source changed are read. `seeds` are the stored seeds."""
        changed = scan.changed
        rows = await connection.fetch(
            "SELECT path, event_ids FROM seed_files WHERE event_ids IS NOT NULL"
        )
        parents = dict(
            await connection.fetch("SELECT id, part_of FROM events WHERE part_of IS NOT NULL")
        )
        before = _stored_files(
            await connection.fetch(
                "SELECT path, event_ids, record_digests FROM seed_files"
                " WHERE path = ANY($1::text[])",
                sorted(changed),
            )
        )
        read = await asyncio.to_thread(
            _read_changed_files, folder, changed, seeds, map(tuple, rows), parents, before
        )
        events = read.events
        stamp = to_timestamp(utc_now())
        stored = dict(
            await connection.fetch(
                "SELECT id, content_hash FROM events WHERE id = ANY($1::text[])",
                sorted(read.scope),
            )
        )
        zdict = await self._meta(ZDICT_KEY, connection)
        diff = _EventDiff(stored, None if zdict is None else bytes.fromhex(zdict))
        await asyncio.to_thread(diff.add, events)
        counts, removed = await _write_events(connection, diff, stamp)
        counts["unchanged"] += len(read.reused)
        hashes = scan.hashes
        await connection.execute(
            "DELETE FROM seed_files WHERE path = ANY($1::text[])",
            [path for path in changed if path not in hashes],
        )
        await connection.executemany(
            "UPDATE seed_files SET signature = $1 WHERE path = $2", scan.restated
        )
        await _write_seed_files(connection, *read.seed_files(hashes))
        await connection.executemany(
            _UPSERT_META, [(FINGERPRINT_KEY, scan.fingerprint), (SYNCED_AT_KEY, stamp)]
        )
        await _add_to_index_delta(connection, [*diff.packed, *removed])
        await dataversion.bump(connection, self.db)
        result = SyncResult(**{name: counts[name] for name in COUNTS}, by_kind={"event": counts})
        new_events = await asyncio.to_thread(
            _events_after, seeds.events, events, diff.packed, removed
        )
        upserted = tuple(event for event in events if event.id in diff.packed)
        new_seeds = dataclasses.replace(seeds, events=new_events, fingerprint=scan.fingerprint)
        return SeedUpdate(new_seeds, result, upserted, tuple(removed))

    async def sync_seeds(self, seedset: SeedSet, *, now: dt.datetime | None = None) -> SyncResult:
        """Make the stored seeds equal to `seedset` in one transaction and bump the data
        version when anything changed; idempotent."""
        async with self.db.pool.acquire() as connection, connection.transaction():
            await self._lock(connection)
            result, _ = await self._sync(connection, seedset, to_timestamp(now or utc_now()))
            return result

    async def _lock(self, connection: asyncpg.Connection) -> None:
        await connection.execute("SELECT pg_advisory_xact_lock(hashtext($1))", self.db.key("seeds"))

    async def _sync(
        self, connection: asyncpg.Connection, seedset: SeedSet, stamp: str
    ) -> tuple[SyncResult, list[str]]:
        """Inside the caller's locked transaction: write what differs from `seedset`; the
        result, and the ids of the events written or removed."""
        previous = await self._meta(FINGERPRINT_KEY, connection)
        events, changed_ids = await self._sync_events(connection, seedset.events.values(), stamp)
        rows = await connection.fetch("SELECT kind, id, data FROM gazetteer")
        texts = await connection.fetch("SELECT id, convert_to(text, 'UTF8') FROM article_texts")
        changes = await asyncio.to_thread(
            compare_gazetteers, seedset, [tuple(row) for row in rows], dict(texts)
        )
        del rows, texts
        await _write_gazetteers(connection, changes)
        by_kind = {"event": events, **changes.counts}
        await connection.executemany(
            _UPSERT_META, [(FINGERPRINT_KEY, seedset.fingerprint), (SYNCED_AT_KEY, stamp)]
        )
        await connection.execute("DELETE FROM seed_files")
        await _write_seed_files(
            connection, seedset.files, seedset.event_files, seedset.record_digests
        )
        if seedset.files:
            await connection.execute(_UPSERT_META, FORMAT_KEY, seeds_format())
        else:
            await connection.execute("DELETE FROM meta WHERE key = $1", FORMAT_KEY)
        # A stored index stays valid with a delta when only events changed; the gazetteers
        # decide which events an entity reaches, so a change there drops every stored index.
        if any(_touched(by_kind[kind]) for kind in ("place", "organization")):
            await connection.execute("DELETE FROM search_index")
            await connection.execute("DELETE FROM search_index_delta")
        elif changed_ids:
            await _add_to_index_delta(connection, changed_ids)
        totals = {name: sum(counts[name] for counts in by_kind.values()) for name in COUNTS}
        result = SyncResult(**totals, by_kind=by_kind)
        if result.touched or previous != seedset.fingerprint:
            await dataversion.bump(connection, self.db)
        return result, changed_ids

    async def _sync_events(
        self, connection: asyncpg.Connection, events: Iterable[Event], stamp: str
    ) -> tuple[dict[str, int], list[str]]:
        """Write the events that differ from the stored ones: the counts, and the ids of the
        events written or removed."""
        stored = dict(await connection.fetch("SELECT id, content_hash FROM events"))
        known_zdict = await self._meta(ZDICT_KEY, connection)
        diff = _EventDiff(stored, None if known_zdict is None else bytes.fromhex(known_zdict))
        await asyncio.to_thread(diff.add, events)
        counts, removed = await _write_events(connection, diff, stamp)
        written = [event_id for event_id, _ in [*diff.added, *diff.changed]]
        return counts, written + removed

    async def read_seedset(self) -> SeedSet:
        """Rebuild the last synced `SeedSet` from the database alone (no YAML), in one snapshot
        (a sync by another instance meanwhile is seen whole or not at all)."""
        async with self.db.pool.acquire() as connection:
            async with connection.transaction(isolation="repeatable_read", readonly=True):
                return await self._read(connection)

    async def _read(self, connection: asyncpg.Connection) -> SeedSet:
        rows = await connection.fetch(
            "SELECT id, packed, date_value, end_date FROM events ORDER BY seq"
        )
        zdict = bytes.fromhex(await self._meta(ZDICT_KEY, connection) or "")
        gazetteer = await connection.fetch("SELECT kind, id, data FROM gazetteer ORDER BY seq")
        texts = await connection.fetch("SELECT id, convert_to(text, 'UTF8') FROM article_texts")
        fingerprint = await self._meta(FINGERPRINT_KEY, connection) or ""
        events = [tuple(row) for row in rows]
        tables = await asyncio.to_thread(_parse_rows, events, zdict, [tuple(g) for g in gazetteer])
        return SeedSet(**tables, article_texts=EncodedTexts(dict(texts)), fingerprint=fingerprint)

    # --- the stored search index ------------------------------------------------------------

    async def save_index_blobs(
        self, fingerprint: str, version: int, blobs: dict[str, bytes]
    ) -> None:
        """Store the search index of the stored seeds in format `version` (replacing that
        version's set and emptying its delta); keep the newest other version; bump the data
        version."""
        async with self.db.pool.acquire() as connection, connection.transaction():
            await connection.execute(
                "SELECT pg_advisory_xact_lock(hashtext($1))", self.db.key("index")
            )
            await connection.execute("DELETE FROM search_index WHERE version = $1", version)
            await connection.execute("DELETE FROM search_index_delta WHERE version = $1", version)
            await connection.executemany(
                "INSERT INTO search_index (fingerprint, version, name, data)"
                " VALUES ($1, $2, $3, $4)",
                [(fingerprint, version, name, data) for name, data in blobs.items()],
            )
            kept = """SELECT version FROM search_index GROUP BY version
                       ORDER BY max(stored_at) DESC LIMIT $1"""
            await connection.execute(
                f"DELETE FROM search_index WHERE version NOT IN ({kept})", KEEP_INDEX_VERSIONS
            )
            await connection.execute(
                f"DELETE FROM search_index_delta WHERE version NOT IN ({kept})",
                KEEP_INDEX_VERSIONS,
            )
            await dataversion.bump(connection, self.db)

    async def load_index_blobs(
        self, fingerprint: str | None, version: int
    ) -> dict[str, bytes] | None:
        """The stored search index in format `version`, if any; with a `fingerprint`, only the
        one stored for those seeds. Without one, it is the index of the stored events once
        `index_delta(version)` is applied to it."""
        if fingerprint is None:
            rows = await self.db.pool.fetch(
                "SELECT name, data FROM search_index WHERE version = $1", version
            )
        else:
            rows = await self.db.pool.fetch(
                "SELECT name, data FROM search_index WHERE fingerprint = $1 AND version = $2",
                fingerprint,
                version,
            )
        return {row[0]: row[1] for row in rows} if rows else None

    async def index_delta(self, version: int | None = None) -> list[str]:
        """Ids of the events changed since the stored index of format `version` (the newest
        stored one when None) was written."""
        rows = await self.db.pool.fetch(
            "SELECT event_id FROM search_index_delta WHERE version = COALESCE($1,"
            " (SELECT max(version) FROM search_index)) ORDER BY event_id",
            version,
        )
        return [row[0] for row in rows]

    async def changes_since(self, since: dt.datetime | str) -> list[tuple[str, str]]:
        """(stored updated_at, id) of the events added or edited after `since` (naive means
        UTC), oldest first; the stored timestamps sort as text."""
        rows = await self.db.pool.fetch(
            "SELECT updated_at, id FROM events WHERE updated_at > $1 ORDER BY updated_at, id",
            to_timestamp(since),
        )
        return [(row[0], row[1]) for row in rows]


def _only_events(scan: FolderScan) -> bool:
    return bool(scan.changed) and all(map(_is_events_file, scan.changed))


async def _write_events(
    connection: asyncpg.Connection, diff: _EventDiff, stamp: str
) -> tuple[dict[str, int], list[str]]:
    """Write the events `diff` found different and delete the stored ones it did not see;
    returns the counts and the removed ids."""
    if diff.new_zdict and diff.zdict:
        await connection.execute(_UPSERT_META, ZDICT_KEY, diff.zdict.hex())
    removed = [event_id for event_id in diff.stored if event_id not in diff.seen]
    await connection.execute("DELETE FROM events WHERE id = ANY($1::text[])", removed)
    names = [name.strip() for name in _EVENT_COLUMNS.split(",")]
    assignments = ", ".join(f"{name} = ${n}" for n, name in enumerate(names, start=1))
    count = len(names)
    await connection.executemany(
        f"UPDATE events SET {assignments}, updated_at = ${count + 1} WHERE id = ${count + 2}",
        [(*diff.row(row), stamp, event_id) for event_id, row in diff.changed],
    )
    marks = ", ".join(f"${n}" for n in range(1, count + 4))
    await connection.executemany(
        f"INSERT INTO events ({_EVENT_COLUMNS}, first_seen, updated_at, id) VALUES ({marks})",
        [(*diff.row(row), stamp, stamp, event_id) for event_id, row in diff.added],
    )
    return diff.counts(removed), removed


async def _add_to_index_delta(connection: asyncpg.Connection, event_ids: list[str]) -> None:
    """Note `event_ids` as changed since each stored index version was written."""
    await connection.execute(
        "INSERT INTO search_index_delta (version, event_id)"
        " SELECT DISTINCT s.version, e.id FROM search_index s, unnest($1::text[]) e(id)"
        " ON CONFLICT DO NOTHING",
        event_ids,
    )


async def _write_gazetteers(connection: asyncpg.Connection, changes: GazetteerChanges) -> None:
    """Write what `compare_gazetteers` found different."""
    for kind in {kind for kind, _ in changes.removed}:
        await connection.execute(
            "DELETE FROM gazetteer WHERE kind = $1 AND id = ANY($2::text[])",
            kind,
            [record_id for other, record_id in changes.removed if other == kind],
        )
    await connection.executemany(
        "INSERT INTO gazetteer (kind, id, data) VALUES ($1, $2, $3)"
        " ON CONFLICT (kind, id) DO UPDATE SET data = excluded.data",
        changes.writes,
    )
    await connection.execute(
        "DELETE FROM article_texts WHERE id = ANY($1::text[])", changes.texts_removed
    )
    await connection.executemany(
        "INSERT INTO article_texts (id, text) VALUES ($1, $2)"
        " ON CONFLICT (id) DO UPDATE SET text = excluded.text",
        changes.texts,
    )


async def _write_seed_files(
    connection: asyncpg.Connection,
    hashes: Mapping[str, tuple[str, str]],
    event_files: Mapping[str, tuple[Any, ...]],
    digests: Mapping[str, tuple[str, ...]],
) -> None:
    """Store the hash (and, for an events file, the event ids and their source digests) of
    each file of `hashes`."""

    def listed(values: Mapping[str, tuple[Any, ...]], path: str) -> str | None:
        return json.dumps(list(values[path])) if path in values else None

    await connection.executemany(
        "INSERT INTO seed_files (path, signature, sha256, event_ids, record_digests)"
        " VALUES ($1, $2, $3, $4, $5)"
        " ON CONFLICT (path) DO UPDATE SET signature = excluded.signature,"
        " sha256 = excluded.sha256, event_ids = excluded.event_ids,"
        " record_digests = excluded.record_digests",
        [
            (path, signature, sha, listed(event_files, path), listed(digests, path))
            for path, (signature, sha) in hashes.items()
        ],
    )
