"""Facts about the real data set in seeds/ that users rely on when they ask the bot."""

import re
from pathlib import Path

import pytest

from bot.records.loading import load_seeds
from bot.records.models import LANGS
from bot.records.seedset import SeedSet
from bot.settings import PROJECT_ROOT

SEEDS = PROJECT_ROOT / "seeds"

VIENNA_MC32 = "2025-12-05-vienna-osce-mc32"
MALTA_MC31 = "2024-12-malta-osce-mc31"
TASHKENT = "tashkent-central-asia-deputy-fm-meeting"
LAJCAK_VISIT = "2019-04-lajcak-visit-kazakhstan"
KAZAKH_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")


@pytest.fixture(scope="module")
def seeds() -> SeedSet:
    return load_seeds(SEEDS)


def children(seeds: SeedSet, parent: str) -> set[str]:
    return {event.id for event in seeds.events.values() if event.part_of == parent}


def article_number(seeds: SeedSet, article_id: str) -> str:
    """The article's file number ("000".."004"), the way the articles are known by."""
    return Path(seeds.articles[article_id].file).name[:3]


def test_every_meeting_the_articles_report_is_a_record(seeds):
    assert len(seeds.events) >= 20
    kinds = {event.kind for event in seeds.events.values()}
    assert {"ministerial_council", "bilateral_meeting", "multilateral_meeting", "visit"} <= kinds


def test_vienna_council_is_one_record_with_two_sources_in_two_languages(seeds):
    councils = [
        e
        for e in seeds.events.values()
        if e.kind == "ministerial_council" and e.date.value == "2025-12"
    ]
    assert [e.id for e in councils] == [VIENNA_MC32]
    council = seeds.events[VIENNA_MC32]
    languages = {seeds.articles[source.article].language for source in council.sources}
    assert len(council.sources) == 2
    assert languages == {"kk", "ru"}
    assert council.place.city == "vienna"
    assert (council.date.value, council.date.precision, council.date.basis) == (
        "2025-12",
        "month",
        "inferred",
    )
    assert str(council.date.reported) == "2025-12-05"
    assert "4–5 December 2025" in council.date.reason_in("en")


def test_margin_meetings_point_to_their_council(seeds):
    vienna = children(seeds, VIENNA_MC32)
    assert len(vienna) == 5  # Central Asia – Nordic + Sinirlioğlu, Telalian, Braathu, Kamp
    heads = {p.person for e in vienna for p in seeds.events[e].participants}
    assert {"sinirlioglu-feridun", "telalian-maria", "braathu-jan", "kamp-christophe"} <= heads
    malta = children(seeds, MALTA_MC31)
    counterparts = {
        p.person for e in malta for p in seeds.events[e].participants if p.person != "nurtleu-murat"
    }
    assert len(malta) == 7
    assert counterparts == {
        "bayramov-jeyhun",
        "quintin-bernard",
        "botchorishvili-maka",
        "asselborn-jean",
        "blanar-juraj",
        "fidan-hakan",
        "valtonen-elina",
    }
    assert len(children(seeds, LAJCAK_VISIT)) == 3  # Atamkulov, Tokayev, Nazarbayeva


def test_tashkent_meeting_has_no_date(seeds):
    for event_id in {TASHKENT, *children(seeds, TASHKENT)}:
        date = seeds.events[event_id].date
        assert (date.value, date.precision, date.basis) == (None, "unknown", "unknown")
    assert seeds.events[TASHKENT].place.city == "tashkent"


def test_malta_year_is_inferred_with_its_reason(seeds):
    date = seeds.events[MALTA_MC31].date
    assert date.value.startswith("2024")
    assert date.basis == "inferred"
    assert "2024" in date.reason_in("en")
    assert seeds.events[MALTA_MC31].place.country == "malta"
    published = seeds.articles["elkz-2024-12-06-osce-mc31"].published
    assert (published.value, published.basis) == ("2024-12-06", "inferred")


def test_lajcak_talks_took_place_on_the_articles_day(seeds):
    talks = seeds.events["2019-04-08-astana-atamkulov-lajcak"]
    assert (talks.date.value, talks.date.precision, talks.date.basis) == (
        "2019-04-08",
        "day",
        "inferred",
    )
    assert all("бүгін" in talks.date.reason_in(lang) for lang in LANGS)
    for event_id in ("2019-04-tokayev-lajcak", "2019-04-nazarbayeva-lajcak"):
        assert seeds.events[event_id].date.value == "2019-04"


def test_every_quote_occurs_verbatim_in_its_article(seeds):
    sourced = [*seeds.events.values(), *seeds.future_events.values()]
    for record in sourced:
        for source in record.sources:
            text = seeds.article_texts[source.article]
            for quote in source.quotes:
                assert quote in text, f"{record.id}: {quote[:60]!r}"


