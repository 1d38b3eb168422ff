"""Running the bot against Telegram: long polling or a webhook, error reports, health, shutdown.

`run_bot(settings)` is what `python -m bot run` calls when TELEGRAM_BOT_TOKEN is set. It takes
the Application from `bot.app.build_application` (the same one the console and tests use) and
adds only what a long-running process needs: a global error handler that logs with context and
tells the operators, a token scrubber on every log line, metrics on every Bot API request, the
digest tick on the monotonic clock, the /healthz and /metrics server, and its own lifecycle
(`serve`, instead of PTB's run_polling/run_webhook): getMe retried with a logged backoff, a 401
or network error while polling retried, our webhook server (bot.telegram.webhook), and a stop
within STOP_SECONDS of SIGTERM/SIGINT. With BOT_DATABASE_URL it runs as one of several
instances (bot.telegram.fleet): the fleet's send budget as the rate limiter, polling only while
holding the poller lease, and no polling at all while Telegram has a webhook set.

Long because: polling, webhook, error reports, health and metrics share one Runtime. To split next:
the ErrorReporter and the health/metrics wiring into modules of their own.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import re
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from telegram import Update
from telegram.error import (
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import Application, ContextTypes, TypeHandler

from bot.context import ENGINE_KEY, STARTED_KEY, uptime
from bot.i18n import t
from bot.settings import Settings, SettingsError
from bot.storage.base import StatsRepository
from bot.telegram.fleet import Fleet, WebhookIsSet
from bot.telegram.hard_stop import exit_within
from bot.telegram.health import HealthServer
from bot.telegram.limits import retry_after_seconds
from bot.telegram.metrics import Metrics, Progress, TelegramRequest
from bot.telegram.secrets import install_scrubber, scrub, secrets_of
from bot.telegram.ticker import MonotonicTicker
from bot.telegram.webhook import WebhookServer
from handlers.digest import BROADCAST_TASK, TICK_JOB, TICK_SECONDS

logger = logging.getLogger(__name__)

_SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
MODE_KEY = "run_mode"  # bot_data: "polling" or "webhook"
RUNTIME_KEY = "runtime"  # bot_data: the Runtime (metrics, progress, ticker)
TICK_FIRST_SECONDS = 1.0  # the first tick after start (digests due while we were down)
TICK_STALL_SECONDS = 300.0  # the tick is stalled after max(5 intervals, this)
PROGRESS_SECONDS = 300.0  # no word from Telegram for this long: /healthz says so
MIN_FREE_BYTES = 1024 * 1024  # less free space than this next to the database: "disk full"
CONNECT_MAX_WAIT = 30.0  # the longest wait between two connection attempts at start
WEBHOOK_CHECK_SECONDS = 60.0
STOP_SECONDS = 8.0  # SIGTERM to exit, at most (plus a one-second hard stop)
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


# -- health and metrics ----------------------------------------------------------------------------


@dataclass
class Runtime:
    """What a long-running process adds to the Application (kept in bot_data[RUNTIME_KEY])."""

    settings: Settings
    mode: str
    metrics: Metrics = field(default_factory=Metrics)
    progress: Progress = field(default_factory=Progress)
    ticker: MonotonicTicker | None = None
    webhook_problem: str | None = None  # what getWebhookInfo last said was wrong, if anything
    fleet: Fleet | None = None  # one of several instances (BOT_DATABASE_URL)

    @property
    def standby(self) -> bool:
        """Polling mode, and another instance holds the poller lease."""
        polling = self.fleet.polling if self.fleet is not None else None
        return polling is not None and polling.standby


def tick_state(every: float | None, since_start: float, since_last: float | None) -> str:
    """The digest tick's state: "ok", "waiting" (not run yet, or no tick at all), or "stalled"
    when it has not run for five of its intervals (at least five minutes). Monotonic seconds."""
    if not every:
        return "waiting"
    limit = max(5 * every, TICK_STALL_SECONDS)
    if since_last is None:
        return "stalled" if since_start > limit else "waiting"
    return "stalled" if since_last > limit else "ok"


def storage_problem(db_path: Path, min_free: int = MIN_FREE_BYTES) -> str | None:
    """Why the database cannot be written (read-only, disk full, no permission), or None."""
    folder = db_path.parent
    try:
        fs = os.statvfs(folder)
    except OSError as exc:
        return f"cannot inspect {folder}: {exc.strerror}"
    if fs.f_flag & os.ST_RDONLY:
        return f"{folder} is on a read-only file system"
    free = fs.f_bavail * fs.f_frsize
    if free < min_free:
        return f"disk full: {free // 1024} KiB free in {folder}"
    target = db_path if db_path.exists() else folder
    if not os.access(target, os.W_OK):
        return f"{target} is not writable"
    return None


async def health_report(application: Application) -> dict[str, object]:
    """The /healthz payload; `problems` says in words what is wrong (empty when ok)."""
    engine = application.bot_data.get(ENGINE_KEY)
    runtime: Runtime | None = application.bot_data.get(RUNTIME_KEY)
    problems: list[str] = []
    db_ok = False
    if engine is not None and engine.is_open:
        with contextlib.suppress(Exception):
            db_ok = await engine.stats.ok()
    if not db_ok:
        problems.append("database: does not answer")
    elif (
        engine is not None
        and not engine.settings.database_url
        and (problem := storage_problem(engine.settings.db_path))
    ):
        db_ok = False
        problems.append(f"database: {problem}")
    tick, last_tick = "waiting", None
    ticker = runtime.ticker if runtime is not None else None
    if ticker is not None and ticker.started_at:
        since_last = None if ticker.last_run is None else ticker.stalled_for()
        tick = tick_state(ticker.every, time.monotonic() - ticker.started_at, since_last)
        if tick == "stalled":
            problems.append(f"tick: has not run for {int(ticker.stalled_for())} s")
        last_tick = ticker.last_run_at
    if runtime is not None:
        silent = runtime.progress.silent_for()
        if runtime.mode == "polling" and not runtime.standby and silent > PROGRESS_SECONDS:
            problems.append(f"polling: no answer from Telegram for {int(silent)} s")
        if runtime.mode == "webhook" and runtime.webhook_problem:
            problems.append(f"webhook: {runtime.webhook_problem}")
    secrets = secrets_of(runtime.settings) if runtime is not None else ()
    poller: dict[str, str] = {}  # several instances: whether this one polls or stands by
    if runtime is not None and _leased(runtime):
        poller["poller"] = "standby" if runtime.standby else "active"
    return {
        "ok": not problems,
        "problems": [scrub(problem, secrets) for problem in problems],
        "db": "ok" if db_ok else "unavailable",
        "seeds_fingerprint": getattr(getattr(engine, "seeds", None), "fingerprint", None),
        "tick": tick,
        "last_tick": last_tick.isoformat() if isinstance(last_tick, dt.datetime) else None,
        "mode": application.bot_data.get(MODE_KEY),
        **poller,
        "uptime_seconds": int(uptime(application.bot_data).total_seconds()),
    }


def _leased(runtime: Runtime | None) -> bool:
    return runtime is not None and runtime.fleet is not None and runtime.fleet.polling is not None


async def metrics_text(application: Application) -> bytes:
    """The /metrics page: counters kept as things happen, gauges read now."""
    runtime: Runtime = application.bot_data[RUNTIME_KEY]
    metrics = runtime.metrics
    engine = application.bot_data.get(ENGINE_KEY)
    if engine is not None and engine.is_open:
        with contextlib.suppress(Exception):
            counts = await engine.stats.deliveries_by_status()
            for status in ("sent", "empty", "failed", "missed", "pending", "queued"):
                metrics.digests.labels(status).set(counts.get(status, 0))
    if runtime.ticker is not None:
        metrics.tick_lag.set(runtime.ticker.lag)
        metrics.tick_age.set(runtime.ticker.stalled_for())
    metrics.poll_age.set(runtime.progress.silent_for())
    return metrics.render()


def count_updates(application: Application, metrics: Metrics) -> None:
    """Count every update and time it from the first handler group to the last."""
    started: dict[int, float] = {}

    async def first(update: object, context: object) -> None:
        if isinstance(update, Update):
            started[update.update_id] = time.monotonic()

    async def last(update: object, context: object) -> None:
        if not isinstance(update, Update):
            return
        kind = next((name for name in Update.ALL_TYPES if getattr(update, name, None)), "other")
        metrics.updates.labels(kind).inc()
        if (begun := started.pop(update.update_id, None)) is not None:
            metrics.latency.observe(time.monotonic() - begun)
        if len(started) > 10_000:  # updates some handler stopped early never reach `last`
            started.clear()

    application.add_handler(TypeHandler(object, first), group=-(10**6))
    application.add_handler(TypeHandler(object, last), group=10**6)


def attach_runtime(
    application: Application, settings: Settings, mode: str, runtime: Runtime | None = None
) -> Runtime:
    """Add the error handler, the metrics, the monotonic tick and the health server to
    `application` (its post_init/post_shutdown hooks chain the app's own)."""
    runtime = runtime or Runtime(settings, mode)
    application.bot_data[RUNTIME_KEY] = runtime
    application.bot_data[MODE_KEY] = mode
    application.bot_data.setdefault(STARTED_KEY, dt.datetime.now(dt.UTC))
    application.add_error_handler(ErrorReporter(settings))
    count_updates(application, runtime.metrics)
    queue = application.job_queue
    jobs = queue.get_jobs_by_name(TICK_JOB) if queue is not None else ()
    if jobs:
        runtime.ticker = MonotonicTicker(
            jobs[0], settings.tick_seconds or TICK_SECONDS, first=TICK_FIRST_SECONDS
        )
    server = None
    if settings.health_port is not None:
        server = HealthServer(
            lambda: health_report(application),
            host=settings.health_listen,
            port=settings.health_port,
            metrics=lambda: metrics_text(application),
        )
    app_post_init, app_post_shutdown = application.post_init, application.post_shutdown

    async def post_init(app: Application) -> None:
        if app_post_init:
            await app_post_init(app)
        if server is not None:
            await server.start()

    async def post_shutdown(app: Application) -> None:
        if runtime.ticker is not None:
            await runtime.ticker.stop()
        if server is not None:
            await server.stop()
        if app_post_shutdown:
            await app_post_shutdown(app)

    application.post_init = post_init
    application.post_shutdown = post_shutdown
    return runtime


# -- the entry point -------------------------------------------------------------------------------

TOKEN_REJECTED = "Telegram rejected TELEGRAM_BOT_TOKEN (401): check the token from @BotFather"


class StartFailed(Exception):
    """Telegram refused something the bot needs to start (setWebhook, for instance)."""


def check_database_path(db_path: Path) -> None:
    """Raise SettingsError (one line naming BOT_DB) when the database cannot be created or
    written: a read-only folder or file, no permission, a path that is a directory."""
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        if db_path.is_dir():
            raise SettingsError(f"BOT_DB={db_path} is a directory, not a database file")
        with tempfile.TemporaryFile(dir=db_path.parent):
            pass
        if db_path.exists():
            with db_path.open("r+b"):
                pass
    except OSError as exc:
        raise SettingsError(f"BOT_DB={db_path}: cannot write there ({exc.strerror})") from None


def transport(runtime: Runtime, *, polling: bool) -> TelegramRequest:
    """PTB's HTTPX transport with metrics (the polling one also retries 401s)."""
    from telegram.request import HTTPXRequest

    inner = HTTPXRequest(connection_pool_size=1) if polling else HTTPXRequest(256)
    return TelegramRequest(inner, runtime.metrics, runtime.progress, polling=polling)


async def connect(application: Application, stop: asyncio.Event, secrets: tuple[str, ...]) -> bool:
    """Initialize the Application (getMe), retrying network errors with a logged backoff
    (1 s doubling to at most CONNECT_MAX_WAIT); False when asked to stop meanwhile.
    InvalidToken and other refusals propagate."""
    wait = 1.0
    while True:
        try:
            await application.initialize()
            return True
        except (NetworkError, RetryAfter) as exc:
            if isinstance(exc, RetryAfter):
                wait = max(wait, retry_after_seconds(exc))
            logger.warning(
                "cannot reach Telegram (%s); retrying in %g s", short_error(exc, secrets), wait
            )
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), wait)
        if stop.is_set():
            return False
        wait = min(wait * 2, CONNECT_MAX_WAIT)


