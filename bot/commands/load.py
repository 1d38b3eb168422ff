"""`python -m bot load`: validate the seeds, then bring the database in step with them (SQLite at
BOT_DB, or PostgreSQL at BOT_DATABASE_URL: the other instances follow within a tick)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.commands.check import print_problems
from bot.records.loading import SeedError, load_seeds
from bot.records.models import SEED_FILES
from bot.settings import Settings
from bot.storage import describe_database, open_repositories
from bot.storage.base import SyncResult

# by_kind key -> the plural label `check` uses too
LABELS = {"event": "events"} | {
    f.kind: f.attribute.replace("_", " ") for f in SEED_FILES
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--seeds", type=Path, metavar="DIR", help="seeds folder (default: BOT_SEEDS_DIR or seeds/)"
    )
    parser.add_argument(
        "--db", type=Path, metavar="PATH", help="SQLite file (default: BOT_DB or data/bot.sqlite3)"
    )


def describe(result: SyncResult) -> list[str]:
    """One line per kind of record that exists, then the totals."""

    def line(label: str, counts: dict[str, int]) -> str:
        names = ("added", "changed", "removed", "unchanged")
        return f"{label}: " + ", ".join(f"{counts[name]} {name}" for name in names)

    lines = [
        line(LABELS.get(kind, kind), counts)
        for kind, counts in result.by_kind.items()
        if any(counts.values())
    ]
    totals = {name: getattr(result, name) for name in ("added", "changed", "removed", "unchanged")}
    return [*lines, line("total", totals)]


async def load(folder: Path, settings: Settings) -> SyncResult:
    """Validate `folder` first (so bad seeds never touch the database), then sync it."""
    seeds = await asyncio.to_thread(load_seeds, folder)
    repos = await open_repositories(settings)
    try:
        return await repos.seedstore.sync_seeds(seeds)
    finally:
        await repos.close()


def main(args: argparse.Namespace, settings: Settings) -> int:
    """Load the seeds into the database; exit 2 with every problem on stderr when invalid."""
    folder = args.seeds or settings.seeds_dir
    if args.db:  # an explicit SQLite file wins over BOT_DATABASE_URL
        settings = settings.with_(db_path=args.db, database_url=None)
    target = describe_database(settings)
    try:
        result = asyncio.run(load(folder, settings))
    except SeedError as error:
        print_problems(error)
        print(f"nothing was written to {target}", file=sys.stderr)
        return 2
    except ConnectionError as error:  # names BOT_DATABASE_URL, without the password
        print(error, file=sys.stderr)
        return 2
    print(f"loaded {folder} into {target}")
    for line in describe(result):
        print(line)
    return 0
