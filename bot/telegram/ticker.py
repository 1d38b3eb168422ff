"""The digest tick on a monotonic clock.

handlers/digest.py registers the tick as a JobQueue job. APScheduler arms an interval
job from the wall clock, so a clock stepped back an hour (NTP correction, VM restore) stalls it
for that hour. In production `MonotonicTicker` runs the same job on the event loop's monotonic
clock instead: wall-clock steps neither stall nor repeat it (the tick reads the wall clock only
to know what is due, and the delivery log keeps every digest to one send).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time

from telegram.ext import Application, Job

log = logging.getLogger(__name__)


class MonotonicTicker:
    """Run `job` every `every` seconds (the first time after `first`), on the monotonic clock."""

    def __init__(self, job: Job, every: float, first: float = 10.0) -> None:
        self.job = job
        self.every = every
        self.first = first
        self.started_at: float | None = None
        self.last_run: float | None = None  # monotonic start of the last tick
        self.last_run_at: dt.datetime | None = None  # the same on the wall clock (for people)
        self.lag = 0.0  # how late the last tick started, in seconds
        self._task: asyncio.Task | None = None
        self._running: asyncio.Future | None = None  # the job's run under way

    def start(self, application: Application) -> None:
        """Take the job off APScheduler and start ticking."""
        self.job.enabled = False  # paused in APScheduler; we run it
        self.started_at = time.monotonic()
        self._task = asyncio.create_task(self._run(application), name="digest-ticker")

    async def stop(self) -> None:
        """Stop ticking. A tick under way ends first: PTB shields a job's run from being
        cancelled, so without waiting it would go on, and a broadcast it starts after the
        runner gathered the running ones would outlive the engine it sends from."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._running is not None:
            await self._running
            self._running = None

    def stalled_for(self) -> float:
        """Seconds since the tick last ran (since start when it never ran)."""
        last = self.last_run or self.started_at
        return 0.0 if last is None else time.monotonic() - last

    async def _run(self, application: Application) -> None:
        due = time.monotonic() + self.first
        while True:
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            now = time.monotonic()
            self.lag, self.last_run = now - due, now
            self.last_run_at = dt.datetime.now(dt.UTC)
            # errors go to the application's error handlers
            self._running = asyncio.ensure_future(self.job.run(application))
            await asyncio.shield(self._running)
            due += self.every
            if due < time.monotonic():  # the tick took longer than its interval: coalesce
                due = time.monotonic() + self.every
