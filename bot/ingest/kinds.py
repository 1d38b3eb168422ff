"""What kind of event an article reports: meeting, council, visit, phone call, announcement…"""

from __future__ import annotations

import re

from bot.ingest.text import Sentence, unrepeated
from bot.records.models import EventKind

# A host welcoming or receiving a visitor, a title or name next (capitalised): not "welcomed
# the participants", "приветствовал участников форума", nor the officials who greeted a guest
# on arrival ("was welcomed by", "Генерального секретаря приветствовали …").
_WELCOMED = (
    r"(?<!was\s)(?<!were\s)(?<!been\s)\b(?:welcomed|welcomes|receives)\s+(?:\w+\s+)?(?-i:[A-Z])|"
    r"приветствовала?\s+(?:в\s+\w+\s+)?(?-i:[А-ЯЁ])"
)
# Checked in this order on the headline and lede; the first that matches decides. A meeting
# verb comes before "visit": "во время визита встретился с …" reports the meeting.
_KIND_PATTERNS: list[tuple[EventKind, re.Pattern[str]]] = [
    (
        "phone_call",
        re.compile(
            r"телефонн\w*\s+(?:разговор|переговор)|по\s+телефону|телефон\s+арқылы|телефонмен|"
            r"(?:tele)?phone\s+(?:call|conversation|talks?)|(?:by|over\s+the)\s+(?:tele)?phone|"
            # "Тоқаевқа телефон шалып" (rang), "телефон соқты", "телефонда сөйлесті"
            r"телефон\s+(?:шал|соқ|соғ)\w*|телефонда\s+сөйлес\w*",
            re.I,
        ),
    ),
    (
        # Bilateral meetings held within a council's framework are meetings, not the council.
        "bilateral_meeting",
        re.compile(
            r"двусторонн\w+\s+(?:встреч|переговор)\w*|екіжақты\s+кездесу\w*|"
            r"bilateral\s+(?:meetings?|talks)",
            re.I,
        ),
    ),
    (
        "ministerial_council",
        re.compile(
            r"совет\w*\s+министров\s+иностранных\s+дел|министрлері\s+кеңес\w*|"
            r"заседани\w*\s+глав\s+внешнеполитических\s+ведомств|"
            r"ministerial\s+council|council\s+of\s+(?:the\s+)?foreign\s+ministers|СМИД|"
            # "Түркі кеңесі Сыртқы істер министрлерінің кезектен тыс отырысы"
            r"сыртқы\s+істер\s+министрлер\w*\s+(?:\w+\s+){0,3}отырыс\w*|"
            # a council's session or board meeting, unpossessed ("кеңес отырысына", "алқа
            # мәжілісіне"): "Ынтымақтастық кеңесінің отырысы" is two sides' council
            r"(?<!\w)(?:кеңес\s+отырыс|алқа\s+мәжіліс)\w*",
            re.I,
        ),
    ),
    (
        "multilateral_meeting",
        re.compile(
            r"министров\s+иностранных\s+дел\s+стран|глав\s+внешнеполитическ\w*\s+ведомств\s+стран|"
            r"елдері\w*\s+сыртқы\s+істер|министрлер\w*\s+орынбасар\w*|форматында\w*|"
            # "в формате видеоконференции" is how two can meet too
            r"в\s+формате(?!\s+(?:видео|онлайн))|(?<!video\s)(?<!online\s)\bformat\b|"
            r"трехсторонн\w*|трёхсторонн\w*|үшжақты|trilateral|"
            r"постоянн\w+\s+совет\w*|тұрақты\s+кеңес\w*|"
            r"permanent\s+council|ministerial\s+meeting|foreign\s+ministers\s+of\s+the\s+\w+\s+countries",
            re.I,
        ),
    ),
    (
        "bilateral_meeting",
        re.compile(
            r"встретил\w*|встреч\w*|переговор\w*|кездес\w*|келіссөз\w*|қабылдады|"
            r"верительн\w*|\bmet\b|\bmeetings?\b|\bmeets?\b|talks|received|credentials|"
            # a session of a cooperation council, consultations, "discussed with", "received"
            r"заседани\w*|отырыс\w*|консультаци\w*|обсудил\w*\s+с\b|принял\w*(?!\s+участие)|"
            r"consultations|discussed\s+with|"
            # received by a host: "Эмомали Рахмонның қабылдауында болды", "был принят
            # Президентом Таджикистана"; a welcome ceremony ("салтанатты қарсы алу рәсімі")
            r"қабылдауында|принят\w*\s+(?:президент|глав|премьер|министр|корол|эмир)\w*|"
            r"қарсы\s+алу\s+рәсім\w*|церемони\w*\s+официальной\s+встречи|"
            r"official\s+welcome\s+ceremony|"
            # an ambassador summoned for a talk: "әңгімеге шақырылды", "вызван в МИД"
            r"әңгімеле\w*|әңгімеге|вызван\w*|summoned|"
            # credentials presented, views exchanged, a courtesy call
            r"сенім\s+грамота\w*|обменял\w*\s+мнениями|собеседник\w*|пікір\s+алмас\w*|"
            r"exchanged\s+views|courtesy\s+call|"
            # a host welcoming a visitor: "welcomed Russian Foreign Minister …", "receives
            # Kazakh President …", "приветствовал в Акорде Председателя …"
            rf"{_WELCOMED}",
            re.I,
        ),
    ),
    (
        "visit",
        re.compile(
            r"визит\w*|сапар\w*|\bvisit|прибыл\w*|келді|arrived",
            re.I,
        ),
    ),
    (
        # a session attended where no one is met: "БҰҰ Бас Ассамблеясының 76-сессиясы ашылды"
        "multilateral_meeting",
        re.compile(r"сесси\w*|\bsessions?\b", re.I),
    ),
    (
        "statement",
        re.compile(r"\bзаявил\w*|мәлімде\w*|\bstated\b", re.I),
    ),
]
# A lede that speaks of the future announces a meeting; it is not one yet.
_FUTURE_LEDE = re.compile(
    r"пройд[её]т|состоится|планиру\w*|запланирован\w*|намерен\w*|"
    r"өтеді|өтетін|өткізіледі|өтпек|жоспарлан\w*|"
    r"\bwill\b|\bis\s+to\s+(?:hold|meet|visit)|\bis\s+expected\s+to\b|"
    r"\bscheduled\b|\bplans?\s+to\b|келеді|барады|"
    # "проведет переговоры", "посетит", "совершит визит", "обсудят": verbs in the future
    r"провед[её]т|посетит|совершит|встретится|обсудят|ожидается|"
    r"\b(?:is|are)\s+going\s+to\b|поедет|прибудет",
    re.I,
)
_PAST_MEETING = re.compile(
    r"состоял\w*|прошл\w*|провел\w*|провёл\w*|встретил\w*|обсудил\w*|"
    r"принял\w*\s+участие|прибыл\w*|началась|начались|"
    r"өтті|өткізді|кездесті|талқылады|қатысты|келді|\bmet\b|\bheld\b|discussed|took\s+part|"
    r"participated|arrived|has\s+started|"
    # an audience given, a session opened, what followed a meeting ("по итогам встречи")
    r"қабылдады|\breceived\b|ашылды|\bopened\b|по\s+итогам|қорытындысы|\bfollowing\s+(?:the|a)\b",
    re.I,
)


