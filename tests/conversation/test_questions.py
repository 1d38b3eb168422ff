"""Combined filters: /meetings <place|country|organization|person|topic> with dates, any order."""

from __future__ import annotations

import pytest

from bot.conversation.callbacks import list_data, parse_callback
from bot.conversation.meetings import MeetingFilter, combine, parts
from bot.conversation.questions import ask, month_number, understand
from bot.conversation.selection import select_events
from bot.records.loading import load_seeds
from bot.search.index import SearchIndex
from tests.support.harness import REAL_SEEDS, button_data, running_bot, texts

F = MeetingFilter


@pytest.fixture(scope="module")
def seeds():
    return load_seeds(REAL_SEEDS)


@pytest.fixture(scope="module")
def index(seeds):
    return SearchIndex.build(seeds)


@pytest.mark.parametrize(
    ("word", "month"),
    [
        ("December", 12), ("декабрь", 12), ("ДЕКАБРЕ", 12), ("декабря", 12), ("желтоқсан", 12),
        ("Желтоқсанда", 12), ("dec", 12), ("сәуір", 4), ("апреле", 4), ("April", 4),
        ("мая", 5), ("May", 5), ("тамыз", 8), ("August", 8),
        ("Decembers-ago", None), ("мамонт", None), ("Malta", None), ("марка", None),
    ],
)  # fmt: skip
def test_month_names_in_three_languages_any_case(word, month):
    assert month_number(word) == month


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("Malta 2024-12", [F("place", "malta"), F("month", "2024-12")]),
        ("2024-12 Malta", [F("place", "malta"), F("month", "2024-12")]),
        ("Мальта декабрь 2024", [F("place", "malta"), F("month", "2024-12")]),
        ("Мальтада 2024 жылғы желтоқсанда", [F("place", "malta"), F("month", "2024-12")]),
        ("UN 2019", [F("org", "un"), F("year", "2019")]),
        ("ООН 2019", [F("org", "un"), F("year", "2019")]),
        ("Austria December 2025", [F("place", "austria"), F("month", "2025-12")]),
        ("Австрия декабрь 2025", [F("place", "austria"), F("month", "2025-12")]),
        ("Nurtleu Malta", [F("place", "malta"), F("person", "nurtleu-murat")]),
        ("Нұртілеу Мальта", [F("place", "malta"), F("person", "nurtleu-murat")]),
        ("OSCE 2019-2024", [F("org", "osce"), F("years", "2019-2024")]),
        ("ОБСЕ 2024 - 2019", [F("org", "osce"), F("years", "2019-2024")]),
        ("human rights 2025", [F("topic", "human-rights"), F("year", "2025")]),
        ("права человека в 2025 году", [F("topic", "human-rights"), F("year", "2025")]),
        ("Kosherbayev December", [F("person", "kosherbayev-yermek"), F("month_of_year", "12")]),
        ("new Vienna", [F("place", "vienna"), F("new")]),
        ("Вена жаңа", [F("place", "vienna"), F("new")]),
    ],
)
def test_words_in_any_order_become_one_combined_filter(index, words, expected):
    found = understand(words, index)
    assert sorted(parts(found.filter), key=repr) == sorted(expected, key=repr)
    assert found.unplaced == ()


def test_single_filters_stay_what_they_were(index):
    assert understand("2019", index).filter == F("year", "2019")
    assert understand("Vienna", index).filter == F("place", "vienna")
    assert understand("Мальта", index).filter == F("place", "malta")
    assert understand("", index).filter == F("all")


@pytest.mark.parametrize(
    ("words", "unplaced"),
    [("OSCE 2019 qwertyzz", ("qwertyzz",)), ("Malta blorptastic 2024", ("blorptastic",))],
)
def test_an_unplaced_word_is_named_not_dropped(index, words, unplaced):
    found = understand(words, index)
    assert found.unplaced == unplaced and found.filter.kind == "all_of"


def test_nothing_understood(index):
    found = understand("qwertyzz", index)
    assert not found.understood and found.unplaced == ("qwertyzz",)


