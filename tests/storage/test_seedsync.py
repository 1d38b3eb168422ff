"""The SQLite storage: migrations, and a copy of the seeds kept in step with the folder."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import aiosqlite
import pytest

from bot.records.loading import SeedError, load_seeds
from bot.storage.base import to_timestamp
from bot.storage.sqlite.database import Database
from bot.storage.sqlite.migrations import MIGRATIONS
from bot.storage.sqlite.seeds import SqliteSeedStore
from tests.support.seedcopy import copy_seeds, edit_records, write_minimal_seeds

T1 = dt.datetime(2026, 1, 10, 9, 0, tzinfo=dt.UTC)
T2 = dt.datetime(2026, 1, 11, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(params=["minimal", "real"])
def folder(request, tmp_path: Path) -> Path:
    if request.param == "minimal":
        return write_minimal_seeds(tmp_path / "seeds")
    return copy_seeds(tmp_path)


@pytest.fixture
def minimal(tmp_path: Path) -> Path:
    return write_minimal_seeds(tmp_path / "seeds")


async def open_store(path: Path) -> SqliteSeedStore:
    return SqliteSeedStore(await Database.open(path))


@pytest.fixture
async def storage(tmp_path: Path):
    storage = await open_store(tmp_path / "data" / "bot.sqlite3")
    yield storage
    await storage.database.close()


async def rows(storage: SqliteSeedStore, sql: str, params: tuple = ()) -> list[tuple]:
    return [tuple(row) for row in await storage.database.fetchall(sql, params)]


async def changed_ids(storage: SqliteSeedStore, since: str) -> list[str]:
    return [event_id for _, event_id in await storage.changes_since(since)]


SEED_TABLES = (
    "meta",
    "gazetteer",
    "article_texts",
    "events",
)


async def dump(storage: SqliteSeedStore, skip: tuple[str, ...] = ()) -> dict[str, list[tuple]]:
    """Every row of the seed tables, for comparing a database before and after."""
    tables = [table for table in SEED_TABLES if table not in skip]
    return {table: sorted(await rows(storage, f"SELECT * FROM {table}")) for table in tables}


# --- opening and migrating -----------------------------------------------------------------


async def test_open_creates_and_migrates_an_empty_file(tmp_path):
    path = tmp_path / "new" / "dir" / "bot.sqlite3"
    storage = await open_store(path)
    try:
        assert path.exists()
        assert await rows(storage, "PRAGMA user_version") == [(len(MIGRATIONS),)]
        assert await rows(storage, "PRAGMA journal_mode") == [("wal",)]
        assert await rows(storage, "PRAGMA foreign_keys") == [(1,)]
        assert await storage.stored_fingerprint() is None
    finally:
        await storage.database.close()
    reopened = await open_store(path)  # migrating again is a no-op
    try:
        assert await rows(reopened, "PRAGMA user_version") == [(len(MIGRATIONS),)]
    finally:
        await reopened.database.close()


async def test_open_migrates_a_file_at_version_one(tmp_path):
    path = tmp_path / "old.sqlite3"
    async with aiosqlite.connect(path) as db:
        await db.executescript(f"BEGIN;\n{MIGRATIONS[0]}\nPRAGMA user_version = 1;\nCOMMIT;")
    storage = await open_store(path)
    try:
        assert await rows(storage, "PRAGMA user_version") == [(len(MIGRATIONS),)]
    finally:
        await storage.database.close()


# --- syncing seeds -------------------------------------------------------------------------


async def test_sync_then_read_gives_back_the_same_seeds(storage, folder):
    seeds = load_seeds(folder)
    result = await storage.sync_seeds(seeds)
    assert result.added == sum(seeds.counts().values())
    assert result.by_kind["event"]["added"] == len(seeds.events)
    assert (result.changed, result.removed, result.unchanged) == (0, 0, 0)
    assert await storage.read_seedset() == seeds
    assert await storage.stored_fingerprint() == seeds.fingerprint


async def test_second_sync_changes_nothing(storage, folder):
    seeds = load_seeds(folder)
    await storage.sync_seeds(seeds, now=T1)
    before = await dump(storage)
    again = await storage.sync_seeds(load_seeds(folder), now=T2)
    assert (again.added, again.changed, again.removed) == (0, 0, 0)
    assert again.unchanged == sum(seeds.counts().values())
    assert not again.touched
    after = await dump(storage)
    assert after.pop("meta") != before.pop("meta")  # only the sync time moved
    assert after == before


async def test_edit_keeps_first_seen_and_bumps_updated_at(storage, minimal):
    await storage.sync_seeds(load_seeds(minimal), now=T1)

    def retitle(records):
        records[0]["summary"]["en"] = "A meeting, now with a better summary."

    edit_records(minimal / "events/a-council.yaml", retitle)
    result = await storage.sync_seeds(load_seeds(minimal), now=T2)
    assert result.by_kind["event"] == {"added": 0, "changed": 1, "removed": 0, "unchanged": 1}
    stamps = dict(
        (key, (first, updated))
        for key, first, updated in await rows(
            storage, "SELECT id, first_seen, updated_at FROM events"
        )
    )
    assert stamps["vienna-meeting"] == (to_timestamp(T1), to_timestamp(T2))
    assert stamps["vienna-sideline"] == (to_timestamp(T1), to_timestamp(T1))
    assert await changed_ids(storage, "2026-01-10T12:00:00Z") == ["vienna-meeting"]
    assert await changed_ids(storage, "2026-01-10 08:00") == [
        "vienna-sideline",  # oldest change first
        "vienna-meeting",
    ]
    stored = await storage.read_seedset()
    assert stored.events["vienna-meeting"].summary.en == "A meeting, now with a better summary."


async def test_removed_records_and_their_rows_are_deleted(storage, minimal):
    await storage.sync_seeds(load_seeds(minimal))
    (minimal / "events/b-sidelines.yaml").unlink()
    edit_records(minimal / "topics.yaml", lambda records: records.pop(1))
    edit_records(minimal / "events/a-council.yaml", lambda records: records[0].pop("topics"))
    result = await storage.sync_seeds(load_seeds(minimal))
    assert result.by_kind["event"]["removed"] == 1
    assert result.by_kind["topic"]["removed"] == 1
    assert await rows(storage, "SELECT id FROM events") == [("vienna-meeting",)]
    assert await rows(storage, "SELECT id FROM gazetteer WHERE kind = 'topic'") == [("security",)]


async def test_ensure_seeds_loads_once_then_reads_the_database(storage, folder):
    first, result = await storage.ensure_seeds(folder)
    assert result is not None and result.added == sum(first.counts().values())
    second, again = await storage.ensure_seeds(folder)
    assert again is None
    assert second == first


async def test_ensure_seeds_reloads_an_edited_folder(storage, minimal):
    await storage.ensure_seeds(minimal)
    edit_records(minimal / "people.yaml", lambda r: r[0]["name"].update(en="Yermek Koshербаев"))
    seeds, result = await storage.ensure_seeds(minimal)
    assert result is not None
    assert result.by_kind["person"]["changed"] == 1 and result.changed == 1
    assert seeds.people["kosherbayev-yermek"].name.en == "Yermek Koshербаев"


async def test_bad_seeds_leave_the_database_untouched(storage, folder):
    await storage.ensure_seeds(folder)
    before = await dump(storage)
    edit_records(folder / "articles.yaml", lambda r: r[0].update(file="articles/gone.txt"))
    with pytest.raises(SeedError):
        await storage.ensure_seeds(folder)
    assert await dump(storage) == before


async def test_a_failing_sync_rolls_back_everything(storage, minimal):
    seeds = load_seeds(minimal)
    await storage.sync_seeds(seeds)
    before = await dump(storage)
    # make the sync fail halfway (after the events, at the articles' texts):
    await storage.database.connection.execute("DROP TABLE article_texts")
    await storage.database.connection.commit()
    edit_records(minimal / "events/a-council.yaml", lambda r: r[0].update(kind="visit"))
    with pytest.raises(aiosqlite.OperationalError):
        await storage.sync_seeds(load_seeds(minimal))
    before.pop("article_texts")
    assert await dump(storage, skip=("article_texts",)) == before


async def test_a_same_size_edit_is_noticed_and_a_mere_touch_is_not_reloaded(storage, minimal):
    await storage.ensure_seeds(minimal)
    path = minimal / "people.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Yermek Kosherbayev", "Yermek Kosherbayeu"), encoding="utf-8")
    assert len(path.read_bytes()) == len(text.encode())
    seeds, result = await storage.ensure_seeds(minimal)
    assert result is not None and result.by_kind["person"]["changed"] == 1
    assert seeds.people["kosherbayev-yermek"].name.en == "Yermek Kosherbayeu"

    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))  # touched, same bytes
    again, result = await storage.ensure_seeds(minimal)
    assert result is None and again == seeds
    assert (await storage.ensure_seeds(minimal))[1] is None


async def test_an_edited_article_text_counts_as_a_changed_article(storage, minimal):
    await storage.sync_seeds(load_seeds(minimal))
    article = minimal / "articles/000_a482fe9d25744079.txt"
    article.write_text(article.read_text(encoding="utf-8") + "\nA line added.\n", encoding="utf-8")
    result = await storage.sync_seeds(load_seeds(minimal))
    assert result.by_kind["article"] == {"added": 0, "changed": 1, "removed": 0, "unchanged": 0}
    assert result.touched
    assert (await storage.read_seedset()).article_texts["baq-article"].endswith("A line added.\n")


async def test_a_folder_read_whole_stores_an_edited_article_text(storage, minimal):
    # A full read compares the gazetteers and texts while it reads the events files.
    await storage.ensure_seeds(minimal)
    article = minimal / "articles/000_a482fe9d25744079.txt"
    article.write_text(article.read_text(encoding="utf-8") + "\nA line added.\n", encoding="utf-8")
    seeds, result = await storage.ensure_seeds(minimal)
    assert result is not None
    assert result.by_kind["article"] == {"added": 0, "changed": 1, "removed": 0, "unchanged": 0}
    assert result.by_kind["person"]["changed"] == 0 and result.by_kind["person"]["unchanged"]
    assert seeds.article_texts["baq-article"].endswith("A line added.\n")
    assert (await storage.read_seedset()).article_texts["baq-article"].endswith("A line added.\n")
    assert (await storage.ensure_seeds(minimal))[1] is None


# --- packed events and the stored search index ------------------------------------------------


async def test_read_seedset_keeps_events_packed_until_asked(storage, folder):
    from bot.records.lazy import EncodedTexts, PackedEvents

    seeds = load_seeds(folder)
    await storage.sync_seeds(seeds)
    stored = await storage.read_seedset()
    assert isinstance(stored.events, PackedEvents) and stored.events.cached == 0
    assert isinstance(stored.article_texts, EncodedTexts)
    assert list(stored.events) == list(seeds.events)
    for event_id, event in seeds.events.items():
        end = event.end_date.isoformat() if event.end_date else None
        assert stored.events.date_span(event_id) == (event.date.value, end)
    assert stored.events.cached == 0  # dates come from their columns
    assert stored == seeds
    assert stored.article_texts == seeds.article_texts


async def test_events_stored_before_packing_are_packed_on_read(storage, folder):
    seeds = load_seeds(folder)
    await storage.sync_seeds(seeds)
    # as after migration 3:
    await storage.database.connection.execute("UPDATE events SET packed = NULL")
    await storage.database.connection.execute("DELETE FROM meta WHERE key = 'events_zdict'")
    await storage.database.connection.commit()
    assert (await storage.read_seedset()).events == seeds.events
    assert await rows(storage, "SELECT count(*) FROM events WHERE packed IS NULL") == [(0,)]
    edited = seeds.events[next(iter(seeds.events))].model_copy(update={"notes": "edited"})
    changed = type(seeds)(**{**seeds.__dict__, "events": {**seeds.events, edited.id: edited}})
    result = await storage.sync_seeds(changed)
    assert result.by_kind["event"]["changed"] == 1
    assert (await storage.read_seedset()).events[edited.id].notes == "edited"


async def test_search_index_blobs_are_kept_per_fingerprint_and_version(storage):
    assert await storage.load_index_blobs("abc", 1) is None
    blobs = {"meta": b"{}", "docs": bytes(range(256))}
    await storage.save_index_blobs("abc", 1, blobs)
    assert await storage.load_index_blobs("abc", 1) == blobs
    assert await storage.load_index_blobs("abc", 2) is None
    assert await storage.load_index_blobs("other", 1) is None
    await storage.save_index_blobs("def", 1, {"meta": b"[]"})  # replaces the older index
    assert await storage.load_index_blobs("abc", 1) is None
    assert await storage.load_index_blobs("def", 1) == {"meta": b"[]"}
