"""Digest commands posted in a channel: CommandHandler does not see channel posts, so a
MessageHandler on `filters.UpdateType.CHANNEL_POST` parses the command itself. Whoever can post
in a channel is one of its administrators.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, MessageHandler, filters

from bot.context import BriefingContext
from handlers.digest import calendar, digest
from handlers.settings import settings
from handlers.subscriptions import subscribe, unsubscribe

CHANNEL_COMMANDS = {
    "subscribe": subscribe,
    "unsubscribe": unsubscribe,
    "settings": settings,
    "digest": digest,
    "calendar": calendar,
}


async def channel_command(update: Update, context: BriefingContext) -> None:
    """Dispatch a command posted in a channel (CommandHandler never sees channel posts)."""
    first = (update.effective_message.text or "").split(maxsplit=1)[0]
    name, _, addressee = first[1:].partition("@")
    if addressee and addressee.casefold() != (context.bot.username or "").casefold():
        return  # meant for another bot
    if callback := CHANNEL_COMMANDS.get(name.casefold()):
        await callback(update, context)


def register(application: Application) -> None:
    """Add the channel-post commands."""
    commands = filters.Regex(r"^/(subscribe|unsubscribe|settings|digest|calendar)(@\w+)?(\s|$)")
    application.add_handler(
        MessageHandler(filters.UpdateType.CHANNEL_POST & commands, channel_command)
    )
