"""/subscribe, /unsubscribe, /settings, /digest and /calendar, plus the minute tick that sends
digests.

Channels: CommandHandler does not see channel posts, so a MessageHandler on
`filters.UpdateType.CHANNEL_POST` parses the command itself; whoever can post in a channel is
one of its administrators. A channel can also be managed from a private chat by one of its
administrators: `/subscribe @channel …` (or its -100… id).

Long because: /subscribe, /unsubscribe, /settings, /digest, /calendar, their buttons and the tick
job still live together. To split next: /digest and /calendar into handlers/digest.py, the tick into
bot/digests/job.py, defaults and apply_setting into bot/conversation/subscribing.py.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram import InlineKeyboardButton as Button
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.context import BriefingContext, MenuCommand
from bot.conversation.arguments import (
    DIGEST_DAYS,
    SubscribeArgs,
    parse_digest_day,
    parse_kind,
    parse_setting,
    parse_subscribe_args,
    parse_switch,
    parse_time,
    resolve_timezone,
    resolve_topics,
    target_chat_id,
)
from bot.digests.broadcast import (
    Broadcaster,
    DeliveryPolicy,
    DigestCompositions,
    more_keyboard,
    subscription_digest,
)
from bot.digests.calendar import WINDOW_DAYS, build_calendar
from bot.digests.compose import compose_digest
from bot.digests.render import SummarizedPart, day_text, digest_messages
from bot.digests.schedule import next_schedule
from bot.i18n import Html, parse_language, t
from bot.records.models import LANGS
from bot.storage.base import Subscription
from handlers.common import answer_press, unknown_button
from handlers.meetings import edit_or_send

MENU = [
    MenuCommand("subscribe", "menu.subscribe"),
    MenuCommand("unsubscribe", "menu.unsubscribe"),
    MenuCommand("settings", "menu.settings"),
    MenuCommand("digest", "menu.digest"),
    MenuCommand("calendar", "menu.calendar"),
]
CALLBACK = re.compile(r"^dg:([tlkwxuz]):([a-z0-9]{0,13}):(-?[0-9]{1,20})$")
TIME_PRESETS = ("07:00", "08:00", "09:00", "10:00")
# The zones users here ask for most, as buttons (code in the callback data → IANA zone); "city"
# asks for a city name instead (/settings tz Бишкек).
ZONE_BUTTONS = {
    "ala": "Asia/Almaty",  # Almaty and Astana (UTC+5 since March 2024)
    "tas": "Asia/Tashkent",
    "msk": "Europe/Moscow",
    "vie": "Europe/Vienna",
    "utc": "UTC",
}
CHOSEN = "✓ "
TICK_JOB = "digest-tick"  # the JobQueue job; bot.telegram.runner moves it to a monotonic clock
TICK_SECONDS = 60  # its default interval (BOT_TICK_SECONDS overrides it at run time)
BROADCAST_TASK = "digest-broadcast"  # the task's name: a shutdown gives it a moment to finish


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


def settings_keyboard(
    sub: Subscription, lang: str, weekly: bool = False
) -> InlineKeyboardMarkup:
    """Buttons for the common changes, the current choice marked ✓; callback data carries the
    target chat (≤ 64 bytes). `weekly`: the chat has the Monday digest too (its button turns
    it off; else on)."""
    chat = sub.chat_id

    def button(text: str, action: str, value: str = "", chosen: bool = False) -> Button:
        label = CHOSEN + text if chosen else text
        return InlineKeyboardButton(label, callback_data=f"dg:{action}:{value}:{chat}")

    time = sub.send_time.strftime("%H:%M")
    # Beside either kind: ✓ when the chat has it (pressing stops it), + when it may be added.
    weekly_label = ("" if weekly else "+ ") + t(lang, "sub.kind.weekly")
    zones = [
        button(t(lang, f"settings.btn.zone.{code}"), "z", code, sub.timezone == zone)
        for code, zone in ZONE_BUTTONS.items()
    ]
    rows = [
        [button(preset, "t", preset.replace(":", ""), preset == time) for preset in TIME_PRESETS],
        zones[:3],
        [*zones[3:], button(t(lang, "settings.btn.city"), "z", "city")],
        [button(t(code, f"lang.name.{code}"), "l", code, sub.language == code) for code in LANGS],
        [
            button(t(lang, f"sub.kind.{kind}"), "k", kind, sub.kind == kind)
            for kind in ("daily", "anniversaries")
        ],
        [button(weekly_label, "w", "off" if weekly else "on", weekly)],
        [
            button(t(lang, "settings.btn.all_topics"), "x", "", not sub.topics),
            button(t(lang, "settings.btn.unsubscribe"), "u"),
        ],
    ]
    return InlineKeyboardMarkup(rows)


def settings_text(subs: list[Subscription], context: BriefingContext, lang: str) -> str:
    """The /settings message of a chat's subscriptions (the first one's time, zone, topics;
    every kind it has); a paused subscription says why after the title."""
    sub = subs[0]
    paused = ""
    if not sub.active:
        paused = " " + t(lang, "sub.inactive", reason=sub.inactive_reason or "?")
    values = describe(sub, context, lang)
    values["kind"] = " + ".join(t(lang, f"sub.kind.{s.kind}") for s in subs)
    return t(lang, "settings.text", paused=Html(paused), **values)


def settings_reply(
    subs: list[Subscription], context: BriefingContext, lang: str
) -> tuple[str, InlineKeyboardMarkup]:
    """The /settings message and its buttons for a chat's subscriptions."""
    weekly = any(s.kind == "weekly" for s in subs)
    return settings_text(subs, context, lang), settings_keyboard(subs[0], lang, weekly)


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


