"""/subscribe and /unsubscribe, and what the digest commands share: the chat a command acts on
(this one, or a channel its admin names), its arguments, its time zone.

Channels: a channel can be managed from a private chat by one of its administrators:
`/subscribe @channel …` (or its -100… id). Commands posted in the channel itself reach these
handlers through handlers.channel_posts.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, CommandHandler

from bot.context import BriefingContext, MenuCommand
from bot.conversation.arguments import (
    SubscribeArgs,
    parse_subscribe_args,
    resolve_topics,
    target_chat_id,
)
from bot.digests.render import day_text
from bot.digests.schedule import next_schedule
from bot.i18n import Html, t
from bot.storage.base import Subscription

MENU = [
    MenuCommand("subscribe", "menu.subscribe"),
    MenuCommand("unsubscribe", "menu.unsubscribe"),
]


@dataclasses.dataclass(frozen=True)
class Target:
    """The chat whose subscription a command changes, and the forum thread to post into."""

    chat_id: int
    type: str
    title: str | None = None
    thread_id: int | None = None


def command_words(update: Update, context: BriefingContext) -> list[str]:
    """The command's arguments, for CommandHandler and channel posts alike."""
    if context.args is not None:
        return list(context.args)
    return (update.effective_message.text or "").split()[1:]


async def reply(update: Update, text: str, **kwargs: object) -> None:
    await update.effective_message.reply_text(text, **kwargs)  # type: ignore[arg-type]


async def find_target(
    update: Update, context: BriefingContext, target: str | None, lang: str, change: bool
) -> Target | None:
    """The chat to act on, after the permission checks; None after a polite refusal."""
    chat, message = update.effective_chat, update.effective_message
    if target is None:
        thread = message.message_thread_id if message and message.is_topic_message else None
        here = Target(chat.id, chat.type, chat.title, thread)
        if change and not await context.is_admin(update):
            await reply(update, t(lang, "sub.admins_only"))
            return None
        return here
    try:  # managing a channel from elsewhere: both the user and the bot must be its admins
        channel = await context.bot.get_chat(target_chat_id(target))
    except TelegramError:
        await reply(update, t(lang, "sub.channel_unknown", channel=target))
        return None
    # The bot first: Telegram tells a bot who administers a channel only if the bot is one.
    if not await context.is_admin_of(channel.id, context.bot.id):
        await reply(update, t(lang, "sub.channel_bot_cannot_post", channel=target))
        return None
    if not await context.is_admin_of(channel.id, update.effective_user.id):
        await reply(update, t(lang, "sub.channel_not_admin", channel=target))
        return None
    return Target(channel.id, channel.type, channel.title)


async def chat_timezone(context: BriefingContext, chat_id: int) -> str:
    chat = await context.engine.chats.get(chat_id)
    return (chat.timezone if chat else None) or context.engine.settings.tz


def describe(sub: Subscription, context: BriefingContext, lang: str) -> dict[str, object]:
    """The values /subscribe and /settings show about a subscription."""
    seeds = context.engine.seeds
    names = [seeds.topics[tid].name.get(lang) for tid in sub.topics if tid in seeds.topics]
    zone = ZoneInfo(sub.timezone)
    at = next_schedule(dt.datetime.now(dt.UTC), sub.send_time, zone, weekly=sub.kind == "weekly")
    local = at.astimezone(ZoneInfo(sub.timezone))
    return {
        "kind": t(lang, f"sub.kind.{sub.kind}"),
        "time": sub.send_time.strftime("%H:%M"),
        "tz": sub.timezone,
        "language": t(sub.language, f"lang.name.{sub.language}"),
        "topics": ", ".join(names) or t(lang, "sub.all_topics"),
        "next": Html(f"{day_text(local.date(), lang)} {local:%H:%M}"),
    }


# -- /subscribe, /unsubscribe ------------------------------------------------------------------


