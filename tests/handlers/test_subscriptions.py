"""/subscribe, /unsubscribe, /settings, /digest, /calendar and membership updates, through the
real Application, a real SQLite file and the in-process Bot API."""

from __future__ import annotations

import datetime as dt

import pytest
from icalendar import Calendar
from telegram import Update

from bot.app import build_application
from bot.conversation.arguments import parse_digest_day
from bot.engine import Engine
from bot.i18n import t
from bot.settings import PROJECT_ROOT, Settings
from bot.telegram.fake_api import FakeBotAPI
from bot.telegram.inprocess import InProcessRequest
from bot.telegram.updates import (
    make_callback_update,
    make_channel_post,
    make_chat,
    make_my_chat_member,
)
from tests.support.harness import running_bot
from tests.support.harness import texts as bot_texts
from tests.support.updates import ADMIN_ID, command_update, user

CHANNEL = make_chat("channel", title="Morning <Brief>")
GROUP = make_chat("group")


@pytest.fixture
async def app(tmp_path):
    api = FakeBotAPI()
    settings = Settings(db_path=tmp_path / "bot.sqlite3", seeds_dir=PROJECT_ROOT / "seeds")
    application = build_application(settings, InProcessRequest(api), rate_limiter=False)
    await application.initialize()
    await application.bot_data["engine"].open()
    application.api = api  # type: ignore[attr-defined]
    yield application
    await application.bot_data["engine"].close()
    await application.shutdown()


async def send(app, update: dict) -> list:
    """Feed one update through the Application; return the Bot API calls it made."""
    api = app.api
    before = len(api.calls)
    await app.process_update(Update.de_json(api.receive(update), app.bot))
    return api.calls[before:]


def texts(calls) -> list[str]:
    """The texts of the messages and documents the bot sent."""
    sent = [c for c in calls if c.method in ("sendMessage", "sendDocument", "editMessageText")]
    return [c.params.get("text") or c.params.get("caption") or "" for c in sent]


def repo(app) -> Engine:
    return app.bot_data["engine"]


async def test_subscribe_in_private_with_time_and_topic(app):
    calls = await send(app, command_update("/subscribe daily 08:30 климат", lang="ru"))
    assert "Подписка оформлена" in texts(calls)[0] and "08:30" in texts(calls)[0]
    (sub,) = await repo(app).subscriptions.of_chat(1001)
    assert (sub.kind, sub.send_time, sub.timezone, sub.language) == (
        "daily", dt.time(8, 30), "Asia/Almaty", "ru"
    )  # fmt: skip
    assert sub.topics == ("climate",)


async def test_bad_time_is_refused_politely_and_nothing_saved(app):
    calls = await send(app, command_update("/subscribe 25:99"))
    assert "not a time of day" in texts(calls)[0]
    assert await repo(app).subscriptions.of_chat(1001) == []


async def test_subscribe_with_only_unknown_topics_saves_nothing(app):
    calls = await send(app, command_update("/subscribe 08:30 qwzx блаблабла", lang="en"))
    assert "qwzx" in texts(calls)[0] and "Nothing was changed" in texts(calls)[0]
    assert await repo(app).subscriptions.of_chat(1001) == []  # not silently "every topic"
    await send(app, command_update("/subscribe климат qwzx", lang="en"))
    # the known one kept:
    assert (await repo(app).subscriptions.of_chat(1001))[0].topics == ("climate",)


async def test_group_admin_subscribes_and_non_admin_is_refused(app):
    admin = user("en", ADMIN_ID, "Dana")
    app.api.add_chat(GROUP)
    app.api.set_member(GROUP["id"], admin, "administrator")
    refused = await send(app, command_update("/subscribe", GROUP))
    assert "only this chat's administrators" in texts(refused)[0]
    assert await repo(app).subscriptions.of_chat(GROUP["id"]) == []
    done = await send(app, command_update("/subscribe anniversaries", GROUP, sender=admin))
    assert "Subscribed" in texts(done)[0]
    assert [s.kind for s in await repo(app).subscriptions.of_chat(GROUP["id"])] == ["anniversaries"]
    # Anyone may read the settings, but not change them.
    shown = await send(app, command_update("/settings", GROUP))
    assert "Digest settings" in texts(shown)[0]
    changed = await send(app, command_update("/settings time 07:15", GROUP))
    assert "only this chat's administrators" in texts(changed)[0]


