"""A fake Bot API server over real HTTP: the in-process emulator core served by tornado.

`FakeTelegram` listens on 127.0.0.1 (a free port), accepts `POST /bot<token>/<method>` as PTB's
HTTPXRequest sends it (form-encoded, or multipart for uploads), hands the parameters to
`bot.telegram.fake_api.FakeBotAPI.handle` and answers its JSON. Requests with another token get 401,
as on Telegram. It runs in the test's own event loop, so tests may touch `server.api` directly.

Several bot processes can share one server and still be told apart: a client that puts a label
before the path (TELEGRAM_BASE_URL=http://127.0.0.1:<port>/<label>/bot) is recorded under it,
and every getUpdates is kept as a `Poll` (who, when it arrived, when it was answered, the status),
so a test can check that two pollers never overlapped (`overlapping_polls`).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from tornado.httpserver import HTTPServer
from tornado.httputil import parse_body_arguments
from tornado.netutil import bind_sockets
from tornado.web import Application, RequestHandler

from bot.telegram.fake_api import ApiTimeout, FakeBotAPI, UploadedFile

# Parameters PTB sends JSON-encoded; everything else stays a string, as Telegram reads it
# (a message text "42" must not become the number 42).
JSON_PARAMETERS = frozenset(
    "reply_markup commands scope allowed_updates results entities caption_entities "
    "link_preview_options reply_parameters media".split()
)


def decode_parameters(
    arguments: dict[str, list[bytes]], files: dict[str, list[Any]]
) -> dict[str, Any]:
    """Bot API parameters from a form body: JSON where PTB encoded JSON, uploads as files."""
    params: dict[str, Any] = {}
    for name, values in arguments.items():
        value = values[-1].decode("utf-8")
        params[name] = json.loads(value) if name in JSON_PARAMETERS else value
    for name, uploads in files.items():
        upload = uploads[-1]
        params[name] = UploadedFile(upload.filename, upload.body, upload.content_type)
    return params


@dataclass
class Poll:
    """One getUpdates as the server saw it (monotonic seconds)."""

    client: str
    started: float
    ended: float | None = None  # None: still waiting for updates
    status: int | None = None


class _MethodHandler(RequestHandler):
    def initialize(self, server: FakeTelegram) -> None:
        self.server = server

    async def post(self, client: str | None, token: str, method: str) -> None:
        if token != self.server.token:
            self.server.foreign_tokens += 1
            self.server.refused_methods.append(method)
            return self._reply(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
        arguments: dict[str, list[bytes]] = {}
        files: dict[str, list[Any]] = {}
        content_type = self.request.headers.get("Content-Type", "")
        if content_type.startswith("application/json"):
            params = json.loads(self.request.body or b"{}")
        else:
            parse_body_arguments(content_type, self.request.body, arguments, files)
            params = decode_parameters(arguments, files)
        self.server.call_times.append(time.monotonic())  # same index as api.calls
        self.server.call_clients.append(client or "")
        poll = Poll(client or "", time.monotonic()) if method == "getUpdates" else None
        if poll is not None:
            self.server.polls.append(poll)
        try:
            status, payload = await self.server.api.handle(method, params)
        except ApiTimeout:
            # Telegram not answering: a gateway timeout, which PTB raises as NetworkError.
            self.server.timeouts += 1
            status, payload = 504, {"ok": False, "error_code": 504, "description": "timeout"}
        if poll is not None:
            poll.ended, poll.status = time.monotonic(), status
        self._reply(status, payload)

    get = post  # the Bot API accepts GET as well

    def _reply(self, status: int, payload: dict[str, Any]) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(payload, ensure_ascii=False, default=lambda v: v.__json__()))


class _FileHandler(RequestHandler):
    def initialize(self, server: FakeTelegram) -> None:
        self.server = server

    async def get(self, client: str | None, token: str, path: str) -> None:
        content = self.server.api.file_content(path) if token == self.server.token else None
        if content is None:
            self.set_status(404)
            self.finish("Not Found")
            return
        self.finish(content)


class FakeTelegram:
    """A Bot API server on 127.0.0.1 for one fake token, around one `FakeBotAPI`."""

    def __init__(self, token: str, api: FakeBotAPI | None = None) -> None:
        self.token = token
        self.api = api or FakeBotAPI()
        self.port = 0
        self.foreign_tokens = 0
        self.refused_methods: list[str] = []  # methods answered 401 for a foreign token, in order
        self.timeouts = 0
        self.call_times: list[float] = []  # monotonic arrival time of each of api.calls
        self.call_clients: list[str] = []  # the label of the client of each of api.calls
        self.polls: list[Poll] = []  # every getUpdates, in order of arrival
        self._http: HTTPServer | None = None

    @property
    def base_url(self) -> str:
        """What TELEGRAM_BASE_URL must be for the bot to talk to this server."""
        return f"http://127.0.0.1:{self.port}/bot"

    def base_url_for(self, client: str) -> str:
        """TELEGRAM_BASE_URL for a client recorded under the label `client`."""
        return f"http://127.0.0.1:{self.port}/{client}/bot"

    def overlapping_polls(self) -> list[tuple[Poll, Poll]]:
        """Pairs of getUpdates from different clients that were open at once at the server
        (what Telegram answers with 409: two bot instances polling)."""
        now = time.monotonic()
        pairs = []
        for n, first in enumerate(self.polls):
            for second in self.polls[n + 1 :]:
                if second.client != first.client and second.started < (first.ended or now):
                    pairs.append((first, second))
        return pairs

    async def start(self, port: int = 0) -> None:
        """Listen on `port` of 127.0.0.1 (default: a free one)."""
        app = Application(
            [
                (r"(?:/([\w-]+))?/bot([^/]+)/(\w+)", _MethodHandler, {"server": self}),
                (r"(?:/([\w-]+))?/file/bot([^/]+)/(.+)", _FileHandler, {"server": self}),
            ],
            log_function=lambda _: None,
        )
        self._http = HTTPServer(app, max_body_size=60 * 1024 * 1024)
        sockets = bind_sockets(port, address="127.0.0.1")
        self.port = sockets[0].getsockname()[1]
        self._http.add_sockets(sockets)

    async def stop(self) -> None:
        """Stop listening and drop open connections."""
        if self._http is not None:
            self._http.stop()
            await self._http.close_all_connections()
            self._http = None
