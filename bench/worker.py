"""One benchmark phase, run in a fresh Python process so memory and caches never carry over.

`python -m bench.worker PHASE --data DIR ...` prints one JSON object (its figures) on its last
line of stdout; bench/run.py starts these processes and collects what they print. Phases:
prepare (generate and store a data set once, cached), coldstart, commands, digest, delivery,
updates, rebuild, broadcast_replies (bench/updatebench.py), fanout (bench/fanoutbench.py:
1, 2 and 3 instances on PostgreSQL, `--database-url`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_settings, cpu_seconds, dataset_paths, memory, summary
from bench.generate import (
    fill_record_digests,
    generate_seedset,
    insert_subscriptions,
    sync_into_database,
    write_seeds_folder,
)

COMMANDS = ("minister", "topic", "meetings", "search")


# --- prepare -------------------------------------------------------------------------------


async def prepare(data: Path, events: int, seed: int, chats: int) -> dict:
    """Generate a data set into `data` (seeds folder + synced database), unless it is there."""
    from bot.records.loading import seeds_fingerprint
    from bot.storage.sqlite import open_sqlite

    seeds_dir, db_path = dataset_paths(data)
    marker = data / "ready.json"
    if marker.exists():
        repos = await open_sqlite(db_path)
        try:
            fresh = await repos.seedstore.stored_fingerprint() == seeds_fingerprint(seeds_dir)
        finally:
            await repos.close()
        if fresh:
            filled = fill_record_digests(db_path, seeds_dir)
            return {**json.loads(marker.read_text()), "cached": True, "digests_filled": filled}
    shutil.rmtree(data, ignore_errors=True)
    started = time.perf_counter()
    seedset = generate_seedset(events, seed)
    generated = time.perf_counter()
    write_seeds_folder(seedset, seeds_dir, style="json")
    written = time.perf_counter()
    await sync_into_database(seedset, db_path, seeds_dir)
    insert_subscriptions(db_path, chats, sorted(seedset.topics), seed)
    synced = time.perf_counter()
    figures = {
        "counts": seedset.counts(),
        "chats": chats,
        "generate_s": generated - started,
        "write_seeds_s": written - generated,
        "sync_db_s": synced - written,
        "db_mb": db_path.stat().st_size / 2**20,
    }
    marker.write_text(json.dumps(figures))
    return {**figures, "cached": False}


# --- cold start ----------------------------------------------------------------------------


async def coldstart(data: Path, database_url: str | None = None) -> dict:
    """Open the engine as the bot does: database, seeds unchanged, search index ready.

    The index is loaded from the database when it was stored for these seeds, else built
    (and stored): `index_source` says which.
    """
    from bot.engine import Engine

    baseline = memory()["rss_mb"]
    started, cpu = time.perf_counter(), cpu_seconds()
    engine = Engine(bench_settings(data, database_url))
    result = await engine.open()
    ready = time.perf_counter()
    assert engine.index is not None
    figures = {
        "total_s": ready - started,
        "cpu_s": cpu_seconds() - cpu,
        "index_source": engine.index_source,
        "reloaded_yaml": result is not None,  # True would mean the seeds were not unchanged
        "rss_before_mb": baseline,
        **memory(),
    }
    await engine.close()
    return figures


# --- commands ------------------------------------------------------------------------------


def registered_commands(application) -> set[str]:
    """The commands some module registered (the unknown-command fallback does not count)."""
    from telegram.ext import CommandHandler

    found: set[str] = set()
    for group in application.handlers.values():
        for handler in group:
            if isinstance(handler, CommandHandler):
                found |= set(handler.commands)
    return found


def index_call(index, command: str):
    """The search-index lookup behind each command, for timing the index alone."""
    return {
        "minister": index.resolve_person,
        "topic": lambda q: index.find_topics(q) or index.search_events(q, 10),
        "meetings": lambda q: index.find_places(q) + index.find_organizations(q),
        "search": lambda q: index.search_events(q, 10),
    }[command]


async def commands(
    data: Path, count: int, baseline_budget: float, seed: int, database_url: str | None = None
) -> dict:
    """Time /minister, /topic, /meetings, /search through the real Application, the index
    alone, and the linear-scan baseline, over the same misspelled mixed-script queries."""
    from telegram import Update

    from bench.baseline import BaselineSearch
    from bench.queries import command_queries
    from bot.app import build_application
    from bot.telegram.fake_api import FakeBotAPI
    from bot.telegram.inprocess import InProcessRequest
    from bot.telegram.updates import make_chat, make_message_update, make_user

    api = FakeBotAPI()
    application = build_application(
        bench_settings(data, database_url), request=InProcessRequest(api), rate_limiter=False
    )
    started = time.perf_counter()
    await application.initialize()
    await application.post_init(application)  # run_polling would call it: opens the engine
    init_s = time.perf_counter() - started
    after_init = memory()
    engine = application.bot_data["engine"]
    queries = command_queries(engine.seeds, count, seed)
    available = registered_commands(application)
    user = make_user(4242, "Bench", "ru")
    chat = make_chat("private", user=user)
    results: dict[str, dict] = {}
    for command in COMMANDS:
        figures: dict = {"handler_registered": command in available}
        if command in available:
            timings, unanswered = [], 0
            for query in queries[command]:
                raw = api.receive(make_message_update(f"/{command} {query}", chat, user))
                calls_before = len(api.calls)
                begun = time.perf_counter()
                await application.process_update(Update.de_json(raw, application.bot))
                timings.append(time.perf_counter() - begun)
                unanswered += len(api.calls) == calls_before
            figures["handler"] = summary(timings)
            figures["unanswered"] = unanswered
        lookup = index_call(engine.index, command)
        timings = []
        for query in queries[command]:
            begun = time.perf_counter()
            lookup(query)
            timings.append(time.perf_counter() - begun)
        figures["index"] = summary(timings)
        results[command] = figures
    before_baseline = memory()
    baseline = BaselineSearch(engine.seeds)
    for command in COMMANDS:
        timings = []
        scan = getattr(baseline, command)
        budget_end = time.perf_counter() + baseline_budget
        for query in queries[command]:
            begun = time.perf_counter()
            scan(query)
            timings.append(time.perf_counter() - begun)
            if begun > budget_end and len(timings) >= 5:
                break
        results[command]["baseline"] = summary(timings)
    await application.shutdown()
    return {
        "init_s": init_s,
        "memory_after_init": after_init,
        "memory_before_baseline": before_baseline,
        "commands": results,
        "examples": {command: queries[command][:5] for command in COMMANDS},
    }


def main(argv: list[str] | None = None) -> int:
    """Run one phase and print its figures as JSON on the last line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "phase",
        choices=(
            "prepare", "coldstart", "commands", "digest", "delivery",
            "updates", "rebuild", "broadcast_replies", "fanout",
        ),
    )  # fmt: skip
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--chats", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--baseline-budget", type=float, default=20.0)
    parser.add_argument("--budget", type=float, default=30.0, help="seconds, digest phase")
    parser.add_argument("--window", type=float, default=10.0, help="seconds, limited delivery")
    parser.add_argument("--raw-chats", type=int, default=1500, help="fanout: chats, no limiter")
    parser.add_argument("--instances", type=int, nargs="+", default=[1, 2, 3], help="fanout")
    parser.add_argument(
        "--database-url",
        help="coldstart, commands: on this PostgreSQL instead of the SQLite file; fanout: the"
        " PostgreSQL it creates a schema in per run",
    )
    args = parser.parse_args(argv)
    if args.phase == "prepare":
        job = prepare(args.data, args.events, args.seed, args.chats)
    elif args.phase == "coldstart":
        job = coldstart(args.data, args.database_url)
    elif args.phase == "commands":
        job = commands(args.data, args.queries, args.baseline_budget, args.seed, args.database_url)
    elif args.phase == "updates":
        from bench.updatebench import updates

        job = updates(args.data, args.queries, args.seed)
    elif args.phase == "rebuild":
        from bench.updatebench import rebuild

        job = rebuild(args.data)
    elif args.phase == "broadcast_replies":
        from bench.updatebench import broadcast_replies

        job = broadcast_replies(args.data, args.chats, args.window, args.seed)
    elif args.phase == "fanout":
        from bench.fanoutbench import fanout

        if not args.database_url:
            parser.error("fanout needs --database-url postgresql://…")
        job = fanout(args.data, args.database_url, args.chats, args.raw_chats, args.instances)
    elif args.phase == "digest":
        from bench.digestbench import digest

        job = digest(args.data, args.chats, args.budget)
    else:
        from bench.deliverybench import delivery

        job = delivery(args.data, args.chats, args.window)
    print(json.dumps(asyncio.run(job)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