async def test_forum_topic_subscription_posts_into_its_thread(app):
    update = command_update("/subscribe", "private")
    update["message"]["message_thread_id"] = 77
    update["message"]["is_topic_message"] = True
    await send(app, update)
    assert (await repo(app).subscriptions.of_chat(1001))[0].thread_id == 77


async def test_subscribe_by_posting_in_the_channel(app):
    calls = await send(app, make_channel_post("/subscribe 07:00", CHANNEL))
    assert "Subscribed" in texts(calls)[0]
    (sub,) = await repo(app).subscriptions.of_chat(CHANNEL["id"])
    assert sub.send_time == dt.time(7)
    assert (await repo(app).chats.get(CHANNEL["id"])).title == "Morning <Brief>"


async def test_channel_admin_subscribes_the_channel_from_private(app):
    admin = user("en", ADMIN_ID, "Dana")
    app.api.add_chat(CHANNEL)
    app.api.set_member(CHANNEL["id"], admin, "administrator")
    command = f"/subscribe {CHANNEL['id']} 08:00"
    # Until the bot administers the channel, Telegram does not tell it who does.
    bot_missing = await send(app, command_update(command, sender=admin))
    assert "cannot post" in texts(bot_missing)[0]
    app.api.set_member(CHANNEL["id"], app.api.me, "administrator")
    refused = await send(app, command_update(command))  # user 1001 is no admin there
    assert "not an administrator" in texts(refused)[0]
    done = await send(app, command_update(command, sender=admin))
    assert "Subscribed" in texts(done)[0]
    assert (await repo(app).subscriptions.of_chat(CHANNEL["id"]))[0].created_by == ADMIN_ID
    unknown = await send(app, command_update("/subscribe @nosuchchannel", sender=admin))
    assert "cannot find the channel" in texts(unknown)[0]


async def test_unsubscribe(app):
    await send(app, command_update("/subscribe"))
    calls = await send(app, command_update("/unsubscribe"))
    assert "no more digests" in texts(calls)[0]
    assert await repo(app).subscriptions.of_chat(1001) == []
    again = await send(app, command_update("/unsubscribe"))
    assert "no digest subscription" in texts(again)[0]


async def test_settings_buttons_change_time_and_language_and_reject_forgeries(app):
    await send(app, command_update("/subscribe"))
    (shown,) = await send(app, command_update("/settings"))
    keyboard = shown.params["reply_markup"]["inline_keyboard"]
    data = [b["callback_data"] for row in keyboard for b in row]
    assert all(len(d.encode()) <= 64 for d in data)
    message = app.api.messages[(1001, max(m for c, m in app.api.messages if c == 1001))]
    await send(app, make_callback_update("dg:t:0700:1001", message, user()))
    await send(app, make_callback_update("dg:l:kk:1001", message, user()))
    (sub,) = await repo(app).subscriptions.of_chat(1001)
    assert (sub.send_time, sub.language) == (dt.time(7), "kk")
    forged = await send(app, make_callback_update("dg:t:0700:-100999", message, user()))
    answer = [c for c in forged if c.method == "answerCallbackQuery"]
    assert answer and answer[0].params.get("show_alert")
    junk = await send(app, make_callback_update("dg:zz:<b>:1", message, user()))
    assert [c for c in junk if c.method == "answerCallbackQuery"]
    assert not app.api.unanswered_callbacks


