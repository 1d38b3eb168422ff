"""`python -m bot console`: chat with the bot in this terminal (same Application, no Telegram)."""

from __future__ import annotations

import argparse
import asyncio

from bot.records.models import LANGS
from bot.settings import Settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """--lang: your Telegram language; --chat: a private chat or a group; --admin: its admin."""
    parser.add_argument(
        "--lang", choices=LANGS, help="reply language (this chat only)"
    )
    parser.add_argument("--chat", choices=("private", "group"), default="private")
    parser.add_argument(
        "--admin", action="store_true", help="in a group: you are one of its administrators"
    )


def main(args: argparse.Namespace, settings: Settings) -> int:
    """Run the terminal chat until EOF (with stdin not a terminal: answer each line, then exit),
    on a database of its own that ends with the chat (never the bot's BOT_DB)."""
    # imported here: `python -m bot --help` needs no PTB
    from bot.telegram.console import chat, scratch_database

    with scratch_database(settings) as own:
        return asyncio.run(chat(own, lang=args.lang, chat_kind=args.chat, admin=args.admin))
