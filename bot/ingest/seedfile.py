"""Editing hand-written seed files without disturbing them: comments, key order, flow style.

ruamel.yaml's round-trip mode keeps what an editor wrote. The seeds' house layout puts the
top-level list at column 0 and nested lists two spaces in (`sources:\\n    - article: …`); ruamel
has one sequence indent for all levels, so lists are dumped two spaces in and the top level is
shifted back by `_dedent`. `render_records` gives new records the same look: names and short
lists in flow style, quotes double-quoted, a blank line between records.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from bot.records.models import Record

_FLOW_WIDTH = 90  # a mapping or list of scalars shorter than this stays on one line
_DATE_LIKE = re.compile(r"^\d{4}(?:-\d\d){0,2}$")  # quoted, or YAML reads a date or an int


class SeedFileError(ValueError):
    """A seed file cannot be edited as asked (the record is not there, or not a list)."""


def _represent_none(representer: Any, _: None) -> Any:
    return representer.represent_scalar("tag:yaml.org,2002:null", "null")


def _yaml() -> YAML:
    yaml = YAML()  # round-trip
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap an editor's long lines
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.representer.add_representer(type(None), _represent_none)
    return yaml


def _dedent(text: str) -> str:
    """Shift the dump two columns left; comments are written where the editor had them."""
    return "".join(
        line if line.lstrip().startswith("#") else line.removeprefix("  ")
        for line in text.splitlines(keepends=True)
    )


def _dump(data: Any) -> str:
    stream = io.StringIO()
    _yaml().dump(data, stream, transform=_dedent)
    return stream.getvalue()


def append_source(path: Path, event_id: str, source: dict[str, Any]) -> None:
    """Add `source` ({article, quotes}) to the `sources` of record `event_id` in `path`."""
    data = _yaml().load(path.read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise SeedFileError(f"{path.name} is not a list of records")
    record = next((r for r in data if isinstance(r, dict) and r.get("id") == event_id), None)
    if record is None:
        raise SeedFileError(f"{path.name} has no record {event_id}")
    sources = record.get("sources")
    if not isinstance(sources, list):
        raise SeedFileError(f"{event_id} in {path.name} has no list of sources")
    sources.append(_styled(source))
    path.write_text(_dump(data), encoding="utf-8")


def find_record_file(folder: Path, record_id: str) -> Path | None:
    """The file under `folder` (events/) whose top-level list has a record with `record_id`."""
    pattern = re.compile(rf"^- id: ['\"]?{re.escape(record_id)}['\"]?\s*(?:#.*)?$", re.M)
    for path in sorted(folder.glob("*.yaml")):
        if pattern.search(path.read_text(encoding="utf-8")):
            return path
    return None


def _one_line(value: Any) -> bool:
    """Whether a mapping or list holds only short scalars and fits on one line."""
    items = value.values() if isinstance(value, dict) else value
    if any(isinstance(v, (dict, list)) or (isinstance(v, str) and "\n" in v) for v in items):
        return False
    return len(str(value)) < _FLOW_WIDTH


def _styled(value: Any, key: str | None = None) -> Any:
    """Plain data as ruamel nodes in the seeds' house style."""
    if isinstance(value, dict):
        mapping = CommentedMap((k, _styled(v, k)) for k, v in value.items())
        mapping.fa.set_flow_style() if _one_line(value) else mapping.fa.set_block_style()
        return mapping
    if isinstance(value, list):
        sequence = CommentedSeq(_styled(v, key) for v in value)
        flow = bool(value) and _one_line(value) and key != "quotes"
        sequence.fa.set_flow_style() if flow else sequence.fa.set_block_style()
        return sequence
    if isinstance(value, str) and (key == "quotes" or _DATE_LIKE.match(value)):
        return DoubleQuotedScalarString(value)
    return value


def render_records(records: list[Record]) -> str:
    """Records as a YAML list in the seeds' layout, defaults left out, a blank line apart."""
    if not records:
        return ""
    data = [r.model_dump(mode="json", exclude_defaults=True) for r in records]
    blocks = [_dump([_styled(item)]) for item in data]
    return "\n".join(blocks)
