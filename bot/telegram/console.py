"""The bot without Telegram: `InProcessBot` drives the real Application through the in-process
Bot API, and `chat()` is the terminal chat on top of it (`python -m bot console`).

The console is not a second implementation: it builds real `Update` objects, hands them to the
same `Application.process_update`, and prints what the bot sent. `python -m bot ask` and the
tests' `running_bot` use `InProcessBot` too.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
import tempfile
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, TextIO

from telegram import Update

from bot.app import build_application
from bot.conversation.callbacks import NOOP
from bot.settings import Settings
from bot.telegram.fake_api import ApiCall, FakeBotAPI
from bot.telegram.hard_stop import exit_within, removed_on_hard_stop
from bot.telegram.inprocess import InProcessRequest
from bot.telegram.updates import make_callback_update, make_chat, make_message_update, make_user

log = logging.getLogger(__name__)

CONSOLE_USER_ID = 1001
INTERRUPT_SECONDS = 3.0  # Ctrl-C to exit, at most
REPLY_METHODS = ("sendMessage", "editMessageText", "sendDocument", "answerInlineQuery")


class InProcessBot:
    """The real Application on a `FakeBotAPI`: send it messages, press buttons, read the calls.

    `async with InProcessBot(settings) as bot: calls = await bot.send("/help")`. Lifecycle as in
    production: initialize, post_init (database, seeds, menus); `start_jobs=True` also starts
    the JobQueue (the console wants it; tests run jobs directly instead).
    """

    def __init__(
        self,
        settings: Settings,
        *,
        lang: str = "en",
        chat: str = "private",
        api: FakeBotAPI | None = None,
        start_jobs: bool = False,
        admin: bool = False,
        chat_lang: str | None = None,
    ) -> None:
        self.api = api or FakeBotAPI()
        self.chat_lang = chat_lang  # when given, set as the chat's language (what /lang does)
        self.application = build_application(
            settings, InProcessRequest(self.api), rate_limiter=False
        )
        self.application.add_error_handler(self._record_error)
        self.errors: list[BaseException] = []
        self.user = make_user(CONSOLE_USER_ID, "Console", lang)
        self.chat = make_chat(chat, user=self.user)
        if admin and chat != "private":  # the console user administers the console group
            self.api.set_member(self.chat["id"], self.user, "administrator")
        self.start_jobs = start_jobs

    async def __aenter__(self) -> InProcessBot:
        app = self.application
        await app.initialize()
        try:
            if app.post_init:
                await app.post_init(app)  # run_polling would call it; we call it ourselves
            if self.chat_lang:
                await self.engine.set_chat_language(
                    self.chat["id"], self.chat["type"], self.chat_lang
                )
            if self.start_jobs:
                await app.start()
        except BaseException:
            await self._shutdown()
            raise
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self._shutdown()

    async def _shutdown(self) -> None:
        app = self.application
        if app.running:
            await app.stop()
        if app.post_shutdown:
            await app.post_shutdown(app)
        await app.shutdown()

    async def _record_error(self, update: object, context: Any) -> None:
        if context.error is not None:
            self.errors.append(context.error)
            log.debug("handler error", exc_info=context.error)

    @property
    def engine(self) -> Any:
        """The application's engine (storage, seeds, index)."""
        return self.application.bot_data["engine"]

    async def process(self, update: dict[str, Any]) -> list[ApiCall]:
        """Feed one update (a Bot API dict) to the Application; return the calls it caused."""
        first = len(self.api.calls)
        received = self.api.receive(update)
        await self.application.process_update(Update.de_json(received, self.application.bot))
        return self.api.calls[first:]

    async def send(
        self,
        text: str,
        *,
        chat: dict[str, Any] | None = None,
        user: dict[str, Any] | None = None,
        edited: bool = False,
    ) -> list[ApiCall]:
        """Send a text message (a command or not) as `user` in `chat` (default: the console's)."""
        sender = user or self.user
        where = chat or (self.chat if user is None else make_chat("private", user=sender))
        return await self.process(make_message_update(text, where, sender, edited=edited))

    async def press(
        self, button: str, *, user: dict[str, Any] | None = None, chat_id: int | None = None
    ) -> list[ApiCall]:
        """Press the newest button whose label or callback data is `button`."""
        target_chat = chat_id if chat_id is not None else int(self.chat["id"])
        for (msg_chat, _), message in sorted(self.api.messages.items(), reverse=True):
            if msg_chat != target_chat:
                continue
            for label, data in buttons(message.get("reply_markup")):
                if button in (label, data) and data is not None:
                    update = make_callback_update(data, message, user or self.user)
                    return await self.process(update)
        raise LookupError(f"no button {button!r} in chat {target_chat}")


