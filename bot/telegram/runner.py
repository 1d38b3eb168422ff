"""Running the bot against Telegram: long polling or a webhook, error reports, health, shutdown.

`run_bot(settings)` is what `python -m bot run` calls when TELEGRAM_BOT_TOKEN is set. It takes
the Application from `bot.app.build_application` (the same one the console and tests use) and
adds only what a long-running process needs: a global error handler that logs with context and
tells the operators, a token scrubber on every log line, the /healthz server, and PTB's
`run_polling`/`run_webhook`, which stop cleanly on SIGTERM/SIGINT (pending updates and running
jobs are awaited, then `post_shutdown` closes the database).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
import time
from typing import Any
from urllib.parse import urlsplit

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, JobExecutionEvent
from telegram import Update
from telegram.error import Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application, ContextTypes

from bot.context import ENGINE_KEY, STARTED_KEY, uptime
from bot.i18n import t
from bot.settings import Settings
from bot.storage.base import StatsRepository
from bot.telegram.health import HealthServer

logger = logging.getLogger(__name__)

_SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
MODE_KEY = "run_mode"  # bot_data: "polling" or "webhook"
LAST_TICK_KEY = "last_tick"  # bot_data: UTC datetime of the digest tick's last run, if any
TICK_EVERY_KEY = "tick_every"  # bot_data: seconds between digest ticks
TICK_JOB = "digest-tick"  # the JobQueue job handlers/subscriptions.py registers
DEFAULT_TICK_SECONDS = 60.0
REPORT_INTERVAL = 60.0  # seconds between two error reports to the operators
_MAX_REPORTED_CHARS = 300


# -- settings --------------------------------------------------------------------------------------


def run_mode_problems(settings: Settings) -> list[str]:
    """What prevents `python -m bot run` from starting with `settings` (empty when fine)."""
    problems = []
    if not settings.token:
        problems.append("TELEGRAM_BOT_TOKEN is not set")
    if settings.webhook_url:
        url = urlsplit(settings.webhook_url)
        if url.scheme != "https" or not url.hostname:
            problems.append("BOT_WEBHOOK_URL must be an https:// URL Telegram can reach")
        if not settings.webhook_secret:
            problems.append(
                "BOT_WEBHOOK_SECRET is required in webhook mode (Telegram sends it with every "
                "update, so nobody else can post fake updates to the bot)"
            )
        elif not _SECRET_PATTERN.match(settings.webhook_secret):
            problems.append("BOT_WEBHOOK_SECRET may only use A-Z a-z 0-9 _ - (1-256 characters)")
        if not 0 < settings.webhook_port < 65536:
            problems.append("BOT_WEBHOOK_PORT must be a TCP port (1-65535)")
    if settings.health_port is not None and not 0 <= settings.health_port < 65536:
        problems.append("BOT_HEALTH_PORT must be a TCP port (1-65535)")
    return problems


def webhook_path(settings: Settings) -> str:
    """The path the webhook server listens on: that of BOT_WEBHOOK_URL (never the token)."""
    return urlsplit(settings.webhook_url or "").path.strip("/")


# -- never log the token ---------------------------------------------------------------------------


def secrets_of(settings: Settings) -> tuple[str, ...]:
    """The strings that must never reach a log line or a chat: the token, its secret half, and
    the webhook secret."""
    found: list[str] = []
    if settings.token:
        found.append(settings.token)
        secret_half = settings.token.partition(":")[2]
        if len(secret_half) >= 8:
            found.append(secret_half)
    if settings.webhook_secret and len(settings.webhook_secret) >= 8:
        found.append(settings.webhook_secret)
    return tuple(found)


def scrub(text: str, secrets: tuple[str, ...]) -> str:
    """`text` with every secret replaced by `[REDACTED]`."""
    for secret in secrets:
        text = text.replace(secret, "[REDACTED]")
    return text


class SecretScrubber(logging.Filter):
    """A handler filter that removes the token from every record's message and traceback."""

    def __init__(self, secrets: tuple[str, ...]) -> None:
        super().__init__("secret-scrubber")
        self.secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = scrub(message, self.secrets)
        if clean != message or record.args:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text, self.secrets)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info, self.secrets)
        return True


