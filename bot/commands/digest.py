"""`python -m bot digest`: print the digest for a date, with the code the scheduler uses."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import html
import re
import sys
from dataclasses import replace

from bot.conversation.arguments import DIGEST_DAYS
from bot.digests.compose import compose_digest
from bot.digests.composer import subscription_digest
from bot.digests.render import digest_messages
from bot.engine import Engine
from bot.records.models import LANGS
from bot.settings import Settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--date", type=digest_day, metavar="YYYY-MM-DD",
                        help="the day (default: today in BOT_TZ)")  # fmt: skip
    parser.add_argument("--lang", choices=LANGS, help="language (default: the chat's, else en)")
    parser.add_argument(
        "--chat", type=int, metavar="ID", help="use this chat's subscription (kind, topics, 'new')"
    )
    parser.add_argument("--html", action="store_true", help="print the HTML as sent to Telegram")


def digest_day(text: str) -> dt.date:
    """An ISO date within the days a digest can be composed for (argparse type)."""
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a day: {text!r} (use YYYY-MM-DD)") from None
    first, last = DIGEST_DAYS
    if not first <= day <= last:
        raise argparse.ArgumentTypeError(f"{text} is outside {first} … {last}")
    return day


def to_plain(message: str) -> str:
    """Telegram HTML as terminal text: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", message))


async def render(args: argparse.Namespace, settings: Settings) -> list[str]:
    """The digest's messages, composed as the running bot does: through the engine (the
    database brought up to date with the seeds, and the search index for the day lookups)."""
    engine = Engine(settings)
    await engine.open()
    try:
        seeds, index = engine.seeds, engine.index
        day = args.date or dt.datetime.now(settings.zone()).date()
        if args.chat is not None:
            subs = await engine.subscriptions.of_chat(args.chat)
            if not subs:
                raise LookupError(f"chat {args.chat} has no subscription")
            sub = subs[0]
            if args.lang:
                sub = replace(sub, language=args.lang)
            return await subscription_digest(
                engine.seedstore, seeds, sub, day, send_empty=True, search=index
            )
        digest = compose_digest(seeds, day, search=index)
        return digest_messages(digest, seeds, args.lang or "en", send_empty=True)
    finally:
        await engine.close()


def main(args: argparse.Namespace, settings: Settings) -> int:
    """Print the digest; exit 2 when the chat has no subscription."""
    try:
        messages = asyncio.run(render(args, settings))
    except LookupError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    separator = "\n" + "─" * 40 + "\n"
    print(separator.join(m if args.html else to_plain(m) for m in messages))
    return 0