def buttons(markup: dict[str, Any] | None) -> list[tuple[str, str | None]]:
    """(label, callback data) of every button of an inline keyboard, row by row."""
    if not markup:
        return []
    return [
        (button.get("text", ""), button.get("callback_data"))
        for row in markup.get("inline_keyboard", [])
        for button in row
    ]


class _TerminalText(HTMLParser):
    """Telegram HTML to readable terminal text: links show their address, quotes get a bar."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self.quote_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.links.append(dict(attrs).get("href") or "")
        elif tag == "blockquote":
            self.quote_depth += 1
            self.parts.append("│ ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.links:
            self.parts.append(f" <{self.links.pop()}>")
        elif tag == "blockquote":
            self.quote_depth = max(0, self.quote_depth - 1)

    def handle_data(self, data: str) -> None:
        if self.quote_depth:
            data = data.replace("\n", "\n│ ")
        self.parts.append(data)


def terminal_text(text: str, parse_mode: str | None = "HTML") -> str:
    """What a Telegram user would read, as plain text."""
    if (parse_mode or "").upper() != "HTML":
        return text
    parser = _TerminalText()
    parser.feed(text)
    parser.close()
    return "".join(parser.parts)


def describe_calls(calls: list[ApiCall], numbered: bool = True) -> tuple[str, list[str]]:
    """The bot's replies as terminal text, and the callback data of the buttons shown.

    Buttons are `[label]`, a keyboard row a line; in the console a button that can be pressed
    gets its number in front, `3) [1. 32nd OSCE Ministerial Council]`, apart from the number a
    list puts in the label itself. Share buttons and page counters have no number.
    """
    lines: list[str] = []
    pressable: list[str] = []
    for call in calls:
        params = call.params
        if call.method in ("sendMessage", "editMessageText"):
            lines.append(terminal_text(params.get("text", ""), params.get("parse_mode")))
        elif call.method == "sendDocument":
            upload = params.get("document")
            name = getattr(upload, "filename", "file")
            caption = terminal_text(params.get("caption") or "", params.get("parse_mode"))
            lines.append(f"📎 {name}" + (f" — {caption}" if caption else ""))
        elif call.method == "answerCallbackQuery" and params.get("text"):
            lines.append(f"({params['text']})")
        elif call.method == "answerInlineQuery":
            titles = [str(result.get("title", "")) for result in params.get("results") or []]
            lines.append("\n".join(f"• {title}" for title in titles) or "(no results)")
        else:
            continue
        rows = []
        for row in keyboard_rows(params.get("reply_markup")):
            labels = []
            for label, data in row:
                if data in (None, NOOP):  # a share button, the page counter: nothing to press
                    labels.append(f"[{label}]")
                    continue
                pressable.append(data)
                number = f"{len(pressable)}) " if numbered else ""
                labels.append(f"{number}[{label}]")
            rows.append("  ".join(labels))
        if rows:
            lines[-1] += "\n" + "\n".join(rows)  # buttons right under their message, row by row
    return "\n\n".join(lines), pressable


def keyboard_rows(markup: dict[str, Any] | None) -> list[list[tuple[str, str | None]]]:
    """The (label, callback data) of an inline keyboard's buttons, one list per row."""
    rows = (markup or {}).get("inline_keyboard", [])
    return [[(b.get("text", ""), b.get("callback_data")) for b in row] for row in rows]


def no_such_button(number: str, count: int) -> str:
    """What the console says when the number typed is not one of the `count` buttons shown."""
    choices = "1" if count == 1 else f"1–{count}"
    return f"(there is no button {number[:12]}: type {choices} to press one)"


