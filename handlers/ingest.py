"""Article intake for operators: /ingest <text>, a forwarded article, or a .txt document.

Only the Telegram user ids in BOT_ADMINS are served; the reply is the draft records as YAML
(nothing is saved from Telegram: `python -m bot ingest FILE --write` does that, reviewed).
"""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.ext import Application, CommandHandler, MessageHandler, filters

from bot.context import BriefingContext
from bot.conversation.cards import escape, split_html
from bot.i18n import t
from bot.ingest import IngestResult, Knowledge, ingest_text
from bot.ingest.intake import MAX_BYTES, ArticleError, article_text
from bot.ingest.output import as_yaml
from handlers.admin import is_operator

# Forwarded texts and documents are handled beside the other handlers (their own group), so a
# forwarded text still reaches whatever else answers plain text.
GROUP = 5


def render_result(result: IngestResult, yaml_text: str, lang: str) -> list[str]:
    """The reply: a summary line, sources added to known events, the drafts as YAML; for an
    article the seeds already hold, only that."""
    if result.known_article:
        return [t(lang, "ingest.known_article", article=result.known_article)]
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
    blocks.append(t(lang, "ingest.save_hint"))
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

    def run() -> tuple[IngestResult, str]:
        result = ingest_text(text, Knowledge.from_seeds(engine.seeds, index), "telegram.txt")
        return result, as_yaml(result)

    result, yaml_text = await asyncio.to_thread(run)
    for message in render_result(result, yaml_text, lang):
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