# … or welcomed them: "Tokayev welcomed Russian Foreign Minister Sergey Lavrov to Astana for the
# SCO Council of Foreign Ministers meeting"
_MET_WITH = re.compile(
    r"встретил(?:ся|ась)\s+с\b|провел\w*\s+(?:переговоры|встречу)\s+с\b|\bmet\s+with\b|"
    r"held\s+(?:talks|a\s+meeting)\s+with\b|\w+(?:мен|пен|бен)\s+кездесті|" + _WELCOMED,
    re.I,
)


# "Совет министров иностранных дел Казахстана и Узбекистана", "… of both countries": a council of
# two countries, one of them Kazakhstan, is their bilateral mechanism, not an organization's
# council (not one of a list: "Таджикистана, Казахстана и Узбекистана").
_KZ = r"(?:Казахстан|Қазақстан|Kazakhstan)\w*"
_AND = r"\s+(?:и|and|мен|пен|бен|және)\s+"
_OTHER = r"[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ]\w+"
_TWO_SIDES = re.compile(
    rf"(?<!,\s)(?<!\w)(?:{_KZ}{_AND}{_OTHER}|{_OTHER}{_AND}{_KZ})(?!\s*,|{_AND}{_OTHER})|"
    # "the Supreme Interstate Council of both countries"
    r"(?:обеих|двух)\s+стран|\bboth\s+countries|\bthe\s+two\s+countries|екі\s+елдің"
)


