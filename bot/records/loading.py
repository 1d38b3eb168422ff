"""Loading and validating the seeds folder: YAML records, their articles and cross-references.

`load_seeds(folder)` reads every file named in `records.GAZETTEERS` plus every `events/*.yaml`,
validates each record with its pydantic model, then checks what no single model can see: ids
unique across files, references into the gazetteers, article files that exist, and quotes that
really occur in their article. Every problem found is collected, then raised together in one
`SeedError`, so an editor fixes a broken folder in one pass.

Long because: reading YAML with line numbers, validating every file and fingerprinting the folder
are one pass that must report every problem at once.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import gc
import hashlib
import logging
import os
import stat
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

import yaml
from pydantic import TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from bot.records import models
from bot.records.models import (
    EVENTS_DIR,
    GAZETTEERS,
    Event,
    Record,
)
from bot.records.references import StreamedChecks, check_events, cycles
from bot.records.seedset import ATTRIBUTES, SeedSet
from bot.records.sources import (
    Item,
    checked_value,
    digest,
    json_items,
    json_lines,
    yaml_slices,
)

log = logging.getLogger(__name__)

# Bump when the way records are stored changes, so every database reloads its seeds.
FORMAT_VERSION = b"seeds-format-1"
# The schema's source goes into the fingerprint too: a changed model means reloading the YAML.
SCHEMA_FILE = Path(models.__file__)
# Ingest drafts awaiting review (bot/ingest/review.py): kept beside the seeds, never part of them
# (not read, not fingerprinted, never in the database or the search index) until approved.
DRAFTS_DIR = "drafts"


@dataclass(frozen=True)
class SeedProblem:
    """One thing wrong in the seeds folder: where (file, record, field) and what."""

    file: str
    record: str | None
    field: str | None
    message: str
    line: int | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.record is not None:
            parts.append(f"record {self.record}" + (f" (line {self.line})" if self.line else ""))
        elif self.line:
            parts.append(f"line {self.line}")
        if self.field:
            parts.append(self.field)
        return ": ".join([*parts, self.message])


class SeedError(ValueError):
    """The seeds folder has problems; `.problems` lists all of them."""

    def __init__(self, problems: list[SeedProblem]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the seeds:"
        super().__init__("\n".join([head, *(str(problem) for problem in self.problems)]))


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many objects at once.

    Bulk-creating a million small objects otherwise triggers collection after collection,
    each scanning everything built so far: loading 100,000 events runs three to four times
    faster without them. Nothing built here is garbage, so nothing is lost by waiting.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# --- reading files -------------------------------------------------------------------------


if TYPE_CHECKING:
    _SafeLoader = yaml.SafeLoader
else:  # libyaml's loader when PyYAML was built with it (several times faster)
    _SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_SafeLoader):
    """A safe YAML loader that keeps dates as text (pydantic reports impossible ones) and
    notes keys given twice in one mapping, which plain YAML loading silently overwrites."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicate_keys: list[tuple[int, str]] = []  # (line, key)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: set[str] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                if key_node.value in seen:
                    self.duplicate_keys.append((key_node.start_mark.line + 1, key_node.value))
                seen.add(key_node.value)
        return super().construct_mapping(node, deep=deep)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def seeds_fingerprint(folder: Path) -> str:
    """A sha256 over the relative paths and bytes of every file in the folder (no parsing)."""
    return fingerprint_of(file_hashes(folder))


MAX_SEED_FILE_BYTES = 20 * 1024 * 1024  # a seed file larger than this is refused, not read

FileHashes = dict[str, tuple[str, str]]  # relative path → (stat signature, sha256 of the bytes)


def seeds_format() -> str:
    """What every stored seed file's meaning depends on: the storage format and the schema."""
    return hashlib.sha256(FORMAT_VERSION + SCHEMA_FILE.read_bytes()).hexdigest()


def file_hashes(folder: Path, known: Mapping[str, tuple[str, str]] | None = None) -> FileHashes:
    """(stat signature, sha256) of every seed file, as git's index keeps them (`scan_folder`)."""
    return scan_folder(folder, known).hashes


class FolderScan(NamedTuple):
    """A seeds folder against what the last sync recorded of it (`scan_folder`)."""

    hashes: FileHashes  # every file's (stat signature, sha256) now
    changed: frozenset[str]  # files added, removed or with other bytes since
    restated: list[tuple[str, str]]  # (new signature, path) of files touched, bytes the same
    fingerprint: str  # `fingerprint_of(hashes)`


