"""A process that has begun to stop is gone within a bound, however its shutdown goes."""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

logger = logging.getLogger(__name__)

_LEFTOVERS: set[Path] = set()  # folders a hard stop removes (a normal exit removes its own)


@contextlib.contextmanager
def removed_on_hard_stop(folder: Path) -> Iterator[Path]:
    """While inside, a hard stop (`exit_within`) removes `folder` before it ends the process:
    a scratch folder is not left behind because a shutdown step hung."""
    _LEFTOVERS.add(folder)
    try:
        yield folder
    finally:
        _LEFTOVERS.discard(folder)


def exit_within(seconds: float, code: int, why: str) -> None:
    """End the process with `code` (saying `why`) if it is still running in `seconds`: a
    shutdown step that hangs (a job, a thread, a connection) cannot keep it alive."""

    def now() -> None:
        logger.error("%s: ending now", why)
        for folder in list(_LEFTOVERS):
            shutil.rmtree(folder, ignore_errors=True)
        logging.shutdown()
        os._exit(code)

    timer = threading.Timer(seconds, now)
    timer.daemon = True
    timer.start()