# -- /settings -----------------------------------------------------------------------------------


async def apply_setting(
    context: BriefingContext, sub: Subscription, words: list[str]
) -> str | None:
    """Change one setting from "/settings time 08:30"-style words; the error key if refused."""
    name, value = parse_setting(words)
    subscriptions = context.engine.subscriptions
    if name is None or (not value and name != "topics"):  # bare "/settings topics" means all
        return "settings.usage"
    if name == "time":
        if not (send_time := parse_time(value)):
            return "sub.bad_time"
        await subscriptions.update(sub.chat_id, send_time=send_time)
    elif name == "tz":
        if not (zone := resolve_timezone(value, context.engine.seeds)):
            return "settings.bad_tz"
        await context.engine.chats.set_timezone(sub.chat_id, zone)
    elif name == "lang":
        if not (code := parse_language(value)):
            return "settings.bad_lang"
        await subscriptions.update(sub.chat_id, language=code)
    elif name == "topics":
        topics: list[str] = []
        if value.casefold() not in ("", "all", "все", "барлығы"):
            topics, unknown = resolve_topics(value, context.engine.seeds, context.index)
            if unknown:  # keep the filter the chat has rather than widen it to everything
                return "settings.unknown_topics"
        await subscriptions.update(sub.chat_id, topics=topics)
    elif name == "kind":
        if not (kind := parse_kind(value)) or kind == "all":
            return "settings.bad_kind"
        await subscriptions.subscribe(dataclasses.replace(sub, kind=kind))
    elif name == "weekly":  # the Monday digest beside the chat's daily one, on or off
        if (wanted := parse_switch(value)) is None:
            return "settings.bad_switch"
        if wanted:
            await subscriptions.subscribe(dataclasses.replace(sub, kind="weekly"))
        else:
            await subscriptions.unsubscribe(sub.chat_id, "weekly")
    return None


async def settings(update: Update, context: BriefingContext) -> None:
    """Show the digest settings with buttons; with arguments (admins only), change one."""
    lang = await context.chat_lang(update)
    words = command_words(update, context)
    target_word = words.pop(0) if words and parse_subscribe_args(words[:1]).target else None
    if not (target := await find_target(update, context, target_word, lang, change=bool(words))):
        return
    subs = await context.engine.subscriptions.of_chat(target.chat_id)
    if not subs:
        await reply(update, t(lang, "sub.not_subscribed"))
        return
    if words and (problem := await apply_setting(context, subs[0], words)):
        await reply(update, t(lang, problem, text=" ".join(words[1:])[:64]))
        return
    if not (subs := await context.engine.subscriptions.of_chat(target.chat_id)):
        await reply(update, t(lang, "sub.unsubscribed"))  # "/settings weekly off" was the last
        return
    text, keyboard = settings_reply(subs, context, lang)
    await reply(update, text, reply_markup=keyboard)


