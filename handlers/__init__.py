"""The Telegram conversation: one thin module per command family, and their order.

Each module exports `register(application)` and may export `MENU: list[MenuCommand]`;
`bot/app.py` registers `ROUTES` in this order, then `start.register_fallbacks`. Handlers parse,
ask the engine or `bot.conversation`, render and reply: they never import `bot.storage`,
`bot.search`, aiosqlite or rapidfuzz (the contracts in pyproject.toml check it).
"""

from __future__ import annotations

from types import ModuleType

from bot.context import MenuCommand
from handlers import (
    admin,
    channel_posts,
    chats,
    digest,
    edits,
    events,
    ingest,
    inline,
    lang,
    meetings,
    people,
    review,
    search,
    settings,
    start,
    subscriptions,
    topics,
)

# Order matters! Within a handler group PTB runs the first handler that matches an update.
ROUTES: list[ModuleType] = [
    edits,  # an edit that changes no text is not answered again (first)
    start,  # /start, /help
    lang,  # /lang, lang: buttons
    meetings,  # /meetings, mtg: pages of any list of meetings, nop counter
    people,  # /minister (/person), ppl: pages of people
    topics,  # /topic, tpl: pages of topics
    events,  # /event, evt: card buttons
    review,  # /review, rv: buttons, corrections by reply (BOT_ADMINS only; before plain text)
    search,  # /search
    inline,  # inline mode: event cards to share
    admin,  # /reload, /stats (BOT_ADMINS only)
    ingest,  # /ingest, forwarded articles, .txt documents (BOT_ADMINS only, group 5)
    chats,  # my_chat_member (bot added/removed), group -> supergroup migration
    subscriptions,  # /subscribe /unsubscribe
    settings,  # /settings, dg: buttons
    digest,  # /digest /calendar, the tick
    channel_posts,  # the digest commands posted in channels
]


def menu_commands(scope: str | None = None) -> list[MenuCommand]:
    """The commands to show in `scope` (private or groups; None: all), in ROUTES order."""
    return [
        entry
        for module in ROUTES
        for entry in getattr(module, "MENU", [])
        if scope is None or scope in entry.scopes
    ]
