"""End to end: the faults a production bot meets, over real HTTP with the bot as a process.

A wrong token at start (one line, exit 2, no secret), no network at start (a logged backoff, then
it works), a token rejected for a minute while polling (answers and the digests due meanwhile go
out once it is accepted again), SIGTERM in the middle of that (gone within 10 s), setWebhook
refused at start (one line, exit 2), and 95 MB bodies posted to the webhook without the secret
(refused before they are read; the process does not grow).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import re
import signal
import socket
import sys
import time
import urllib.request
from collections import Counter

from bot.settings import PROJECT_ROOT
from bot.storage.sqlite import open_sqlite
from bot.telegram.fake_http import FakeTelegram
from bot.telegram.runner import TOKEN_REJECTED
from bot.telegram.updates import make_chat, make_message_update, make_user
from tests.e2e.botprocess import SETTINGS_VARS, BotProcess, until
from tests.e2e.conftest import FAKE_TOKEN
from tests.e2e.test_digests import bot_texts, subscribe_earlier
from tests.e2e.test_webhook import SECRET, free_port, post_update, webhook_env

USER = make_user(1401, "Ops", "en")
A, B = (make_user(1400 + n, f"Chat{n}", "en") for n in (2, 3))
SECRET_HALF = FAKE_TOKEN.split(":")[1]


async def run_to_exit(env: dict[str, str], within: float = 60) -> tuple[int, str, str]:
    """`python -m bot run` to its end; (exit code, stdout, stderr) kept apart."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=PROJECT_ROOT,
        env={**os.environ, **dict.fromkeys(SETTINGS_VARS, ""), **env},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), within)
    return process.returncode or 0, out.decode(), err.decode()


async def test_a_wrong_token_is_one_line_and_exit_2(tmp_path, telegram):
    wrong = "7000000001:AAwrongSECRETwrongSECRETwrongSECRET"
    code, out, err = await run_to_exit(
        {"TELEGRAM_BOT_TOKEN": wrong, "TELEGRAM_BASE_URL": telegram.base_url,
         "BOT_DB": str(tmp_path / "bot.sqlite3")}
    )  # fmt: skip
    assert code == 2
    assert out == ""
    assert err == TOKEN_REJECTED + "\n"  # one line: no traceback, no token
    assert telegram.foreign_tokens >= 1  # it was Telegram (the fake) that said 401


def polling_env(telegram: FakeTelegram, tmp_path, **extra: str) -> dict[str, str]:
    return {
        "TELEGRAM_BOT_TOKEN": FAKE_TOKEN,
        "TELEGRAM_BASE_URL": telegram.base_url,
        "BOT_DB": str(tmp_path / "bot.sqlite3"),
        "BOT_TZ": "UTC",
        **extra,
    }


async def ask_help(telegram: FakeTelegram, bot: BotProcess, within: float) -> float:
    """Push /help and wait for the answer; return how long it took."""
    begun = time.monotonic()
    before = len(telegram.api.sent("sendMessage", USER["id"]))
    telegram.api.push_update(make_message_update("/help", make_chat(user=USER), USER))
    await until(lambda: len(telegram.api.sent("sendMessage", USER["id"])) > before,
                "the /help answer", within, bot)  # fmt: skip
    return time.monotonic() - begun


async def test_no_network_at_start_is_waited_out_with_a_logged_backoff(tmp_path):
    port = free_port()
    telegram = FakeTelegram(FAKE_TOKEN)
    telegram.port = port  # where the bot will look; nothing listens there yet
    bot = BotProcess(polling_env(telegram, tmp_path), tmp_path / "bot.log")
    await bot.start()
    try:
        await until(lambda: "retrying in 2 s" in bot.output(), "a second retry", 30, bot)
        await telegram.start(port)  # the network is back
        up = time.monotonic()
        await until(lambda: telegram.api.sent("getUpdates"), "the bot to poll", 20, bot)
        print(f"\npolling {time.monotonic() - up:.1f} s after the Bot API came up")
        await ask_help(telegram, bot, 15)
        assert await bot.stop(within=10) == 0, bot.tail()
    finally:
        if bot.running:
            await bot.stop()
        await telegram.stop()
    output = bot.output()
    waits = [float(w) for w in re.findall(r"retrying in ([\d.]+) s", output)]
    assert waits[:3] == [1.0, 2.0, 4.0][: len(waits[:3])] and all(w <= 30 for w in waits)
    assert "Traceback" not in output and SECRET_HALF not in output


