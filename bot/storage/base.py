"""What every storage backend provides: the rows it returns and one Protocol per repository.

The rest of the bot sees only these types (through `Engine.chats`, `.subscriptions`,
`.deliveries`, `.stats`, `.seedstore`), never a connection or SQL. A backend (SQLite in
`bot.storage.sqlite`, PostgreSQL in `bot.storage.postgres`) implements every Protocol below and
returns a `Repositories`. What differs between SQL dialects (placeholders, upserts, RETURNING,
'now', how a transaction takes its write lock) stays inside the backend's package.

Times are aware UTC datetimes at this interface; `to_timestamp` is the one text form SQLite
stores them in (ISO 8601 with microseconds, which sorts as text).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Awaitable, Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from bot.records.seedset import SeedSet

KINDS: tuple[str, ...] = (
    "daily",
    "anniversaries",
    "weekly",
)  # digest kinds a chat may subscribe to
# A daily digest holds the anniversaries, so a chat has one of the two; weekly goes beside either.
EXCLUSIVE_KINDS: tuple[str, ...] = ("daily", "anniversaries")
# The errors table is a window, not an archive: the last ERRORS_KEPT rows of the last ERRORS_DAYS
# days (a flood of forged presses or a long outage cannot grow it without bound).
ERRORS_KEPT = 10_000
ERRORS_DAYS = 30


def replaced_kinds(kind: str) -> list[str]:
    """The kinds a new subscription of `kind` replaces in its chat."""
    return [k for k in EXCLUSIVE_KINDS if k != kind] if kind in EXCLUSIVE_KINDS else []


# -- time ------------------------------------------------------------------------------------------


def utc_now() -> dt.datetime:
    """Now, as an aware UTC datetime."""
    return dt.datetime.now(dt.UTC)


def to_timestamp(moment: dt.datetime | str) -> str:
    """The stored form of a moment: UTC ISO 8601 with microseconds (sorts as text).

    A naive datetime (or text without an offset) is taken as UTC.
    """
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment.strip())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def parse_timestamp(text: str | None) -> dt.datetime | None:
    """The aware datetime of a stored timestamp, or None."""
    return dt.datetime.fromisoformat(text) if text else None


# -- rows ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Chat:
    """A chat the bot has seen, with its per-chat overrides."""

    chat_id: int
    type: str
    title: str | None
    username: str | None
    language: str | None
    timezone: str | None
    status: str
    migrated_to: int | None


@dataclass(frozen=True)
class Subscription:
    """One chat's subscription to one kind of digest."""

    chat_id: int
    kind: str  # daily | anniversaries
    send_time: dt.time
    timezone: str
    language: str
    topics: tuple[str, ...] = ()
    thread_id: int | None = None
    active: bool = True
    inactive_reason: str | None = None
    created_by: int | None = None
    created_at: dt.datetime | None = None
    last_digest_at: dt.datetime | None = None


def subscription_from_row(
    row: Sequence[Any], moment: Callable[[Any], dt.datetime | None]
) -> Subscription:
    """A `Subscription` from the columns every backend selects in this order (chat_id, kind,
    send_time, timezone, language, topics, thread_id, active, inactive_reason, created_by,
    created_at, last_digest_at); `moment` reads the backend's timestamps."""
    hour, minute = (int(part) for part in row[2].split(":"))
    return Subscription(
        chat_id=row[0],
        kind=row[1],
        send_time=dt.time(hour, minute),
        timezone=row[3],
        language=row[4],
        topics=tuple(json.loads(row[5] or "[]")),
        thread_id=row[6],
        active=bool(row[7]),
        inactive_reason=row[8],
        created_by=row[9],
        created_at=moment(row[10]),
        last_digest_at=moment(row[11]),
    )


@dataclass(frozen=True)
class Delivery:
    """One row of the delivery log."""

    chat_id: int
    digest_key: str
    status: str  # pending | sent | failed | missed | empty
    attempts: int
    error: str | None
    due_at: dt.datetime
    sent_at: dt.datetime | None
    message_ids: tuple[int, ...]
    claimed_at: dt.datetime | None


@dataclass(frozen=True)
class SyncResult:
    """How many seed records a sync added, changed, removed and left alone, in all and by kind."""

    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    by_kind: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def touched(self) -> bool:
        """Whether the sync wrote any record."""
        return bool(self.added or self.changed or self.removed)


