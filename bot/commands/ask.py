"""`python -m bot ask "<text>"`: send one message through the bot and print its reply."""

from __future__ import annotations

import argparse
import asyncio

from bot.records.models import LANGS
from bot.settings import Settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The message, plus --lang, --chat, --admin and --json."""
    parser.add_argument("text", help='what to send, e.g. "/minister Көшербаев"')
    parser.add_argument(
        "--lang", choices=LANGS, help="reply language (this question only)"
    )
    parser.add_argument("--chat", choices=("private", "group"), default="private")
    parser.add_argument(
        "--admin", action="store_true", help="in a group: you are one of its administrators"
    )
    parser.add_argument(
        "--json", action="store_true", help="print every Bot API call the bot made, one per line"
    )


async def ask(
    settings: Settings,
    text: str,
    lang: str | None,
    chat: str,
    as_json: bool,
    admin: bool = False,
) -> int:
    """Send `text`, print the reply (or the calls as JSON lines); 0 if the bot answered."""
    from bot.telegram.console import InProcessBot, answered, describe_calls
    from bot.telegram.fake_api import to_json  # imported here: `python -m bot --help` needs no PTB

    async with InProcessBot(
        settings, lang=lang or "en", chat=chat, admin=admin, chat_lang=lang
    ) as bot:
        calls = await bot.send(text)
    if as_json:
        for call in calls:
            print(to_json({"method": call.method, "params": call.params}))
    else:
        shown, _ = describe_calls(calls, numbered=False)
        if shown:
            print(shown)
    return 0 if answered(calls) else 1


def main(args: argparse.Namespace, settings: Settings) -> int:
    """Entry point for the CLI registry: one question, on a database of its own (never BOT_DB)."""
    from bot.telegram.console import scratch_database

    with scratch_database(settings) as own:
        return asyncio.run(ask(own, args.text, args.lang, args.chat, args.json, args.admin))
