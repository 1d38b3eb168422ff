"""Tests for bot.conversation.cards: dates in three languages, event cards, splitting answers."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.conversation.cards import (
    escape,
    format_date,
    format_date_range,
    render_event_card,
    render_event_line,
    split_html,
    utf16_len,
)
from bot.records.models import Article, Event, EventDate, Organization, Person, PlaceEntry, Topic
from bot.records.seedset import SeedSet
from bot.telegram.limits import parse_telegram_html


def L(text: str) -> dict[str, str]:
    return {"en": f"{text} (en)", "ru": f"{text} (ru)", "kk": f"{text} (kk)"}


def test_utf16_len_counts_emoji_twice_and_cyrillic_once():
    assert utf16_len("Көшербаев") == 9
    assert utf16_len("🇰🇿") == 4
    assert utf16_len("a😀") == 3


@pytest.mark.parametrize(
    ("lang", "day", "month", "year"),
    [
        ("en", "5 December 2025", "December 2025", "2019"),
        ("ru", "5 декабря 2025 г.", "декабрь 2025 г.", "2019 г."),
        ("kk", "2025 ж. 5 желтоқсан", "2025 ж. желтоқсан", "2019 ж."),
    ],
)
def test_format_date_at_each_precision(lang, day, month, year):
    def shown(value: str, precision: str) -> str:
        text = format_date(EventDate(value=value, precision=precision, basis="stated"), lang)
        return text.replace("\u202f", " ")  # babel keeps "2025 г." together with a narrow nbsp

    assert shown("2025-12-05", "day") == day
    assert shown("2025-12", "month") == month
    assert shown("2019", "year") == year


def test_inferred_and_unknown_dates_say_so():
    inferred = EventDate(value="2025-12-05", precision="day", basis="inferred", reason="weekday")
    assert format_date(inferred, "en") == "5 December 2025 (inferred)"
    assert "выведено" in format_date(inferred, "ru")
    unknown = EventDate(precision="unknown", basis="unknown")
    assert format_date(unknown, "en") == "date not given"
    assert format_date(unknown, "kk") == "күні көрсетілмеген"


def test_date_range_over_two_days():
    start = EventDate(value="2010-12-01", precision="day", basis="stated")
    text = format_date_range(start, dt.date(2010, 12, 2), "en")
    assert text.startswith("1") and "2" in text and "2010" in text and "Dec" in text
    assert format_date_range(start, None, "en") == format_date(start, "en")


# -- cards ----------------------------------------------------------------------------------

HOSTILE = '<script>&amp; "Q"</script>'


def _seeds() -> tuple[SeedSet, Event]:
    seeds = SeedSet(
        articles={
            "a1": Article(
                id="a1",
                file="articles/a.txt",
                outlet="BAQ.KZ & Co",
                language="kk",
                published=EventDate(value="2025-12-05", precision="day", basis="stated"),
            )
        },
        people={"kosherbayev": Person(id="kosherbayev", name=L("Kosherbayev <Y>"))},
        organizations={"osce": Organization(id="osce", name=L("OSCE"))},
        places={
            "vienna": PlaceEntry(id="vienna", kind="city", name=L("Vienna"), country="austria"),
            "austria": PlaceEntry(id="austria", kind="country", name=L("Austria")),
            "kazakhstan": PlaceEntry(id="kazakhstan", kind="country", name=L("Kazakhstan")),
        },
        topics={"climate": Topic(id="climate", name=L("Climate"))},
    )
    event = Event.model_validate(
        {
            "id": "mc32",
            "kind": "ministerial_council",
            "title": L(f"Council {HOSTILE}"),
            "date": {
                "value": "2025-12-05",
                "precision": "day",
                "basis": "inferred",
                "reason": "Friday <5th>",
            },
            "place": {"city": "vienna"},
            "organizations": ["osce"],
            "participants": [
                {"person": "kosherbayev", "role": L("Minister"), "side": "kazakhstan"}
            ],
            "topics": ["climate"],
            "summary": L(f"Summary {HOSTILE}"),
            "sources": [{"article": "a1", "quotes": ["Көшербаев <сөз> сөйледі & т.б."]}],
        }
    )
    return seeds, event


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_event_card_shows_everything_escaped(lang):
    seeds, event = _seeds()
    card = render_event_card(event, seeds, lang)
    visible = parse_telegram_html(card)  # raises on bad HTML: every dynamic string escaped
    assert f"Council {HOSTILE} ({lang})" in visible
    assert f"Summary {HOSTILE} ({lang})" in visible
    assert f"Vienna ({lang}), Austria ({lang})" in visible
    assert f"Kosherbayev <Y> ({lang}) — Minister ({lang}) (Kazakhstan ({lang}))" in visible
    assert f"OSCE ({lang})" in visible and f"Climate ({lang})" in visible
    assert "Friday <5th>" in visible  # why the date was inferred
    assert "BAQ.KZ & Co" in visible
    assert "<blockquote>Көшербаев &lt;сөз&gt; сөйледі &amp; т.б.</blockquote>" in card
    assert visible.rstrip().endswith(f"/event {event.id}")  # how to ask for this card again


def test_event_line_is_one_line_with_date_title_place():
    seeds, event = _seeds()
    line = render_event_line(event, seeds, "en")
    assert "\n" not in line
    assert parse_telegram_html(line) == (
        f"5 December 2025 (inferred) · Council {HOSTILE} (en) · Vienna (en), Austria (en)"
    )


def test_source_without_outlet_says_it_is_not_named():
    seeds, event = _seeds()
    article = seeds.articles["a1"].model_copy(update={"outlet": None})
    seeds = SeedSet(**{**seeds.__dict__, "articles": {"a1": article}})
    assert "outlet not named in the text" in render_event_card(event, seeds, "en")


# -- split_html -----------------------------------------------------------------------------


def test_short_blocks_make_one_message():
    assert split_html(["<b>a</b>", "b"]) == ["<b>a</b>\nb"]


def test_blocks_stay_whole_when_they_fit():
    card = "<b>Title</b>\n" + "line\n" * 50
    messages = split_html([card] * 30, limit=1000)
    assert all(utf16_len(m) <= 1000 for m in messages)
    assert "".join(messages).count("<b>Title</b>") == 30
    assert all(m.startswith("<b>Title</b>") for m in messages)  # no card starts mid-message


def test_long_block_is_cut_at_lines_and_open_tags_are_reopened():
    quote = (
        "<blockquote>" + "\n".join(f"<i>line {n}</i> & more" for n in range(400)) + "</blockquote>"
    )
    quote = quote.replace(" & ", " &amp; ")
    messages = split_html([quote], limit=500)
    assert len(messages) > 1
    for message in messages:
        assert utf16_len(message) <= 500
        assert message.startswith("<blockquote>") and message.endswith("</blockquote>")
        parse_telegram_html(message)
        assert message.count("<i>") == message.count("</i>")  # never cut inside a line's tags
    text = "\n".join(parse_telegram_html(m) for m in messages)
    assert [line for line in text.split("\n")] == [f"line {n} & more" for n in range(400)]


def test_a_single_huge_line_is_cut_at_spaces_then_anywhere():
    words = " ".join(["слово"] * 3000)
    messages = split_html([f"<b>{words}</b>"], limit=4096)
    assert all(utf16_len(m) <= 4096 and m.startswith("<b>") for m in messages)
    assert " ".join(parse_telegram_html(m) for m in messages) == words
    no_spaces = "я" * 10000
    parts = split_html([no_spaces])
    assert "".join(parts) == no_spaces and all(utf16_len(p) <= 4096 for p in parts)


_text = st.text(alphabet=st.sampled_from(list("ab яқ😀<>&\"'\n")), min_size=0, max_size=80)
_block = st.lists(
    st.tuples(st.sampled_from(["", "b", "i", "code", "blockquote"]), _text), max_size=8
).map(lambda parts: "".join(f"<{t}>{escape(s)}</{t}>" if t else escape(s) for t, s in parts))


@settings(max_examples=200, deadline=None)
@given(blocks=st.lists(_block, max_size=12), limit=st.integers(min_value=60, max_value=600))
def test_split_html_keeps_text_and_limits(blocks, limit):
    messages = split_html(blocks, limit=limit)
    for message in messages:
        assert utf16_len(message) <= limit
        parse_telegram_html(message)  # well-formed: no cut inside a tag or an entity
    joined = "".join(parse_telegram_html(m) for m in messages)
    original = parse_telegram_html("\n".join(blocks))
    squash = lambda s: "".join(s.split())  # noqa: E731 - cuts drop the separating whitespace
    assert squash(joined) == squash(original)
