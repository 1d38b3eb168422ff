"""Precision and recall of `ingest_text` on real news excerpts (articles/real/ + real.yaml).

Scored per article, per part (tune / held) and per language. An article's prediction is the
union of its draft events: the first event gives the date, place and kind; the participants of
all of them are its participants. People are compared by identity: a known person's id, else
the folded surname of the name (the truth's "name: …" resolved against the gazetteer first, so a
person added to the gazetteer is still the same person). Roles and sides are scored on the
participants found. Articles are read with the seeded events removed (a report of a known event
would otherwise become an extra source, with no draft to score); `known_article` cases are then
run against the full seeds to check that a dry run recognises the article.

Sealed parts (`SEALED`: none at the moment; each new part labelled before any extraction code
was run on it is added here) are not read at all unless `evaluate_real(sealed=True)` is asked
for: the default report, `make test` and pytest never run extraction on them nor print their
figures. Only `python -m tests.ingest_eval --sealed` does, once,
before it is tuned on. (fresh5 was sealed in session 6 and tuned on from session 7; fresh6 was
sealed in session 8, measured once at its end, and is tuned on from session 9; fresh7 was labelled
and sealed in session 9, measured once at its end, and is tuned on from session 10; fresh8 was
labelled and sealed in session 10, measured once at its end, and is tuned on from session 11;
fresh9 was labelled and sealed in session 10, measured once at session 12's start, and is tuned
on from session 12; fresh10 was labelled and sealed in session 11, measured once at session 14's
start, and is tuned on from session 14; fresh11 was labelled and sealed in session 15, by
someone who does not tune, measured once at that session's end, and is tuned on from session 16,
once its sealed successor is labelled.)
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path

import yaml

from bot.ingest import Knowledge, ingest_text
from bot.ingest.mentions import fold_word
from bot.ingest.roles import role_key
from bot.records.loading import load_seeds
from bot.settings import PROJECT_ROOT

HERE = Path(__file__).resolve().parent
ARTICLES = HERE / "articles" / "real"
FIELDS = ("date", "participants", "roles", "sides", "place", "kind")
# the last ten were labelled before the rules saw them
PARTS = (
    "tune",
    "held",
    "fresh",
    "fresh2",
    "fresh3",
    "fresh4",
    "fresh5",
    "fresh6",
    "fresh7",
    "fresh8",
    "fresh9",
    "fresh10",
    "fresh11",
)
# read (and extraction run on them) only when asked for with sealed=True: see the docstring
SEALED: tuple[str, ...] = ()
LANGS = ("kk", "ru", "en")


def _name_key(name: str, knowledge: Knowledge) -> str:
    person_id = knowledge.resolve_person(name)
    if person_id:
        return person_id
    words = name.split()
    return "name:" + fold_word(words[-1] if words else name)


def _truth_person(ref: str, knowledge: Knowledge) -> str:
    return _name_key(ref.split(":", 1)[1].strip(), knowledge) if ref.startswith("name:") else ref


def _expected(case: dict, knowledge: Knowledge) -> dict[str, set]:
    people = [(_truth_person(p, knowledge), role, side) for p, role, side in case["participants"]]
    date = case.get("date")
    return {
        "date": {date[0]} if date else set(),
        "participants": {p for p, _, _ in people},
        "roles": {(p, role) for p, role, _ in people if role},
        "sides": {(p, side) for p, _, side in people if side},
        "place": {case["place"]} if case.get("place") else set(),
        "kind": {case["kind"]},
    }


def _predicted(result, knowledge: Knowledge) -> dict[str, set]:
    drafts = {p.id: p for p in result.people}
    people = []
    for event in result.events:
        for participant in event.participants:
            if participant.person in drafts:
                key = _name_key(drafts[participant.person].name.ru, knowledge)
            else:
                key = participant.person
            people.append((key, role_key(participant.role), participant.side))
    main = result.events[0] if result.events else None
    place = (main.place.city or main.place.country) if main and main.place else None
    return {
        "date": {main.date.value} if main and main.date.value else set(),
        "participants": {p for p, _, _ in people},
        "roles": {(p, r) for p, r, _ in people},
        "sides": {(p, s) for p, _, s in people},
        "place": {place} if place else set(),
        "kind": {main.kind} if main else set(),
    }


def _score(tally: Counter, predicted: dict, expected: dict) -> None:
    found = predicted["participants"] & expected["participants"]
    for name in FIELDS:
        p, e = predicted[name], expected[name]
        if name in ("roles", "sides"):  # judged on the people found, per person
            p = {pair for pair in p if pair[0] in found}
            e = {pair for pair in e if pair[0] in found}
        tally[name, "tp"] += len(p & e)
        tally[name, "fp"] += len(p - e)
        tally[name, "fn"] += len(e - p)


def _ratio(tp: int, fp: int, fn: int) -> dict[str, float]:
    return {
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "support": tp + fn,
    }


def cases() -> list[dict]:
    """The labelled articles."""
    return yaml.safe_load((HERE / "real.yaml").read_text(encoding="utf-8"))


def evaluate_real(seeds_dir: Path = PROJECT_ROOT / "seeds", *, sealed: bool = False) -> dict:
    """{part: {lang or "all": {field: scores}}}, plus "checks" (known articles, mentioned people
    listed as participants) and "failures" per part (which fields each article got wrong).

    The sealed parts' articles are skipped, unread, unless `sealed` is true."""
    seeds = load_seeds(seeds_dir)
    knowledge = Knowledge.from_seeds(dataclasses.replace(seeds, events={}, article_texts={}))
    full = Knowledge.from_seeds(seeds)
    tallies: dict[tuple[str, str], Counter] = {}
    checks: Counter = Counter()
    failures: dict[str, list[str]] = {part: [] for part in PARTS}
    for case in cases():
        lang, part = case["file"][:2], case["part"]
        if part in SEALED and not sealed:
            continue
        text = (ARTICLES / case["file"]).read_text(encoding="utf-8")
        result = ingest_text(text, knowledge, filename=case["file"])
        predicted, expected = _predicted(result, knowledge), _expected(case, knowledge)
        for key in ((part, lang), (part, "all")):
            _score(tallies.setdefault(key, Counter()), predicted, expected)
        wrong = [f for f in FIELDS if predicted[f] != expected[f] and f not in ("roles", "sides")]
        if wrong:
            failures[part].append(f"{case['file']}: {', '.join(wrong)}")
        mentioned = {_truth_person(p, knowledge) for p in case.get("mentioned") or []}
        checks["mentioned people listed as participants"] += len(
            mentioned & predicted["participants"]
        )
        checks["mentioned people"] += len(mentioned)
        if case.get("known_article"):
            again = ingest_text(text, full, filename=case["file"])
            checks["known articles"] += 1
            checks["known articles recognised"] += again.known_article == case["known_article"]
    report: dict = {}
    for (part, lang), tally in tallies.items():
        report.setdefault(part, {})[lang] = {
            name: _ratio(tally[name, "tp"], tally[name, "fp"], tally[name, "fn"]) for name in FIELDS
        }
    report["checks"] = dict(checks)
    report["failures"] = failures
    return report


def format_real(report: dict, show_failures: tuple[str, ...] = ("tune",)) -> str:
    """The report as plain text: per part, a precision/recall line per field and language."""
    lines = []
    for part in PARTS:
        if part not in report:
            continue
        lines.append(f"real articles, {part} part:")
        lines.append(f"  {'field':<13}" + "".join(f"{lang:>17}" for lang in (*LANGS, "all")))
        for name in FIELDS:
            cells = []
            for lang in (*LANGS, "all"):
                s = report[part].get(lang, {}).get(name)
                cells.append(
                    f"{s['precision']:>6.2f}/{s['recall']:.2f} ({int(s['support']):>2})"
                    if s
                    else " " * 17
                )
            lines.append(f"  {name:<13}" + "".join(f"{c:>17}" for c in cells))
    lines.append("  (each cell: precision/recall (items in the truth))")
    for name, value in report["checks"].items():
        lines.append(f"  {name}: {value}")
    for part in show_failures:
        if part not in report:
            continue
        lines.append(f"  {part} part, articles with a wrong field:")
        lines += [f"    {line}" for line in report["failures"][part]]
    return "\n".join(lines)
