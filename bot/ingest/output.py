"""Draft records as text: YAML for editors and the bot, plain data for --json."""

from __future__ import annotations

from typing import Any

from bot.ingest import IngestResult
from bot.ingest.seedfile import render_records
from bot.records.models import Record


def record_yaml(records: list[Record]) -> str:
    """Records as a YAML list, in field order, with defaults left out (as --write adds them)."""
    return render_records(records)


def additions_yaml(result: IngestResult) -> str:
    """Comments saying which known events this article is another source of (--write adds it)."""
    lines = []
    for event_id, source in result.additions:
        lines.append(f"# adds source to {event_id}: article {source.article}, quotes:")
        lines += [f"#   - {quote}" for quote in source.quotes]
    return "\n".join(lines) + ("\n" if lines else "")


def as_data(result: IngestResult) -> dict[str, Any]:
    """One article's drafts as plain data (for --json)."""
    dump = lambda r: r.model_dump(mode="json", exclude_defaults=True)  # noqa: E731
    return {
        "article": dump(result.article),
        "events": [dump(e) for e in result.events],
        "adds_source_to": [{"event": i, "source": dump(s)} for i, s in result.additions],
        "people": [dump(p) for p in result.people],
        "notes": result.notes,
    }


def as_yaml(result: IngestResult) -> str:
    """One article's drafts as commented YAML."""
    parts = [
        f"# article {result.article.file} ({result.article.language})",
        record_yaml([result.article]),
    ]
    parts.append(additions_yaml(result))
    if result.events:
        parts += ["# events", record_yaml(list(result.events))]
    if result.people:
        parts += ["# draft people", record_yaml(list(result.people))]
    parts += [f"# note: {note}" for note in result.notes]
    return "\n".join(part for part in parts if part)