def scan_folder(
    folder: Path,
    known: Mapping[str, tuple[str, str]] | None = None,
    written: Collection[str] | None = None,
) -> FolderScan:
    """Each seed file's (stat signature, sha256), and what changed since `known` recorded them.

    A file whose size, modification time and inode are those `known` records keeps its known
    hash without being read, so a start reads only the files written since (50,000 files
    cost their stat and no more). The stat comes before the read: a file written meanwhile
    is read again next time. `written`: the only files that may differ from `known` (a
    `bot.records.watch.FolderWatch` says so), the others are not even stat'ed.
    """
    known = known or {}
    if written is not None and known:
        scan = _scan_written(folder, known, written)
        if scan is not None:
            return scan
    hashes: FileHashes = {}
    changed: set[str] = set()
    restated: list[tuple[str, str]] = []
    unknown = ("", "")
    for relative, entry in _seed_files(Path(folder)):
        signature = _signature(entry)
        previous = known.get(relative, unknown)
        if previous[0] == signature:
            hashes[relative] = previous
            continue
        sha = _file_sha(entry.path)
        hashes[relative] = (signature, sha)
        if sha != previous[1]:
            changed.add(relative)
        else:
            restated.append((signature, relative))
    changed.update(known.keys() - hashes.keys())
    return FolderScan(hashes, frozenset(changed), restated, fingerprint_of(hashes))


def _scan_written(
    folder: Path, known: Mapping[str, tuple[str, str]], written: Collection[str]
) -> FolderScan | None:
    """`scan_folder` when only the files `written` may differ from `known`; None when one of
    them is not a plain seed file (a directory, a link, a FIFO, too large): scan them all,
    which names the problems."""
    hashes: FileHashes = dict(known)
    changed: set[str] = set()
    restated: list[tuple[str, str]] = []
    for relative in written:
        if relative.rpartition("/")[2].startswith(".") or relative == DRAFTS_DIR:
            continue  # never a seed file (`_seed_files`)
        try:
            info = os.lstat(os.path.join(folder, relative))
        except FileNotFoundError:
            if hashes.pop(relative, None) is not None:
                changed.add(relative)
            continue
        except OSError:
            return None
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_SEED_FILE_BYTES:
            return None
        signature = _stat_signature(info)
        previous = hashes.get(relative, ("", ""))
        if previous[0] == signature:
            continue
        sha = _file_sha(os.path.join(folder, relative))
        hashes[relative] = (signature, sha)
        if sha != previous[1]:
            changed.add(relative)
        else:
            restated.append((signature, relative))
    return FolderScan(hashes, frozenset(changed), restated, fingerprint_of(hashes))


def _signature(entry: os.DirEntry) -> str:
    """What tells a file was written since: its size, modification time and inode."""
    return _stat_signature(entry.stat())


def _stat_signature(info: os.stat_result) -> str:
    return f"{info.st_size}:{info.st_mtime_ns}:{info.st_ino}"


def _file_sha(path: str | Path) -> str:
    fd = os.open(path, os.O_RDONLY)
    try:
        return hashlib.sha256(_read_fd(fd, os.fstat(fd).st_size)).hexdigest()
    finally:
        os.close(fd)


class HashingReader:
    """Reads seed files for a read of the whole folder, hashing each one as it reads it, so
    each file is read once (not once to hash it and again to parse it).

    Every file is listed and stat'ed first (`_seed_files`: a folder with problems raises
    `SeedError` here), so a file written while it is read gets a new signature and is read
    again next time. `hashes()` gives every file's (stat signature, sha256), hashing then
    the files nothing read (an article file no record names, a stray file).
    """

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._prefix = os.path.join(folder, "")  # a path under it, as `folder / relative` makes
        self._signatures = {relative: _signature(e) for relative, e in _seed_files(folder)}
        self.listed: frozenset[str] = frozenset(self._signatures)  # the folder's plain files
        self._hashes: FileHashes = {}

    def __call__(self, path: Path) -> str:
        """The text of the seed file at `path` (as `_read_text`)."""
        data = _read_bytes(path)
        name = os.fspath(path)
        if name.startswith(self._prefix):  # strings: pathlib takes 0.3 s for 50,000 files
            relative = name[len(self._prefix) :].replace(os.sep, "/")
            signature = self._signatures.pop(relative, None)
            if signature is not None:
                self._hashes[relative] = (signature, hashlib.sha256(data).hexdigest())
        return data.decode("utf-8")

    def sha(self, relative: str) -> str | None:
        """The sha256 of a file this reader read (None: not read yet)."""
        found = self._hashes.get(relative)
        return found[1] if found else None

    def record(self, relative: str, sha: str) -> None:
        """Note the sha256 of a file another process read (after this one stat'ed it)."""
        signature = self._signatures.pop(relative, None)
        if signature is not None:
            self._hashes[relative] = (signature, sha)

    def hashes(self) -> FileHashes:
        """Every listed file's (stat signature, sha256), once the reading is done."""
        for relative, signature in self._signatures.items():
            self._hashes[relative] = (signature, _file_sha(self._folder / relative))
        self._signatures.clear()
        return self._hashes


