"""The fact-check of the records (../shared/research/facts.md): one test per corrected fact, and one
per alias that matched wrongly, on the real seeds and on the cards readers see in kk/ru/en."""

from __future__ import annotations

import pytest

from bot.conversation.cards import render_event_card
from bot.i18n import t
from bot.ingest import Knowledge
from bot.ingest.text import split_sentences
from bot.records.loading import SeedSet, load_seeds
from bot.records.models import LANGS
from bot.search.index import SearchIndex
from tests.support.harness import REAL_SEEDS

VIENNA = [
    "2025-12-05-vienna-osce-mc32",
    "2025-12-05-vienna-central-asia-nordic",
    "2025-12-05-vienna-kosherbayev-sinirlioglu",
    "2025-12-05-vienna-kosherbayev-telalian",
    "2025-12-05-vienna-kosherbayev-braathu",
    "2025-12-05-vienna-kosherbayev-kamp",
]
ASSELBORN = "2024-12-malta-nurtleu-asselborn"
ATAMKULOV = "2019-04-08-astana-atamkulov-lajcak"


@pytest.fixture(scope="module")
def seeds() -> SeedSet:
    return load_seeds(REAL_SEEDS)


@pytest.fixture(scope="module")
def index(seeds) -> SearchIndex:
    return SearchIndex.build(seeds)


@pytest.fixture(scope="module")
def knowledge(seeds) -> Knowledge:
    return Knowledge.from_seeds(seeds)


def card(seeds, event_id, lang):
    return render_event_card(seeds.events[event_id], seeds, lang)


# -- wrong facts (W1–W9) and unsupported claims (U1–U6) -------------------------------------------


@pytest.mark.parametrize("event_id", VIENNA)
def test_vienna_meetings_have_no_day_the_articles_do_not_state(seeds, event_id):
    """W1–W5, U1: the reports' dateline (5 Dec) was shown as the day; the council ran 4–5 Dec."""
    date = seeds.events[event_id].date
    assert (date.value, date.precision, date.basis) == ("2025-12", "month", "inferred")
    assert str(date.reported) == "2025-12-05"
    assert "4–5" in date.reason_in("en") and "4–5" in date.reason_in("ru")
    shown = {
        "en": ("December 2025 (inferred) · reported on 5 December 2025", "5 December 2025 (inf"),
        "ru": (
            "декабрь 2025 г. (выведено из текста) · сообщение от 5 декабря 2025",
            "5 декабря 2025 г. (вы",
        ),
        "kk": ("(мәтін бойынша анықталған) · хабарлама күні", "5 желтоқсан 2025 ж. (м"),
    }
    for lang, (wanted, wrong) in shown.items():
        text = card(seeds, event_id, lang).replace("\u202f", " ")
        assert wanted in text.replace("Декабрь", "декабрь"), (lang, text[:300])
        assert wrong not in text


@pytest.mark.parametrize(
    ("lang", "words"), [("en", "Bettel"), ("ru", "Беттель"), ("kk", "Беттель")]
)
def test_asselborn_doubt_is_on_the_card(seeds, lang, words):
    """W6: the article names Asselborn, who left office in Nov 2023; the card says so."""
    text = card(seeds, ASSELBORN, lang)
    assert words in text and "2023" in text and "⚠️" in text
    assert "Luxembourg's Foreign Minister Asselborn" not in text


def test_kosherbayev_has_his_real_patronymic(seeds):
    """W7: "Кошербаевич" was invented; the decree says Ермек Беделбаевич."""
    aliases = seeds.people["kosherbayev-yermek"].aliases.all()
    assert not any("Кошербаевич" in a for a in aliases)
    assert "Кошербаев Ермек Беделбаевич" in aliases
    assert "Köşerbaev" in aliases and "Koşerbaev" not in aliases  # A13: the 2021 Latin form


def test_the_2026_summit_is_one_event_announced_twice(seeds):
    """W8: the UN Regional Climate Summit and the Regional Ecological Summit are one event."""
    summits = [f for f in seeds.future_events.values() if f.date.value and "2026" in f.date.value]
    summit_ids = [f.id for f in summits if "summit" in f.id]
    assert summit_ids == ["2026-04-astana-regional-ecological-summit"]
    summit = seeds.future_events[summit_ids[0]]
    assert {s.article for s in summit.sources} == {
        "baq-2025-12-05-osce-mc32",
        "elkz-2024-12-06-osce-mc31",
    }
    assert summit.place.country == "kazakhstan" and "un" in summit.organizations  # M9


