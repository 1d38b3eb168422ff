"""/meetings, /minister, /topic, /event, /search and inline mode through the real Application.

Every Bot API call is checked against Telegram's limits by the harness (assert_telegram_limits).
"""

from __future__ import annotations

import html

import pytest

from bot.conversation.callbacks import list_data
from bot.conversation.meetings import MeetingFilter
from bot.i18n import t
from bot.records.loading import load_seeds
from bot.telegram.updates import make_callback_update, make_inline_query
from tests.support.harness import REAL_SEEDS, button_data, running_bot, texts

KOSHERBAYEV_MEETINGS = [
    "32nd OSCE Ministerial Council",
    "Kosherbayev meets ODIHR Director Telalian",
    "Kosherbayev meets OSCE Secretary General Sinirlioğlu",
    "Kosherbayev meets OSCE High Commissioner on National Minorities Kamp",
    "Kosherbayev meets OSCE Representative on Freedom of the Media Braathu",
]
LAJCAK_MEETINGS = ["Atamkulov – Lajčák talks", "Visit of OSCE Chairperson-in-Office"]


def plain(text: str) -> str:
    return html.unescape(text)


# -- /meetings ---------------------------------------------------------------------------------


async def test_meetings_newest_first_with_pages_and_card_buttons(bot):
    calls = await bot.send("/meetings")
    [text] = texts(calls)
    assert "32nd OSCE Ministerial Council" in text
    assert text.index("32nd OSCE") < text.index("31st OSCE")  # newest first
    assert "Page 1 of 4" in text
    data = button_data(calls)
    assert "evt:2025-12-05-vienna-osce-mc32" in data
    assert "mtg:a:2" in data and "mtg:a:0" not in data


async def test_pagination_edits_the_message_and_says_when_dates_are_unknown(bot):
    await bot.send("/meetings")
    listed = bot.last_message()
    calls = await bot.press("mtg:a:2")
    assert [c.method for c in calls] == ["answerCallbackQuery", "editMessageText"]
    assert calls[1].params["message_id"] == listed["message_id"]
    assert "Page 2 of 4" in calls[1].params["text"]
    assert not bot.api.unanswered_callbacks
    await bot.press("3 ▶")
    calls = await bot.press("mtg:a:4")
    last = texts(calls)[0]
    assert "Tashkent" in plain(last) and t("en", "mtg.undated_last") in last
    assert "date not given" in last
    assert "mtg:a:3" in button_data(calls) and "mtg:a:5" not in button_data(calls)


async def test_meetings_by_year(bot):
    [text] = texts(await bot.send("/meetings 2019"))
    assert "Meetings in 2019" in text
    for title in LAJCAK_MEETINGS:
        assert title in plain(text)
    assert "Malta" not in text and "Vienna" not in text


@pytest.mark.parametrize("words", ["Мальта", "Malta"])
async def test_meetings_by_country_in_any_language(bot, words):
    [text] = texts(await bot.send(f"/meetings {words}"))
    assert "Malta" in text and "31st OSCE Ministerial Council" in text
    assert "Nurtleu meets Finland" in plain(text) and "Vienna" not in text


async def test_meetings_by_organization_and_month(bot):
    [text] = texts(await bot.send("/meetings ОБСЕ"))
    assert "Organization for Security and Co-operation in Europe" in text
    [text] = texts(await bot.send("/meetings 2024-12"))
    assert "December 2024" in text and "One Water Summit" in text


def month_list(month: str) -> str:
    return list_data(MeetingFilter("month", month))


@pytest.mark.parametrize(
    ("lang", "month"),
    [("en", "December 2025"), ("ru", "декабрь 2025"), ("kk", "2025\u202fж. желтоқсан")],
)
async def test_a_day_without_records_points_to_its_month_and_the_nearest(tmp_path, lang, month):
    # The Vienna meetings were reported on 5 December 2025, but no source gives their day.
    async with running_bot(tmp_path, lang=lang) as bot:
        calls = await bot.send("/meetings 2025-12-05")
        [text] = texts(calls)
        assert t(lang, "mtg.none_nearby") in text and t(lang, "mtg.none") not in text
        assert month in text  # the day's month holds records without a day
        assert button_data(calls) == [month_list("2025-12"), month_list("2024-12")]  # the nearest
        [listed] = texts(await bot.press(month_list("2025-12")))
    assert plain(t(lang, "mtg.count", count=6)) in plain(listed)


async def test_a_year_without_records_offers_the_nearest_before_and_after(bot):
    calls = await bot.send("/meetings 2021")
    assert t("en", "mtg.none_nearby") in texts(calls)[0]
    assert button_data(calls) == [month_list("2019-04"), month_list("2024-12")]


