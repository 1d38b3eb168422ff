"""Ingest reads publication and event dates in the forms Kazakh, Russian and English news use."""

import pytest

from bot.ingest.dates import event_date, publication_date
from bot.ingest.language import detect_language
from bot.ingest.text import split_sentences


def dates(text: str):
    sentences = split_sentences(text)
    published = publication_date(text, sentences)
    return published.date, event_date(sentences, published).date


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        ("Министр 2025 жылғы 5 желтоқсанда Венада кездесуге қатысты.", "2025-12-05"),
        ("Министр 5 декабря 2025 года провел встречу в Вене.", "2025-12-05"),
        ("The ministers met in Vienna on December 5, 2025 for talks.", "2025-12-05"),
        ("Кездесу 08 Сәуір, 2019 күні Астанада өтті деп хабарланды.", "2019-04-08"),
        # the year in the nominative, the day in the locative opening the lede: the meeting's
        # day, not the page's stamp
        (
            "2022 жыл 12 мамырда Қазақстанның Өзбекстандағы Елшісі Дархан Сатыбалды Анвар "
            "Насировпен кездесті.",
            "2022-05-12",
        ),
    ],
)
def test_stated_day_in_any_language(sentence, value):
    _, event = dates(sentence)
    assert (event.value, event.precision, event.basis) == (value, "day", "stated")


def test_dateline_is_the_publication_date():
    published, _ = dates(" date 2025-12-05 Министр провел встречу с коллегой в Вене.")
    assert (published.value, published.basis) == ("2025-12-05", "stated")


def test_day_month_without_year_takes_the_year_from_the_text():
    text = (
        "Итоги работы под председательством Мальты в 2024 году заслушали министры.\n"
        "Министр провел встречу с коллегой 3 декабря т.г. в Вене по вопросам сотрудничества."
    )
    _, event = dates(text)
    assert event.value == "2024-12-03" and event.basis == "inferred"
    assert "2024" in event.reason


def test_today_means_the_publication_date_inferred():
    _, event = dates(" date 2019-04-08 Министр бүгін Астанада әріптесімен кездесті деп хабарланды.")
    assert (event.value, event.basis) == ("2019-04-08", "inferred")
    assert "бүгін" in event.reason


def test_future_dates_are_not_the_event_date():
    text = "Министры обсудили климат. Саммит пройдет 5 апреля 2026 года в Астане, сообщили в МИД."
    _, event = dates(text)
    assert event.precision == "unknown"


def test_no_date_is_unknown():
    assert (
        dates("Министры обсудили вопросы регионального сотрудничества в Ташкенте.")[1].value is None
    )


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Сыртқы істер министрі Ермек Көшербаев кездесуге қатысты.", "kk"),
        ("Министр иностранных дел Ермек Кошербаев принял участие во встрече.", "ru"),
        ("Foreign Minister Yermek Kosherbayev took part in the meeting.", "en"),
    ],
)
def test_language(text, lang):
    assert detect_language(text) == lang


def test_sentences_are_verbatim_and_keep_initials_and_abbreviations():
    text = "М. Лайчак прибыл 3 декабря т.г. в Астану. Е.Кошербаев встретил его."
    sentences = [s.text for s in split_sentences(text)]
    assert sentences == ["М. Лайчак прибыл 3 декабря т.г. в Астану.", "Е.Кошербаев встретил его."]


@pytest.mark.parametrize(
    ("sentence", "value", "word"),
    [  # published on Friday 5 December 2025
        (
            "On Tuesday the Kazakh Foreign Minister met his Austrian counterpart in Vienna.",
            "2025-12-02",
            "Tuesday",
        ),
        (
            "Во вторник министр иностранных дел провел переговоры с коллегой в Вене.",
            "2025-12-02",
            "Во вторник",
        ),
        (
            "В пятницу министр иностранных дел провел переговоры с коллегой в Вене.",
            "2025-12-05",
            "В пятницу",
        ),
        (
            "Сыртқы істер министрі сейсенбі күні Венада әріптесімен кездесті.",
            "2025-12-02",
            "сейсенбі күні",
        ),
        (
            "Сыртқы істер министрі дүйсенбіде Венада әріптесімен кездесті.",
            "2025-12-01",
            "дүйсенбіде",
        ),
    ],
)
def test_a_weekday_is_the_one_before_the_publication_date(sentence, value, word):
    _, event = dates(f" date 2025-12-05 {sentence}")
    assert (event.value, event.precision, event.basis) == (value, "day", "inferred")
    assert word in event.reason and "publication date" in event.reason