async def test_settings_time_zone_by_city_name(app):
    await send(app, command_update("/subscribe"))
    await send(app, command_update("/settings tz Вена"))
    assert (await repo(app).subscriptions.of_chat(1001))[0].timezone == "Europe/Vienna"
    bad = await send(app, command_update("/settings tz Atlantis <b>"))
    assert "Atlantis &lt;b&gt;" in texts(bad)[0]


async def test_settings_unknown_topic_or_bad_time_keeps_what_the_chat_chose(app):
    await send(app, command_update("/subscribe 08:30 климат", lang="ru"))
    topic = await send(app, command_update("/settings topics qwzx", lang="ru"))
    assert "qwzx" in texts(topic)[0] and "остались прежними" in texts(topic)[0]
    time = await send(app, command_update("/settings time 25:99", lang="ru"))
    assert "25:99" in texts(time)[0] and "ЧЧ:ММ" in texts(time)[0]
    (sub,) = await repo(app).subscriptions.of_chat(1001)
    assert (sub.topics, sub.send_time) == (("climate",), dt.time(8, 30))
    await send(app, command_update("/settings тақырыптар су", lang="kk"))
    assert (await repo(app).subscriptions.of_chat(1001))[0].topics == ("water",)


async def test_digest_for_the_fiftieth_helsinki_anniversary(app):
    calls = await send(app, command_update("/digest 2025-08-01"))
    text = "\n".join(texts(calls))
    assert "Helsinki Final Act" in text and "50 years ago today" in text
    bad = await send(app, command_update("/digest someday"))
    assert "YYYY-MM-DD" in texts(bad)[0]


async def test_calendar_is_an_ics_with_the_helsinki_anniversary(app):
    (call,) = [
        c for c in await send(app, command_update("/calendar")) if c.method == "sendDocument"
    ]
    upload = call.params["document"]
    assert upload.filename.endswith(".ics")
    entries = list(Calendar.from_ical(upload.content).walk("VEVENT"))
    assert any("Helsinki" in str(entry["summary"]) for entry in entries)


async def test_bot_removed_from_group_deactivates_and_migration_moves(app):
    admin = user("en", ADMIN_ID, "Dana")
    app.api.add_chat(GROUP)
    app.api.set_member(GROUP["id"], admin, "administrator")
    await send(app, command_update("/subscribe", GROUP, sender=admin))
    await send(app, make_my_chat_member(GROUP, admin, app.api.me, "member", "kicked"))
    (sub,) = await repo(app).subscriptions.of_chat(GROUP["id"])
    assert not sub.active and "kicked" in sub.inactive_reason
    assert (await repo(app).chats.get(GROUP["id"])).status == "kicked"
    added = make_chat("group", chat_id=-4242)
    await send(app, make_my_chat_member(added, admin, app.api.me, "left", "member"))
    assert (await repo(app).chats.get(-4242)).status == "member"


async def test_minute_tick_sends_the_composed_digest_once(app):
    from bot.context import BriefingContext
    from bot.storage.base import Subscription

    await repo(app).subscriptions.subscribe(
        Subscription(1001, "daily", dt.time(9), "Asia/Almaty", "en"),
        now=dt.datetime(2025, 7, 1, tzinfo=dt.UTC),
    )
    app.api.add_chat(make_chat("private", user=user()))
    (job,) = app.job_queue.jobs()
    assert job.name == "digest-tick"
    broadcaster = job.data.get(BriefingContext.from_job(job, app))
    nine = dt.datetime(2025, 8, 1, 4, 0, 30, tzinfo=dt.UTC)  # 09:00:30 in Almaty
    first = await broadcaster.tick(nine)
    second = await broadcaster.tick(nine + dt.timedelta(minutes=1))
    assert first.sent == [(1001, "daily:2025-08-01")] and second.sent == []
    sent = "\n".join(c.params["text"] for c in app.api.sent("sendMessage", 1001))
    assert "Helsinki Final Act" in sent and "50 years ago today" in sent


