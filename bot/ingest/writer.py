"""Adding ingest drafts to a seeds folder for review, without ever leaving it invalid.

The changed files are first written into a copy of the folder and validated there with
`load_seeds`; only a valid result is moved into place, file by file. New records are appended
as text (the files' existing bytes stay as they are); a report of a known event becomes one more
entry in that record's `sources`, edited in its own file with ruamel.yaml so the editor's
comments and layout survive.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

from bot.ingest import IngestResult
from bot.ingest.seedfile import SeedFileError, append_source, find_record_file, render_records
from bot.records.loading import load_seeds
from bot.records.models import EVENTS_DIR


def _append(path: Path, text: str) -> None:
    """Append records' text to `path`, a blank line after what is there."""
    if not text:
        return
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    joiner = "" if not old or old.endswith("\n\n") else ("\n" if old.endswith("\n") else "\n\n")
    path.write_text(old + joiner + text, encoding="utf-8")


def _add_sources(result: IngestResult, work: Path) -> set[str]:
    """Add the article as a source of the known events it reports; the files changed."""
    changed = set()
    for event_id, source in result.additions:
        path = find_record_file(work / EVENTS_DIR, event_id)
        if path is None:
            raise SeedFileError(f"no file under {EVENTS_DIR}/ holds the record {event_id}")
        append_source(path, event_id, source.model_dump(mode="json"))
        changed.add(str(path.relative_to(work)))
    return changed


def write_drafts(results: list[IngestResult], seeds_dir: Path, today: dt.date) -> list[Path]:
    """Add the drafts to `seeds_dir` (validated in a copy first); return the files changed.

    Raises SeedError (the result would not validate), SeedFileError (a known record could not
    be edited) or FileExistsError (the article is already there); then nothing is written.
    """
    seeds_dir = Path(seeds_dir)
    drafts_name = f"{EVENTS_DIR}/drafts-{today.isoformat()}.yaml"
    with tempfile.TemporaryDirectory(dir=seeds_dir.parent, prefix=".ingest-") as tmp:
        work = Path(tmp) / "seeds"
        shutil.copytree(seeds_dir, work)
        changed: set[str] = set()
        for result in results:
            article_path = work / result.article.file
            if article_path.exists():
                raise FileExistsError(f"{result.article.file} already exists in the seeds")
            article_path.parent.mkdir(parents=True, exist_ok=True)
            article_path.write_text(result.text, encoding="utf-8")
            changed.add(result.article.file)
            _append(work / "articles.yaml", render_records([result.article]))
            _append(work / "people.yaml", render_records(list(result.people)))
            changed.update({"articles.yaml", "people.yaml"})
            changed |= _add_sources(result, work)
            if result.events:
                _append(work / drafts_name, render_records(list(result.events)))
                changed.add(drafts_name)
        load_seeds(work)  # raises SeedError: nothing has been touched yet
        moved = []
        for name in sorted(changed):
            target = seeds_dir / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(work / name, target.with_suffix(target.suffix + ".ingest-tmp"))
            target.with_suffix(target.suffix + ".ingest-tmp").replace(target)
            moved.append(target)
        return moved
