"""Digests as subscribers expect: anniversaries in a topic-filtered daily digest, the weekly kind,
and /subscribe all and /unsubscribe <kind> doing what they say (kk/ru/en)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.digests.compose import compose_digest
from bot.digests.render import render_digest
from bot.digests.schedule import compute_due, latest_schedule, next_schedule
from bot.records.loading import load_seeds
from bot.storage.base import Subscription
from tests.support.harness import REAL_SEEDS, running_bot, texts

HELSINKI = "helsinki-final-act"
ALMATY = ZoneInfo("Asia/Almaty")


@pytest.fixture(scope="module")
def seeds():
    return load_seeds(REAL_SEEDS)


def test_topics_filter_the_records_not_the_calendar(seeds):
    digest = compose_digest(seeds, dt.date(2025, 8, 1), topics=["climate"])
    (note,) = [n for n in digest.anniversaries if n.anniversary.id == HELSINKI]
    assert note.years == 50 and note.jubilee
    # Only records of the chat's topics are cited under it: the Malta council (climate), not
    # the 2019 talks (no climate).
    assert [e.id for e in note.mentioned_in] == ["2024-12-malta-osce-mc31"]
    for lang, words in (("en", "50 years ago today"), ("ru", "50 лет назад"), ("kk", "50 жыл")):
        assert words in "\n".join(render_digest(digest, seeds, lang))


def test_weekly_digest_holds_the_week_ahead_and_last_weeks_records(seeds):
    monday = dt.date(2025, 7, 28)
    changed = ["2019-04-08-astana-atamkulov-lajcak"]
    digest = compose_digest(seeds, monday, kind="weekly", changed_ids=changed)
    assert HELSINKI in [n.anniversary.id for n in digest.upcoming_anniversaries]  # Friday 1 Aug
    assert digest.anniversaries == () and digest.echoes == ()
    assert [e.id for e in digest.new_events] == changed
    april = compose_digest(seeds, dt.date(2026, 3, 30), kind="weekly")
    assert "2026-04-astana-regional-ecological-summit" in [e.id for e in april.upcoming_events]
    for lang, title in (("en", "Weekly"), ("ru", "Еженедельный"), ("kk", "Апталық")):
        assert title in render_digest(digest, seeds, lang)[0]


def test_weekly_goes_out_on_mondays():
    wednesday = dt.datetime(2026, 12, 2, 12, tzinfo=dt.UTC)
    day, _ = latest_schedule(wednesday, dt.time(9), ALMATY, weekly=True)
    assert day == dt.date(2026, 11, 30) and day.weekday() == 0
    assert next_schedule(wednesday, dt.time(9), ALMATY, weekly=True).astimezone(
        ALMATY
    ).date() == dt.date(2026, 12, 7)
    sub = Subscription(
        chat_id=1, kind="weekly", send_time=dt.time(9), timezone="Asia/Almaty", language="en"
    )
    (due,) = compute_due([sub], set(), wednesday, dt.timedelta(days=7))
    assert due.digest_key == "weekly:2026-11-30"
    assert compute_due([sub], {(1, "weekly:2026-11-30")}, wednesday, dt.timedelta(days=7)) == []


async def kinds(bot) -> list[str]:
    return [s.kind for s in await bot.engine.subscriptions.of_chat(bot.private["id"])]


@pytest.mark.parametrize(
    ("lang", "monday"),
    [("en", "every Monday"), ("ru", "каждый понедельник"), ("kk", "әр дүйсенбі")],
)
async def test_subscribe_weekly_and_all(tmp_path, lang, monday):
    async with running_bot(tmp_path, lang=lang) as bot:
        [text] = texts(await bot.send("/subscribe weekly 08:00"))
        assert monday in text
        assert await kinds(bot) == ["weekly"]
        [text] = texts(await bot.send("/subscribe all"))
        assert sorted(await kinds(bot)) == ["daily", "weekly"]  # all: daily and weekly


async def test_unsubscribe_a_kind_does_what_it_says(bot):
    await bot.send("/subscribe all 09:00")
    [text] = texts(await bot.send("/unsubscribe anniversaries"))
    assert "inside this chat's daily digest" in text and await kinds(bot) != []
    [text] = texts(await bot.send("/unsubscribe weekly"))
    assert "no more weekly digest" in text and await kinds(bot) == ["daily"]
    [text] = texts(await bot.send("/unsubscribe weekly"))
    assert "has no weekly digest" in text and "daily digest" in text
    await bot.send("/unsubscribe all")
    assert await kinds(bot) == []


async def test_topic_filtered_daily_digest_shows_the_helsinki_jubilee(bot):
    await bot.send("/subscribe daily 09:00 climate")
    text = "\n".join(texts(await bot.send("/digest 2025-08-01")))
    assert "Helsinki Final Act" in text and "50 years ago today" in text
