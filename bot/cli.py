"""The command line, `python -m bot <command>`; each sub-command is a module in bot/commands/."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from bot.settings import Settings, SettingsError

# name -> one-line help; the module bot.commands.<name> provides
# `add_arguments(parser)` and `main(args, settings) -> int`.
COMMANDS: dict[str, str] = {
    "run": "run the bot: Telegram when TELEGRAM_BOT_TOKEN is set, else the console chat",
    "console": "chat with the bot in this terminal (same Application, in-process Bot API)",
    "ask": "send one message through the bot and print the reply",
    "check": "validate a seeds folder and summarise it",
    "load": "load the seeds into the SQLite database",
    "digest": "print the digest for a date",
    "ingest": "draft event records from new article text",
    "bench": "benchmark search, start-up, digests and delivery",
}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command that is installed."""
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, help_text in COMMANDS.items():
        try:
            module = importlib.import_module(f"bot.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"bot.commands.{name}":
                raise
            continue
        command = sub.add_parser(name, help=help_text, description=help_text)
        module.add_arguments(command)
        command.set_defaults(handler=module.main)
    return parser


def configure_logging(level: str) -> None:
    """Log to stderr; keep httpx quiet, because it logs request URLs that contain the token."""
    logging.basicConfig(
        level=getattr(logging, level, logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    for noisy in ("httpx", "httpcore", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the chosen sub-command; return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level)
    return int(args.handler(args, settings) or 0)