def fingerprint_of(hashes: Mapping[str, tuple[str, str]]) -> str:
    """The seeds fingerprint from each file's hash: changes with any file's path or bytes."""
    digest = hashlib.sha256(seeds_format().encode())
    digest.update("".join(f"\0{path}\0{hashes[path][1]}" for path in sorted(hashes)).encode())
    return digest.hexdigest()


def _seed_files(folder: Path) -> Iterator[tuple[str, os.DirEntry]]:
    """Every regular file under `folder` as (relative posix path, entry), in the order the
    directories list them (not sorted: one entry is held at a time, not 50,000 with stats).

    Hidden files and folders, and the drafts awaiting review (DRAFTS_DIR), are skipped. Nothing
    is read yet, so a hostile folder costs no memory: a link leaving the folder, a directory
    reached twice (a link loop), anything but a regular file or directory (a FIFO would hang
    the reader, /dev/zero would fill memory) and a file over MAX_SEED_FILE_BYTES are problems,
    raised together in one `SeedError` once every entry was listed, as is a missing folder.
    """
    if not folder.is_dir():
        raise SeedError([_missing_folder(folder)])
    root = folder.resolve()
    visited = {root}
    problems: list[SeedProblem] = []
    pending = [(folder, "")]
    while pending:
        directory, prefix = pending.pop()
        with os.scandir(directory) as entries:
            for entry in entries:
                name = entry.name
                if name.startswith(".") or name == "__pycache__":
                    continue
                if not prefix and name == DRAFTS_DIR:
                    continue
                if (
                    entry.is_file(follow_symlinks=False)  # a plain file (no link): known from
                    and entry.stat(follow_symlinks=False).st_size <= MAX_SEED_FILE_BYTES
                ):  # the directory listing, one stat for its size
                    yield prefix + name, entry
                    continue
                relative = prefix + name
                problem = _entry_problem(entry, root, visited)
                if problem:
                    problems.append(SeedProblem(relative, None, None, problem))
                elif entry.is_dir():
                    pending.append((Path(entry.path), relative + "/"))
                else:
                    yield relative, entry
    if problems:
        raise SeedError(sorted(problems, key=lambda problem: problem.file))


def _entry_problem(entry: os.DirEntry, root: Path, visited: set[Path]) -> str | None:
    """Why a seeds folder entry may not be read (None: a regular file or a new directory).

    Only links and directories are resolved: a plain file inside the folder is where it is, and
    resolving each of 50,000 article files took 2 s of every start at 100,000 events.
    """
    try:
        if entry.is_symlink() or entry.is_dir(follow_symlinks=False):
            real = Path(entry.path).resolve(strict=True)
            info = real.stat()
        else:
            real, info = root, entry.stat(follow_symlinks=False)
    except RuntimeError:  # Python 3.11 reports a symlink loop this way
        return "a symbolic link loop"
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    if not real.is_relative_to(root):
        return "a link that points outside the seeds folder"
    if stat.S_ISDIR(info.st_mode):
        if real in visited:
            return "a directory reached a second time (a link loop, or a second link to it)"
        visited.add(real)
        return None
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file (a FIFO, device or socket cannot be a seed file)"
    if info.st_size > MAX_SEED_FILE_BYTES:
        limit = MAX_SEED_FILE_BYTES // (1024 * 1024)
        size = info.st_size / 1024 / 1024
        return f"the file is {size:.0f} MB; a seed file may be at most {limit} MB"
    return None


def _missing_folder(folder: Path) -> SeedProblem:
    return SeedProblem(str(folder), None, None, "the seeds folder does not exist")


Reader = Callable[[Path], str]  # a seed file's text (`_read_text`, or a `HashingReader`)


def _read_text(path: Path) -> str:
    """A seed file's text, read no further than MAX_SEED_FILE_BYTES (ValueError past that)."""
    return _read_bytes(path).decode("utf-8")


def _read_bytes(path: Path) -> bytes:
    """A seed file's bytes, read no further than MAX_SEED_FILE_BYTES (ValueError past that)."""
    # O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused just below).
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ValueError("not a regular file")
        data = _read_fd(fd, info.st_size)
    finally:
        os.close(fd)
    if len(data) > MAX_SEED_FILE_BYTES:
        raise ValueError(f"larger than {MAX_SEED_FILE_BYTES // (1024 * 1024)} MB")
    return data


