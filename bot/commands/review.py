"""`python -m bot review [WORDS…] [--approve ID] [--reject ID] [--edit ID TEXT]`: the ingest
drafts awaiting review (bot/ingest/review.py), and an operator's decision on one.

Without an option it lists the drafts (those holding every one of WORDS, when given). Approving
writes the record into the seeds; a running bot shows it after /reload (approving with /review in
Telegram shows it at once). An unknown ID, or a step that cannot be done, exits 2 with one line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from bot.ingest.corrections import DraftError
from bot.ingest.review import (
    DraftItem,
    approve,
    correct,
    load_drafts,
    pending_items,
    reject,
)
from bot.records.loading import SeedError, load_seeds
from bot.settings import Settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("words", nargs="*", help="list only drafts holding all these words")
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--approve", metavar="ID", help="write the draft into the seeds")
    action.add_argument("--reject", metavar="ID", help="drop the draft")
    action.add_argument(
        "--edit",
        nargs=2,
        metavar=("ID", "TEXT"),
        help="correct fields, e.g. 'summary: …' or 'date: 2025-12-04' (one per line)",
    )
    parser.add_argument("--seeds", type=Path, help="seeds folder (default: BOT_SEEDS_DIR)")


def describe(item: DraftItem) -> str:
    """One line for a draft: id, kind, date, title (or the event it adds a source to)."""
    if item.event is None:
        known = item.source.event if item.source else "?"
        return f"{item.id}  adds a source to {known} (article {item.draft.article.id})"
    event = item.event
    todo = "  [summary to write]" if item.placeholder_languages() else ""
    date = event.date.value or "undated"
    return f"{item.id}  {event.kind}  {date}  {event.title.en}{todo}"


def main(args: argparse.Namespace, settings: Settings) -> int:
    seeds_dir = args.seeds or settings.seeds_dir
    if not (args.approve or args.reject or args.edit):
        items = pending_items(seeds_dir, " ".join(args.words))
        for problem in load_drafts(seeds_dir)[1]:
            print(f"cannot read {problem}", file=sys.stderr)
        if not items:
            print("no drafts are awaiting review")
            return 0
        print(f"{len(items)} awaiting review:")
        for item in items:
            print(f"  {describe(item)}")
        return 0
    try:
        if args.reject:
            reject(seeds_dir, args.reject)
            print(f"rejected {args.reject}")
            return 0
        seeds = load_seeds(seeds_dir)
        if args.edit:
            item = correct(seeds_dir, args.edit[0], args.edit[1], seeds)
            print(f"corrected {describe(item)}")
            return 0
        done = approve(seeds_dir, args.approve, seeds, dt.date.today())
    except DraftError as exc:
        print(f"{exc}", file=sys.stderr)
        return 2
    except SeedError as exc:
        print(f"the seeds folder is invalid, fix it first:\n{exc}", file=sys.stderr)
        return 2
    written = ", ".join(str(path) for path in done.written)
    print(f"approved {args.approve}: wrote {written}; a running bot shows it after /reload")
    return 0
