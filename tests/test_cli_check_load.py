"""`python -m bot check` and `python -m bot load`: summaries, exit codes, untouched data."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.settings import PROJECT_ROOT
from tests.support.seedcopy import copy_seeds, edit_records, write_minimal_seeds


@pytest.fixture
def minimal(tmp_path: Path) -> Path:
    return write_minimal_seeds(tmp_path / "seeds")


def table_rows(db_path: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(db_path) as db:
        return {
            table: sorted(db.execute(f"SELECT * FROM {table}").fetchall())
            for table in ("meta", "gazetteer", "events", "article_texts")
        }


def test_check_prints_one_line_per_kind(minimal, capsys):
    assert main(["check", "--seeds", str(minimal)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"seeds: {minimal} (valid)"
    assert out[1:] == [
        "events: 2 (ministerial_council 1, bilateral_meeting 1)",
        "people: 1",
        "organizations: 2",
        "places: 3 (country 2, city 1)",
        "topics: 2",
        "anniversaries: 1",
        "articles: 1 (kk 1)",
        "future events: 1",
    ]


def test_check_lists_every_problem_and_exits_2(minimal, capsys):
    edit_records(minimal / "topics.yaml", lambda r: r[0].update(parent="no-such-topic"))
    edit_records(minimal / "events/b-sidelines.yaml", lambda r: r[0].update(kind="tea_party"))
    assert main(["check", "--seeds", str(minimal)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert lines[0] == "2 problems in the seeds:"
    # sorted by file, then line
    assert lines[1].startswith("events/b-sidelines.yaml: record vienna-sideline (line 1): kind:")
    assert lines[2].startswith("topics.yaml: record security (line 1): parent: unknown topic")


def test_check_of_a_missing_folder_exits_2(tmp_path, capsys):
    assert main(["check", "--seeds", str(tmp_path / "nope")]) == 2
    assert "the seeds folder does not exist" in capsys.readouterr().err


def test_load_reports_changes_and_is_idempotent(minimal, tmp_path, capsys):
    db_path = tmp_path / "data" / "bot.sqlite3"
    assert main(["load", "--seeds", str(minimal), "--db", str(db_path)]) == 0
    first = capsys.readouterr().out.splitlines()
    assert "events: 2 added, 0 changed, 0 removed, 0 unchanged" in first
    assert first[-1] == "total: 13 added, 0 changed, 0 removed, 0 unchanged"
    stored = table_rows(db_path)
    assert main(["load", "--seeds", str(minimal), "--db", str(db_path)]) == 0
    second = capsys.readouterr().out.splitlines()
    assert "events: 0 added, 0 changed, 0 removed, 2 unchanged" in second
    assert second[-1] == "total: 0 added, 0 changed, 0 removed, 13 unchanged"
    again = table_rows(db_path)
    assert again.pop("meta") != stored.pop("meta")  # the sync time only
    assert again == stored


def test_load_of_bad_seeds_exits_2_and_keeps_the_data(minimal, tmp_path, capsys):
    db_path = tmp_path / "bot.sqlite3"
    assert main(["load", "--seeds", str(minimal), "--db", str(db_path)]) == 0
    before = table_rows(db_path)
    capsys.readouterr()
    edit_records(minimal / "people.yaml", lambda r: r[0].pop("name"))
    assert main(["load", "--seeds", str(minimal), "--db", str(db_path)]) == 2
    err = capsys.readouterr().err
    assert "people.yaml: record kosherbayev-yermek (line 1): name: Field required" in err
    assert f"nothing was written to {db_path}" in err
    assert table_rows(db_path) == before


def test_load_of_bad_seeds_creates_no_database(minimal, tmp_path):
    (minimal / "articles.yaml").write_text("- id: [broken\n")
    db_path = tmp_path / "fresh" / "bot.sqlite3"
    assert main(["load", "--seeds", str(minimal), "--db", str(db_path)]) == 2
    assert not db_path.exists()


def test_python_dash_m_bot_check_on_the_real_seeds(tmp_path):
    folder = copy_seeds(tmp_path)
    env = {key: value for key, value in os.environ.items() if not key.startswith("BOT_")}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "check", "--seeds", str(folder)],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1].startswith("events: ")
    assert "articles: 5 (kk 3, ru 2)" in done.stdout
