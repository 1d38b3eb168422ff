"""/reload and /stats on a real Application and SQLite file, through the in-process Bot API."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from telegram import Update

from bot.app import build_application
from bot.context import ENGINE_KEY
from bot.digests.schedule import compute_due
from bot.settings import Settings
from bot.storage.base import Subscription
from bot.telegram.fake_api import FakeBotAPI
from bot.telegram.inprocess import InProcessRequest
from tests.support.limits import assert_telegram_limits
from tests.support.seedcopy import edit_event, event_files, read_records, write_records
from tests.support.updates import ADMIN_ID, USER_ID, command_update, user

NOW = dt.datetime(2026, 3, 2, 6, 0, tzinfo=dt.UTC)


class Bot:
    """A running Application on a copy of the seeds, with helpers to talk to it."""

    def __init__(self, application, api: FakeBotAPI, seeds: Path) -> None:
        self.application, self.api, self.seeds = application, api, seeds

    @property
    def engine(self):
        return self.application.bot_data[ENGINE_KEY]

    async def send(self, text: str, *, sender_id: int = ADMIN_ID, chat: str = "private") -> list:
        """Process `text` from `sender_id`; return the texts the bot sent in reply."""
        before = len(self.api.calls)
        update = command_update(text, chat=chat, sender=user("en", user_id=sender_id))
        await self.application.process_update(
            Update.de_json(self.api.receive(update), self.application.bot)
        )
        calls = self.api.calls[before:]
        for call in calls:
            assert_telegram_limits(call)
        return [call.params["text"] for call in calls if call.method == "sendMessage"]


@pytest.fixture
async def bot(tmp_path, request):
    from tests.support.seedcopy import copy_seeds

    seeds = copy_seeds(tmp_path)
    settings = Settings.from_env(
        {
            "BOT_DB": str(tmp_path / "bot.sqlite3"),
            "BOT_SEEDS_DIR": str(seeds),
            "BOT_ADMINS": str(ADMIN_ID),
        },
        dotenv=False,
    )
    api = FakeBotAPI()
    application = build_application(settings, InProcessRequest(api), rate_limiter=False)
    await application.initialize()
    await application.post_init(application)
    yield Bot(application, api, seeds)
    await application.post_shutdown(application)
    await application.shutdown()


async def test_non_operators_are_refused_politely_in_private_and_ignored_in_groups(bot):
    assert await bot.send("/stats", sender_id=USER_ID) == [
        "Sorry, this command is for the bot's operators only."
    ]
    assert await bot.send("/reload", sender_id=USER_ID, chat="group") == []
    assert await bot.send("/stats", sender_id=USER_ID, chat="group") == []


async def test_stats_reports_chats_subscriptions_deliveries_errors_and_events(bot):
    store = bot.engine
    for chat_id, kind in ((1, "private"), (2, "private"), (-100, "supergroup")):
        await store.chats.upsert(chat_id, kind)
    for chat_id in (1, 2, -100):
        await store.subscriptions.subscribe(
            Subscription(chat_id, "daily", dt.time(9), "Asia/Almaty", "en"), now=NOW
        )
    await store.subscriptions.deactivate(2, "403 Forbidden: bot was blocked by the user")
    grace, tomorrow = dt.timedelta(hours=6), NOW + dt.timedelta(days=1)
    chat_1 = lambda subs, existing, at: [  # noqa: E731
        due for due in compute_due(subs, existing, at, grace) if due.subscription.chat_id == 1
    ]
    await store.deliveries.plan(chat_1, tomorrow, grace, max_attempts=5)
    [claim] = await store.deliveries.claim("A", 10, 120, tomorrow)
    await store.deliveries.complete(claim, "sent", message_ids=[5])
    await store.stats.log_error("digest daily:2026-03-02 to 2", "403 <blocked> & gone")

    [answer] = await bot.send("/stats")

    assert "Chats: 3 (private 2, supergroup 1)" in answer
    assert "Subscriptions: 2 active, 1 inactive" in answer
    assert "Deliveries: sent 1" in answer
    assert f"Events: {len(bot.engine.seeds.events)}" in answer
    assert "Recent errors" in answer
    assert "403 &lt;blocked&gt; &amp; gone" in answer  # escaped, so the HTML stays valid


async def test_reload_picks_up_an_edited_record(bot):
    before = bot.engine.seeds.fingerprint
    edited = edit_event(
        bot.seeds,
        lambda record: True,
        lambda record: record["summary"].update(en="Edited summary for the reload test."),
    )

    [answer] = await bot.send("/reload")

    assert "Seeds reloaded" in answer
    assert "updated 1" in answer
    assert bot.engine.seeds.fingerprint != before
    assert bot.engine.seeds.events[edited["id"]].summary.en == "Edited summary for the reload test."


async def test_reload_with_broken_seeds_keeps_running_data_and_lists_problems(bot):
    seeds_before = bot.engine.seeds
    path = event_files(bot.seeds)[0]
    records = read_records(path)
    records[0]["kind"] = "<script>coup</script>"
    records[0]["participants"] = "not a list & not valid"
    write_records(path, records)

    answers = await bot.send("/reload")

    text = "\n".join(answers)
    assert "problem" in text
    assert path.name in text
    assert "&lt;script&gt;" in text and "<script>" not in text
    assert bot.engine.seeds is seeds_before  # nothing swapped
    [again] = await bot.send("/stats")
    assert f"Events: {len(seeds_before.events)}" in again


async def test_many_seed_problems_are_split_to_fit_telegram(bot):
    path = event_files(bot.seeds)[0]
    record = read_records(path)[0]
    broken = [
        {**record, "id": f"broken-{n}", "kind": "x" * 300, "participants": [{"person": "nobody"}]}
        for n in range(60)
    ]
    write_records(path, broken)

    answers = await bot.send("/reload")

    assert len(answers) > 1  # each within 4096 UTF-16 units: assert_telegram_limits checked it
    assert answers[0].startswith("❌")
