"""Ingest tells the people who took part in what an article reports from the people it cites."""

import pytest

from bot.ingest import Knowledge, ingest_text
from bot.records.loading import load_seeds
from bot.settings import PROJECT_ROOT


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return Knowledge.from_seeds(load_seeds(PROJECT_ROOT / "seeds"))


def people(result) -> set[str]:
    """Everyone listed as a participant of any draft event: a known id or a draft's name."""
    drafts = {p.id: p.name.ru for p in result.people}
    return {drafts.get(p.person, p.person) for e in result.events for p in e.participants}


@pytest.mark.parametrize(
    ("text", "participant", "cited"),
    [
        # greetings conveyed from a president (Russian: the cue before the name and its title)
        (
            " date 2016-05-12 Министр иностранных дел Казахстана Ержан Идрисов встретился с "
            "министром иностранных дел Кыргызстана Эрланом Абдылдаевым. В свою очередь, "
            "Абдылдаев на встрече передал приветствие от президента Кыргызстана Алмазбека "
            "Атамбаева.",
            "idrissov-erlan",
            "Алмазбека Атамбаев",
        ),
        # a president's letter handed over (Kazakh: the genitive, then the cue)
        (
            " date 2017-06-02 Эр-Рияд қаласында Сыртқы істер министрі Қайрат Әбдірахманов "
            "Бахрейн Сыртқы істер министрі Халид бен Ахмед Әл Халифамен кездесті. Кездесуде "
            "министр Қазақстан Президенті Нұрсұлтан Назарбаевтың шақыру хатын табыс етті.",
            "abdrakhmanov-kairat",
            "nazarbayev-nursultan",
        ),
        # the initiatives of a president the minister presented (English)
        (
            " date 2023-03-10 Deputy Foreign Minister of Kazakhstan Roman Vassilenko met with "
            "the OSCE Secretary General Helga Schmid. At the meeting he informed about the "
            "initiatives of the President of Kazakhstan Kassym-Jomart Tokayev.",
            "Roman Vassilenko",
            "tokayev-kassym-jomart",
        ),
        # talks held in the context of a president's coming visit
        (
            " date 2024-10-30 Министр иностранных дел Казахстана Мурат Нуртлеу провёл переговоры "
            "с министром иностранных дел России Сергеем Лавровым. Стороны обсудили повестку в "
            "контексте визита в Казахстан президента России Владимира Путина.",
            "nurtleu-murat",
            "Владимир Путин",
        ),
        # messages from a president, his title set off by a comma (English)
        (
            " date 2022-01-21 Deputy Minister of Foreign Affairs of Kazakhstan Yerlan Alimbayev "
            "held a meeting with the British Ambassador Kathy Leach. Alimbayev passed on to "
            "Ambassador Leach congratulatory messages from the President of Kazakhstan, "
            "Kassym-Jomart Tokayev, addressed to Prime Minister Boris Johnson.",
            "Yerlan Alimbayev",
            "tokayev-kassym-jomart",
        ),
        # an invitation passed on from a president; a chancellor is titled
        (
            "Государственный секретарь - министр иностранных дел Казахстана Канат Саудабаев "
            "провел встречу с Канцлером ФРГ Ангелой Меркель.\nК.Саудабаев передал А.Меркель "
            "личное приглашение Президента Нурсултана Назарбаева принять участие в Саммите ОБСЕ.",
            "Ангела Меркель",
            "nazarbayev-nursultan",
        ),
        # wishes conveyed from a president
        (
            "Посол Казахстана Ерлан Идрисов вручил верительные грамоты королеве Великобритании "
            "Елизавете II.\nДипломат передал Елизавете наилучшие пожелания от президента "
            "Казахстана Нурсултана Назарбаева и поздравил ее с юбилеем.",
            "idrissov-erlan",
            "nazarbayev-nursultan",
        ),
        # a president whose contribution is praised (English, Russian, Kazakh)
        (
            "President Kassym-Jomart Tokayev received Foreign Minister of Uzbekistan Bakhtiyor "
            "Saidov.\nStressing the great contribution of Uzbek President Shavkat Mirziyoyev to "
            "the deepening of bilateral relations, the Kazakh leader expressed readiness to "
            "support the Uzbek initiatives.",
            "tokayev-kassym-jomart",
            "Shavkat Mirziyoyev",
        ),
        (
            "Президент Казахстана Касым-Жомарт Токаев принял министра иностранных дел Узбекистана "
            "Бахтиёра Саидова.\nГлава государства отметил большой вклад президента Узбекистана "
            "Шавката Мирзиёева в развитие двусторонних отношений.",
            "tokayev-kassym-jomart",
            "Шавкат Мирзиёев",
        ),
        (
            "Президент Қасым-Жомарт Тоқаев Өзбекстан Сыртқы істер министрі Бахтиёр Саидовты "
            "қабылдады.\nМемлекет басшысы Өзбекстан Президенті Шавкат Мирзиёевтің екіжақты "
            "қатынастарды дамытуға қосқан үлесін атап өтті.",
            "tokayev-kassym-jomart",
            "Шавкат Мирзиёев",
        ),
        # thanks passed on through a visitor; an earlier meeting recalled
        (
            "President Kassym-Jomart Tokayev received Ambassador of Qatar to Kazakhstan Ali bin "
            "Saeed Al Kuwari.\nThe President conveyed his gratitude to Emir of Qatar Sheikh Tamim "
            "bin Hamad Al Thani for his participation in the summit.",
            "tokayev-kassym-jomart",
            "Tamim bin Hamad Al Thani",
        ),
        (
            "Prime Minister of Kazakhstan Alikhan Smailov met with Vice President of the European "
            "Commission, Maroš Šefčovič.\nThe sides discussed critical raw materials and "
            "the roadmaps agreed in Almaty.\nLast year Smailov signed a memorandum with "
            "President of the European Commission Ursula von der Leyen.",
            "Maroš Šefčovič",
            "Ursula von der Leyen",
        ),
    ],
)
def test_a_person_cited_is_no_participant(knowledge, text, participant, cited):
    found = people(ingest_text(text, knowledge))
    assert participant in found
    assert cited not in found


