"""A process that has begun to stop is gone within a bound, however its shutdown goes."""

from __future__ import annotations

import logging
import os
import threading

logger = logging.getLogger(__name__)


def exit_within(seconds: float, code: int, why: str) -> None:
    """End the process with `code` (saying `why`) if it is still running in `seconds`: a
    shutdown step that hangs (a job, a thread, a connection) cannot keep it alive."""

    def now() -> None:
        logger.error("%s: ending now", why)
        logging.shutdown()
        os._exit(code)

    timer = threading.Timer(seconds, now)
    timer.daemon = True
    timer.start()
