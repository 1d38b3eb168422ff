"""The folder watch tells which seed files were written since the last settled sync, and says
when it cannot tell (then every file is scanned)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.records import watch as watching
from bot.records.loading import scan_folder
from bot.records.watch import FolderWatch, watched_sync


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "seeds"
    (root / "events").mkdir(parents=True)
    (root / "people.yaml").write_text("[]\n", encoding="utf-8")
    (root / "events" / "a.yaml").write_text("[]\n", encoding="utf-8")
    return root


@pytest.fixture
def watch(folder: Path):
    started = FolderWatch.start(folder)
    assert started is not None
    assert started.written() is None  # nothing is known before the first full scan
    yield started
    started.close()


def test_a_write_by_another_process_is_seen_at_once(folder, watch):
    script = "import sys; open(sys.argv[1], 'a').write('# edited\\n')"
    subprocess.run([sys.executable, "-c", script, str(folder / "events" / "a.yaml")], check=True)
    assert watch.written() == {"events/a.yaml"}


async def test_files_are_forgotten_only_once_their_sync_succeeded(folder, watch):
    (folder / "people.yaml").write_text("[1]\n", encoding="utf-8")
    with pytest.raises(RuntimeError):
        async with watched_sync(watch) as written:
            assert written == {"people.yaml"}
            raise RuntimeError("the folder has problems")
    (folder / "events" / "a.yaml").unlink()
    async with watched_sync(watch) as written:
        assert written == {"people.yaml", "events/a.yaml"}
    assert watch.written() == frozenset()


async def test_a_new_directory_or_a_failed_full_scan_means_scanning_every_file(folder, watch):
    (folder / "articles").mkdir()
    assert watch.written() is None
    (folder / "articles" / "x.txt").write_text("text", encoding="utf-8")
    assert watch.written() == {"articles/x.txt"}  # the new directory is watched now
    with pytest.raises(RuntimeError):
        async with watched_sync(watch, trusted=False) as written:
            assert written is None
            raise RuntimeError("broken")
    assert watch.written() is None


async def test_drafts_and_hidden_folders_are_not_watched_and_a_link_stops_the_watch(folder, watch):
    (folder / "drafts").mkdir()
    (folder / ".git").mkdir()
    assert watch.written() is None
    (folder / "drafts" / "d.yaml").write_text("[]", encoding="utf-8")
    (folder / ".git" / "index").write_text("x", encoding="utf-8")
    assert watch.written() == frozenset()
    (folder / "events" / "link.yaml").symlink_to(folder / "people.yaml")
    assert watch.written() == {"events/link.yaml"}
    async with watched_sync(watch, trusted=False):
        pass  # the watch is set up again, finds the link and gives up
    assert watch.written() is None


def test_no_watch_on_a_network_file_system(folder, monkeypatch):
    monkeypatch.setattr(watching, "file_system_of", lambda path: "nfs4")
    assert FolderWatch.start(folder) is None


def test_a_scan_of_the_files_written_agrees_with_a_full_scan(folder, watch):
    known = scan_folder(folder).hashes
    (folder / "events" / "a.yaml").write_text("[] # changed\n", encoding="utf-8")
    (folder / "events" / "b.yaml").write_text("[]\n", encoding="utf-8")
    (folder / "people.yaml").unlink()
    (folder / ".hidden").write_text("x", encoding="utf-8")
    written = watch.written()
    assert written is not None
    assert scan_folder(folder, known, written) == scan_folder(folder, known)
