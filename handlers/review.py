"""/review: operators approve, reject or correct ingest drafts, one at a time (BOT_ADMINS only).

`/review [words]` shows the first draft awaiting review (those holding the words); its buttons
approve it (written into the seeds, then `engine.apply_changes()`: it is in /meetings at once),
reject it, or show the next one. Replying to a draft message with `field: value` lines corrects
it. Drafts live in seeds/drafts/ and reach no user before approval (bot/ingest/review.py).
"""

from __future__ import annotations

import asyncio
import datetime as dt

from telegram import Message, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.context import BriefingContext
from bot.conversation.callbacks import ReviewButton, parse_callback, review_key
from bot.conversation.review import render_item, review_keyboard, shown_item_id
from bot.i18n import t
from bot.ingest.corrections import DraftError
from bot.ingest.review import DraftItem, approve, correct, pending_items, reject
from bot.records.loading import SeedError
from handlers.admin import is_operator, refuse
from handlers.common import unknown_button


def _error(error: DraftError, lang: str) -> str:
    return t(lang, f"review.error.{error.reason}", **error.params)


async def _items(context: BriefingContext, words: str = "") -> list[DraftItem]:
    return await asyncio.to_thread(pending_items, context.engine.settings.seeds_dir, words)


async def _show(
    message: Message | None, items: list[DraftItem], index: int, context: BriefingContext, lang: str
) -> None:
    """Send draft `index` of `items`, its buttons under the last part."""
    item = items[index]
    parts = render_item(item, index + 1, len(items), context.engine.seeds, lang)
    for number, text in enumerate(parts, 1):
        keyboard = review_keyboard(item.id, lang) if number == len(parts) else None
        await message.reply_text(text, reply_markup=keyboard)


async def review_command(update: Update, context: BriefingContext) -> None:
    """Show the first draft awaiting review (holding the words given, if any)."""
    if not is_operator(update, context):
        return await refuse(update, context)
    lang = await context.chat_lang(update)
    words = " ".join(context.args or [])
    items = await _items(context, words)
    message = update.effective_message
    if not items:
        key = "review.none_match" if words else "review.empty"
        await message.reply_text(t(lang, key, words=words))
        return
    await _show(message, items, 0, context, lang)


async def review_button(update: Update, context: BriefingContext) -> None:
    """Approve, reject or put off the draft a button stands for."""
    query = update.callback_query
    pressed = parse_callback(query.data)
    if not isinstance(pressed, ReviewButton):
        return await unknown_button(update, context)
    lang = await context.chat_lang(update)
    if not is_operator(update, context):
        await query.answer(t(lang, "admin.refused"), show_alert=True)
        return
    items = await _items(context)
    index = next((i for i, it in enumerate(items) if review_key(it.id) == pressed.key), None)
    if index is None:  # forged, or approved or rejected meanwhile
        return await unknown_button(update, context)
    item, message = items[index], update.effective_message
    if pressed.action == "later":
        if len(items) == 1:
            await query.answer(t(lang, "review.only_one"), show_alert=True)
            return
        await query.answer()
        await _show(message, items, (index + 1) % len(items), context, lang)
        return
    engine = context.engine
    try:
        if pressed.action == "approve":
            today = dt.datetime.now(dt.UTC).date()
            await asyncio.to_thread(
                approve, engine.settings.seeds_dir, item.id, engine.seeds, today
            )
        else:
            await asyncio.to_thread(reject, engine.settings.seeds_dir, item.id)
    except DraftError as exc:
        await query.answer()
        await message.reply_text(_error(exc, lang))
        return
    await query.answer()
    done = "review.approved" if pressed.action == "approve" else "review.rejected"
    await query.edit_message_text(t(lang, done, id=item.id))
    if pressed.action == "approve":
        try:
            await engine.apply_changes()
        except (SeedError, OSError) as exc:
            await message.reply_text(t(lang, "review.reload_failed", problem=str(exc)[:300]))
    rest = await _items(context)
    if rest:
        await _show(message, rest, 0, context, lang)


async def correction(update: Update, context: BriefingContext) -> None:
    """Correct the draft a reply answers, from its `field: value` lines."""
    message = update.effective_message
    lang = await context.chat_lang(update)
    if not is_operator(update, context):
        return await refuse(update, context)
    item_id = shown_item_id(message.reply_to_message.text)
    if item_id is None:  # the filter lets only replies to a shown draft through
        return
    engine = context.engine
    try:
        item = await asyncio.to_thread(
            correct, engine.settings.seeds_dir, item_id, message.text or "", engine.seeds
        )
    except DraftError as exc:
        await message.reply_text(_error(exc, lang))
        return
    await message.reply_text(t(lang, "review.corrected", id=item.id))
    items = await _items(context)
    index = next((i for i, it in enumerate(items) if it.id == item.id), 0)
    await _show(message, items, index, context, lang)


class _DraftReply(filters.MessageFilter):
    """A reply to one of the bot's /review messages (its text ends with the draft's id)."""

    def filter(self, message: Message) -> bool:
        replied = message.reply_to_message
        return bool(
            replied
            and replied.from_user
            and replied.from_user.is_bot
            and shown_item_id(replied.text)
        )


def register(application: Application) -> None:
    """Add /review, its buttons (rv:) and corrections by reply, in private chats."""
    private = filters.ChatType.PRIVATE
    application.add_handler(CommandHandler("review", review_command, filters=private))
    application.add_handler(CallbackQueryHandler(review_button, pattern=r"^rv:"))
    typed = filters.TEXT & ~filters.COMMAND
    application.add_handler(MessageHandler(private & typed & _DraftReply(), correction))
