"""PTB's transport to a `FakeBotAPI` in the same process: the seam between PTB and the emulator.

Production uses PTB's HTTPXRequest; the console, `ask` and the tests use this one, and nothing
else differs. Errors leave the emulator as Bot API error JSON, so PTB maps them (403 → Forbidden,
429 → RetryAfter) exactly as in production.
"""

from __future__ import annotations

import json
from typing import Any

from telegram.error import TimedOut
from telegram.request import BaseRequest, RequestData

from bot.telegram.fake_api import ApiTimeout, FakeBotAPI, UploadedFile


class InProcessRequest(BaseRequest):
    """PTB's transport to a `FakeBotAPI` in the same process (production uses HTTPXRequest)."""

    def __init__(self, api: FakeBotAPI) -> None:
        self.api = api

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        """Nothing to open: the API lives in memory."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Turn PTB's request into `handle(method, params)` and its answer back into bytes."""
        if "/file/bot" in url:  # a download (File.download_*): the bytes themselves
            content = self.api.file_content(url.split("/file/bot", 1)[1].partition("/")[2])
            return (200, content) if content is not None else (404, b"Not Found")
        params: dict[str, Any] = dict(request_data.parameters) if request_data else {}
        for name, (filename, body, mime) in (
            (request_data.multipart_data or {}).items() if request_data else ()
        ):
            data = body if isinstance(body, bytes) else body.read()
            params[name] = UploadedFile(filename or name, data, mime)
        try:
            status, payload = await self.api.handle(url.rsplit("/", 1)[-1], params)
        except ApiTimeout as exc:
            raise TimedOut(str(exc)) from exc
        return status, json.dumps(payload).encode()
