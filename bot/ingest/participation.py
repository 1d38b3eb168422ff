"""Who took part in what an article reports, and who is only named in it.

A person named in an article is a participant unless the sentence says otherwise: a
spokesperson who reports the talks, a sentence recalling the past ("Напомним, …"), a meeting
still planned (unless the article announces it, or reports a visit whose programme it is), or a
person cited rather than present — the president on whose behalf a minister speaks ("от имени
Президента …", "Президенттің атынан"), whose greetings or letter were conveyed ("передал
приветствие от президента …", "Назарбаевтың шақыру хатын"), whose initiative or reforms are
referred to ("the initiatives of President …", "Тоқаевтың бастамасы"), whose contribution is
praised ("the great contribution of Uzbek President …", "Мирзиёевтің … қосқан үлесін"), or in
whose visit's context the talks were held ("в контексте визита президента …"). Outside the lede
a name takes part only where its sentence reports talks held, or the person says something there.
"""

from __future__ import annotations

import re

from bot.ingest.dates import BACKGROUND
from bot.ingest.kinds import MET_THE_PRESS
from bot.ingest.knowledge import Sides
from bot.ingest.mentions import fold_word, words
from bot.ingest.people import KK_GENITIVE, PersonMention

# A sentence outside the lede names participants only where it reports talks held.
_TALKS = re.compile(
    r"встрет\w*|встреч\w*|переговор\w*|бесед\w*|разговор\w*|обсудил\w*|принял\w*|"
    r"кездес\w*|келіссөз\w*|сөйлес\w*|талқыла\w*|қабылда\w*|сұхбат\w*|"
    r"участ\w*|қатыс\w*|присутствовал\w*|"
    # who led a delegation took part: "делегацию возглавил", "делегацияны … басқарды"
    r"делегаци\w*|возглави\w*|басқарды|delegations?|headed|\bled\b|"
    # calls, arrivals, speeches, signatures: taking part in what is reported (a "visit of"
    # someone in the body is as often background)
    r"телефон\w*|\bphone\b|telephone|\bcall\b|прибыл\w*|"
    r"arrived|келді|выступ\w*|сөз\s+сөйле\w*|addressed|подписа\w*|қол\s+қой\w*|\bsigned\b|"
    r"сопредседател\w*|co-chair\w*|hosted|welcomed|"
    # credentials presented or received: "Воденскиге де сенім грамотасын тапсырды"
    r"грамот\w*|credentials|"
    # met at the airport, reported to the meeting: "әуежайдан … күтіп алды", "баяндама жасайды"
    r"күтіп\s+ал\w*|қарсы\s+ал\w*|жолық\w*|бас\s+қос\w*|баяндама\w*|доклад\w*|"
    r"\bmet\b|\bmeeting\b|talks|discussed|conversation|received|attended|participat\w*|took\s+part",
    re.I,
)
# What a participant says at the talks, when the name is its subject (before the verb).
_SAYS = re.compile(
    r"\b(?:подчеркнул\w*|отметил\w*|заявил\w*|выразил\w*|поблагодарил\w*|проинформировал\w*|"
    r"подтвердил\w*|ответил\w*|confirmed|reaffirmed|answered|replied|жауап\s+берді|"
    r"атап\s+өтт\w*|айтты|мәлімдеді|білдірді|растады|жеткізді|деді|"
    r"noted|stressed|emphasi[sz]ed|underlined|expressed|thanked|informed|said|"
    # wishes and assurances given to those present: "поздравил дипломатов …, заверил их …"
    r"поздравил\w*|заверил\w*|пожелал\w*|құттықтады|сендірді|тіледі|congratulated|assured|"
    r"wished)\b",
    re.I,
)
# The speaker of a quote, named after it: "«…», – деді Нұртілеу", "…," said Mukhtar Tleuberdi".
_QUOTED_BY = re.compile(
    r"[»\"“”]\s*[,.]?\s*[-–—]*\s*(?:деді|деп\s+атап\s+өтті|сказал\w*|отметил\w*|заявил\w*|"
    r"подчеркнул\w*|отреагировал\w*|добавил\w*|said|added|noted|stressed)\s+(?:[\w.-]+\s+){0,8}$",
    re.I,
)
# A sentence recounting an earlier event: "last year he signed … with President …"
_EARLIER = re.compile(
    r"\blast\s+year\b|\ba\s+(?:few\s+)?(?:weeks|months|years)\s+ago\b|в\s+прошлом\s+году|"
    r"(?:несколько\s+)?(?:недел\w*|месяц\w*|лет)\s+назад|өткен\s+жыл\w*|былтыр\w*",
    re.I,
)
PLANNED = re.compile(
    r"будет|будут|планиру\w*|запланирован\w*|предусмотрен\w*|намерен\w*|предстоящ\w*|"
    r"жоспарла\w*|алдағы|күтілуде|\bwill\b|\bexpected\b|\bscheduled\b|\bplanned\b|\bplans?\b",
    re.I,
)
# Kinds of report whose planned meetings are what they report: an announcement, and a visit
# (its programme: "Сапар аясында … кездесуі жоспарланған").
_PLANS_REPORTED = frozenset({"announcement", "visit"})
# Words before a name that cite the person rather than report them present, up to the name
# with its titles in between ("передал приветствие от президента Кыргызстана …").
_CITED_BEFORE = re.compile(
    # (not "по инициативе …", "at the initiative of …": who proposed the talks held them)
    r"(?:от\s+имени|по\s+поручению|приветстви\w*|послани\w*|пожелани\w*|"
    # an invitation accepted or passed on: "Меркель приняла приглашение Президента РК …" (not
    # "по приглашению …", "at the invitation of …": who invited hosts the talks)
    r"(?<!по\s)приглашени\w*|(?<!at\sthe\s)invitations?\s+(?:of|from)|(?<!по\s)инициатив\w*|в\s+контексте|"
    # thanks sent through a visitor: "conveyed his gratitude to Emir of Qatar …"
    r"(?:conveyed|passed\s+on)\s+(?:his\s+|her\s+|their\s+)?(?:gratitude|thanks)\s+to|"
    r"передал\w*\s+(?:\w+\s+)?благодарност\w*|"
    r"on\s+behalf\s+of|(?:greetings|wishes)\s+(?:from|of)|messages?\s+(?:from|of)|letters?\s+(?:from|of)|"
    r"(?<!at\sthe\s)initiatives?\s+of|instructions?\s+of|initiated\s+by|proposed\s+by|according\s+to|"
    r"in\s+the\s+context\s+of|"
    # whose contribution is praised: "the great contribution of Uzbek President …", "вклад
    # президента …"
    r"contributions?\s+(?:made\s+)?(?:of|by)|вклад\w*|"
    # agreements of an earlier visit: "the arrangements achieved during the visit of …"
    r"(?:achieved|reached|agreed|signed|достигнут\w*|подписан\w*)\s+(?:during|in\s+the\s+course\s+of|"
    r"в\s+ходе)\s+(?:the\s+)?(?:\w+\s+){0,2}(?:visit|визит)\w*)"
    # (the titles may be set off by commas: "messages from the President of Kazakhstan, …")
    r"(?:,?\s+[\w.'’-]+){0,8},?\s+$",
    re.I,
)
# Words after a name in the genitive or possessive that cite the person: "Назарбаевтың шақыру
# хатын", "Тоқаевтың бастамасы", "President Tokayev's initiative"; "Президент атынан".
_CITED_AFTER_GENITIVE = re.compile(
    r"^\s+(?:\w+\s+)?(?:атынан|сәлем\w*|бастама\w*|тапсырма\w*|жолдау\w*|хат\w*|ұсыныс\w*)|"
    # the contribution made, with what it was made to between: "Мирзиёевтің екіжақты
    # қатынастарды дамытуға қосқан үлесін"
    r"^\s+(?:[\w-]+\s+){0,4}?(?:қосқан\s+|сіңірген\s+)?үлес\w*",
    re.I,
)
_CITED_AFTER = re.compile(
    r"^(?:\s+атынан|['’]s\s+(?:\w+\s+)?(?:initiatives?|message|greetings|letter|instructions?|"
    r"proposals?|address|contributions?))\b",
    re.I,
)


