"""`python -m bot check`: validate a seeds folder and print one summary line per kind."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from bot.records.loading import SeedError, load_seeds
from bot.records.seedset import SeedSet
from bot.settings import Settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--seeds", type=Path, metavar="DIR", help="seeds folder (default: BOT_SEEDS_DIR or seeds/)"
    )


def _breakdown(values: list[str]) -> str:
    """`bilateral_meeting 13, ministerial_council 2` (most common first), or '' when empty."""
    counted = Counter(values).most_common()
    return " (" + ", ".join(f"{value} {count}" for value, count in counted) + ")" if counted else ""


def summarize(seeds: SeedSet) -> list[str]:
    """One line per kind of record, with a breakdown where one helps."""
    return [
        f"events: {len(seeds.events)}{_breakdown([e.kind for e in seeds.events.values()])}",
        f"people: {len(seeds.people)}",
        f"organizations: {len(seeds.organizations)}",
        f"places: {len(seeds.places)}{_breakdown([p.kind for p in seeds.places.values()])}",
        f"topics: {len(seeds.topics)}",
        f"anniversaries: {len(seeds.anniversaries)}",
        f"articles: {len(seeds.articles)}"
        + _breakdown([a.language for a in seeds.articles.values()]),
        f"future events: {len(seeds.future_events)}",
    ]


def print_problems(error: SeedError) -> None:
    """Every problem on stderr, one a line, under a count."""
    print(error, file=sys.stderr)


def main(args: argparse.Namespace, settings: Settings) -> int:
    """Validate the seeds; exit 0 when valid, 2 (with every problem on stderr) when not."""
    folder = args.seeds or settings.seeds_dir
    try:
        seeds = load_seeds(folder)
    except SeedError as error:
        print_problems(error)
        return 2
    print(f"seeds: {folder} (valid)")
    for line in summarize(seeds):
        print(line)
    return 0
