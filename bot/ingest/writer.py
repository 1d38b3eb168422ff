"""Adding records to a seeds folder without ever leaving it invalid.

The changed files are first written into a copy of the folder and validated there with
`load_seeds`; only a valid result is moved into place, file by file. New records are appended
as text (the files' existing bytes stay as they are); a report of a known event becomes one more
entry in that record's `sources`, edited in its own file with ruamel.yaml so the editor's
comments and layout survive. Approving an ingest draft (bot/ingest/review.py) writes this way.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.ingest.seedfile import SeedFileError, append_source, find_record_file, render_records
from bot.records.loading import DRAFTS_DIR, load_seeds
from bot.records.models import EVENTS_DIR, Article, Event, Person, Source


@dataclass(frozen=True)
class SeedChange:
    """Records to add: a new article (with its text), events, people, and sources of known
    events (the article is cited by them)."""

    article: Article | None = None
    text: str = ""
    events: tuple[Event, ...] = ()
    people: tuple[Person, ...] = ()
    additions: tuple[tuple[str, Source], ...] = ()


def _append(path: Path, text: str) -> None:
    """Append records' text to `path`, a blank line after what is there."""
    if not text:
        return
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    joiner = "" if not old or old.endswith("\n\n") else ("\n" if old.endswith("\n") else "\n\n")
    path.write_text(old + joiner + text, encoding="utf-8")


def _apply(change: SeedChange, work: Path, events_name: str) -> set[str]:
    """Write `change` into the copy `work`; the files changed (relative names)."""
    changed: set[str] = set()
    if change.article is not None:
        article_path = work / change.article.file
        if article_path.exists():
            raise FileExistsError(f"{change.article.file} already exists in the seeds")
        article_path.parent.mkdir(parents=True, exist_ok=True)
        article_path.write_text(change.text, encoding="utf-8")
        _append(work / "articles.yaml", render_records([change.article]))
        changed |= {change.article.file, "articles.yaml"}
    if change.people:
        _append(work / "people.yaml", render_records(list(change.people)))
        changed.add("people.yaml")
    for event_id, source in change.additions:
        path = find_record_file(work / EVENTS_DIR, event_id)
        if path is None:
            raise SeedFileError(f"no file under {EVENTS_DIR}/ holds the record {event_id}")
        append_source(path, event_id, source.model_dump(mode="json"))
        changed.add(str(path.relative_to(work)))
    if change.events:
        _append(work / events_name, render_records(list(change.events)))
        changed.add(events_name)
    return changed


@contextmanager
def _copy(seeds_dir: Path) -> Iterator[Path]:
    """A throw-away copy of the seeds folder (drafts left out), beside it."""
    with tempfile.TemporaryDirectory(dir=seeds_dir.parent, prefix=".ingest-") as tmp:
        work = Path(tmp) / "seeds"
        shutil.copytree(
            seeds_dir, work, ignore=lambda d, _: [DRAFTS_DIR] if d == str(seeds_dir) else []
        )
        yield work


def check_changes(changes: list[SeedChange], seeds_dir: Path, events_name: str) -> None:
    """Raise what `write_changes` would raise, writing nothing."""
    seeds_dir = Path(seeds_dir)
    with _copy(seeds_dir) as work:
        for change in changes:
            _apply(change, work, events_name)
        load_seeds(work)


def write_changes(changes: list[SeedChange], seeds_dir: Path, events_name: str) -> list[Path]:
    """Add the records to `seeds_dir` (validated in a copy first); return the files changed.
    New events go to `events_name` (relative to the folder).

    Raises SeedError (the result would not validate), SeedFileError (a known record could not
    be edited) or FileExistsError (the article is already there); then nothing is written.
    """
    seeds_dir = Path(seeds_dir)
    with _copy(seeds_dir) as work:
        changed: set[str] = set()
        for change in changes:
            changed |= _apply(change, work, events_name)
        load_seeds(work)  # raises SeedError: nothing has been touched yet
        moved = []
        for name in sorted(changed):
            target = seeds_dir / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(work / name, target.with_suffix(target.suffix + ".ingest-tmp"))
            target.with_suffix(target.suffix + ".ingest-tmp").replace(target)
            moved.append(target)
        return moved
