"""Field-level precision and recall of `ingest_text` against labelled truth.

Two sets: the articles written for this evaluation (articles/ + truth.yaml), and the five seed
articles with their curated records (seeds/events) as truth. Seed articles are ingested with the
seeded events removed (else every record would be a duplicate); their people stay in the
gazetteer, so people recall there measures matching known names, not finding new ones.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path

import yaml

from bot.ingest import Knowledge, ingest_text
from bot.records.loading import load_seeds
from bot.records.models import Event
from bot.records.seedset import SeedSet
from bot.search.normalize import fold
from bot.settings import PROJECT_ROOT

HERE = Path(__file__).resolve().parent
FIELDS = ("date", "people", "place", "organizations", "kind", "topics")


def _person_key(person_id: str, seeds_people: dict, drafts: dict) -> str:
    if person_id in seeds_people:
        return person_id
    return "name:" + fold(drafts[person_id].name.ru)


def _predicted(event: Event, seeds: SeedSet, drafts: dict) -> dict[str, set[str]]:
    place = event.place.city or event.place.country if event.place else None
    return {
        "date": {event.date.value} if event.date.value else set(),
        "people": {_person_key(p.person, seeds.people, drafts) for p in event.participants},
        "place": {place} if place else set(),
        "organizations": set(event.organizations),
        "kind": {event.kind},
        "topics": set(event.topics),
    }


def _expected_from_truth(record: dict) -> dict[str, set[str]]:
    people = {
        "name:" + fold(p.split(":", 1)[1].strip()) if p.startswith("name:") else p
        for p in record["people"]
    }
    return {
        "date": {str(record["date"])} if record.get("date") else set(),
        "people": people,
        "place": {record["place"]} if record.get("place") else set(),
        "organizations": set(record.get("organizations") or []),
        "kind": {record["kind"]},
        "topics": set(record.get("topics") or []),
    }


def _expected_from_event(event: Event) -> dict[str, set[str]]:
    place = event.place.city or event.place.country if event.place else None
    return {
        "date": {event.date.value} if event.date.value else set(),
        "people": {p.person for p in event.participants},
        "place": {place} if place else set(),
        "organizations": set(event.organizations),
        "kind": {event.kind},
        "topics": set(event.topics),
    }


def _pair(predicted: list[dict], expected: list[dict]) -> list[tuple[dict | None, dict | None]]:
    """Match predicted to expected records greedily by shared kind and people."""

    def score(p: dict, e: dict) -> float:
        overlap = len(p["people"] & e["people"]) / max(1, len(p["people"] | e["people"]))
        return overlap + (p["kind"] == e["kind"]) + 0.5 * (p["place"] == e["place"])

    pairs, left = [], list(expected)
    for p in sorted(predicted, key=lambda p: -max((score(p, e) for e in left), default=0)):
        best = max(left, key=lambda e: score(p, e), default=None)
        if best is not None and score(p, best) >= 1:
            left.remove(best)
        else:
            best = None
        pairs.append((p, best))
    return pairs + [(None, e) for e in left]


def _count(pairs, tally: Counter) -> None:
    for predicted, expected in pairs:
        for name in FIELDS:
            p = predicted[name] if predicted else set()
            e = expected[name] if expected else set()
            tally[name, "tp"] += len(p & e)
            tally[name, "fp"] += len(p - e)
            tally[name, "fn"] += len(e - p)


def evaluate(seeds_dir: Path = PROJECT_ROOT / "seeds") -> dict[str, dict[str, dict[str, float]]]:
    """Precision and recall per field for each evaluation set ("written", "seed articles")."""
    seeds = load_seeds(seeds_dir)
    # Without the seeded events and article texts: else every seed article is 'already known'.
    without_events = dataclasses.replace(seeds, events={}, article_texts={})
    knowledge = {True: Knowledge.from_seeds(seeds), False: Knowledge.from_seeds(without_events)}
    tallies: dict[str, Counter] = {"written": Counter(), "seed articles": Counter()}
    dedupe = Counter()
    for case in yaml.safe_load((HERE / "truth.yaml").read_text(encoding="utf-8")):
        text = (HERE / "articles" / case["file"]).read_text(encoding="utf-8")
        result = ingest_text(text, knowledge[bool(case.get("with_events"))], filename=case["file"])
        drafts = {p.id: p for p in result.people}
        predicted = [_predicted(e, seeds, drafts) for e in result.events]
        expected = [_expected_from_truth(r) for r in case["records"]]
        _count(_pair(predicted, expected), tallies["written"])
        wanted = set(case.get("adds_source_to") or [])
        got = {event_id for event_id, _ in result.additions}
        dedupe["tp"] += len(wanted & got)
        dedupe["fn"] += len(wanted - got)
        dedupe["fp"] += len(got - wanted)
    for article in seeds.articles.values():
        truth = [
            e for e in seeds.events.values() if any(s.article == article.id for s in e.sources)
        ]
        text = seeds.article_texts[article.id]
        result = ingest_text(text, knowledge[False], filename=Path(article.file).name)
        drafts = {p.id: p for p in result.people}
        predicted = [_predicted(e, seeds, drafts) for e in result.events]
        _count(_pair(predicted, [_expected_from_event(e) for e in truth]), tallies["seed articles"])
    report = {name: _scores(tally) for name, tally in tallies.items()}
    report["de-duplication"] = {"adds source": _ratio(dedupe["tp"], dedupe["fp"], dedupe["fn"])}
    return report


def _ratio(tp: int, fp: int, fn: int) -> dict[str, float]:
    return {
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "support": tp + fn,
    }


def _scores(tally: Counter) -> dict[str, dict[str, float]]:
    return {
        name: _ratio(tally[name, "tp"], tally[name, "fp"], tally[name, "fn"]) for name in FIELDS
    }


def format_report(report: dict[str, dict[str, dict[str, float]]]) -> str:
    """The report as a plain-text table."""
    lines = []
    for set_name, fields in report.items():
        lines.append(f"{set_name}:")
        lines.append(f"  {'field':<15}{'precision':>10}{'recall':>10}{'items':>8}")
        for name, s in fields.items():
            lines.append(
                f"  {name:<15}{s['precision']:>10.2f}{s['recall']:>10.2f}{int(s['support']):>8}"
            )
    return "\n".join(lines)
