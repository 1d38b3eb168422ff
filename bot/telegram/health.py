"""A tiny HTTP health endpoint for orchestrators, and its probe (`python -m bot.telegram.health`).

The server speaks just enough HTTP/1.1 over asyncio streams to answer `GET /healthz` with JSON
(200 when the probe reports `"ok": true`, 503 otherwise) and `GET /metrics` with Prometheus'
text format. No web framework: it runs next to PTB's polling loop in the same event loop and
needs nothing a slim image lacks.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sys
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable

logger = logging.getLogger(__name__)

Probe = Callable[[], Awaitable[dict[str, object]]]
MetricsPage = Callable[[], Awaitable[bytes]]
METRICS_TYPE = "text/plain; version=0.0.4; charset=utf-8"

HEALTH_PATHS = ("/healthz", "/health")
_REQUEST_TIMEOUT = 5.0
_MAX_HEADER_LINES = 100
_REASONS = {200: "OK", 404: "Not Found", 405: "Method Not Allowed", 503: "Service Unavailable"}


class HealthServer:
    """Serve `GET /healthz` from `probe()` on `host:port` (port 0 picks a free one)."""

    def __init__(
        self,
        probe: Probe,
        host: str = "127.0.0.1",
        port: int = 0,
        metrics: MetricsPage | None = None,
    ) -> None:
        self.probe = probe
        self.metrics = metrics
        self.host = host
        self.port = port
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        """Start listening; `self.port` is the bound port afterwards."""
        self._server = await asyncio.start_server(self._serve, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        logger.info("health endpoint on http://%s:%d/healthz", self.host, self.port)

    async def stop(self) -> None:
        """Stop listening and close open connections."""
        if self._server is None:
            return
        self._server.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._server.wait_closed(), timeout=2)
        self._server = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            method, path = await asyncio.wait_for(_read_request(reader), _REQUEST_TIMEOUT)
            if path.split("?", 1)[0] == "/metrics" and self.metrics and method == "GET":
                page = await asyncio.wait_for(self.metrics(), _REQUEST_TIMEOUT)
                writer.write(_response(200, page, METRICS_TYPE))
            else:
                status, body = await self._answer(method, path)
                writer.write(_response(status, body))
            await writer.drain()
        except (TimeoutError, ConnectionError, ValueError, asyncio.IncompleteReadError):
            pass  # a client that hangs up or speaks nonsense gets nothing
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _answer(self, method: str, path: str) -> tuple[int, dict[str, object]]:
        if path.split("?", 1)[0] not in HEALTH_PATHS:
            return 404, {"ok": False, "error": "not found"}
        if method not in ("GET", "HEAD"):
            return 405, {"ok": False, "error": "use GET"}
        try:
            payload = await asyncio.wait_for(self.probe(), _REQUEST_TIMEOUT)
        except Exception as exc:  # the probe failing is exactly what health must report
            logger.warning("health probe failed: %s", type(exc).__name__)
            return 503, {"ok": False, "error": type(exc).__name__}
        return (200 if payload.get("ok") else 503), payload


async def _read_request(reader: asyncio.StreamReader) -> tuple[str, str]:
    """Read a request line and its headers; return (method, path)."""
    request_line = (await reader.readline()).decode("latin-1").strip()
    parts = request_line.split()
    if len(parts) != 3 or not parts[2].startswith("HTTP/"):
        raise ValueError("not an HTTP request")
    for _ in range(_MAX_HEADER_LINES):
        if (await reader.readline()) in (b"\r\n", b"\n", b""):
            break
    return parts[0].upper(), parts[1]


def _response(
    status: int, body: dict[str, object] | bytes, content_type: str = "application/json"
) -> bytes:
    if isinstance(body, bytes):
        data = body
    else:
        data = json.dumps(body, ensure_ascii=False, default=str).encode()
        content_type += "; charset=utf-8"
    head = (
        f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}\r\n"
        f"Content-Type: {content_type}\r\n"
        f"Content-Length: {len(data)}\r\n"
        "Cache-Control: no-store\r\n"
        "Connection: close\r\n\r\n"
    )
    return head.encode() + data


def check(port: int, host: str = "127.0.0.1", timeout: float = 3.0) -> tuple[bool, str]:
    """Ask a running bot's health endpoint; return (healthy, response body or error)."""
    url = f"http://{host}:{port}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status == 200, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return False, exc.read().decode("utf-8", "replace")
    except (OSError, ValueError) as exc:
        return False, f"{url}: {exc}"


def main() -> int:
    """Probe the local bot on BOT_HEALTH_PORT (for Docker's HEALTHCHECK; settings read as the
    bot reads them, `.env` included): 0 healthy, 1 not, 2 a configuration error."""
    from bot.settings import Settings, SettingsError

    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    if settings.health_port is None:
        print("BOT_HEALTH_PORT is not set: the bot serves no health endpoint", file=sys.stderr)
        return 1
    host = settings.health_listen
    if host in ("0.0.0.0", "", "::"):  # listening everywhere: ask it on the loopback
        host = "127.0.0.1"
    healthy, body = check(settings.health_port, host)
    print(body)
    return 0 if healthy else 1


if __name__ == "__main__":
    raise SystemExit(main())