def _read_fd(fd: int, size: int) -> bytes:
    """The bytes of an open file whose stat gave `size`, at most MAX_SEED_FILE_BYTES + 1.

    The first read asks for the size the stat gave (plus one, to see it grew), not for the
    limit: a read of the limit allocates a 20 MB buffer before shrinking it, which cost
    25 µs for each of 50,000 article files (1.2 s of a full read; 6 µs now).
    """
    chunks = [os.read(fd, min(size, MAX_SEED_FILE_BYTES) + 1)]
    total = len(chunks[0])
    while chunks[-1] and total <= MAX_SEED_FILE_BYTES:  # until the end: it may have grown
        chunks.append(os.read(fd, MAX_SEED_FILE_BYTES + 1 - total))
        total += len(chunks[-1])
    return chunks[0] if len(chunks) == 2 and not chunks[1] else b"".join(chunks)


def _read_list(
    path: Path, name: str, problems: list[SeedProblem], read: Reader = _read_text
) -> tuple[list[tuple[int, object]], list[str] | None]:
    """The items of a list file with each item's line, and the digest of each item's source
    (bot.records.sources; None when the records cannot be cut apart by their source).
    Problems go to `problems`; `read` reads the file's text."""
    try:
        text = read(path)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        problems.append(SeedProblem(name, None, None, f"cannot read the file: {exc}"))
        return [], None
    found = json_items(text)
    if found is not None:  # a JSON list: the C decoder, same values and lines as YAML
        return [(item.line, item.value) for item in found], [digest(i.text) for i in found]
    items = _parse_list(text, name, problems)
    slices = yaml_slices(text)
    if slices is None or len(slices) != len(items):
        return items, None
    ends = [*(piece.line for piece in slices[1:]), float("inf")]
    if not all(s.line <= line < end for s, (line, _), end in zip(slices, items, ends, strict=True)):
        return items, None  # the cut does not fall where the parser saw items begin
    return items, [digest(piece.text) for piece in slices]


def record_digests(path: Path) -> tuple[str, ...] | None:
    """The source digest of each record of a list file, in order (None: it cannot be cut
    into records, or cannot be read)."""
    _, digests = _read_list(path, path.name, [])
    return None if digests is None else tuple(digests)


def _parse_list(
    text: str, name: str, problems: list[SeedProblem], first_line: int = 1
) -> list[tuple[int, object]]:
    """The items of a YAML list (its text starting at line `first_line` of the file) with
    each item's line; problems go to `problems`."""
    shift = first_line - 1
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return []
        if not isinstance(node, yaml.SequenceNode):
            found = "a mapping" if isinstance(node, yaml.MappingNode) else "a single value"
            message = f"expected a list of records, found {found}"
            line = node.start_mark.line + 1 + shift
            problems.append(SeedProblem(name, None, None, message, line))
            return []
        items = loader.construct_document(node)
        lines = [child.start_mark.line + 1 + shift for child in node.value]
        for line, key in loader.duplicate_keys:
            position = bisect.bisect_right(lines, line + shift)  # the item this line falls in
            label = _label(position, items[position - 1]) if position else None
            message = f"the key {key!r} is given twice (the last one would win)"
            problems.append(SeedProblem(name, label, key, message, line + shift))
        return list(zip(lines, items, strict=True))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        at = mark.line + 1 + shift if mark else None
        where = f" (column {mark.column + 1})" if mark else ""
        reason = getattr(exc, "problem", None) or str(exc)
        problems.append(SeedProblem(name, None, None, f"YAML syntax error{where}: {reason}", at))
        return []
    finally:
        loader.dispose()


def _field_path(location: tuple[int | str, ...]) -> str:
    """`('participants', 0, 'role', 'kk')` -> `participants[0].role.kk`."""
    path = ""
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "(record)"


def _message(error: ErrorDetails) -> str:
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] in {"missing", "extra_forbidden"}:
        return message
    value = error.get("input")
    if isinstance(value, str | int | float | bool):
        shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "...'"
        return f"{message} (got {shown})"
    return message


def _label(position: int, item: object) -> str:
    """How problems name a record: its id, or `#3` for the third item when it has none."""
    if isinstance(item, dict) and isinstance(item.get("id"), str | int):
        return str(item["id"])
    return f"#{position}"


