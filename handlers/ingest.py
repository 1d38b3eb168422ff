"""Article intake for operators: /ingest <text>, a forwarded article, or a .txt document.

Only the Telegram user ids in BOT_ADMINS are served; the reply is the draft records as YAML, and
the drafts are kept for review (seeds/drafts/, bot/ingest/review.py): /review approves them, and
nothing reaches a user before that.
"""

from __future__ import annotations

import asyncio
import hashlib

from telegram import Update
from telegram.ext import Application, CommandHandler, MessageHandler, filters

from bot.context import BriefingContext
from bot.conversation.cards import escape, split_html
from bot.i18n import t
from bot.ingest import IngestResult, Knowledge, ingest_text
from bot.ingest.intake import MAX_BYTES, ArticleError, article_text
from bot.ingest.output import as_yaml
from bot.ingest.review import Stored, store
from bot.ingest.seedfile import SeedFileError
from bot.records.loading import SeedError
from handlers.admin import is_operator

# Forwarded texts and documents are handled beside the other handlers (their own group), so a
# forwarded text still reaches whatever else answers plain text.
GROUP = 5


def render_result(
    result: IngestResult, yaml_text: str, lang: str, stored: Stored | None = None
) -> list[str]:
    """The reply: a summary line, sources added to known events, the drafts as YAML and what
    was kept for review; for an article the seeds already hold, or one awaiting review, only
    that."""
    if result.known_article:
        return [t(lang, "ingest.known_article", article=result.known_article)]
    if stored is not None and stored.pending:
        return [t(lang, "ingest.pending_article", article=stored.pending)]
    published = result.article.published.value or t(lang, "ingest.unknown_date")
    blocks = [
        t(
            lang,
            "ingest.summary",
            language=result.article.language,
            published=published,
            events=len(result.events),
            people=len(result.people),
        )
    ]
    blocks += [t(lang, "ingest.adds_source", event=event_id) for event_id, _ in result.additions]
    blocks.append(f"<pre>{escape(yaml_text)}</pre>")
    if stored is not None and stored.items:
        blocks.append(t(lang, "ingest.stored", count=len(stored.items)))
    return split_html(blocks)


async def _answer(update: Update, context: BriefingContext, data: bytes | str) -> None:
    """Ingest the text off the event loop and reply with the drafts or a polite refusal."""
    lang = await context.chat_lang(update)
    engine, index = context.engine, context.index
    try:
        text = article_text(data)
    except ArticleError as exc:
        await update.effective_message.reply_text(t(lang, f"ingest.error.{exc.reason}"))
        return

    # The article's file name in the seeds, once approved: from its text, so one article
    # forwarded twice is one file.
    name = f"telegram-{hashlib.sha256(text.encode()).hexdigest()[:10]}.txt"

    def run() -> tuple[IngestResult, str, Stored | None]:
        result = ingest_text(text, Knowledge.from_seeds(engine.seeds, index), name)
        if result.known_article:
            return result, "", None
        stored = next(iter(store([result], engine.settings.seeds_dir, engine.seeds)), None)
        return result, as_yaml(result), stored

    try:
        result, yaml_text, stored = await asyncio.to_thread(run)
    except (SeedError, SeedFileError, FileExistsError) as exc:
        problem = str(exc).splitlines()[0][:300]
        await update.effective_message.reply_text(t(lang, "ingest.store_failed", problem=problem))
        return
    for message in render_result(result, yaml_text, lang, stored):
        await update.effective_message.reply_text(message)


async def ingest_command(update: Update, context: BriefingContext) -> None:
    """Answer /ingest <article text> with draft records (operators only)."""
    if not is_operator(update, context):
        await update.effective_message.reply_text(
            t(await context.chat_lang(update), "admin.refused")
        )
        return
    text = update.effective_message.text.partition(" ")[2] if update.effective_message.text else ""
    if not text.strip():
        await update.effective_message.reply_text(
            t(await context.chat_lang(update), "ingest.usage")
        )
        return
    await _answer(update, context, text)


async def forwarded_article(update: Update, context: BriefingContext) -> None:
    """Answer an article an operator forwards to the bot with draft records."""
    if is_operator(update, context):
        await _answer(update, context, update.effective_message.text or "")


async def article_document(update: Update, context: BriefingContext) -> None:
    """Answer a .txt document an operator sends with draft records."""
    if not is_operator(update, context):
        return
    document = update.effective_message.document
    if document.file_size and document.file_size > MAX_BYTES:
        await update.effective_message.reply_text(
            t(await context.chat_lang(update), "ingest.error.too_large")
        )
        return
    file = await context.bot.get_file(document.file_id)
    await _answer(update, context, bytes(await file.download_as_bytearray()))


def register(application: Application) -> None:
    """Add /ingest, forwarded articles and .txt documents in private chats."""
    private = filters.ChatType.PRIVATE
    # In the default group, before the unknown-command fallback of handlers/start.py.
    application.add_handler(CommandHandler("ingest", ingest_command, filters=private))
    application.add_handler(
        MessageHandler(
            private & filters.FORWARDED & filters.TEXT & ~filters.COMMAND, forwarded_article
        ),
        GROUP,
    )
    text_file = filters.Document.MimeType("text/plain") | filters.Document.FileExtension("txt")
    application.add_handler(MessageHandler(private & text_file, article_document), GROUP)