def test_who_proposed_the_talks_took_part(knowledge):
    text = (
        " date 2024-10-30 По инициативе министра иностранных дел Казахстана Мурата Нуртлеу "
        "состоялся телефонный разговор с министром иностранных дел России Сергеем Лавровым."
    )
    assert "nurtleu-murat" in people(ingest_text(text, knowledge))


def test_the_meetings_a_visit_programme_plans_are_the_visits(knowledge):
    text = (
        " date 2020-01-06 Елордаға АҚШ-тың Мемлекеттік хатшысы Майк Помпео келді. Сапар "
        "аясында оның ел басшылығы мен ҚР Сыртқы істер министрі Мұхтар Тілеубердімен кездесуі "
        "жоспарланған."
    )
    result = ingest_text(text, knowledge)
    assert result.events[0].kind == "visit"
    assert {"Майк Помпео", "tleuberdi-mukhtar"} <= people(result)


def test_a_planned_meeting_is_not_a_meeting_held(knowledge):
    text = (
        " date 2019-03-20 Министр иностранных дел Казахстана Бейбут Атамкулов провёл "
        "переговоры с министром иностранных дел Турции Мевлютом Чавушоглу. Завтра запланирована "
        "встреча Чавушоглу с президентом Казахстана Касым-Жомартом Токаевым."
    )
    assert "tokayev-kassym-jomart" not in people(ingest_text(text, knowledge))


@pytest.mark.parametrize(
    "text",
    [
        # met at the airport (a Kazakh verb of welcome, outside the lede)
        " date 2018-03-20 Қырғыз Республикасының Президенті Сооронбай Жээнбеков Астанаға "
        "мемлекеттік сапармен келді. Бұл туралы Ақорда баспасөз қызметі хабарлады. Сапар екі "
        "күнге созылып, жұмада аяқталады. Оны әуежайда Сыртқы істер "
        "министрі Қайрат Әбдірахманов күтіп алды.",
        # the speaker of a quote, named after it
        " date 2018-03-20 Министр иностранных дел Кыргызстана Чингиз Айдарбеков прибыл в "
        "Астану. Об этом сообщает пресс-служба министерства. Визит продлится два дня и "
        "завершится в пятницу. \u00abМы ценим это сотрудничество\u00bb, — "
        "сказал Кайрат Абдрахманов.",
        # a host who congratulates the envoys present
        "Верительные грамоты Президенту Казахстана вручил посол Турецкой Республики Мустафа "
        "Капуджу.\nСтороны обсудили двусторонние отношения в торговле и в энергетике.\n"
        "Сотрудничество двух стран успешно развивается во всех сферах взаимодействия.\n"
        "Казахстан открыт для международного сотрудничества со всеми странами мира.\n"
        "Министр иностранных дел Кайрат Абдрахманов поздравил дипломата с началом миссии.",
        # an envoy given credentials
        "9 қаңтарда президент Қасым-Жомарт Тоқаев АҚШ-тың Қазақстандағы жаңа елшісі Джули "
        "Стаффтқа сенім грамотасын тапсырды.\nАҚШ Сенаты дипломатты Астанаға елші ретінде "
        "жіберу жөніндегі шешімді 2025 жылғы қазанда бекіткен.\nСтаффт Мемлекеттік "
        "департаментте 25 жылдан астам уақыт қызмет атқарған.\nЖұма күні Сыртқы істер "
        "министрі Қайрат Әбдірахманов та сенім грамотасын тапсырды.",
    ],
)
def test_a_participant_named_outside_the_lede(knowledge, text):
    assert "abdrakhmanov-kairat" in people(ingest_text(text, knowledge))


