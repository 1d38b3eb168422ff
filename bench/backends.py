"""Command latencies on PostgreSQL vs SQLite: the same commands phase on both backends.

    python -m bench.backends --data bench/results/data/events-10000-seed-1 \\
        --database-url postgresql://user:pass@host:5432/db?search_path=bench_10k

Runs bench/worker.py's `commands` phase (/minister, /topic, /meetings, /search through the real
Application, 200 misspelled queries each) on the data set's SQLite file and on PostgreSQL, and
prints the p95 of each with their ratio. The first PostgreSQL run loads the data set's seeds and
stores the index (its init time says so); then each backend runs twice, interleaved, and the
better run of each is compared. The schema in `search_path` must exist. Prepare the data set
first (`python bench/run.py --events N`).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import COMMANDS, progress, run_phase

TARGET_RATIO = 2.0  # PostgreSQL's p95 within 2x of SQLite's


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="a prepared data set")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--json", type=Path, help="where to write the figures")
    args = parser.parse_args(argv)
    options = ["--queries", str(args.queries), "--baseline-budget", "0"]
    on_pg = ["--database-url", args.database_url]
    progress("PostgreSQL, first run (loads the seeds when the database has none)")
    first = run_phase("commands", args.data, *options, *on_pg)
    # Interleaved, two runs each: on a shared machine the load changes from run to run, and
    # the better of two runs of each backend compares them under similar conditions.
    runs: dict[str, list[dict]] = {"sqlite": [], "postgres": []}
    for round_ in (1, 2):
        for backend, extra in (("sqlite", []), ("postgres", on_pg)):
            progress(f"{backend}, run {round_}")
            runs[backend].append(run_phase("commands", args.data, *options, *extra))

    def best(backend: str, command: str) -> dict:
        return min((run["commands"][command]["handler"] for run in runs[backend]),
                   key=lambda figures: figures["p95_ms"])  # fmt: skip

    print(f"{'command':<10} {'SQLite p95':>11} {'PG p95':>9} {'ratio':>6}  median SQLite / PG"
          "  (better of 2 interleaved runs each; all p95: SQLite | PG)")  # fmt: skip
    worst = 0.0
    for command in COMMANDS:
        lite, pg = best("sqlite", command), best("postgres", command)
        ratio = pg["p95_ms"] / lite["p95_ms"]
        worst = max(worst, ratio)
        every = {
            name: " ".join(f"{run['commands'][command]['handler']['p95_ms']:.1f}" for run in found)
            for name, found in runs.items()
        }
        print(
            f"{command:<10} {lite['p95_ms']:>8.2f} ms {pg['p95_ms']:>6.2f} ms {ratio:>5.2f}x"
            f"  {lite['median_ms']:.2f} / {pg['median_ms']:.2f} ms"
            f"  ({every['sqlite']} | {every['postgres']})"
        )
    init = {name: min(run["init_s"] for run in found) for name, found in runs.items()}
    print(
        f"init: SQLite {init['sqlite']:.1f} s, PostgreSQL first {first['init_s']:.1f} s,"
        f" warm {init['postgres']:.1f} s; worst p95 ratio {worst:.2f}x"
        f" (target <= {TARGET_RATIO:g}x: {'met' if worst <= TARGET_RATIO else 'NOT met'})"
    )
    if args.json:
        figures = {"postgres_first": first, **runs}
        args.json.write_text(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