def test_the_almaty_sdg_centre_existed(seeds):
    """W9, M5: the UN SDG centre was set up in 2025; MC32 names it and the UN."""
    council = seeds.events["2025-12-05-vienna-osce-mc32"]
    assert "proposal, not an existing body" not in (council.notes or "")
    assert {"un", "un-sdg-centre-almaty"} <= set(council.organizations)
    assert "senate-kazakhstan" in seeds.events["2019-04-nazarbayeva-lajcak"].organizations


def test_asean_forum_as_the_article_says(seeds):
    """U2: the article says "АСЕАН Форумы", not the ASEAN Regional Forum."""
    assert "asean-regional-forum" not in seeds.organizations
    talks = seeds.events[ATAMKULOV]
    assert "ASEAN Regional Forum" not in talks.summary.en
    assert "Регионального форума АСЕАН" not in talks.summary.ru
    assert "asean" in talks.organizations
    assert (
        "ASEAN Regional Forum"
        not in seeds.future_events["osce-cica-arf-consultative-meeting"].title.en
    )


def test_pellegrini_summary_keeps_the_narration_the_papers(seeds):
    """U3: the "special year" is the article's own narration, not the ministers' words."""
    summary = seeds.events["2018-pellegrini-visit-kazakhstan"].summary
    assert "recalled it" not in summary.en and "Article 001" in summary.en
    assert "басты оқиғасы" not in summary.kk
    assert "отметили его" not in summary.ru


def test_russian_summary_does_not_date_the_consultative_meeting(seeds):
    """U4: only the conference is in 2020; the preparation is not, nor the consultative meeting."""
    ru = seeds.events[ATAMKULOV].summary.ru
    assert "о подготовке в 2020 году" not in ru and "о работе по проведению в 2020 году" in ru


def test_special_session_quotes_only_its_own_sentence(seeds):
    """U5: the speakers' view of Afghanistan belongs to the whole Tashkent meeting."""
    session = seeds.events["tashkent-afghanistan-special-session"]
    quotes = [q for s in session.sources for q in s.quotes]
    assert len(quotes) == 1 and "арнайы сессиясына" in quotes[0]
    parent = seeds.events["tashkent-central-asia-deputy-fm-meeting"]
    assert any("көрші Ауғанстанмен" in q for s in parent.sources for q in s.quotes)


def test_central_asia_nordic_were_representatives(seeds):
    """U6: article 004 says representatives attended, not counterparts."""
    summary = seeds.events["2025-12-05-vienna-central-asia-nordic"].summary.en
    assert "counterparts" not in summary and "representatives" in summary


# -- missing (M1–M3, M8) and the place name of the day ---------------------------------------------


def test_helsinki_talks_carry_the_helsinki_topic(seeds):
    """M1: the 2019 talks discussed the Helsinki Final Act's 45th anniversary conference."""
    assert "international-law" in seeds.events[ATAMKULOV].topics


@pytest.mark.parametrize(
    ("query", "topic"),
    [
        ("arms control", "arms-control"),
        ("нераспространение", "arms-control"),
        ("қарусыздану", "arms-control"),
        ("politico-military", "politico-military"),
        ("военно-политическое измерение", "politico-military"),
        ("elections", "elections"),
        ("выборы", "elections"),
        ("сайлау", "elections"),
        ("migration", "migration"),
        ("миграция", "migration"),
        ("көші-қон", "migration"),
        ("cybersecurity", "cybersecurity"),
        ("кибербезопасность", "cybersecurity"),
        ("киберқауіпсіздік", "cybersecurity"),
    ],
)
def test_missing_topics_exist_in_three_languages(index, query, topic):
    """M2: politico-military / arms control, elections, migration, cyber."""
    resolution = index.resolve_topic(query)
    assert resolution.status == "found" and resolution.matches[0].id == topic


def test_sinirlioglu_talks_are_politico_military(seeds):
    assert "politico-military" in seeds.events["2025-12-05-vienna-kosherbayev-sinirlioglu"].topics


