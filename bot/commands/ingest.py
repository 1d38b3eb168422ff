"""`python -m bot ingest FILE… [--json] [--write]`: draft event records from new article text.

`--write` keeps the drafts for review (`seeds/drafts/`, bot/ingest/review.py): nothing reaches the
seeds, or a user, until an operator approves it (`python -m bot review`, or /review in Telegram).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from bot.ingest import Knowledge, ingest_text
from bot.ingest.intake import ArticleError, read_article
from bot.ingest.output import as_data, as_yaml
from bot.ingest.review import store
from bot.ingest.seedfile import SeedFileError
from bot.records.loading import SeedError, load_seeds
from bot.records.seedset import SeedSet
from bot.settings import Settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files", nargs="+", type=Path, help="article text files (UTF-8, UTF-16 or Windows-1251)"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of YAML")
    parser.add_argument(
        "--write", action="store_true", help="keep the drafts for review (seeds/drafts/)"
    )
    parser.add_argument("--published", type=dt.date.fromisoformat, help="publication date")
    parser.add_argument("--seeds", type=Path, help="seeds folder (default: BOT_SEEDS_DIR)")


def build_knowledge(seeds: SeedSet) -> Knowledge:
    """Gazetteers from the seeds, with the search index for names when it is installed."""
    try:
        from bot.search.index import SearchIndex
    except ImportError:
        return Knowledge.from_seeds(seeds)
    return Knowledge.from_seeds(seeds, SearchIndex.build(seeds))


def main(args: argparse.Namespace, settings: Settings) -> int:
    seeds_dir = args.seeds or settings.seeds_dir
    texts = []
    for path in args.files:
        try:
            text, encoding = read_article(path.read_bytes())
            if encoding != "utf-8":
                print(f"{path}: read as {encoding}", file=sys.stderr)
            texts.append((path, text))
        except OSError as exc:
            print(f"{path}: cannot read: {exc.strerror}", file=sys.stderr)
            return 2
        except ArticleError as exc:
            print(f"{path}: not an article: {exc}. Nothing was written.", file=sys.stderr)
            return 2
    try:
        seeds = load_seeds(seeds_dir)
    except SeedError as exc:
        print(f"the seeds folder is invalid, fix it first:\n{exc}", file=sys.stderr)
        return 2
    knowledge = build_knowledge(seeds)
    results = [
        ingest_text(t, knowledge, filename=p.name, published=args.published) for p, t in texts
    ]
    if args.json:
        print(json.dumps([as_data(r) for r in results], ensure_ascii=False, indent=2))
    else:
        print("\n---\n".join(as_yaml(r) for r in results))
    for result in results:
        if result.known_article:
            print(f"{result.article.file}: already known: {result.known_article}", file=sys.stderr)
        for event_id, _ in result.additions:
            print(f"{result.article.file}: adds source to {event_id}", file=sys.stderr)
    if args.write:
        try:
            stored = store([r for r in results if not r.known_article], seeds_dir, seeds)
        except (SeedError, SeedFileError, FileExistsError) as exc:
            print(f"nothing was written: {exc}", file=sys.stderr)
            return 2
        for done in stored:
            if done.pending:
                print(f"{done.article}: already awaiting review: {done.pending}", file=sys.stderr)
            else:
                items = ", ".join(done.items)
                print(f"for review: {items} (python -m bot review)", file=sys.stderr)
    return 0
