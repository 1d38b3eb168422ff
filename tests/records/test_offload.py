"""A large folder's full read with a second process stores, indexes and reports exactly what a
read in one process does (bot/records/offload.py).

The real seeds are small, so each case lowers the size from which a second process reads
events files to nothing (`offload_min_bytes=0`); the process is a real spawned one. On so small
a folder the first process would claim every file before the second one has started, so the
cases that need the second one to read files leave it all the later files
(`second_reads_the_later_files`); `test_each_file_is_claimed_by_one_process` checks the claims.
"""

from __future__ import annotations

import logging
import multiprocessing
from pathlib import Path

import pytest

from bot.engine import Rebuild
from bot.records import offload as offload_module
from bot.records.loading import Offload, SeedError, stream_seeds
from bot.records.offload import SecondReader, _claim_first, _claim_second, _cores
from bot.storage.sqlite import open_sqlite
from tests.support.seedcopy import copy_seeds, edit_records, event_files, read_records

SECOND = "bot.records.loading"


@pytest.fixture
def second_reads_the_later_files(monkeypatch):
    """The first process claims none of the files after the first: the second one reads them."""
    monkeypatch.setattr(offload_module, "_claim_first", lambda claims, position: False)


async def _sync(folder: Path, db: Path, offload_min_bytes: int | None):
    """A full read of `folder` into a new SQLite file, with the index built as it is read:
    (stored rows, stored file hashes, the index's bytes)."""
    repos = await open_sqlite(db)
    try:
        rebuild = Rebuild(offload_min_bytes)
        update = await repos.seedstore.update_seeds(folder, on_events=rebuild)
        index = rebuild.index(update.seeds)
        database = repos.seedstore.database  # type: ignore[attr-defined]
        rows = await database.fetchall(
            "SELECT id, kind, date_value, sort_date, city, country, part_of, content_hash, packed"
            " FROM events ORDER BY id"
        )
        files = await database.fetchall("SELECT * FROM seed_files ORDER BY path")
        return rows, files, index.dump()
    finally:
        await repos.close()


async def test_a_folder_read_with_a_second_process_is_stored_and_indexed_as_by_one(
    tmp_path, caplog, second_reads_the_later_files
):
    if _cores() < 2:
        pytest.skip("this machine has a single core: a full read never starts a second process")
    folder = copy_seeds(tmp_path)
    alone = await _sync(folder, tmp_path / "one.sqlite3", None)
    with caplog.at_level(logging.INFO, logger=SECOND):
        shared = await _sync(folder, tmp_path / "two.sqlite3", 0)
    taken = [r.getMessage() for r in caplog.records if "second process" in r.getMessage()]
    assert taken and not taken[0].startswith("read 0 "), taken  # it did read some files
    assert shared[0] == alone[0] and len(alone[0]) > 20  # the same rows, packed the same
    assert shared[1] == alone[1]  # the same file hashes, event ids and record digests
    assert shared[2] == alone[2]  # the same index, byte for byte


def _problems(folder: Path, offload: Offload | None) -> list[str]:
    with pytest.raises(SeedError) as caught:
        if offload is None:
            stream_seeds(folder, lambda seeds, events: None)
        else:
            with _started(folder, offload) as second:
                stream_seeds(folder, lambda seeds, events: None, None, second)
    return [str(problem) for problem in caught.value.problems]


def _started(folder: Path, offload: Offload) -> SecondReader:
    second = SecondReader.start(folder, offload)
    if second is None:
        pytest.skip("this machine has a single core: a full read never starts a second process")
    return second


def test_problems_in_the_files_the_second_process_reads_are_reported_as_by_one(
    tmp_path, second_reads_the_later_files
):
    folder = copy_seeds(tmp_path)
    files = event_files(folder)
    first_id = read_records(files[0])[0]["id"]

    def break_last(records: list) -> None:
        records[0]["date"]["value"] = "2025-13-40"  # not a date
        records[-1]["id"] = first_id  # an id the first file gave

    edit_records(files[-1], break_last)
    taken: list = []
    offload = Offload(_no_work, lambda seeds, payload: taken.append(payload), 0)
    shared = _problems(folder, offload)
    assert shared == _problems(folder, None)
    assert any("duplicate id, first defined in" in problem for problem in shared), shared
    assert any(files[-1].name in problem and "date" in problem for problem in shared), shared


def test_when_the_second_process_fails_its_files_are_read_here(
    tmp_path, caplog, second_reads_the_later_files
):
    folder = copy_seeds(tmp_path)
    seen: list[str] = []
    taken: list = []
    offload = Offload(_failing_work, lambda seeds, payload: taken.append(payload), 0)
    with caplog.at_level(logging.WARNING), _started(folder, offload) as second:
        stream_seeds(folder, lambda seeds, events: seen.extend(e.id for e in events), None, second)
    expected: list[str] = []
    stream_seeds(folder, lambda seeds, events: expected.extend(e.id for e in events))
    assert seen == expected and not taken  # every event reached the sink, in file order
    failed = [r for r in caplog.records if "second seeds reader failed" in r.getMessage()]
    assert len(failed) == 1, failed  # said once, not once a file


async def test_a_read_where_the_first_process_claims_files_too_is_the_same(tmp_path):
    """The claims as they fall (here the first process takes most or all of a small folder)."""
    if _cores() < 2:
        pytest.skip("this machine has a single core: a full read never starts a second process")
    folder = copy_seeds(tmp_path)
    alone = await _sync(folder, tmp_path / "one.sqlite3", None)
    assert await _sync(folder, tmp_path / "two.sqlite3", 0) == alone


def test_each_file_is_claimed_by_one_process():
    """The first process claims from the first file on, the second from the last back; a file
    either reached is the other's no more, so they meet without a gap or an overlap."""
    claims = multiprocessing.get_context("spawn").Array("i", [0, 6])  # files 1..5
    assert _claim_second(claims, 5) and _claim_second(claims, 4)
    assert _claim_first(claims, 1) and _claim_first(claims, 2)
    assert not _claim_first(claims, 4)  # the second one's already
    assert _claim_first(claims, 3)
    assert not _claim_second(claims, 3) and not _claim_second(claims, 2)
    assert list(claims) == [3, 4]


def _no_work(seeds, events) -> None:
    return None


def _failing_work(seeds, events) -> None:
    raise RuntimeError("the second process's work failed")


def test_a_machine_that_cannot_start_a_process_reads_in_one(tmp_path, monkeypatch, caplog):
    """No shared semaphores (a container without /dev/shm), a process limit: the read goes
    on in one process, with a warning, instead of failing."""
    import bot.records.offload as offload_module

    def refuse(*args, **kwargs):
        raise OSError(38, "Function not implemented")

    if _cores() < 2:
        pytest.skip("this machine has a single core: a full read never starts a second process")
    monkeypatch.setattr(offload_module, "ProcessPoolExecutor", refuse)
    folder = copy_seeds(tmp_path)
    with caplog.at_level(logging.WARNING):
        second = SecondReader.start(folder, Offload(_no_work, lambda seeds, payload: None, 0))
    assert second is None
    assert any("reading in one process" in r.getMessage() for r in caplog.records)
