"""Diplomatic briefing bot: event records, fuzzy search and digests for Telegram."""

import os

__version__ = "0.1.0"

# Opt in to PTB's timedelta durations now (the default in its next major version): without it
# PTB 22 warns on every RetryAfter it builds. The bot reads durations only through
# bot.telegram.limits.retry_after_seconds, which takes either form. An explicit setting is kept.
os.environ.setdefault("PTB_TIMEDELTA", "true")
