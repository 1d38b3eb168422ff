"""End to end: the bot as several processes on one PostgreSQL (BOT_DATABASE_URL), against the
fake Bot API over HTTP, each process under its own label so the server tells them apart."""

from __future__ import annotations

from tests.e2e.conftest import FAKE_TOKEN
from tests.e2e.test_faults import run_to_exit


async def test_a_polling_instance_refuses_a_bot_that_has_a_webhook(tmp_path, telegram, pg_url):
    # PTB's polling start deletes the webhook: one polling instance would cut a webhook
    # deployment off. It says so in one line and exits 2, and the webhook stays.
    telegram.api.webhook_url = "https://hooks.example.org/telegram/hook"
    telegram.api.webhook = {"url": telegram.api.webhook_url, "max_connections": 40}
    env = {
        "TELEGRAM_BOT_TOKEN": FAKE_TOKEN,
        "TELEGRAM_BASE_URL": telegram.base_url,
        "BOT_DB": str(tmp_path / "bot.sqlite3"),
        "BOT_DATABASE_URL": pg_url,
        "BOT_TZ": "UTC",
    }
    code, out, err = await run_to_exit(env)
    assert code == 2, out + err
    lines = [line for line in err.splitlines() if "cannot start" in line]
    assert len(lines) == 1 and "webhook" in lines[0] and "BOT_FORCE_POLLING=1" in lines[0]
    assert "Traceback" not in out + err and "/telegram/hook" not in out + err
    assert telegram.api.webhook_url  # untouched
    assert not telegram.api.sent("getUpdates") and not telegram.api.sent("deleteWebhook")


async def test_a_database_that_does_not_answer_is_one_line_without_the_password(
    tmp_path, telegram
):
    env = {
        "TELEGRAM_BOT_TOKEN": FAKE_TOKEN,
        "TELEGRAM_BASE_URL": telegram.base_url,
        "BOT_DATABASE_URL": "postgresql://bot:Sup3rSecretPw@127.0.0.1:9/bot",  # nobody there
        "BOT_TZ": "UTC",
    }
    code, out, err = await run_to_exit(env)
    assert code == 2, out + err
    lines = [line for line in err.splitlines() if "cannot start" in line]
    assert len(lines) == 1 and "BOT_DATABASE_URL" in lines[0], err
    assert "Sup3rSecretPw" not in out + err and "Traceback" not in out + err