@pytest.mark.parametrize("query", ["ДИАҚБ", "БДИПЧ", "ODIHR"])
def test_odihr_has_its_kazakh_abbreviation(index, query):
    """M3: the Kazakh abbreviation ДИАҚБ."""
    assert index.find_organizations(query)[0].id == "odihr"


def test_kazakh_texts_use_the_kazakh_odihr_abbreviation(seeds):
    telalian = seeds.events["2025-12-05-vienna-kosherbayev-telalian"]
    assert "ДИАҚБ" in telalian.title.kk and "БДИПЧ" not in telalian.summary.kk


def test_naheed_esar_is_found(index):
    """M8: the common spelling Naheed Esar."""
    resolution = index.resolve_person("Naheed Esar")
    assert resolution.status == "found" and resolution.matches[0].id == "esar-nahid"


@pytest.mark.parametrize(
    ("lang", "shown"),
    [
        ("en", "Nur-Sultan (now Astana)"),
        ("ru", "Нур-Султан (ныне Астана)"),
        ("kk", "Нұр-Сұлтан (қазіргі Астана)"),
    ],
)
def test_2019_card_names_the_city_of_its_day(seeds, lang, shown):
    """S11: in April 2019 the capital was Nur-Sultan, as article 001 calls it."""
    assert shown in card(seeds, ATAMKULOV, lang)
    later = card(seeds, "2018-pellegrini-visit-kazakhstan", lang)  # a country, no city: unchanged
    assert "Nur-Sultan" not in later


def test_talks_during_a_visit_are_part_of_it_not_on_its_sidelines(seeds):
    """S10."""
    text = card(seeds, ATAMKULOV, "en")
    assert "Part of: Visit of OSCE Chairperson-in-Office" in text
    assert "On the sidelines of: 32nd" in card(seeds, VIENNA[1], "en")


def test_every_card_renders_in_every_language(seeds):
    for event_id in seeds.events:
        for lang in LANGS:
            assert event_id in card(seeds, event_id, lang)


# -- aliases that matched wrongly (A1–A10) ------------------------------------------------------


def topics_in(knowledge, text):
    return {hit.id for hit in knowledge.topics.find_all(split_sentences(text))}


@pytest.mark.parametrize(
    ("text", "not_topic", "topic"),
    [
        # A1: "медиа" caught "медиация" (mediation) as media freedom.
        (
            "Министр ЕҚЫҰ-ның алдын алу, медиация және мониторинг салаларындағы құралдарын атады.",
            "media-freedom",
            "preventive-diplomacy",
        ),
        # A2: article 003's "ұлтаралық сын-қатерлер" are transnational threats, not minorities.
        (
            "Іс-шара барысында аймақтық және ұлтаралық сын-қатерлер талқыланды.",
            "national-minorities",
            None,
        ),
        # A4: "экологиялық тұрақтылық" is sustainability, not security.
        ("Министр экологиялық тұрақтылықты арттыру қажеттігін айтты.", "security", "environment"),
        # A5: the OSCE's institutional crisis is no conflict.
        (
            "Обсудили пути преодоления институционального кризиса в Организации.",
            "conflict-resolution",
            "osce-institutional",
        ),
        # A6: generic "threats" words no longer file a text under transnational threats.
        (
            "Ол Орталық Азия кезігіп отырған бірқатар қауіп-қатерлерге тоқталды.",
            "transnational-threats",
            None,
        ),
    ],
)
def test_ingest_does_not_file_false_matches(knowledge, text, not_topic, topic):
    found = topics_in(knowledge, text)
    assert not_topic not in found
    if topic:
        assert topic in found


@pytest.mark.parametrize(
    ("query", "wrong"),
    [
        ("ИРА", "afghanistan"),  # A3: the IRA in Russian
        ("тұрақтылық", "security"),  # A4
        ("медиация", "media-freedom"),  # A1: mediation is no media
        ("кризис", "conflict-resolution"),  # A5
        ("Скандинавия", "central-asia-nordic"),  # A10
    ],
)
def test_topic_aliases_do_not_claim_false_equivalences(index, query, wrong):
    resolution = index.resolve_topic(query)
    assert resolution.status != "found" or resolution.matches[0].id != wrong


