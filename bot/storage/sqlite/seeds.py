"""The SQLite copy of the seeds folder, kept in step with it, and the stored search index.

Seeds are stored as the JSON of their validated models, so `read_seedset()` rebuilds a `SeedSet`
without reading YAML, and `ensure_seeds(folder)` only parses the folder when its fingerprint
differs from the one stored with the last sync.

Each seed file's hash is stored too (`seed_files`): `update_seeds(folder)` hashes only the files
whose size, time or inode changed, and when only events files changed it reads and validates
just those (`bot.records.loading.load_event_files`) and writes just the rows of the events they
added, changed or dropped — one changed record costs one file, not the folder. The ids it
touched go into `search_index_delta` in the same transaction, so the stored search index plus
its delta always describe the stored events: a start loads the index and applies the delta,
and the next full store of the index empties it. Any other change (a gazetteer, an article,
the schema) reads the whole folder as before.

Events are also stored packed (`bot.records.lazy`): `read_seedset()` reads only ids, dates and
packed bytes, and decodes an event when something asks for it. The search index can be stored
too (`save_index_blobs` / `load_index_blobs`), so a start on unchanged seeds does not rebuild it.

Long because: the incremental sync (per-file hashes, the events of changed files only, the index
delta) and reading the seeds back lazily share the same tables and packing. To split next: the
stored search index (blobs and delta) into sqlite/index.py.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import functools
import hashlib
import json
import tempfile
from collections.abc import Callable, Collection, Container, Iterable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from bot.records.lazy import (
    ZDICT_SAMPLES,
    DateSpan,
    EncodedTexts,
    JsonRecords,
    PackedEvents,
    make_zdict,
    pack,
    unpack,
)
from bot.records.loading import (
    OFFLOAD_MIN_BYTES,
    EventFile,
    EventSink,
    FileHashes,
    FolderScan,
    Offload,
    StoredFile,
    load_event_files,
    paused_gc,
    scan_folder,
    seeds_format,
    stream_seeds,
)
from bot.records.models import (
    EVENTS_DIR,
    Event,
)
from bot.records.offload import SecondReader
from bot.records.seedset import SeedSet
from bot.storage.base import SeedUpdate, SyncResult, to_timestamp, utc_now
from bot.storage.gazetteer_rows import (
    COUNTS,
    GAZETTEER_KINDS,
    GazetteerChanges,
    compare_gazetteers,
)
from bot.storage.sqlite.database import Database, Transaction

FINGERPRINT_KEY = "seeds_fingerprint"
SYNCED_AT_KEY = "seeds_synced_at"
STAT_KEY = "seeds_stat_signature"  # no longer written (seed_files holds each file's stat)
FORMAT_KEY = "seeds_format"  # bot.records.loading.seeds_format() of the last sync
LAZY_KINDS = ("article",)  # gazetteer kinds read back lazily (JsonRecords)
ZDICT_KEY = "events_zdict"  # hex of the dictionary events are packed against; never changes
_UPSERT_META = (
    "INSERT INTO meta (key, value) VALUES (?, ?)"
    " ON CONFLICT (key) DO UPDATE SET value = excluded.value"
)


def _event_row(event: Event, data: str | None, packed: bytes, digest: str) -> tuple[Any, ...]:
    """The values of an events row, in the order of `_EVENT_COLUMNS` (`data` None: filled
    from `packed` when written)."""
    place = event.place
    start = event.date.start
    return (
        event.kind,
        event.date.value,
        event.date.precision,
        start.isoformat() if start else None,
        event.end_date.isoformat() if event.end_date else None,
        place.city if place else None,
        place.country if place else None,
        event.part_of,
        data,
        packed,
        digest,
    )


_EVENT_COLUMNS = (
    "kind, date_value, date_precision, sort_date, end_date, city, country, part_of, data,"
    " packed, content_hash"
)


class SqliteSeedStore:
    """The seeds and the search index in the bot's SQLite database."""

    def __init__(self, database: Database) -> None:
        self.database = database
        # The file hashes this store last wrote, with the fingerprint they make: a /reload
        # uses them instead of reading every file's row again while the fingerprint holds.
        self._files: tuple[str, FileHashes] | None = None

    # --- seeds ---------------------------------------------------------------------------

    async def stored_fingerprint(self) -> str | None:
        """The fingerprint of the seeds last synced, or None before the first sync."""
        return await self._meta(FINGERPRINT_KEY)

    async def _set_meta(self, key: str, value: str) -> None:
        await self.database.execute_write(_UPSERT_META, (key, value))

    async def _meta(self, key: str) -> str | None:
        value = await self.database.fetchval("SELECT value FROM meta WHERE key = ?", (key,))
        return str(value) if value is not None else None

    async def ensure_seeds(self, folder: Path) -> tuple[SeedSet, SyncResult | None]:
        """The seeds of `folder`, syncing them first when they changed since the last sync.

        Returns the seed set and the sync result, or None when the database was up to date.
        A folder with problems raises `SeedError` and leaves the database as it was.
        """
        update = await self.update_seeds(folder)
        return update.seeds, update.result

    async def update_seeds(
        self,
        folder: Path,
        current: SeedSet | None = None,
        on_events: EventSink | None = None,
        written: Collection[str] | None = None,
    ) -> SeedUpdate:
        """Bring the stored seeds up to date with `folder`, reading only what changed.

        `current` is the seed set the stored seeds were last read into (the running bot's),
        else they are read from the database. When the whole folder is read (`full`), each
        events file's events go to `on_events` as they are read, with the gazetteers. A folder
        with problems raises `SeedError` and leaves the database as it was. `written`: the
        only files that may differ from what the last sync of `current` stored (a
        `FolderWatch`'s); the others are not stat'ed.
        """
        known = await self._known_files()
        incremental = bool(known) and await self._meta(FORMAT_KEY) == seeds_format()
        if not incremental:  # every file is read: each is hashed as it is read, not before
            return await self._sync_folder(folder, None, on_events)
        if current is None or current.fingerprint != await self.stored_fingerprint():
            written = None  # the stored files are not those `written` is counted from
        scanning = asyncio.ensure_future(asyncio.to_thread(scan_folder, folder, known, written))
        try:
            seeds = current or await self.read_seedset()
        finally:
            scan = await scanning
        if not scan.changed:
            if scan.restated:  # touched, not changed: keep the new stat, skip the hash next time
                async with self.database.transaction() as tx:
                    await tx.executemany("UPDATE seed_files SET signature = ? WHERE path = ?",
                                         scan.restated)  # fmt: skip
                self._files = (scan.fingerprint, scan.hashes)
            return SeedUpdate(seeds, None)
        if all(map(_is_events_file, scan.changed)):
            return await self._sync_event_files(folder, seeds, scan)
        return await self._sync_folder(folder, scan.hashes, on_events)

    async def _known_files(self) -> FileHashes:
        """Each seed file's (stat signature, sha256) at the last sync."""
        fingerprint = await self.stored_fingerprint()
        if self._files is not None and fingerprint is not None and self._files[0] == fingerprint:
            return self._files[1]
        return await self._seed_files()

    async def _seed_files(self) -> FileHashes:
        """Each seed file's (stat signature, sha256) at the last sync."""
        rows = await self.database.fetchall("SELECT path, signature, sha256 FROM seed_files")
        return {path: (signature, sha) for path, signature, sha in rows}

    async def _sync_event_files(self, folder: Path, seeds: SeedSet, scan: FolderScan) -> SeedUpdate:
        """Sync the events of the changed events files only (the rest of the folder is as
        stored); in those files, only the records whose source changed are read."""
        changed = scan.changed
        rows = await self.database.fetchall(
            "SELECT path, event_ids FROM seed_files WHERE event_ids IS NOT NULL"
        )
        parents = dict(
            await self.database.fetchall("SELECT id, part_of FROM events WHERE part_of IS NOT NULL")
        )
        before = await self._stored_records(changed)
        read = await asyncio.to_thread(
            _read_changed_files, folder, changed, seeds, rows, parents, before
        )
        events, reused = read.events, read.reused
        stamp = to_timestamp(utc_now())
        hashes, fingerprint = scan.hashes, scan.fingerprint
        diff = await self._event_diff(read.scope)
        await asyncio.to_thread(diff.add, events)
        packed = diff.packed
        async with self.database.transaction(immediate=True) as tx:
            counts, removed = await self._write_events(tx, diff, stamp)
            counts["unchanged"] += len(reused)
            await tx.executemany("DELETE FROM seed_files WHERE path = ?",
                                 [(path,) for path in changed if path not in hashes])  # fmt: skip
            await tx.executemany("UPDATE seed_files SET signature = ? WHERE path = ?",
                                 scan.restated)  # fmt: skip
            await _write_seed_files(tx, *read.seed_files(hashes))
            await tx.executemany(
                _UPSERT_META, [(FINGERPRINT_KEY, fingerprint), (SYNCED_AT_KEY, stamp)]
            )
            await tx.executemany(
                "INSERT INTO search_index_delta (event_id) VALUES (?) ON CONFLICT DO NOTHING",
                [(event_id,) for event_id in [*packed, *removed]],
            )
        self._files = (fingerprint, hashes)
        by_kind = {"event": counts}
        result = SyncResult(**{name: counts[name] for name in COUNTS}, by_kind=by_kind)
        new_events = await asyncio.to_thread(_events_after, seeds.events, events, packed, removed)
        upserted = tuple(e for e in events if e.id in packed)
        new_seeds = dataclasses.replace(seeds, events=new_events, fingerprint=fingerprint)
        return SeedUpdate(new_seeds, result, upserted, tuple(removed))

    async def _stored_records(self, paths: Iterable[str]) -> dict[str, StoredFile]:
        """What each of `paths` defined at the last sync: its event ids and their digests."""
        rows = await self.database.fetchall(
            "SELECT path, event_ids, record_digests FROM seed_files"
            " WHERE path IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted(paths)),),
        )
        return _stored_files(rows)

    async def sync_seeds(self, seedset: SeedSet, *, now: dt.datetime | None = None) -> SyncResult:
        """Make the stored seeds equal to `seedset`, in one transaction; idempotent.

        New events get `first_seen` = `updated_at` = now; an edited one (different content hash)
        keeps `first_seen` and gets a new `updated_at`; records gone from the seeds are deleted.
        """
        diff = await self._event_diff()
        await asyncio.to_thread(diff.add, seedset.events.values())
        return await self._store_seeds(seedset, diff, now)

    async def _sync_folder(
        self, folder: Path, hashes: FileHashes | None, on_events: EventSink | None
    ) -> SeedUpdate:
        """Read the whole folder and store it, holding no more events than one file's: each
        file's events are compared with the stored ones and packed as they are read (and
        handed to `on_events`, which may build the search index meanwhile). `hashes`: the
        folder's file hashes, when a scan made them (else each file is hashed as read)."""
        diff = await self._event_diff()
        # The stored gazetteers and texts are compared with the folder's as soon as these
        # are read, with the first events file (the later ones are read meanwhile in a
        # second process, if any), not after the last one.
        stored: tuple[list[Any], dict[str, bytes]] | None = await _stored_gazetteers(self.database)
        changes: GazetteerChanges | None = None

        def compare(gazetteers: SeedSet) -> None:
            nonlocal stored, changes
            if stored is not None:
                changes, stored = compare_gazetteers(gazetteers, *stored), None

        def sink(gazetteers: SeedSet, events: list[Event]) -> None:
            compare(gazetteers)
            diff.add(events)
            if on_events is not None:
                on_events(gazetteers, events)

        # A large folder's later events files are read in a second process, which compares
        # their events with the rows (whose hashes it reads from a file: a process's start
        # arguments must stay small) and does the share of an `on_events` with an `offload`
        # (the engine's index builder); one without must see every event here.
        inner: Offload | None = getattr(on_events, "offload", None)
        offloading = on_events is None or inner is not None

        def take(gazetteers: SeedSet, payload: tuple[Compared, Any]) -> None:
            compare(gazetteers)
            compared, part = payload
            diff.take(compared)
            if inner is not None:
                inner.take(gazetteers, part)

        def read() -> SeedSet:
            if not offloading:
                return stream_seeds(folder, sink, hashes)
            with tempfile.TemporaryDirectory(prefix="diplobrief-") as scratch:
                stored = Path(scratch) / "content-hashes"
                stored.write_text("\n".join(diff.stored.values()))
                work = functools.partial(_compared, str(stored), inner.work if inner else None)
                min_bytes = inner.min_bytes if inner else OFFLOAD_MIN_BYTES
                second = SecondReader.start(folder, Offload(work, take, min_bytes))
                if second is None:
                    return stream_seeds(folder, sink, hashes)
                with second:
                    return stream_seeds(folder, sink, hashes, second)

        seedset = await asyncio.to_thread(read)
        if stored is not None:  # no events file: compared now
            changes = await asyncio.to_thread(compare_gazetteers, seedset, *stored)
            del stored
        result = await self._store_seeds(seedset, diff, None, changes)
        del seedset  # its validated records go before the stored ones are read back
        return SeedUpdate(await self.read_seedset(), result, full=True)

    async def _store_seeds(
        self,
        seedset: SeedSet,
        diff: _EventDiff,
        now: dt.datetime | None,
        changes: GazetteerChanges | None = None,
    ) -> SyncResult:
        """`sync_seeds` once the events are compared: `seedset`'s gazetteers and files, the
        events of `diff`; `changes`: the gazetteers already compared with the stored ones."""
        stamp = to_timestamp(now or utc_now())
        async with self.database.transaction(immediate=True) as tx:
            counts, removed = await self._write_events(tx, diff, stamp)
            if changes is None:
                stored = await _stored_gazetteers(tx)
                changes = await asyncio.to_thread(compare_gazetteers, seedset, *stored)
                del stored
            await _write_gazetteers(tx, changes)
            by_kind = {"event": counts, **changes.counts}
            await tx.executemany(
                _UPSERT_META, [(FINGERPRINT_KEY, seedset.fingerprint), (SYNCED_AT_KEY, stamp)]
            )
            await tx.execute("DELETE FROM meta WHERE key = ?", (STAT_KEY,))
            # Each file's hash, for the next sync to re-read only what changed (none known:
            # the next sync reads the whole folder).
            await tx.execute("DELETE FROM seed_files")
            await _write_seed_files(tx, seedset.files, seedset.event_files, seedset.record_digests)
            if seedset.files:
                await tx.execute(_UPSERT_META, (FORMAT_KEY, seeds_format()))
            else:
                await tx.execute("DELETE FROM meta WHERE key = ?", (FORMAT_KEY,))
            # The stored search index stays valid with a delta when only events changed; the
            # gazetteers decide which events an entity reaches, so a change there drops it.
            if any(_touched(by_kind[kind]) for kind in ("place", "organization")):
                await tx.execute("DELETE FROM search_index")
                await tx.execute("DELETE FROM search_index_delta")
            else:
                await tx.executemany(
                    "INSERT INTO search_index_delta (event_id) VALUES (?) ON CONFLICT DO NOTHING",
                    [(event_id,) for event_id in [*diff.packed, *removed]],
                )
        self._files = (seedset.fingerprint, dict(seedset.files))
        totals = {name: sum(counts[name] for counts in by_kind.values()) for name in COUNTS}
        return SyncResult(**totals, by_kind=by_kind)

    async def _events_zdict(self, tx: Transaction, samples: list[bytes]) -> bytes:
        """The dictionary events are packed against: the stored one, else one from `samples`.

        It is made once, when the first events are packed, and never changes after, so every
        stored packed event stays readable.
        """
        stored = await tx.fetchval("SELECT value FROM meta WHERE key = ?", (ZDICT_KEY,))
        if stored is not None:
            return bytes.fromhex(stored)
        if not samples:
            return b""  # nothing to pack yet
        zdict = make_zdict(samples)
        await tx.execute(_UPSERT_META, (ZDICT_KEY, zdict.hex()))
        return zdict

    async def _write_events(
        self, tx: Transaction, diff: _EventDiff, stamp: str
    ) -> tuple[dict[str, int], list[str]]:
        """Write the events `diff` found different and delete the stored ones it did not see;
        returns the counts and the removed ids."""
        if diff.new_zdict and diff.zdict:
            await tx.execute(_UPSERT_META, (ZDICT_KEY, diff.zdict.hex()))
        removed = [event_id for event_id in diff.stored if event_id not in diff.seen]
        await tx.executemany("DELETE FROM events WHERE id = ?", [(i,) for i in removed])
        assignments = ", ".join(f"{name.strip()} = ?" for name in _EVENT_COLUMNS.split(","))
        await tx.executemany(
            f"UPDATE events SET {assignments}, updated_at = ? WHERE id = ?",
            ((*diff.row(row), stamp, event_id) for event_id, row in diff.changed),
        )
        await tx.executemany(
            f"INSERT INTO events ({_EVENT_COLUMNS}, first_seen, updated_at, id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ((*diff.row(row), stamp, stamp, event_id) for event_id, row in diff.added),
        )
        return diff.counts(removed), removed

    async def _event_diff(self, scope: set[str] | None = None) -> _EventDiff:
        """An `_EventDiff` against the stored events (of `scope`, else all)."""
        if scope is None:
            stored = dict(await self.database.fetchall("SELECT id, content_hash FROM events"))
        else:
            stored = dict(await self.database.fetchall(
                "SELECT id, content_hash FROM events WHERE id IN (SELECT value FROM json_each(?))",
                (json.dumps(sorted(scope)),)))  # fmt: skip
        zdict = await self._meta(ZDICT_KEY)
        return _EventDiff(stored, None if zdict is None else bytes.fromhex(zdict))

    async def read_seedset(self) -> SeedSet:
        """Rebuild the last synced `SeedSet` from the database alone (no YAML).

        Events and article texts stay encoded (`PackedEvents`, `EncodedTexts`) and are
        decoded one at a time when asked for; gazetteers are small and parsed at once.
        """
        db = self.database
        await self._pack_unpacked_events()
        rows = await db.fetchall(
            "SELECT id, packed, date_value, end_date FROM events ORDER BY rowid"
        )
        zdict = bytes.fromhex(await self._meta(ZDICT_KEY) or "")
        gazetteer = await db.fetchall("SELECT kind, id, data FROM gazetteer ORDER BY rowid")
        texts = EncodedTexts(
            dict(await db.fetchall("SELECT id, CAST(text AS BLOB) FROM article_texts"))
        )
        fingerprint = await self.stored_fingerprint() or ""
        tables = await asyncio.to_thread(_parse_rows, rows, zdict, gazetteer)
        return SeedSet(**tables, article_texts=texts, fingerprint=fingerprint)

    async def _pack_unpacked_events(self) -> None:
        """Fill `events.packed` where it is missing (rows written before migration 3)."""
        rows = await self.database.fetchall("SELECT id, data FROM events WHERE packed IS NULL")
        if not rows:
            return
        async with self.database.transaction() as tx:
            zdict = await self._events_zdict(
                tx, [data.encode() for _, data in rows[:ZDICT_SAMPLES]]
            )
            packed = await asyncio.to_thread(
                lambda: [(pack(data.encode(), zdict), event_id) for event_id, data in rows]
            )
            await tx.executemany("UPDATE events SET packed = ? WHERE id = ?", packed)

    # --- the persisted search index ----------------------------------------------------------

    async def save_index_blobs(
        self, fingerprint: str, version: int, blobs: dict[str, bytes]
    ) -> None:
        """Store the search index built for the seeds of `fingerprint`, replacing any other."""
        async with self.database.transaction(immediate=True) as tx:
            await tx.execute("DELETE FROM search_index")
            await tx.execute("DELETE FROM search_index_delta")  # the new index holds them
            await tx.executemany(
                "INSERT INTO search_index (name, fingerprint, version, data) VALUES (?, ?, ?, ?)",
                [(name, fingerprint, version, data) for name, data in blobs.items()],
            )

    async def load_index_blobs(
        self, fingerprint: str | None, version: int
    ) -> dict[str, bytes] | None:
        """The stored search index in format `version`, if any; with a `fingerprint`, only the
        one stored for those seeds. Without one, it is the index of the stored events once
        `index_delta()` is applied to it."""
        if fingerprint is None:
            rows = await self.database.fetchall(
                "SELECT name, data FROM search_index WHERE version = ?", (version,)
            )
        else:
            rows = await self.database.fetchall(
                "SELECT name, data FROM search_index WHERE fingerprint = ? AND version = ?",
                (fingerprint, version),
            )
        return dict(rows) if rows else None

    async def index_delta(self, version: int | None = None) -> list[str]:
        """Ids of the events added, changed or removed since the stored index was written (one
        index is stored, so `version` does not matter)."""
        return [row[0] for row in await self.database.fetchall(
            "SELECT event_id FROM search_index_delta ORDER BY event_id")]  # fmt: skip

    async def changes_since(self, since: dt.datetime | str) -> list[tuple[str, str]]:
        """(stored updated_at, id) of the events added or edited after `since` (naive means
        UTC), oldest first; the stored timestamps sort as text."""
        rows = await self.database.fetchall(
            "SELECT updated_at, id FROM events WHERE updated_at > ? ORDER BY updated_at, id",
            (to_timestamp(since),),
        )
        return [(row[0], row[1]) for row in rows]


