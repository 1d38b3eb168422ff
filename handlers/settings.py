"""/settings: a chat's digest settings as a message with buttons, and changes by argument
("/settings time 08:30") or by button (dg: callbacks, checked again on every press).
"""

from __future__ import annotations

import dataclasses
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram import InlineKeyboardButton as Button
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.context import BriefingContext, MenuCommand
from bot.conversation.arguments import (
    parse_kind,
    parse_setting,
    parse_subscribe_args,
    parse_switch,
    parse_time,
    resolve_timezone,
    resolve_topics,
)
from bot.i18n import Html, parse_language, t
from bot.records.models import LANGS
from bot.storage.base import Subscription
from handlers.common import answer_press, unknown_button
from handlers.meetings import edit_or_send
from handlers.subscriptions import command_words, describe, find_target, may_change, reply

MENU = [MenuCommand("settings", "menu.settings")]
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


def register(application: Application) -> None:
    """Add /settings and its buttons."""
    application.add_handler(CommandHandler("settings", settings))
    application.add_handler(CallbackQueryHandler(settings_button, pattern=r"^dg:"))
