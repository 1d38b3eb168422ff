"""Settings for every entry point, read once from the environment (and `.env` if present)."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import load_dotenv

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(ValueError):
    """An environment variable holds a value the bot cannot use."""


def _int_list(raw: str, name: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in raw.replace(";", ",").split(",") if part.strip())
    except ValueError as exc:
        message = f"{name} must be comma-separated Telegram user ids, got {raw!r}"
        raise SettingsError(message) from exc


def _positive(raw: str, name: str) -> float | None:
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if value <= 0:
        raise SettingsError(f"{name} must be a positive number of seconds, got {raw!r}")
    return value


def _port(raw: str, name: str) -> int | None:
    """A TCP port, or None when empty."""
    if not raw:
        return None
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise SettingsError(f"{name} must be a TCP port (1-65535), got {raw!r}")
    return int(raw)


def _hours(raw: str, name: str, default: float) -> float:
    """A non-negative number of hours."""
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 <= value < float("inf"):
        raise SettingsError(f"{name} must be a number of hours (0 or more), got {raw!r}")
    return value


def _bool(raw: str, name: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"", "0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{name} must be 1 or 0, got {raw!r}")


def _database_url(raw: str, name: str) -> str | None:
    """A PostgreSQL URL, or None (SQLite at BOT_DB). The value is never echoed: it may hold a
    password."""
    if not raw:
        return None
    scheme = raw.partition("://")[0].lower() if "://" in raw else ""
    if scheme not in ("postgresql", "postgres"):
        raise SettingsError(
            f"{name} must be a postgresql://user:password@host:port/database URL"
            f" (got {'a ' + scheme + ':// URL' if scheme else 'something else'}); leave it unset"
            " for SQLite at BOT_DB"
        )
    return raw


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def _log_level(raw: str, name: str) -> str:
    level = raw.upper() or "INFO"
    if level not in LOG_LEVELS:
        raise SettingsError(f"{name} must be one of {', '.join(LOG_LEVELS)}, got {raw!r}")
    return level


@dataclass(frozen=True)
class Settings:
    """Everything configurable about the bot; build it with `Settings.from_env()`."""

    token: str | None = None
    base_url: str | None = None
    db_path: Path = PROJECT_ROOT / "data" / "bot.sqlite3"
    database_url: str | None = None  # postgresql://…: several instances on one database
    seeds_dir: Path = PROJECT_ROOT / "seeds"
    tz: str = "Asia/Almaty"
    admins: tuple[int, ...] = ()
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"  # behind a TLS proxy on the same host; 0.0.0.0 if told
    webhook_port: int = 8443
    webhook_secret: str | None = None
    health_port: int | None = None
    health_listen: str = "127.0.0.1"
    tick_seconds: float | None = None  # None: the digest tick's own default (60 s)
    digest_grace_hours: float = 6.0
    send_empty_digests: bool = False
    log_level: str = "INFO"
    force_polling: bool = False  # poll even though Telegram has a webhook set (deletes it)
    claim_lease_seconds: float = 120.0  # a digest claim not renewed for this long is taken over

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, dotenv: bool = True) -> Settings:
        """Read settings from `env` (default: os.environ after loading `.env`)."""
        if env is None:
            if dotenv:
                load_dotenv(PROJECT_ROOT / ".env", override=False)
            env = dict(os.environ)
        get = lambda key: (env.get(key) or "").strip()  # noqa: E731
        settings = cls(
            token=get("TELEGRAM_BOT_TOKEN") or None,
            base_url=get("TELEGRAM_BASE_URL") or None,
            db_path=Path(get("BOT_DB") or cls.db_path),
            database_url=_database_url(get("BOT_DATABASE_URL"), "BOT_DATABASE_URL"),
            seeds_dir=Path(get("BOT_SEEDS_DIR") or cls.seeds_dir),
            tz=get("BOT_TZ") or cls.tz,
            admins=_int_list(get("BOT_ADMINS"), "BOT_ADMINS"),
            webhook_url=get("BOT_WEBHOOK_URL") or None,
            webhook_listen=get("BOT_WEBHOOK_LISTEN") or cls.webhook_listen,
            webhook_port=_port(get("BOT_WEBHOOK_PORT"), "BOT_WEBHOOK_PORT") or cls.webhook_port,
            webhook_secret=get("BOT_WEBHOOK_SECRET") or None,
            health_port=_port(get("BOT_HEALTH_PORT"), "BOT_HEALTH_PORT"),
            health_listen=get("BOT_HEALTH_LISTEN") or cls.health_listen,
            tick_seconds=_positive(get("BOT_TICK_SECONDS"), "BOT_TICK_SECONDS"),
            digest_grace_hours=_hours(
                get("BOT_DIGEST_GRACE_HOURS"), "BOT_DIGEST_GRACE_HOURS", cls.digest_grace_hours
            ),
            send_empty_digests=_bool(get("BOT_SEND_EMPTY_DIGESTS"), "BOT_SEND_EMPTY_DIGESTS"),
            log_level=_log_level(get("BOT_LOG_LEVEL"), "BOT_LOG_LEVEL"),
            force_polling=_bool(get("BOT_FORCE_POLLING"), "BOT_FORCE_POLLING"),
            claim_lease_seconds=_positive(get("BOT_CLAIM_LEASE_SECONDS"), "BOT_CLAIM_LEASE_SECONDS")
            or cls.claim_lease_seconds,
        )
        settings.zone()  # fail early on an unknown zone
        return settings

    def zone(self) -> ZoneInfo:
        """The default IANA time zone for chats that set none."""
        try:
            return ZoneInfo(self.tz)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise SettingsError(f"BOT_TZ: unknown IANA time zone {self.tz!r}") from exc

    def with_(self, **changes: Any) -> Settings:
        """A copy with some fields changed (for tests and command-line overrides)."""
        return replace(self, **changes)