@pytest.mark.parametrize(
    ("words", "titles"),
    [
        ("Malta 2024-12", 8),
        ("Austria December 2025", 6),
        ("Nurtleu Malta", 8),
        ("Kosherbayev Sinirlioğlu", 1),
        ("Lajčák Nazarbayeva", 1),
        ("Malta 2025", 0),
        ("December", 15),
    ],
)
def test_combined_filters_select_what_every_part_selects(seeds, index, words, titles):
    found = understand(words, index).filter
    events = select_events(found, seeds, index)
    assert len(events) == titles
    single = [set(select_events(part, seeds, index).ids) for part in parts(found)]
    assert set(events.ids) == set.intersection(*single)
    starts = [e.date.start for e in events if e.date.start]
    assert starts == sorted(starts, reverse=True)  # newest first, as every list


def test_new_selects_the_recent_records_given(seeds, index):
    recent = ["2019-04-08-astana-atamkulov-lajcak", "2025-12-05-vienna-osce-mc32"]
    both = combine([F("new"), F("place", "vienna")])
    assert select_events(both, seeds, index, recent).ids == ["2025-12-05-vienna-osce-mc32"]
    assert select_events(F("new"), seeds, index, []).ids == []


@pytest.mark.parametrize(
    "meeting_filter",
    [
        combine([F("place", "malta"), F("month", "2024-12")]),
        combine([F("person", "kosherbayev-yermek"), F("topic", "human-rights"), F("new")]),
        combine([F("org", "osce"), F("month_of_year", "12"), F("years", "2019-2025")]),
        F("month_of_year", "04"),
        F("new"),
    ],
)
def test_combined_filters_round_trip_through_buttons(meeting_filter):
    data = list_data(meeting_filter, 3)
    assert len(data.encode()) <= 64
    assert parse_callback(data).filter == meeting_filter


@pytest.mark.parametrize(
    "data", ["mtg:cpmalta:1", "mtg:cpmalta+a:1", "mtg:q13:1", "mtg:cpMALTA+m2024-12:1", "mtg:c:1"]
)
def test_forged_combined_data_is_refused(data):
    assert parse_callback(data) is None


# -- through the Application, in three languages -------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "command", "title"),
    [
        ("en", "/meetings Malta 2024-12", "Meetings: Malta · December 2024"),
        ("ru", "/meetings Мальта декабрь 2024", "Встречи: Мальта · декабрь 2024"),
        ("kk", "/meetings Мальта желтоқсан 2024", "Кездесулер: Мальта · 2024 ж. желтоқсан"),
        ("en", "/meetings Austria December 2025", "Meetings: Austria · December 2025"),
        ("en", "/meetings Nurtleu Malta", "Meetings: Malta · Murat Nurtleu"),
        ("ru", "/meetings Нуртлеу Мальта", "Встречи: Мальта · Мурат Нуртлеу"),
        ("en", "/meetings UN 2019", "Meetings: United Nations (UN) · 2019"),
    ],
)
async def test_the_title_names_every_filter_understood(tmp_path, lang, command, title):
    async with running_bot(tmp_path, lang=lang) as bot:
        [text] = texts(await bot.send(command))
        assert title.lower() in text.replace("\u202f", " ").lower()


async def test_unplaced_word_is_named_in_the_reply_and_pages_keep_the_filter(bot):
    calls = await bot.send("/meetings December zzqqxx")
    [text] = texts(calls)
    assert "Meetings: December (any year)" in text and "zzqqxx" in text and "Left out" in text
    pages = [d for d in button_data(calls) if d.startswith("mtg:") and d.endswith(":2")]
    assert pages == ["mtg:q12:2"]
    [text] = texts(await bot.press(pages[0]))[-1:]
    assert "December (any year)" in text


async def test_ambiguous_name_offers_choices_combined_with_the_rest(bot):
    calls = await bot.send("/meetings cooperation 2024")
    [text] = texts(calls)
    assert "“cooperation” may mean several things" in text
    data = button_data(calls)
    assert "mtg:ctbilateral-cooperation+y2024:1" in data
    [text] = texts(await bot.press("mtg:ctbilateral-cooperation+y2024:1"))[-1:]
    assert "Meetings: topic “Bilateral cooperation” · 2024" in text
    assert "Nurtleu meets" in text


def ask_question(question, seeds, index):
    return ask(question, seeds, index, 100)


