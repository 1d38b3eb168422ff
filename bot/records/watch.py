"""Which seed files a running bot must look at again: the kernel's list of files written
since the last sync (inotify), so `/reload` stats those files, not every one of 50,000.

A stat costs about 4 µs here, so a folder of 50,000 article files costs 0.2-0.3 s to scan
before anything is read; with the watch, one changed record costs the stat of one file. This
is what git's file-system monitor does for `git status`, and it is trusted no further:

- inotify queues an event during the write itself, so draining the queue without waiting
  (`written()`) sees every file written before the call, by this process or any other;
- when it cannot tell -- the queue overflowed, a directory was created, moved or removed,
  a watch could not be added, the folder is on a network file system (another machine's
  writes send no event), not Linux -- `written()` says so (None) and the caller scans every
  file, after which the watch is set up again;
- the files taken are forgotten only once the sync that read them succeeded (`settled`), so
  a folder with problems is looked at again on the next try.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

from bot.records.loading import DRAFTS_DIR

log = logging.getLogger(__name__)

# File systems where every write to the folder reaches this machine's kernel (not NFS, SMB,
# sshfs and the like: another machine's writes to those raise no event here).
LOCAL_FILE_SYSTEMS = frozenset(
    {"ext2", "ext3", "ext4", "xfs", "btrfs", "tmpfs", "overlay", "zfs", "f2fs", "jfs", "reiserfs"}
)


class FolderWatch:
    """The seed files written since the last settled sync, from inotify (`start`)."""

    def __init__(self, folder: Path, inotify: object, mask: int) -> None:
        self._folder = folder
        self._inotify = inotify
        self._mask = mask
        self._dirs: dict[int, str] = {}  # watch descriptor → directory relative to the folder
        self._pending: set[str] = set()
        self._lost = True  # nothing is known until the first full scan

    @classmethod
    def start(cls, folder: Path) -> FolderWatch | None:
        """A watch on `folder` and its directories, or None where it cannot be trusted (the
        reason logged): then every sync scans the folder."""
        if not sys.platform.startswith("linux"):
            return None
        fs = file_system_of(folder)
        if fs not in LOCAL_FILE_SYSTEMS:
            log.info("seed folder on %s: /reload scans every file", fs or "an unknown system")
            return None
        try:
            from inotify_simple import INotify, flags

            inotify = INotify(nonblocking=True)
        except (ImportError, OSError) as exc:
            log.info("no file watch (%s): /reload scans every file", exc)
            return None
        mask = (
            flags.MODIFY | flags.ATTRIB | flags.CLOSE_WRITE | flags.CREATE | flags.DELETE
            | flags.MOVED_FROM | flags.MOVED_TO | flags.DELETE_SELF | flags.MOVE_SELF
        )  # fmt: skip
        return cls(folder, inotify, int(mask))

    def close(self) -> None:
        self._inotify.close()  # type: ignore[attr-defined]

    def written(self) -> frozenset[str] | None:
        """The files (relative posix paths) written, created or removed since the last
        settled sync, or None when every file must be scanned (the watch is then set up
        again, before that scan: a write during it is seen next time)."""
        self._drain()
        if self._lost:
            self._rewatch()
            self._pending.clear()
            return None
        return frozenset(self._pending)

    def settled(self, written: frozenset[str] | None) -> None:
        """The sync given `written` succeeded: those files are as stored."""
        if written is not None:
            self._pending -= written

    def distrust(self) -> None:
        """Make the next `written()` say every file must be scanned."""
        self._lost = True

    def failed(self, written: frozenset[str] | None) -> None:
        """The sync given `written` failed: they stay pending (after a full scan: scan all)."""
        if written is None:
            self._lost = True

    def _drain(self) -> None:
        from inotify_simple import flags

        try:
            events = self._inotify.read(timeout=0)  # type: ignore[attr-defined]
        except OSError:
            self._lost = True
            return
        for event in events:
            if event.mask & (flags.Q_OVERFLOW | flags.IGNORED | flags.DELETE_SELF
                             | flags.MOVE_SELF | flags.ISDIR):  # fmt: skip
                self._lost = True  # a directory came or went: its files are unknown
                continue
            directory = self._dirs.get(event.wd)
            if directory is None:
                continue
            self._pending.add(directory + event.name)

    def _rewatch(self) -> None:
        """Watch the folder and every directory under it (again); `_lost` stays set if one
        cannot be watched (the inotify watch limit)."""
        inotify = self._inotify
        for wd in list(self._dirs):
            try:
                inotify.rm_watch(wd)  # type: ignore[attr-defined]
            except OSError:
                pass  # gone with its directory
        self._dirs.clear()
        try:
            inotify.read(timeout=0)  # type: ignore[attr-defined]  # the removed watches' events
            for directory, prefix in _directories(self._folder):
                wd = inotify.add_watch(directory, self._mask)  # type: ignore[attr-defined]
                self._dirs[wd] = prefix
        except _LinkFound:  # a write through a link names the target, not the link
            log.info("the seed folder holds a link: /reload scans every file")
            return
        except OSError as exc:
            log.warning("cannot watch the seed folder (%s): /reload scans every file", exc)
            return
        self._lost = False


class _LinkFound(Exception):
    """A symbolic link under the seed folder."""


@asynccontextmanager
async def watched_sync(
    watch: FolderWatch | None, trusted: bool = True
) -> AsyncIterator[frozenset[str] | None]:
    """The files `watch` saw written, for the sync of the block (None: scan every file), read
    in a worker thread (setting the watch up again lists the folder's directories); `settled`
    when the block succeeds, `failed` if it raises. `trusted=False`: the stored seeds may not
    be this folder's (another instance wrote them), so every file is scanned."""
    if watch is None:
        yield None
        return
    if not trusted:
        watch.distrust()
    written = await asyncio.to_thread(watch.written)
    try:
        yield written
    except BaseException:
        watch.failed(written)
        raise
    watch.settled(written)


def _directories(folder: Path) -> Iterator[tuple[str, str]]:
    """(path, relative prefix ending in "/", "" for the folder) of the folder and of each
    directory under it that seed files can be in (as `bot.records.loading` lists them: no
    hidden ones, no drafts); raises `_LinkFound` at a symbolic link."""
    pending = [(os.fspath(folder), "")]
    while pending:
        directory, prefix = pending.pop()
        yield directory, prefix
        with os.scandir(directory) as entries:
            for entry in entries:
                name = entry.name
                if (
                    name.startswith(".")
                    or name == "__pycache__"
                    or (not prefix and name == DRAFTS_DIR)
                ):
                    continue
                if entry.is_symlink():
                    raise _LinkFound(entry.path)
                if entry.is_dir(follow_symlinks=False):
                    pending.append((entry.path, f"{prefix}{name}/"))


def file_system_of(path: Path) -> str | None:
    """The type of the file system `path` is on (/proc/self/mountinfo: the longest mount
    point holding it), None when it cannot be told."""
    try:
        target = os.path.realpath(path)
        lines = Path("/proc/self/mountinfo").read_text().splitlines()
    except OSError:
        return None
    best, kind = "", None
    for line in lines:
        fields = line.split()
        try:
            mount_point = fields[4].replace("\\040", " ")
            fs = fields[fields.index("-") + 1]
        except (IndexError, ValueError):
            continue
        inside = target == mount_point or target.startswith(mount_point.rstrip("/") + "/")
        if inside and len(mount_point) >= len(best):
            best, kind = mount_point, fs
    return kind
