"""The webhook server: Telegram POSTs updates here (behind the operator's TLS proxy).

Unlike PTB's built-in server (which buffers bodies of up to 100 MB before it looks at the secret)
this one decides when the headers arrive, before reading the body: a wrong or missing
`X-Telegram-Bot-Api-Secret-Token`, a body over `MAX_BODY` (Telegram's updates are a few
kilobytes; 1 MB is generous) or not JSON is refused. A refused body of up to MAX_BODY is read
and dropped unparsed, so the client gets its answer (hanging up on unread data resets the
connection); a bigger one, or a chunked body that grows past it, gets its answer at once and the
connection is closed without reading further.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Callable
from http import HTTPStatus

import tornado.web
from telegram import Update
from telegram.ext import Application, ExtBot
from tornado.httpserver import HTTPServer

log = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@tornado.web.stream_request_body
class UpdateHandler(tornado.web.RequestHandler):
    """POST <path>: one JSON update with the right secret → the application's update queue."""

    SUPPORTED_METHODS = ("POST",)

    def initialize(self, bot_app: Application, secret: str, on_update: Callable[[], None]) -> None:
        self.bot_app = bot_app  # (self.application is tornado's)
        self.secret = secret
        self.on_update = on_update
        self.chunks: list[bytes] = []
        self.size = 0
        self.refused: HTTPStatus | None = None

    def prepare(self) -> None:
        """Runs when the headers are in, before the body is read."""
        given = self.request.headers.get(SECRET_HEADER, "")
        length = self.request.headers.get("Content-Length", "")
        content_type = self.request.headers.get("Content-Type", "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            self.refused = HTTPStatus.FORBIDDEN
        elif content_type.split(";", 1)[0].strip().lower() != "application/json":
            self.refused = HTTPStatus.UNSUPPORTED_MEDIA_TYPE
        if length and (not length.isdigit() or int(length) > MAX_BODY):
            self._hang_up(self.refused or HTTPStatus.REQUEST_ENTITY_TOO_LARGE)

    def _hang_up(self, status: HTTPStatus) -> None:
        """Answer `status` now; tornado then closes the connection without reading the rest of
        the body (a request finished before its body was read is never read further)."""
        self.chunks.clear()
        self.set_status(status)
        self.finish()

    def data_received(self, chunk: bytes) -> None:
        if self._finished:
            return
        self.size += len(chunk)
        if self.size > MAX_BODY:  # a chunked body with no Content-Length
            self._hang_up(self.refused or HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        elif self.refused is None:
            self.chunks.append(chunk)

    async def post(self) -> None:
        if self._finished:
            return
        if self.refused is not None:
            self.set_status(self.refused)
            return
        try:
            data = json.loads(b"".join(self.chunks))
            update = Update.de_json(data, self.bot_app.bot)
        except Exception:
            log.warning("webhook: a request with the right secret carried no readable update")
            self.set_status(HTTPStatus.BAD_REQUEST)
            return
        if update is None:
            self.set_status(HTTPStatus.BAD_REQUEST)
            return
        if isinstance(self.bot_app.bot, ExtBot):
            self.bot_app.bot.insert_callback_data(update)
        self.on_update()
        await self.bot_app.update_queue.put(update)
        self.set_status(HTTPStatus.OK)

    def log_exception(self, *args: object) -> None:
        """Request errors are the client's business; nothing of them is logged."""


class WebhookServer:
    """Listen on `host:port` for updates POSTed to `/path`."""

    def __init__(
        self,
        application: Application,
        *,
        host: str,
        port: int,
        path: str,
        secret: str,
        on_update: Callable[[], None] = lambda: None,
    ) -> None:
        routes = [
            (f"/{path.strip('/')}/?", UpdateHandler,
             {"bot_app": application, "secret": secret, "on_update": on_update}),
        ]  # fmt: skip
        self.app = tornado.web.Application(routes, log_function=lambda _handler: None)
        self.host, self.port = host, port
        # The handler refuses big bodies itself (with 403 or 413); this is the backstop (400).
        backstop = MAX_BODY + 64 * 1024
        self.http = HTTPServer(self.app, max_body_size=backstop, max_buffer_size=backstop * 2)

    async def start(self) -> None:
        self.http.listen(self.port, address=self.host)
        log.info("webhook server on %s:%d", self.host, self.port)

    async def stop(self) -> None:
        self.http.stop()
        try:
            await asyncio.wait_for(self.http.close_all_connections(), timeout=2)
        except TimeoutError:
            log.warning("webhook connections still open at shutdown")