async def subscribe(update: Update, context: BriefingContext) -> None:
    """Subscribe this chat (or a channel its admin names) to the digest."""
    lang = await context.chat_lang(update)
    args: SubscribeArgs = parse_subscribe_args(command_words(update, context))
    if args.bad_times:
        await reply(update, t(lang, "sub.bad_time", text=args.bad_times[0]))
        return
    if not (target := await find_target(update, context, args.target, lang, change=True)):
        return
    topics, unknown = resolve_topics(args.topic_query, context.engine.seeds, context.index)
    if args.topic_query and not topics:  # a filter of only unknown words would mean "everything"
        await reply(update, t(lang, "sub.no_known_topics", words=", ".join(unknown)[:200]))
        return
    engine = context.engine
    await engine.chats.upsert(target.chat_id, target.type, title=target.title)
    current = await engine.subscriptions.of_chat(target.chat_id)
    main = [s for s in current if s.kind != "weekly"] or current
    kinds = ["daily", "weekly"] if args.kind == "all" else [args.kind or _main_kind(main)]
    language = (
        await context.engine.chat_language(target.chat_id, None)
        if target.chat_id != update.effective_chat.id
        else lang
    )
    lines = []
    for kind in kinds:
        sub = await engine.subscriptions.subscribe(
            Subscription(
                chat_id=target.chat_id,
                kind=kind,
                send_time=args.send_time or (main[0].send_time if main else dt.time(9)),
                timezone=await chat_timezone(context, target.chat_id),
                language=language,
                topics=tuple(topics) or (main[0].topics if main and not args.topic_query else ()),
                thread_id=target.thread_id,
                created_by=update.effective_user.id if update.effective_user else None,
            )
        )
        done = "sub.done_weekly" if kind == "weekly" else "sub.done"
        lines.append(t(lang, done, **describe(sub, context, lang)))
    text = "\n\n".join(lines)
    if unknown:
        text += "\n" + t(lang, "sub.unknown_topics", words=", ".join(unknown)[:200])
    await reply(update, text)


def _main_kind(subs: list[Subscription]) -> str:
    return subs[0].kind if subs else "daily"


async def unsubscribe(update: Update, context: BriefingContext) -> None:
    """Stop this chat's (or a named channel's) digest: of one kind, or all of them."""
    lang = await context.chat_lang(update)
    args = parse_subscribe_args(command_words(update, context))
    if not (target := await find_target(update, context, args.target, lang, change=True)):
        return
    kind = None if args.kind == "all" else args.kind
    subscriptions = context.engine.subscriptions
    removed = await subscriptions.unsubscribe(target.chat_id, kind)
    if removed:
        left = await subscriptions.of_chat(target.chat_id)
        key = "sub.unsubscribed_kind" if kind and left else "sub.unsubscribed"
        names = ", ".join(t(lang, f"sub.kind.{s.kind}") for s in left)
        await reply(update, t(lang, key, kind=t(lang, f"sub.kind.{kind or 'daily'}"), left=names))
        return
    held = [s.kind for s in await subscriptions.of_chat(target.chat_id)]
    if kind == "anniversaries" and "daily" in held:  # they are part of the daily digest
        await reply(update, t(lang, "sub.anniversaries_in_daily"))
    elif held:
        names = ", ".join(t(lang, f"sub.kind.{k}") for k in held)
        await reply(
            update, t(lang, "sub.not_this_kind", kind=t(lang, f"sub.kind.{kind}"), held=names)
        )
    else:
        await reply(update, t(lang, "sub.not_subscribed"))


async def may_change(update: Update, context: BriefingContext, chat_id: int) -> bool:
    """Whether the user pressing a button may change chat `chat_id`'s subscription: checked
    with getChatMember for every press, in channels too (anyone who sees a post can press)."""
    if update.effective_chat and update.effective_chat.id == chat_id:
        return await context.is_admin(update)
    user = update.effective_user
    return await context.is_admin_of(chat_id, user.id if user else None)


def register(application: Application) -> None:
    """Add /subscribe and /unsubscribe."""
    application.add_handler(CommandHandler("subscribe", subscribe))
    application.add_handler(CommandHandler("unsubscribe", unsubscribe))