@dataclass(frozen=True)
class SeedUpdate:
    """What bringing the stored seeds up to date with the folder did.

    `seeds` is the new seed set; `result` None when nothing changed. `upserted` (events added
    or changed) and `removed` (ids) say what the search index must apply, unless `full`: then
    the folder was read whole and the index must be rebuilt.
    """

    seeds: SeedSet
    result: SyncResult | None
    upserted: tuple[Any, ...] = ()
    removed: tuple[str, ...] = ()
    full: bool = False


@dataclass(frozen=True)
class BotStats:
    """What an operator wants at a glance: audience, subscriptions, deliveries, errors, data."""

    chats_by_type: dict[str, int] = field(default_factory=dict)
    chats_left: int = 0  # chats the bot was removed from or blocked by
    subscriptions_active: int = 0
    subscriptions_inactive: int = 0
    deliveries_by_status: dict[str, int] = field(default_factory=dict)
    events: int = 0
    errors_total: int = 0
    recent_errors: tuple[tuple[str, str, str], ...] = ()  # (at, where, message), newest first

    @property
    def chats(self) -> int:
        """All chats the bot has seen."""
        return sum(self.chats_by_type.values())


# -- repositories ----------------------------------------------------------------------------------


class SeedStore(Protocol):
    """The database's copy of the seeds folder, and the search index built on it."""

    async def stored_fingerprint(self) -> str | None: ...
    async def ensure_seeds(self, folder: Path) -> tuple[SeedSet, SyncResult | None]: ...
    async def sync_seeds(
        self, seedset: SeedSet, *, now: dt.datetime | None = None
    ) -> SyncResult: ...
    async def read_seedset(self) -> SeedSet: ...
    async def update_seeds(
        self,
        folder: Path,
        current: SeedSet | None = None,
        on_events: Callable[[SeedSet, list[Any]], None] | None = None,
        written: Collection[str] | None = None,
    ) -> SeedUpdate:
        """Sync only the seed files that changed (all of them when the format did: then each
        events file's events go to `on_events` as they are read); `written`: the only files
        that may differ from what the last sync of `current` stored (`FolderWatch`)."""
        ...
    async def index_delta(self, version: int | None = None) -> list[str]:
        """Ids of the events changed since the stored search index (of format `version`, when
        the backend keeps several) was written."""
        ...
    async def save_index_blobs(
        self, fingerprint: str, version: int, blobs: dict[str, bytes]
    ) -> None: ...
    async def load_index_blobs(
        self, fingerprint: str | None, version: int
    ) -> dict[str, bytes] | None: ...
    async def changes_since(self, since: dt.datetime | str) -> list[tuple[str, str]]:
        """(stored updated_at, id) of the events added or edited after `since`, oldest first."""
        ...


class ChatRepository(Protocol):
    """Chats the bot has seen, and their per-chat settings."""

    async def upsert(self, chat_id: int, type_: str, title: str | None = None,
                     username: str | None = None, status: str | None = None,
                     now: dt.datetime | None = None) -> None: ...  # fmt: skip
    async def get(self, chat_id: int) -> Chat | None: ...
    async def language(self, chat_id: int) -> str | None: ...
    async def set_language(self, chat_id: int, chat_type: str, lang: str) -> None: ...
    async def set_status(self, chat_id: int, status: str, type_: str = "private",
                         now: dt.datetime | None = None) -> None: ...  # fmt: skip
    async def set_timezone(self, chat_id: int, timezone: str) -> None: ...
    async def migrate(self, old_id: int, new_id: int) -> None: ...


class SubscriptionRepository(Protocol):
    """Digest subscriptions: the scheduler's source of truth."""

    async def subscribe(
        self, sub: Subscription, now: dt.datetime | None = None
    ) -> Subscription: ...
    async def of_chat(self, chat_id: int, active_only: bool = False) -> list[Subscription]: ...
    async def active(self) -> list[Subscription]: ...
    async def update(self, chat_id: int, **fields: object) -> int: ...
    async def unsubscribe(self, chat_id: int, kind: str | None = None) -> int: ...
    async def deactivate(self, chat_id: int, reason: str) -> int: ...