# -- questions in plain words, ranked ------------------------------------------------------------

BOTCHORISHVILI = "2024-12-malta-nurtleu-botchorishvili"
NAZARBAYEVA = "2019-04-nazarbayeva-lajcak"
BRAATHU = "2025-12-05-vienna-kosherbayev-braathu"


@pytest.mark.parametrize(
    ("question", "first", "named"),
    [
        ("Nurtleu Botchorishvili", BOTCHORISHVILI, 2),
        ("Botchorishvili Nurtleu", BOTCHORISHVILI, 2),
        ("when did Nurtleu meet Botchorishvili?", BOTCHORISHVILI, 2),
        ("Нуртлеу Бочоришвили", BOTCHORISHVILI, 2),
        ("Лайчак Назарбаева", NAZARBAYEVA, 2),
        ("кто встречался с Назарбаевой и Лайчаком?", NAZARBAYEVA, 2),
        ("Лайчак пен Назарбаеваның кездесуі", NAZARBAYEVA, 2),
        ("Кошербаев Брату", BRAATHU, 2),
        ("Көшербаев пен Братудың кездесуі", BRAATHU, 2),
    ],
)
def test_records_matching_everything_named_come_first(seeds, index, question, first, named):
    asked = ask_question(question, seeds, index)
    assert len(asked.named) == named, asked.named
    assert asked.ids[0] == first
    people = {f.value for f in asked.named if f.kind == "person"}
    both = [i for i in asked.ids if people <= {p.person for p in seeds.events[i].participants}]
    assert list(asked.ids[: len(both)]) == both  # every record with both before any with one


def test_then_meetings_with_one_of_them(seeds, index):
    asked = ask_question("Лайчак Назарбаева", seeds, index)
    lajcak = {
        e.id
        for e in seeds.events.values()
        if any(p.person == "lajcak-miroslav" for p in e.participants)
    }
    assert lajcak - {NAZARBAYEVA} <= set(asked.ids[1:])


def test_a_date_in_the_question_counts_as_a_match(seeds, index):
    asked = ask_question("Kosherbayev Kamp 2025", seeds, index)
    assert asked.ids[0] == "2025-12-05-vienna-kosherbayev-kamp"
    assert MeetingFilter("year", "2025") in asked.named


def test_the_text_part_is_relevance_not_date(seeds, index):
    # No names: records whose text meets the rarer word ("desertification") first.
    asked = ask_question("desertification cooperation", seeds, index)
    assert asked.ids[0] == "2025-12-05-vienna-osce-mc32"


@pytest.mark.parametrize(
    ("lang", "question", "said"),
    [
        ("en", "/search Nurtleu Botchorishvili", "best match first"),
        ("ru", "/search Нуртлеу Бочоришвили", "сначала лучшие"),
        ("kk", "/search Нұртілеу Бочоришвили", "ең сәйкесі бірінші"),
    ],
)
async def test_the_reply_says_what_the_order_is(tmp_path, lang, question, said):
    async with running_bot(tmp_path, lang=lang) as bot:
        text = texts(await bot.send(question))[0]
        assert said in text and "newest first" not in text
        assert text.index("Botchorishvili" if lang == "en" else "Бочоришвили") < text.index("1.")
        first_line = next(line for line in text.splitlines() if line.startswith("1."))
        assert "Бочоришвили" in first_line or "Botchorishvili" in first_line


# -- precision: folding across scripts is for names --------------------------------------------


@pytest.mark.parametrize("word", ["bold", "boldy", "Bold"])
def test_a_latin_word_does_not_find_kazakh_words_that_fold_alike(seeds, index, word):
    assert ask_question(word, seeds, index).ids == ()


def test_a_word_in_its_own_script_still_matches_with_endings(seeds, index):
    assert ask_question("болды", seeds, index).ids
    assert ask_question("климатом", seeds, index).ids  # Russian stem + ending


def test_names_still_cross_scripts(seeds, index):
    for spelling in ("Kosherbayev", "Кошербаев", "Көшербаев", "Koshербаев"):
        assert len(ask_question(spelling, seeds, index).ids) == 6
    assert index.resolve_topic("bold").status == "none"  # no topic alias in another script