def test_subscribe_arguments_in_any_order():
    from bot.conversation.arguments import parse_subscribe_args

    args = parse_subscribe_args(["@osce_desk", "08:30", "all", "изменение", "климата"])
    # "all" is every kind that does not repeat another: daily + weekly (issue 14)
    assert (args.target, args.kind, args.send_time) == ("@osce_desk", "all", dt.time(8, 30))
    assert parse_subscribe_args(["weekly", "07:00"]).kind == "weekly"
    assert args.topic_query == "изменение климата"
    assert parse_subscribe_args(["24:00"]).bad_times == ["24:00"]
    assert parse_subscribe_args(["anniversaries"]).kind == "anniversaries"


def test_time_zone_by_iana_name_or_gazetteer_city(app):
    from bot.conversation.arguments import resolve_timezone

    seeds = app.bot_data["engine"].seeds
    assert resolve_timezone("Tashkent", seeds) == "Asia/Tashkent"
    assert resolve_timezone("Вена", seeds) == "Europe/Vienna"
    assert resolve_timezone("asia/almaty", seeds) == "Asia/Almaty"
    assert resolve_timezone("Atlantis", seeds) is None
    assert resolve_timezone("x" * 500, seeds) is None


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", ["I don't know the language “xx”", "“Xx” is not a kind of digest"]),
        ("ru", ["Язык «xx» мне неизвестен", "«Xx» — не вид дайджеста"]),
        ("kk", ["«xx» тілін білмеймін", "«Xx» — дайджест түрі емес"]),
    ],
)
async def test_settings_says_which_language_or_kind_it_does_not_know(tmp_path, lang, said):
    async with running_bot(tmp_path, lang=lang) as bot:
        await bot.send("/subscribe anniversaries")
        [bad_lang] = bot_texts(await bot.send("/settings lang xx"))
        [bad_kind] = bot_texts(await bot.send("/settings kind Xx"))
        (sub,) = await bot.engine.subscriptions.of_chat(bot.private["id"])
    assert bad_lang.startswith(said[0]) and "kk, ru" in bad_lang
    assert bad_kind.startswith(said[1]) and "anniversaries" in bad_kind
    assert (sub.language, sub.kind) == (lang, "anniversaries")  # nothing changed


async def test_settings_kind_and_language_in_the_chats_own_words(tmp_path):
    async with running_bot(tmp_path, lang="ru") as bot:
        await bot.send("/subscribe")
        await bot.send("/settings вид годовщины")
        await bot.send("/settings язык english")
        (sub,) = await bot.engine.subscriptions.of_chat(bot.private["id"])
        assert (sub.kind, sub.language) == ("anniversaries", "en")
        [bare] = bot_texts(await bot.send("/settings язык"))
    assert bare == t("ru", "settings.usage")


async def test_settings_title_has_no_trailing_space_unless_paused(bot):
    await bot.send("/subscribe")
    [shown] = bot_texts(await bot.send("/settings"))
    assert shown.startswith("<b>Digest settings</b>\n")
    await bot.engine.subscriptions.deactivate(bot.private["id"], "blocked")
    [paused] = bot_texts(await bot.send("/settings"))
    assert paused.startswith("<b>Digest settings</b> (paused: blocked)\n")


ODD_DATES = {  # what /digest gets, and a piece of each answer
    "en": {
        "2025-02-29": "no day “2025-02-29”",
        "9999-12-31": "31 December 2100",
        "<b>": "&lt;b&gt;",
    },
    "ru": {"2024-13-01": "Дня «2024-13-01»", "0001-01-01": "1 января 1900", "послезавтра": "ГГГГ"},
    "kk": {"2023-02-29": "«2023-02-29» деген күн жоқ", "9999-12-31": "2100", "ертеңгі": "ЖЖЖЖ"},
}


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
async def test_digest_says_what_is_wrong_with_an_odd_date(tmp_path, lang):
    async with running_bot(tmp_path, lang=lang) as bot:
        for word, said in ODD_DATES[lang].items():
            [text] = bot_texts(await bot.send(f"/digest {word}"))
            assert said in text


