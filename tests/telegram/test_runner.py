"""The runner's decisions: which settings may start, and that the token never reaches a log."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest

from bot.settings import Settings
from bot.telegram.runner import run_bot, run_mode_problems, webhook_path
from bot.telegram.secrets import SecretScrubber, secrets_of

TOKEN = "123456789:AAHsecretPartOfTheTokenThatMustNotLeak"


def _settings(**env: str) -> Settings:
    return Settings.from_env({"TELEGRAM_BOT_TOKEN": TOKEN, **env}, dotenv=False)


def test_polling_needs_only_a_token():
    assert run_mode_problems(_settings()) == []
    assert run_mode_problems(Settings.from_env({}, dotenv=False)) == [
        "TELEGRAM_BOT_TOKEN is not set"
    ]


def test_webhook_mode_refuses_to_start_without_a_secret():
    problems = run_mode_problems(_settings(BOT_WEBHOOK_URL="https://bot.example.org/tg"))
    assert len(problems) == 1
    assert "BOT_WEBHOOK_SECRET is required" in problems[0]


@pytest.mark.parametrize(
    ("url", "secret", "fragment"),
    [
        ("http://bot.example.org/tg", "s3cret-Value_1", "https://"),
        ("https://bot.example.org/tg", "has spaces!", "A-Z a-z 0-9"),
        ("https://bot.example.org/tg", "x" * 257, "1-256"),
    ],
)
def test_webhook_settings_are_checked(url, secret, fragment):
    problems = run_mode_problems(_settings(BOT_WEBHOOK_URL=url, BOT_WEBHOOK_SECRET=secret))
    assert any(fragment in problem for problem in problems)


def test_a_valid_webhook_listens_on_the_url_path_not_the_token():
    settings = _settings(
        BOT_WEBHOOK_URL="https://bot.example.org/telegram/updates",
        BOT_WEBHOOK_SECRET="s3cret-Value_1",
    )
    assert run_mode_problems(settings) == []
    assert webhook_path(settings) == "telegram/updates"
    assert TOKEN not in webhook_path(settings)


@pytest.fixture
def root_filters():
    """Undo the filters run_bot adds to the root logger's handlers."""
    handlers = {handler: list(handler.filters) for handler in logging.getLogger().handlers}
    yield
    for handler, filters in handlers.items():
        handler.filters[:] = filters


def test_run_bot_refuses_webhook_without_secret_and_logs_no_token(caplog, root_filters):
    settings = _settings(BOT_WEBHOOK_URL=f"https://bot.example.org/{TOKEN}")
    with caplog.at_level(logging.ERROR):
        assert run_bot(settings) == 2
    assert "BOT_WEBHOOK_SECRET" in caplog.text
    assert TOKEN.split(":")[1] not in caplog.text


def _log_through_scrubber(settings: Settings, emit) -> str:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.addFilter(SecretScrubber(secrets_of(settings)))
    log = logging.getLogger("test.scrubber")
    log.addHandler(handler)
    log.propagate = False
    log.setLevel(logging.DEBUG)
    try:
        emit(log)
    finally:
        log.removeHandler(handler)
    return stream.getvalue()


def test_scrubber_removes_the_token_from_messages_args_and_tracebacks():
    settings = _settings(BOT_WEBHOOK_SECRET="webhook-secret-value")

    def emit(log: logging.Logger) -> None:
        log.info("POST https://api.telegram.org/bot%s/sendMessage", TOKEN)
        log.warning(f"token half {TOKEN.split(':')[1]} and webhook-secret-value")
        try:
            raise RuntimeError(f"request to /bot{TOKEN}/getMe failed")
        except RuntimeError:
            log.exception("polling failed")

    output = _log_through_scrubber(settings, emit)
    assert "sendMessage" in output
    assert "polling failed" in output
    assert "RuntimeError: request to /bot[REDACTED]/getMe failed" in output
    assert TOKEN not in output
    assert TOKEN.split(":")[1] not in output
    assert "webhook-secret-value" not in output


# -- the error reporter on a real Application ------------------------------------------------


@pytest.fixture
async def failing_bot(tmp_path):
    from telegram.ext import CommandHandler

    from bot.app import build_application
    from bot.telegram.fake_api import FakeBotAPI
    from bot.telegram.inprocess import InProcessRequest
    from bot.telegram.runner import attach_runtime
    from bot.telegram.updates import make_chat, make_user

    settings = _settings(
        BOT_DB=str(tmp_path / "bot.sqlite3"), BOT_ADMINS="2002", BOT_HEALTH_PORT=""
    )
    api = FakeBotAPI()
    api.add_chat(make_chat("private", user=make_user(2002)))
    application = build_application(settings, InProcessRequest(api), rate_limiter=False)

    async def boom(update, context):
        raise RuntimeError(f"request to /bot{TOKEN}/x failed: <b>&")

    application.add_handler(CommandHandler("boom", boom), group=-1)
    attach_runtime(application, settings, "polling")
    await application.initialize()
    await application.post_init(application)
    yield application, api
    await application.post_shutdown(application)
    await application.shutdown()


