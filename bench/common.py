"""What every benchmark phase shares: data-set paths and settings, memory and timing summaries.

Its own module so the phases (bench/deliverybench.py, bench/digestbench.py) and the worker that
runs them import it without importing each other.
"""

from __future__ import annotations

import resource
import statistics
from pathlib import Path

from bot.settings import Settings


def memory() -> dict[str, float]:
    """This process's resident memory now and at its peak, in MB (from /proc/self/status)."""
    figures = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            figures["rss_mb" if key == "VmRSS" else "peak_rss_mb"] = int(value.split()[0]) / 1024
    return figures


def cpu_seconds() -> float:
    """CPU time this process used so far (all threads, user + system): on a shared, loaded
    machine a truer measure of the work than the wall clock."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def summary(samples: list[float]) -> dict[str, float]:
    """Median, p95 and count of timings given in seconds, reported in milliseconds."""
    if not samples:
        return {"n": 0}
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "n": len(ordered),
        "median_ms": statistics.median(ordered) * 1000,
        "p95_ms": p95 * 1000,
        "max_ms": ordered[-1] * 1000,
    }


def dataset_paths(data: Path) -> tuple[Path, Path]:
    """The seeds folder and the database file of a prepared data set."""
    return data / "seeds", data / "bot.sqlite3"


def bench_settings(data: Path, database_url: str | None = None) -> Settings:
    """Settings that point the bot at a prepared data set and never at Telegram: its SQLite
    file, or PostgreSQL at `database_url` (loaded from the data set's seeds at first use)."""
    seeds, db = dataset_paths(data)
    return Settings(
        token=None, db_path=db, seeds_dir=seeds, log_level="WARNING", database_url=database_url
    )
