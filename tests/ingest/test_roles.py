"""Ingest reads the office a person held from the titles around their name."""

import pytest

from bot.ingest import Knowledge, ingest_text
from bot.ingest.roles import role_key
from bot.records.loading import load_seeds
from bot.records.models import Localized
from bot.settings import PROJECT_ROOT


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return Knowledge.from_seeds(load_seeds(PROJECT_ROOT / "seeds"))


@pytest.mark.parametrize(
    ("title", "key"),
    [
        ("Minister of External Affairs of India", "foreign-minister"),
        ("ҚР Сыртқы істер министрінің бірінші орынбасары", "deputy-foreign-minister"),
        ("Assistant Secretary of State", "assistant"),
        ("помощник госсекретаря США", "assistant"),
        ("АҚШ Мемлекеттік хатшысының көмекшісі", "assistant"),
        ("АҚШ Мемлекеттік хатшысының орынбасары", "deputy-foreign-minister"),
        ("заместитель госсекретаря США", "deputy-foreign-minister"),
        ("Deputy Secretary of State", "deputy-foreign-minister"),
        ("Постоянный координатор ООН в Казахстане", "other"),
        ("Канцлер ФРГ", "other"),
        ("Премьер-Министрдің бірінші орынбасары", "other"),
        ("First Deputy Prime Minister of Kazakhstan", "other"),
        ("Вице-президент Индонезии", "other"),
        # a deputy prime minister who is foreign minister is the foreign minister
        ("Deputy Prime Minister and Minister of Foreign Affairs", "foreign-minister"),
        ("Премьер-министр Венгрии", "prime-minister"),
        ("Президент Франции", "president"),
        # a president's press secretary speaks for the president and is not one
        ("пресс-секретарь российского президента", "spokesperson"),
        ("пресс-секретарь Президента России", "spokesperson"),
        ("press secretary to the Russian President", "spokesperson"),
        ("spokesman for the Prime Minister", "spokesperson"),
        ("замглавы МИД", "deputy-foreign-minister"),
        ("заместитель главы МИД Грузии", "deputy-foreign-minister"),
    ],
)
def test_the_office_a_title_names(title, key):
    assert role_key(Localized(kk=title, ru=title, en=title)) == key


def roles_of(result) -> dict[str, str]:
    """{person id or draft name: role key} over every draft event."""
    drafts = {p.id: p.name.en for p in result.people}
    return {
        drafts.get(p.person, p.person): role_key(p.role)
        for e in result.events
        for p in e.participants
    }


def test_the_title_the_gazetteer_knows_wins_among_those_before_a_known_name(knowledge):
    text = (
        " date 2010-02-25 Министр иностранных дел Турции Ахмет Давутоглу провел встречу с "
        "министром иностранных дел Казахстана, председателем ОБСЕ Канатом Саудабаевым."
    )
    assert roles_of(ingest_text(text, knowledge))["saudabayev-kanat"] == "foreign-minister"


def test_a_title_after_the_name_outranks_a_bare_minister_later(knowledge):
    text = (
        " date 2023-04-25 On April 25, Murat Nurtleu, Deputy Prime Minister – Minister of Foreign "
        "Affairs of Kazakhstan, had a meeting with Sun Weidong, Deputy Minister of Foreign Affairs "
        "of China. Minister Nurtleu expressed confidence in further cooperation."
    )
    roles = roles_of(ingest_text(text, knowledge))
    assert roles["nurtleu-murat"] == "foreign-minister"
    assert roles["Sun Weidong"] == "deputy-foreign-minister"


def test_a_deputy_prime_minister_is_not_the_prime_minister(knowledge):
    text = (
        " date 2018-03-20 Қырғыз Республикасының Президенті Сооронбай Жээнбеков Астанаға "
        "мемлекеттік сапармен келді. Оны әуежайда Қазақстан Республикасы Премьер-Министрінің "
        "бірінші орынбасары Асқар Мәмин күтіп алды."
    )
    assert roles_of(ingest_text(text, knowledge))["Asqar Mamin"] == "other"


@pytest.mark.parametrize(
    "text",
    [
        " date 2023-05-10 Заместитель министра иностранных дел Казахстана Алибек Бакаев "
        "встретился в Астане с Исполнительным директором Секретариата СВМДА Маратом Ивановым.",
        " date 2023-05-10 Вице-министр Алибек Бакаев ШЫҰ Хатшылығының директоры Марат "
        "Ивановпен кездесті.",
    ],
)
def test_a_secretariat_is_a_body_not_a_secretary(knowledge, text):
    """A director "of the Secretariat": the title is the director's; "Секретариата", "Хатшылығының"
    name the body, and are no one's name either."""
    roles = roles_of(ingest_text(text, knowledge))
    assert [key for name, key in roles.items() if "Ivanov" in name] == ["director"]
