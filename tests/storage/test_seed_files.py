"""A sync after a few edits reads only the changed events files and ends where a full sync ends,
on SQLite and on PostgreSQL (a fresh schema; skipped without a server, required in CI).

Each case edits a copy of the real seeds, syncs incrementally (`update_seeds`) into one database
and in full (`load_seeds` + `sync_seeds`) into a SQLite file, and compares what is stored; a
broken edit is refused with the file, record and field named, and the database keeps its seeds.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.records.loading import SeedError, file_hashes, load_seeds, seeds_fingerprint
from bot.storage.base import SeedStore
from bot.storage.postgres import open_postgres
from bot.storage.postgres.seeds import PgSeedStore
from bot.storage.sqlite import open_sqlite
from bot.storage.sqlite.database import Database
from bot.storage.sqlite.seeds import SqliteSeedStore
from tests.support.postgres import fresh_schema
from tests.support.seedcopy import (
    copy_seeds,
    edit_event,
    edit_records,
    event_files,
    localized,
    read_records,
    write_records,
)


@pytest.fixture(params=["sqlite", "postgresql"])
async def synced(request, tmp_path: Path):
    folder = copy_seeds(tmp_path)
    if request.param == "sqlite":
        repos = await open_sqlite(tmp_path / "bot.sqlite3")
    else:
        schemas = fresh_schema()
        repos = await open_postgres(await anext(schemas))
    first = await repos.seedstore.update_seeds(folder)
    assert first.full and first.result.added
    yield folder, repos.seedstore
    await repos.close()
    if request.param == "postgresql":
        await schemas.aclose()


async def stored(store: SeedStore) -> list[tuple]:
    query = "SELECT id, content_hash FROM events ORDER BY id"
    if isinstance(store, PgSeedStore):
        return [tuple(r) for r in await store.db.pool.fetch(query)]
    assert isinstance(store, SqliteSeedStore)
    return [tuple(r) for r in await store.database.fetchall(query)]


async def full_sync(folder: Path, tmp_path: Path) -> list[tuple]:
    store = SqliteSeedStore(await Database.open(tmp_path / "full.sqlite3"))
    try:
        await store.sync_seeds(load_seeds(folder))
        return await stored(store)
    finally:
        await store.database.close()


async def test_one_changed_record_rewrites_one_row(synced, tmp_path):
    folder, store = synced
    first_fingerprint = await store.stored_fingerprint()
    assert first_fingerprint is not None
    await store.save_index_blobs(first_fingerprint, 1, {"blob": b"an index of these seeds"})
    edited = edit_event(folder, lambda e: True, lambda e: e.update(summary=localized("Edited")))
    update = await store.update_seeds(folder)
    assert not update.full
    assert (update.result.changed, update.result.added, update.result.removed) == (1, 0, 0)
    assert [e.id for e in update.upserted] == [edited["id"]] and update.removed == ()
    assert update.seeds.events[edited["id"]].summary.en == "Edited"
    assert await stored(store) == await full_sync(folder, tmp_path)
    assert await store.index_delta() == [edited["id"]]  # what the stored index lacks
    assert await store.load_index_blobs(first_fingerprint, 1) is not None  # kept, with it
    again = await store.update_seeds(folder, current=update.seeds)
    assert again.result is None  # nothing changed since


async def test_new_file_removed_record_and_moved_record(synced, tmp_path):
    folder, store = synced
    files = {path: read_records(path) for path in event_files(folder)}
    parents = {record.get("part_of") for records in files.values() for record in records}
    first = max(files, key=lambda path: len(files[path]))
    records = files[first]
    moved, dropped = [r for r in records if r["id"] not in parents][:2]
    write_records(first, [r for r in records if r not in (moved, dropped)])
    new = {**moved, "id": "2026-01-01-new-meeting"}
    write_records(folder / "events" / "zz-new.yaml", [moved, new])
    update = await store.update_seeds(folder)
    assert not update.full
    assert update.removed == (dropped["id"],)
    assert {e.id for e in update.upserted} == {new["id"]}  # the moved one did not change
    assert dropped["id"] not in update.seeds.events and new["id"] in update.seeds.events
    assert await stored(store) == await full_sync(folder, tmp_path)
    (folder / "events" / "zz-new.yaml").unlink()
    gone = await store.update_seeds(folder, current=update.seeds)
    assert set(gone.removed) == {moved["id"], new["id"]}
    assert await stored(store) == await full_sync(folder, tmp_path)


async def test_broken_edits_are_refused_and_change_nothing(synced):
    folder, store = synced
    before = await stored(store)
    other = read_records(event_files(folder)[1])[0]
    path = event_files(folder)[0]
    edit_records(path, lambda records: records.append(dict(other)))  # an id given twice
    with pytest.raises(SeedError, match="duplicate id, first defined in events/"):
        await store.update_seeds(folder)
    edit_records(path, lambda records: records.pop())
    edit_event(folder, lambda e: True, lambda e: e.update(topics=["no-such-topic"]))
    with pytest.raises(SeedError) as caught:
        await store.update_seeds(folder)
    [problem] = caught.value.problems
    assert problem.file == f"events/{path.name}" and problem.field == "topics[0]"
    assert "unknown topic 'no-such-topic'" in problem.message
    assert await stored(store) == before


async def test_a_gazetteer_change_reads_the_whole_folder(synced, tmp_path):
    folder, store = synced
    edit_records(folder / "topics.yaml", lambda topics: topics[0]["aliases"].update(en=["x1"]))
    update = await store.update_seeds(folder)
    assert update.full
    assert await stored(store) == await full_sync(folder, tmp_path)


def _problems(error: SeedError) -> list[tuple]:
    return [(p.file, p.record, p.field, p.line, p.message) for p in error.value.problems]


async def test_an_edit_inside_one_record_is_reported_as_a_full_load_reports_it(synced):
    folder, store = synced
    path = folder / "events" / "2024-12-malta-osce-mc31.yaml"
    write_records(path, read_records(path))  # as an editor's tool writes it, then synced
    await store.update_seeds(folder)
    before = await stored(store)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    starts = [n for n, line in enumerate(lines) if line.startswith("- ")]
    kind = next(n for n in range(starts[2], starts[3]) if lines[n].startswith("  kind:"))
    for broken in (
        [*lines[: kind + 1], lines[kind], *lines[kind + 1 :]],  # a key given twice
        [*lines[: kind + 1], "  title: [unclosed\n", *lines[kind + 1 :]],  # YAML syntax
    ):
        path.write_text("".join(broken), encoding="utf-8")
        with pytest.raises(SeedError) as incremental:
            await store.update_seeds(folder)
        with pytest.raises(SeedError) as full:
            load_seeds(folder)
        assert _problems(incremental) == _problems(full)
        assert incremental.value.problems[0].line is not None
    assert await stored(store) == before


async def test_removing_an_event_another_file_is_part_of_is_refused(synced):
    folder, store = synced
    path = folder / "events" / "2024-12-malta-osce-mc31.yaml"
    records = read_records(path)
    parent = next(r for r in records if not r.get("part_of"))
    child = next(r for r in records if r.get("part_of") == parent["id"])
    write_records(path, [r for r in records if r is not child])
    write_records(folder / "events" / "zz-child.yaml", [child])
    update = await store.update_seeds(folder)
    assert not update.full and update.result.changed == update.result.added == 0
    write_records(path, [r for r in records if r not in (child, parent)])
    with pytest.raises(SeedError) as caught:
        await store.update_seeds(folder)
    named = {(p.file, p.record, p.field) for p in caught.value.problems}
    assert ("events/zz-child.yaml", child["id"], "part_of") in named  # the file not read
    with pytest.raises(SeedError, match="unknown event"):
        load_seeds(folder)  # a full load refuses it too


def _write_json_lines(path: Path, records: list[dict]) -> None:
    lines = [json.dumps(record, ensure_ascii=False) for record in records]
    path.write_text("[\n" + ",\n".join(lines) + "\n]\n", encoding="utf-8")


async def test_a_json_events_file_edited_in_one_record_syncs_as_a_full_load(synced, tmp_path):
    folder, store = synced
    path = folder / "events" / "2024-12-malta-osce-mc31.yaml"
    records = read_records(path)
    _write_json_lines(path, records)  # one record a line, as generated files are
    first = await store.update_seeds(folder)
    assert not first.full and first.upserted == ()
    records[3]["summary"] = localized("Edited in JSON.")
    _write_json_lines(path, records)
    update = await store.update_seeds(folder, current=first.seeds)
    assert [e.id for e in update.upserted] == [records[3]["id"]]
    assert await stored(store) == await full_sync(folder, mkdir(tmp_path / "a"))
    records[4]["summary"] = localized("Edited again.")
    lines = [json.dumps(record, ensure_ascii=False) for record in records]
    lines[4:6] = [lines[4] + ", " + lines[5]]  # two records on one line: read as plain JSON
    path.write_text("[\n" + ",\n".join(lines) + "\n]\n", encoding="utf-8")
    again = await store.update_seeds(folder, current=update.seeds)
    assert [e.id for e in again.upserted] == [records[4]["id"]]
    assert again.seeds.events[records[4]["id"]].summary.en == "Edited again."
    assert await stored(store) == await full_sync(folder, mkdir(tmp_path / "b"))


def mkdir(path: Path) -> Path:
    path.mkdir()
    return path


async def test_a_full_read_hashes_each_file_as_a_scan_does(synced, tmp_path):
    # A first sync reads every file once, hashing it as it parses it (HashingReader): what it
    # records is what a scan that hashes every file finds, stray files included.
    folder, _ = synced
    (folder / "notes.txt").write_text("not a seed file", encoding="utf-8")
    fresh = SqliteSeedStore(await Database.open(tmp_path / "fresh.sqlite3"))
    try:
        await fresh.update_seeds(folder)
        assert await fresh._seed_files() == file_hashes(folder)
        assert await fresh.stored_fingerprint() == seeds_fingerprint(folder)
        assert not (await fresh.update_seeds(folder)).full  # the next start reads nothing
    finally:
        await fresh.database.close()


async def test_syncs_told_the_files_written_end_where_full_syncs_end(synced, tmp_path):
    """With a folder watch, each sync stats only the files written since the last one, and
    still ends where a full sync ends: an edit, a new file, a removed file, an editor's hidden
    swap file, a broken edit refused and then fixed, a new directory (every file scanned)."""
    from bot.records.watch import FolderWatch, watched_sync

    folder, store = synced
    watch = FolderWatch.start(folder)
    assert watch is not None  # a local file system on Linux
    seeds = (await store.update_seeds(folder)).seeds

    async def sync() -> frozenset[str] | None:
        nonlocal seeds
        async with watched_sync(watch) as written:
            seeds = (await store.update_seeds(folder, current=seeds, written=written)).seeds
        assert await stored(store) == await full_sync(folder, tmp_path)
        assert await store.stored_fingerprint() == seeds_fingerprint(folder)
        return written

    try:
        assert await sync() is None  # the first: every file
        edited = edit_event(folder, lambda e: True, lambda e: e.update(summary=localized("W")))
        assert await sync() == {event_files(folder)[0].relative_to(folder).as_posix()}
        assert seeds.events[edited["id"]].summary.en == "W"
        new = {**read_records(event_files(folder)[0])[0], "id": "2026-02-02-watched"}
        write_records(folder / "events" / "zz-watched.yaml", [new])
        (folder / "events" / ".zz-watched.yaml.swp").write_bytes(b"\0vim swap")
        assert await sync() == {"events/zz-watched.yaml", "events/.zz-watched.yaml.swp"}
        assert "2026-02-02-watched" in seeds.events
        edit_records(folder / "events" / "zz-watched.yaml", lambda r: r[0].update(kind="party"))
        with pytest.raises(SeedError):
            await sync()
        (folder / "events" / "zz-watched.yaml").unlink()  # the fix: the file goes
        assert await sync() == {"events/zz-watched.yaml"}  # still pending after the failure
        assert "2026-02-02-watched" not in seeds.events
        (folder / "extra").mkdir()
        (folder / "extra" / "notes.txt").write_text("an editor's notes", encoding="utf-8")
        assert await sync() is None  # a directory came: every file is scanned
        assert await sync() == frozenset()
    finally:
        watch.close()
