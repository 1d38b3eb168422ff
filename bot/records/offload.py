"""A full read's second process: a large seeds folder's later events files read there.

Validating the events files is most of a full read (at 100,000 events, reading them, the
models and the reference checks are ~60 % of its CPU). `SecondReader.start` spawns one
process that reads the gazetteers itself (the same files, so the same checks) and then the
events files from the last one back, while this process reads the gazetteers, the article
texts and the events files from the first one on. Each file goes to whichever process claims
it first (a shared pair of positions, under a lock), so the two meet where both are done at
about the same time, whatever the load of the machine or the cost of the article texts.
For each file it sends back what the first process needs to go on as if it had read the
file itself: the ids, lines, parents and source digests of its records, the sha256 of its
bytes, and what `Offload.work` made of its events (the rows to store and the search index's
part). The events themselves never cross: a validated model costs as much to unpickle as to
validate.

A file with any problem (a bad record, a broken reference, an id given twice in it), and
every file once the gazetteers the second process read are not those the first one read
(edited meanwhile), has no result: the first process reads it itself and reports exactly
what a read in one process reports. The process is spawned, not forked: the bot's other
threads (the event loop, the database's) must not be copied into it.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import multiprocessing
import os
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any, NamedTuple

from bot.records.loading import (
    Offload,
    ReadElsewhere,
    SeedProblem,
    _AnyEvent,
    _events_files,
    _read_bytes,
    _read_gazetteers,
    _validate_file,
)
from bot.records.models import GAZETTEERS, Event, Record
from bot.records.references import StreamedChecks
from bot.records.seedset import ATTRIBUTES, SeedSet

log = logging.getLogger(__name__)

# What the second process may need at its peak, beside the first one's (340 MB measured at
# 100,000 events: the gazetteers, validated again, are most of it): without that much memory
# available the folder is read in one process.
SECOND_NEEDS_MB = 512


class SecondReader:
    """The second process of one full read (`loading.SecondRead`), and the futures of the
    files it reads. Start it before the read, close it after (`with`)."""

    def __init__(
        self,
        offload: Offload,
        executor: ProcessPoolExecutor,
        futures: dict[str, tuple[int, Future]],
        claims: Claims,
    ) -> None:
        self.offload = offload
        self._executor = executor
        self._futures = futures  # name -> (its position for the claims, its future)
        self._claims = claims
        self._failed = False

    @classmethod
    def start(cls, folder: Path, offload: Offload) -> SecondReader | None:
        """Start reading the events files of `folder` from the last one back elsewhere; None
        when they are too small for it to pay, or this machine has a single core or too
        little memory free."""
        later = _later_files(_events_files(folder), offload.min_bytes)
        if not later or _cores() < 2 or _available_mb() < SECOND_NEEDS_MB:
            return None
        try:
            context = multiprocessing.get_context("spawn")
            # [the last position this process claimed, the first one the second claimed]
            claims = context.Array("i", [0, len(later) + 1])
            executor = ProcessPoolExecutor(
                1, mp_context=context, initializer=_begin,
                initargs=(str(folder), offload.work, claims),
            )  # fmt: skip
            # files numbered from 1 (the first file, 0, is always read here), submitted last
            # one first
            submitted = {
                name: (position, executor.submit(_read_file, name, position))
                for position, name in reversed(list(enumerate(later, start=1)))
            }
        except (OSError, ImportError, NotImplementedError) as exc:  # no semaphores, no fork
            log.warning("cannot start a second seeds reader (%s); reading in one process", exc)
            return None
        # The claims' semaphore must outlive this reader until the second process has opened
        # it (a read done before that process started would leave it failing to start, with a
        # traceback): held here until the first task it runs is done.
        _starting[id(claims)] = claims
        submitted[later[-1]][1].add_done_callback(lambda _: _starting.pop(id(claims), None))
        return cls(offload, executor, submitted, claims)

    def result(self, name: str, sha: Callable[[str], str | None]) -> ReadElsewhere | None:
        """The file's result once it is ready; None when this process must read it (claimed
        here first, a problem found, the gazetteers not those `sha` gives, the process
        failed)."""
        if name not in self._futures or self._failed:
            return None
        position, future = self._futures.pop(name)
        if _claim_first(self._claims, position):
            future.cancel()
            return None
        try:
            found: ReadElsewhere | None = future.result()
        except Exception as exc:  # the process died or its work failed: read the rest here
            log.warning("the second seeds reader failed (%s); reading from %s on here", exc, name)
            self._failed = True
            return None
        if found is None or any(sha(file) != digest for file, digest in found.gazetteers):
            return None
        return found

    def close(self) -> None:
        """Drop the results not asked for and let the process end, without waiting for it
        (its exit took 1.1 s at 100,000 events, on the read's critical path)."""
        for _, future in self._futures.values():
            future.cancel()
        self._executor.shutdown(wait=False, cancel_futures=True)

    def __enter__(self) -> SecondReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _later_files(files: list[tuple[str, Path]], min_bytes: int) -> list[str]:
    """The files after the first, which the second process may claim (none: too few
    bytes, a single file)."""
    total = 0
    for _, path in files:
        try:
            total += path.stat().st_size
        except OSError:
            return []  # this process reads it and reports it
    if len(files) < 2 or total < min_bytes:
        return []
    return [name for name, _ in files[1:]]


# The shared claims of one read: `multiprocessing.Array("i", 2)`, with its lock.
Claims = Any
_starting: dict[int, Claims] = {}  # the claims of second processes that may not have started


def _claim_first(claims: Claims, position: int) -> bool:
    """Claim the file at `position` for the first process: True unless the second one
    claimed it (it claims from the last file back, this one from the first file on)."""
    with claims.get_lock():
        if position < claims[1]:
            claims[0] = position
            return True
        return False


def _claim_second(claims: Claims, position: int) -> bool:
    """Claim the file at `position` for the second process: True unless the first one
    reached it already."""
    with claims.get_lock():
        if position > claims[0]:
            claims[1] = position
            return True
        return False


def _available_mb() -> float:
    """The memory the kernel says is available for a new process, in MB (Linux; elsewhere
    assumed enough)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("inf")


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# --- in the second process -----------------------------------------------------------------


class _State(NamedTuple):
    folder: Path
    work: Callable[[SeedSet, list[Event]], Any]
    gazetteers: SeedSet
    checks: StreamedChecks | None  # None: the gazetteers have problems (no file is clean)
    shas: tuple[tuple[str, str], ...]
    claims: Claims


_state: _State | None = None


def _begin(folder_name: str, work: Callable[[SeedSet, list[Event]], Any], claims: Claims) -> None:
    """Read the gazetteers as the first process does (this process's initializer).

    The collector stays off for the process's life (one read): what it builds is kept until
    it exits or freed by reference counting, so a collection would find nothing to free and
    scan every object (~1.2 s of CPU at 100,000 events)."""
    global _state
    gc.disable()
    folder = Path(folder_name)
    problems: list[SeedProblem] = []
    tables: dict[str, dict[str, Record]] = {}
    invalid: dict[str, set[str]] = {}
    missing: set[str] = set()
    shas: dict[str, str] = {}

    def read(path: Path) -> str:
        text, shas[path.relative_to(folder).as_posix()] = _read_hashed(path)
        return text

    def add(attribute: str, name: str, record: Record, line: int) -> bool:
        table = tables.setdefault(attribute, {})
        if record.id in table:  # type: ignore[attr-defined]
            problems.append(SeedProblem(name, None, "id", "duplicate id", line))
            return False
        table[record.id] = record  # type: ignore[attr-defined]
        return True

    _read_gazetteers(folder, add, problems, invalid, missing, read)
    articles = tables.get("articles", {})
    loaded: dict[str, Any] = {
        attribute: tables.get(attribute, {}) for attribute in ATTRIBUTES.values()
    }
    gazetteers = SeedSet(
        **loaded,
        events=_AnyEvent(),
        article_texts=_ArticleTexts(folder, articles),
    )
    checks = StreamedChecks(gazetteers, {ATTRIBUTES[name] for name in missing}, invalid)
    clean = not problems and not any(True for _ in checks.gazetteers())
    files = tuple((name, shas.get(name, "")) for name in GAZETTEERS if name not in missing)
    _state = _State(folder, work, gazetteers, checks if clean else None, files, claims)


def _read_file(name: str, position: int) -> ReadElsewhere | None:
    """One events file read, validated and checked; None when it has any problem, or the
    first process claimed it first."""
    state = _state
    if state is None or state.checks is None or not _claim_second(state.claims, position):
        return None
    shas: list[str] = []

    def read(path: Path) -> str:
        text, sha = _read_hashed(path)
        shas.append(sha)
        return text

    problems: list[SeedProblem] = []
    records, digests = _validate_file(state.folder / name, name, Event, problems, set(), read)
    events: list[Event] = [record for record, _ in records]  # type: ignore[misc]
    ids = tuple(event.id for event in events)
    if problems or len(set(ids)) != len(ids) or any(state.checks.events(events)):
        return None
    payload = state.work(state.gazetteers, events)
    return ReadElsewhere(
        ids,
        tuple(line for _, line in records),
        tuple(event.part_of for event in events),
        None if digests is None else tuple(digests),
        shas[0],
        state.shas,
        payload,
    )


def _read_hashed(path: Path) -> tuple[str, str]:
    """A seed file's text and the sha256 of its bytes (as `loading.HashingReader` reads)."""
    data = _read_bytes(path)
    return data.decode("utf-8"), hashlib.sha256(data).hexdigest()


class _ArticleTexts(Mapping[str, str]):
    """The article texts, each read when a quote check asks for it (the first process reads
    and checks every article file; here only the quote checks need them, and they keep what
    they read: `references._NormalizedTexts`)."""

    def __init__(self, folder: Path, articles: Mapping[str, Record]) -> None:
        self._folder = folder
        self._articles = articles

    def __getitem__(self, article_id: str) -> str:
        path = self._folder / self._articles[article_id].file  # type: ignore[attr-defined]
        try:
            return _read_bytes(path).decode("utf-8")
        except (OSError, UnicodeDecodeError, ValueError):
            raise KeyError(article_id) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._articles)

    def __len__(self) -> int:
        return len(self._articles)
