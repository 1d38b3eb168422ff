"""The update phases: what one changed, 100 new and 1 deleted record cost, a full rebuild, and
how fast the bot answers while it reloads and while a digest broadcast runs.

- `updates`: on a copy of a prepared data set, each edit is made to the seed files and then
  (a) the next start is timed in a fresh process (`coldstart`), (b) the same kind of edit is
  applied to a running bot with `Engine.apply_changes()` (what /reload does) while /search and
  /minister are sent through the real Application, whose p95 is measured meanwhile. Peak RSS of
  a reload is the process's high-water mark reset just before it (/proc/self/clear_refs).
- `rebuild`: a forced full rebuild (the stored index and file hashes dropped, as after a change
  to the matching code) in a fresh process: time and peak RSS.
- `broadcast_replies`: commands and button presses answered while a 10,000-chat broadcast runs
  at 30 msg/s through AIORateLimiter to the fake Bot API server over HTTP: reply p95.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from bench.common import bench_settings, cpu_seconds, dataset_paths, memory, summary

if TYPE_CHECKING:
    from bot.storage.base import SyncResult

ROOT = Path(__file__).resolve().parent.parent
EDITS = ("changed_1", "new_100", "deleted_1")


def reset_peak() -> None:
    """Reset this process's peak RSS (VmHWM) to its current RSS (Linux)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


# --- editing a seeds folder as an editor would -----------------------------------------------


def _event_lines(path: Path) -> list[str]:
    """The records of a generated events file (a JSON list, one record a line)."""
    return [line.rstrip(",") for line in path.read_text(encoding="utf-8").splitlines()[1:-1]]


def _write_event_lines(path: Path, lines: list[str]) -> None:
    path.write_text("[\n" + ",\n".join(lines) + "\n]\n", encoding="utf-8")