async def test_meetings_unknown_words_offer_a_text_search(bot):
    calls = await bot.send("/meetings Zzyzxqw")
    assert "“Zzyzxqw”" in texts(calls)[0]
    [search] = [d for d in button_data(calls) if d.startswith("mtg:h")]
    calls = await bot.press(search)
    assert calls[0].method == "answerCallbackQuery"
    assert t("en", "mtg.none") in texts(calls)[0]


async def test_card_button_sends_the_card_and_keeps_the_list(bot):
    await bot.send("/meetings 2019")
    calls = await bot.press("evt:2019-04-08-astana-atamkulov-lajcak")
    assert [c.method for c in calls] == ["answerCallbackQuery", "sendMessage"]
    card = plain(texts(calls)[0])
    assert "Atamkulov – Lajčák talks" in card and "8 April 2019 (inferred)" in card


@pytest.mark.parametrize(
    "data",
    [
        "mtg:zz:999",
        "evt:nonexistent",
        "mtg:wno-such-person:1",
        "tpl:0",
        "ppl:x",
        "mtg:hzzzzzzzzzz:1",
        "ÿ\x00🙂" * 5,
        "mtg:" + "9" * 60,
    ],
)
async def test_forged_or_stale_buttons_get_a_polite_answer(bot, data):
    await bot.send("/meetings")
    message = bot.last_message()
    calls = await bot.process(make_callback_update(data, message, bot.inner.user))
    assert [c.method for c in calls] == ["answerCallbackQuery"]
    assert calls[0].params["text"] == t("en", "error.unknown_button")
    assert not bot.api.unanswered_callbacks


async def test_page_counter_is_answered_silently(bot):
    await bot.send("/meetings")
    calls = await bot.press("nop")
    assert [c.method for c in calls] == ["answerCallbackQuery"]
    assert not calls[0].params.get("text")


# -- /minister ---------------------------------------------------------------------------------

SPELLINGS = [
    "Koshербаев",  # mixed Latin and Cyrillic
    "Көшербаев",  # Kazakh
    "Кошербаев",  # Russian
    "Kosherbayev",
    "Kosherbaev",  # transliteration variant
    "KOSHERBAYEV",
    "Көшербаевтың",  # Kazakh genitive
    "Кошербаевым",  # Russian instrumental
    "Кошербаеву",
    "Е.Көшербаев",  # initial
    "Е. Кошербаев",
    "Yermek Kosherbayev",
    "Kosherbayev Yermek",  # surname first
    "Ермек Көшербаев",
    "Koshrebaev",  # a typo (swapped letters)
    "Kosherbajev",  # a typo
    "Kosherbayev's",
]


@pytest.mark.parametrize("spelling", SPELLINGS)
async def test_minister_finds_kosherbayev_in_any_spelling(bot, spelling):
    calls = await bot.send(f"/minister {spelling}")
    [text] = texts(calls)
    assert text.startswith("👤 <b>Yermek Kosherbayev</b>")
    assert "Minister of Foreign Affairs of Kazakhstan" in text
    for title in KOSHERBAYEV_MEETINGS:
        assert title in plain(text)
    assert "Malta" not in text and "2019" not in text


@pytest.mark.parametrize("spelling", ["Lajčák", "Lajcak", "Лайчак", "Лайчакпен", "M. Lajcak"])
async def test_minister_finds_a_foreign_official_with_or_without_diacritics(bot, spelling):
    [text] = texts(await bot.send(f"/minister {spelling}"))
    assert "Miroslav Lajčák" in text
    for title in LAJCAK_MEETINGS:
        assert title in plain(text)


@pytest.mark.parametrize(
    ("lang", "name", "nobody"),
    [
        ("en", "Putin", "Nobody called “Putin” is in the records"),
        ("ru", "Путин", "Человека по имени «Путин» в записях нет"),
        ("kk", "Путин", "Жазбаларда «Путин» есімді адам жоқ"),
        ("en", "Smith", "Nobody called “Smith” is in the records"),
    ],
)
async def test_minister_nobody_offers_no_unrelated_names(tmp_path, lang, name, nobody):
    async with running_bot(tmp_path, lang=lang) as bot:
        calls = await bot.send(f"/minister {name}")
        [text] = texts(calls)
        assert nobody in plain(text)
        assert "Meeting" not in text and "Council" not in text
        assert button_data(calls) == []  # no "closest names" below the threshold


async def test_minister_close_name_is_suggested(bot):
    calls = await bot.send("/minister Tokarev")
    assert "Nobody called “Tokarev”" in plain(texts(calls)[0])
    assert button_data(calls) == ["mtg:wtokayev-kassym-jomart:1"]