def install_scrubber(secrets: tuple[str, ...]) -> SecretScrubber:
    """Scrub `secrets` in every handler of the root logger (where all records end up)."""
    scrubber = SecretScrubber(secrets)
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig()
    for handler in root.handlers:
        handler.addFilter(scrubber)
    # httpx logs every request URL at INFO, and the URL holds the token.
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLogger(noisy).level))
    return scrubber


# -- the global error handler ----------------------------------------------------------------------


def describe_update(update: object) -> dict[str, Any]:
    """Where an error happened: the update type, chat id and command (or callback prefix)."""
    if not isinstance(update, Update):
        return {"type": type(update).__name__ if update is not None else "background-task"}
    kind = next((name for name in Update.ALL_TYPES if getattr(update, name, None)), "unknown")
    info: dict[str, Any] = {"type": kind}
    if update.effective_chat:
        info["chat_id"] = update.effective_chat.id
    message = update.effective_message
    if message and message.text and message.text.startswith("/"):
        info["command"] = message.text.split(maxsplit=1)[0][:64]
    if update.callback_query and update.callback_query.data:
        info["callback"] = update.callback_query.data.split(":", 1)[0][:16]
    return info


def describe_where(update: object, context: ContextTypes.DEFAULT_TYPE) -> str:
    """A one-line description of where an error happened, for logs and reports."""
    if update is None and context.job is not None:
        return f"job {context.job.name}"
    return " ".join(f"{key}={value}" for key, value in describe_update(update).items())


def short_error(error: BaseException | None, secrets: tuple[str, ...]) -> str:
    """`ExceptionType: message`, scrubbed and cut to a length fit for a chat message."""
    if error is None:
        return "unknown error"
    text = scrub(f"{type(error).__name__}: {error}", secrets)
    return text if len(text) <= _MAX_REPORTED_CHARS else text[: _MAX_REPORTED_CHARS - 1] + "…"


