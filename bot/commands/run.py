"""`python -m bot run`: the bot on Telegram when TELEGRAM_BOT_TOKEN is set, else the console."""

from __future__ import annotations

import argparse
import asyncio

from bot.settings import Settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """No options: everything comes from the environment (see bot/settings.py)."""


def main(args: argparse.Namespace, settings: Settings) -> int:
    """Run on Telegram (bot.telegram.runner), or open the console chat when there is no token."""
    if not settings.token:
        from bot.telegram.console import chat, scratch_database

        print("TELEGRAM_BOT_TOKEN is not set: opening the console chat instead of Telegram.")
        with scratch_database(settings) as own:
            return asyncio.run(chat(own))
    from bot.telegram.runner import run_bot

    return run_bot(settings)
