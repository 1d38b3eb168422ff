"""The strings that must never be printed (the token, its secret half, the webhook secret, the
database password), and
the scrubbing every output path applies: log lines, tracebacks, error reports, /healthz."""

from __future__ import annotations

import contextlib
import logging
from urllib.parse import urlsplit

from bot.settings import Settings

REDACTED = "[REDACTED]"


def secrets_of(settings: Settings) -> tuple[str, ...]:
    """The strings that must never reach a log line or a chat: the token, its secret half, and
    the webhook secret, and the password in BOT_DATABASE_URL."""
    found: list[str] = []
    if settings.token:
        found.append(settings.token)
        secret_half = settings.token.partition(":")[2]
        if len(secret_half) >= 8:
            found.append(secret_half)
    if settings.webhook_secret and len(settings.webhook_secret) >= 8:
        found.append(settings.webhook_secret)
    if settings.database_url:
        with contextlib.suppress(ValueError):
            password = urlsplit(settings.database_url).password
            if password and len(password) >= 4:
                found.append(password)
    return tuple(found)


def scrub(text: str, secrets: tuple[str, ...]) -> str:
    """`text` with every secret replaced by `[REDACTED]`."""
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    return text


class SecretScrubber(logging.Filter):
    """A handler filter that removes the token from every record's message and traceback."""

    def __init__(self, secrets: tuple[str, ...]) -> None:
        super().__init__("secret-scrubber")
        self.secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = scrub(message, self.secrets)
        if clean != message or record.args:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text, self.secrets)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info, self.secrets)
        return True


def install_scrubber(secrets: tuple[str, ...]) -> SecretScrubber:
    """Scrub `secrets` in every handler of the root logger (where all records end up)."""
    scrubber = SecretScrubber(secrets)
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig()
    for handler in root.handlers:
        handler.addFilter(scrubber)
    # httpx logs every request URL at INFO, and the URL holds the token.
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLogger(noisy).level))
    return scrubber