class ErrorReporter:
    """The Application's error handler: log with context, journal it, tell the operators."""

    def __init__(self, settings: Settings, interval: float = REPORT_INTERVAL) -> None:
        self.admins = settings.admins
        self.secrets = secrets_of(settings)
        self.interval = interval
        self._last_report = float("-inf")
        self._suppressed = 0

    async def __call__(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Handle an error raised by a handler or a job."""
        error = context.error
        where = describe_where(update, context)
        if isinstance(error, (TimedOut, NetworkError, RetryAfter)) and update is None:
            # Polling hiccups: PTB retries by itself; a warning without a traceback is enough.
            logger.warning("network problem in %s: %s", where, short_error(error, self.secrets))
            return
        exc_info = (type(error), error, error.__traceback__) if error else None
        logger.error("error in %s", where, exc_info=exc_info)
        message = short_error(error, self.secrets)
        await self._journal(context, where, message)
        await self._report(context, where, message)

    async def _journal(self, context: ContextTypes.DEFAULT_TYPE, where: str, message: str) -> None:
        store = _stats(context)
        if store is None:
            return
        try:
            await store.log_error(where, message)
        except Exception:  # the journal is best effort; the log line above is the record
            logger.warning("could not write the error to the database", exc_info=True)

    async def _report(self, context: ContextTypes.DEFAULT_TYPE, where: str, message: str) -> None:
        if not self.admins:
            return
        now = time.monotonic()
        if now - self._last_report < self.interval:
            self._suppressed += 1
            return
        self._last_report, suppressed, self._suppressed = now, self._suppressed, 0
        for admin in self.admins:
            lang = await _chat_language(context, admin)
            text = t(lang, "admin.error_report", where=where, error=message)
            if suppressed:
                text += "\n" + t(lang, "admin.error_suppressed", count=suppressed)
            try:
                await context.bot.send_message(admin, text)
            except Forbidden:
                logger.warning("admin %s has not started a chat with the bot", admin)
            except Exception as exc:
                logger.warning("could not report the error to admin %s: %s", admin, exc)


def _stats(context: ContextTypes.DEFAULT_TYPE) -> StatsRepository | None:
    engine = context.bot_data.get(ENGINE_KEY)
    if engine is None or not engine.is_open:
        return None
    return engine.stats


async def _chat_language(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> str:
    engine = context.bot_data.get(ENGINE_KEY)
    if engine is not None and engine.is_open:
        with contextlib.suppress(Exception):
            return await engine.chat_language(chat_id, None)
    return "en"


# -- health ----------------------------------------------------------------------------------------


def tick_state(bot_data: dict, now: dt.datetime | None = None) -> str:
    """The digest tick's state: "ok", "waiting" (not run yet, or no tick job), or "stalled" when
    it has not run for five of its intervals (at least five minutes) while the process is up."""
    every = float(bot_data.get(TICK_EVERY_KEY) or 0)
    if not every:
        return "waiting"
    now = now or dt.datetime.now(dt.UTC)
    limit = dt.timedelta(seconds=max(5 * every, 300))
    last = bot_data.get(LAST_TICK_KEY) or bot_data.get(STARTED_KEY)
    if not isinstance(last, dt.datetime) or now - last <= limit:
        return "ok" if bot_data.get(LAST_TICK_KEY) else "waiting"
    return "stalled"


async def health_report(application: Application) -> dict[str, object]:
    """The /healthz payload: ok when the database answers; seeds fingerprint, last tick, uptime."""
    engine = application.bot_data.get(ENGINE_KEY)
    db_ok = False
    if engine is not None and engine.is_open:
        with contextlib.suppress(Exception):
            db_ok = await engine.stats.ok()
    last_tick = application.bot_data.get(LAST_TICK_KEY)
    tick = tick_state(application.bot_data)
    return {
        "ok": db_ok and tick != "stalled",
        "db": "ok" if db_ok else "unavailable",
        "seeds_fingerprint": getattr(getattr(engine, "seeds", None), "fingerprint", None),
        "tick": tick,
        "last_tick": last_tick.isoformat() if isinstance(last_tick, dt.datetime) else None,
        "mode": application.bot_data.get(MODE_KEY),
        "uptime_seconds": int(uptime(application.bot_data).total_seconds()),
    }


def watch_tick(application: Application, every: float | None = None) -> bool:
    """Note in bot_data when the digest tick last ran (for /healthz); run it `every` seconds
    instead of once a minute when given (BOT_TICK_SECONDS, for tests). False: no tick job."""
    queue = application.job_queue
    jobs = queue.get_jobs_by_name(TICK_JOB) if queue is not None else ()
    if not jobs:
        return False
    ids = {job.job.id for job in jobs}

    def on_run(event: JobExecutionEvent) -> None:
        if event.job_id in ids:
            application.bot_data[LAST_TICK_KEY] = dt.datetime.now(dt.UTC)

    queue.scheduler.add_listener(on_run, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    if every:
        for job in jobs:
            job.job.reschedule("interval", seconds=every)
    application.bot_data[TICK_EVERY_KEY] = every or DEFAULT_TICK_SECONDS
    return True


def attach_runtime(application: Application, settings: Settings, mode: str) -> None:
    """Add the error handler and the health server to `application` (hooks chain the app's own)."""
    application.bot_data[MODE_KEY] = mode
    application.bot_data.setdefault(STARTED_KEY, dt.datetime.now(dt.UTC))
    application.add_error_handler(ErrorReporter(settings))
    watch_tick(application, settings.tick_seconds)
    if settings.health_port is None:
        return
    server = HealthServer(
        lambda: health_report(application),
        host=settings.health_listen,
        port=settings.health_port,
    )
    app_post_init, app_post_shutdown = application.post_init, application.post_shutdown

    async def post_init(app: Application) -> None:
        if app_post_init:
            await app_post_init(app)
        await server.start()

    async def post_shutdown(app: Application) -> None:
        await server.stop()
        if app_post_shutdown:
            await app_post_shutdown(app)

    application.post_init = post_init
    application.post_shutdown = post_shutdown


# -- the entry point -------------------------------------------------------------------------------


def run_bot(settings: Settings) -> int:
    """Run the bot on Telegram until SIGTERM/SIGINT; return the process exit code."""
    install_scrubber(secrets_of(settings))
    problems = run_mode_problems(settings)
    if problems:
        for problem in problems:
            logger.error("cannot start: %s", problem)
        return 2
    from bot.app import build_application  # imported late: the checks above need no PTB app

    mode = "webhook" if settings.webhook_url else "polling"
    application = build_application(settings)
    attach_runtime(application, settings, mode)
    logger.info("starting the bot (%s)", mode)
    if mode == "webhook":
        application.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path=webhook_path(settings),
            webhook_url=settings.webhook_url,
            secret_token=settings.webhook_secret,
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
    logger.info("the bot stopped")
    return 0
