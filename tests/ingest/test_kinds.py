"""Ingest tells what kind of event an article reports from its headline and lede."""

import pytest

from bot.ingest.kinds import classify
from bot.ingest.text import split_sentences


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # a telephone talk (singular) and a Kazakh call rung ("телефон шалып")
        (
            "Kassym-Jomart Tokayev held a telephone talk with President of Uzbekistan Shavkat "
            "Mirziyoyev.",
            "phone_call",
        ),
        (
            "КИЕВ. 2 ақпан. Украина президенті Володимир Зеленьский бүгін Қазақстан президенті "
            "Қасым-Жомарт Тоқаевқа телефон шалып, екеуі үш тақырып бойынша пікір алмасты.",
            "phone_call",
        ),
        # one minister meeting another where a council or format meets: their talks
        (
            "Глава МИД Туркменистана встретился с казахстанским коллегой в Астане, где проходит "
            "совещание глав внешнеполитических ведомств в формате «Центральная Азия – Китай».",
            "bilateral_meeting",
        ),
        # a meeting anywhere in the lede wins over the visit it was part of
        (
            "Глава МИД Казахстана придает особое значение первому визиту в Россию.\n"
            "Министр в ходе переговоров с главой МИД России заявил о сотрудничестве.",
            "bilateral_meeting",
        ),
        # a meeting only planned is the programme of the visit reported
        (
            "В Астану прибыл госсекретарь США.\n"
            "В рамках визита запланирована его встреча с министром иностранных дел Казахстана.",
            "visit",
        ),
        # verbs in the future announce
        (
            "Министр иностранных дел России проведет переговоры в Москве с главой МИД Казахстана.",
            "announcement",
        ),
        # an audience given is held, whatever it speaks of for the future
        (
            "Король Салман Қазақстан Сыртқы істер министрін қабылдады, министр оған 2017 жылғы "
            "қыркүйекте өтетін саммитке шақыру хатын табыс етті.",
            "bilateral_meeting",
        ),
        # a council of two countries' foreign ministers is their bilateral mechanism
        (
            "На первом заседании Совета министров иностранных дел Казахстана и Узбекистана "
            "стороны обсудили торгово-экономическое взаимодействие.",
            "bilateral_meeting",
        ),
        (
            "Kazakh Foreign Minister Murat Nurtleu and Kyrgyz Foreign Minister Jeenbek Kulubaev "
            "initiated the draft decision of the Supreme Interstate Council of both countries at "
            "an April 18 meeting of the Council of Foreign Ministers.",
            "bilateral_meeting",
        ),
        # an organization's council, its members listed, is the council
        (
            "На заседании Совета министров иностранных дел Таджикистана, Казахстана и "
            "Узбекистана министры обсудили региональную безопасность.",
            "ministerial_council",
        ),
        # meetings held during a council, the Kazakh postposition after it
        (
            "ЕҚЫҰ-ға қатысушы мемлекеттердің Сыртқы істер министрлері кеңесін өткізу барысында "
            "Сыртқы істер министрінің орынбасары Роман Василенконың ұйым өкілдерімен бірқатар "
            "кездесулері өтті.",
            "bilateral_meeting",
        ),
        # a session attended where no one is met
        (
            "Нью-Йоркте БҰҰ Бас Ассамблеясының 76-сессиясы ашылды.\nСыртқы істер министрі "
            "Мұхтар Тілеуберді бастаған қазақстандық делегация жоғары деңгейдегі апталыққа "
            "қатысуда.",
            "multilateral_meeting",
        ),
        # a visitor met at the airport: the visit, not talks
        (
            "Госсекретарь США Джон Керри прибыл с официальным визитом в Казахстан. В столичном "
            "аэропорту его встретил министр иностранных дел РК Ерлан Идрисов.",
            "visit",
        ),
        # an official meeting journalists announces what they told them
        (
            "Бүгін Пәкістан Ислам Республикасының елшісі Саджад Ахмед Сихар елордалық бірнеше "
            "журналиспен кездесіп, сұхбат берді.\nБүгінгі кездесудің мақсаты - сіздерді ИЫҰ "
            "Сыртқы істер министрлері кеңесінің 48-ші отырысы туралы хабардар ету.\nОтырыс 22-23 "
            "наурызда Исламабадта өтеді.",
            "announcement",
        ),
    ],
)
def test_kind_of_the_lede(text, kind):
    assert classify(split_sentences(text))[0] == kind