_AIRPORT = re.compile(r"аэропорт\w*|әуежай\w*|airport", re.I)
# An official meeting journalists ("бірнеше журналиспен кездесіп", "встретился с
# журналистами", "met with reporters") holds no talks: the news is what they told them.
MET_THE_PRESS = re.compile(
    r"журналис\w*(?:мен|пен)\s+(?:\w+\s+)?кездес\w*|встретил\w*\s+с\s+(?:\w+\s+){0,2}журналист\w*|"
    r"\bmet\s+(?:with\s+)?(?:\w+\s+){0,2}(?:journalists|reporters)",
    re.I,
)


# "На полях СМИД ОБСЕ проводит переговоры": the council is where the talks were held.
_SIDELINES_OF = re.compile(
    r"(?:на\s+полях|в\s+кулуарах|on\s+the\s+(?:sidelines|margins)\s+of(?:\s+the)?|"
    r"аясында|шеңберінде|барысында|накануне|on\s+the\s+eve\s+of(?:\s+the)?|"
    r"as\s+part\s+of(?:\s+the)?|ahead\s+of(?:\s+the)?)\W*$",
    re.I,
)


# Kazakh puts the word after the gathering: "… Сыртқы істер министрлері кеңесін өткізу барысында
# … бірқатар кездесулері өтті" (meetings held during the council).
_BESIDE_AFTER = re.compile(
    r"^\S*\s+(?:[\w-]+\s+){0,2}?(?:аясында|шеңберінде|барысында|кулуарында)\s.*"
    r"(?:кездес|келіссөз)",
    re.I,
)


def _beside(text: str, start: int, end: int | None = None) -> bool:
    """Whether the words at `start` (to `end`) name the gathering a meeting was held beside."""
    after = end is not None and bool(_BESIDE_AFTER.match(text[end:]))
    return bool(_SIDELINES_OF.search(text[:start])) or after


def is_stamp(text: str) -> bool:
    """Whether `text` is the page's publication stamp (" date YYYY-MM-DD") a stored page opens
    with, not a sentence of the article."""
    return text.lstrip().startswith("date ")


def lede(sentences: list[Sentence], size: int = 3) -> list[Sentence]:
    """The headline (if any) and the first body sentences: where news says what happened."""
    body = [s for s in sentences if len(s.text) > 40 and not is_stamp(s.text)]
    body = unrepeated(body)
    first_body = body[0].index if body else len(sentences)
    head = [s for s in sentences[:4] if 15 < len(s.text) <= 160 and s.index < first_body]
    dateline = [s for s in sentences[:1] if is_stamp(s.text)]
    return (head[:1] + dateline + body[:size])[: size + 2]


def classify(sentences: list[Sentence]) -> tuple[EventKind, Sentence | None]:
    """The event kind and the sentence that shows it (None when only the default applies)."""
    opening = lede(sentences)
    press = next((s for s in opening if MET_THE_PRESS.search(s.text)), None)
    if press is not None:
        # what an official told journalists is the news: an event to come, else a statement
        told = sentences[press.index : press.index + 4]
        coming = next((s for s in told if _FUTURE_LEDE.search(s.text)), None)
        return ("announcement", coming) if coming else ("statement", press)
    text = " ".join(s.text for s in opening)
    if _FUTURE_LEDE.search(text) and not _PAST_MEETING.search(text):
        found = next((s for s in opening if _FUTURE_LEDE.search(s.text)), None)
        return "announcement", found
    # A specific kind anywhere in the lede wins over a plain "meeting", which the headline of
    # a council report also says ("на встрече министров"); then a meeting wins over a visit.
    # One person meeting another ("встретился с …", "met with …") before the council or format
    # of the sentence names reports their talks, held where the council met.
    specific, general = _KIND_PATTERNS[:4], _KIND_PATTERNS[4:]
    for sentence in opening:
        for kind, pattern in specific:
            hit = pattern.search(sentence.text)
            if hit and not _beside(sentence.text, hit.start(), hit.end()):
                met = _MET_WITH.search(sentence.text, 0, hit.start())
                two = kind == "ministerial_council" and _TWO_SIDES.search(sentence.text)
                return ("bilateral_meeting" if met or two else kind), sentence
    # a meeting only planned ("кездесуі жоспарланған") is the programme of what the lede reports
    planned = [s for s in opening if _FUTURE_LEDE.search(s.text)]
    for group in ([s for s in opening if s not in planned], planned):
        for kind, pattern in general:
            for sentence in group:
                hit = pattern.search(sentence.text)
                # "В столичном аэропорту его встретил министр": a welcome, not the talks
                welcome = kind == "bilateral_meeting" and _AIRPORT.search(sentence.text)
                if hit and not _beside(sentence.text, hit.start()) and not welcome:
                    return kind, sentence
    return "statement", None
