"""The application factory: one PTB `Application` for Telegram, the console, `ask` and the tests.

`build_application(settings, request=None)` wires the handler modules (in the order of
`handlers.ROUTES`), the typed context, HTML defaults and the lifecycle hooks. Production passes
no `request` (PTB's HTTPXRequest talks to Telegram or to TELEGRAM_BASE_URL); the console, `ask`
and the tests pass `InProcessRequest(FakeBotAPI())`. Nothing else differs.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder, BaseRateLimiter, ContextTypes, Defaults
from telegram.request import BaseRequest

import handlers
from bot.context import ENGINE_KEY, GROUPS, MENU_KEY, PRIVATE, BriefingContext
from bot.engine import Engine
from bot.i18n import t
from bot.records.models import LANGS
from bot.settings import Settings
from bot.telegram.send_limiter import PriorityRateLimiter
from bot.telegram.update_order import ChatOrderedUpdateProcessor

log = logging.getLogger(__name__)

# A well-formed token for in-process use; it never reaches Telegram.
IN_PROCESS_TOKEN = "123456789:in-process-token-never-sent-to-telegram"


async def set_command_menus(application: Application) -> None:
    """Set Telegram's command menu per language (kk, ru, default en) and per chat kind."""
    scopes = {PRIVATE: BotCommandScopeAllPrivateChats(), GROUPS: BotCommandScopeAllGroupChats()}
    for scope_name, scope in scopes.items():
        entries = handlers.menu_commands(scope_name)
        for lang in LANGS:
            commands = [BotCommand(e.command, t(lang, e.description_key)) for e in entries]
            # Users whose Telegram language has no list of its own get the default (English).
            language_code = None if lang == "en" else lang
            await application.bot.set_my_commands(
                commands, scope=scope, language_code=language_code
            )


async def post_init(application: Application) -> None:
    """Open the engine (database, seeds, index) and set the command menus."""
    engine: Engine = application.bot_data[ENGINE_KEY]
    if not engine.is_open:
        await engine.open()
    try:
        await set_command_menus(application)
    except TelegramError as exc:  # the menus are a nicety; the bot works without them
        log.warning("could not set the command menus: %s", exc)


async def post_shutdown(application: Application) -> None:
    """Close the engine."""
    await application.bot_data[ENGINE_KEY].close()


async def apologize(update: object, context: BriefingContext) -> None:
    """Tell the user something went wrong (bot/telegram/runner.py adds logging and reports)."""
    if not isinstance(update, Update):
        return
    text = t(await context.chat_lang(update), "error.generic")
    try:
        if update.callback_query:
            # Answer every CallbackQuery, or the button keeps spinning.
            await update.callback_query.answer(text, show_alert=True)
        elif update.effective_message and update.effective_chat:
            await update.effective_message.reply_text(text)
    except TelegramError as exc:  # blocked, flooded or offline: nothing more to do
        log.debug("could not apologize: %s", exc)


def build_application(
    settings: Settings,
    request: BaseRequest | None = None,
    *,
    get_updates_request: BaseRequest | None = None,
    rate_limiter: bool | BaseRateLimiter = True,
    engine: Engine | None = None,
) -> Application:
    """The bot's Application: handlers, typed context, HTML defaults and lifecycle hooks.

    `request` replaces PTB's HTTP transport (for polling too, unless `get_updates_request` is
    given: bot/telegram/runner.py passes both, with metrics); `rate_limiter=False` leaves out
    the PriorityRateLimiter so in-process runs never wait, and a limiter replaces it (the fleet's,
in PostgreSQL mode); `engine` lets a caller share an open
    one. Updates of different chats are handled concurrently, one chat's in order.
    """
    builder: ApplicationBuilder[Any, Any, Any, Any, Any, Any] = (
        ApplicationBuilder()
        .token(settings.token or IN_PROCESS_TOKEN)
        .defaults(Defaults(parse_mode=ParseMode.HTML, tzinfo=settings.zone()))
        .context_types(ContextTypes(context=BriefingContext))
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .concurrent_updates(ChatOrderedUpdateProcessor())
    )
    if settings.base_url:
        base = settings.base_url.rstrip("/").removesuffix("/bot")  # either form works
        builder = builder.base_url(f"{base}/bot").base_file_url(f"{base}/file/bot")
    if isinstance(rate_limiter, BaseRateLimiter):
        builder = builder.rate_limiter(rate_limiter)
    elif rate_limiter:
        builder = builder.rate_limiter(PriorityRateLimiter(max_retries=2))
    if request is not None:
        builder = builder.request(request).get_updates_request(get_updates_request or request)
    application = builder.build()
    application.bot_data[ENGINE_KEY] = engine or Engine(settings)
    application.bot_data[MENU_KEY] = handlers.menu_commands()
    for module in handlers.ROUTES:
        module.register(application)
    handlers.start.register_fallbacks(application)  # last: what no module above handled
    application.add_error_handler(apologize)
    return application
