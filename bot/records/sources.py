"""A seed file's records as source text: each record's own slice of the file, and its digest.

Two things follow. A file that is a JSON list (JSON is YAML; generated and exported files are
written so) is split and parsed by the C JSON decoder, twenty times faster than YAML, with the
same values and lines. And a sync that finds a file changed re-parses and re-validates only
the records whose source slice changed: the digest of each record's slice is stored with the
file (`seed_files.record_digests`), so a record whose slice is the same is the record stored.

A block YAML file is cut at the lines that start a top-level item (`- ` in the first column);
a slice is then parsed alone. Cutting is refused (None: read the file whole) when a slice
could depend on another: directives or content before the first item, anchors or aliases
(`&a`, `*a`) anywhere. A JSON file is refused when JSON and YAML could read it differently
(numbers with exponents, NaN, surrogate escapes, a key given twice): YAML reads it then, and
reports what it finds.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import NamedTuple

UNPARSED = object()  # the value of a YAML slice not parsed yet

_SPACE = re.compile(r"[ \t\n\r]*")
_SURROGATE = re.compile(r"\\u[dD][89abAB]")
_ITEM_START = re.compile(r"^-(?:[ \t]|$)", re.MULTILINE)
_ANCHOR_OR_ALIAS = re.compile(r"(?:^|[\s\[{,])[&*][^\s,\[\]{}]")


class Item(NamedTuple):
    """One record of a list file: its first line, its own source text and its parsed value
    (`UNPARSED` for a YAML slice)."""

    line: int
    text: str
    value: object


def digest(text: str) -> str:
    """The digest of a record's source text (what `seed_files.record_digests` holds)."""
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


class _Differs(ValueError):
    """JSON would read this file differently from YAML."""


def _pairs(pairs: list[tuple[str, object]]) -> dict[str, object]:
    value = dict(pairs)
    if len(value) != len(pairs):
        raise _Differs("a key given twice")
    return value


def _float(literal: str) -> float:
    if "e" in literal or "E" in literal:  # YAML 1.1 reads 1e5 as text
        raise _Differs("an exponent")
    return float(literal)


def _constant(literal: str) -> object:
    raise _Differs(literal)


_PLAIN = json.JSONDecoder()
_CHECKED = json.JSONDecoder(
    object_pairs_hook=_pairs, parse_float=_float, parse_constant=_constant
)


def json_items(text: str, checked: bool = True) -> list[Item] | None:
    """The records of a file that is a JSON list, with their lines and source, or None when
    it is not one or JSON could read it differently from YAML.

    With `checked=False` the items are decoded without those checks: call `checked_value` on
    each one whose value is used.
    """
    start = _SPACE.match(text).end()  # type: ignore[union-attr]
    if not text.startswith("[", start) or _SURROGATE.search(text):
        return None
    decoder = _CHECKED if checked else _PLAIN
    items: list[Item] = []
    position, line, counted = start + 1, 1, 0
    try:
        while True:
            position = _SPACE.match(text, position).end()  # type: ignore[union-attr]
            if text.startswith("]", position):
                break
            value, end = decoder.raw_decode(text, position)
            line += text.count("\n", counted, position)
            counted = position
            items.append(Item(line, text[position:end], value))
            position = _SPACE.match(text, end).end()  # type: ignore[union-attr]
            if text.startswith(",", position):
                position += 1
            elif not text.startswith("]", position):
                return None
    except (ValueError, RecursionError):  # not JSON, or _Differs
        return None
    if text[position + 1 :].strip():
        return None  # something after the list
    return items


def json_lines(text: str) -> list[Item] | None:
    """The records of a JSON list written one record a line (as generated files are), as
    unparsed items, or None when the file is not laid out so: `[`, then each record on its
    own line followed by a comma except the last, then `]`.

    No record is decoded here: a line is one whole JSON value when its digest is that of a
    record decoded before, or when `checked_value` decodes it whole; JSON text holds no raw
    line break, so the file is then exactly that list.
    """
    lines = text.split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    if len(lines) < 2 or lines[0].strip() != "[" or lines[-1].strip() != "]":
        return None
    items = []
    last = len(lines) - 2
    for number, line in enumerate(lines[1:-1], start=1):
        record = line.rstrip()
        if number < last:
            if not record.endswith(","):
                return None
            record = record[:-1]
        if not record.startswith("{") or not record.endswith("}"):
            return None
        items.append(Item(number + 1, record, UNPARSED))
    return items


def checked_value(item: Item) -> object:
    """The item's value decoded with the checks of `json_items`; raises ValueError unless
    its text is exactly one JSON value that YAML reads the same."""
    if _SURROGATE.search(item.text):
        raise _Differs("a surrogate escape")
    return _CHECKED.decode(item.text)


def yaml_slices(text: str) -> list[Item] | None:
    """The top-level items of a block YAML list, as unparsed slices of the text, or None when
    the file cannot be cut safely (see the module doc)."""
    starts = [match.start() for match in _ITEM_START.finditer(text)]
    if not starts or _ANCHOR_OR_ALIAS.search(text):
        return None
    for header in text[: starts[0]].splitlines():
        stripped = header.strip()
        if stripped and not stripped.startswith("#") and stripped != "---":
            return None
    items: list[Item] = []
    line = 1 + text.count("\n", 0, starts[0])
    for start, end in zip(starts, [*starts[1:], len(text)], strict=True):
        piece = text[start:end]
        items.append(Item(line, piece, UNPARSED))
        line += piece.count("\n")
    return items
