"""Adding ingest drafts to a seeds folder for review, without ever leaving it invalid.

The changed files are first written into a copy of the folder and validated there with
`load_seeds`; only a valid result is moved into place, file by file.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

from bot.ingest import IngestResult
from bot.ingest.output import additions_yaml, record_yaml
from bot.seeds import load_seeds


def _append(path: Path, text: str) -> None:
    if not text:
        return
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    joiner = "" if not old or old.endswith("\n\n") else ("\n" if old.endswith("\n") else "\n\n")
    path.write_text(old + joiner + text, encoding="utf-8")


def write_drafts(results: list[IngestResult], seeds_dir: Path, today: dt.date) -> list[Path]:
    """Add the drafts to `seeds_dir` (validated in a copy first); return the files changed."""
    seeds_dir = Path(seeds_dir)
    drafts_name = f"events/drafts-{today.isoformat()}.yaml"
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
            _append(work / "articles.yaml", record_yaml([result.article]))
            _append(work / "people.yaml", record_yaml(list(result.people)))
            events_text = additions_yaml(result) + record_yaml(list(result.events))
            _append(work / drafts_name, events_text)
            changed.update({"articles.yaml", "people.yaml", drafts_name})
        load_seeds(work)  # raises SeedError: nothing has been touched yet
        moved = []
        for name in sorted(changed):
            target = seeds_dir / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(work / name, target.with_suffix(target.suffix + ".ingest-tmp"))
            target.with_suffix(target.suffix + ".ingest-tmp").replace(target)
            moved.append(target)
        return moved