async def watch_webhook(application: Application, runtime: Runtime, url: str) -> None:
    """Every WEBHOOK_CHECK_SECONDS: ask Telegram about the webhook; an unregistered or changed
    URL is set again, and updates waiting while none reach us are a problem for /healthz."""
    settings = runtime.settings
    while True:
        await asyncio.sleep(WEBHOOK_CHECK_SECONDS)
        try:
            info = await application.bot.get_webhook_info()
        except TelegramError as exc:
            runtime.webhook_problem = f"getWebhookInfo failed: {exc}"
            continue
        if info.url != url:
            logger.warning("the webhook is not registered with Telegram any more: setting it")
            with contextlib.suppress(TelegramError):
                await register_webhook(application, settings)
        stuck = info.pending_update_count and runtime.progress.silent_for() > PROGRESS_SECONDS
        if stuck:
            runtime.webhook_problem = (
                f"{info.pending_update_count} updates wait at Telegram and none arrived for "
                f"{int(runtime.progress.silent_for())} s; Telegram says: "
                f"{info.last_error_message or 'no error'}"
            )
        else:
            runtime.webhook_problem = None
            if not info.pending_update_count:
                runtime.progress.contact()  # nothing waiting: the webhook is up to date


async def register_webhook(application: Application, settings: Settings) -> None:
    await application.bot.set_webhook(
        url=settings.webhook_url or "",
        secret_token=settings.webhook_secret,
        allowed_updates=Update.ALL_TYPES,
    )