def healthz(port: int) -> dict:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=3) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return json.loads(exc.read())


def metric(port: int, name: str) -> float:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=3) as response:
        page = response.read().decode()
    return sum(float(line.rsplit(" ", 1)[1]) for line in page.splitlines()
               if line.startswith(name))  # fmt: skip


async def test_a_minute_of_401_while_polling_is_survived(tmp_path, telegram):
    """The token is rejected for 60 s (revoked and restored, or mid-rotation): the bot keeps
    retrying, answers again once it is accepted, and the digests due meanwhile go out once."""
    health = free_port()
    for user in (USER, A, B):
        telegram.api.add_chat(make_chat(user=user))
    env = polling_env(telegram, tmp_path, BOT_TICK_SECONDS="1", BOT_SEND_EMPTY_DIGESTS="1",
                      BOT_HEALTH_PORT=str(health))  # fmt: skip
    bot = BotProcess(env, tmp_path / "bot.log")
    await bot.start()
    try:
        await until(lambda: telegram.api.sent("getUpdates"), "the bot to poll", 30, bot)
        await ask_help(telegram, bot, 15)

        telegram.token = "revoked"  # every request of the bot's token now gets 401
        revoked = dt.datetime.now(dt.UTC)
        due = (revoked + dt.timedelta(seconds=63)).replace(second=0, microsecond=0)
        if due < revoked + dt.timedelta(seconds=3):
            due += dt.timedelta(minutes=1)
        await subscribe_earlier(tmp_path / "bot.sqlite3", [A, B], due.time())  # due in the 401
        outage = max(60.0, (due - revoked).total_seconds() + 10)
        # Once the long poll in flight has ended (its next call is refused), a user writes.
        refused_poll = lambda: "getUpdates" in telegram.refused_methods  # noqa: E731
        await until(refused_poll, "a refused getUpdates", 15, bot)
        telegram.api.push_update(make_message_update("/help", make_chat(user=USER), USER))
        answered_before = len(telegram.api.sent("sendMessage", USER["id"]))
        await asyncio.sleep(outage - (dt.datetime.now(dt.UTC) - revoked).total_seconds())
        assert len(telegram.api.sent("sendMessage", USER["id"])) == answered_before
        assert healthz(health)["mode"] == "polling"
        retried_401 = metric(health, 'diplobrief_telegram_retried_total{reason="401"}')
        assert retried_401 >= 3  # polling kept asking, with backoff (not once a second)
        assert retried_401 < outage

        telegram.token = FAKE_TOKEN  # accepted again
        restored = time.monotonic()
        await until(lambda: len(telegram.api.sent("sendMessage", USER["id"])) > answered_before,
                    "the /help sent during the 401", 40, bot)  # fmt: skip
        recovered = time.monotonic() - restored
        await until(lambda: all(bot_texts(telegram, u["id"]) for u in (A, B)),
                    "the digests due during the 401", 20, bot)  # fmt: skip
        print(f"\n401 for {outage:.0f} s; answering again {recovered:.1f} s after the token works")
        assert recovered <= 32  # PTB's polling backoff is capped at 30 s
        assert healthz(health)["ok"] is True
        stopped = time.monotonic()
        assert await bot.stop(within=10) == 0, bot.tail()
        print(f"SIGTERM to exit: {time.monotonic() - stopped:.1f} s")
    finally:
        if bot.running:
            await bot.stop()
    repos = await open_sqlite(tmp_path / "bot.sqlite3")
    try:
        rows = {row.chat_id: row for row in await repos.deliveries.all()}
    finally:
        await repos.close()
    for user in (A, B):
        texts = bot_texts(telegram, user["id"])
        assert max(Counter(texts).values()) == 1  # each part once
        assert rows[user["id"]].status == "sent"
    output = bot.output()
    assert "Aborting retry loop" not in output and SECRET_HALF not in output


async def test_sigterm_during_a_401_exits_within_10_seconds(tmp_path, telegram):
    bot = BotProcess(polling_env(telegram, tmp_path), tmp_path / "bot.log")
    await bot.start()
    try:
        await until(lambda: telegram.api.sent("getUpdates"), "the bot to poll", 30, bot)
        telegram.token = "revoked"
        await until(lambda: telegram.foreign_tokens >= 1, "a rejected request", 15, bot)
        begun = time.monotonic()
        assert await bot.stop(signal.SIGTERM, within=10) == 0, bot.tail()
        print(f"\nSIGTERM during a 401 to exit: {time.monotonic() - begun:.1f} s")
    finally:
        if bot.running:
            await bot.stop()


