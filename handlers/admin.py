"""/reload and /stats: operator commands for the Telegram user ids in BOT_ADMINS.

Anyone else gets a polite refusal in a private chat and silence in groups (a bare `/stats` in a
group may be meant for another bot, and the operators' commands need no advertising there).
The commands are not in the public menu.
"""

from __future__ import annotations

import datetime as dt

from babel.dates import format_timedelta
from telegram import Update
from telegram.constants import ChatType
from telegram.ext import Application, CommandHandler

from bot.context import STARTED_KEY, BriefingContext, uptime
from bot.conversation.cards import escape, split_html
from bot.i18n import Html, t
from bot.records.loading import SeedError
from bot.storage.base import BotStats, SyncResult

FINGERPRINT_CHARS = 12
ERROR_CHARS = 200  # of each recent error quoted in /stats


def is_operator(update: Update, context: BriefingContext) -> bool:
    """Whether the sender is one of the operators listed in BOT_ADMINS."""
    user = update.effective_user
    return user is not None and user.id in context.engine.settings.admins


async def refuse(update: Update, context: BriefingContext) -> None:
    chat = update.effective_chat
    if chat is not None and chat.type == ChatType.PRIVATE:
        await update.effective_message.reply_text(
            t(await context.chat_lang(update), "admin.refused")
        )


def render_reload(result: SyncResult, events: int, fingerprint: str, lang: str) -> str:
    """The /reload answer after the seeds loaded: counts and what changed."""
    changes = (
        t(
            lang,
            "admin.reload_changes",
            added=result.added,
            updated=result.changed,
            removed=result.removed,
        )
        if result.touched
        else t(lang, "admin.reload_unchanged")
    )
    return t(
        lang,
        "admin.reload_done",
        events=events,
        fingerprint=fingerprint[:FINGERPRINT_CHARS],
        changes=Html(changes),
    )


def render_seed_problems(error: SeedError, lang: str) -> list[str]:
    """The /reload answer for broken seeds: every problem, escaped, split to Telegram's limit."""
    head = t(lang, "admin.reload_failed", count=len(error.problems))
    return split_html([head, *(f"• {escape(str(problem))}" for problem in error.problems)])


def _counts(counts: dict[str, int], lang: str) -> str:
    return ", ".join(f"{name} {count}" for name, count in counts.items()) or t(
        lang, "admin.stats_none"
    )


def render_stats(stats: BotStats, up: dt.timedelta, lang: str) -> list[str]:
    """The /stats answer: figures first, then the most recent errors, split to fit."""
    summary = t(
        lang,
        "admin.stats",
        uptime=format_timedelta(up, locale=lang, threshold=2),
        chats=stats.chats,
        chat_types=_counts(stats.chats_by_type, lang),
        chats_left=stats.chats_left,
        active=stats.subscriptions_active,
        inactive=stats.subscriptions_inactive,
        deliveries=_counts(stats.deliveries_by_status, lang),
        events=stats.events,
        errors=stats.errors_total,
    )
    blocks = [summary]
    if stats.recent_errors:
        lines = [
            f"<code>{escape(at)}</code> {escape(where)}: {escape(message[:ERROR_CHARS])}"
            for at, where, message in stats.recent_errors
        ]
        blocks.append("\n".join([t(lang, "admin.stats_recent_errors"), *lines]))
    return split_html(blocks)


async def reload_command(update: Update, context: BriefingContext) -> None:
    """Re-read the seeds atomically; on problems keep the running data and list them."""
    if not is_operator(update, context):
        return await refuse(update, context)
    lang = await context.chat_lang(update)
    try:
        result = await context.engine.reload()
    except SeedError as exc:
        for part in render_seed_problems(exc, lang):
            await update.effective_message.reply_text(part)
        return
    except OSError as exc:  # the seeds folder vanished or is unreadable
        await update.effective_message.reply_text(
            t(lang, "admin.reload_error", error=type(exc).__name__)
        )
        return
    seeds = context.engine.seeds
    await update.effective_message.reply_text(
        render_reload(result, len(seeds.events), seeds.fingerprint, lang)
    )


async def stats_command(update: Update, context: BriefingContext) -> None:
    """Answer /stats with chats, subscriptions, deliveries, events, errors and uptime."""
    if not is_operator(update, context):
        return await refuse(update, context)
    lang = await context.chat_lang(update)
    stats = await context.engine.stats.collect()
    for part in render_stats(stats, uptime(context.bot_data), lang):
        await update.effective_message.reply_text(part)


def register(application: Application) -> None:
    """Add /reload and /stats, and note when this process started (for uptime)."""
    application.bot_data.setdefault(STARTED_KEY, dt.datetime.now(dt.UTC))
    application.add_handler(CommandHandler("reload", reload_command))
    application.add_handler(CommandHandler("stats", stats_command))
