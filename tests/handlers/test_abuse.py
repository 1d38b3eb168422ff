"""Abuse and load findings of issue 11 through the real Application: double taps, settings
keyboards, /event amplification, digest floods, forum topics, forged data, echoed controls and
the errors table."""

from __future__ import annotations

import datetime as dt

from bot.conversation.callbacks import parse_callback
from bot.digests.compose import Digest
from bot.digests.composer import more_keyboard
from bot.digests.render import MAX_DIGEST_MESSAGES, SummarizedPart, digest_messages
from bot.i18n import t
from bot.storage.base import ERRORS_KEPT
from bot.telegram.console import buttons
from bot.telegram.updates import make_callback_update, make_message_update
from tests.support.harness import button_data, texts

FORUM = {"id": -1005550000002, "type": "supergroup", "title": "Forum", "is_forum": True}
TOPIC = 77


def labels(calls) -> list[str]:
    return [
        button["text"]
        for call in calls
        for row in (call.params.get("reply_markup") or {}).get("inline_keyboard", [])
        for button in row
    ]


def answers(calls) -> list[str | None]:
    return [c.params.get("text") for c in calls if c.method == "answerCallbackQuery"]


async def test_a_double_tap_answers_already_set_once_and_edits_nothing(bot):
    await bot.send("/subscribe 08:00")
    await bot.send("/settings")
    first = await bot.press("dg:t:0700:1001")
    assert answers(first) == [t("en", "settings.saved")]
    again = await bot.press("dg:t:0700:1001")  # the same choice, pressed again
    assert answers(again) == [t("en", "settings.already_set")]
    assert [c.method for c in again] == ["answerCallbackQuery"]  # no edit, no second answer
    assert bot.errors == []


async def test_the_keyboard_marks_the_current_choice_and_offers_zones(bot):
    await bot.send("/subscribe anniversaries 08:00")
    calls = await bot.send("/settings")
    marked = [label for label in labels(calls) if label.startswith("✓ ")]
    assert marked == ["✓ 08:00", "✓ Almaty/Astana", "✓ English", "✓ anniversaries only",
                      "✓ All topics"]  # fmt: skip
    assert {"Tashkent", "Moscow", "Vienna", "UTC", "Another city…"} <= set(labels(calls))
    pressed = await bot.press("dg:z:tas:1001")
    assert answers(pressed) == [t("en", "settings.saved")]
    (sub,) = await bot.engine.subscriptions.of_chat(1001)
    assert sub.timezone == "Asia/Tashkent"
    assert "✓ Tashkent" in labels(pressed) and "Time zone: Asia/Tashkent" in texts(pressed)[0]
    city = await bot.press("dg:z:city:1001")
    assert answers(city) == [t("en", "settings.type_city")]


async def test_settings_buttons_in_kazakh_and_russian(bot):
    for lang, tashkent in (("kk", "Ташкент"), ("ru", "Ташкент")):
        await bot.send(f"/lang {lang}")
        await bot.send("/subscribe")
        calls = await bot.send("/settings")
        assert tashkent in labels(calls) and t(lang, "settings.btn.city") in labels(calls)


async def test_event_with_many_ids_sends_three_cards_then_a_list(bot):
    ids = sorted(bot.engine.seeds.events, key=len)[:7]  # within the argument length read
    calls = await bot.send("/event " + " ".join(ids))
    sent = [c for c in calls if c.method == "sendMessage"]
    cards, rest = sent[:-1], sent[-1]
    shared = [c for c in cards if "switch_inline_query" in str(c.params.get("reply_markup"))]
    assert len(shared) == 3  # a card's last message carries its share button
    assert rest.params["text"] == t("en", "event.more", count=4)
    assert [d for d in button_data([rest])] == [f"evt:{i}" for i in ids[3:]]


def test_a_digest_is_at_most_three_messages_with_a_summary(bot):
    seeds = bot.engine.seeds
    events = tuple(seeds.events.values()) * 60  # 1,500 "new" records
    digest = Digest(day=dt.date(2025, 8, 1), kind="daily", new_events=events)
    for lang in ("en", "ru", "kk"):
        messages = digest_messages(digest, seeds, lang, send_empty=False)
        assert len(messages) == MAX_DIGEST_MESSAGES
        assert isinstance(messages[-1], SummarizedPart)
        shown = sum(m.count("\n•") + m.startswith("•") for m in messages)
        left_out = len(events) - shown
        assert t(lang, "digest.more_new", count=left_out) in messages[-1]


async def test_a_capped_digest_ends_with_a_button_to_every_meeting(bot):
    for lang in ("en", "ru", "kk"):
        button = more_keyboard(lang).inline_keyboard[0][0]
        assert button.text == t(lang, "digest.btn.all_meetings")
        assert parse_callback(button.callback_data) is not None


