"""Users find people, topics, places and events however they spell them, and nothing else."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.records.loading import load_seeds
from bot.records.models import Event, Person
from bot.search.index import SearchIndex
from tests.support.seedcopy import REAL_SEEDS


@pytest.fixture(scope="module")
def seeds():
    return load_seeds(REAL_SEEDS)


@pytest.fixture(scope="module")
def index(seeds) -> SearchIndex:
    return SearchIndex.build(seeds)


PEOPLE = {
    "kosherbayev-yermek": [
        "Көшербаев",
        "Кошербаев",
        "Koshербаев",
        "Kosherbayev",
        "Kosherbaev",
        "KOSHERBAYEV",
        "Көшербаевтың",
        "Кошербаевым",
        "Көшербаевпен",
        "Кошербаеву",
        "Кошербаева",
        "Е.Көшербаев",
        "Е. Кошербаев",
        "Ye. Kosherbayev",
        "Ермек Көшербаев",
        "Kosherbayev Yermek",
        "Yermek Koshербаев",
        "Koshrebaev",
        "Kosherbeav",
        "Kosherbaiev",
        "Kosherbayev's",
        "<b>Кошербаев</b>",
        "/minister Кошербаев",
    ],
    "atamkulov-beibut": [
        "Атамқұлов",
        "Атамкулов",
        "Atamkulov",
        "Atamqulov",
        "Б. Атамқұлов",
        "Атамқұловпен",
        "Атамкуловым",
        "Beibut Atamkulov",
        "Atamkulow",
        "Atamkluov",
    ],
    "lajcak-miroslav": [
        "Lajčák",
        "Lajcak",
        "LAJCAK",
        "Лайчак",
        "Лайчакпен",
        "Лайчаком",
        "М. Лайчак",
        "Miroslav Lajčák",
        "Мирослав Лайчак",
        "Лайчактың",
    ],
    "nurtleu-murat": [
        "Нуртлеу",
        "Нұртлеу",
        "Нұртілеу",
        "Nurtleu",
        "Нуртлеуа",
        "М.Нуртлеу",
        "Мурат Нуртлеу",
        "Nurtleu Murat",
        "Нұртілеудің",
    ],
    "sinirlioglu-feridun": [
        "Sinirlioğlu",
        "Sinirlioglu",
        "Синирлиоглу",
        "Синирлиоглу Феридун",
        "Feridun Sinirlioglu",
        "Синирлиоглумен",
        "Sinirliolgu",
        "Синирлиоглу's",
    ],
    "telalian-maria": [
        "Telalian",
        "Телалиан",
        "Мария Телалиан",
        "Maria Telalian",
        "Телалианмен",
        "Telalain",
    ],
    "ashikbayev-yerzhan": [
        "Ашықбаев",
        "Ашикбаев",
        "Ashikbayev",
        "Ashykbayev",
        "Ashikbaev",
        "Е.Ашықбаев",
        "Ержан Ашықбаев",
        "Yerzhan Ashikbayev",
        "Ашықбаевтың",
        "Ашикбаевым",
        "Ashikbaiev",
    ],
    "gherman-natalia": [
        "Gherman",
        "Герман",
        "Германмен",
        "Н.Германмен",
        "Natalia Gherman",
        "Наталья Герман",
        "German Natalia",
    ],
    "tokayev-kassym-jomart": [
        "Тоқаев",
        "Токаев",
        "Tokayev",
        "Tokaev",
        "Tokaiev",
        "Тоқаевпен",
        "Токаевым",
        "Kassym-Jomart Tokayev",
        "Қасым-Жомарт Тоқаев",
        "Касым-Жомарт Токаев",
        "К. Токаев",
    ],
    "nazarbayev-nursultan": ["Назарбаев", "Nazarbayev", "Нұрсұлтан Назарбаев", "Назарбаевтың"],
    "nazarbayeva-dariga": ["Назарбаева", "Nazarbayeva", "Назарбаевой", "Дариға Назарбаевамен"],
}

UNRELATED = [
    "qqqzzz",  # mashed keys must not fold into a real short word ("KZ")
    "Smith",
    "John Smith",
    "Путин",
    "Putin",
    "Лавров",
    "qwerty",
    "Tokarev",
    "Germany",
    "Германия",
    "Казахстан",
    "министр",
    "OSCE",
    "12345",
    "",
    "   ",
    "🎉",
    "🇰🇿🇰🇿",
    "<b>",
    "</b><i>",
    "&amp;",
    "' OR 1=1 --",
    "x" * 10_000,
    "Кошербаев " * 2000,
]


@pytest.mark.parametrize(
    ("person", "query"), [(p, q) for p, queries in PEOPLE.items() for q in queries]
)
def test_every_spelling_finds_the_person(index, person, query):
    resolution = index.resolve_person(query)
    assert resolution.status == "found", (query, resolution)
    assert resolution.matches[0].id == person
    assert index.find_people(query)[0].id == person


@pytest.mark.parametrize("query", UNRELATED[:-1])
def test_unrelated_text_never_finds_a_person(index, query):
    assert index.resolve_person(query).status == "none"
    assert index.resolve_person(query).matches == ()


def test_a_very_long_query_is_cut_not_failed(index):
    # 2,000 repetitions of a real name: the first words are read, the rest are ignored.
    assert index.resolve_person(UNRELATED[-1]).matches[0].id == "kosherbayev-yermek"


def test_a_typo_too_far_is_offered_as_a_suggestion(index):
    resolution = index.resolve_person("Kosh")
    assert resolution.status == "none"
    assert resolution.suggestions[0].id == "kosherbayev-yermek"
    assert index.resolve_person("Tokarev").suggestions[0].id == "tokayev-kassym-jomart"


def test_a_shared_surname_stem_is_a_choice(index):
    resolution = index.resolve_person("Назарбаеву")  # his dative or her accusative
    assert resolution.status == "ambiguous"
    assert {m.id for m in resolution.matches} == {"nazarbayev-nursultan", "nazarbayeva-dariga"}
    assert index.resolve_person("Назар").status == "ambiguous"


def _person(person_id: str, kk: str, ru: str, en: str) -> Person:
    return Person(id=person_id, name={"kk": kk, "ru": ru, "en": en})


def _event(event_id: str, date: str, title: str, people: list[str], topics=()) -> Event:
    return Event(
        id=event_id,
        kind="bilateral_meeting",
        title={"kk": title, "ru": title, "en": title},
        date={"value": date, "precision": "day", "basis": "stated"},
        participants=[
            {
                "person": p,
                "role": {"kk": "министр", "ru": "министр", "en": "minister"},
                "side": "kazakhstan",
            }
            for p in people
        ],
        topics=list(topics),
        summary={"kk": title, "ru": title, "en": title},
        sources=[{"article": "a", "quotes": [title]}],
    )


def _seedset(people=(), events=()) -> SimpleNamespace:
    """A SeedSet look-alike: the index needs only these attributes."""
    return SimpleNamespace(
        people={p.id: p for p in people},
        organizations={},
        places={},
        topics={},
        events={e.id: e for e in events},
        article_texts={},
    )


def test_a_bare_first_name_shared_by_two_people_is_a_choice():
    index = SearchIndex.build(
        _seedset(
            people=[
                _person(
                    "kosherbayev-yermek", "Ермек Көшербаев", "Ермек Кошербаев", "Yermek Kosherbayev"
                ),
                _person(
                    "sagimbayev-yermek", "Ермек Сағымбаев", "Ермек Сагимбаев", "Yermek Sagimbayev"
                ),
            ]
        )
    )
    resolution = index.resolve_person("Ермек")
    assert resolution.status == "ambiguous"
    assert {m.id for m in resolution.matches} == {"kosherbayev-yermek", "sagimbayev-yermek"}
    assert index.resolve_person("Ермек Сагимбаевпен").matches[0].id == "sagimbayev-yermek"


TOPICS = {
    "climate": [
        "climate",
        "Climate change",
        "климат",
        "климаттың өзгеруі",
        "изменением климата",
        "изменение климата",
        "климатический",
    ],
    "water": ["су", "суға", "water", "вода", "водой", "воды", "водные ресурсы", "су тапшылығы"],
    "human-rights": [
        "human rights",
        "права человека",
        "прав человека",
        "адам құқықтары",
        "адам құқықтарын",
        "human right",
    ],
    "media-freedom": [
        "media freedom",
        "свобода СМИ",
        "свободы СМИ",
        "медиа бостандығы",
        "freedom of the media",
    ],
    "afghanistan": [
        "Afghanistan",
        "Ауғанстан",
        "Афганистан",
        "Ауғанстандағы",
        "Ауғанстанмен",
        "Афганистаном",
    ],
    "terrorism-extremism": [
        "terrorism",
        "терроризм",
        "терроризмом",
        "экстремизм",
        "extremism",
        "терроризм мен экстремизм",
    ],
    "security": [
        "security",
        "безопасность",
        "безопасности",
        "қауіпсіздік",
        "қауіпсіздікті",
        "securty",
    ],
}


@pytest.mark.parametrize(("topic", "query"), [(t, q) for t, qs in TOPICS.items() for q in qs])
def test_every_form_finds_the_topic(index, topic, query):
    resolution = index.resolve_topic(query)
    assert resolution.status == "found", (query, resolution)
    assert resolution.matches[0].id == topic


def test_a_typo_in_a_short_topic_word_is_a_suggestion(index):
    resolution = index.resolve_topic("climte")
    assert resolution.status == "none"
    assert resolution.suggestions[0].id == "climate"


@pytest.mark.parametrize("query", ["sun", "summer", "Smith", "qwerty", "", "🎉", "<b>"])
def test_short_and_unrelated_words_find_no_topic(index, query):
    assert index.resolve_topic(query).status == "none"


@pytest.mark.parametrize("query", ["climate", "/topic климат", "климаттың", "изменения климата"])
def test_climate_finds_the_kazakh_and_the_russian_reports(index, seeds, query):
    def speaks_of_climate(event, lang):
        texts = [event.summary.get(lang)]
        texts += [q for s in event.sources for q in s.quotes]
        sources_in_lang = any(seeds.articles[s.article].language == lang for s in event.sources)
        return sources_in_lang and any("климат" in t.lower() for t in texts)

    kazakh = {e.id for e in seeds.events.values() if speaks_of_climate(e, "kk")}
    russian = {e.id for e in seeds.events.values() if speaks_of_climate(e, "ru")}
    assert kazakh and russian
    found = {m.id for m in index.search_events(query)}
    assert kazakh | russian <= found
    assert kazakh | russian <= set(index.events_for_topic("climate"))


@pytest.mark.parametrize(
    ("query", "organization"),
    [
        ("OSCE", "osce"),
        ("ОБСЕ", "osce"),
        ("ЕҚЫҰ", "osce"),
        ("ЕҚЫҰ-ның", "osce"),
        ("UN", "un"),
        ("ООН", "un"),
        ("БҰҰ", "un"),
        ("United Nations", "un"),
        ("ODIHR", "odihr"),
        ("БДИПЧ", "odihr"),
    ],
)
def test_organizations_by_abbreviation_in_any_language(index, query, organization):
    assert index.find_organizations(query)[0].id == organization


@pytest.mark.parametrize(
    ("query", "place"),
    [
        ("Malta", "malta"),
        ("Мальта", "malta"),
        ("на Мальте", "malta"),
        ("Vienna", "vienna"),
        ("Вена", "vienna"),
        ("в Вене", "vienna"),
        ("Венада", "vienna"),
        ("Ташкентте", "tashkent"),
        ("Нұр-Сұлтан", "astana"),
        ("Қазақстанның", "kazakhstan"),
    ],
)
def test_places_in_any_language_and_case(index, query, place):
    assert index.find_places(query)[0].id == place


def test_places_and_organizations_ignore_unrelated_words(index):
    for query in ("Smith", "qwerty", "", "🎉", "on", "the"):
        assert index.find_places(query) == []
        assert index.find_organizations(query) == []


@pytest.mark.parametrize("query", ["Кошербаев", "Көшербаевтың", "Kosherbayev", "Koshrebaev"])
def test_event_search_by_a_participant(index, seeds, query):
    expected = {
        e.id
        for e in seeds.events.values()
        if "kosherbayev-yermek" in {p.person for p in e.participants}
    }
    found = index.search_events(query, limit=50)
    assert {m.id for m in found} >= expected
    assert set(index.events_for_person("kosherbayev-yermek")) == expected


def test_event_search_ranks_more_matched_words_first(index, seeds):
    found = index.search_events("Кошербаев Телалиан")
    top = seeds.events[found[0].id]
    assert {"kosherbayev-yermek", "telalian-maria"} <= {p.person for p in top.participants}
    assert [m.score for m in found] == sorted((m.score for m in found), reverse=True)


@pytest.mark.parametrize(
    "query", ["Smith", "qwerty", "", "🎉", "<b>", "x" * 10_000, "sun", "qqqzzz", "zzzzz"]
)
def test_event_search_finds_nothing_for_unrelated_text(index, query):
    assert index.search_events(query) == []


def test_event_search_prefers_newer_events_among_equals():
    events = [
        _event("old", "2019-04-08", "Meeting on water", []),
        _event("new", "2025-12-05", "Meeting on water", []),
        _event("mid", "2024-12-05", "Meeting on water and climate", []),
    ]
    index = SearchIndex.build(_seedset(events=events))
    assert [m.id for m in index.search_events("water")] == ["new", "mid", "old"]
    assert index.search_events("water climate")[0].id == "mid"
    assert [m.id for m in index.search_events("water", limit=1)] == ["new"]


def test_event_search_over_many_events_finds_the_rare_ones():
    people = [_person(f"p{i}", f"Адам{i}ов", f"Адам{i}ов", f"Adam{i}ov") for i in range(50)]
    events = [
        _event(
            f"e{i}",
            (dt.date(2000, 1, 1) + dt.timedelta(days=i)).isoformat(),
            f"Meeting number{i} on water",
            [f"p{i % 50}"],
        )
        for i in range(3000)
    ]
    index = SearchIndex.build(_seedset(people=people, events=events))
    assert [m.id for m in index.search_events("number1234")] == ["e1234"]
    hits = index.search_events("water", limit=5)
    assert [m.id for m in hits] == ["e2999", "e2998", "e2997", "e2996", "e2995"]
    assert index.events_for_person("p7")[:2] == ["e2957", "e2907"]


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_search_never_fails_and_answers_in_range(index, text):
    for matches in (
        index.find_people(text),
        index.find_topics(text),
        index.find_places(text),
        index.find_organizations(text),
        index.search_events(text),
    ):
        assert all(0 < m.score <= 100 for m in matches)
        assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)
    resolution = index.resolve_person(text)
    assert resolution.status in {"found", "ambiguous", "none"}
    assert (resolution.status == "found") == (len(resolution.matches) == 1)
