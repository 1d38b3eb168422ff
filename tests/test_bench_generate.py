"""The benchmark's data generator and harness, at a tiny scale (no timing assertions here)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from bench import run as bench_run
from bench.generate import generate_seedset, insert_subscriptions, write_seeds_folder
from bench.names import KK_TO_RU, kazakh_name, latinize
from bench.queries import command_queries, mix_scripts
from bot.records.loading import load_seeds


@pytest.mark.parametrize("style", ["yaml", "json"])
def test_generated_folder_loads_back_with_every_reference_valid(tmp_path: Path, style: str) -> None:
    seeds = generate_seedset(80, seed=3, validate=True)
    write_seeds_folder(seeds, tmp_path / "seeds", style=style)

    loaded = load_seeds(tmp_path / "seeds")  # raises SeedError on any broken reference or quote

    assert loaded.events == seeds.events
    assert loaded.people == seeds.people
    assert loaded.counts()["events"] == 80
    assert loaded.counts()["articles"] == 40


def test_generation_is_deterministic_from_the_seed() -> None:
    first, again, other = (generate_seedset(30, seed=s) for s in (5, 5, 6))
    assert first.events == again.events and first.people == again.people
    assert first.events != other.events


def test_every_event_has_titles_and_summaries_in_three_languages_and_real_topics() -> None:
    seeds = generate_seedset(50, seed=2)
    for event in seeds.events.values():
        for text in (event.title, event.summary):
            assert text.kk and text.ru and text.en
        assert set(event.topics) <= set(seeds.topics)
        assert all(p.person in seeds.people for p in event.participants)


def test_kazakh_names_have_kazakh_russian_and_latin_forms() -> None:
    import random

    assert latinize("Көшербаев".translate(KK_TO_RU)) == "Kosherbayev"
    name = kazakh_name(random.Random(4))
    assert name.ru == name.kk.translate(KK_TO_RU)
    assert name.en.isascii()


def test_queries_mix_scripts_and_cover_every_command() -> None:
    import random

    mixed = mix_scripts("Көшербаев", random.Random(1))
    assert any(c.isascii() for c in mixed) and any(not c.isascii() for c in mixed)
    queries = command_queries(generate_seedset(40, seed=1), 10)
    assert set(queries) == {"minister", "topic", "meetings", "search"}
    assert all(len(found) == 10 and all(q.strip() for q in found) for found in queries.values())


def test_subscriptions_are_stored_for_every_chat(tmp_path: Path) -> None:
    import asyncio

    from bench.generate import sync_into_database

    seeds = generate_seedset(20, seed=1)
    db_path = tmp_path / "bot.sqlite3"
    asyncio.run(sync_into_database(seeds, db_path))
    insert_subscriptions(db_path, 25, sorted(seeds.topics))
    with sqlite3.connect(db_path) as db:
        count, languages = db.execute(
            "SELECT COUNT(*), COUNT(DISTINCT language) FROM subscriptions WHERE active = 1"
        ).fetchone()
    assert count == 25 and languages == 3


def test_harness_runs_end_to_end_and_writes_its_json(tmp_path: Path, capsys) -> None:
    out = tmp_path / "figures.json"
    argv = ["--events", "60", "--queries", "4", "--coldstarts", "1", "--chats", "40"]
    argv += ["--digest-budget", "2", "--delivery-chats", "15", "--window", "1"]
    argv += ["--baseline-budget", "1", "--json", str(out), "--data", str(tmp_path / "data")]
    argv += ["--broadcast-window", "1"]

    assert bench_run.main(argv) == 0

    figures = json.loads(out.read_text())
    (scale,) = figures["scales"]
    assert scale["prepare"]["counts"]["events"] == 60
    assert scale["coldstart"][0]["reloaded_yaml"] is False  # cold start read the existing DB
    reloads = scale["updates"]["reload"]  # each edit applied to a running bot, in place
    assert reloads["changed_1"]["changed"] == 1 and reloads["new_100"]["added"] >= 50
    assert reloads["deleted_1"]["removed"] == 1
    assert reloads["changed_1"]["index_source"] == "updated"
    pooled = reloads["during_all"]  # replies asked during all eight reloads, pooled
    assert pooled["reloads"] == 8 and pooled["commands"]["n"] >= 8
    assert scale["updates"]["start_changed_1"]["index_source"] == "loaded"  # no rebuild
    assert scale["rebuild"]["index_source"] == "built"
    for command in ("minister", "topic", "meetings", "search"):
        row = scale["commands"]["commands"][command]
        assert row["index"]["n"] == 4 and row["baseline"]["n"] >= 1
        if row["handler_registered"]:
            assert row["handler"]["n"] == 4 and row["unanswered"] == 0
    assert scale["digest"]["composed"] >= 1
    raw = figures["delivery"]["raw"]
    assert raw["messages"] == raw["server_received"] == 15  # every due digest arrived, once
    printed = capsys.readouterr().out
    assert "| 60 | /search |" in printed
    assert "| 60 | /search and /minister, 8 reloads |" in printed