def test_a_kazakh_speaker_conveying_words_outside_the_lede_takes_part(knowledge):
    text = (
        " date 2018-05-04 Бакуде ислам елдері сыртқы істер министрлерінің кеңесі өтті. Оған "
        "елу жеті мемлекеттің делегациялары келді. Жиынның күн тәртібінде он екі мәселе бар. "
        "Отырыстың ашылуында Сыртқы істер министрі Қайрат Әбдірахманов Қазақстанның "
        "ынтымақтастыққа дайын екенін жеткізді."
    )
    assert "abdrakhmanov-kairat" in people(ingest_text(text, knowledge))


def sides(result) -> dict[str, str]:
    drafts = {p.id: p.name.ru for p in result.people}
    return {drafts.get(p.person, p.person): p.side for e in result.events for p in e.participants}


@pytest.mark.parametrize(
    ("text", "name", "side"),
    [
        # a title naming no country beside one of Kazakhstan's: the lede's one foreign country
        (
            " date 2021-06-10 Yesterday, Mongolia and Kazakhstan held political consultations "
            "in Ulaanbaatar. The consultations were chaired by Deputy Minister of Foreign "
            "Affairs Battsetseg Batmunkh and Deputy Minister of Foreign Affairs of Kazakhstan "
            "Yerlan Baudarbek-Kozhatayev.",
            "Battsetseg Batmunkh",
            "mongolia",
        ),
        # an envoy whose title names only the host, Kazakhstan, is the counterpart too
        (
            " date 2022-01-21 Kazakh Deputy Foreign Minister meets with UK Ambassador.\n"
            "Deputy Minister of Foreign Affairs of the Republic of Kazakhstan Yerlan Alimbayev "
            "held a meeting with Ambassador to Kazakhstan Kathy Leach.",
            "Kathy Leach",
            "united-kingdom",
        ),
        # a surname formed as Kazakh ones are stays Kazakhstan's
        (
            " date 2021-06-10 Президент Монголии прибыл в Астану с визитом. В аэропорту его "
            "встретили министр иностранных дел Казахстана Мухтар Тлеуберди и заместитель "
            "министра иностранных дел Бауыржан Сарсенбаев.",
            "Бауыржан Сарсенбаев",
            "kazakhstan",
        ),
    ],
)
def test_a_title_with_no_country_beside_kazakhstans_is_the_counterparts(
    knowledge, text, name, side
):
    assert sides(ingest_text(text, knowledge))[name] == side


def test_a_speech_verb_is_read_as_a_whole_word():
    """Words that end in a speech verb ("іздеді", searched, ends in "деді"; "қайтты", returned,
    in "айтты") do not make the name before them a speaker at the talks."""
    from bot.ingest.participation import _SAYS

    assert _SAYS.search("«…», – деді Нұртілеу") and _SAYS.search("he said")
    for word in ("іздеді", "қайтты", "unsaid", "denoted"):
        assert not _SAYS.search(word), word


def test_an_official_meeting_journalists_is_no_participant(knowledge):
    text = (
        " date 2022-03-01 Бүгін Пәкістан Ислам Республикасының елшісі Саджад Ахмед Сихар "
        "елордалық бірнеше журналиспен кездесіп, сұхбат берді.\nОтырыс 22-23 наурызда "
        "Исламабадта өтеді."
    )
    result = ingest_text(text, knowledge)
    assert people(result) == set()
    assert result.events[0].date.value == "2022-03-22"


def test_a_presidents_press_secretary_announcing_a_visit_is_no_participant(knowledge):
    text = (
        "В ноябре ожидается приезд в Россию президента Казахстана Касым-Жомарта Токаева с "
        "государственным визитом, сообщил пресс-секретарь российского президента Дмитрий Песков."
    )
    assert "Дмитрий Песков" not in people(ingest_text(text, knowledge))


@pytest.mark.parametrize(
    "other",
    [
        # the surname alone, the country given in the lede
        "Утром в субботу Путин провел телефонный разговор с президентом Узбекистана Шавкатом "
        "Мирзиеевым.",
        "А накануне президент России провел телефонные переговоры с президентом Таджикистана "
        "Эмомали Рахмоном.",
    ],
)
def test_talks_between_two_other_countries_are_no_part_of_the_articles(knowledge, other):
    text = (
        "Президент России Владимир Путин и президент Казахстана Касым-Жомарт Токаев обсудили по "
        "телефону вопросы двустороннего сотрудничества.\nБеседа проходила в дружественном "
        "ключе, президенты условились о продолжении контактов.\nСтороны обменялись мнениями о "
        f"региональной повестке.\n{other}"
    )
    found = people(ingest_text(text, knowledge))
    assert found == {"Владимир Путин", "tokayev-kassym-jomart"}