async def _command(application, api, text: str, user_id: int = 1001) -> None:
    from telegram import Update

    from bot.telegram.updates import make_chat, make_message_update, make_user

    sender = make_user(user_id)
    update = api.receive(make_message_update(text, make_chat("private", user=sender), sender))
    await application.process_update(Update.de_json(update, application.bot))


async def test_errors_are_logged_with_context_journaled_and_reported_once(failing_bot, caplog):
    from bot.context import ENGINE_KEY

    application, api = failing_bot
    with caplog.at_level(logging.ERROR, logger="bot.telegram.runner"):
        await _command(application, api, "/boom now")
        await _command(application, api, "/boom again")

    record = next(r for r in caplog.records if r.name == "bot.telegram.runner")
    assert record.getMessage() == "error in type=message chat_id=1001 command=/boom"
    reports = api.sent("sendMessage", chat_id=2002)
    assert len(reports) == 1  # the second error within a minute is counted, not sent
    text = reports[0].params["text"]
    assert "Bot error" in text and "command=/boom" in text
    assert "RuntimeError: request to /bot[REDACTED]/x failed: &lt;b&gt;&amp;" in text
    assert TOKEN.split(":")[1] not in text
    to_user = [call.params["text"] for call in api.sent("sendMessage", chat_id=1001)]
    assert sum("something went wrong" in text for text in to_user) == 2  # each time
    engine = application.bot_data[ENGINE_KEY]
    errors = await engine.stats.errors()
    assert [where for _, where, _ in errors] == ["type=message chat_id=1001 command=/boom"] * 2
    assert all(TOKEN.split(":")[1] not in message for _, _, message in errors)


async def test_health_report_reads_the_open_database(failing_bot):
    from bot.telegram.runner import health_report

    application, _ = failing_bot
    report = await health_report(application)
    assert report["problems"] == []
    assert report["ok"] is True
    assert report["db"] == "ok"
    assert report["mode"] == "polling"
    assert isinstance(report["seeds_fingerprint"], str) and report["seeds_fingerprint"]


def test_tick_state_tells_waiting_ok_and_stalled():
    from bot.telegram.runner import tick_state

    minutes = lambda n: 60.0 * n  # noqa: E731  (monotonic seconds)
    assert tick_state(None, minutes(60), None) == "waiting"  # no tick job at all
    assert tick_state(60.0, minutes(1), None) == "waiting"
    assert tick_state(60.0, minutes(6), None) == "stalled"  # up six minutes, never ticked
    assert tick_state(60.0, minutes(12), minutes(2)) == "ok"
    assert tick_state(60.0, minutes(16), minutes(6)) == "stalled"


async def test_health_says_what_is_wrong(failing_bot, monkeypatch):
    """/healthz is 503 with the reason when Telegram has been silent, the tick stalled, or the
    database cannot be written (a real Runtime whose marks are set back in time)."""
    import time

    from bot.telegram import runner
    from bot.telegram.runner import RUNTIME_KEY, health_report

    application, _ = failing_bot
    runtime = application.bot_data[RUNTIME_KEY]
    runtime.progress.last_contact = time.monotonic() - 301  # getUpdates last answered 5 min ago
    report = await health_report(application)
    assert report["ok"] is False
    assert [p.split(":")[0] for p in report["problems"]] == ["polling"]

    runtime.progress.contact()
    ticker = runtime.ticker
    ticker.started_at = ticker.last_run = time.monotonic() - 400  # ran once, long ago
    report = await health_report(application)
    assert (report["tick"], report["problems"]) == ("stalled", ["tick: has not run for 400 s"])

    ticker.last_run = time.monotonic()
    free_space = runner.storage_problem
    monkeypatch.setattr(runner, "storage_problem", lambda path: free_space(path, 2**62))
    report = await health_report(application)  # asks for more free space than any disk has
    assert report["db"] == "unavailable"
    assert report["problems"][0].startswith("database: disk full:")


def test_storage_problem_reads_the_real_file_system(tmp_path):
    from bot.telegram.runner import storage_problem

    assert storage_problem(tmp_path / "bot.sqlite3") is None
    assert storage_problem(tmp_path / "bot.sqlite3", min_free=2**62).startswith("disk full")
    assert storage_problem(Path("/proc/x.sqlite3")) is not None  # no room, nothing writable


async def test_metrics_count_updates_and_replies(failing_bot):
    from bot.telegram.runner import metrics_text

    application, api = failing_bot
    await _command(application, api, "/help")
    page = (await metrics_text(application)).decode()
    assert 'diplobrief_updates_handled_total{type="message"} 1.0' in page
    assert "diplobrief_update_seconds_count 1.0" in page
    assert 'diplobrief_digests{status="sent"} 0.0' in page
    assert "process_resident_memory_bytes" in page
