"""`python -m bot bench`: benchmark search, start-up, memory, digests and delivery (bench/).

bench/ is neither installed nor in the Docker image: it is imported only when this command runs,
and it parses its own options (`python -m bot bench --help`).
"""

from __future__ import annotations

import argparse
import sys

from bot.settings import PROJECT_ROOT, Settings

PARSES_OWN_ARGUMENTS = True  # bot/cli.py passes every argument through, --help included


def _harness():
    """bench/ is not an installed package: import it from the project folder."""
    if str(PROJECT_ROOT) not in sys.path:
        sys.path.insert(0, str(PROJECT_ROOT))
    try:
        from bench import run
    except ModuleNotFoundError as exc:
        if exc.name != "bench":
            raise
        raise SystemExit(
            f"the benchmarks (bench/) are not in {PROJECT_ROOT}: run them from a checkout"
        ) from None
    return run


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """None here: bot/cli.py hands every argument after `bench` to the harness's own parser."""


def main(args: argparse.Namespace, settings: Settings) -> int:
    """Run the benchmark on generated data (the settings' database is never touched)."""
    harness = _harness()
    parser = argparse.ArgumentParser(prog="python -m bot bench", description=__doc__)
    harness.add_arguments(parser)
    return harness.run(parser.parse_args(args.options))
