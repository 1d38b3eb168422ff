"""Inline mode through the real Application: paging with next_offset, and the share button."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.telegram.updates import make_inline_query
from tests.support.harness import running_bot, texts
from tests.support.seedcopy import copy_seeds, find_event, read_records, write_records

MC32 = "2025-12-05-vienna-osce-mc32"
CLONES = 60  # with the real OSCE meetings: two answers (50, then the rest)


def seeds_with_many_osce_meetings(tmp_path: Path) -> Path:
    """A seeds copy with `CLONES` more OSCE councils (copies of the 32nd under new ids)."""
    folder = copy_seeds(tmp_path)
    _, _, council = find_event(folder, lambda record: record["id"] == MC32)
    clones = []
    for number in range(CLONES):
        clone = dict(council, id=f"osce-council-copy-{number:02d}")
        clone.pop("part_of", None)
        clones.append(clone)
    write_records(folder / "events" / "zz-copies.yaml", clones)
    assert len(read_records(folder / "events" / "zz-copies.yaml")) == CLONES
    return folder


async def ask_inline(bot, query: str, offset: str = "") -> tuple[list[dict], str]:
    [answer] = await bot.process(make_inline_query(query, bot.inner.user, offset=offset))
    assert answer.method == "answerInlineQuery"
    return answer.params["results"], answer.params.get("next_offset", "")  # absent: the end


async def test_inline_pages_through_every_matching_meeting(tmp_path):
    async with running_bot(tmp_path, seeds_dir=seeds_with_many_osce_meetings(tmp_path)) as bot:
        first, offset = await ask_inline(bot, "OSCE")
        assert len(first) == 50 and offset
        second, end = await ask_inline(bot, "OSCE", offset)
        assert second and end == ""  # the client stops asking
        ids = [r["id"] for r in first + second]
        assert len(ids) == len(set(ids))  # no meeting twice
        copies = {f"osce-council-copy-{n:02d}" for n in range(CLONES)}
        assert copies | {MC32, "2024-12-malta-osce-mc31"} <= set(ids)


async def test_inline_offset_it_never_gave_is_read_as_the_start(tmp_path):
    async with running_bot(tmp_path) as bot:
        start, _ = await ask_inline(bot, "OSCE")
        forged, end = await ask_inline(bot, "OSCE", "<b>9</b>")
        assert [r["id"] for r in forged] == [r["id"] for r in start] and end == ""
        past_the_end, end = await ask_inline(bot, "OSCE", "9" * 9)
        assert past_the_end == [] and end == ""


@pytest.mark.parametrize(
    ("lang", "label"), [("en", "Share"), ("ru", "Поделиться"), ("kk", "Бөлісу")]
)
async def test_a_card_has_a_share_button_that_opens_inline_mode_on_it(tmp_path, lang, label):
    async with running_bot(tmp_path, lang=lang) as bot:
        calls = await bot.send(f"/event {MC32}")
        [(text, query)] = share_buttons(calls)
        assert label in text and query == MC32
        results, _ = await ask_inline(bot, query)
        assert results[0]["id"] == MC32  # exactly that card first
        card = results[0]["input_message_content"]["message_text"]
        assert card == texts(calls)[0]


async def test_a_card_pressed_from_a_list_is_shareable_too(bot):
    await bot.send("/minister Lajčák")
    calls = await bot.press("evt:2019-04-tokayev-lajcak")
    assert [q for _, q in share_buttons(calls)] == ["2019-04-tokayev-lajcak"]
    results, _ = await ask_inline(bot, "2019-04-tokayev-lajcak")
    assert results[0]["id"] == "2019-04-tokayev-lajcak"


async def test_cards_in_channels_have_no_share_button(bot):
    calls = await bot.send(f"/event {MC32}", chat="channel")
    assert texts(calls) and share_buttons(calls) == []


def share_buttons(calls) -> list[tuple[str, str]]:
    """(label, query) of every switch-inline button the bot sent."""
    return [
        (button["text"], button["switch_inline_query"])
        for call in calls
        for row in (call.params.get("reply_markup") or {}).get("inline_keyboard", [])
        for button in row
        if "switch_inline_query" in button
    ]


async def test_inline_combines_filters_as_meetings_does(bot):
    results, _ = await ask_inline(bot, "Nurtleu Malta")
    assert len(results) == 8 and all("Malta" in r["description"] for r in results)
    results, _ = await ask_inline(bot, "Malta 2025")
    assert results == []
    results, _ = await ask_inline(bot, "Австрия декабрь 2025")
    assert len(results) == 6