async def test_minister_ambiguous_asks_with_buttons_and_a_press_answers(bot):
    calls = await bot.send("/minister Jan")
    assert "Several people" in texts(calls)[0]
    assert set(button_data(calls)) == {"mtg:wbraathu-jan:1", "mtg:wasselborn-jean:1"}
    calls = await bot.press("mtg:wbraathu-jan:1")
    assert calls[1].method == "editMessageText"
    assert "Jan Braathu" in calls[1].params["text"]
    assert "Braathu" in plain(calls[1].params["text"]).split("\n", 3)[-1]


async def test_minister_without_a_name_offers_people_as_buttons(bot):
    calls = await bot.send("/minister")
    people = len(load_seeds(REAL_SEEDS).people)  # the count follows the gazetteer as it grows
    assert f"People in the records: {people}" in texts(calls)[0]
    data = button_data(calls)
    assert "mtg:wkosherbayev-yermek:1" in data or "ppl:2" in data
    calls = await bot.press("ppl:2")
    assert calls[1].method == "editMessageText" and "ppl:1" in button_data(calls)


async def test_minister_in_a_group_addressed_by_name(bot):
    calls = await bot.send("/minister@BriefingTestBot Лайчак", chat="group")
    assert calls and all(c.chat_id == bot.group["id"] for c in calls if c.chat_id)
    assert "Miroslav Lajčák" in texts(calls)[0]
    assert await bot.send("/minister@OtherBot Лайчак", chat="group") == []


async def test_edited_command_is_answered_again(bot):
    [text] = texts(await bot.send("/minister Kosherbayev", edited=True))
    assert "Yermek Kosherbayev" in text


# -- /topic ------------------------------------------------------------------------------------


async def test_topic_climate_finds_the_kazakh_and_russian_records(bot):
    for words in ("climate", "климат", "изменением климата"):
        [text] = texts(await bot.send(f"/topic {words}"))
        assert "Climate change" in text
        assert "32nd OSCE Ministerial Council" in text  # reported in Kazakh (and Russian)
        assert "31st OSCE Ministerial Council" in text  # reported in Russian


async def test_topic_water_in_kazakh_and_human_rights_in_russian(bot):
    [text] = texts(await bot.send("/topic су"))
    assert "“Water”" in text and "One Water Summit" in text
    [text] = texts(await bot.send("/topic права человека"))
    assert "“Human rights”" in text and "ODIHR" in text


async def test_topic_without_a_match_falls_back_to_text_search_and_says_so(bot):
    [text] = texts(await bot.send("/topic Aral Sea shrinking"))
    assert "No topic is called" not in text  # "Aral" is a topic alias: found directly
    [text] = texts(await bot.send("/topic qwertyzzz"))
    assert t("en", "topics.fallback", words="qwertyzzz") in text
    calls = await bot.send("/topic humn rihgts")  # no topic, but one looks like it
    assert t("en", "topics.fallback", words="humn rihgts") in texts(calls)[0]
    assert "mtg:thuman-rights:1" in button_data(calls)


async def test_topic_without_argument_lists_topics_in_pages(bot):
    calls = await bot.send("/topic")
    assert "Topics: 46" in texts(calls)[0] and "tpl:2" in button_data(calls)
    calls = await bot.press("tpl:2")
    assert calls[1].method == "editMessageText"
    topic_buttons = [d for d in button_data(calls) if d.startswith("mtg:t")]
    calls = await bot.press(topic_buttons[0])
    assert "🏷" in texts(calls)[0]


# -- /event ------------------------------------------------------------------------------------


async def test_event_card_has_inferred_date_quote_and_outlet(bot):
    calls = await bot.send("/event 2025-12-05-vienna-osce-mc32")
    card = "\n".join(texts(calls))
    # The reports' dateline is no meeting day: the month, and when it was reported.
    assert "December 2025 (inferred) · reported on 5 December 2025" in card
    assert "5 December 2025 (inferred)" not in card and "4–5 December 2025" in card
    assert "BAQ.KZ" in card and "CentralAsia (KZ)" in card  # both sources
    assert "<blockquote>" in card and "Көшербаев" in card  # the quoted sentence
    assert "Yermek Kosherbayev" in card and "Vienna, Austria" in card


async def test_event_unknown_id_is_answered_with_suggestions(bot):
    calls = await bot.send("/event 2025-12-05-vienna-osce-mc23")
    assert "no meeting with the id" in texts(calls)[0]
    assert "evt:2025-12-05-vienna-osce-mc32" in button_data(calls)
    [usage] = texts(await bot.send("/event"))
    assert "/event" in usage


