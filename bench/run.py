"""The benchmark harness: search, cold start, memory, digests and delivery at several scales.

    python bench/run.py                # 1,000 / 10,000 / 100,000 events (a few minutes)
    python bench/run.py --quick        # 1,000 / 10,000 only
    python -m bot bench --events 1000 --json /tmp/bench.json

Every phase runs in a fresh subprocess (bench/worker.py), so memory figures never accumulate.
Data sets are generated once and cached under bench/results/data/ (git-ignored). The table is
printed and the figures are written as JSON to bench/results/<timestamp>.json (or --json).

Long because: the options, the phases' order, the printed tables and the verdicts against
TARGETS are one report, and each table reads the JSON the phases wrote.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
FULL_SCALES = (1_000, 10_000, 100_000)
QUICK_SCALES = (1_000, 10_000)
COMMANDS = ("minister", "topic", "meetings", "search")
TARGETS = {
    "p95_ms": 10.0,  # each command at 100k events
    "speedup": 20.0,  # vs the baseline at 100k events
    "cold_start_s": 3.0,
    "rss_mb": 400.0,
    "raw_msgs_per_s": 500.0,
    "limited_fraction": 0.95,
    "changed_1_s": 1.0,  # one changed record applied (next start: beyond the unchanged start)
    "update_rss_mb": 450.0,
    "new_100_s": 3.0,
    "rebuild_s": 15.0,
    "rebuild_rss_mb": 700.0,
    "p95_during_reload_ms": 50.0,
    "p95_during_broadcast_ms": 500.0,
    "fanout_fraction": 0.95,  # several instances at Telegram's 30 msg/s, combined
    "fanout_max_1s": 30,  # messages in any 1-second window, however many instances
    "reload_growth_mb": 20.0,  # RSS from the first to the fifth of 5 more reloads
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The harness's options (shared with `python -m bot bench`)."""
    parser.add_argument("--events", type=int, nargs="+", help="scales (default 1k 10k 100k)")
    parser.add_argument("--quick", action="store_true", help="1,000 and 10,000 events only")
    parser.add_argument("--chats", type=int, default=10_000, help="subscribed chats (digests)")
    parser.add_argument("--queries", type=int, default=200, help="queries per command")
    parser.add_argument("--baseline-budget", type=float, default=15.0, help="s per command")
    parser.add_argument("--coldstarts", type=int, default=3, help="fresh processes per scale")
    parser.add_argument("--digest-budget", type=float, default=20.0, help="s per scale")
    parser.add_argument("--delivery-chats", type=int, default=2000, help="chats, raw delivery")
    parser.add_argument("--window", type=float, default=10.0, help="s, limited delivery")
    parser.add_argument(
        "--skip", nargs="*", default=[],
        choices=("digest", "delivery", "updates", "broadcast", "fanout"),
    )
    parser.add_argument("--broadcast-window", type=float, default=20.0, help="s, replies")
    parser.add_argument(
        "--fanout-url", default=os.environ.get("BOT_BENCH_DATABASE_URL"),
        help="PostgreSQL for the 1-2-3 instance fan-out (default $BOT_BENCH_DATABASE_URL)",
    )  # fmt: skip
    parser.add_argument("--fanout-chats", type=int, default=450, help="chats, fan-out limited")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="where to write the figures")
    parser.add_argument("--data", type=Path, default=RESULTS / "data", help="data set cache")