def cited(mention: PersonMention) -> bool:
    """Whether the sentence cites the person (their initiative, greetings, behalf, letter)
    rather than reporting them present."""
    if mention.span is None:
        return False
    text = mention.sentence.text
    first, end = mention.span
    before, after = text[:first], text[end:]
    if _CITED_BEFORE.search(before) or _CITED_AFTER.match(after):
        return True
    return bool(KK_GENITIVE.search(text[first:end]) and _CITED_AFTER_GENITIVE.match(after))


def takes_part(mention: PersonMention, lede: set[int], kind: str) -> bool:
    """Whether a person named in the article took part in what it reports, rather than being
    cited ("озвученных президентом …"), recalled ("Напомним, …") or only planned to meet."""
    if mention.role and mention.role.key == "spokesperson":
        return False
    text = mention.sentence.text
    if BACKGROUND.search(text) or cited(mention) or MET_THE_PRESS.search(text):
        return False
    if PLANNED.search(text) and kind not in _PLANS_REPORTED:
        return False
    if mention.sentence.index in lede:
        return True
    if _EARLIER.search(text):
        return False
    first = mention.span[0] if mention.span else text.find(mention.name)
    if _QUOTED_BY.search(text[:first]):
        return True
    says = _SAYS.search(text)
    return bool(_TALKS.search(text)) or bool(says and first < says.start())


