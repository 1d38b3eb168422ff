"""Hostile seeds folders: `check` and `load` refuse them by name with exit 2, in bounded time and
memory (issue 11, red-team F11/F12: a 200 MB file took 2.8 GB, /dev/zero a MemoryError, a FIFO
hung both commands, a directory loop gave a traceback, a bad IANA zone passed `check`)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.cli import main
from bot.records.loading import MAX_SEED_FILE_BYTES
from tests.support.seedcopy import edit_records, write_minimal_seeds


@pytest.fixture
def minimal(tmp_path: Path) -> Path:
    return write_minimal_seeds(tmp_path / "seeds")


def refused(folder: Path, tmp_path: Path, capsys) -> str:
    """Run check and load on `folder`; both must exit 2 without writing; return check's stderr."""
    assert main(["check", "--seeds", str(folder)]) == 2
    err = capsys.readouterr().err
    db = tmp_path / "db" / "bot.sqlite3"
    assert main(["load", "--seeds", str(folder), "--db", str(db)]) == 2
    capsys.readouterr()
    assert not db.exists()
    return err


def test_an_unknown_iana_zone_fails_check(minimal, tmp_path, capsys):
    def break_zone(records: list) -> None:
        city = next(r for r in records if r["kind"] == "city")
        city["timezone"] = "Mars/Olympus_Mons"

    edit_records(minimal / "places.yaml", break_zone)
    err = refused(minimal, tmp_path, capsys)
    assert "places.yaml: record" in err and "timezone" in err
    assert "'Mars/Olympus_Mons' is not an IANA time zone" in err


def test_a_file_over_the_size_limit_is_refused_unread(minimal, tmp_path, capsys):
    big = minimal / "events" / "zz-big.yaml"
    with big.open("wb") as file:  # sparse: no disk, and the loader must not read it
        file.truncate(MAX_SEED_FILE_BYTES + 1)
    err = refused(minimal, tmp_path, capsys)
    assert "events/zz-big.yaml: the file is 20 MB; a seed file may be at most 20 MB" in err


def test_a_link_to_dev_zero_is_refused(minimal, tmp_path, capsys):
    (minimal / "events" / "zz.yaml").symlink_to("/dev/zero")
    err = refused(minimal, tmp_path, capsys)
    assert "events/zz.yaml: a link that points outside the seeds folder" in err


def test_a_link_to_a_file_outside_is_refused(minimal, tmp_path, capsys):
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("[]\n")
    (minimal / "events" / "zz.yaml").symlink_to(outside)
    err = refused(minimal, tmp_path, capsys)
    assert "events/zz.yaml: a link that points outside the seeds folder" in err


def test_a_fifo_is_refused_without_waiting(minimal, tmp_path, capsys):
    os.mkfifo(minimal / "events" / "zz.yaml")
    err = refused(minimal, tmp_path, capsys)
    assert "events/zz.yaml: not a regular file" in err


def test_a_directory_link_loop_is_refused(minimal, tmp_path, capsys):
    (minimal / "loop").symlink_to(".")
    err = refused(minimal, tmp_path, capsys)
    assert "loop: a directory reached a second time" in err
    assert "Traceback" not in err


def test_a_self_referencing_link_is_refused(minimal, tmp_path, capsys):
    (minimal / "events" / "self.yaml").symlink_to("self.yaml")
    err = refused(minimal, tmp_path, capsys)
    assert "events/self.yaml: a symbolic link loop" in err or "events/self.yaml: cannot" in err