async def stop_within(
    application: Application, webhook: WebhookServer | None, runtime: Runtime | None = None
) -> None:
    """Stop receiving, give a broadcast in progress a moment, then stop and close everything.
    What is cut short stays 'pending' in the delivery log and a later run resumes it."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + STOP_SECONDS

    async def step(what: str, awaitable: Any, share: float) -> None:
        budget = max(0.1, min(share, deadline - loop.time()))
        try:
            await asyncio.wait_for(awaitable, budget)
        except TimeoutError:
            logger.warning("shutdown: %s took longer than %.1f s; going on", what, budget)
        except Exception as exc:
            logger.warning("shutdown: %s failed: %s", what, type(exc).__name__)

    if application.updater is not None and application.updater.running:
        await step("stopping polling", application.updater.stop(), 3)
    if runtime is not None and runtime.fleet is not None and runtime.fleet.polling is not None:
        await step("stopping polling", runtime.fleet.polling.stop(), 3)
    if webhook is not None:
        await step("stopping the webhook server", webhook.stop(), 2)
    if runtime is not None and runtime.ticker is not None:
        # no new tick may start a broadcast after the running ones are gathered below: one
        # started then would outlive the engine it sends from
        await step("stopping the digest tick", runtime.ticker.stop(), 1)
    broadcasts = [t for t in asyncio.all_tasks() if t.get_name() == BROADCAST_TASK]
    if broadcasts:
        _, pending = await asyncio.wait(broadcasts, timeout=max(0.1, deadline - loop.time() - 3))
        for task in pending:
            task.cancel()
        if pending:
            logger.info("shutdown: a digest broadcast was cut short; the next run resumes it")
            await asyncio.wait(pending, timeout=1)
    if application.running:
        await step("stopping the application", application.stop(), 2)
    if application.post_shutdown:
        await step("closing the database", application.post_shutdown(application), 2)
    await step("closing connections", application.shutdown(), 1)


async def serve(application: Application, runtime: Runtime) -> int:
    """Connect, start polling or the webhook, run until SIGTERM/SIGINT, stop in time."""
    settings = runtime.settings
    secrets = secrets_of(settings)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()

    def on_signal() -> None:
        stop.set()
        exit_within(STOP_SECONDS + 1, 1, f"shutdown took more than {STOP_SECONDS + 1:.0f} s")

    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, on_signal)
    if not await connect(application, stop, secrets):
        return 0
    webhook: WebhookServer | None = None
    watcher: asyncio.Task | None = None
    try:
        if runtime.mode == "polling" and runtime.fleet is not None:
            await runtime.fleet.check_webhook(application)  # before loading anything
        if application.post_init:
            await application.post_init(application)
        me = application.bot.username
        if runtime.mode == "webhook":
            webhook = WebhookServer(
                application,
                host=settings.webhook_listen,
                port=settings.webhook_port,
                path=webhook_path(settings),
                secret=settings.webhook_secret or "",
                on_update=runtime.progress.contact,
            )
            await webhook.start()
            try:
                await register_webhook(application, settings)
            except TelegramError as exc:
                raise StartFailed(f"setWebhook failed: {short_error(exc, secrets)}") from exc
            runtime.progress.contact()
            watcher = asyncio.create_task(
                watch_webhook(application, runtime, settings.webhook_url or "")
            )
        elif runtime.fleet is not None:
            runtime.fleet.poller(application).start()
        else:
            assert application.updater is not None
            await application.updater.start_polling(
                allowed_updates=Update.ALL_TYPES,
                bootstrap_retries=-1,  # deleteWebhook: NetworkErrors retried with backoff
                error_callback=lambda exc: _process_error_later(application, exc),
            )
        await application.start()
        if runtime.ticker is not None:
            runtime.ticker.start(application)
        logger.info("running on Telegram as @%s (%s)", me, runtime.mode)
        await stop.wait()
        logger.info("stopping")
    finally:
        if watcher is not None:
            watcher.cancel()
        await stop_within(application, webhook, runtime)
    return 0


def _process_error_later(application: Application, error: TelegramError) -> None:
    """Hand a polling error to the error handlers (PTB's error_callback must not block)."""
    application.create_task(application.process_error(update=None, error=error))


async def start(settings: Settings, runtime: Runtime) -> int:
    """Build the Application (in PostgreSQL mode with the fleet's rate limiter) and serve it."""
    from bot.app import build_application  # imported late: the checks need no PTB app

    fleet = runtime.fleet = await Fleet.open(settings) if settings.database_url else None
    try:
        application = build_application(
            settings,
            transport(runtime, polling=False),
            get_updates_request=transport(runtime, polling=True),
            rate_limiter=fleet.rate_limiter if fleet is not None else True,
        )
        attach_runtime(application, settings, runtime.mode, runtime)
        return await serve(application, runtime)
    finally:
        if fleet is not None:
            await fleet.close()


def run_bot(settings: Settings) -> int:
    """Run the bot on Telegram until SIGTERM/SIGINT; return the process exit code."""
    secrets = secrets_of(settings)
    install_scrubber(secrets)
    problems = run_mode_problems(settings)
    if problems:
        for problem in problems:
            logger.error("cannot start: %s", problem)
        return 2
    if not settings.database_url:
        check_database_path(settings.db_path)
    mode = "webhook" if settings.webhook_url else "polling"
    runtime = Runtime(settings, mode)
    try:
        return asyncio.run(start(settings, runtime))
    except InvalidToken:
        print(TOKEN_REJECTED, file=sys.stderr)
        return 2
    except (StartFailed, WebhookIsSet, ConnectionError) as exc:
        print(f"cannot start: {exc}", file=sys.stderr)
        return 2
    except TelegramError as exc:
        print(f"cannot start: Telegram answered {short_error(exc, secrets)}", file=sys.stderr)
        return 2
