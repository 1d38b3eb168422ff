"""One edit on PostgreSQL: what the instance that applies it pays, and how soon another follows.

    python -m bench.followers --data bench/results/data/events-100000-seed-1 \\
        --database-url postgresql://user:pass@host:5432/db

On a copy of the data set's seeds, in a throw-away schema: a leader engine loads the seeds into
PostgreSQL (as `python -m bot load` does) and a follower engine starts on what is stored. Then,
for each edit of bench/updatebench.py (1 changed record, 100 new, 1 deleted), the leader applies
it (`/reload`: time and CPU) and the follower catches up through the data version (time from the
leader's start until the follower serves the same events, CPU of the whole process). Both
engines share this process, so the leader's figures include the follower's work started by the
notification; `--leader-only` leaves the follower out.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_settings, dataset_paths
from bench.updatebench import EDITS, edit


def rss_mb() -> float:
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmRSS:")[1].split()[0]) / 1024


async def followers(data: Path, url: str, leader_only: bool) -> dict:
    from bot.engine import Engine
    from bot.storage.postgres.database import scratch_schema

    seeds, db = dataset_paths(data)
    figures: dict = {"events": data.name, "edits": {}}
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        shutil.copytree(seeds, work / "seeds")
        shutil.copy(db, work / "bot.sqlite3")  # the edits look up parents in it
        async with scratch_schema(url, "followers") as schema_url:
            settings = bench_settings(work, schema_url)
            leader = Engine(settings)
            started = time.perf_counter()
            await leader.open()
            figures["leader_load_s"] = time.perf_counter() - started
            follower = None
            if not leader_only:
                follower = Engine(settings)
                started = time.perf_counter()
                await follower.open()
                figures["follower_start_s"] = time.perf_counter() - started
            try:
                for kind in EDITS:
                    edit(work / "seeds", kind, 0, work / "bot.sqlite3")
                    started, cpu = time.perf_counter(), time.process_time()
                    await leader.reload()
                    row = {"leader_s": time.perf_counter() - started,
                           "leader_cpu_s": time.process_time() - cpu}  # fmt: skip
                    if follower is not None:
                        await follower.refresh()  # waits for the refresh NOTIFY started
                        assert set(follower.seeds.events) == set(leader.seeds.events)
                        row["follower_caught_up_s"] = time.perf_counter() - started
                        row["process_cpu_s"] = time.process_time() - cpu
                    row["rss_mb"] = rss_mb()
                    figures["edits"][kind] = row
                    print(kind, json.dumps(row), file=sys.stderr, flush=True)
            finally:
                await leader.close()
                if follower is not None:
                    await follower.close()
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="a prepared data set")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--leader-only", action="store_true")
    args = parser.parse_args(argv)
    print(json.dumps(asyncio.run(followers(args.data, args.database_url, args.leader_only))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
