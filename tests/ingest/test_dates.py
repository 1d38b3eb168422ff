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