def _touched(counts: dict[str, int]) -> bool:
    return bool(counts["added"] or counts["changed"] or counts["removed"])


def _events_after(
    events: Mapping[str, Event],
    parsed: Iterable[Event],
    packed: Mapping[str, tuple[bytes, DateSpan]],
    removed: Iterable[str],
) -> Mapping[str, Event]:
    """The events mapping after a sync wrote `packed` (of the `parsed` events) and deleted
    `removed`; `events` is left as it was (it is being read)."""
    if isinstance(events, PackedEvents):
        return events.replaced(packed, removed)
    gone = set(removed)
    plain = {k: v for k, v in events.items() if k not in gone}
    return plain | {e.id: e for e in parsed if e.id in packed}


def _defined_elsewhere(rows: Iterable[tuple[str, str]], changed: Iterable[str]) -> dict[str, str]:
    """Event id → the events file defining it, for the files not in `changed` (from the
    `seed_files` rows (path, event ids as JSON))."""
    skipped = set(changed)
    return {
        event_id: path for path, ids in rows if path not in skipped
        for event_id in json.loads(ids)
    }  # fmt: skip


class _ChangedFiles(NamedTuple):
    """The changed events files as an incremental sync reads them (`_read_changed_files`)."""

    files: dict[str, EventFile]
    events: list[Event]  # the records whose source changed, parsed
    reused: set[str]  # ids of the records whose source did not change: as stored
    scope: set[str]  # the stored events to compare with: what the files define or defined

    def seed_files(
        self, hashes: FileHashes
    ) -> tuple[FileHashes, dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
        """`_write_seed_files`' hashes, event ids and digests of the changed files there are."""
        files = self.files
        return (
            {path: hashes[path] for path in files if path in hashes},
            {path: file.ids for path, file in files.items()},
            {path: file.digests for path, file in files.items() if file.digests is not None},
        )


def _read_changed_files(
    folder: Path,
    changed: frozenset[str],
    seeds: SeedSet,
    rows: Iterable[tuple[str, str]],
    parents: Mapping[str, str | None],
    before: Mapping[str, StoredFile],
) -> _ChangedFiles:
    """Read the `changed` events files against the stored `seeds` (`rows`: every events
    file's (path, event ids as JSON); `parents`: id → part_of; `before`: what the changed
    files defined at the last sync)."""
    elsewhere = _defined_elsewhere(rows, changed)
    files = load_event_files(folder, changed, seeds, elsewhere, parents, before)
    events = [event for file in files.values() for event in file.parsed]
    reused = {event_id for file in files.values() for event_id in file.ids}
    reused -= {event.id for event in events}
    scope = {event.id for event in events}
    for ids, _ in before.values():
        scope.update(ids)  # what the files defined before
    return _ChangedFiles(files, events, reused, scope - reused)


def _stored_files(rows: Iterable[tuple[str, str | None, str | None]]) -> dict[str, StoredFile]:
    """`seed_files` rows (path, event ids, record digests, as JSON) as what each file defined."""
    found: dict[str, StoredFile] = {}
    for path, ids, digests in rows:
        event_ids = tuple(json.loads(ids)) if ids else ()
        known = tuple(json.loads(digests)) if digests else None
        found[path] = (event_ids, known if known and len(known) == len(event_ids) else None)
    return found


def _is_events_file(path: str) -> bool:
    return path.startswith(f"{EVENTS_DIR}/") and path.endswith(".yaml") and path.count("/") == 1


async def _write_seed_files(
    tx: Transaction,
    hashes: Mapping[str, tuple[str, str]],
    event_files: Mapping[str, tuple[Any, ...]],
    digests: Mapping[str, tuple[str, ...]],
) -> None:
    """Store the hash (and, for an events file, the event ids and their source digests) of
    each file of `hashes`."""

    def listed(values: Mapping[str, tuple[Any, ...]], path: str) -> str | None:
        return json.dumps(list(values[path])) if path in values else None

    await tx.executemany(
        "INSERT INTO seed_files (path, signature, sha256, event_ids, record_digests)"
        " VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (path) DO UPDATE SET signature = excluded.signature,"
        " sha256 = excluded.sha256, event_ids = excluded.event_ids,"
        " record_digests = excluded.record_digests",
        [
            (path, signature, sha, listed(event_files, path), listed(digests, path))
            for path, (signature, sha) in hashes.items()
        ],
    )


async def _stored_gazetteers(db: Database | Transaction) -> tuple[list[Any], dict[str, bytes]]:
    """The stored gazetteer rows (kind, id, JSON) and article texts (UTF-8 bytes: a
    `str` of each would cost a decode now and twice the memory), for `compare_gazetteers`."""
    rows = await db.fetchall("SELECT kind, id, data FROM gazetteer")
    texts = dict(await db.fetchall("SELECT id, CAST(text AS BLOB) FROM article_texts"))
    return rows, texts


async def _write_gazetteers(tx: Transaction, changes: GazetteerChanges) -> None:
    """Write what `compare_gazetteers` found different."""
    await tx.executemany("DELETE FROM gazetteer WHERE kind = ? AND id = ?", changes.removed)
    await tx.executemany(
        "INSERT INTO gazetteer (kind, id, data) VALUES (?, ?, ?)"
        " ON CONFLICT (kind, id) DO UPDATE SET data = excluded.data",
        changes.writes,
    )
    await tx.executemany(
        "DELETE FROM article_texts WHERE id = ?", [(key,) for key in changes.texts_removed]
    )
    await tx.executemany(
        "INSERT INTO article_texts (id, text) VALUES (?, ?)"
        " ON CONFLICT (id) DO UPDATE SET text = excluded.text",
        changes.texts,
    )


# The events of a batch compared with the stored ones: their ids, and for each that differs
# (id, JSON, row with no packed bytes yet).
Compared = tuple[list[str], list[tuple[str, bytes, tuple[Any, ...]]]]


def compare_events(stored: Container[str], events: Iterable[Event]) -> Compared:
    """`events` compared with the stored ones, by the content hashes stored (an event's JSON
    holds its id, so a hash stored is that of one event)."""
    seen, differing = [], []
    # `model_dump_json`'s JSON made as UTF-8 bytes (not a str encoded again): a third
    # less time to hash each event.
    to_json = Event.__pydantic_serializer__.to_json
    with paused_gc():
        for event in events:
            seen.append(event.id)
            data = to_json(event)
            digest = hashlib.sha256(data).hexdigest()
            if digest not in stored:
                differing.append((event.id, data, _event_row(event, None, b"", digest)))
    return seen, differing


def _compared(
    hashes: str, work: Callable[[SeedSet, list[Event]], Any] | None,
    gazetteers: SeedSet, events: list[Event],
) -> tuple[Compared, Any]:  # fmt: skip
    """A full read's share of work in its second process: the events compared with the
    stored ones (their content hashes in the file `hashes`), and the inner `work` (the
    index's part)."""
    part = work(gazetteers, events) if work else None
    return compare_events(_stored_hashes(hashes), events), part


@functools.lru_cache(maxsize=1)
def _stored_hashes(path: str) -> frozenset[str]:
    """The content hashes in a file `_sync_folder` wrote, one a line (read once a process)."""
    return frozenset(Path(path).read_text().split())


class _EventDiff:
    """The events that differ from the stored ones (id → content hash), gathered a batch at
    a time (`add`, in a worker thread) as rows ready to write: packed, their JSON left out
    until written (`row`), so a full sync of 100,000 new events holds only packed bytes."""

    def __init__(self, stored: dict[str, str], zdict: bytes | None) -> None:
        self.stored = stored
        self.zdict = zdict or b""
        self.new_zdict = zdict is None  # made from the first events that differ
        self.seen: set[str] = set()
        self.added: list[tuple[str, tuple[Any, ...]]] = []  # (id, row)
        self.changed: list[tuple[str, tuple[Any, ...]]] = []
        self.packed: dict[str, tuple[bytes, tuple[Any, ...]]] = {}  # id → (bytes, date span)
        self._hashes: set[str] | None = None  # the stored content hashes, when first asked

    def add(self, events: Iterable[Event]) -> None:
        if self._hashes is None:
            self._hashes = set(self.stored.values())
        self.take(compare_events(self._hashes, events))

    def take(self, compared: Compared) -> None:
        """Take the events `compare_events` compared (here or in a full read's second process)."""
        seen, differing = compared
        self.seen.update(seen)
        if differing and self.new_zdict and not self.zdict:
            self.zdict = make_zdict(data for _, data, _ in differing[:ZDICT_SAMPLES])
        for event_id, data, row in differing:
            packed = pack(data, self.zdict)
            row = (*row[:9], packed, *row[10:])
            (self.changed if event_id in self.stored else self.added).append((event_id, row))
            self.packed[event_id] = (packed, (row[1], row[4]))

    def counts(self, removed: list[str]) -> dict[str, int]:
        """The sync's counts once the events not seen (`removed`) are deleted."""
        return {
            "added": len(self.added),
            "changed": len(self.changed),
            "removed": len(removed),
            "unchanged": len(self.seen) - len(self.added) - len(self.changed),
        }

    def row(self, row: tuple[Any, ...]) -> tuple[Any, ...]:
        """The row with its JSON (unpacked from its packed bytes)."""
        return (*row[:8], unpack(row[9], self.zdict).decode(), *row[9:])


def _parse_rows(
    events: list[tuple[str, bytes, str | None, str | None]],
    zdict: bytes,
    gazetteer: list[tuple[str, str, str]],
) -> dict[str, Any]:
    """Packed events as `PackedEvents`, articles as `JsonRecords` (there is one per few
    events, and only cards read them); the other gazetteers validated back into models."""
    tables: dict[str, Any] = {attribute: {} for attribute, _ in GAZETTEER_KINDS.values()}
    with paused_gc():
        blobs = {event_id: packed for event_id, packed, _, _ in events}
        Span = tuple[str | None, str | None]
        spans: dict[Span, Span] = {}  # many events share a date: share its tuple
        dates = {
            event_id: spans.setdefault((value, end), (value, end))
            for event_id, _, value, end in events
        }
        tables["events"] = PackedEvents(blobs, zdict, dates)
        for kind, record_id, data in gazetteer:
            if kind in GAZETTEER_KINDS:
                attribute, model = GAZETTEER_KINDS[kind]
                table = tables[attribute]
                table[record_id] = data if kind in LAZY_KINDS else model.model_validate_json(data)
        for kind in LAZY_KINDS:
            attribute, model = GAZETTEER_KINDS[kind]
            tables[attribute] = JsonRecords(model, tables[attribute])
    return tables