def edit(seeds: Path, kind: str, round_: int, db: Path) -> str:
    """Make one edit of `kind` to the seed files; returns what it did."""
    files = sorted((seeds / "events").glob("bench-*.yaml"))
    if kind == "changed_1":
        path = files[len(files) // 2]
        lines = _event_lines(path)
        record = json.loads(lines[round_])
        record["summary"]["en"] = f"Edited {round_}: {record['summary']['en']}"
        lines[round_] = json.dumps(record, ensure_ascii=False)
        _write_event_lines(path, lines)
        return record["id"]
    if kind == "new_100":
        lines = _event_lines(files[0])[:100]
        new = []
        for n, line in enumerate(lines):
            record = json.loads(line)
            record["id"] = f"{record['id']}-new-{round_}-{n}"
            new.append(json.dumps(record, ensure_ascii=False))
        _write_event_lines(seeds / "events" / f"new-{round_}.yaml", new)
        return f"events/new-{round_}.yaml"
    with sqlite3.connect(db) as connection:
        parents = {row[0] for row in connection.execute("SELECT DISTINCT part_of FROM events")}
    path = files[(-1 - round_) % len(files)]
    lines = _event_lines(path)
    for position in range(len(lines) - 1, -1, -1):
        record = json.loads(lines[position])
        if record["id"] not in parents:
            del lines[position]
            _write_event_lines(path, lines)
            return record["id"]
    raise LookupError("no event without children to delete")


def _worker(phase: str, data: Path) -> dict:
    command = [sys.executable, "-m", "bench.worker", phase, "--data", str(data)]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BOT_LOG_LEVEL": "WARNING"}
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"bench phase {phase} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- the phases ------------------------------------------------------------------------------


async def updates(data: Path, queries: int, seed: int) -> dict:
    """Next-start and /reload figures for each kind of edit, on a copy of the data set."""
    with tempfile.TemporaryDirectory(dir=data.parent) as folder:
        copy = Path(folder) / "data"
        shutil.copytree(data, copy)
        seeds, db = dataset_paths(copy)
        # A copy's files have new inodes, so its first start hashes every file again (and
        # restates them): the unchanged start to compare with is the next one.
        figures: dict = {"copy_first_start": _worker("coldstart", copy)}
        figures["unchanged_start"] = _worker("coldstart", copy)
        for kind in EDITS:
            what = edit(seeds, kind, 0, db)
            figures[f"start_{kind}"] = {**_worker("coldstart", copy), "edit": what}
        figures["reload"] = await _reloads(copy, queries, seed)
    return figures


async def _reloads(data: Path, queries: int, seed: int) -> dict:
    """Each edit applied to a running bot while commands keep coming."""
    from telegram import Update

    from bench.queries import command_queries
    from bot.app import build_application
    from bot.telegram.fake_api import FakeBotAPI
    from bot.telegram.inprocess import InProcessRequest
    from bot.telegram.updates import make_chat, make_message_update, make_user

    api = FakeBotAPI()
    application = build_application(
        bench_settings(data), request=InProcessRequest(api), rate_limiter=False
    )
    await application.initialize()
    await application.post_init(application)
    engine = application.bot_data["engine"]
    asked = command_queries(engine.seeds, queries, seed)
    user = make_user(4242, "Bench", "ru")
    chat = make_chat("private", user=user)
    seeds, db = dataset_paths(data)

    async def ask(text: str) -> float:
        raw = api.receive(make_message_update(text, chat, user))
        begun = time.perf_counter()
        await application.process_update(Update.de_json(raw, application.bot))
        return time.perf_counter() - begun

    for command in ("search", "minister"):  # warm up, as a running bot is
        for query in asked[command][:20]:
            await ask(f"/{command} {query}")
    pooled: dict[str, list[float]] = {"search": [], "minister": []}

    async def applied() -> tuple[float, float, SyncResult, dict[str, list[float]]]:
        """`apply_changes()` while a user asks every few milliseconds: wall and CPU
        seconds, the result, and each command's reply times meanwhile (also pooled)."""
        timings: dict[str, list[float]] = {"search": [], "minister": []}
        started, cpu = time.perf_counter(), cpu_seconds()
        reload = asyncio.create_task(engine.apply_changes())
        n = 0
        while not reload.done():
            command = ("search", "minister")[n % 2]
            query = asked[command][n // 2 % len(asked[command])]
            timings[command].append(await ask(f"/{command} {query}"))
            n += 1
            await asyncio.sleep(0.005)  # a user every few milliseconds
        result = await reload
        for command, times in timings.items():
            pooled[command].extend(times)
        return time.perf_counter() - started, cpu_seconds() - cpu, result, timings

    results: dict = {}
    for round_, kind in enumerate(EDITS, start=1):
        edit(seeds, kind, round_, db)
        before = memory()
        reset_peak()
        elapsed, cpu, result, timings = await applied()
        results[kind] = {
            "apply_s": elapsed,
            "cpu_s": cpu,  # the process's, answering commands included
            "changed": result.changed,
            "added": result.added,
            "removed": result.removed,
            "index_source": engine.index_source,
            "rss_before_mb": before["rss_mb"],
            **memory(),
            "during": {command: summary(times) for command, times in timings.items()},
        }
    # Memory across repeated reloads: five more one-record edits, RSS after each (commands
    # asked meanwhile too: with ten replies a reload, a p95 is its slowest one).
    repeated = []
    for round_ in range(len(EDITS) + 1, len(EDITS) + 6):
        edit(seeds, "changed_1", round_, db)
        elapsed, *_ = await applied()
        repeated.append({"apply_s": elapsed, **memory()})
    results["during_all"] = {
        **{command: summary(times) for command, times in pooled.items()},
        "commands": summary([*pooled["search"], *pooled["minister"]]),
        "reloads": len(EDITS) + len(repeated),
    }
    results["repeated_changed_1"] = repeated
    await application.post_shutdown(application)
    await application.shutdown()
    return results


def second_process() -> dict[str, float]:
    """The CPU seconds and peak RSS (MB) of the full read's second process (bot/records/
    offload.py), from this fresh process's ended children (none: 0)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"second_cpu_s": usage.ru_utime + usage.ru_stime,
            "second_peak_rss_mb": usage.ru_maxrss / 1024}  # fmt: skip


async def rebuild(data: Path) -> dict:
    """A forced full rebuild in this (fresh) process: the stored index and file hashes are
    dropped first, so the engine reads the whole folder and builds the index."""
    from bot.engine import Engine

    with tempfile.TemporaryDirectory(dir=data.parent) as folder:
        copy = Path(folder) / "data"
        copy.mkdir()
        _, db = dataset_paths(data)
        target = copy / db.name
        shutil.copyfile(db, target)
        with sqlite3.connect(target) as connection:
            connection.execute("DELETE FROM search_index")
            connection.execute("DELETE FROM seed_files")
        settings = bench_settings(data).with_(db_path=target)
        reset_peak()
        started, cpu = time.perf_counter(), cpu_seconds()
        engine = Engine(settings)
        result = await engine.open()
        elapsed = time.perf_counter() - started
        figures = {
            "total_s": elapsed,
            "cpu_s": cpu_seconds() - cpu,
            "index_source": engine.index_source,
            "read_yaml": result is not None,
            **memory(),
            **second_process(),
        }
        await engine.close()
    return figures


async def broadcast_replies(data: Path, chats: int, window: float, seed: int) -> dict:
    """Reply times of commands and button presses while `chats` digests go out at 30/s."""
    import datetime as dt

    from telegram import Update

    from bench.deliverybench import (
        TOKEN,
        CountingBot,
        copy_database,
        start_fake_server,
        stop_fake_server,
    )
    from bench.queries import command_queries
    from bot.app import build_application
    from bot.conversation.callbacks import event_data
    from bot.digests.broadcast import Broadcaster, DeliveryPolicy
    from bot.digests.composer import DigestCompositions
    from bot.telegram.updates import make_callback_update, make_chat, make_message_update

    with tempfile.TemporaryDirectory() as folder:
        db_path = copy_database(data, Path(folder), chats)
        with sqlite3.connect(db_path) as connection:
            chat_id = connection.execute(
                "SELECT chat_id FROM chats WHERE type = 'private' ORDER BY chat_id LIMIT 1"
            ).fetchone()[0]
        server, port = await start_fake_server(db_path)
        try:
            settings = bench_settings(data).with_(
                token=TOKEN, base_url=f"http://127.0.0.1:{port}", db_path=db_path
            )
            application = build_application(settings, rate_limiter=True)
            await application.initialize()
            await application.post_init(application)
            engine = application.bot_data["engine"]
            asked = command_queries(engine.seeds, 50, seed)
            user = {"id": chat_id, "is_bot": False, "first_name": "Bench", "language_code": "en"}
            chat = make_chat("private", user=user)
            chat["id"] = chat_id
            bot_message = {"message_id": 1, "date": 0, "chat": chat, "text": "list",
                           "from": {"id": 1, "is_bot": True, "first_name": "Bot"}}  # fmt: skip
            event_ids = engine.index.newest_event_ids()[:50]
            compose = DigestCompositions(engine, send_empty=True)
            counting = CountingBot(application.bot)
            policy = DeliveryPolicy(grace=dt.timedelta(days=2))
            broadcaster = Broadcaster(engine, counting, compose, policy)  # type: ignore[arg-type]
            tick = asyncio.create_task(broadcaster.tick(dt.datetime.now(dt.UTC)))
            await counting.first_sent.wait()
            commands: list[float] = []
            buttons: list[float] = []
            end = time.perf_counter() + window
            n = 0
            while time.perf_counter() < end and not tick.done():
                if n % 2:
                    raw = make_callback_update(event_data(event_ids[n % len(event_ids)]),
                                               bot_message, user)  # fmt: skip
                    into = buttons
                else:
                    command = ("search", "minister", "meetings")[n // 2 % 3]
                    raw = make_message_update(
                        f"/{command} {asked[command][n % len(asked[command])]}", chat, user
                    )
                    into = commands
                raw["update_id"] = n + 1
                begun = time.perf_counter()
                await application.process_update(Update.de_json(raw, application.bot))
                into.append(time.perf_counter() - begun)
                n += 1
                await asyncio.sleep(0.1)
            sent = len(counting.sent_at)
            tick.cancel()
            await asyncio.gather(tick, return_exceptions=True)
            await application.post_shutdown(application)
            await application.shutdown()
        finally:
            await stop_fake_server(server)
    return {
        "chats": chats,
        "window_s": window,
        "digests_sent": sent,
        "commands": summary(commands),
        "buttons": summary(buttons),
    }
