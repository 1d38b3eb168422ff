"""/start, /help and /lang through the real Application, a SQLite file and the in-process API."""

from __future__ import annotations

import pytest

from bot.i18n import t
from tests.support.harness import button_data, running_bot, texts

ADMIN = {"id": 2002, "is_bot": False, "first_name": "Dana", "language_code": "kk"}


@pytest.mark.parametrize(
    ("lang", "expected"), [("en", "Hello"), ("ru", "Здравствуйте"), ("kk", "Сәлеметсіз бе")]
)
async def test_start_greets_in_the_users_telegram_language(tmp_path, lang, expected):
    async with running_bot(tmp_path, lang=lang) as bot:
        calls = await bot.send("/start")
    [text] = texts(calls)
    assert text.startswith(expected)
    assert "/help" in text and "/lang" in text  # says how to ask


async def test_start_escapes_the_users_name(bot):
    calls = await bot.send("/start", user=bot.user("en", name="<b>Ann & Co</b>"))
    assert "&lt;b&gt;Ann &amp; Co&lt;/b&gt;" in texts(calls)[0]


async def test_help_lists_commands_with_examples_and_menus_are_set(bot):
    [text] = texts(await bot.send("/help"))
    assert "/lang — " in text and "/minister" in text
    # post_init set a menu per language and chat kind; English is the default list.
    assert {scope for scope, _ in bot.api.commands} == {"all_private_chats", "all_group_chats"}
    assert {lang for _, lang in bot.api.commands} == {"", "ru", "kk"}
    ru_private = bot.api.commands[("all_private_chats", "ru")]
    assert {"command": "lang", "description": t("ru", "menu.lang")} in ru_private
    group_menu = [c["command"] for c in bot.api.commands[("all_group_chats", "")]]
    assert "start" not in group_menu and "help" in group_menu


async def test_group_commands_addressed_to_the_bot_by_name(bot):
    calls = await bot.send("/help@BriefingTestBot", chat="group")
    assert calls[0].chat_id == bot.group["id"] and texts(calls)
    assert await bot.send("/help@SomeOtherBot", chat="group") == []


async def test_edited_command_is_answered_again(bot):
    calls = await bot.send("/help", edited=True)
    assert texts(calls) and "/lang" in texts(calls)[0]


async def test_unknown_command_gets_a_hint_in_private_but_silence_in_groups(bot):
    [text] = texts(await bot.send("/nosuch<x>"))
    assert "/nosuch&lt;x&gt;" in text and "/help" in text
    assert await bot.send("/nosuch", chat="group") == []


async def test_lang_with_argument_switches_and_is_remembered(bot):
    [text] = texts(await bot.send("/lang ru"))
    assert text == t("ru", "lang.set")
    [again] = texts(await bot.send("/start"))  # the user's Telegram language is en
    assert again.startswith("Здравствуйте")
    assert await bot.engine.chat_language(bot.private["id"], "en") == "ru"


async def test_lang_without_or_with_a_bad_argument_offers_three_buttons(bot):
    calls = await bot.send("/lang")
    assert texts(calls) == [t("en", "lang.choose")]
    assert button_data(calls) == ["lang:kk", "lang:ru", "lang:en"]
    hostile = "<script>" + "я" * 5000
    calls = await bot.send(f"/lang {hostile}")
    assert "&lt;script&gt;" in texts(calls)[0] and len(texts(calls)[0]) < 200
    assert button_data(calls) == ["lang:kk", "lang:ru", "lang:en"]


async def test_pressing_a_language_button_confirms_and_answers_the_query(bot):
    await bot.send("/lang")
    calls = await bot.press("Қазақша")
    assert [c.method for c in calls] == ["answerCallbackQuery", "editMessageText"]
    assert texts(calls) == [t("kk", "lang.set")]
    assert not bot.api.unanswered_callbacks  # the button does not keep spinning
    assert texts(await bot.send("/help"))[0].startswith(t("kk", "help.title"))


async def test_forged_callback_data_gets_a_polite_answer(bot):
    from bot.telegram.updates import make_callback_update

    await bot.send("/lang")
    message = bot.last_message()
    for data in ("lang:xx", "lang:", "nonsense:1"):
        calls = await bot.process(make_callback_update(data, message, bot.inner.user))
        assert calls[-1].method == "answerCallbackQuery"
        assert calls[-1].params["text"] == t("en", "error.unknown_button")
    assert await bot.engine.chat_language(bot.private["id"], "en") == "en"


async def test_only_group_admins_change_the_group_language(bot):
    await bot.send("hello", chat="group", user=ADMIN)  # the group becomes known
    bot.api.set_member(bot.group["id"], ADMIN, "administrator")
    assert texts(await bot.send("/lang ru", chat="group")) == [t("en", "lang.admins_only")]
    # A member gets no buttons they may not use, whatever they typed after /lang.
    for command in ("/lang", "/lang xx", "/lang <b>"):
        calls = await bot.send(command, chat="group")
        assert texts(calls) == [t("en", "lang.admins_only")] and button_data(calls) == []
    await bot.send("/lang", chat="group", user=ADMIN)  # an admin's buttons, pressed by a member
    calls = await bot.press("lang:ru", chat_id=bot.group["id"])
    assert calls[-1].params.get("show_alert") and "administrators" in calls[-1].params["text"]
    calls = await bot.send("/lang ru", chat="group", user=ADMIN)
    assert texts(calls) == [t("ru", "lang.set")]
    # Everyone in the group now gets Russian, whatever their Telegram language.
    assert texts(await bot.send("/help", chat="group"))[0].startswith(t("ru", "help.title"))


async def test_a_user_who_blocked_the_bot_loses_nothing(bot):
    bot.api.fail("sendMessage", 403, chat_id=bot.private["id"])
    bot.expect_errors = True
    calls = await bot.send("/lang kk")
    assert calls[-1].method == "sendMessage"  # tried, got 403, no crash of the application
    assert await bot.engine.chat_language(bot.private["id"], "en") == "kk"  # choice kept
    assert texts(await bot.send("/help"))[0].startswith(t("kk", "help.title"))


async def test_telegram_timing_out_gets_an_apology_not_silence(bot):
    bot.api.fail("sendMessage", 0)  # 0 = TIMEOUT: the first reply times out
    bot.expect_errors = True
    calls = await bot.send("/help")
    assert [c.method for c in calls] == ["sendMessage", "sendMessage"]
    assert texts(calls)[-1] == t("en", "error.generic")
    assert type(bot.errors[-1]).__name__ == "TimedOut"