def test_ira_is_no_place_either(index):
    assert all(m.id != "afghanistan" or m.score < 90 for m in index.find_places("ИРА"))


@pytest.mark.parametrize(
    ("query", "wrong"),
    [
        ("СМИД", "osce-ministerial-council"),  # A7: any foreign ministers' council
        ("Сыртқы істер министрлері кеңесі", "osce-ministerial-council"),
        ("Ministerial Council", "osce-ministerial-council"),
        ("СІМ", "mfa-kazakhstan"),  # A8: any country's ministry
        ("СІМ басшысы", "mfa-kazakhstan"),
    ],
)
def test_generic_council_and_ministry_words_name_no_body(seeds, query, wrong):
    body = seeds.organizations[wrong]
    abbreviations = [body.abbr.get(lang) for lang in LANGS] if body.abbr else []
    assert query not in [*body.aliases.all(), *abbreviations]


def test_ingest_keeps_cis_council_out_of_the_osce(knowledge):
    text = "Министр принял участие в заседании Совета министров иностранных дел СНГ в Душанбе."
    hits = {hit.id for hit in knowledge.organizations.find_all(split_sentences(text))}
    assert "osce-ministerial-council" not in hits


def test_elorda_is_no_alias_of_astana(seeds):
    """A9: "Елорда" is any capital."""
    assert "Елорда" not in seeds.places["astana"].aliases.all()


# -- anniversaries and topics ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "query", ["Helsinki", "Хельсинки", "Хельсинкский заключительный акт", "Helsinki Final Act"]
)
def test_topic_helsinki_finds_the_2019_talks(index, query):
    """/topic Helsinki finds the Atamkulov–Lajčák talks on the Final Act's 45th anniversary."""
    resolution = index.resolve_topic(query)
    assert resolution.status == "found" and resolution.matches[0].id == "international-law"
    assert ATAMKULOV in index.events_for_topic("international-law")


def test_a_record_citing_an_anniversary_is_found_under_its_topics(seeds, index):
    """MC32 is not filed under Eurasian security, but cites the Astana Declaration, which is."""
    council = seeds.events["2025-12-05-vienna-osce-mc32"]
    assert "eurasian-security" not in council.topics
    assert "astana-commemorative-declaration" in council.anniversaries
    assert council.id in index.events_for_topic("eurasian-security")


# -- the remaining items: M6, M7, S3-S8, S15 -----------------------------------------------------

TASHKENT_RECORDS = [
    "tashkent-central-asia-deputy-fm-meeting",
    "tashkent-afghanistan-special-session",
    "tashkent-youth-session",
    "tashkent-ashikbayev-gherman",
    "tashkent-ashikbayev-central-asian-counterparts",
]


@pytest.mark.parametrize("event_id", TASHKENT_RECORDS)
def test_tashkent_keeps_no_date_and_its_card_gives_unrccas(seeds, event_id):
    """M6: the article gives no date; UNRCCA's report (14 December 2019) is a caveat, not a date."""
    event = seeds.events[event_id]
    assert (event.date.value, event.date.precision) == (None, "unknown")
    for lang, shown in (("en", "14 December 2019"), ("ru", "14 декабря 2019"),
                        ("kk", "2019 жылғы 14 желтоқсанға")):  # fmt: skip
        card = render_event_card(event, seeds, lang)
        assert shown in card and "unrcca.unmissions.org" in card
        assert t(lang, "date.unknown") in card


@pytest.mark.parametrize(
    ("event_id", "lang", "words"),
    [
        ("2019-04-lajcak-visit-kazakhstan", "en", "planned for 7–8 April 2019"),
        ("2019-04-lajcak-visit-kazakhstan", "ru", "запланирован на 7–8 апреля 2019"),
        ("2019-04-tokayev-lajcak", "en", "Caravanserai (8 April"),
        ("2024-12-malta-osce-mc31", "en", "5–6 December 2024 at the MFCC in Ta' Qali"),
        ("2024-12-malta-osce-mc31", "kk", "5–6 желтоқсанда Та-Кали"),
        ("2024-12-malta-nurtleu-fidan", "ru", "совет проходил 5–6 декабря 2024"),
    ],
)
def test_outside_dates_are_in_the_reason_not_the_date(seeds, event_id, lang, words):
    """M7: the outside days go into the reason; the records keep the month the text supports."""
    date = seeds.events[event_id].date
    assert date.precision == "month" and words in date.reason_in(lang)


