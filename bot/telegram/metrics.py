"""What the running bot tells operators: Prometheus metrics (`GET /metrics` on the health port)
and the progress marks `/healthz` judges by.

`TelegramRequest` wraps PTB's HTTP transport: it counts every Bot API answer by method and
outcome, notes when getUpdates last succeeded, and — for the polling transport — turns a 401
into a retryable network error, so a token revoked for a while (or being rotated) pauses
polling instead of ending it for good (PTB aborts its polling loop on InvalidToken).
"""

from __future__ import annotations

import time
from typing import Any

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    ProcessCollector,
    generate_latest,
)
from telegram.error import NetworkError
from telegram.request import BaseRequest, RequestData

# Bot API methods that put a message in front of a user.
SENDING_METHODS = frozenset(
    "sendMessage editMessageText sendDocument sendPhoto answerCallbackQuery "
    "answerInlineQuery".split()
)


class Metrics:
    """The bot's metrics, in a registry of their own (one per Application)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)  # RSS, CPU, open files
        r = self.registry
        self.updates = Counter(
            "diplobrief_updates_handled", "Telegram updates handled", ["type"], registry=r
        )
        self.latency = Histogram(
            "diplobrief_update_seconds",
            "time from taking an update to having answered it (all its handlers done)",
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
            registry=r,
        )
        self.requests = Counter(
            "diplobrief_telegram_requests",
            "Bot API requests by method and outcome (ok, 400, 401, 403, 429, 5xx, network)",
            ["method", "outcome"],
            registry=r,
        )
        self.sent = Counter(
            "diplobrief_messages_sent", "messages, edits and answers Telegram accepted",
            ["method"], registry=r,
        )  # fmt: skip
        self.rate_limited = Counter(
            "diplobrief_telegram_429", "429 Too Many Requests answers (each is waited out)",
            registry=r,
        )  # fmt: skip
        self.retried = Counter(
            "diplobrief_telegram_retried",
            "Bot API failures that are retried: 429, 5xx, network errors, 401 while polling",
            ["reason"],
            registry=r,
        )
        self.digests = Gauge(
            "diplobrief_digests",
            "delivery-log rows by status: sent, empty (delivered), failed, missed, pending",
            ["status"],
            registry=r,
        )
        self.tick_lag = Gauge(
            "diplobrief_tick_lag_seconds", "how late the last digest tick started", registry=r
        )
        self.tick_age = Gauge(
            "diplobrief_tick_age_seconds", "seconds since the digest tick last ran", registry=r
        )
        self.poll_age = Gauge(
            "diplobrief_progress_age_seconds",
            "seconds since Telegram was last heard from (getUpdates or a webhook update)",
            registry=r,
        )

    def render(self) -> bytes:
        """The text exposition format."""
        return generate_latest(self.registry)


def outcome_of(status: int) -> str:
    """A request's outcome label from its HTTP status (0: no answer)."""
    if status == 0:
        return "network"
    if 200 <= status < 300:
        return "ok"
    return "5xx" if status >= 500 else str(status)


class Progress:
    """Monotonic marks of the last sign of life from Telegram (for /healthz)."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.last_contact: float | None = None  # getUpdates answered, or a webhook update came

    def contact(self) -> None:
        self.last_contact = time.monotonic()

    def silent_for(self) -> float:
        """Seconds since the last contact (since start when there was none)."""
        return time.monotonic() - (self.last_contact or self.started)


class TelegramRequest(BaseRequest):
    """PTB's transport with metrics; `polling=True` also makes a 401 retryable (see above)."""

    def __init__(
        self, inner: BaseRequest, metrics: Metrics, progress: Progress, *, polling: bool = False
    ) -> None:
        self.inner = inner
        self.metrics = metrics
        self.progress = progress
        self.polling = polling

    @property
    def read_timeout(self) -> float | None:
        return self.inner.read_timeout

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

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
        api_method = url.rsplit("/", 1)[-1]
        try:
            status, payload = await self.inner.do_request(
                url, method, request_data, read_timeout, write_timeout, connect_timeout,
                pool_timeout,
            )  # fmt: skip
        except Exception:
            self._count(api_method, 0)
            raise
        self._count(api_method, status)
        if self.polling and status == 401:
            raise NetworkError("Telegram answered 401 Unauthorized (token revoked?); retrying")
        return status, payload

    def _count(self, api_method: str, status: int) -> None:
        outcome = outcome_of(status)
        self.metrics.requests.labels(api_method, outcome).inc()
        if outcome == "ok":
            if api_method == "getUpdates":
                self.progress.contact()
            elif api_method in SENDING_METHODS:
                self.metrics.sent.labels(api_method).inc()
            return
        if outcome == "429":
            self.metrics.rate_limited.inc()
        if outcome in ("429", "5xx", "network") or (outcome == "401" and self.polling):
            self.metrics.retried.labels(outcome).inc()
