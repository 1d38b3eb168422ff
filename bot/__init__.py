"""Diplomatic briefing bot: event records, fuzzy search and digests for Telegram."""

__version__ = "0.1.0"