async def test_event_with_several_ids_sends_each_card_and_names_the_unknown_one(bot):
    calls = await bot.send("/event 2024-12-malta-osce-mc31, 2025-12-05-vienna-osce-mc32 nosuch")
    sent = [plain(text) for text in texts(calls)]
    assert sent[0].startswith("<b>31st OSCE Ministerial Council</b>")
    assert any(text.startswith("<b>32nd OSCE Ministerial Council</b>") for text in sent)
    assert "“nosuch”" in sent[-1] and "2024-12-malta" not in sent[-1]


async def test_no_did_you_mean_question_without_anything_to_choose(bot):
    [event] = texts(await bot.send("/event zzzzzzzzzz"))
    assert "no meeting with the id" in event and "Perhaps" not in event
    calls = await bot.send("/meetings zzzzzzzzzz")
    assert "Did you mean" not in texts(calls)[0]
    [search] = button_data(calls)  # the text search is still offered
    assert "Records mentioning" in texts(await bot.press(search))[0]


# -- /search -----------------------------------------------------------------------------------


async def test_search_lists_records_and_offers_the_person_view(bot):
    calls = await bot.send("/search Лайчак")
    assert "Atamkulov – Lajčák talks" in plain(texts(calls)[0])
    assert "mtg:wlajcak-miroslav:1" in button_data(calls)
    [usage] = texts(await bot.send("/search"))
    assert "/search" in usage


async def test_a_plain_message_in_a_private_chat_is_a_search(bot):
    calls = await bot.send("Лайчак")
    assert "Atamkulov – Lajčák talks" in plain(texts(calls)[0])
    assert "mtg:wlajcak-miroslav:1" in button_data(calls)


async def test_plain_messages_in_groups_are_left_alone(bot):
    assert await bot.send("Лайчак", chat="group") == []


# -- inline mode -------------------------------------------------------------------------------


async def test_inline_query_offers_cards_to_share(bot):
    calls = await bot.process(make_inline_query("Koshербаев", bot.inner.user))
    [answer] = calls
    assert answer.method == "answerInlineQuery"
    results = answer.params["results"]
    assert {r["title"] for r in results} >= set(KOSHERBAYEV_MEETINGS)
    assert all(r["type"] == "article" for r in results)
    content = results[0]["input_message_content"]
    assert content["parse_mode"] == "HTML" and "Yermek Kosherbayev" in content["message_text"]
    assert answer.params["cache_time"] > 0


async def test_inline_empty_query_offers_the_newest(bot):
    [answer] = await bot.process(make_inline_query("", bot.inner.user))
    results = answer.params["results"]
    assert 0 < len(results) <= 50 and results[0]["title"] == "32nd OSCE Ministerial Council"


# -- languages ---------------------------------------------------------------------------------


async def test_answers_in_the_users_telegram_language(tmp_path):
    async with running_bot(tmp_path, lang="ru") as bot:
        [text] = texts(await bot.send("/minister Kosherbayev"))
        assert "Ермек Кошербаев" in text and "Найдено встреч: 6" in text
        assert "декабрь 2025" in text.lower()
        [text] = texts(await bot.send("/topic"))
        assert text.startswith("🏷 <b>Тем: 46")


async def test_answers_in_the_language_set_with_lang(bot):
    await bot.send("/lang kk")
    [text] = texts(await bot.send("/minister Kosherbayev"))
    assert "Ермек Көшербаев" in text and "Табылған кездесулер: 6" in text
    calls = await bot.send("/meetings")
    assert "беттің" in texts(calls)[0]
    [answer] = await bot.process(make_inline_query("", bot.user("kk")))
    assert answer.params["is_personal"] is True


# -- hostile input -----------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["/meetings", "/minister", "/topic", "/event", "/search"])
@pytest.mark.parametrize(
    "argument",
    [
        "<b>x</b> & <script>",
        "я" * 10_000,
        "🙂🙂 *_`[]()",
        "Koshербаев <i>",
        "\u202e\u200b",
        "0" * 500,
    ],
)
async def test_hostile_arguments_get_a_clear_answer(bot, command, argument):
    calls = await bot.send(f"{command} {argument}")
    [first] = texts(calls)[:1]
    assert "<script>" not in first and len(first) < 4096


async def test_a_press_answered_too_late_for_telegram_still_turns_the_page(bot):
    # The bot was busy or down for more than 15 s after the press: Telegram refuses the answer
    # ("query is too old"), but the user asked for page 2 and gets it, and nothing is reported.
    await bot.send("/meetings")
    listed = bot.last_message()
    ticks = iter([0.0])
    bot.api.clock = lambda: next(ticks, 100.0)  # pressed at 0, answered at 100 s
    calls = await bot.press("mtg:a:2")
    edits = [c for c in calls if c.method == "editMessageText"]
    assert edits and edits[0].params["message_id"] == listed["message_id"]
    assert "Page 2 of 4" in edits[0].params["text"]
    assert not bot.errors
