"""Group commit on a real SQLite file: shared commits, durable on return, failures kept apart."""

from __future__ import annotations

import asyncio
import sqlite3

import aiosqlite
import pytest

from bot.storage.sqlite.group_commit import GroupCommit

INSERT = "INSERT INTO notes (id, body) VALUES (?, ?)"


@pytest.fixture
async def db(tmp_path):
    db = await aiosqlite.connect(tmp_path / "notes.sqlite3")
    await db.execute("PRAGMA journal_mode = WAL")
    await db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT CHECK (body != ''))")
    await db.commit()
    yield db
    await db.close()


def committed(path) -> list[int]:
    """The ids another connection sees (only committed rows)."""
    with sqlite3.connect(path) as other:
        return [row[0] for row in other.execute("SELECT id FROM notes ORDER BY id")]


async def test_concurrent_writers_share_one_commit_and_are_durable_on_return(db, tmp_path):
    group = GroupCommit(db)
    await asyncio.gather(*(group.write([(INSERT, (n, f"note {n}"))]) for n in range(10)))
    assert committed(tmp_path / "notes.sqlite3") == list(range(10))
    assert group.commits == 1


async def test_a_failing_write_fails_alone(db, tmp_path):
    group = GroupCommit(db)
    writes = [group.write([(INSERT, (n, "" if n == 3 else f"note {n}"))]) for n in range(6)]
    results = await asyncio.gather(*writes, return_exceptions=True)
    assert isinstance(results[3], sqlite3.IntegrityError)
    assert [r for i, r in enumerate(results) if i != 3] == [None] * 5
    assert committed(tmp_path / "notes.sqlite3") == [0, 1, 2, 4, 5]
    await group.write([(INSERT, (9, "after"))])  # the group keeps working afterwards
    assert 9 in committed(tmp_path / "notes.sqlite3")