def _validate_file(
    path: Path,
    name: str,
    model: type[Record],
    problems: list[SeedProblem],
    invalid: set[str],
    read: Reader = _read_text,
) -> tuple[list[tuple[Record, int]], list[str] | None]:
    """Validate each item of one file; return the good records with their lines, and each
    one's source digest when every item is a good record and the file can be cut apart.

    The ids of records that fail go into `invalid`, so references to them are not reported
    a second time as unknown.
    """
    items, digests = _read_list(path, name, problems, read)
    values = [item for _, item in items]
    if all(isinstance(value, dict) for value in values):
        try:  # one call for the whole list: a quarter less than one call a record
            valid = _list_adapter(model).validate_python(values)
        except ValidationError:
            pass  # each record again, to tell which ones fail and why
        else:
            return [(r, line) for r, (line, _) in zip(valid, items, strict=True)], digests
    records = []
    for position, (line, item) in enumerate(items, start=1):
        record = _validate_item(position, line, item, name, model, problems, invalid)
        if record is not None:
            records.append((record, line))
    return records, digests if len(records) == len(items) else None


@functools.cache
def _list_adapter(model: type[Record]) -> TypeAdapter[list[Record]]:
    """Validates a list of `model` records in one call."""
    return TypeAdapter(list[model])  # type: ignore[valid-type]


def _validate_item(
    position: int,
    line: int,
    item: object,
    name: str,
    model: type[Record],
    problems: list[SeedProblem],
    invalid: set[str],
) -> Record | None:
    """The record of one item (the `position`-th of its file), or None with its problems."""
    label = _label(position, item)
    if not isinstance(item, dict):
        message = f"expected a mapping of fields, found {type(item).__name__}"
        problems.append(SeedProblem(name, label, None, message, line))
        return None
    try:
        return model.model_validate(item)
    except ValidationError as exc:
        invalid.add(label)
        for error in exc.errors():
            field_path = _field_path(error["loc"])
            problems.append(SeedProblem(name, label, field_path, _message(error), line))
    return None


# --- loading -------------------------------------------------------------------------------


EventSink = Callable[[SeedSet, list[Event]], None]


# A second process costs about two seconds to start and to read the gazetteers: at 20,000
# events (37 MB) it saves ~0.5 s of 4 s, at 100,000 about a fifth (bench/HISTORY.md).
OFFLOAD_MIN_BYTES = 32 * 1024 * 1024


class Offload(NamedTuple):
    """A full read's share of work done in its second process (`bot.records.offload`)."""

    # Called there with each clean events file's events (and the gazetteers): a module-level
    # function (pickled by name), its arguments bound with functools.partial.
    work: Callable[[SeedSet, list[Event]], Any]
    # Called here, in file order, with what `work` returned, in place of the sink.
    take: Callable[[SeedSet, Any], None]
    # A folder whose events files are smaller than this is read in one process.
    min_bytes: int = OFFLOAD_MIN_BYTES


class ReadElsewhere(NamedTuple):
    """One clean events file as a second process read it."""

    ids: tuple[str, ...]
    lines: tuple[int, ...]
    parents: tuple[str | None, ...]  # each event's part_of
    digests: tuple[str, ...] | None  # each record's source digest (`_read_list`)
    sha256: str  # of the bytes read
    gazetteers: tuple[tuple[str, str], ...]  # (file, sha256) of the gazetteers it checked against
    payload: Any  # what `Offload.work` returned


class SecondRead(Protocol):
    """The events files a second process reads meanwhile (`bot.records.offload.SecondReader`)."""

    offload: Offload

    def result(self, name: str, sha: Callable[[str], str | None]) -> ReadElsewhere | None:
        """The file's result; None when this process must read it itself."""
        ...


def load_seeds(folder: Path, hashes: FileHashes | None = None) -> SeedSet:
    """Read and validate a seeds folder; raise `SeedError` listing every problem found.
    `hashes` are the folder's `file_hashes` when the caller has them."""
    events: dict[str, Event] = {}
    seedset = stream_seeds(
        folder, lambda _, batch: events.update((e.id, e) for e in batch), hashes
    )
    return dataclasses.replace(seedset, events=events)


