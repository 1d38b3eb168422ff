"""Several bot instances (Engines) on one real PostgreSQL: seeds loaded once, and a change made
through one instance (/reload, `python -m bot load`) reaching the others within a tick."""

from __future__ import annotations

import asyncio
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bot.cli import main
from bot.engine import Engine
from bot.search.index import SearchIndex
from bot.settings import Settings
from tests.support.seedcopy import copy_seeds, edit_event, localized


def instance(pg_url: str, folder: Path, tmp_path: Path) -> Engine:
    return Engine(
        Settings(
            token=None, database_url=pg_url, seeds_dir=folder,
            db_path=tmp_path / "never-used.sqlite3", log_level="WARNING",
        )
    )  # fmt: skip


async def until(condition, seconds: float = 30.0) -> bool:
    """Wait (polling) until `condition()` holds; False if it never did within `seconds`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not condition():
        if loop.time() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


async def test_instances_starting_together_load_the_seeds_once(pg_url, tmp_path):
    folder = copy_seeds(tmp_path)
    engines = [instance(pg_url, folder, tmp_path) for _ in range(3)]
    try:
        results = await asyncio.gather(*(engine.open() for engine in engines))
        assert sum(result is not None for result in results) == 1  # one wrote, two read
        assert len({engine.seeds.fingerprint for engine in engines}) == 1
        assert all(engine.index is not None for engine in engines)
        again = instance(pg_url, folder, tmp_path)  # a later start on the same seeds
        assert await again.open() is None and again.index_source == "loaded"
        await again.close()
        assert not (tmp_path / "never-used.sqlite3").exists()
    finally:
        for engine in engines:
            await engine.close()


async def test_a_reload_on_one_instance_is_seen_by_the_other(pg_url, tmp_path):
    folder = copy_seeds(tmp_path)
    a = instance(pg_url, folder, tmp_path)
    b = instance(pg_url, tmp_path / "b-has-no-seeds-folder", tmp_path)  # b reads what a stored
    await a.open()
    await b.open()
    try:
        edited = edit_event(folder, lambda e: True, lambda e: e.update(summary=localized("Zyx")))
        event_id = edited["id"]
        builds = a.index_builds
        assert (await a.reload()).changed == 1
        assert a.seeds.events[event_id].summary.en == "Zyx"
        assert (a.index_source, a.index_builds) == ("updated", builds)  # applied, not rebuilt
        # b hears the notification and swaps in the new seeds and index
        assert await until(lambda: b.seeds.events[event_id].summary.en == "Zyx")
        assert b.seeds.fingerprint == a.seeds.fingerprint
        assert b.index is not None
        assert [e.id for e in b.index.search_events("Zyx", 5)][:1] == [event_id]

        # Notifications lost (b's listener went away): b catches up on its next tick.
        changes = b.repositories.changes
        assert changes is not None
        await changes.close()
        await asyncio.sleep(0.2)
        await b.refresh()  # whatever b was still catching up with is done
        again = localized("Qwv")
        edit_event(folder, lambda e: e["id"] == event_id, lambda e: e.update(summary=again))
        await a.reload()
        await asyncio.sleep(0.5)
        assert b.seeds.events[event_id].summary.en == "Zyx"  # nothing heard
        await b.check_data_version()  # the tick (which listens again, too)
        assert await until(lambda: b.seeds.events[event_id].summary.en == "Qwv")
        assert b.seeds.fingerprint == a.seeds.fingerprint
    finally:
        await a.close()
        await b.close()


async def test_the_stored_index_keeps_the_other_code_versions_set(pg_url, tmp_path):
    folder = copy_seeds(tmp_path)
    a = instance(pg_url, folder, tmp_path)
    await a.open()
    try:
        store = a.seedstore
        blobs = await store.load_index_blobs(None, SearchIndex.VERSION)
        assert blobs is not None
        # an older code version of a rolling deploy stored its own set: both stay
        await store.save_index_blobs(a.seeds.fingerprint, SearchIndex.VERSION - 1, {"x": b"old"})
        await store.save_index_blobs(a.seeds.fingerprint, SearchIndex.VERSION, blobs)
        assert await store.load_index_blobs(None, SearchIndex.VERSION - 1) == {"x": b"old"}
        assert await store.load_index_blobs(None, SearchIndex.VERSION) == blobs
        await store.save_index_blobs(a.seeds.fingerprint, SearchIndex.VERSION + 1, {"y": b"new"})
        assert await store.load_index_blobs(None, SearchIndex.VERSION - 1) is None  # two kept
    finally:
        await a.close()


async def test_load_fills_postgresql_and_the_next_start_writes_nothing(
    pg_url, tmp_path, monkeypatch, capsys
):
    folder = copy_seeds(tmp_path)
    monkeypatch.setenv("BOT_DATABASE_URL", pg_url)
    monkeypatch.delenv("BOT_DB", raising=False)
    assert await asyncio.to_thread(main, ["load", "--seeds", str(folder)]) == 0
    out = capsys.readouterr().out
    password = urlsplit(pg_url).password
    assert "loaded" in out and "into postgresql://" in out and "events:" in out
    assert not password or password not in out
    engine = instance(pg_url, folder, tmp_path)
    assert await engine.open() is None  # loaded already: the start only reads
    await engine.close()


async def test_an_unreachable_database_is_one_line_without_the_password(
    pg_url, tmp_path, monkeypatch, capsys
):
    parts = urlsplit(pg_url)
    wrong = urlunsplit(parts._replace(netloc=f"{parts.username}:s3cret-pw@{parts.hostname}:1"))
    monkeypatch.setenv("BOT_DATABASE_URL", wrong)
    folder = copy_seeds(tmp_path)
    assert await asyncio.to_thread(main, ["load", "--seeds", str(folder)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("BOT_DATABASE_URL: cannot connect to") and "\n" not in err
    assert "s3cret-pw" not in err