Compute = Callable[[list[Subscription], set[tuple[int, str]], dt.datetime], Sequence[Any]]
"""`compute(subscriptions, existing keys, now)`: the due digests (objects with subscription,
digest_key, due_at, late), as bot.digests.schedule.compute_due returns them."""


@dataclass(frozen=True)
class Claim:
    """A delivery held by one sender until its lease runs out; `token` fences its writes."""

    chat_id: int
    digest_key: str
    token: int
    attempts: int
    due_at: dt.datetime
    message_ids: tuple[int, ...] = ()
    error: str | None = None


@dataclass(frozen=True)
class Planned:
    """What planning a tick wrote: digests queued, recorded missed, closed as failed."""

    queued: list[tuple[int, str]]
    missed: list[tuple[int, str]]
    failed: list[tuple[int, str]]


class DeliveryLog(Protocol):
    """The delivery log: one row per (chat, digest), planned once, claimed with a lease.

    `plan` writes a 'queued' row for each digest due at `now` and a 'missed' one for each too
    late, and closes claims that ran out of grace or attempts (None: another instance plans
    this tick). `claim` takes up to `limit` rows that are 'queued', or 'pending' with an
    expired lease, each with a new fencing token; `renew` extends the holder's leases.
    `save_progress`, `complete` and `release` change a row only while it holds the caller's
    token, and return False when it does not (another sender took the claim over: stop).
    `clock()` is the time every instance agrees on (the database's on PostgreSQL).
    """

    async def get(self, chat_id: int, digest_key: str) -> Delivery | None: ...
    async def all(self, chat_id: int | None = None) -> list[Delivery]: ...
    async def existing_keys(self, pairs: Iterable[tuple[int, str]]) -> set[tuple[int, str]]: ...
    async def clock(self) -> dt.datetime: ...
    async def plan(self, compute: Compute, now: dt.datetime | None, grace: dt.timedelta,
                   max_attempts: int) -> Planned | None: ...  # fmt: skip
    async def claim(self, owner: str, limit: int, lease: float,
                    now: dt.datetime | None = None) -> list[Claim]: ...  # fmt: skip
    async def renew(self, tokens: Sequence[int], lease: float,
                    now: dt.datetime | None = None) -> set[int]: ...  # fmt: skip
    async def save_progress(self, claim: Claim, message_ids: list[int]) -> bool: ...
    async def complete(self, claim: Claim, status: str, *, now: dt.datetime | None = None,
                       chat_id: int | None = None, message_ids: list[int] | None = None,
                       error: str | None = None, digested_kind: str | None = None,
                       where: str | None = None) -> bool: ...  # fmt: skip
    async def release(self, claim: Claim, error: str, retry_in: float,
                      now: dt.datetime | None = None) -> bool: ...  # fmt: skip


class StatsRepository(Protocol):
    """Operational figures and the error journal."""

    async def collect(self, recent: int = 5) -> BotStats: ...
    async def deliveries_by_status(self) -> dict[str, int]: ...
    async def ok(self) -> bool: ...
    async def log_error(self, where: str, message: str, now: dt.datetime | None = None) -> None: ...
    async def errors(self, limit: int = 100) -> list[tuple[str, str, str]]: ...


class Stores(Protocol):
    """Anything that hands out the repositories: an open `Repositories`, or the Engine."""

    @property
    def seedstore(self) -> SeedStore: ...
    @property
    def chats(self) -> ChatRepository: ...
    @property
    def subscriptions(self) -> SubscriptionRepository: ...
    @property
    def deliveries(self) -> DeliveryLog: ...
    @property
    def stats(self) -> StatsRepository: ...


class DataChanges(Protocol):
    """How an instance hears that another one changed the shared seeds or search index: a
    version bumped with every such write (`version`), notified to listeners (`listen` calls
    `on_change(version)` for each; idempotent, and connects again when the listener was lost)."""

    async def version(self) -> int: ...
    async def listen(self, on_change: Callable[[int], object]) -> None: ...
    async def close(self) -> None: ...


@dataclass
class Repositories:
    """One open backend: its repositories, and how to close it. `changes` is None when one
    process owns the data (SQLite); on a shared database, how to follow the others' writes."""

    seedstore: SeedStore
    chats: ChatRepository
    subscriptions: SubscriptionRepository
    deliveries: DeliveryLog
    stats: StatsRepository
    close: Callable[[], Awaitable[None]]
    changes: DataChanges | None = None
