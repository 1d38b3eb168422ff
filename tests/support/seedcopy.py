"""Copies of the real seeds folder that a test may break, and small helpers to break them."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from bot.settings import PROJECT_ROOT

REAL_SEEDS = PROJECT_ROOT / "seeds"
FIRST_ARTICLE = "articles/000_a482fe9d25744079.txt"


def copy_seeds(tmp_path: Path, name: str = "seeds") -> Path:
    """A writable copy of the project's seeds/ under `tmp_path`; returns the copy's folder."""
    target = tmp_path / name
    # copyfile, not copy2: the real articles are read-only and a test may need to edit a copy.
    shutil.copytree(REAL_SEEDS, target, copy_function=shutil.copyfile)
    return target


def read_records(path: Path) -> list[Any]:
    """The list of records a seed YAML file holds."""
    return yaml.safe_load(path.read_text(encoding="utf-8")) or []


def write_records(path: Path, records: list[Any]) -> None:
    """Write `records` as a seed YAML file (dates kept as quoted text)."""
    text = yaml.safe_dump(records, allow_unicode=True, sort_keys=False, width=1000)
    path.write_text(text, encoding="utf-8")


def edit_records(path: Path, change: Callable[[list[Any]], None]) -> None:
    """Load the records of `path`, let `change` mutate the list, write it back."""
    records = read_records(path)
    change(records)
    write_records(path, records)


def event_files(folder: Path) -> list[Path]:
    """The event files of a seeds folder, in the order the loader reads them."""
    return sorted((folder / "events").glob("*.yaml"))


def find_event(folder: Path, test: Callable[[dict], bool]) -> tuple[Path, int, dict]:
    """The first event (file, index in it, record) for which `test` holds."""
    for path in event_files(folder):
        for index, record in enumerate(read_records(path)):
            if test(record):
                return path, index, record
    raise LookupError("no event in the seeds matches")


def edit_event(folder: Path, test: Callable[[dict], bool], change: Callable[[dict], None]) -> dict:
    """Apply `change` to the first event matching `test`; return the edited record."""
    path, index, _ = find_event(folder, test)
    records = read_records(path)
    change(records[index])
    write_records(path, records)
    return records[index]


def localized(text: str) -> dict[str, str]:
    return {"kk": text, "ru": text, "en": text}


def _date(value: str) -> dict[str, str]:
    return {"value": value, "precision": "day", "basis": "stated"}


def write_minimal_seeds(folder: Path) -> Path:
    """A tiny valid seeds folder using every kind of reference, for unit tests.

    One article (copied from the real seeds), two countries and a city, one person, an
    organization with a parent, two topics, an anniversary, a future event, and two events in
    two files (the second held on the margins of the first).
    """
    (folder / "articles").mkdir(parents=True)
    (folder / "events").mkdir()
    shutil.copyfile(REAL_SEEDS / FIRST_ARTICLE, folder / FIRST_ARTICLE)
    words = (folder / FIRST_ARTICLE).read_text(encoding="utf-8").split()
    quote = " ".join(words[2:12])  # ten words of the article, spaces normalised
    source = {"article": "baq-article", "quotes": [quote]}
    tables: dict[str, list[dict]] = {
        "articles.yaml": [
            {
                "id": "baq-article",
                "file": FIRST_ARTICLE,
                "language": "kk",
                "published": _date("2025-12-05"),
            }
        ],
        "places.yaml": [
            {"id": "austria", "kind": "country", "name": localized("Austria")},
            {"id": "kazakhstan", "kind": "country", "name": localized("Kazakhstan")},
            {"id": "vienna", "kind": "city", "name": localized("Vienna"), "country": "austria"},
        ],
        "people.yaml": [
            {
                "id": "kosherbayev-yermek",
                "name": localized("Yermek Kosherbayev"),
                "country": "kazakhstan",
            }
        ],
        "organizations.yaml": [
            {"id": "un", "name": localized("United Nations")},
            {"id": "unrcca", "name": localized("UNRCCA"), "parent": "un"},
        ],
        "topics.yaml": [
            {"id": "security", "name": localized("Security")},
            {
                "id": "regional-security",
                "name": localized("Regional security"),
                "parent": "security",
            },
        ],
        "anniversaries.yaml": [
            {
                "id": "helsinki-final-act",
                "title": localized("Helsinki Final Act"),
                "date": "1975-08-01",
                "description": localized("Signed in Helsinki."),
                "topics": ["security"],
                "reference": "CSCE Final Act",
            }
        ],
        "future_events.yaml": [
            {
                "id": "summit-2026",
                "title": localized("Summit"),
                "date": _date("2026-04-22"),
                "sources": [source],
            }
        ],
    }
    for name, records in tables.items():
        write_records(folder / name, records)
    meeting = {
        "id": "vienna-meeting",
        "kind": "ministerial_council",
        "title": localized("Meeting"),
        "date": _date("2025-12-05"),
        "place": {"city": "vienna", "country": "austria"},
        "organizations": ["unrcca"],
        "countries": ["kazakhstan"],
        "participants": [
            {"person": "kosherbayev-yermek", "role": localized("Minister"), "side": "kazakhstan"}
        ],
        "topics": ["regional-security"],
        "summary": localized("A meeting."),
        "sources": [source],
        "anniversaries": ["helsinki-final-act"],
        "announces": ["summit-2026"],
    }
    sideline = {
        "id": "vienna-sideline",
        "kind": "bilateral_meeting",
        "title": localized("Sideline meeting"),
        "date": _date("2025-12-05"),
        "participants": [
            {"person": "kosherbayev-yermek", "role": localized("Minister"), "side": "unrcca"}
        ],
        "summary": localized("A meeting on the margins."),
        "sources": [source],
        "part_of": "vienna-meeting",
    }
    write_records(folder / "events" / "a-council.yaml", [meeting])
    write_records(folder / "events" / "b-sidelines.yaml", [sideline])
    return folder
