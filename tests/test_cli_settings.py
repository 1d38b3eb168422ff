"""What an operator sees when something is set up wrong: one line naming the variable, exit 2;
and the command line's own manners (no bench/ import, no BrokenPipeError)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.settings import PROJECT_ROOT, Settings, SettingsError
from tests.e2e.botprocess import SETTINGS_VARS


@pytest.fixture
def clean_env(monkeypatch):
    """No setting from the developer's environment; `.env` is not read (every variable set)."""
    for name in SETTINGS_VARS:
        monkeypatch.setenv(name, "")
    return monkeypatch


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("BOT_WEBHOOK_PORT", "x"),
        ("BOT_WEBHOOK_PORT", "70000"),
        ("BOT_HEALTH_PORT", "abc"),
        ("BOT_HEALTH_PORT", "-1"),
        ("BOT_DIGEST_GRACE_HOURS", "six"),
        ("BOT_DIGEST_GRACE_HOURS", "-2"),
        ("BOT_TICK_SECONDS", "0"),
        ("BOT_SEND_EMPTY_DIGESTS", "maybe"),
        ("BOT_LOG_LEVEL", "LOUD"),
        ("BOT_TZ", "Mars/Base"),
        ("BOT_ADMINS", "alice"),
        ("BOT_FORCE_POLLING", "maybe"),
        ("BOT_CLAIM_LEASE_SECONDS", "-5"),
    ],
)
def test_a_wrong_setting_is_one_line_naming_it_and_exit_2(clean_env, capsys, name, value):
    clean_env.setenv(name, value)
    assert main(["check"]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("configuration error: ") and name in lines[0]
    assert repr(value) in lines[0] or value in lines[0]
    assert captured.out == ""


@pytest.mark.parametrize("value", ["mysql://root:hunter2@db/bot", "hunter2@db/bot"])
def test_a_database_url_that_is_not_postgresql_names_it_and_never_echoes_it(
    clean_env, capsys, value
):
    clean_env.setenv("BOT_DATABASE_URL", value)
    assert main(["check"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "BOT_DATABASE_URL" in lines[0] and "postgresql://" in lines[0]
    assert "hunter2" not in lines[0]  # a password in a wrong URL stays secret too


def test_settings_read_every_good_value():
    settings = Settings.from_env(
        {"BOT_WEBHOOK_PORT": "8443", "BOT_HEALTH_PORT": "8080", "BOT_DIGEST_GRACE_HOURS": "1.5",
         "BOT_SEND_EMPTY_DIGESTS": "yes", "BOT_LOG_LEVEL": "debug", "BOT_FORCE_POLLING": "1",
         "BOT_CLAIM_LEASE_SECONDS": "5",
         "BOT_DATABASE_URL": "postgresql://bot:pw@db:5432/bot"},
        dotenv=False,
    )  # fmt: skip
    assert (settings.webhook_port, settings.health_port) == (8443, 8080)
    assert settings.digest_grace_hours == 1.5 and settings.send_empty_digests
    assert settings.log_level == "DEBUG"
    assert settings.force_polling and settings.database_url == "postgresql://bot:pw@db:5432/bot"
    assert settings.claim_lease_seconds == 5.0
    assert settings.webhook_listen == "127.0.0.1"  # behind a proxy unless told otherwise


@pytest.mark.parametrize(
    "db_path",
    ["/proc/diplobrief/bot.sqlite3", f"{PROJECT_ROOT / 'pyproject.toml'}/bot.sqlite3"],
    ids=["read-only file system", "parent is a file"],
)
def test_a_database_path_that_cannot_be_written_is_one_line_naming_bot_db(
    clean_env, capsys, db_path
):
    clean_env.setenv("TELEGRAM_BOT_TOKEN", "123:never-used-for-anything-at-all")
    clean_env.setenv("BOT_DB", db_path)
    assert main(["run"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert err[0].startswith("configuration error: BOT_DB=") and "cannot" in err[0]


def test_check_database_path_names_a_directory():
    from bot.telegram.runner import check_database_path

    with pytest.raises(SettingsError, match=r"BOT_DB=.* is a directory"):
        check_database_path(PROJECT_ROOT / "seeds")


def run_cli(*args: str, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, **dict.fromkeys(SETTINGS_VARS, ""), **kwargs.pop("env", {})}
    return subprocess.run(
        [sys.executable, *args], cwd=PROJECT_ROOT, env=env, text=True, timeout=60,
        stdout=kwargs.pop("stdout", subprocess.PIPE), stderr=subprocess.PIPE,
    )  # fmt: skip


def test_the_command_line_never_imports_bench_unless_bench_runs():
    probe = "import sys, bot.cli; bot.cli.build_parser(); print('bench' in sys.modules)"
    assert run_cli("-c", probe).stdout.strip() == "False"
    shown = run_cli("-m", "bot", "bench", "--help")
    assert shown.returncode == 0 and "--quick" in shown.stdout  # the harness's own options


def test_ask_into_a_closed_pipe_is_no_error(tmp_path):
    """`python -m bot ask "/help" | head -1`: the reader goes away, nothing is printed on stderr."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # a reader that has had enough
    try:
        done = run_cli("-m", "bot", "ask", "/help", stdout=write_end,
                       env={"BOT_DB": str(tmp_path / "bot.sqlite3")})  # fmt: skip
    finally:
        os.close(write_end)
    assert "BrokenPipeError" not in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 0


def test_console_and_ask_never_touch_the_bots_database(tmp_path):
    """Their pretend chats, subscriptions and languages stay out of BOT_DB, and `ask --lang`
    is for that one question."""
    db = tmp_path / "bot.sqlite3"
    env = {"BOT_DB": str(db)}
    asked = run_cli("-m", "bot", "ask", "--lang", "kk", "--chat", "group", "--admin",
                    "/subscribe", env=env)  # fmt: skip
    assert asked.returncode == 0, asked.stderr
    chatted = subprocess.run(
        [sys.executable, "-m", "bot", "console"], input="/subscribe\n/lang ru\n", text=True,
        cwd=PROJECT_ROOT, env={**os.environ, **dict.fromkeys(SETTINGS_VARS, ""), **env},
        capture_output=True, timeout=60,
    )  # fmt: skip
    assert chatted.returncode == 0, chatted.stderr
    assert not db.exists()  # not even created
    later = run_cli("-m", "bot", "ask", "--chat", "group", "/help", env=env)
    assert "Commands" in later.stdout or "/lang" in later.stdout
    assert "Командалар" not in later.stdout and "Команды" not in later.stdout  # English again


def test_a_console_whose_closing_hangs_after_ctrl_c_still_ends_within_seconds():
    """Ctrl-C arms a hard stop: a shutdown step stuck (a job, a thread) cannot keep the user
    waiting. Here nothing closes at all, as if every step hung."""
    import time

    started = time.monotonic()
    stuck = subprocess.run(
        [sys.executable, "-c", "import time; from bot.settings import Settings; "
         "from bot.telegram.console import _end_soon, scratch_database\n"
         "with scratch_database(Settings.from_env({}, dotenv=False)) as settings:\n"
         "    print(settings.db_path.parent, flush=True); _end_soon(); time.sleep(60)"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert stuck.returncode == 130 and time.monotonic() - started < 20
    assert "ending now" in stuck.stderr
    scratch = Path(stuck.stdout.strip())
    assert scratch.name.startswith("diplobrief-console-") and not scratch.exists()  # not left


def test_ctrl_c_in_the_console_ends_it_at_once_and_cleanly(tmp_path):
    import pty
    import select
    import signal
    import time

    leader, follower = pty.openpty()
    env = {**os.environ, **dict.fromkeys(SETTINGS_VARS, ""), "BOT_DB": str(tmp_path / "x")}
    console = subprocess.Popen(
        [sys.executable, "-m", "bot", "console"], cwd=PROJECT_ROOT, env=env,
        stdin=follower, stdout=follower, stderr=follower, start_new_session=True,
    )  # fmt: skip
    os.close(follower)
    seen = b""
    try:
        deadline = time.monotonic() + 60
        while b"you> " not in seen and time.monotonic() < deadline:
            if select.select([leader], [], [], 1)[0]:
                seen += os.read(leader, 4096)
        assert b"you> " in seen, seen
        pressed = time.monotonic()
        console.send_signal(signal.SIGINT)  # what Ctrl-C sends
        code = console.wait(timeout=10)
        took = time.monotonic() - pressed
        while select.select([leader], [], [], 0.2)[0]:
            try:
                seen += os.read(leader, 4096)
            except OSError:
                break
    finally:
        if console.poll() is None:
            console.kill()
        os.close(leader)
    assert code == 130 and took < 5
    assert b"Traceback" not in seen and b"CancelledError" not in seen