# Talks between two other parties that the article reports besides its own ("Утром Путин провел
# телефонный разговор с президентом Узбекистана Шавкатом Мирзиеевым"): no event of its own.
_BILATERAL = re.compile(
    r"разговор\w*|переговор\w*|встретил\w*|встреч\w*|беседовал\w*|кездес\w*|сөйлес\w*|"
    r"келіссөз\w*|\bmet\s+with\b|talks\s+with|phone\s+(?:call|conversation|talk)s?\b",
    re.I,
)


def _talks_of_others(text: str, sides: set[str]) -> bool:
    """Whether a sentence outside the lede reports talks between parties none of which is
    Kazakhstan: `sides`, the countries it names and those of the people named in it."""
    return bool(_BILATERAL.search(text)) and "kazakhstan" not in sides and len(sides) >= 2


def not_taking_part(
    mentions: list[PersonMention], lede: set[int], kind: str, sides: Sides, countries: set[str]
) -> list[PersonMention]:
    """The mentions of people who took no part in what the article reports."""
    cited = [m for m in mentions if not takes_part(m, lede, kind)]
    return cited + _in_talks_of_others(mentions, lede, sides, countries, cited)


def _in_talks_of_others(
    mentions: list[PersonMention],
    lede: set[int],
    sides_named: Sides,
    countries: set[str],
    mentioned: list[PersonMention],
) -> list[PersonMention]:
    """The foreign people named outside the lede in talks between two other countries."""
    # a surname named elsewhere with a country: the person keeps it ("Путин провел телефонный
    # разговор с …", the lede having named "Президент России Владимир Путин")
    side_of = {fold_word(m.name.split()[-1])[:5]: m.side for m in mentions if m.side in countries}
    found = []
    for mention in mentions:
        sentence = mention.sentence
        if mention in mentioned or sentence.index in lede or mention.side == "kazakhstan":
            continue
        sides = {h.id for h in sides_named.find(sentence)} & countries
        sides |= {m.side or "" for m in mentions if m.sentence.index == sentence.index} & countries
        stems = {w.folded[:5] for w in words(sentence.text) if w.capitalised}
        sides |= {side for stem, side in side_of.items() if stem in stems and side}
        if _talks_of_others(sentence.text, sides):
            found.append(mention)
    return found
