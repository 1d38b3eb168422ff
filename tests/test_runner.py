"""The runner's decisions: which settings may start, and that the token never reaches a log."""

from __future__ import annotations

import io
import logging

import pytest

from bot.runner import SecretScrubber, run_bot, run_mode_problems, secrets_of, webhook_path
from bot.settings import Settings

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


def test_run_bot_refuses_webhook_without_secret_and_logs_no_token(caplog):
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