async def test_digest_for_tomorrow_in_each_language_and_for_a_dotted_date(bot):
    tomorrow: list[str] = []
    for word in ("tomorrow", "завтра", "ертең"):
        digest = bot_texts(await bot.send(f"/digest {word}"))
        tomorrow.append(digest[0].split("\n")[0])
    assert len(set(tomorrow)) == 1  # the same day, whichever language asked
    dotted = bot_texts(await bot.send("/digest 01.08.2025"))
    assert dotted == bot_texts(await bot.send("/digest 2025-08-01"))
    assert "Helsinki Final Act" in "\n".join(dotted)


def test_parse_digest_day_words_and_limits():
    today = dt.date(2025, 12, 31)
    assert parse_digest_day("Tomorrow", today) == dt.date(2026, 1, 1)
    assert parse_digest_day("кеше", today) == dt.date(2025, 12, 30)
    assert parse_digest_day("2024-2-29", today) == dt.date(2024, 2, 29)
    assert parse_digest_day("29/02/2024", today) == dt.date(2024, 2, 29)
    assert parse_digest_day("2025-02-29", today) == "digest.no_such_day"
    assert parse_digest_day("1899-12-31", today) == "digest.out_of_range"
    assert parse_digest_day("2024-13", today) == "digest.bad_date"


async def test_subscribe_to_a_misspelt_channel_says_so_and_subscribes_nothing(bot):
    [text] = bot_texts(await bot.send("/subscribe @x daily"))
    assert "cannot find the channel @x" in text
    assert await bot.engine.subscriptions.of_chat(bot.private["id"]) == []


def _buttons(call) -> dict[str, str]:
    keyboard = call.params["reply_markup"]["inline_keyboard"]
    return {b["callback_data"]: b["text"] for row in keyboard for b in row}


async def test_settings_button_adds_and_stops_the_weekly_digest(app):
    await send(app, command_update("/subscribe"))
    (shown,) = await send(app, command_update("/settings"))
    assert _buttons(shown)["dg:w:on:1001"] == "+ weekly digest (Mondays)"
    message = app.api.messages[(1001, max(m for c, m in app.api.messages if c == 1001))]
    pressed = await send(app, make_callback_update("dg:w:on:1001", message, user()))
    kinds = [s.kind for s in await repo(app).subscriptions.of_chat(1001)]
    assert kinds == ["daily", "weekly"]
    (edited,) = [c for c in pressed if c.method == "editMessageText"]
    assert "Kind: daily digest + weekly digest (Mondays)" in edited.params["text"]
    assert _buttons(edited)["dg:w:off:1001"] == "✓ weekly digest (Mondays)"
    again = await send(app, make_callback_update("dg:w:on:1001", message, user()))
    assert [c.params.get("text") for c in again] == [t("en", "settings.already_set")]
    await send(app, make_callback_update("dg:w:off:1001", message, user()))
    assert [s.kind for s in await repo(app).subscriptions.of_chat(1001)] == ["daily"]


async def test_settings_weekly_off_in_words_and_when_it_was_the_only_digest(tmp_path):
    async with running_bot(tmp_path, lang="ru") as bot:
        await bot.send("/subscribe weekly")
        [bad] = bot_texts(await bot.send("/settings weekly может"))
        assert bad.startswith("«может»: напишите /settings weekly on")
        [stopped] = bot_texts(await bot.send("/settings апталық выкл"))
        assert stopped == t("ru", "sub.unsubscribed")
        assert await bot.engine.subscriptions.of_chat(bot.private["id"]) == []
        await bot.send("/subscribe anniversaries")
        [shown] = bot_texts(await bot.send("/settings weekly вкл"))
        assert "Вид: только годовщины + еженедельный дайджест (по понедельникам)" in shown