def answered(calls: list[ApiCall]) -> bool:
    """Whether the bot replied to the user (a message, an edit, a file or inline results)."""
    return any(call.method in REPLY_METHODS for call in calls)


class TerminalLines:
    """Lines typed on a terminal, read when the event loop sees them arrive."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.pending = b""
        self.ended = False

    async def readline(self) -> str:
        """The next line with its newline; "" at Ctrl-D."""
        while b"\n" not in self.pending and not self.ended:
            await self._readable()
            data = os.read(self.fd, 4096)
            self.ended = not data
            self.pending += data
        line, newline, self.pending = self.pending.partition(b"\n")
        return (line + newline).decode("utf-8", "replace")

    async def _readable(self) -> None:
        loop = asyncio.get_running_loop()
        ready = loop.create_future()
        loop.add_reader(self.fd, lambda: None if ready.done() else ready.set_result(None))
        try:
            await ready
        finally:
            loop.remove_reader(self.fd)


@contextlib.contextmanager
def scratch_database(settings: Settings) -> Iterator[Settings]:
    """`settings` with a SQLite database of its own, deleted afterwards: the console and `ask`
    never write their pretend chats, subscriptions and languages into the bot's real database
    (nor into PostgreSQL when BOT_DATABASE_URL is set)."""
    with (
        tempfile.TemporaryDirectory(prefix="diplobrief-console-") as folder,
        removed_on_hard_stop(Path(folder)),
    ):
        yield settings.with_(db_path=Path(folder) / "console.sqlite3", database_url=None)


async def chat(
    settings: Settings,
    *,
    lang: str | None = None,
    chat_kind: str = "private",
    admin: bool = False,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> int:
    """Chat with the bot in the terminal until EOF; a number presses that button."""
    stdin, stdout = stdin or sys.stdin, stdout or sys.stdout
    logging.getLogger("telegram.ext.Application").setLevel(logging.WARNING)  # no start/stop chatter
    interactive = stdin.isatty()
    # On a terminal, lines are read on the event loop (not in a thread), so Ctrl-C ends the chat
    # at once instead of waiting for a thread stuck in readline() until Enter is pressed.
    lines = TerminalLines(stdin.fileno()) if interactive else None
    async with InProcessBot(
        settings, lang=lang or "en", chat=chat_kind, start_jobs=True, admin=admin, chat_lang=lang
    ) as bot:
        if interactive:
            print(
                f"Chatting with @{bot.api.username} ({chat_kind}; nothing is kept after the "
                "chat). Try /help; type a button's number to press it; Ctrl-D or Ctrl-C quits.",
                file=stdout,
            )
        try:
            await _converse(bot, lines, stdin, stdout, interactive)
        except asyncio.CancelledError:  # Ctrl-C (asyncio.run cancels this task)
            _end_soon()  # the shutdown that follows gets a moment, not the user's patience
            raise
    return 0


def _end_soon() -> None:
    """End the process with Ctrl-C's code if it has not ended within `INTERRUPT_SECONDS`."""
    exit_within(INTERRUPT_SECONDS, 130, f"the chat took over {INTERRUPT_SECONDS:.0f} s to close")


async def _converse(
    bot: InProcessBot,
    lines: TerminalLines | None,
    stdin: TextIO,
    stdout: TextIO,
    interactive: bool,
) -> None:
    """Read lines until EOF: send each, or press the button whose number it is."""
    pressable: list[str] = []
    while True:
        if interactive:
            print("you> ", end="", file=stdout, flush=True)
        line = await (lines.readline() if lines else asyncio.to_thread(stdin.readline))
        if not line:
            break
        text = line.strip()
        if not text:
            continue
        if text.isdigit() and pressable and not 1 <= int(text) <= len(pressable):
            print(no_such_button(text, len(pressable)), file=stdout)
            continue  # the buttons shown stay pressable
        if text.isdigit() and pressable:
            calls = await bot.press(pressable[int(text) - 1])
        else:
            calls = await bot.send(text)
        shown, pressable = describe_calls(calls)
        print(shown or "(no reply)", file=stdout)
        if interactive:
            print(file=stdout)
