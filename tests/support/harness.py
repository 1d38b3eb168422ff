"""`running_bot(tmp_path)`: the real bot on a tmp SQLite file, the real seeds, no network.

How to test a handler (see tests/handlers/test_start_lang.py for a full example):

    from tests.support.harness import running_bot, texts
    from tests.support.updates import user

    async def test_topic_in_russian(tmp_path):
        async with running_bot(tmp_path, lang="ru") as bot:
            calls = await bot.send("/topic климат")          # a private chat, Telegram lang ru
            assert "климат" in texts(calls)[0].lower()
            calls = await bot.press("lang:kk")                 # newest button with that data/label
            group_calls = await bot.send("/topic@BriefingTestBot климат", chat=bot.group)

Or use the `bot` fixture from tests/conftest.py (a `running_bot(tmp_path)`).

What it does for you:
- builds the Application with `build_application(settings, InProcessRequest(api))`, runs
  `initialize()` and `post_init` (database, seed sync, search index, command menus) exactly as
  production does, and `post_shutdown`/`shutdown` at the end;
- `send`/`press`/`process` return the Bot API calls that update caused (`ApiCall(method,
  params)`), after checking each one with `assert_telegram_limits`;
- a handler that raises fails the test (set `bot.expect_errors = True` to inspect `bot.errors`);
- `bot.api` is the `FakeBotAPI`: `bot.api.fail("sendMessage", 403, chat_id=...)` injects
  errors, `bot.api.set_member(chat_id, user, "administrator")` sets roles;
- jobs are run directly, never by sleeping: `await bot.run_jobs("digest-tick")`.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from bot.settings import PROJECT_ROOT, Settings
from bot.telegram.console import InProcessBot, buttons
from bot.telegram.fake_api import ApiCall
from bot.telegram.updates import make_chat
from tests.support.limits import assert_telegram_limits
from tests.support.updates import USER_ID
from tests.support.updates import user as make_test_user

REAL_SEEDS = PROJECT_ROOT / "seeds"


class BotHarness:
    """A running `InProcessBot` with test conveniences; made by `running_bot`."""

    def __init__(self, inner: InProcessBot) -> None:
        self.inner = inner
        self.api = inner.api
        self.application = inner.application
        self.expect_errors = False
        self.private = inner.chat
        self.group = make_chat("group")
        self.channel = make_chat("channel")

    @property
    def engine(self) -> Any:
        """The open Engine (storage, seeds, index)."""
        return self.inner.engine

    @property
    def errors(self) -> list[BaseException]:
        """Errors raised by handlers so far."""
        return self.inner.errors

    def user(self, lang: str | None = "en", user_id: int = USER_ID, name: str = "Aigerim") -> dict:
        """A user dict to send as (`bot.send(..., user=bot.user("kk", 2002))`)."""
        return make_test_user(lang, user_id, name)

    async def send(
        self,
        text: str,
        *,
        chat: dict[str, Any] | str | None = None,
        user: dict[str, Any] | None = None,
        edited: bool = False,
    ) -> list[ApiCall]:
        """Send `text` (private chat with the default user unless told); return the calls."""
        if isinstance(chat, str):
            chat = {"private": None, "group": self.group, "channel": self.channel}[chat]
        if chat is not None and user is None:
            user = self.inner.user
        calls = await self.inner.send(text, chat=chat, user=user, edited=edited)
        return self._checked(calls)

    async def press(
        self, button: str, *, user: dict[str, Any] | None = None, chat_id: int | None = None
    ) -> list[ApiCall]:
        """Press the newest button with this label or callback data; return the calls."""
        return self._checked(await self.inner.press(button, user=user, chat_id=chat_id))

    async def process(self, update: dict[str, Any]) -> list[ApiCall]:
        """Feed any update dict (bot.telegram.fake_api.make_*); return the calls."""
        return self._checked(await self.inner.process(update))

    def last_message(self, chat_id: int | None = None) -> dict[str, Any]:
        """The newest message in a chat (default: the private one), as the API stores it."""
        wanted = int(self.private["id"]) if chat_id is None else chat_id
        ids = [message_id for chat, message_id in self.api.messages if chat == wanted]
        return self.api.messages[(wanted, max(ids))]

    async def run_jobs(self, name: str | None = None) -> list[ApiCall]:
        """Run the scheduled jobs (all, or those named `name`) once, now; return the calls."""
        first = len(self.api.calls)
        jobs = self.application.job_queue.jobs() if self.application.job_queue else ()
        for job in jobs:
            if name is None or job.name == name:
                await job.run(self.application)
        return self._checked(self.api.calls[first:])

    def _checked(self, calls: list[ApiCall]) -> list[ApiCall]:
        for call in calls:
            assert_telegram_limits(call)
        if self.errors and not self.expect_errors:
            raise AssertionError(f"a handler raised: {self.errors[-1]!r}") from self.errors[-1]
        return calls


def texts(calls: list[ApiCall]) -> list[str]:
    """The texts the bot sent or edited, in order."""
    return [
        call.params["text"]
        for call in calls
        if call.method in ("sendMessage", "editMessageText") and "text" in call.params
    ]


def button_data(calls: list[ApiCall]) -> list[str | None]:
    """The callback data of every button in these calls, in order."""
    return [data for call in calls for _, data in buttons(call.params.get("reply_markup"))]


@contextlib.asynccontextmanager
async def running_bot(
    tmp_path: Path,
    *,
    lang: str = "en",
    seeds_dir: Path = REAL_SEEDS,
    **settings: Any,
) -> AsyncIterator[BotHarness]:
    """The real Application on `tmp_path/bot.sqlite3` and `seeds_dir`, driven in-process."""
    config = Settings(db_path=tmp_path / "bot.sqlite3", seeds_dir=seeds_dir, **settings)
    async with InProcessBot(config, lang=lang) as inner:
        yield BotHarness(inner)