def test_every_person_has_names_in_three_languages(seeds):
    assert len(seeds.people) >= 20
    for person in seeds.people.values():
        names = [person.name.get(lang) for lang in LANGS]
        assert all(names), person.id
    assert seeds.people["kosherbayev-yermek"].name.kk == "Ермек Көшербаев"
    aliases = seeds.people["kosherbayev-yermek"].aliases.all()
    assert {"Кошербаев", "Kosherbayev", "Kosherbaev"} <= set(aliases)
    assert {"Lajčák", "Lajcak", "Лайчак"} <= set(seeds.people["lajcak-miroslav"].aliases.all())


def test_taxonomy_has_aliases_in_three_languages(seeds):
    assert len(seeds.topics) >= 25
    for topic in seeds.topics.values():
        assert topic.aliases.kk and topic.aliases.ru and topic.aliases.en, topic.id


@pytest.mark.parametrize(
    ("topic", "word"),
    [
        ("climate", "климаттың өзгеруі"),
        ("climate", "изменением климата"),
        ("climate", "climate"),
        ("water", "су"),
        ("water", "water"),
        ("human-rights", "права человека"),
    ],
)
def test_topics_know_the_word_forms_users_type(seeds, topic, word):
    assert word in seeds.topics[topic].aliases.all()


def test_helsinki_final_act_is_dated_and_referenced(seeds):
    assert str(seeds.anniversaries["helsinki-final-act"].date) == "1975-08-01"
    mentioning = {a for a, text in seeds.article_texts.items() if "Хельсинк" in text}
    assert {article_number(seeds, a) for a in mentioning} == {"000", "001", "002"}
    referencing = [e for e in seeds.events.values() if "helsinki-final-act" in e.anniversaries]
    assert {s.article for e in referencing for s in e.sources} >= mentioning
    for event in referencing:  # a record that cites the anniversary quotes the sentence that does
        quotes = [q for s in event.sources for q in s.quotes]
        assert any("Хельсинк" in q for q in quotes), event.id


def test_announced_summits_are_future_events(seeds):
    summit = seeds.future_events["2026-04-astana-regional-ecological-summit"]
    assert (summit.date.value, summit.date.precision, summit.place.city) == (
        "2026-04",
        "month",
        "astana",
    )
    # One summit, announced in 2024 as the UN Regional Climate Summit and in 2025 by its new name.
    assert "2026-un-regional-climate-summit" not in seeds.future_events
    assert len(summit.sources) == 2
    for council in (VIENNA_MC32, MALTA_MC31):
        assert "2026-04-astana-regional-ecological-summit" in seeds.events[council].announces


def test_astana_is_found_under_its_former_name(seeds):
    astana = seeds.places["astana"]
    assert {"Nur-Sultan", "Нұр-Сұлтан", "Нур-Султан"} <= set(astana.aliases.all())
    assert astana.timezone == "Asia/Almaty"


def test_kazakh_texts_use_kazakh_letters_and_no_mixed_scripts(seeds):
    for event in seeds.events.values():
        assert KAZAKH_LETTERS & set(event.summary.kk + event.title.kk), event.id
        for text in (event.title.kk, event.title.ru, event.summary.kk, event.summary.ru):
            mixed = [
                word
                for word in re.findall(r"\w+", text)
                if re.search(r"[A-Za-z]", word) and re.search(r"[\u0400-\u04ff]", word)
            ]
            assert not mixed, (event.id, mixed)


def every_date(seeds: SeedSet):
    """Each date in the data set with where it is: events, future events and articles."""
    for event in seeds.events.values():
        yield event.id, event.date
    for future in seeds.future_events.values():
        yield future.id, future.date
    for article in seeds.articles.values():
        yield article.id, article.published


def test_every_date_reason_reads_in_the_readers_language(seeds):
    reasons = [(where, date) for where, date in every_date(seeds) if date.reason]
    assert len(reasons) >= 25
    for where, date in reasons:
        kk, ru, en = (date.reason_in(lang) for lang in ("kk", "ru", "en"))
        assert len({kk, ru, en}) == 3, f"{where}: reason not given per language"
        assert set(kk) & KAZAKH_LETTERS, f"{where}: Kazakh reason without Kazakh letters"
        assert re.search("[а-яё]", ru), f"{where}: Russian reason is not in Cyrillic"
        # Years and article numbers are facts: the three texts must carry the same ones.
        numbers = [
            sorted(set(re.findall(r"\b(?:19|20)\d\d\b|\b00\d\b", text))) for text in (kk, ru, en)
        ]
        assert numbers[0] == numbers[1] == numbers[2], f"{where}: {numbers}"