def test_tashkent_kazakh_summary_says_what_the_others_say(seeds):
    """S3: no verb said twice; Ashikbayev's statement, as in en and ru, with its quote."""
    summary = seeds.events["tashkent-central-asia-deputy-fm-meeting"].summary.kk
    assert summary.count("қатысты") == 1 and summary.count("атап") == 1
    assert "аймақтық жақындасуын әрдайым қолдайтынын" in summary
    [source] = seeds.events["tashkent-central-asia-deputy-fm-meeting"].sources
    assert any(q.startswith("Е.Ашықбаев өз сөзінде") for q in source.quotes)


def test_central_asia_nordic_remarks_in_every_language(seeds):
    """S4: Kosherbayev's remarks on regional cooperation in en, ru and kk alike."""
    event = seeds.events["2025-12-05-vienna-central-asia-nordic"]
    assert "deepening regional cooperation" in event.summary.en
    assert "углублении региональной кооперации" in event.summary.ru
    assert "өңірлік ынтымақтастықтың тереңдеуі" in event.summary.kk
    assert any(q.startswith("В своём выступлении Е.Кошербаев") for q in event.sources[0].quotes)


def test_wordings_as_the_articles_have_them(seeds):
    """S5 within the initiative, S6 no "summit summit", S7 principles and provisions."""
    youth = seeds.events["tashkent-youth-session"].summary
    assert "в рамках инициативы РЦПДЦА" in youth.ru and "по инициативе" not in youth.ru
    riyadh = seeds.events["2024-12-03-riyadh-one-water-summit"].summary
    assert "«One Water Summit» саммитін" not in riyadh.kk
    mc31 = seeds.events["2024-12-malta-osce-mc31"].summary
    assert "положения Астанинской декларации" in mc31.ru
    assert "Астана декларациясының ережелерін" in mc31.kk
    assert "provisions of the Astana Declaration" in mc31.en


def test_malta_kazakh_reasons_put_the_kazakh_meaning_first(seeds):
    """S8: the Russian words come in parentheses after their Kazakh meaning."""
    for event_id in [e for e in seeds.events if e.startswith("2024-12-malta")]:
        reason = seeds.events[event_id].date.reason_in("kk")
        assert "6 желтоқсанмен" in reason and '"6 Декабря"' not in reason


def test_a_series_of_meetings_says_it_is_one(seeds):
    """S15: one record for several meetings says so in its title and summary."""
    event = seeds.events["tashkent-ashikbayev-central-asian-counterparts"]
    assert "series" in event.title.en and "Серия" in event.title.ru and "сериясы" in event.title.kk
    for lang in LANGS:
        assert event.summary.get(lang).count(".") >= 2  # the sentence saying it stands for all
    assert "stands for all of them" in event.summary.en


@pytest.mark.parametrize(
    ("event_id", "lang", "shown", "not_shown"),
    [
        (ASSELBORN, "en", "El.kz, citing the Ministry of Foreign Affairs", "со ссылкой"),
        (ASSELBORN, "kk", "El.kz, ҚР СІМ-ге сілтеме жасап", "со ссылкой"),
        (ASSELBORN, "ru", "El.kz, со ссылкой на МИД РК", "ИА El.kz"),
        ("2025-12-05-vienna-central-asia-nordic", "en",
         "CentralAsia (KZ), as reported by the Ministry of Foreign Affairs", "сообщает"),
        ("2025-12-05-vienna-central-asia-nordic", "kk", "CentralAsia (KZ), ҚР СІМ хабарлауынша",
         "сообщает"),
    ],
)  # fmt: skip
def test_the_outlet_and_whom_it_cites_in_the_readers_language(seeds, event_id, lang, shown,
                                                               not_shown):  # fmt: skip
    """S12: the outlet's own name, and "citing the MFA" in the card's language."""
    card = render_event_card(seeds.events[event_id], seeds, lang)
    assert shown in card and not_shown not in card
