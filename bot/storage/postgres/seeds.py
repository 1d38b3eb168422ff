"""The seeds and the stored search index on PostgreSQL, shared by every instance.

What differs from the SQLite `Storage` (bot.storage.seedsync), whose diffing and packing it
reuses: a start does not write its own checkout of `seeds/` into the shared database. Seeds are
loaded by `python -m bot load`, by `/reload`, or by the first instance to find the database empty
(under an advisory lock, so only one loads). Every seeds or index write bumps the data version in
its transaction (bot.storage.postgres.dataversion), so the other instances refresh. The stored
index keeps the two newest (fingerprint, format version) sets, so two code versions in a rolling
deploy each find theirs instead of deleting the other's.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import asyncpg

from bot.records.lazy import ZDICT_SAMPLES, EncodedTexts, make_zdict
from bot.records.loading import load_seeds
from bot.records.models import Event, Record
from bot.records.seedset import SeedSet
from bot.storage.postgres import dataversion
from bot.storage.postgres.database import PgDatabase
from bot.storage.seedsync import (
    _COUNTS,
    _EVENT_COLUMNS,
    FINGERPRINT_KEY,
    GAZETTEER_KINDS,
    SYNCED_AT_KEY,
    ZDICT_KEY,
    SyncResult,
    _diff_events,
    _parse_rows,
    _rows,
    to_timestamp,
    utc_now,
)

_UPSERT_META = (
    "INSERT INTO meta (key, value) VALUES ($1, $2)"
    " ON CONFLICT (key) DO UPDATE SET value = excluded.value"
)
_CHILD_TABLES = ("event_participants", "event_topics", "event_organizations", "event_sources")
KEEP_INDEX_SETS = 2


class PgStorage:
    """Seeds and search-index blobs in one PostgreSQL database (see the module notes)."""

    def __init__(self, db: PgDatabase) -> None:
        self.database = db
        self.pool = db.pool
        self.path = "PostgreSQL"

    @classmethod
    async def open(cls, url: str) -> PgStorage:
        return cls(await PgDatabase.open(url))

    async def close(self) -> None:
        await self.database.close()

    async def __aenter__(self) -> PgStorage:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def _meta(self, key: str, connection: asyncpg.Connection | None = None) -> str | None:
        return await (connection or self.pool).fetchval(
            "SELECT value FROM meta WHERE key = $1", key
        )

    async def stored_fingerprint(self) -> str | None:
        """The fingerprint of the seeds last synced, or None before the first sync."""
        return await self._meta(FINGERPRINT_KEY)

    async def data_version(self) -> int:
        return await dataversion.current(self.database)

    async def ensure_seeds(self, folder: Path) -> tuple[SeedSet, SyncResult | None]:
        """The stored seeds; only when the database has none, load `folder` first (one instance
        does, the others wait for it and read what it stored)."""
        if await self.stored_fingerprint() is not None:
            return await self.read_seedset(), None
        seedset = await asyncio.to_thread(load_seeds, folder)
        result = await self.sync_seeds(seedset, only_if_empty=True)
        return await self.read_seedset() if result is None else seedset, result

    async def sync_seeds(
        self, seedset: SeedSet, *, now: dt.datetime | None = None, only_if_empty: bool = False
    ) -> SyncResult | None:
        """Make the stored seeds equal to `seedset` in one transaction and bump the data
        version; idempotent. `only_if_empty`: do nothing (None) if another instance stored
        seeds meanwhile."""
        stamp = to_timestamp(now or utc_now())
        async with self.pool.acquire() as connection, connection.transaction():
            await connection.execute(
                "SELECT pg_advisory_xact_lock(hashtext($1))", self.database.key("seeds")
            )
            previous = await self._meta(FINGERPRINT_KEY, connection)
            if only_if_empty and previous is not None:
                return None
            by_kind = {"event": await self._sync_events(connection, seedset.events.values(), stamp)}
            edited_texts = await self._sync_texts(connection, seedset.article_texts)
            for kind, (attribute, _) in GAZETTEER_KINDS.items():
                records = getattr(seedset, attribute).values()
                edited = edited_texts if kind == "article" else set()
                by_kind[kind] = await self._sync_gazetteer(connection, kind, records, edited)
            await connection.executemany(
                _UPSERT_META, [(FINGERPRINT_KEY, seedset.fingerprint), (SYNCED_AT_KEY, stamp)]
            )
            totals = {name: sum(counts[name] for counts in by_kind.values()) for name in _COUNTS}
            result = SyncResult(**totals, by_kind=by_kind)
            if result.touched or previous != seedset.fingerprint:
                await dataversion.bump(connection, self.database)
        return result

    async def _sync_events(
        self, connection: asyncpg.Connection, events: Iterable[Event], stamp: str
    ) -> dict[str, int]:
        stored = dict(await connection.fetch("SELECT id, content_hash FROM events"))
        seen, added, changed = await asyncio.to_thread(_diff_events, events, stored)
        samples = [data.encode() for _, data in (added or changed)[:ZDICT_SAMPLES]]
        zdict = bytes.fromhex(await self._meta(ZDICT_KEY, connection) or "")
        if not zdict and samples:
            zdict = make_zdict(samples)
            await connection.execute(_UPSERT_META, ZDICT_KEY, zdict.hex())
        added_rows = await asyncio.to_thread(_rows, added, zdict)
        changed_rows = await asyncio.to_thread(_rows, changed, zdict)
        removed = [event_id for event_id in stored if event_id not in seen]
        await connection.execute("DELETE FROM events WHERE id = ANY($1::text[])", removed)
        names = [name.strip() for name in _EVENT_COLUMNS.split(",")]
        assignments = ", ".join(f"{name} = ${n}" for n, name in enumerate(names, start=1))
        count = len(names)
        await connection.executemany(
            f"UPDATE events SET {assignments}, updated_at = ${count + 1} WHERE id = ${count + 2}",
            [(*row, stamp, event.id) for event, row in changed_rows],
        )
        marks = ", ".join(f"${n}" for n in range(1, count + 4))
        await connection.executemany(
            f"INSERT INTO events ({_EVENT_COLUMNS}, first_seen, updated_at, id) VALUES ({marks})",
            [(*row, stamp, stamp, event.id) for event, row in added_rows],
        )
        changed_events = [event for event, _ in changed]
        for table in _CHILD_TABLES:
            await connection.execute(
                f"DELETE FROM {table} WHERE event_id = ANY($1::text[])",
                [event.id for event in changed_events],
            )
        await self._write_children(connection, changed_events + [event for event, _ in added])
        return {
            "added": len(added),
            "changed": len(changed),
            "removed": len(removed),
            "unchanged": len(seen) - len(added) - len(changed),
        }

    async def _write_children(self, connection: asyncpg.Connection, events: list[Event]) -> None:
        """Write the participant, topic, organization and source rows of `events`."""
        tables = {
            "event_participants (event_id, person_id, side) VALUES ($1, $2, $3)": [
                (e.id, p.person, p.side) for e in events for p in e.participants
            ],
            "event_topics (event_id, topic_id) VALUES ($1, $2)": [
                (e.id, topic) for e in events for topic in e.topics
            ],
            "event_organizations (event_id, org_id) VALUES ($1, $2)": [
                (e.id, org) for e in events for org in e.organizations
            ],
            "event_sources (event_id, article_id, position) VALUES ($1, $2, $3)": [
                (e.id, s.article, n) for e in events for n, s in enumerate(e.sources)
            ],
        }
        for into, rows in tables.items():
            await connection.executemany(f"INSERT INTO {into} ON CONFLICT DO NOTHING", rows)

    async def _sync_gazetteer(
        self, connection: asyncpg.Connection, kind: str, records: Iterable[Record], edited: set[str]
    ) -> dict[str, int]:
        """Upsert one kind of gazetteer record; ids in `edited` count as changed regardless."""
        stored = dict(
            await connection.fetch("SELECT id, data FROM gazetteer WHERE kind = $1", kind)
        )
        counts = dict.fromkeys(_COUNTS, 0)
        writes, seen = [], set()
        for record in records:
            record_id = record.id  # type: ignore[attr-defined]
            seen.add(record_id)
            data = record.model_dump_json()
            previous = stored.get(record_id)
            if previous == data:
                counts["changed" if record_id in edited else "unchanged"] += 1
                continue
            counts["added" if previous is None else "changed"] += 1
            writes.append((kind, record_id, data))
        removed = [record_id for record_id in stored if record_id not in seen]
        counts["removed"] = len(removed)
        await connection.execute(
            "DELETE FROM gazetteer WHERE kind = $1 AND id = ANY($2::text[])", kind, removed
        )
        await connection.executemany(
            "INSERT INTO gazetteer (kind, id, data) VALUES ($1, $2, $3)"
            " ON CONFLICT (kind, id) DO UPDATE SET data = excluded.data",
            writes,
        )
        return counts

    async def _sync_texts(self, connection: asyncpg.Connection, texts: dict[str, str]) -> set[str]:
        """Store the articles' texts; return the ids whose stored text was different."""
        stored = dict(await connection.fetch("SELECT id, text FROM article_texts"))
        await connection.execute(
            "DELETE FROM article_texts WHERE id = ANY($1::text[])",
            [key for key in stored if key not in texts],
        )
        await connection.executemany(
            "INSERT INTO article_texts (id, text) VALUES ($1, $2)"
            " ON CONFLICT (id) DO UPDATE SET text = excluded.text",
            [(key, text) for key, text in texts.items() if stored.get(key) != text],
        )
        return {key for key, text in texts.items() if key in stored and stored[key] != text}

    async def read_seedset(self) -> SeedSet:
        """Rebuild the last synced `SeedSet` from the database alone (no YAML), in one snapshot
        (a sync by another instance meanwhile is seen whole or not at all)."""
        async with self.pool.acquire() as connection:
            async with connection.transaction(isolation="repeatable_read", readonly=True):
                rows = await connection.fetch(
                    "SELECT id, packed, date_value, end_date FROM events ORDER BY seq"
                )
                zdict = bytes.fromhex(await self._meta(ZDICT_KEY, connection) or "")
                gazetteer = await connection.fetch(
                    "SELECT kind, id, data FROM gazetteer ORDER BY seq"
                )
                texts = await connection.fetch(
                    "SELECT id, convert_to(text, 'UTF8') FROM article_texts"
                )
                fingerprint = await self._meta(FINGERPRINT_KEY, connection) or ""
        events = [tuple(row) for row in rows]
        tables = await asyncio.to_thread(_parse_rows, events, zdict, [tuple(g) for g in gazetteer])
        return SeedSet(**tables, article_texts=EncodedTexts(dict(texts)), fingerprint=fingerprint)

    async def save_index_blobs(
        self, fingerprint: str, version: int, blobs: dict[str, bytes]
    ) -> None:
        """Store the search index built for the seeds of `fingerprint` in format `version`;
        keep it and the newest other set, drop older ones; bump the data version."""
        async with self.pool.acquire() as connection, connection.transaction():
            await connection.execute(
                "SELECT pg_advisory_xact_lock(hashtext($1))", self.database.key("index")
            )
            await connection.execute(
                "DELETE FROM search_index WHERE fingerprint = $1 AND version = $2",
                fingerprint,
                version,
            )
            await connection.executemany(
                "INSERT INTO search_index (fingerprint, version, name, data)"
                " VALUES ($1, $2, $3, $4)",
                [(fingerprint, version, name, data) for name, data in blobs.items()],
            )
            await connection.execute(
                """DELETE FROM search_index WHERE (fingerprint, version) NOT IN (
                       SELECT fingerprint, version FROM search_index GROUP BY fingerprint, version
                        ORDER BY max(stored_at) DESC LIMIT $1)""",
                KEEP_INDEX_SETS,
            )
            await dataversion.bump(connection, self.database)

    async def load_index_blobs(self, fingerprint: str, version: int) -> dict[str, bytes] | None:
        """The stored search index of the seeds of `fingerprint` in format `version`, if any."""
        rows = await self.pool.fetch(
            "SELECT name, data FROM search_index WHERE fingerprint = $1 AND version = $2",
            fingerprint,
            version,
        )
        return {row[0]: row[1] for row in rows} if rows else None

    async def events_changed_since(self, iso_ts: str | dt.datetime) -> list[str]:
        """Ids of the events added or edited after `iso_ts` (naive means UTC), oldest first."""
        rows = await self.pool.fetch(
            "SELECT id FROM events WHERE updated_at > $1 ORDER BY updated_at, id",
            to_timestamp(iso_ts),
        )
        return [row[0] for row in rows]