def test_a_weekday_of_an_announcement_is_the_one_after_the_publication_date():
    text = " date 2025-12-05 Переговоры министров иностранных дел состоятся во вторник в Астане."
    sentences = split_sentences(text)
    found = event_date(sentences, publication_date(text, sentences), future=True)
    assert found.date.value == "2025-12-09"


def test_environment_is_not_wednesday():
    _, event = dates(" date 2025-12-05 Министры обсудили охрану окружающей среды и климат в Вене.")
    assert event.value != "2025-12-03"


def test_a_stated_past_date_is_the_event_although_the_sentence_speaks_of_what_comes():
    text = (
        " date 2018-07-31 The foreign ministers had a telephone conversation on July 30, 2018, "
        "during which they discussed preparation for the upcoming high-level meetings."
    )
    _, event = dates(text)
    assert (event.value, event.precision, event.basis) == ("2018-07-30", "day", "stated")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # A day of the week, counted back from the publication day (2023-11-03 was a Friday).
        (" date 2023-11-03 Foreign Minister Murat Nurtleu met his counterpart on Thursday.",
         "2023-11-02"),
        (" date 2023-11-03 Министр иностранных дел в четверг провел переговоры с коллегой.",
         "2023-11-02"),
        (" date 2023-11-03 Сыртқы істер министрі бейсенбі күні әріптесімен кездесті.",
         "2023-11-02"),
        (" date 2023-11-03 The minister met his counterpart on Friday in Astana.", "2023-11-03"),
        # Day forms: "12-го апреля", "the 12th of April", the Kazakh genitive month.
        (" date 2024-04-15 Министр 12-го апреля встретился с послом Японии.", "2024-04-12"),
        (" date 2024-04-15 The minister met the ambassador on the 12th of April.", "2024-04-12"),
        (" date 2024-04-15 Министр сәуірдің 12-сінде Жапония елшісімен кездесті.", "2024-04-12"),
    ],
)  # fmt: skip
def test_relative_and_inflected_days(text, value):
    _, event = dates(text)
    assert (event.value, event.precision, event.basis) == (value, "day", "inferred")


def test_a_weekday_in_a_sentence_about_the_future_dates_nothing():
    _, event = dates(" date 2023-11-03 The ministers will meet on Tuesday in Oslo.")
    assert event.precision == "unknown"


def test_a_range_after_the_month():
    sentences = split_sentences(" date 2024-12-15 The council met in Malta on December 5-6, 2024.")
    found = event_date(sentences, publication_date("", sentences))
    assert found.date.value == "2024-12-05" and str(found.end_date) == "2024-12-06"


def test_a_recalled_date_is_neither_the_dateline_nor_the_event_date():
    text = (
        " date 2023-11-03 Министр иностранных дел Мурат Нуртлеу провел переговоры с главой МИД "
        "Венгрии. Напомним, 15 октября стороны провели телефонный разговор."
    )
    _, event = dates(text)
    assert event.precision == "unknown"  # the draft then takes the month of publication


def test_a_year_from_an_announced_event_when_nothing_else_gives_one():
    text = (
        "4 Сәуір, 06:38\n\nСыртқы істер министрі Мұрат Нұртілеу ШЫҰ Бас хатшысымен кездесті.\n"
        "Тараптар 2024 жылғы шілдеде өтетін саммитке дайындықты талқылады."
    )
    published, _ = dates(text)
    assert (published.value, published.basis) == ("2024-04-04", "inferred")
    assert "announces" in published.reason


