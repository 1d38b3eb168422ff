"""Fan-out on PostgreSQL: one broadcast sent by 1, 2 and 3 bot instances on one database.

Each instance is a process of its own (`python -m bench.fanoutbench ...`, started by
`fanout()`): the production Application (`build_application` with PTB's HTTPX transport), in
PostgreSQL mode (BOT_DATABASE_URL: the fleet's send budget as the rate limiter,
bot.telegram.fleet) or with no rate limiter at all, and the real Broadcaster with the
scheduler's compositions, ticking until nothing is left to send. The fake Bot API runs in a
process of its own too (bench/fakeserver.py) and notes when each message arrives and from which
instance (each has its own label in TELEGRAM_BASE_URL). Every run gets a fresh schema.

- limited (the fleet's budget): the combined rate over a window while every instance sends, as
  a fraction of Telegram's 30 messages a second, and the most messages seen in any 1-second
  window of the whole run (Telegram's limit is per second: that must stay <= 30);
- raw (no limiter): messages a second of each instance while it sends, and combined.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_settings
from bench.deliverybench import TELEGRAM_BULK_RATE, TOKEN, copy_database

PRIVATE_BASE = 1_000_000  # bench/fakeserver.py's --private chat ids start after it
SEND_TIME = dt.time(9, 0)
WARMUP_S = 1.0


def max_in_window(times: list[float], width: float = 1.0) -> int:
    """The most of `times` inside any window of `width` seconds."""
    ordered, best, start = sorted(times), 0, 0
    for end, moment in enumerate(ordered):
        while moment - ordered[start] >= width:
            start += 1
        best = max(best, end - start + 1)
    return best



async def subscribe(settings, chats: int) -> None:
    """`chats` private chats subscribed three days ago, daily at 09:00 UTC."""
    from bot.storage import open_repositories
    from bot.storage.base import Subscription

    repos = await open_repositories(settings)
    then = dt.datetime.now(dt.UTC) - dt.timedelta(days=3)
    try:
        for chat_id in range(PRIVATE_BASE + 1, PRIVATE_BASE + chats + 1):
            await repos.chats.upsert(chat_id, "private", now=then)
            await repos.subscriptions.subscribe(
                Subscription(chat_id, "daily", SEND_TIME, "UTC", "en"), now=then
            )
    finally:
        await repos.close()


# --- one instance --------------------------------------------------------------------------


async def instance(
    data: Path, db_path: Path, url: str, base_url: str, limited: bool, chats: int
) -> dict:
    """One bot instance: start, say "ready", wait for "go" on stdin, then tick until the log
    holds a finished row for each of the `chats` digests (whoever sent them): a tick that
    comes before the planning instance's finds nothing yet, as in production, and ticks again."""
    from bot.app import build_application
    from bot.digests.broadcast import Broadcaster, DeliveryPolicy
    from bot.digests.composer import DigestCompositions
    from bot.telegram.fleet import Fleet

    settings = bench_settings(data).with_(
        token=TOKEN, base_url=base_url, db_path=db_path, database_url=url
    )
    fleet = await Fleet.open(settings) if limited else None
    application = build_application(
        settings, rate_limiter=fleet.rate_limiter if fleet is not None else False
    )
    await application.initialize()
    await application.post_init(application)
    try:
        engine = application.bot_data["engine"]
        compose = DigestCompositions(engine, send_empty=True)
        policy = DeliveryPolicy(grace=dt.timedelta(days=2))  # every chat due, none late
        broadcaster = Broadcaster(engine, application.bot, compose, policy)
        print("ready", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        sent = ticks = 0
        while True:
            report = await broadcaster.tick(dt.datetime.now(dt.UTC))
            ticks += 1
            sent += len(report.sent)
            counts = await engine.stats.deliveries_by_status()
            if sum(counts.get(s, 0) for s in ("sent", "empty", "failed", "missed")) >= chats:
                break
            if not report.sent:
                await asyncio.sleep(1.0)  # the next tick (BOT_TICK_SECONDS=1 as in the tests)
        return {"digests_sent": sent, "ticks": ticks}
    finally:
        await application.post_shutdown(application)
        await application.shutdown()
        if fleet is not None:
            await fleet.close()


# --- the runs ------------------------------------------------------------------------------


async def start_server(chats: int, times: Path) -> tuple[asyncio.subprocess.Process, int]:
    server = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.fakeserver", "--token", TOKEN, "--private", str(chats),
        "--times", str(times), stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert server.stdout is not None
    return server, int(await server.stdout.readline())


async def start_instance(
    data: Path, db_path: Path, url: str, base_url: str, limited: bool, chats: int
) -> asyncio.subprocess.Process:
    options = ["--data", str(data), "--db", str(db_path), "--url", url, "--base-url", base_url,
               "--chats", str(chats)]  # fmt: skip
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.fanoutbench", *options, *(["--limited"] if limited else []),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def one_run(data: Path, url: str, instances: int, chats: int, limited: bool) -> dict:
    """A broadcast to `chats` chats by `instances` processes; the figures."""
    from bot.storage.postgres.database import scratch_schema

    with tempfile.TemporaryDirectory() as folder:
        times = Path(folder) / "times.json"
        db_path = copy_database(data, Path(folder), 0)  # SQLite until the engine runs on PG
        async with scratch_schema(url, "fanout") as schema_url:
            settings = bench_settings(data).with_(db_path=db_path, database_url=schema_url)
            await subscribe(settings, chats)
            server, port = await start_server(chats, times)
            workers = []
            try:
                for number in range(instances):
                    workers.append(await start_instance(data, db_path, schema_url,
                                                        f"http://127.0.0.1:{port}/i{number}/bot",
                                                        limited, chats))  # fmt: skip
                for worker in workers:  # every instance started (engine open) before any sends
                    assert worker.stdout is not None
                    line = await asyncio.wait_for(worker.stdout.readline(), 300)
                    assert line.strip() == b"ready", line
                for worker in workers:
                    assert worker.stdin is not None
                    worker.stdin.write(b"go\n")
                    await worker.stdin.drain()
                reports = []
                for worker in workers:
                    assert worker.stdout is not None
                    out = await asyncio.wait_for(worker.stdout.read(), 600)
                    await worker.wait()
                    reports.append(json.loads(out.decode().strip().splitlines()[-1]))
            finally:
                for worker in workers:
                    if worker.returncode is None:
                        worker.kill()
                        await worker.wait()
                assert server.stdin is not None and server.stdout is not None
                server.stdin.close()
                await server.stdout.read()
                await server.wait()
        arrivals: dict[str, list[float]] = json.loads(times.read_text())
    return figures(instances, chats, limited, arrivals, reports)


def figures(
    instances: int, chats: int, limited: bool, arrivals: dict[str, list[float]], reports: list
) -> dict:
    every = sorted(t for times in arrivals.values() for t in times)
    result: dict = {
        "instances": instances,
        "chats": chats,
        "limited": limited,
        "messages": len(every),
        "digests_sent": sum(r["digests_sent"] for r in reports),
        "per_instance_messages": {k: len(v) for k, v in sorted(arrivals.items())},
        "max_in_1s": max_in_window(every),
    }
    if not every:
        return result
    if limited:
        begin = max(min(times) for times in arrivals.values()) + WARMUP_S  # all are sending
        end = min(max(times) for times in arrivals.values())
        window = max(end - begin, 1e-9)
        counted = [t for t in every if begin <= t < end]
        result.update(
            window_s=window,
            msgs_per_s=len(counted) / window,
            fraction_of_allowed=len(counted) / window / TELEGRAM_BULK_RATE,
        )
    else:
        result["msgs_per_s"] = (len(every) - 1) / max(every[-1] - every[0], 1e-9)
    result["per_instance_msgs_per_s"] = {
        k: (len(v) - 1) / max(v[-1] - v[0], 1e-9) for k, v in sorted(arrivals.items())
    }
    return result


async def fanout(data: Path, url: str, chats: int, raw_chats: int, counts: list[int]) -> dict:
    """Every run: 1, 2 and 3 instances (or `counts`), limited then raw."""
    runs = []
    for instances in counts:
        runs.append(await one_run(data, url, instances, chats, limited=True))
        runs.append(await one_run(data, url, instances, raw_chats, limited=False))
    return {"runs": runs}


def format_rows(result: dict) -> list[str]:
    """Markdown rows for the bench table."""
    lines = [
        "| instances | limiter | messages | combined msg/s | % of 30 | max in 1 s "
        "| per instance msg/s |",
        "|---:|---|---:|---:|---:|---:|---|",
    ]
    for run in result["runs"]:
        share = f"{run.get('fraction_of_allowed', 0):.1%}" if run["limited"] else "—"
        each = run.get("per_instance_msgs_per_s") or {}
        per = ", ".join(f"{rate:.0f}" for rate in each.values()) if each else "—"
        lines.append(
            f"| {run['instances']} | {'fleet budget' if run['limited'] else 'off'} "
            f"| {run['messages']} | {run.get('msgs_per_s', 0):.1f} | {share} "
            f"| {run['max_in_1s']} | {per} |"
        )
    return lines


def verdicts(result: dict, targets: dict) -> list[tuple[str, bool, str]]:
    """(target, met, figure) for the limited runs: the lowest share of 30 msg/s, the most
    messages in one second."""
    limited = [run for run in result["runs"] if run["limited"]]
    worst = min(run.get("fraction_of_allowed", 0.0) for run in limited)
    peak = max(run["max_in_1s"] for run in limited)
    return [
        ("fan-out >= 95 % of 30 msg/s with 1-3 instances", worst >= targets["fanout_fraction"],
         f"lowest {worst:.1%}"),
        ("fan-out: no 1-s window above 30", peak <= targets["fanout_max_1s"], f"highest {peak}"),
    ]  # fmt: skip


def main() -> int:
    """One instance (the worker side of `one_run`)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--limited", action="store_true")
    parser.add_argument("--chats", type=int, required=True, help="digests due in all")
    args = parser.parse_args()
    started = time.perf_counter()
    report = asyncio.run(
        instance(args.data, args.db, args.url, args.base_url, args.limited, args.chats)
    )
    print(json.dumps({**report, "process_s": time.perf_counter() - started}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