async def test_a_refused_set_webhook_is_one_line_and_exit_2(tmp_path, telegram):
    telegram.api.fail("setWebhook", 400, "Bad Request: bad webhook: HTTPS url must be provided")
    env = webhook_env(telegram, tmp_path, free_port(), SECRET)
    code, out, err = await run_to_exit(env)
    assert code == 2
    lines = [line for line in err.splitlines() if "cannot start" in line]
    assert len(lines) == 1 and "setWebhook failed" in lines[0] and "bad webhook" in lines[0].lower()
    assert "Traceback" not in out + err and SECRET_HALF not in out + err and SECRET not in err


def rss_peak_kib(pid: int) -> int:
    """The process's peak resident set (VmHWM), in KiB."""
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))


def post_huge(port: int, size: int, secret: str | None, chunked: bool = False) -> tuple[int, int]:
    """POST a `size`-byte body as fast as the server takes it; (HTTP status or 0, bytes sent)."""
    head = ["POST /telegram/hook HTTP/1.1", "Host: bot.example.org",
            "Content-Type: application/json"]  # fmt: skip
    if secret is not None:
        head.append(f"X-Telegram-Bot-Api-Secret-Token: {secret}")
    head.append("Transfer-Encoding: chunked" if chunked else f"Content-Length: {size}")
    block = b"7" * 65536
    frame = (b"%x\r\n" % len(block)) + block + b"\r\n" if chunked else block
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        try:
            connection.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
            while sent < size:
                connection.sendall(frame)
                sent += len(block)
        except OSError:
            pass  # the server hung up: what we want
        try:
            answer = connection.recv(64)
        except OSError:
            answer = b""
    status = int(answer.split()[1]) if answer.startswith(b"HTTP/") else 0
    return status, sent


async def test_big_unauthenticated_webhook_bodies_are_refused_unread(tmp_path, telegram):
    port = free_port()
    bot = BotProcess(webhook_env(telegram, tmp_path, port, SECRET), tmp_path / "bot.log")
    await bot.start()
    try:
        await until(lambda: telegram.api.sent("setWebhook"), "setWebhook", 30, bot)
        user = make_user(1402, "Hook", "en")
        update = lambda: telegram.api.receive(  # noqa: E731
            make_message_update("/help", make_chat(user=user), user)
        )
        for _ in range(100):  # the server listens before setWebhook; wait for the first answer
            if await asyncio.to_thread(post_update, port, update(), SECRET) == 200:
                break
            await asyncio.sleep(0.1)
        await until(lambda: telegram.api.sent("sendMessage", user["id"]), "the reply", 10, bot)
        await asyncio.sleep(1)
        assert bot.process is not None
        before = rss_peak_kib(bot.process.pid)
        size = 95 * 1024 * 1024
        results = [
            await asyncio.to_thread(post_huge, port, size, secret, chunked)
            for secret, chunked in [(None, False), ("wrong", False), (None, True),
                                    ("wrong", True), (None, False)]
        ]  # fmt: skip
        too_big = await asyncio.to_thread(post_huge, port, 2 * 1024 * 1024, SECRET)
        grown_mib = (rss_peak_kib(bot.process.pid) - before) / 1024
        sent_mib = [sent / 2**20 for _, sent in results]
        print(f"\n5 x 95 MB unauthenticated posts: peak RSS +{grown_mib:.1f} MiB; "
              f"the bot took {max(sent_mib):.1f} MiB of each at most")  # fmt: skip
        assert grown_mib < 20
        assert all(status in (403, 0) for status, _ in results), results
        assert all(status in (403, 0) for status, _ in results)  # 0: hung up before answering
        assert any(status == 403 for status, _ in results)
        assert max(sent_mib) < 20  # nobody read 95 MB: the connection was closed
        assert too_big[0] in (413, 0) and too_big[1] < size
        # still serving Telegram
        assert await asyncio.to_thread(post_update, port, update(), SECRET) == 200
        await until(lambda: len(telegram.api.sent("sendMessage", user["id"])) == 2,
                    "the second reply", 10, bot)  # fmt: skip
        assert await bot.stop(within=10) == 0, bot.tail()
    finally:
        if bot.running:
            await bot.stop()