def test_a_future_clause_leaves_the_meeting_day_in_the_past():
    _, event = dates(
        " date 2025-12-06 On 4 December the ministers met in Vienna, where they agreed that the "
        "next council will be held in Switzerland."
    )
    assert (event.value, event.precision) == ("2025-12-04", "day")
    _, event = dates(" date 2025-12-03 Завтра, 5 декабря, министр встретится с коллегой в Вене.")
    assert event.precision == "unknown"  # to come: no day of a meeting held, and no dateline


def test_a_date_stamp_broken_over_short_lines_is_the_publication_date():
    text = (
        "Posted On\n\n28\nФевраль\n2023\n\nГоссекретарь США впервые посетит Казахстан\n\n"
        "Киев. 28 февраля. Госсекретарь США во вторник совершит первый официальный визит."
    )
    published, _ = dates(text)
    assert published.value == "2023-02-28"


def test_a_year_in_the_nominative_dates_a_dateline_without_one():
    text = (
        "АСТАНА, 9 фев - Sputnik. Министр встретился с послом России в Казахстане.\n"
        "Собеседники наметили планы на 2024 год и обсудили сотрудничество."
    )
    _, event = dates(text)
    assert (event.value, event.precision, event.basis) == ("2024-02", "month", "inferred")


def test_a_day_in_the_dateline_sentence_after_the_dateline_dates_the_meeting():
    text = (
        " date 2025-12-04 АСТАНА, 4 декабря. /Казинформ/ - Министр иностранных дел Казахстана 3 "
        "декабря встретился с послом Японии, сообщает пресс-служба МИД."
    )
    _, event = dates(text)
    assert (event.value, event.precision) == ("2025-12-03", "day")


def test_a_full_date_opening_the_lede_is_the_meetings():
    text = (
        "4 декабря 2025 года министр иностранных дел Казахстана встретился с послом Японии в "
        "Астане."
    )
    _, event = dates(text)
    assert (event.value, event.basis) == ("2025-12-04", "stated")


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        ("Министр иностранных дел Казахстана накануне встретился с послом Японии.", "2025-12-03"),
        ("Встреча прошла накануне заседания Совета министров в Астане.", None),
    ],
)
def test_nakanune_is_the_day_before_only_as_an_adverb(sentence, value):
    _, event = dates(" date 2025-12-04 " + sentence)
    assert event.value == value


def test_a_kazakh_abbreviated_month_dates_the_page_and_kazakh_words_are_no_month():
    text = (
        "06 қаз, 2022 сағат 13:32\n\n"
        "Ресей елшісі кеше Сыртқы істер министрлігіне әңгімеге шақырылды, 5 қазақстандық "
        "дипломат қатысты."
    )
    published, event = dates(text)
    assert published.value == "2022-10-06"
    assert event.value == "2022-10-05"


def test_a_dateline_glued_into_the_heading_dates_by_month():
    text = (
        "Президент встретился с новыми послами, прибывшими в Казахстан08.10.2018 14:49Астана - 8 "
        "октября /KZinform/. Президент Казахстана встретился с новыми послами Словакии и Испании."
    )
    sentences = split_sentences(text)
    published = publication_date(text, sentences)
    assert published.date.value == "2018-10-08"
    assert event_date(sentences, published).date.value == "2018-10"


def test_the_year_relations_were_established_dates_no_meeting():
    text = (
        "В Алматы 13 января состоялась встреча генерального консула Беларуси с послом.\n"
        "Дипломатические отношения между странами были установлены в сентябре 1992 года."
    )
    _, event = dates(text)
    assert event.value is None


def test_an_arrival_under_its_dateline_is_of_that_day():
    text = (
        "НУР-СУЛТАН, 10 мар — Sputnik. Первый президент Казахстана прибыл в Москву.\n"
        "— Aidos Ukibay (@Aidos_Ukibay) March 10, 2020"
    )
    _, event = dates(text)
    assert (event.value, event.precision) == ("2020-03-10", "day")


