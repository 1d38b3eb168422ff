"""Digests: what a chat is sent, when, and how it gets there exactly once.

compose (`Digest`, `compose_digest`, rendering) · schedule (which digests are due) · broadcast
(per-tick composition cache, `Broadcaster` and Telegram's error policy) · calendar (`.ics`).
May import `bot.records`, `bot.search`, `bot.storage`, `bot.i18n` and `bot.conversation.cards`.
"""