def run_phase(phase: str, data: Path, *options: str) -> dict:
    """Run one phase of bench/worker.py in a fresh process and return its figures."""
    command = [sys.executable, "-m", "bench.worker", phase, "--data", str(data), *options]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BOT_LOG_LEVEL": "WARNING"}
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-15:])
        raise RuntimeError(f"bench phase {phase} failed:\n{tail}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def progress(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run_scale(events: int, args: argparse.Namespace) -> dict:
    """Every per-scale figure for one data set size."""
    data = args.data / f"events-{events}-seed-{args.seed}"
    progress(f"{events:,} events: preparing data")
    figures: dict = {"events": events}
    common = ("--seed", str(args.seed))
    figures["prepare"] = run_phase(
        "prepare", data, "--events", str(events), "--chats", str(args.chats), *common
    )
    progress(f"{events:,} events: cold start x{args.coldstarts}")
    figures["coldstart"] = [run_phase("coldstart", data) for _ in range(args.coldstarts)]
    progress(f"{events:,} events: commands")
    figures["commands"] = run_phase(
        "commands",
        data,
        "--queries",
        str(args.queries),
        "--baseline-budget",
        str(args.baseline_budget),
        *common,
    )
    if "updates" not in args.skip:
        progress(f"{events:,} events: 1 changed / 100 new / 1 deleted, next start and /reload")
        figures["updates"] = run_phase("updates", data, "--queries", "50", *common)
        progress(f"{events:,} events: forced full rebuild")
        figures["rebuild"] = run_phase("rebuild", data)
    if "digest" not in args.skip:
        progress(f"{events:,} events: digests for {args.chats:,} chats")
        figures["digest"] = run_phase(
            "digest", data, "--chats", str(args.chats), "--budget", str(args.digest_budget)
        )
    return figures


def run_benchmark(args: argparse.Namespace) -> dict:
    """All scales plus delivery; returns the figures."""
    scales = args.events or (QUICK_SCALES if args.quick else FULL_SCALES)
    started = time.perf_counter()
    results: dict = {
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "nproc": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "options": {k: str(v) for k, v in vars(args).items() if k not in ("handler",)},
        "targets": TARGETS,
        "scales": [run_scale(events, args) for events in scales],
    }
    if "delivery" not in args.skip:
        progress("delivery to the fake Bot API server")
        data = args.data / f"events-{min(scales)}-seed-{args.seed}"
        results["delivery"] = run_phase(
            "delivery",
            data,
            "--chats",
            str(args.delivery_chats),
            "--window",
            str(args.window),
        )
    if "fanout" not in args.skip and not args.fanout_url:
        progress("fan-out skipped: no PostgreSQL (--fanout-url or BOT_BENCH_DATABASE_URL)")
    elif "fanout" not in args.skip:
        progress("fan-out: 1, 2 and 3 instances on PostgreSQL")
        data = args.data / f"events-{min(scales)}-seed-{args.seed}"
        results["fanout"] = run_phase("fanout", data, "--database-url", args.fanout_url,
                                      "--chats", str(args.fanout_chats))  # fmt: skip
    if "broadcast" not in args.skip:
        largest = max(scales)
        progress(f"replies during a {args.chats:,}-chat broadcast ({largest:,} events)")
        results["broadcast_replies"] = run_phase(
            "broadcast_replies",
            args.data / f"events-{largest}-seed-{args.seed}",
            "--chats",
            str(args.chats),
            "--window",
            str(args.broadcast_window),
        )
    results["duration_s"] = time.perf_counter() - started
    return results


# --- the table -----------------------------------------------------------------------------


def _ms(figures: dict | None, key: str) -> str:
    if not figures or not figures.get("n"):
        return "—"
    return f"{figures[key]:.2f}"


def _ratio(baseline: dict | None, ours: dict | None, key: str) -> str:
    if not baseline or not ours or not baseline.get("n") or not ours.get("n"):
        return "—"
    return f"{baseline[key] / max(ours[key], 1e-6):.0f}x"


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def format_table(results: dict) -> str:
    """The figures as Markdown tables (as pasted into the README)."""
    machine = results["machine"]
    lines = [
        f"Machine: {machine['nproc']} cores, Python {machine['python']}, {machine['platform']}",
        "",
        "| events | command | handler median ms | handler p95 ms | index p95 ms "
        "| baseline median ms | baseline p95 ms | speed-up (p95) |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for scale in results["scales"]:
        for command in COMMANDS:
            row = scale["commands"]["commands"][command]
            handler = row.get("handler")
            ours = handler or row.get("index")
            lines.append(
                f"| {scale['events']:,} | /{command} | {_ms(handler, 'median_ms')} "
                f"| {_ms(handler, 'p95_ms')} | {_ms(row.get('index'), 'p95_ms')} "
                f"| {_ms(row.get('baseline'), 'median_ms')} | {_ms(row.get('baseline'), 'p95_ms')} "
                f"| {_ratio(row.get('baseline'), ours, 'p95_ms')} |"
            )
    lines += [
        "",
        "| events | cold start s (index loaded/built per run) | RSS after start MB | peak RSS MB "
        "| digest per chat median / p95 ms | digests for all chats s |",
        "|---:|---|---:|---:|---|---:|",
    ]
    for scale in results["scales"]:
        runs = scale["coldstart"]
        sources = "/".join(str(r.get("index_source")) for r in runs)
        cold = f"{median([r['total_s'] for r in runs]):.2f} (index {sources})"
        app_memory = scale["commands"]["memory_before_baseline"]
        digest = scale.get("digest")
        if digest:
            per_chat = digest["per_chat"]
            digests = f"{per_chat['median_ms']:.1f} / {per_chat['p95_ms']:.1f}"
            total = digest["total_s"] or digest["projected_total_s"]
            total_text = f"{total:.1f}" + (" (projected)" if digest["extrapolated"] else "")
        else:
            digests = total_text = "—"
        lines.append(
            f"| {scale['events']:,} | {cold} | {app_memory['rss_mb']:.0f} "
            f"| {app_memory['peak_rss_mb']:.0f} | {digests} | {total_text} |"
        )
    if delivery := results.get("delivery"):
        raw, limited = delivery["raw"], delivery["limited"]
        lines += [
            "",
            "| delivery | figure |",
            "|---|---:|",
            f"| limiter off, {raw['chats']:,} chats | {raw['msgs_per_s_tick']:.0f} msg/s "
            f"({raw['msgs_per_s_sending']:.0f} while sending) |",
            f"| limiter on, {limited['window_s']:.0f} s window | {limited['msgs_per_s']:.1f} msg/s "
            f"= {limited['fraction_of_allowed']:.0%} of 30/s |",
        ]
    if fanout := results.get("fanout"):
        from bench.fanoutbench import format_rows

        lines += ["", *format_rows(fanout)]
    lines += update_table(results)
    lines += ["", *verdicts(results)]
    return "\n".join(lines)


EDIT_LABELS = {"changed_1": "1 changed", "new_100": "100 new", "deleted_1": "1 deleted"}


def update_table(results: dict) -> list[str]:
    """The incremental-update figures: next start and /reload per edit, full rebuild."""
    scales = [s for s in results["scales"] if s.get("updates")]
    if not scales:
        return []
    lines = [
        "",
        "| events | edit | next start s (unchanged) | next start peak MB | /reload s (CPU s) "
        "| /reload peak MB | /search p95 ms during | /minister p95 ms during |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for scale in scales:
        updates = scale["updates"]
        unchanged = updates["unchanged_start"]["total_s"]
        for kind, label in EDIT_LABELS.items():
            start, reload = updates[f"start_{kind}"], updates["reload"][kind]
            during = reload["during"]
            lines.append(
                f"| {scale['events']:,} | {label} | {start['total_s']:.2f} ({unchanged:.2f}) "
                f"| {start['peak_rss_mb']:.0f} | {reload['apply_s']:.2f} "
                f"({reload.get('cpu_s', float('nan')):.2f}) "
                f"| {reload['peak_rss_mb']:.0f} | {_ms(during['search'], 'p95_ms')} "
                f"| {_ms(during['minister'], 'p95_ms')} |"
            )
    lines += [
        "",
        "| events | replies during all the reloads above and 5 more | n | median ms | p95 ms "
        "| max ms |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    for scale in scales:
        if pooled := scale["updates"]["reload"].get("during_all"):
            replies = pooled["commands"]
            lines.append(
                f"| {scale['events']:,} | /search and /minister, {pooled['reloads']} reloads "
                f"| {replies['n']} | {_ms(replies, 'median_ms')} | {_ms(replies, 'p95_ms')} "
                f"| {_ms(replies, 'max_ms')} |"
            )
    lines += [
        "",
        "| events | full rebuild s (CPU s) | peak RSS MB | RSS MB after each of 5 more /reloads |",
        "|---:|---:|---:|---|",
    ]
    for scale in scales:
        rebuild = scale["rebuild"]
        repeated = scale["updates"]["reload"].get("repeated_changed_1", [])
        after = ", ".join(f"{r['rss_mb']:.0f}" for r in repeated) or "—"
        lines.append(
            f"| {scale['events']:,} | {rebuild['total_s']:.1f} "
            f"({rebuild.get('cpu_s', float('nan')):.1f}) | {rebuild['peak_rss_mb']:.0f} "
            f"| {after} |"
        )
    if replies := results.get("broadcast_replies"):
        lines += [
            "",
            f"| during a {replies['chats']:,}-chat broadcast ({replies['digests_sent']} digests "
            f"in {replies['window_s']:.0f} s) | median ms | p95 ms |",
            "|---|---:|---:|",
            f"| commands | {_ms(replies['commands'], 'median_ms')} "
            f"| {_ms(replies['commands'], 'p95_ms')} |",
            f"| button presses | {_ms(replies['buttons'], 'median_ms')} "
            f"| {_ms(replies['buttons'], 'p95_ms')} |",
        ]
    return lines


def verdicts(results: dict) -> list[str]:
    """One line per target: met or missed, at the largest scale measured."""
    largest = max(results["scales"], key=lambda scale: scale["events"])
    out = [f"Targets at {largest['events']:,} events:"]

    def verdict(name: str, ok: bool, detail: str) -> None:
        out.append(f"- {'MET ' if ok else 'MISS'} {name}: {detail}")

    for command in COMMANDS:
        row = largest["commands"]["commands"][command]
        ours = row.get("handler") or row.get("index")
        where = "handler" if row.get("handler") else "index only (no handler registered)"
        p95 = ours["p95_ms"]
        verdict(f"/{command} p95 < 10 ms", p95 < TARGETS["p95_ms"], f"{p95:.2f} ms ({where})")
        speedup = row["baseline"]["p95_ms"] / max(p95, 1e-6)
        verdict(f"/{command} >= 20x baseline", speedup >= TARGETS["speedup"], f"{speedup:.0f}x")
    cold = median([run["total_s"] for run in largest["coldstart"]])
    verdict("cold start < 3 s", cold < TARGETS["cold_start_s"], f"{cold:.2f} s")
    rss = max(s["commands"]["memory_before_baseline"]["peak_rss_mb"] for s in results["scales"])
    verdict("resident memory < 400 MB", rss < TARGETS["rss_mb"], f"peak {rss:.0f} MB")
    if updates := largest.get("updates"):
        unchanged = updates["unchanged_start"]["total_s"]
        changed = updates["reload"]["changed_1"]
        extra = updates["start_changed_1"]["total_s"] - unchanged
        worst = max(changed["apply_s"], extra)
        verdict("1 changed record < 1 s", worst < TARGETS["changed_1_s"],
                f"/reload {changed['apply_s']:.2f} s, next start +{extra:.2f} s")  # fmt: skip
        peak = max(changed["peak_rss_mb"], updates["start_changed_1"]["peak_rss_mb"])
        verdict("1 changed record peak RSS < 450 MB", peak < TARGETS["update_rss_mb"],
                f"{peak:.0f} MB")  # fmt: skip
        new = updates["reload"]["new_100"]["apply_s"]
        new_start = updates["start_new_100"]["total_s"] - unchanged
        verdict("100 new records < 3 s", max(new, new_start) < TARGETS["new_100_s"],
                f"/reload {new:.2f} s, next start +{new_start:.2f} s")  # fmt: skip
        rebuild = largest["rebuild"]
        verdict("full rebuild < 15 s", rebuild["total_s"] < TARGETS["rebuild_s"],
                f"{rebuild['total_s']:.1f} s")  # fmt: skip
        verdict("full rebuild peak RSS < 700 MB",
                rebuild["peak_rss_mb"] < TARGETS["rebuild_rss_mb"],
                f"{rebuild['peak_rss_mb']:.0f} MB")  # fmt: skip
        # Over every reply during the reloads: one reload sees ten or so, whose p95 is its
        # slowest reply (older result files have only those).
        during = [updates["reload"][kind]["during"][c] for kind in EDIT_LABELS
                  for c in ("search", "minister")]  # fmt: skip
        worst = max((d["p95_ms"] for d in during if d.get("n")), default=0.0)
        if pooled := updates["reload"].get("during_all"):
            replies = pooled["commands"]
            verdict("command p95 < 50 ms during a reload",
                    replies["p95_ms"] < TARGETS["p95_during_reload_ms"],
                    f"{replies['p95_ms']:.1f} ms over {replies['n']} replies in "
                    f"{pooled['reloads']} reloads (max {replies['max_ms']:.0f} ms; "
                    f"one reload's worst p95 {worst:.0f} ms)")  # fmt: skip
        else:
            verdict("command p95 < 50 ms during a reload",
                    worst < TARGETS["p95_during_reload_ms"], f"{worst:.1f} ms")  # fmt: skip
        if repeated := updates["reload"].get("repeated_changed_1"):
            growth = repeated[-1]["rss_mb"] - repeated[0]["rss_mb"]
            verdict("RSS flat over 5 reloads (< 20 MB growth)",
                    growth < TARGETS["reload_growth_mb"], f"{growth:+.0f} MB")  # fmt: skip
    if replies := results.get("broadcast_replies"):
        p95 = max(replies[k].get("p95_ms", 0.0) for k in ("commands", "buttons"))
        verdict("reply p95 < 500 ms during a broadcast",
                p95 < TARGETS["p95_during_broadcast_ms"], f"{p95:.0f} ms")  # fmt: skip
    if delivery := results.get("delivery"):
        raw = delivery["raw"]["msgs_per_s_tick"]
        verdict("raw delivery >= 500 msg/s", raw >= TARGETS["raw_msgs_per_s"], f"{raw:.0f} msg/s")
        fraction = delivery["limited"]["fraction_of_allowed"]
        verdict(
            "limited delivery >= 95 %", fraction >= TARGETS["limited_fraction"], f"{fraction:.0%}"
        )
    if fanout := results.get("fanout"):
        from bench.fanoutbench import verdicts as fanout_verdicts
        for name, ok, detail in fanout_verdicts(fanout, TARGETS):
            verdict(name, ok, detail)
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the table, write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


def run(args: argparse.Namespace) -> int:
    """Run with parsed options (also the entry of `python -m bot bench`)."""
    results = run_benchmark(args)
    table = format_table(results)
    results["table"] = table
    target = args.json or RESULTS / f"{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    print(table)
    print(f"\nfigures written to {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