def button_words(action: str, value: str) -> list[str] | None:
    """A settings button as the /settings words it stands for (None: not a known button)."""
    if action == "t" and len(value) == 4:
        return ["time", f"{value[:2]}:{value[2:]}"]
    if action == "z" and value in ZONE_BUTTONS:
        return ["tz", ZONE_BUTTONS[value]]
    if action == "w" and value in ("on", "off"):
        return ["weekly", value]
    return {"l": ["lang", value], "k": ["kind", value], "x": ["topics", "all"]}.get(action)


def already_set(subs: list[Subscription], words: list[str]) -> bool:
    """Whether the button's choice is what the subscriptions have already (a double tap)."""
    name, value = words
    sub = subs[0]
    current = {
        "time": sub.send_time.strftime("%H:%M"),
        "tz": sub.timezone,
        "lang": sub.language,
        "kind": sub.kind,
        "topics": "all" if not sub.topics else None,
        "weekly": "on" if any(s.kind == "weekly" for s in subs) else "off",
    }
    return current.get(name) == value


async def settings_button(update: Update, context: BriefingContext) -> None:
    """Apply a settings button after checking, again, that the presser may change it."""
    query = update.callback_query
    lang = await context.chat_lang(update)
    match = CALLBACK.match(query.data or "")
    if not match:
        await unknown_button(update, context)
        return
    action, value, chat_id = match[1], match[2], int(match[3])
    if not await may_change(update, context, chat_id):
        await answer_press(update, t(lang, "sub.admins_only"), alert=True)
        return
    subs = await context.engine.subscriptions.of_chat(chat_id)
    if not subs:
        await answer_press(update, t(lang, "sub.not_subscribed"), alert=True)
        return
    if action == "u":
        await context.engine.subscriptions.unsubscribe(chat_id)
        await answer_press(update)
        await edit_or_send(update, context, t(lang, "sub.unsubscribed"), None)
        return
    if action == "z" and value == "city":
        await answer_press(update, t(lang, "settings.type_city"), alert=True)
        return
    words = button_words(action, value)
    if words is not None and already_set(subs, words):
        await answer_press(update, t(lang, "settings.already_set"))  # unchanged: no edit
        return
    if words is None or await apply_setting(context, subs[0], words):
        await unknown_button(update, context)
        return
    await answer_press(update, t(lang, "settings.saved"))
    if not (subs := await context.engine.subscriptions.of_chat(chat_id)):  # weekly was all
        await edit_or_send(update, context, t(lang, "sub.unsubscribed"), None)
        return
    await edit_or_send(update, context, *settings_reply(subs, context, lang))


async def may_change(update: Update, context: BriefingContext, chat_id: int) -> bool:
    """Whether the user pressing a button may change chat `chat_id`'s subscription: checked
    with getChatMember for every press, in channels too (anyone who sees a post can press)."""
    if update.effective_chat and update.effective_chat.id == chat_id:
        return await context.is_admin(update)
    user = update.effective_user
    return await context.is_admin_of(chat_id, user.id if user else None)


# -- /digest, /calendar --------------------------------------------------------------------------


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


# -- channel posts -------------------------------------------------------------------------------

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
    """Add the digest commands, their buttons, channel-post commands and the minute tick."""
    for name, callback in CHANNEL_COMMANDS.items():
        application.add_handler(CommandHandler(name, callback))
    application.add_handler(CallbackQueryHandler(settings_button, pattern=r"^dg:"))
    commands = filters.Regex(r"^/(subscribe|unsubscribe|settings|digest|calendar)(@\w+)?(\s|$)")
    application.add_handler(
        MessageHandler(filters.UpdateType.CHANNEL_POST & commands, channel_command)
    )
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
