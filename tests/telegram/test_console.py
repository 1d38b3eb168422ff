"""The console chat, `ask`, and `run` without a token: the same Application, no Telegram."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

from bot.commands.ask import ask
from bot.settings import PROJECT_ROOT, Settings
from bot.telegram.console import chat, describe_calls, terminal_text


def _settings(tmp_path) -> Settings:
    return Settings(db_path=tmp_path / "bot.sqlite3", seeds_dir=PROJECT_ROOT / "seeds")


def test_terminal_text_reads_like_the_chat():
    html = '<b>Title</b> &amp; <a href="https://x.kz">link</a>\n<blockquote>a\nb</blockquote>'
    assert terminal_text(html) == "Title & link <https://x.kz>\n│ a\n│ b"
    assert terminal_text("<b>raw</b>", None) == "<b>raw</b>"


async def test_console_answers_each_line_and_presses_buttons_by_number(tmp_path):
    stdin = io.StringIO("/lang\n2\n/help\n")
    stdout = io.StringIO()
    assert await chat(_settings(tmp_path), lang="en", stdin=stdin, stdout=stdout) == 0
    out = stdout.getvalue()
    assert "1) [Қазақша]  2) [Русский]  3) [English]" in out
    assert "в этом чате я буду отвечать по-русски" in out  # button 2 pressed: Russian
    assert "Что я умею" in out  # and /help now answers in Russian
    assert "<b>" not in out  # HTML turned into terminal text


async def test_list_buttons_keep_their_own_number_apart_from_the_press_number(tmp_path):
    stdin = io.StringIO("/meetings\n9\n1\n")
    stdout = io.StringIO()
    assert await chat(_settings(tmp_path), lang="en", stdin=stdin, stdout=stdout) == 0
    first_page, rest = stdout.getvalue().split("Page ")[1:]
    second_page, card = rest.split("📅")  # the card's first field: its date
    assert "\n1) [1. 32nd OSCE Ministerial Council]\n" in first_page  # a keyboard row a line
    assert "\n[1/4]  9) [2 ▶]" in first_page  # the page counter is no button to press
    assert "\n1) [9. Nurtleu meets Finland's" in second_page  # 9 pressed: the next page
    assert "Elina Valtonen" in card and "\n[↗ Share]" in card  # 1 pressed: list item 9's card


async def test_a_number_with_no_button_says_which_exist_and_keeps_them(tmp_path):
    stdin = io.StringIO("/lang\n7\n0\n2\n")
    stdout = io.StringIO()
    assert await chat(_settings(tmp_path), lang="en", stdin=stdin, stdout=stdout) == 0
    out = stdout.getvalue()
    assert "no button 7: type 1–3" in out and "no button 0: type 1–3" in out
    assert "(no reply)" not in out
    assert "в этом чате я буду отвечать по-русски" in out  # button 2 still pressable after


async def test_ask_prints_the_reply_and_exits_0(tmp_path, capsys):
    assert await ask(_settings(tmp_path), "/help", "kk", "private", as_json=False) == 0
    out = capsys.readouterr().out
    assert "Мен не істей аламын" in out and "<b>" not in out


async def test_ask_lang_is_the_chats_language_like_lang(tmp_path, capsys):
    settings = _settings(tmp_path)
    assert await ask(settings, "/lang kk", None, "private", as_json=False) == 0
    capsys.readouterr()
    assert await ask(settings, "/help", None, "private", as_json=False) == 0
    assert "Мен не істей аламын" in capsys.readouterr().out  # the chat's choice is kept
    assert await ask(settings, "/help", "en", "private", as_json=False) == 0
    assert "What I can do" in capsys.readouterr().out  # an explicit --lang wins, as /lang would


async def test_ask_json_prints_one_object_per_call(tmp_path, capsys):
    assert await ask(_settings(tmp_path), "/lang", "ru", "group", as_json=True, admin=True) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    calls = [json.loads(line) for line in lines]
    assert [call["method"] for call in calls] == ["getChatMember", "sendMessage"]
    calls = calls[1:]
    assert calls[0]["params"]["chat_id"] < 0  # the group
    buttons = calls[0]["params"]["reply_markup"]["inline_keyboard"][0]
    assert [b["callback_data"] for b in buttons] == ["lang:kk", "lang:ru", "lang:en"]


async def test_ask_in_a_group_as_a_member_or_as_an_admin(tmp_path, capsys):
    assert await ask(_settings(tmp_path), "/subscribe", "en", "group", as_json=False) == 0
    assert "only this chat's administrators" in capsys.readouterr().out
    assert await ask(_settings(tmp_path), "/subscribe", "en", "group", False, admin=True) == 0
    assert "Subscribed" in capsys.readouterr().out


async def test_ask_exits_1_when_the_bot_does_not_answer(tmp_path, capsys):
    # In a group, a command for another bot is none of ours.
    assert await ask(_settings(tmp_path), "/help@OtherBot", "en", "group", as_json=False) == 1


def test_describe_calls_shows_buttons_without_numbers_for_ask(tmp_path):
    from bot.telegram.fake_api import ApiCall

    markup = {"inline_keyboard": [[{"text": "RU", "callback_data": "lang:ru"}]]}
    call = ApiCall("sendMessage", {"text": "Pick", "reply_markup": markup})
    assert describe_calls([call], numbered=False) == ("Pick\n[RU]", ["lang:ru"])


def test_run_without_token_opens_the_console(tmp_path):
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": "",
        "BOT_DB": str(tmp_path / "bot.sqlite3"),
        "BOT_SEEDS_DIR": str(PROJECT_ROOT / "seeds"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        input="/start\n",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    first, *rest = result.stdout.splitlines()
    assert "TELEGRAM_BOT_TOKEN is not set" in first
    assert any(line.startswith("Hello, Console!") for line in rest)
