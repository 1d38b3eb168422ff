"""An in-process Telegram Bot API: the emulator core behind the console, `ask` and the tests.

`FakeBotAPI.handle(method, params)` answers like api.telegram.org — the same JSON, the same
400/403/429 errors — and records every call. `bot.telegram.inprocess.InProcessRequest` is the
~20-line PTB transport that hands PTB's requests to it, so PTB maps errors (403 → Forbidden,
429 → RetryAfter) exactly as in production; `bot.telegram.fake_http` serves the same core over
HTTP. This module imports no PTB. Updates are built as plain Bot API dicts by the `make_*`
functions of `bot.telegram.updates`.

It models the Telegram behaviours the bot must cope with, each as the Bot API documents it
(https://core.telegram.org/bots/api, https://core.telegram.org/bots/faq):
- the bot's own posts in a channel carry `sender_chat` = the channel and no `from`
  (Message.sender_chat: "the channel itself for channel messages");
- getChatMember answers a user's real status, "left" for one who is not in the chat, and in a
  channel only to an administrator bot ("member list is inaccessible" otherwise);
- one getUpdates at a time: a new one terminates a pending one with 409 Conflict;
- a webhook, once set (setWebhook), is what getWebhookInfo reports (url, max_connections,
  allowed_updates; never the secret token) and blocks getUpdates with 409 until
  deleteWebhook: "You will not be able to receive updates using getUpdates for as long as an
  outgoing webhook is set up"; only an https URL on port 443, 80, 88 or 8443 is accepted;
- more than 20 messages a minute into one group answer 429 with `retry_after` (Bot FAQ, "My
  bot is hitting limits");
- a callback query answered later than 15 s answers 400 "query is too old" (answerCallbackQuery:
  "the answer will be displayed to the user as a notification … within 15 seconds");
- getFile gives a `file_path`, and `file_content(path)` (served as /file/bot<token>/<path> by
  the HTTP fake) the bytes, for documents users sent and documents the bot sent.
`clock` is the emulator's monotonic clock; a test may replace it to let time pass.

Long because: it is one model of the Bot API: every method the bot uses is a short `_api_*` handler
over one shared state (chats, members, messages, updates); split by method, that state would
scatter.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from bot.telegram.limits import (
    MAX_CAPTION,
    MAX_INLINE_RESULTS,
    message_text_problem,
    reply_markup_problem,
    utf16_len,
)

TIMEOUT = 0  # fail(method, TIMEOUT): the request times out instead of answering
DEFAULT_DESCRIPTIONS = {
    400: "Bad Request: chat not found",
    403: "Forbidden: bot was blocked by the user",
    429: "Too Many Requests: retry after {retry_after}",
    TIMEOUT: "Timed out",
}
GROUP_MESSAGES_PER_MINUTE = 20  # Bot FAQ: "no more than 20 messages per minute in the same group"
CALLBACK_ANSWER_SECONDS = 15.0  # a callback query not answered by then can no longer be
SEND_METHODS = frozenset(
    "sendMessage sendDocument sendPhoto sendVideo sendAudio sendAnimation sendVoice sendSticker "
    "sendMediaGroup sendLocation sendContact sendPoll copyMessage forwardMessage".split()
)
TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
CONFLICT = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is "
    "running"
)
WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete "
    "the webhook first"
)
WEBHOOK_PORTS = (443, 80, 88, 8443)
ADMIN_RIGHTS = (
    "can_be_edited is_anonymous can_manage_chat can_delete_messages can_manage_video_chats "
    "can_restrict_members can_promote_members can_change_info can_invite_users "
    "can_post_stories can_edit_stories can_delete_stories"
).split()


class ApiTimeout(Exception):
    """Raised by the core where Telegram would not answer in time (see `fail(..., TIMEOUT)`)."""


@dataclass(frozen=True)
class ApiCall:
    """One Bot API request the bot made: the method name and its parameters."""

    method: str
    params: dict[str, Any]

    @property
    def chat_id(self) -> int | None:
        """The target chat as an int (PTB may send ids as strings), or None."""
        value = self.params.get("chat_id")
        return int(value) if value is not None and str(value).lstrip("-").isdigit() else None


@dataclass(frozen=True)
class UploadedFile:
    """A file sent with multipart/form-data (e.g. the .ics of sendDocument)."""

    filename: str
    content: bytes
    mime_type: str | None = None

    def __json__(self) -> dict[str, Any]:
        return {"filename": self.filename, "size": len(self.content), "mime_type": self.mime_type}


@dataclass
class _Failure:
    method: str
    code: int
    description: str
    chat_id: int | None
    times: int | None  # None: every time
    retry_after: int | None


def _ok(result: Any) -> tuple[int, dict[str, Any]]:
    return 200, {"ok": True, "result": result}


def _error(code: int, description: str, **parameters: Any) -> tuple[int, dict[str, Any]]:
    payload: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        payload["parameters"] = parameters
    return code, payload


def _flag(value: Any) -> bool:
    """A boolean parameter as PTB sends it (True, "true", "True", "1")."""
    return str(value).lower() in {"true", "1"}


def chat_member(user: dict[str, Any], status: str) -> dict[str, Any]:
    """A ChatMember object with the fields each status requires."""
    member: dict[str, Any] = {"user": user, "status": status}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member.update(dict.fromkeys(ADMIN_RIGHTS, True), is_anonymous=False, can_be_edited=False)
    elif status == "kicked":
        member["until_date"] = 0
    return member


@dataclass
class FakeBotAPI:
    """A Bot API server in memory: chats, members, messages, an update queue, injected failures.

    Chats become known when an update mentioning them passes `receive()` (as on Telegram, a bot
    can only write to chats that wrote to it) or through `add_chat()`.
    """

    bot_id: int = 7000000001
    username: str = "BriefingTestBot"
    first_name: str = "Diplomatic Briefing"
    calls: list[ApiCall] = field(default_factory=list)
    chats: dict[int, dict[str, Any]] = field(default_factory=dict)
    members: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    messages: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    commands: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    webhook_url: str = ""
    webhook: dict[str, Any] = field(default_factory=dict)  # what setWebhook was given
    clock: Callable[[], float] = time.monotonic
    group_limit: int = GROUP_MESSAGES_PER_MINUTE  # 0: no per-group limit
    users: dict[int, dict[str, Any]] = field(default_factory=dict)  # every user seen
    files: dict[str, bytes] = field(default_factory=dict)  # file_id -> content
    conflicts: int = 0  # getUpdates ended by a newer one (409)
    _failures: list[_Failure] = field(default_factory=list)
    _updates: deque[dict[str, Any]] = field(default_factory=deque)
    _update_ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _last_message_id: dict[int, int] = field(default_factory=dict)
    _open_callbacks: dict[str, float] = field(default_factory=dict)  # id -> when it arrived
    _new_update: asyncio.Event | None = None
    _poller: asyncio.Future | None = None  # the pending getUpdates, which a new one ends
    _group_sends: dict[int, deque[float]] = field(default_factory=dict)

    # -- what tests and front ends tell the API -------------------------------------------

    @property
    def me(self) -> dict[str, Any]:
        """The bot's own User object (getMe)."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.first_name,
            "username": self.username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
        }

    def fail(
        self,
        method: str,
        code: int,
        description: str | None = None,
        *,
        chat_id: int | None = None,
        times: int | None = 1,
        retry_after: int | None = None,
    ) -> None:
        """Make the next `times` calls of `method` (to `chat_id`, if given) fail with `code`.

        `code` 403/429/400 answer Bot API error JSON (429 carries `retry_after`, default 1);
        `code=TIMEOUT` raises `ApiTimeout` (PTB sees `TimedOut`). `times=None` fails forever,
        e.g. a user who blocked the bot.
        """
        if code == 429 and retry_after is None:
            retry_after = 1
        text = description or DEFAULT_DESCRIPTIONS.get(code, f"Error {code}")
        text = text.format(retry_after=retry_after)
        self._failures.append(_Failure(method, code, text, chat_id, times, retry_after))

    def add_chat(self, chat: dict[str, Any]) -> None:
        """Make a chat known (as if it had written to the bot)."""
        self.chats[int(chat["id"])] = dict(chat)

    def set_member(self, chat_id: int, user: dict[str, Any], status: str) -> None:
        """Record `user`'s status in a chat: creator, administrator, member, left or kicked."""
        self.members[(int(chat_id), int(user["id"]))] = chat_member(user, status)

    def receive(self, update: dict[str, Any]) -> dict[str, Any]:
        """Number an incoming update like Telegram would and learn its chats, users and ids."""
        update = dict(update)
        update["update_id"] = next(self._update_ids)
        for key in ("message", "edited_message", "channel_post", "edited_channel_post"):
            if key in update:
                update[key] = message = dict(update[key])
                self._learn_message(message, number=key in ("message", "channel_post"))
        if query := update.get("callback_query"):
            self._open_callbacks[query["id"]] = self.clock()
            self._learn_user(query.get("from"))
            if "message" in query:
                self._learn_message(query["message"], number=False)
        if inline := update.get("inline_query"):
            self._learn_user(inline.get("from"))
        if member_update := update.get("my_chat_member"):
            self.add_chat(member_update["chat"])
            new = member_update["new_chat_member"]
            self.members[(int(member_update["chat"]["id"]), self.bot_id)] = new
        return update

    def push_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for getUpdates (polling); return it numbered."""
        update = self.receive(update)
        self._updates.append(update)
        if self._new_update is not None:
            self._new_update.set()
        return update

    def sent(self, method: str | None = None, chat_id: int | None = None) -> list[ApiCall]:
        """The recorded calls, optionally only of one method and/or to one chat."""
        return [
            call
            for call in self.calls
            if (method is None or call.method == method)
            and (chat_id is None or call.chat_id == chat_id)
        ]

    @property
    def unanswered_callbacks(self) -> set[str]:
        """Callback query ids the bot has not answered yet (their buttons still spin)."""
        return set(self._open_callbacks)

    def _learn_message(self, message: dict[str, Any], *, number: bool) -> None:
        chat_id = int(message["chat"]["id"])
        self.add_chat(message["chat"])
        last = self._last_message_id.get(chat_id, 0)
        if number and not message.get("message_id"):
            message["message_id"] = last + 1
        self._last_message_id[chat_id] = max(last, int(message.get("message_id") or 0))
        self.messages[(chat_id, int(message["message_id"]))] = message
        if sender := message.get("from"):
            self._learn_user(sender)
            self.members.setdefault((chat_id, int(sender["id"])), chat_member(sender, "member"))
        if document := message.get("document"):
            self.files.setdefault(document["file_id"], b"")

    def _learn_user(self, user: dict[str, Any] | None) -> None:
        if user and not user.get("is_bot"):
            self.users[int(user["id"])] = user

    def add_file(self, file_id: str, content: bytes) -> None:
        """The bytes of a file users sent (a document's `file_id`), for getFile and download."""
        self.files[file_id] = content

    def file_content(self, file_path: str) -> bytes | None:
        """The bytes behind a getFile `file_path` (None: no such file)."""
        return self.files.get(file_path.removeprefix("documents/"))

    # -- the Bot API ------------------------------------------------------------------------

    async def handle(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Answer one Bot API call: (HTTP status, JSON payload), as api.telegram.org would."""
        self.calls.append(ApiCall(method, dict(params)))
        if failure := self._take_failure(method, params):
            if failure.code == TIMEOUT:
                raise ApiTimeout(failure.description)
            if failure.retry_after is not None:
                return _error(failure.code, failure.description, retry_after=failure.retry_after)
            return _error(failure.code, failure.description)
        implementation = getattr(self, f"_api_{method}", None)
        if implementation is None:
            return _error(404, "Not Found")
        chat = self._chat(params)
        if chat is not None and (wait := self._flood_wait(method, chat)) is not None:
            return _error(429, f"Too Many Requests: retry after {wait}", retry_after=wait)
        return await implementation(params)

    def _take_failure(self, method: str, params: dict[str, Any]) -> _Failure | None:
        chat_id = params.get("chat_id")
        for failure in self._failures:
            if failure.method != method:
                continue
            if failure.chat_id is not None and str(failure.chat_id) != str(chat_id):
                continue
            if failure.times is not None:
                failure.times -= 1
                if failure.times <= 0:
                    self._failures.remove(failure)
            return failure
        return None

    def _chat(self, params: dict[str, Any]) -> dict[str, Any] | None:
        try:
            return self.chats.get(int(params.get("chat_id")))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return None

    def _store_message(
        self, chat: dict[str, Any], thread_id: Any = None, **content: Any
    ) -> dict[str, Any]:
        chat_id = int(chat["id"])
        message_id = self._last_message_id.get(chat_id, 0) + 1
        self._last_message_id[chat_id] = message_id
        message: dict[str, Any] = {"message_id": message_id, "date": int(time.time()), "chat": chat}
        if chat.get("type") == "channel":
            message["sender_chat"] = chat  # a channel post: the channel wrote it, no "from"
        else:
            message["from"] = self.me
        if thread_id is not None and chat.get("is_forum"):
            message.update(message_thread_id=int(thread_id), is_topic_message=True)
        message.update({key: value for key, value in content.items() if value is not None})
        self.messages[(chat_id, message_id)] = message
        return message

    def _flood_wait(self, method: str, chat: dict[str, Any]) -> int | None:
        """Seconds to wait when this send would be a group's 21st message within a minute."""
        if method not in SEND_METHODS or not self.group_limit:
            return None
        if chat.get("type") not in ("group", "supergroup"):
            return None
        now = self.clock()
        sent = self._group_sends.setdefault(int(chat["id"]), deque())
        while sent and sent[0] <= now - 60:
            sent.popleft()
        if len(sent) >= self.group_limit:
            return max(1, math.ceil(sent[0] + 60 - now))
        sent.append(now)
        return None

    async def _api_getMe(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return _ok(self.me)

    async def _api_getUpdates(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if self.webhook_url:
            return _error(409, WEBHOOK_ACTIVE)
        offset = int(params.get("offset") or 0)
        while self._updates and self._updates[0]["update_id"] < offset:
            self._updates.popleft()  # confirmed by the offset, as on Telegram
        if self._poller is not None and not self._poller.done():
            self._poller.set_result(CONFLICT)  # Telegram ends the older request
        timeout = float(params.get("timeout") or 0)
        if not self._updates and timeout > 0:
            self._new_update = event = asyncio.Event()
            self._poller = poller = asyncio.get_running_loop().create_future()
            waiter = asyncio.ensure_future(event.wait())
            try:
                await asyncio.wait({waiter, poller}, timeout=timeout, return_when="FIRST_COMPLETED")
            finally:
                waiter.cancel()
                if self._poller is poller:
                    self._poller = None
            if poller.done():
                self.conflicts += 1
                return _error(409, poller.result())
        limit = int(params.get("limit") or 100)
        return _ok(list(itertools.islice(self._updates, limit)))

    async def _api_sendMessage(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        chat = self._chat(params)
        if chat is None:
            return _error(400, "Bad Request: chat not found")
        problem = message_text_problem(params.get("text"), params.get("parse_mode"))
        problem = problem or reply_markup_problem(params.get("reply_markup"))
        if problem:
            return _error(400, problem)
        message = self._store_message(
            chat,
            params.get("message_thread_id"),
            text=params["text"],
            reply_markup=params.get("reply_markup"),
        )
        return _ok(message)

    async def _api_editMessageText(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        problem = message_text_problem(params.get("text"), params.get("parse_mode"))
        problem = problem or reply_markup_problem(params.get("reply_markup"))
        if problem:
            return _error(400, problem)
        return self._edit(params, text=params["text"], reply_markup=params.get("reply_markup"))

    async def _api_editMessageReplyMarkup(
        self, params: dict[str, Any]
    ) -> tuple[int, dict[str, Any]]:
        if problem := reply_markup_problem(params.get("reply_markup")):
            return _error(400, problem)
        return self._edit(params, reply_markup=params.get("reply_markup"))

    def _edit(self, params: dict[str, Any], **changes: Any) -> tuple[int, dict[str, Any]]:
        if params.get("inline_message_id"):
            return _ok(True)
        chat = self._chat(params)
        if chat is None:
            return _error(400, "Bad Request: chat not found")
        key = (int(chat["id"]), int(params.get("message_id") or 0))
        message = self.messages.get(key)
        if message is None:
            return _error(400, "Bad Request: message to edit not found")
        updated = {**message, **changes}
        if changes.get("reply_markup") is None:
            updated.pop("reply_markup", None)
        if updated == message:
            return _error(
                400,
                "Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message",
            )
        updated["edit_date"] = int(time.time())
        self.messages[key] = updated
        return _ok(updated)

    async def _api_deleteMessage(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        chat = self._chat(params) or {}
        key = (int(chat.get("id", 0)), int(params.get("message_id") or 0))
        if self.messages.pop(key, None) is None:
            return _error(400, "Bad Request: message to delete not found")
        return _ok(True)

    async def _api_answerCallbackQuery(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        query_id = str(params.get("callback_query_id"))
        arrived = self._open_callbacks.get(query_id)
        if arrived is None or self.clock() - arrived > CALLBACK_ANSWER_SECONDS:
            self._open_callbacks.pop(query_id, None)
            return _error(400, TOO_OLD)
        if utf16_len(str(params.get("text") or "")) > 200:
            return _error(400, "Bad Request: MESSAGE_TOO_LONG")
        del self._open_callbacks[query_id]
        return _ok(True)

    async def _api_answerInlineQuery(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        results = params.get("results") or []
        if len(results) > MAX_INLINE_RESULTS:
            return _error(400, "Bad Request: RESULTS_TOO_MUCH")
        ids = [str(result.get("id", "")) for result in results]
        if len(set(ids)) != len(ids) or any(not 1 <= len(i.encode()) <= 64 for i in ids):
            return _error(400, "Bad Request: RESULT_ID_INVALID")
        for result in results:
            content = result.get("input_message_content") or {}
            if "message_text" in content:
                text, mode = content["message_text"], content.get("parse_mode")
                if problem := message_text_problem(text, mode):
                    return _error(400, problem)
            if problem := reply_markup_problem(result.get("reply_markup")):
                return _error(400, problem)
        return _ok(True)

    async def _api_sendDocument(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        chat = self._chat(params)
        if chat is None:
            return _error(400, "Bad Request: chat not found")
        upload = params.get("document")
        if not isinstance(upload, UploadedFile) or not upload.content:
            return _error(400, "Bad Request: file must be non-empty")
        caption = params.get("caption")
        if caption is not None:
            problem = message_text_problem(caption, params.get("parse_mode"), MAX_CAPTION)
            if problem:
                return _error(
                    400, problem.replace("message is too long", "message caption is too long")
                )
        document = {
            "file_id": f"doc{len(self.calls)}",
            "file_unique_id": f"u{len(self.calls)}",
            "file_name": upload.filename,
            "mime_type": upload.mime_type,
            "file_size": len(upload.content),
        }
        self.files[str(document["file_id"])] = upload.content
        thread = params.get("message_thread_id")
        return _ok(self._store_message(chat, thread, document=document, caption=caption))

    async def _api_getFile(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        file_id = str(params.get("file_id") or "")
        content = self.files.get(file_id)
        if content is None:
            return _error(400, "Bad Request: invalid file_id")
        if len(content) > 20 * 1024 * 1024:  # getFile: "files of up to 20MB in size"
            return _error(400, "Bad Request: file is too big")
        return _ok(
            {
                "file_id": file_id,
                "file_unique_id": f"u-{file_id}",
                "file_size": len(content),
                "file_path": f"documents/{file_id}",
            }
        )

    async def _api_sendChatAction(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return _ok(True) if self._chat(params) else _error(400, "Bad Request: chat not found")

    async def _api_setMyCommands(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        commands = params.get("commands") or []
        for command in commands:
            name, description = command.get("command", ""), command.get("description", "")
            valid_name = (
                1 <= len(name) <= 32
                and all(c.isascii() and (c.isalnum() or c == "_") for c in name)
                and name == name.lower()
            )
            if not valid_name or not 1 <= len(description) <= 256:
                return _error(400, "Bad Request: BOT_COMMAND_INVALID")
        self.commands[self._menu_key(params)] = list(commands)
        return _ok(True)

    async def _api_deleteMyCommands(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        self.commands.pop(self._menu_key(params), None)
        return _ok(True)

    @staticmethod
    def _menu_key(params: dict[str, Any]) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return scope.get("type", "default"), str(params.get("language_code") or "")

    async def _api_getChat(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        chat = self._chat(params)
        if chat is None:
            return _error(400, "Bad Request: chat not found")
        gifts = dict.fromkeys(
            (
                "unlimited_gifts",
                "limited_gifts",
                "unique_gifts",
                "premium_subscription",
                "gifts_from_channels",
            ),
            False,
        )
        return _ok(
            {**chat, "accent_color_id": 0, "max_reaction_count": 11, "accepted_gift_types": gifts}
        )

    async def _api_getChatMember(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        chat = self._chat(params)
        if chat is None:
            return _error(400, "Bad Request: chat not found")
        chat_id, user_id = int(chat["id"]), int(params.get("user_id") or 0)
        bot = self.members.get((chat_id, self.bot_id), {})
        not_admin = bot.get("status") not in ("administrator", "creator")
        if chat.get("type") == "channel" and not_admin and user_id != self.bot_id:
            return _error(400, "Bad Request: member list is inaccessible")
        member = self.members.get((chat_id, user_id))
        if member is None:
            user = self.me if user_id == self.bot_id else self.users.get(user_id)
            if user is None:
                return _error(400, "Bad Request: user not found")
            member = chat_member(user, "left")  # a user who is not (or no longer) in the chat
        return _ok(member)

    async def _api_getChatAdministrators(
        self, params: dict[str, Any]
    ) -> tuple[int, dict[str, Any]]:
        chat = self._chat(params)
        if chat is None:
            return _error(400, "Bad Request: chat not found")
        admins = [
            member
            for (chat_id, _), member in self.members.items()
            if chat_id == int(chat["id"]) and member["status"] in ("creator", "administrator")
        ]
        return _ok(admins)

    async def _api_setWebhook(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        url = str(params.get("url") or "")
        if url:
            parts = urlsplit(url)
            if parts.scheme != "https" or not parts.hostname:
                return _error(400, "Bad Request: bad webhook: An HTTPS URL must be provided")
            if (parts.port or 443) not in WEBHOOK_PORTS:
                return _error(
                    400,
                    "Bad Request: bad webhook: Webhook can be set up only on ports 80, 88, 443"
                    " or 8443",
                )
            try:
                connections = int(params.get("max_connections") or 40)
            except ValueError:
                connections = 0
            if not 1 <= connections <= 100:
                return _error(400, "Bad Request: bad webhook: max_connections must be 1-100")
            self.webhook = {"url": url, "max_connections": connections}
            if params.get("allowed_updates") is not None:
                self.webhook["allowed_updates"] = list(params["allowed_updates"])
            self.webhook["secret_token"] = params.get("secret_token")
        else:
            self.webhook = {}
        if _flag(params.get("drop_pending_updates")):
            self._updates.clear()
        self.webhook_url = url
        return 200, {"ok": True, "result": True, "description": "Webhook was set"}

    async def _api_deleteWebhook(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        description = "Webhook was deleted" if self.webhook_url else "Webhook is already deleted"
        self.webhook_url, self.webhook = "", {}
        if _flag(params.get("drop_pending_updates")):
            self._updates.clear()
        return 200, {"ok": True, "result": True, "description": description}

    async def _api_getWebhookInfo(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        info: dict[str, Any] = {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self.webhook_url:
            info["max_connections"] = self.webhook["max_connections"]
            if "allowed_updates" in self.webhook:
                info["allowed_updates"] = self.webhook["allowed_updates"]
        return _ok(info)

    async def _api_close(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return _ok(True)

    async def _api_logOut(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return _ok(True)


def to_json(value: Any) -> str:
    """JSON for recorded calls (uploaded files appear as name, size and type)."""
    return json.dumps(value, ensure_ascii=False, default=lambda v: v.__json__())