def stream_seeds(
    folder: Path,
    sink: EventSink,
    hashes: FileHashes | None = None,
    second: SecondRead | None = None,
) -> SeedSet:
    """`load_seeds` holding no event: the events of each events file go to `sink` (with the
    gazetteers they refer to) once validated, and the seed set returned has the gazetteers,
    the articles' texts, each file's hash, event ids and digests, but no events.

    Nothing more goes to the sink once a problem is found; a `SeedError` at the end (every
    problem, as `load_seeds` reports them) means what the sink was given must be dropped.
    `hashes` are the folder's `file_hashes` when the caller has them; without them each
    file is hashed as it is read (`HashingReader`).

    With a `second` read (`bot.records.offload.SecondReader`, started by the caller), the
    later events files are read, validated and checked meanwhile in a second process, which
    hands each clean file's events to `offload.work` there; `offload.take` gets what it
    returned, here, in file order, in place of the sink. A file it found a problem in, or whose
    ids another file gave first, is read here, so the problems reported are those of a read in
    one process.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise SeedError([_missing_folder(folder)])
    with paused_gc():
        if hashes is not None:
            known = hashes

            def sha(relative: str) -> str | None:
                return known[relative][1] if relative in known else None

            return _stream_seeds(folder, sink, _read_text, hashes, lambda: known, second, sha)
        reader = HashingReader(folder)
        return _stream_seeds(
            folder, sink, reader, reader.listed, reader.hashes, second, reader.sha, reader.record
        )


def _stream_seeds(
    folder: Path,
    sink: EventSink,
    read: Reader,
    listed: Collection[str],
    hashes: Callable[[], FileHashes],
    second: SecondRead | None = None,
    sha: Callable[[str], str | None] = lambda relative: None,
    record: Callable[[str, str], None] = lambda relative, sha: None,
) -> SeedSet:
    """`stream_seeds` reading each file with `read`; `listed` are the folder's plain files,
    `hashes()` their hashes once every file was read; `sha(relative)` is the sha256 of a
    file as this read saw it, `record(relative, sha)` notes that of a file the second
    process read."""
    problems: list[SeedProblem] = []
    tables: dict[str, dict[str, Record]] = {}
    origin: dict[tuple[str, str], tuple[str, int]] = {}  # (attribute, id) -> (file, line)
    missing_files: set[str] = set()
    invalid: dict[str, set[str]] = {}  # attribute -> ids of records that failed validation
    digests: dict[str, tuple[str, ...]] = {}

    def add(attribute: str, name: str, record: Record, line: int) -> bool:
        record_id = record.id  # type: ignore[attr-defined]
        if (attribute, record_id) in origin:
            first_file, first_line = origin[(attribute, record_id)]
            message = f"duplicate id, first defined in {first_file} line {first_line}"
            problems.append(SeedProblem(name, record_id, "id", message, line))
            return False
        if attribute != "events":  # events go to the sink
            tables.setdefault(attribute, {})[record_id] = record
        origin[(attribute, record_id)] = (name, line)
        return True

    def report(findings: Iterable[tuple[str, str, str, str]]) -> None:
        for attribute, record_id, field_path, message in findings:
            name, line = origin[(attribute, record_id)]
            problems.append(SeedProblem(name, record_id, field_path, message, line))

    events_files = _events_files(folder)
    elsewhere = 0  # files the second process read
    _read_gazetteers(folder, add, problems, invalid, missing_files, read)
    texts = _read_articles(folder, tables.get("articles", {}), origin, problems, listed, read)
    loaded: dict[str, Any] = {a: tables.get(a, {}) for a in ATTRIBUTES.values()}
    gazetteers = SeedSet(
        **loaded,
        events=_AnyEvent(),  # parents are checked at the end
        article_texts=texts,
    )
    checks = StreamedChecks(gazetteers, {ATTRIBUTES[name] for name in missing_files}, invalid)
    report(checks.gazetteers())
    broken = invalid.setdefault("events", set())
    for name, path in events_files:
        done = second.result(name, sha) if second and not problems else None
        if second and done and not any(("events", i) in origin for i in done.ids):
            for event_id, line in zip(done.ids, done.lines, strict=True):
                origin[("events", event_id)] = (name, line)
            if done.digests is not None:
                digests[name] = done.digests
            record(name, done.sha256)
            checks.note_parents(zip(done.ids, done.parents, strict=True))
            second.offload.take(gazetteers, done.payload)
            elsewhere += 1
            continue
        records, found = _validate_file(path, name, Event, problems, broken, read)
        batch = [record for record, line in records if add("events", name, record, line)]
        if found is not None:
            digests[name] = tuple(found)
        report(checks.events(batch))  # type: ignore[arg-type]
        if not problems:
            sink(gazetteers, batch)  # type: ignore[arg-type]
    if second is not None:
        log.info("read %d of %d events files in a second process", elsewhere, len(events_files))
    report(checks.parents())
    if problems:
        # File by file, top to bottom: the order an editor fixes them in.
        raise SeedError(sorted(problems, key=lambda problem: (problem.file, problem.line or 0)))
    files = hashes()
    return dataclasses.replace(
        gazetteers,
        events={},
        fingerprint=fingerprint_of(files),
        files=files,
        event_files=_event_files(origin),
        record_digests=digests,
    )


def _event_files(origin: Mapping[tuple[str, str], tuple[str, int]]) -> dict[str, tuple[str, ...]]:
    """The ids of the events of each events file."""
    files: dict[str, list[str]] = {}
    for (attribute, record_id), (name, _) in origin.items():
        if attribute == "events":
            files.setdefault(name, []).append(record_id)
    return {name: tuple(ids) for name, ids in files.items()}


def _read_gazetteers(
    folder: Path,
    add: Callable[[str, str, Record, int], bool],
    problems: list[SeedProblem],
    invalid: dict[str, set[str]],
    missing_files: set[str],
    read: Reader = _read_text,
) -> None:
    """Validate every gazetteer file (read with `read`), handing each good record to `add`."""
    for name, model in GAZETTEERS.items():
        path = folder / name
        if not path.exists():
            missing_files.add(name)
            continue
        broken = invalid.setdefault(ATTRIBUTES[name], set())
        records, _ = _validate_file(path, name, model, problems, broken, read)
        for record, line in records:
            add(ATTRIBUTES[name], name, record, line)


def _events_files(folder: Path) -> list[tuple[str, Path]]:
    """(relative name, path) of each events file, in the order they are read."""
    events_dir = folder / EVENTS_DIR
    paths = sorted(events_dir.glob("*.yaml")) if events_dir.is_dir() else []
    return [(f"{EVENTS_DIR}/{path.name}", path) for path in paths]


def _read_articles(
    folder: Path,
    articles: dict[str, Record],
    origin: dict[tuple[str, str], tuple[str, int]],
    problems: list[SeedProblem],
    files: Collection[str] = (),
    read: Reader = _read_text,
) -> dict[str, str]:
    """The text of each article (read with `read`), keyed by article id; missing or
    unreadable files are problems.

    `files` are the folder's plain files (relative paths, from `file_hashes`): an article file
    among them is read where it is, any other path is resolved first (links, `..`).
    """
    root = folder.resolve()
    texts = {}
    for article_id, article in articles.items():
        name, line = origin[("articles", article_id)]
        relative = article.file  # type: ignore[attr-defined]
        if relative in files:
            path = folder / relative
        else:
            path = (folder / relative).resolve()
            if not path.is_relative_to(root):
                message = f"{relative!r} points outside the seeds folder"
                problems.append(SeedProblem(name, article_id, "file", message, line))
                continue
        try:
            texts[article_id] = read(path)
        except FileNotFoundError:
            message = f"the article file {relative!r} does not exist"
            problems.append(SeedProblem(name, article_id, "file", message, line))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            message = f"cannot read {relative!r}: {exc}"
            problems.append(SeedProblem(name, article_id, "file", message, line))
    return texts


class EventFile(NamedTuple):
    """An events file as an incremental sync reads it: the ids it defines, in order; the
    digest of each one's source (None when the file cannot be cut into records); and the
    events parsed from it, which are those whose source changed (the others are as stored)."""

    ids: tuple[str, ...]
    digests: tuple[str, ...] | None
    parsed: list[Event]


StoredFile = tuple[tuple[str, ...], tuple[str, ...] | None]  # (event ids, their digests)


def load_event_files(
    folder: Path,
    names: Iterable[str],
    seeds: SeedSet,
    elsewhere: Mapping[str, str],
    parents: Mapping[str, str | None],
    before: Mapping[str, StoredFile] | None = None,
) -> dict[str, EventFile]:
    """Read and validate only the event files `names` (relative paths; a missing one holds no
    events) against `seeds`, the records already stored: every rule `load_seeds` applies to an
    event, without reading any other file.

    `before` gives what each file defined at the last sync (ids and source digests): a record
    whose source is unchanged is that stored event, neither parsed nor validated again.
    `elsewhere` maps the id of every event defined in another file to that file (duplicates),
    `parents` the `part_of` of every stored event (unknown parents, cycles). Raises
    `SeedError` with every problem found.
    """
    folder = Path(folder)
    before = before or {}
    problems: list[SeedProblem] = []
    found: dict[str, EventFile] = {}
    origin: dict[str, tuple[str, int]] = {}
    invalid: set[str] = set()
    reused: set[str] = set()
    for name in sorted(names):
        path = folder / name
        if not path.exists():
            found[name] = EventFile((), (), [])
            continue
        ids_before, digests_before = before.get(name, ((), None))
        known = dict(zip(digests_before, ids_before, strict=True)) if digests_before else {}
        ids: list[str] = []
        digests: list[str | None] = []
        parsed: list[Event] = []
        for line, record, source in _read_changed(path, name, known, problems, invalid):
            event_id = record if isinstance(record, str) else record.id
            first = origin.get(event_id) or (
                (elsewhere[event_id], 0) if event_id in elsewhere else None
            )
            if first is not None:
                where = f"{first[0]} line {first[1]}" if first[1] else first[0]
                message = f"duplicate id, first defined in {where}"
                problems.append(SeedProblem(name, event_id, "id", message, line))
                continue
            origin[event_id] = (name, line)
            ids.append(event_id)
            digests.append(source)
            if isinstance(record, str):
                reused.add(event_id)
            else:
                parsed.append(record)
        complete = [source for source in digests if source is not None]
        found[name] = EventFile(
            tuple(ids), tuple(complete) if len(complete) == len(ids) else None, parsed
        )
    events = {event.id: event for file in found.values() for event in file.parsed}
    known_ids = _EventIds(set(elsewhere) | set(origin))
    view = SeedSet(**{a: getattr(seeds, a) for a in ATTRIBUTES.values()},
                   events=known_ids, article_texts=seeds.article_texts)  # fmt: skip
    for event_id, field_path, message in check_events(view, events.values(), invalid):
        name, line = origin[event_id]
        problems.append(SeedProblem(name, event_id, field_path, message, line))
    family = {k: v for k, v in parents.items() if k in elsewhere or k in reused}
    family.update({event_id: event.part_of for event_id, event in events.items()})
    for event_id in sorted(cycles(family) & set(events)):
        if family[event_id] != event_id:
            name, line = origin[event_id]
            problems.append(
                SeedProblem(name, event_id, "part_of", "part_of goes round in a circle", line)
            )
    gone = {i for ids_before, _ in before.values() for i in ids_before} - set(origin)
    for child, parent in sorted(family.items()):
        if parent in gone and child not in events:  # a parsed child was checked above
            name, line = origin.get(child) or (elsewhere[child], 0)
            message = f"unknown event {parent!r}: it was removed, and this event is part of it"
            problems.append(SeedProblem(name, child, "part_of", message, line or None))
    if problems:
        raise SeedError(sorted(problems, key=lambda problem: (problem.file, problem.line or 0)))
    return found


def _read_changed(
    path: Path,
    name: str,
    known: dict[str, str],
    problems: list[SeedProblem],
    invalid: set[str],
) -> list[tuple[int, Event | str, str | None]]:
    """The records of a changed events file as (line, event or id, source digest): the id of
    the stored event when a record's digest is in `known` (digest → id; each used once), else
    the event parsed and validated from its own source. Reads the file whole when it cannot
    be cut apart, or when a changed record does not parse alone."""
    whole: tuple[list[tuple[int, Event | str, str | None]], list[SeedProblem]] | None = None
    if known:
        try:
            text = _read_text(path)
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            problems.append(SeedProblem(name, None, None, f"cannot read the file: {exc}"))
            return []
        items = json_lines(text)
        items = items if items is not None else json_items(text, checked=False)
        is_json = items is not None
        items = items if items is not None else yaml_slices(text)
        del text  # the items hold their own copies: a 10 MB file is not held twice
        if items is not None:
            whole = _read_slices(items, is_json, name, known, invalid)
    if whole is None:
        records, digests = _validate_file(path, name, Event, problems, invalid)
        return [
            (line, record, digests[n] if digests else None)  # type: ignore[misc]
            for n, (record, line) in enumerate(records)
        ]
    entries, found = whole
    problems.extend(found)
    return entries


def _read_slices(
    items: list[Item], is_json: bool, name: str, known: dict[str, str], invalid: set[str]
) -> tuple[list[tuple[int, Event | str, str | None]], list[SeedProblem]] | None:
    """`_read_changed` over the cut-apart records; None when a changed one does not parse
    alone (then the file is read whole, which reports why)."""
    entries: list[tuple[int, Event | str, str | None]] = []
    problems: list[SeedProblem] = []
    for position, item in enumerate(items, start=1):
        source = digest(item.text)
        stored = known.pop(source, None)
        if stored is not None:
            entries.append((item.line, stored, source))
            continue
        if is_json:
            try:
                value = checked_value(item)
            except ValueError:
                return None
        else:
            values = _parse_list(item.text, name, problems, item.line)
            if len(values) != 1:
                return None
            value = values[0][1]
        record = _validate_item(position, item.line, value, name, Event, problems, invalid)
        if record is not None:
            entries.append((item.line, record, source))  # type: ignore[arg-type]
    return entries, problems


class _AnyEvent(Mapping[str, Event]):
    """Every id is an event (while streaming, parents are checked once all are read)."""

    def __getitem__(self, key: str) -> Event:
        raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        return True

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


class _EventIds(Mapping[str, Event]):
    """The ids of every event, for reference checks (`in`); no record behind them."""

    def __init__(self, ids: set[str]) -> None:
        self._ids = ids

    def __getitem__(self, key: str) -> Event:
        raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        return key in self._ids

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)
