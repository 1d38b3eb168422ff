"""The command line, `python -m bot <command>`; each sub-command is a module in bot/commands/."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
import threading
from types import TracebackType

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
    "review": "list the ingest drafts awaiting review; approve, reject or correct one",
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
        # A command that parses its own options (bench: its harness is imported only when it
        # runs) passes every argument through, --help included.
        own_help = getattr(module, "PARSES_OWN_ARGUMENTS", False)
        command = sub.add_parser(name, help=help_text, description=help_text, add_help=not own_help)
        module.add_arguments(command)
        command.set_defaults(handler=module.main, own_arguments=own_help)
    return parser


def configure_logging(level: str) -> None:
    """Log to stderr; keep httpx quiet, because it logs request URLs that contain the token."""
    logging.basicConfig(
        level=getattr(logging, level, logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    for noisy in ("httpx", "httpcore", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def scrub_uncaught_exceptions(settings: Settings) -> None:
    """Remove the secrets from any traceback Python itself prints (the last line of an
    uncaught exception is its message, which may quote the token)."""
    from bot.telegram.secrets import scrub, secrets_of

    secrets = secrets_of(settings)
    if not secrets:
        return
    import traceback

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        text = "".join(traceback.format_exception(kind, value, tb))
        sys.stderr.write(scrub(text, secrets))

    def thread_hook(info: threading.ExceptHookArgs) -> None:
        if info.exc_value is not None:
            hook(info.exc_type, info.exc_value, info.exc_traceback)

    sys.excepthook = hook
    threading.excepthook = thread_hook


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the chosen sub-command; return its exit code."""
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if getattr(args, "own_arguments", False):
        args.options = unknown
    elif unknown:
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    scrub_uncaught_exceptions(settings)
    configure_logging(settings.log_level)
    try:
        code = int(args.handler(args, settings) or 0)
        sys.stdout.flush()
    except SettingsError as exc:  # found while starting: an unusable BOT_DB, for instance
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # Ctrl-C in the console: a clean end, no traceback
        print(file=sys.stderr)
        return 130
    except BrokenPipeError:  # `… | head -1`: the reader had enough, which is no error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return code