def test_an_ambassador_summoned_for_a_talk_is_a_meeting():
    text = "Ресей елшісі Сыртқы істер министрлігіне байыпты әңгімеге шақырылды."
    assert classify(split_sentences(text))[0] == "bilateral_meeting"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # a council's session, unpossessed (the Kazakh word for a council's sitting)
        (
            "Елдердің сыртқы істер министрлері Бакуде жиналды.\n"
            "Жабық кеңес отырысына бақылаушы елдердің өкілдері де қатысты.",
            "ministerial_council",
        ),
        # credentials presented, in Kazakh
        (
            "Президент Жапонияның жаңа елшісінен сенім грамотасын қабылдап алды.",
            "bilateral_meeting",
        ),
        # views exchanged: a meeting
        (
            "В Пекине заместители министров обменялись мнениями о региональной повестке.",
            "bilateral_meeting",
        ),
        # "is going to visit": an announcement
        (
            "The Foreign Minister of Kazakhstan is going to visit Turkey next week.",
            "announcement",
        ),
    ],
)
def test_kind_words_of_any_outlet(text, kind):
    assert classify(split_sentences(text))[0] == kind


def test_a_title_given_again_does_not_take_the_ledes_place():
    text = (
        "Төрт мемлекеттің сыртқы істер министрлері бас қосты - Ұлттық арна\n"
        "Төрт мемлекеттің сыртқы істер министрлері бас қосты\n"
        "Төрт мемлекеттің сыртқы істер министрлері бас қосты. Достық туралы сөз болды.\n"
        "Кездесу барысында тараптар су ресурстары мен энергетика мәселелерін талқылады.\n"
        "Бұдан кейін министрлер алқа мәжілісіне қатысты."
    )
    assert classify(split_sentences(text))[0] == "ministerial_council"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # the host welcoming a visitor, before the council the visitor came for
        (
            "ASTANA, May 2. President Tokayev welcomed Turkish Foreign Minister Hakan Fidan to "
            "Astana for the Council of Foreign Ministers of the Organization of Turkic States.",
            "bilateral_meeting",
        ),
        (
            "Президент Казахстана приветствовал в Акорде Премьер-министра Венгрии Виктора Орбана.",
            "bilateral_meeting",
        ),
        ("Emir of Qatar receives Kazakh Foreign Minister in Doha", "bilateral_meeting"),
        # welcomed on arrival, or welcoming an audience, is no talks
        (
            "Генеральный секретарь ООН прибыл в Алматы. Его приветствовали заместитель министра "
            "иностранных дел и посол.",
            "visit",
        ),
        ("Президент приветствовал участников форума и заявил о поддержке.", "statement"),
        # received by a host during a visit; a welcome ceremony
        (
            "В рамках визита в Ташкент министр иностранных дел Казахстана был принят Президентом "
            "Узбекистана.",
            "bilateral_meeting",
        ),
        (
            "Сапар аясында министр Өзбекстан президенті Шавкат Мирзиёевтің қабылдауында болды.",
            "bilateral_meeting",
        ),
        (
            "Ақорда резиденциясында Өзбекстан Президентін салтанатты қарсы алу рәсімі өтті.",
            "bilateral_meeting",
        ),
    ],
)
def test_a_host_welcoming_a_visitor_is_a_meeting(text, kind):
    assert classify(split_sentences(text))[0] == kind