async def in_topic(bot, text: str) -> list:
    update = make_message_update(text, FORUM, bot.inner.user)
    update["message"].update(message_thread_id=TOPIC, is_topic_message=True)
    return await bot.process(update)


async def test_every_reply_in_a_forum_topic_stays_in_the_topic(bot):
    event_id = sorted(bot.engine.seeds.events)[0]
    calls = await in_topic(bot, f"/event {event_id}")
    calls += await in_topic(bot, "/calendar")
    calls += await in_topic(bot, "/meetings")
    sends = [c for c in calls if c.method in ("sendMessage", "sendDocument")]
    assert sends and all(int(c.params.get("message_thread_id") or 0) == TOPIC for c in sends)
    # A card button under the list (in the topic) sends the card into the topic too.
    listing = bot.last_message(FORUM["id"])
    card_button = next(d for _, d in buttons(listing["reply_markup"]) if d.startswith("evt:"))
    pressed = await bot.process(make_callback_update(card_button, listing, bot.inner.user))
    cards = [c for c in pressed if c.method == "sendMessage"]
    assert cards and all(int(c.params["message_thread_id"]) == TOPIC for c in cards)


async def test_an_edit_that_cannot_be_made_is_sent_into_the_topic(bot):
    await in_topic(bot, "/meetings")
    listing = bot.last_message(FORUM["id"])
    bot.api.fail("editMessageText", 400, "Bad Request: message can't be edited")
    pages = [d for _, d in buttons(listing["reply_markup"]) if d and d.startswith("mtg:")]
    next_page = next(d for d in pages if d.endswith(":2"))
    calls = await bot.process(make_callback_update(next_page, listing, bot.inner.user))
    sent = [c for c in calls if c.method == "sendMessage"]
    assert sent and int(sent[0].params["message_thread_id"]) == TOPIC


async def test_forged_callback_data_of_any_shape_is_answered_without_an_error(bot):
    await bot.send("/meetings")
    message = bot.last_message()
    forged = ["mtg:m2024-13:1", "mtg:d2024-02-30:1", "mtg:y0000:1", "mtg:y2019-0000:1",
              "mtg:d٢٠٢٤-٠١-٠١:1", "dg:t:٠٧٠٠:1001", "dg:t:0700:1001\n", "dg:z:mars:1001",
              "evt:x\n", "lang:xx", "", ":::", "x" * 64, "nop:1", "tpl:0",
              "ppl:99999999"]  # fmt: skip
    for data in forged:
        calls = await bot.process(make_callback_update(data, message, bot.inner.user))
        assert [c.method for c in calls].count("answerCallbackQuery") == 1, data
    assert bot.errors == [] and bot.api.unanswered_callbacks == set()
    assert await bot.engine.stats.errors() == []


async def test_bidi_controls_and_nul_are_never_echoed(bot):
    hostile = "ab\u202ecd\x00ef\u2066gh\u200f"
    replies = []
    for command in ("/minister", "/topic", "/meetings", "/event", "/search", "/lang",
                    "/settings tz", "/digest", "/subscribe"):  # fmt: skip
        replies += texts(await bot.send(f"{command} {hostile}"))
    replies += texts(await bot.send(hostile))
    assert replies
    for text in replies:
        assert not any(ch in text for ch in "\u202e\x00\u2066\u200f"), text


async def test_the_errors_table_keeps_a_bounded_window(bot):
    repo = bot.engine
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    await repo.stats.log_error("old", "from last year", now - dt.timedelta(days=365))
    database = bot.engine.stats.database  # the SQLite backend's, to write the flood directly
    for number in range(ERRORS_KEPT + 5):
        await database.connection.execute(
            "INSERT INTO errors (at, where_, message) VALUES (?, ?, ?)",
            (now.isoformat(), "flood", str(number)),
        )
    await repo.stats.log_error("latest", "kept", now)
    count, oldest = await database.fetchone("SELECT COUNT(*), MIN(at) FROM errors")
    assert count == ERRORS_KEPT and oldest >= (now - dt.timedelta(days=30)).isoformat()
    assert (await repo.stats.errors(1))[0][1] == "latest"


async def test_an_edit_that_changes_no_text_is_not_answered_again(bot):
    chat, user = bot.private, bot.inner.user
    assert texts(await bot.process(make_message_update("/meetings 2019", chat, user)))
    (command_id,) = [
        key[1] for key, m in bot.api.messages.items() if m.get("text") == "/meetings 2019"
    ]
    same = make_message_update("/meetings 2019", chat, user, edited=True, message_id=command_id)
    assert texts(await bot.process(same)) == []  # a preview added: nothing to answer anew
    changed = make_message_update("/meetings 2024", chat, user, edited=True, message_id=command_id)
    assert texts(await bot.process(changed))  # a real change is answered
