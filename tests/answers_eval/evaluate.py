"""Run the questions of questions.yaml through the conversation's decisions on the real seeds.

The same functions the handlers call: `understand` + `select_events` (/meetings and inline),
`ask` (plain words, /search), `lookup_topic` + `select_events` (/topic), `lookup_person`
(/minister). Each question passes or fails; searches also give the reciprocal rank of `first`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.conversation.meetings import MAX_TEXT_RESULTS, lookup_person, lookup_topic
from bot.conversation.questions import ask, understand
from bot.conversation.selection import select_events
from bot.records.loading import load_seeds
from bot.search.index import SearchIndex
from bot.settings import PROJECT_ROOT

HERE = Path(__file__).resolve().parent
PARTS = ("tune", "held")


@dataclass(frozen=True)
class Outcome:
    question: dict
    passed: bool
    got: list[str]
    reciprocal_rank: float | None = None  # searches with a `first`


def _meetings(case, seeds, index) -> Outcome:
    found = understand(case["q"], index)
    got = list(select_events(found.filter, seeds, index).ids) if found.understood else []
    ok = found.understood and not found.unplaced and set(got) == set(case["ids"])
    if not case["ids"]:  # nothing to find: understood, and nothing found
        ok = found.understood and not found.unplaced and got == []
    return Outcome(case, ok, got)


def _search(case, seeds, index) -> Outcome:
    got = list(ask(case["q"], seeds, index, MAX_TEXT_RESULTS).ids)
    if case.get("none"):
        return Outcome(case, got == [], got)
    ok = True
    rr = None
    if first := case.get("first"):
        ok = bool(got) and got[0] == first
        rr = 1 / (got.index(first) + 1) if first in got else 0.0
    if top := case.get("top"):
        ok = ok and set(got[: len(top)]) == set(top)
    if absent := case.get("absent"):
        ok = ok and not set(absent) & set(got)
    return Outcome(case, ok, got, rr)


def _topic(case, seeds, index) -> Outcome:
    lookup = lookup_topic(case["q"], index)
    if case.get("none"):
        # No topic claimed: a "found" would be a false match (suggestions are fine).
        return Outcome(case, lookup.status != "found", [f.value for f in lookup.filters])
    found = lookup.status == "found" and lookup.filters[0].value == case["topic"]
    got = list(select_events(lookup.filters[0], seeds, index).ids) if found else []
    return Outcome(case, found and set(case.get("includes", [])) <= set(got), got)


def _person(case, seeds, index) -> Outcome:
    lookup = lookup_person(case["q"], index, seeds)
    got = [f.value for f in lookup.filters]
    if case.get("nobody"):
        return Outcome(case, lookup.status == "none" and not got, got)
    return Outcome(case, lookup.status == "found" and got == [case["person"]], got)


RUNNERS = {"meetings": _meetings, "search": _search, "topic": _topic, "person": _person}


def evaluate(seeds_dir: Path = PROJECT_ROOT / "seeds") -> dict[str, list[Outcome]]:
    """Every question's outcome, by part ("tune", "held")."""
    seeds = load_seeds(seeds_dir)
    index = SearchIndex.build(seeds)
    cases = yaml.safe_load((HERE / "questions.yaml").read_text(encoding="utf-8"))
    outcomes: dict[str, list[Outcome]] = {part: [] for part in PARTS}
    for case in cases:
        outcomes[case["part"]].append(RUNNERS[case["kind"]](case, seeds, index))
    return outcomes


def format_report(outcomes: dict[str, list[Outcome]], show_failures: tuple[str, ...] = ()) -> str:
    """Pass rates by part and kind (and language), MRR of the searches; failures if asked."""
    lines = []
    for part in PARTS:
        results = outcomes[part]
        by_kind: dict[str, list[Outcome]] = defaultdict(list)
        by_lang: dict[str, list[Outcome]] = defaultdict(list)
        for outcome in results:
            by_kind[outcome.question["kind"]].append(outcome)
            by_lang[outcome.question["lang"]].append(outcome)
        passed = sum(o.passed for o in results)
        lines.append(f"{part}: {passed}/{len(results)} questions answered right")
        for kind, group in sorted(by_kind.items()):
            lines.append(f"  {kind:<9} {sum(o.passed for o in group):>3}/{len(group)}")
        ranks = [o.reciprocal_rank for o in results if o.reciprocal_rank is not None]
        if ranks:
            mrr = sum(ranks) / len(ranks)
            lines.append(f"  search MRR of the expected first record: {mrr:.2f}")
        langs = ", ".join(
            f"{lang} {sum(o.passed for o in g)}/{len(g)}" for lang, g in sorted(by_lang.items())
        )
        lines.append(f"  by language: {langs}")
        if part in show_failures:
            for outcome in results:
                if not outcome.passed:
                    q = outcome.question
                    lines.append(f"  FAIL {q['kind']} {q['q']!r}: got {outcome.got[:5]}")
    return "\n".join(lines)
