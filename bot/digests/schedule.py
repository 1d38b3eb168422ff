"""What is due at a given moment: schedule arithmetic in each chat's IANA time zone.

The scheduler is a pure function of the subscriptions table, the delivery log and `now`, which the
caller passes in (tests drive it with a chosen clock). For each active subscription it takes the
most recent scheduled local time at or before `now` and names that digest by kind and local date
(`daily:2026-08-01`); a digest with no row in the delivery log is due. One due within the grace
period is sent late; one older than that is recorded as 'missed'.

Daylight saving time, as zoneinfo resolves it with fold=0 (documented choice):
- a local time that does not exist (Vienna 02:30 on the last Sunday of March) is read with the
  offset before the change, so it fires at 03:30 CEST, i.e. as soon as the clock jumps past it;
- a local time that happens twice (02:30 on the last Sunday of October) fires at its first
  occurrence (CEST); the digest key is per local date, so the second occurrence sends nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.storage.base import Stores, Subscription


@dataclass(frozen=True)
class DueDigest:
    """One digest that has no delivery row yet: send it, or record it missed when `late`."""

    subscription: Subscription
    digest_key: str
    local_date: dt.date
    due_at: dt.datetime  # UTC
    late: bool


def zone_or_none(name: str) -> ZoneInfo | None:
    """The IANA zone called `name`, or None when there is no such zone."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def scheduled_at(day: dt.date, send_time: dt.time, zone: ZoneInfo) -> dt.datetime:
    """The UTC moment of `send_time` on local `day` in `zone` (see the module notes on DST)."""
    local = dt.datetime.combine(day, send_time).replace(tzinfo=zone, fold=0)
    return local.astimezone(dt.UTC)


WEEKLY_DAY = 0  # the weekly digest goes out on Mondays (date.weekday())


def latest_schedule(
    now: dt.datetime, send_time: dt.time, zone: ZoneInfo, *, weekly: bool = False
) -> tuple[dt.date, dt.datetime]:
    """The local date and UTC moment of the most recent schedule at or before `now`
    (with `weekly`, the most recent Monday's)."""
    today = now.astimezone(zone).date()
    for back in range(9 if weekly else 3):
        day = today - dt.timedelta(days=back)
        if weekly and day.weekday() != WEEKLY_DAY:
            continue
        due = scheduled_at(day, send_time, zone)
        if due <= now:
            return day, due
    raise AssertionError("a schedule always fired within a week")  # pragma: no cover


def next_schedule(
    now: dt.datetime, send_time: dt.time, zone: ZoneInfo, *, weekly: bool = False
) -> dt.datetime:
    """The UTC moment of the first schedule strictly after `now` (for /settings)."""
    today = now.astimezone(zone).date()
    for offset in range(9 if weekly else 3):
        day = today + dt.timedelta(days=offset)
        if weekly and day.weekday() != WEEKLY_DAY:
            continue
        due = scheduled_at(day, send_time, zone)
        if due > now:
            return due
    raise AssertionError("a daily schedule always fires within two days")  # pragma: no cover


def digest_key(kind: str, local_date: dt.date) -> str:
    """The delivery-log key of one chat's digest: `daily:2026-08-01`."""
    return f"{kind}:{local_date.isoformat()}"


def key_date(key: str) -> dt.date:
    """The local date a digest key stands for."""
    return dt.date.fromisoformat(key.split(":", 1)[1])


def compute_due(
    subscriptions: list[Subscription],
    existing: set[tuple[int, str]],
    now: dt.datetime,
    grace: dt.timedelta,
) -> list[DueDigest]:
    """The pure core of `due_deliveries`: which subscriptions have a digest with no log row."""
    due: list[DueDigest] = []
    for sub in subscriptions:
        zone = zone_or_none(sub.timezone)
        if zone is None or not sub.active:
            continue
        day, at = latest_schedule(now, sub.send_time, zone, weekly=sub.kind == "weekly")
        if sub.created_at and at < sub.created_at.replace(second=0, microsecond=0):
            continue  # subscribed after today's time: the first digest is tomorrow's
        key = digest_key(sub.kind, day)
        if (sub.chat_id, key) in existing:
            continue
        due.append(DueDigest(sub, key, day, at, late=now - at > grace))
    return due


async def due_deliveries(stores: Stores, now: dt.datetime, grace: dt.timedelta) -> list[DueDigest]:
    """Every digest due at `now` that the delivery log has not seen, read from the database."""
    subscriptions = await stores.subscriptions.active()
    candidates = []
    for sub in subscriptions:
        zone = zone_or_none(sub.timezone)
        if zone is not None:
            day, _ = latest_schedule(now, sub.send_time, zone, weekly=sub.kind == "weekly")
            candidates.append((sub.chat_id, digest_key(sub.kind, day)))
    existing = await stores.deliveries.existing_keys(candidates)
    return compute_due(subscriptions, existing, now, grace)
