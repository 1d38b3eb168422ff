"""The Engine: opens storage + seeds + index, reloads atomically, remembers chat languages."""

from __future__ import annotations

import logging
import sqlite3

import pytest

from bot.engine import Engine, Rebuild
from bot.records.loading import SeedError, load_seeds
from bot.search.index import SearchIndex
from bot.settings import Settings
from tests.support.seedcopy import copy_seeds, edit_event, edit_records, localized


@pytest.fixture
async def engine(tmp_path):
    seeds = copy_seeds(tmp_path)
    engine = Engine(Settings(db_path=tmp_path / "db" / "bot.sqlite3", seeds_dir=seeds))
    await engine.open()
    yield engine
    await engine.close()


async def test_open_loads_the_seeds_and_builds_the_index(engine):
    assert engine.seeds.events and engine.seeds.people
    assert engine.index is not None
    assert (await engine.stats.collect()).events == len(engine.seeds.events)


async def test_reload_picks_up_an_edit(engine):
    edited = edit_event(
        engine.settings.seeds_dir,
        lambda e: True,
        lambda e: e.update(summary=localized("Edited summary")),
    )
    result = await engine.reload()
    assert result.touched
    assert engine.seeds.events[edited["id"]].summary.en == "Edited summary"


async def test_reload_with_broken_seeds_keeps_the_running_data(engine):
    before_seeds, before_index = engine.seeds, engine.index
    edit_event(engine.settings.seeds_dir, lambda e: True, lambda e: e.update(kind="party"))
    with pytest.raises(SeedError) as caught:
        await engine.reload()
    assert any(problem.field and "kind" in problem.field for problem in caught.value.problems)
    assert engine.seeds is before_seeds and engine.index is before_index


async def test_a_restart_on_broken_seeds_uses_the_last_good_copy(engine, tmp_path):
    count = len(engine.seeds.events)
    await engine.close()
    edit_event(engine.settings.seeds_dir, lambda e: True, lambda e: e.update(kind="party"))
    again = Engine(engine.settings)
    await again.open()
    try:
        assert len(again.seeds.events) == count
    finally:
        await again.close()


async def test_first_start_on_broken_seeds_fails_loudly(tmp_path):
    seeds = copy_seeds(tmp_path)
    edit_event(seeds, lambda e: True, lambda e: e.update(kind="party"))
    engine = Engine(Settings(db_path=tmp_path / "bot.sqlite3", seeds_dir=seeds))
    with pytest.raises(SeedError):
        await engine.open()
    assert not engine.is_open


async def test_chat_language_prefers_the_chat_choice_then_telegram_then_english(engine):
    assert await engine.chat_language(5, "ru-RU") == "ru"
    assert await engine.chat_language(5, "de") == "en"
    assert await engine.chat_language(None, "kk") == "kk"
    await engine.set_chat_language(5, "private", "kk")
    assert await engine.chat_language(5, "ru") == "kk"
    await engine.set_chat_language(5, "private", "en")
    assert await engine.chat_language(5, "ru") == "en"
    with pytest.raises(ValueError):
        await engine.set_chat_language(5, "private", "de")  # type: ignore[arg-type]


async def test_a_second_start_on_unchanged_seeds_loads_the_stored_index(engine, tmp_path):
    assert engine.index_source == "built" and engine.index_builds == 1
    expected = engine.index.search_events("OSCE Vienna", 5)
    await engine.close()
    again = Engine(engine.settings)
    await again.open()
    try:
        assert again.index_source == "loaded" and again.index_builds == 0
        assert again.index.search_events("OSCE Vienna", 5) == expected
        assert again.seeds.events.cached == 0  # nothing decoded to get started
        index = again.index
        result = await again.reload()  # nothing changed: nothing is read again or rebuilt
        assert again.index is index and again.index_builds == 0 and not result.touched
    finally:
        await again.close()


async def test_a_start_after_one_record_changed_updates_the_stored_index(engine):
    await engine.close()
    edited = edit_event(
        engine.settings.seeds_dir,
        lambda e: True,
        lambda e: e.update(summary=localized("Edited again")),
    )
    again = Engine(engine.settings)
    await again.open()
    try:  # the stored index, with the one changed event applied: no rebuild
        assert again.index_source == "loaded" and again.index_builds == 0
        assert [m.id for m in again.index.search_events("Edited again", 3)] == [edited["id"]]
        fresh = SearchIndex.build(load_seeds(engine.settings.seeds_dir))
        for query in ("Edited again", "OSCE Vienna", "Кошербаев"):
            assert again.index.search_events(query, 10) == fresh.search_events(query, 10)
        assert again.index.newest_event_ids() == fresh.newest_event_ids()
    finally:
        await again.close()


async def test_a_gazetteer_change_rebuilds_while_reading_and_says_how_far_it_got(
    engine, monkeypatch, caplog
):
    monkeypatch.setattr(Rebuild, "EVERY_S", 0.0)  # a real rebuild of 100,000 events takes long
    edit_records(engine.settings.seeds_dir / "topics.yaml",
                 lambda topics: topics[0]["aliases"].update(en=["Disarmament talks"]))  # fmt: skip
    builds = engine.index_builds
    with caplog.at_level(logging.WARNING, logger="bot.engine"):
        result = await engine.reload()
    assert result.by_kind["topic"]["changed"] == 1
    assert engine.index_source == "built" and engine.index_builds == builds + 1
    lines = [record.getMessage() for record in caplog.records]
    total = len(engine.seeds.events)
    assert any(line.startswith(f"rebuilding: {total} events read") for line in lines), lines
    assert any(line.startswith(f"rebuilt: {len(engine.seeds.events)} events") for line in lines)
    fresh = SearchIndex.build(load_seeds(engine.settings.seeds_dir))
    assert engine.index.find_topics("Disarmament talks") == fresh.find_topics("Disarmament talks")
    for query in ("OSCE Vienna", "Кошербаев", "water"):
        assert engine.index.search_events(query, 10) == fresh.search_events(query, 10)


async def test_a_start_without_a_stored_index_builds_it_from_storage_with_progress(
    engine, monkeypatch, caplog
):
    await engine.close()
    with sqlite3.connect(engine.settings.db_path) as db:  # as after a change to the matching code
        db.execute("DELETE FROM search_index")
    monkeypatch.setattr(Rebuild, "EVERY_S", 0.0)
    monkeypatch.setattr("bot.engine.REBUILD_BATCH", 7)
    again = Engine(engine.settings)
    with caplog.at_level(logging.WARNING, logger="bot.engine"):
        await again.open()
    try:
        assert again.index_source == "built"
        lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("rebuil")]
        assert len(lines) >= len(again.seeds.events) // 7  # a line per batch decoded
        fresh = SearchIndex.build(load_seeds(engine.settings.seeds_dir))
        assert again.index.newest_event_ids() == fresh.newest_event_ids()
        query = "OSCE Vienna"
        assert again.index.search_events(query, 10) == fresh.search_events(query, 10)
    finally:
        await again.close()
