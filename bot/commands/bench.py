"""`python -m bot bench`: benchmark search, start-up, memory, digests and delivery (bench/)."""

from __future__ import annotations

import argparse
import sys

from bot.settings import PROJECT_ROOT, Settings


def _harness():
    """bench/ is not an installed package: import it from the project folder."""
    if str(PROJECT_ROOT) not in sys.path:
        sys.path.insert(0, str(PROJECT_ROOT))
    from bench import run

    return run


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The harness's options: --events N [N ...], --quick, --chats N, --json PATH, ..."""
    _harness().add_arguments(parser)


def main(args: argparse.Namespace, settings: Settings) -> int:
    """Run the benchmark on generated data (the settings' database is never touched)."""
    return _harness().run(args)
