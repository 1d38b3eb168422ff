"""A digest cut to MAX_DIGEST_MESSAGES goes out with its button (issue 11, contract V4: 1,500 new
records made one tick send 37–42 messages to one chat)."""

from __future__ import annotations

import datetime as dt

from telegram import Bot

from bot.digests.broadcast import Broadcaster
from bot.digests.render import SummarizedPart
from bot.storage.base import Subscription
from bot.storage.sqlite import repositories
from bot.storage.sqlite.database import Database
from bot.telegram.fake_api import FakeBotAPI
from bot.telegram.inprocess import InProcessRequest
from bot.telegram.updates import make_chat, make_user

NINE_ALMATY = dt.datetime(2026, 8, 1, 4, 0, 30, tzinfo=dt.UTC)


async def capped(sub: Subscription, day: dt.date) -> list[str]:
    return ["part 1", "part 2", SummarizedPart("part 3\n…and 1480 more")]


async def test_the_summarised_last_part_carries_the_all_meetings_button(tmp_path):
    api = FakeBotAPI()
    api.add_chat(make_chat("private", user=make_user(1001)))
    database = await Database.open(tmp_path / "bot.sqlite3")
    try:
        store = repositories(database)
        created = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        sub = Subscription(1001, "daily", dt.time(9), "Asia/Almaty", "ru")
        await store.subscriptions.subscribe(sub, now=created)
        async with Bot("123456:TEST", request=InProcessRequest(api)) as bot:
            report = await Broadcaster(store, bot, capped).tick(NINE_ALMATY)
    finally:
        await database.close()
    assert report.sent == [(1001, "daily:2026-08-01")]
    markups = [call.params.get("reply_markup") for call in api.sent("sendMessage")]
    assert markups[:2] == [None, None]
    (button,) = markups[2]["inline_keyboard"][0]
    assert button["text"] == "Все встречи" and button["callback_data"].startswith("mtg:")
