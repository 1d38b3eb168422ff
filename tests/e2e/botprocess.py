"""The bot as a separate process (`python -m bot run`), and bounded waiting for what it does."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bot.settings import PROJECT_ROOT

# Every variable bot/settings.py reads, so a developer's .env can never leak into a test run
# (python-dotenv does not override variables that are set, even to "").
SETTINGS_VARS = (
    "TELEGRAM_BOT_TOKEN TELEGRAM_BASE_URL BOT_DB BOT_SEEDS_DIR BOT_TZ BOT_ADMINS BOT_WEBHOOK_URL "
    "BOT_WEBHOOK_LISTEN BOT_WEBHOOK_PORT BOT_WEBHOOK_SECRET BOT_HEALTH_PORT BOT_HEALTH_LISTEN "
    "BOT_DIGEST_GRACE_HOURS BOT_SEND_EMPTY_DIGESTS BOT_LOG_LEVEL BOT_TICK_SECONDS BOT_DATABASE_URL "
    "BOT_FORCE_POLLING BOT_CLAIM_LEASE_SECONDS"
).split()


class BotProcess:
    """`python -m bot run` with a given environment; its output goes to a file we can read.

    `argv` and `cwd` run another command line elsewhere (the Docker image's CMD in a copy of its
    files); `base_env` replaces this process's environment, settings blanked (a container
    starts from its image's ENV and env_file only).
    """

    def __init__(
        self,
        env: dict[str, str],
        log_path: Path,
        *,
        argv: list[str] | None = None,
        cwd: Path = PROJECT_ROOT,
        base_env: dict[str, str] | None = None,
    ) -> None:
        if base_env is None:  # this environment, without any setting a developer may have
            base_env = {**os.environ, **dict.fromkeys(SETTINGS_VARS, "")}
        self.env = {**base_env, **env}
        self.env["PYTHONUNBUFFERED"] = "1"
        self.argv = argv or [sys.executable, "-m", "bot", "run"]
        self.cwd = cwd
        self.log_path = log_path
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        """Start the bot (output appended to `log_path`, so restarts keep one transcript)."""
        log = self.log_path.open("ab")
        try:
            self.process = await asyncio.create_subprocess_exec(
                *self.argv,
                cwd=self.cwd, env=self.env, stdout=log, stderr=asyncio.subprocess.STDOUT,
            )  # fmt: skip
        finally:
            log.close()

    async def stop(self, sig: int = signal.SIGTERM, within: float = 20) -> int:
        """Send `sig` and wait for the exit code; kill and fail if it does not stop in time."""
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(sig)
        try:
            return await asyncio.wait_for(self.process.wait(), within)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
            raise AssertionError(f"the bot ignored {sig!r} for {within} s\n{self.tail()}") from None

    async def wait(self, within: float = 20) -> int:
        """Wait for the bot to exit by itself; return its exit code."""
        assert self.process is not None
        try:
            return await asyncio.wait_for(self.process.wait(), within)
        except TimeoutError:
            raise AssertionError(f"the bot still runs after {within} s\n{self.tail()}") from None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.returncode is None

    def output(self) -> str:
        """Everything the bot printed so far (stdout and stderr)."""
        return (
            self.log_path.read_text(encoding="utf-8", errors="replace")
            if self.log_path.exists()
            else ""
        )

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.output().splitlines()[-lines:])


async def until(
    condition: Callable[[], object], what: str, within: float = 10, bot: BotProcess | None = None
) -> object:
    """Wait until `condition()` is truthy (checked every 50 ms); fail after `within` seconds."""
    deadline = time.monotonic() + within
    while True:
        value = condition()
        if value:
            return value
        if bot is not None and not bot.running:
            raise AssertionError(f"the bot exited while waiting for {what}\n{bot.tail()}")
        if time.monotonic() > deadline:
            detail = f"\n--- bot output ---\n{bot.tail()}" if bot else ""
            raise AssertionError(f"timed out after {within} s waiting for {what}{detail}")
        await asyncio.sleep(0.05)
