"""/digest (today's or a given day's digest, now), /calendar (an .ics file), and the tick that
sends the scheduled digests (a JobQueue job; bot.telegram.runner moves it to a monotonic clock).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import Application, CommandHandler

from bot.context import BriefingContext, MenuCommand
from bot.conversation.arguments import DIGEST_DAYS, parse_digest_day
from bot.digests.broadcast import Broadcaster, DeliveryPolicy
from bot.digests.calendar import WINDOW_DAYS, build_calendar
from bot.digests.compose import compose_digest
from bot.digests.composer import DigestCompositions, more_keyboard, subscription_digest
from bot.digests.render import SummarizedPart, day_text, digest_messages
from bot.i18n import Html, t
from handlers.subscriptions import chat_timezone, command_words, reply

MENU = [
    MenuCommand("digest", "menu.digest"),
    MenuCommand("calendar", "menu.calendar"),
]
TICK_JOB = "digest-tick"  # the JobQueue job; bot.telegram.runner moves it to a monotonic clock
TICK_SECONDS = 60  # its default interval (BOT_TICK_SECONDS overrides it at run time)
BROADCAST_TASK = "digest-broadcast"  # the task's name: a shutdown gives it a moment to finish


async def digest(update: Update, context: BriefingContext) -> None:
    """Show the digest for today (in the chat's zone) or for /digest YYYY-MM-DD, now."""
    lang = await context.chat_lang(update)
    words = command_words(update, context)
    chat_id = update.effective_chat.id
    today = dt.datetime.now(ZoneInfo(await chat_timezone(context, chat_id))).date()
    day = parse_digest_day(words[0], today) if words else today
    if isinstance(day, str):
        first, last = (Html(day_text(limit, lang)) for limit in DIGEST_DAYS)
        await reply(update, t(lang, day, text=words[0][:32], first=first, last=last))
        return
    subs = await context.engine.subscriptions.of_chat(chat_id)
    seeds = context.engine.seeds
    if subs:
        sub = dataclasses.replace(subs[0], language=lang)
        messages = await subscription_digest(
            context.engine.seedstore, seeds, sub, day, send_empty=True, search=context.index
        )
    else:
        digest = compose_digest(seeds, day, search=context.index)
        messages = digest_messages(digest, seeds, lang, send_empty=True)
    for message in messages:
        markup = more_keyboard(lang) if isinstance(message, SummarizedPart) else None
        await reply(update, message, reply_markup=markup)


async def calendar(update: Update, context: BriefingContext) -> None:
    """Send the next twelve months of anniversaries and announced events as an .ics file."""
    lang = await context.chat_lang(update)
    today = dt.datetime.now(ZoneInfo(await chat_timezone(context, update.effective_chat.id))).date()
    ics = build_calendar(context.engine.seeds, today, lang)
    end = today + dt.timedelta(days=WINDOW_DAYS - 1)
    caption = t(lang, "calendar.caption", start=Html(day_text(today, lang)),
                end=Html(day_text(end, lang)), count=ics.count(b"BEGIN:VEVENT"))  # fmt: skip
    await update.effective_message.reply_document(
        ics, filename="diplomatic-calendar.ics", caption=caption
    )


# -- the tick ------------------------------------------------------------------------------------


class DigestJob:
    """The minute tick's state: one Broadcaster per process, so claims in flight are known."""

    def __init__(self) -> None:
        self.broadcaster: Broadcaster | None = None

    def get(self, context: BriefingContext) -> Broadcaster:
        if self.broadcaster is None:
            engine = context.engine
            settings = engine.settings

            compose = DigestCompositions(engine, settings.send_empty_digests)
            policy = DeliveryPolicy(
                grace=dt.timedelta(hours=settings.digest_grace_hours),
                lease=settings.claim_lease_seconds,
            )
            self.broadcaster = Broadcaster(engine, context.bot, compose, policy)
        return self.broadcaster


async def digest_tick(context: BriefingContext) -> None:
    """Catch up with the data other instances changed (PostgreSQL), then start sending what is
    due, as a background task, unless a broadcast is still running."""
    if not context.engine.is_open:
        return
    await context.engine.check_data_version()
    broadcaster = context.job.data.get(context)
    if not broadcaster.busy:  # the delivery log makes a skipped tick harmless
        context.application.create_task(broadcaster.tick(), name=BROADCAST_TASK)


def register(application: Application) -> None:
    """Add /digest, /calendar and the tick."""
    application.add_handler(CommandHandler("digest", digest))
    application.add_handler(CommandHandler("calendar", calendar))
    if application.job_queue is not None:
        application.job_queue.run_repeating(
            digest_tick,
            interval=TICK_SECONDS,
            first=10,
            name=TICK_JOB,
            data=DigestJob(),
            # APScheduler's default misfire grace is 1 s: a busy loop would silently skip ticks.
            job_kwargs={"misfire_grace_time": TICK_SECONDS // 2, "coalesce": True},
        )