def test_a_date_opening_the_sentence_after_a_caption_dates_the_meeting():
    text = (
        " date 2024-03-06 Президент Италияның жаңа елшісінен сенім грамотасын қабылдады\n"
        "Марко Росси Италияның Қазақстандағы жаңа елшісі болып тағайындалды\n"
        "5 наурызда Президент Италияның жаңа елшісі Марко Россиден сенім грамотасын қабылдады."
    )
    _, event = dates(text)
    assert (event.value, event.precision) == ("2024-03-05", "day")


def test_a_day_before_a_later_month_of_the_year_told_as_past_is_the_next_years():
    text = (
        "12 ақпанда Президент Италияның жаңа елшісінен сенім грамотасын қабылдады.\n"
        "Италия үкіметі елшінің кандидатурасын 2023 жылғы қарашада мақұлдаған."
    )
    _, event = dates(text)
    assert (event.value, event.basis) == ("2024-02-12", "inferred")


def test_a_header_day_takes_its_year_from_a_stored_month():
    text = (
        " date 2023-09 11 Sep. 15:00 (UTC+3 MSK)\n\n"
        "Türkiye's Minister of Foreign Affairs Hakan Fidan has arrived in Astana today on an "
        "official visit."
    )
    published, event = dates(text)
    assert (published.value, published.precision) == ("2023-09-11", "day")
    assert (event.value, event.precision) == ("2023-09-11", "day")


def test_a_date_in_a_sentence_recalling_the_background_dates_nothing():
    text = (
        "Қазақстанға БҰҰ Бас хатшысы келеді\n"
        "БҰҰ Бас хатшысы Антониу Гутерриш Орталық Азия елдерін аралайды деп жазылған хабарламада.\n"
        "Естеріңізге сала кетейік, 2024 жылғы 3-4 шілдеде Астанада Шанхай ынтымақтастық "
        "ұйымының саммиті өтеді."
    )
    sentences = split_sentences(text)
    event = event_date(sentences, publication_date(text, sentences), future=True).date
    assert event.value is None


def test_a_header_date_under_a_pages_menus_is_the_publication_date():
    menus = (
        "Go to the main site\nCurrency rates:\nusd/kzt 445.99 eur/kzt 486.53\nWeather:\n"
        "Astana+18+20℃\n• Main Page  >\nNews  >\nPresident"
    )
    text = (
        f"{menus}\nHead of State had telephone talk with Tajik President\n2 May 2021, 08:10\n"
        "NUR-SULTAN. KAZINFORM - President Kassym-Jomart Tokayev had a telephone conversation "
        "with President Emomali Rahmon of Tajikistan, Kazinform has learnt from the Akorda press "
        "service."
    )
    published, _ = dates(text)
    assert (published.value, published.precision) == ("2021-05-02", "day")


def test_a_stamp_glued_to_the_word_before_or_with_its_time_is_the_publication():
    # a header day glued to the section's name; a stamp's "г." before its time
    text = (
        "Placeholder\nНовости Казахстана28 марта 2024, 13:26\n"
        "Президент Казахстана встретился с Генеральным секретарем ООН в Акорде."
    )
    published, event = dates(text)
    assert published.value == "2024-03-28" and event.value is None  # the day is not the meeting's
    text = (
        " date 2026-02-18 Международное сотрудничество 18 февраля 2026 г. 4:20 В рамках визита "
        "в Душанбе министр иностранных дел Казахстана был принят Президентом Таджикистана."
    )
    assert dates(text)[1].value is None  # not the 18th: the stamp, then no day stated


def test_a_dateline_with_its_country_dates_by_month():
    text = (
        " date 2023-06-08 BAKU, Azerbaijan, June 8. Kazakhstan is interested in boosting "
        "trade with the EU, Prime Minister of Kazakhstan Alikhan Smailov said in a meeting with "
        "the EU's Maroš Šefčovič."
    )
    event = dates(text)[1]
    assert event.precision == "month" and "dateline" in (event.reason or "")
