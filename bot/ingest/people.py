"""People an article names: known people in any spelling or case, and new people from titles.

Known people come from the people gazetteer (folded, stem-matched names and aliases). New
people are read from the patterns news uses: a title before the name ("Министр иностранных
дел Казахстана Ермек Кошербаев", "Сыртқы істер министрі Ермек Көшербаев"), a title after it
("Hakan Fidan, the Foreign Minister of Turkey"), and lists of country–name pairs ("с главами
внешнеполитических ведомств Азербайджана Джейхуном Байрамовым, Бельгии – Бернаром Кентеном").

Long because: the patterns share one pass over a sentence's words (what a title, a country or a
known name has taken), and split apart they would each need it handed round.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from bot.ingest.mentions import Gazetteer, Hit, Word, fold_word, words
from bot.ingest.names import nominative
from bot.ingest.roles import ROLE_PATTERN, Role, role_of
from bot.ingest.sides import clause_start, mark_hosts, only_foreign, side_between, sides_between
from bot.ingest.text import Sentence
from bot.search.normalize import is_inflection

if TYPE_CHECKING:
    from bot.ingest.knowledge import Sides

# capitals, with the Latin ones of Turkish, Polish, Czech… names ("Çavuşoğlu", "Łukasz")
_UPPER = "A-ZÀ-ÖØ-ÞĆČĎĐĚĞİŁŃŇŐŒŘŚŞŠŤŢŰŮŹŻŽА-ЯЁӘҒҚҢӨҰҮҺІ"
# "аль-Мурейхи", "al-Sabah": an Arabic article before a capitalised name
_NAME_WORD = re.compile(rf"^(?:(?:al|el|ad|as|ash|at|az|аль|эль|ад|ас|аш|ат)-)?[{_UPPER}][\w'’-]*$")
_INSTRUMENTAL_ROLE = re.compile(r"(?:ом|ем|ём|ым|им|ой|ей|ями|ами)$", re.I)
_GENITIVE_ROLE = re.compile(
    r"(?:ра|ря|ля|та|ка|ула|ого|его|ров|тов|лов)$", re.I
)  # министра, консула, генерального; министров, послов (the plural)
_DATIVE_ROLE = re.compile(r"(?:ру|рю|лю|ту|ю)$", re.I)
# "the Representative of the President …": a title after "of (the)" belongs to the one before.
_DEPENDENT_TITLE = re.compile(r"^\s+of(?:\s+the)?\s+$", re.I)
_LIST_TRIGGER = re.compile(
    r"(?:глав\w*\s+внешнеполитическ\w*\s+ведомств\w*|министр\w*\s+иностранных\s+дел|"
    r"(?:с\s+)?коллегами\s+из|foreign\s+ministers\s+of(?:\s+the)?)\s+(?=[" + _UPPER + "])",
    re.I,
)
_LIST_SEPARATOR = re.compile(r",\s*(?:and\s+|и\s+)?|\s+и\s+|\s+and\s+")
# "Hakan Fidan, the Foreign Minister", "X, Deputy Director-General for …": a title after a comma
_TITLE_PREFIXES = ("deputy", "first", "acting", "senior", "vice", "chief", "executive")
# ("Péter Szijjártó, Hungary's Minister of Foreign Affairs")
_POSTFIX_ROLE = re.compile(
    rf",\s+(?:the\s+)?(?:[A-Z][\w-]*['’]s\s+)?(?:(?:{'|'.join(_TITLE_PREFIXES)})\s+)*"
    # or a body's abbreviation: "Josep Borrell, EU High Representative"
    r"(?:(?-i:[A-Z]{2,})\s+)?(?:(?-i:High|Special|Senior)\s+)?$",
    re.I,
)
# Words between a name and the title after its comma ("Josep Borrell, EU High Representative")
_BEFORE_TITLE = frozenset({"the", "high", "special", "senior", *_TITLE_PREFIXES})
# "Sergei Lavrov and …", "Лавров пен Ван И": a second name joined to the first
_AND = frozenset({"and", "i", "men", "ben", "pen", "zhane"})  # folded and, и, мен, бен, пен, және
_SKIP_WORDS = {"республики", "республикасының", "республикасы", "republic", "of", "the", "rk"}
# Capitalised words that start no personal name: institutions, regions, titles.
_NOT_NAMES = re.compile(
    r"^(?:республик|организаци|ұйым|орталық|азия|азии|центральн|северн|солтүстік|еуроп|европ|"
    r"министр|совет|кеңес|президент|елбасы|сенат|парламент|мәжіліс|тұңғыш|central|north|europe|"
    r"генеральн|ассамбле|сесси|тюркоязычн|тюркск|түркі|шанхай|"
    r"republic|organization|ministry|council|united|ХХ|XX|мемлекетаралық|межгосударств|"
    # institutions: "Директору Центра по предотвращению конфликтов Тууле Юрьёле"
    r"центр|департамент|комитет|агентств|институт|компани|корпораци|фонд|банк|управлени|"
    r"комитеті|агенттіг|қоры|centre|center|department|committee|agency|institute|fund|bank|"
    r"секретариат|хатшылығ|secretariat|"
    # regions: "на Ближнем Востоке"
    r"ближн|восток|таяу|"
    # forms of state: "посол Исламской Республики Иран", "Королевства Саудовская Аравия"
    r"исламск|islamic|королевств|корольдіг|kingdom|федеративн|federal|демократическ|"
    r"democratic|султанат|sultanate|әмірлі|эмират|emirate)",
    re.I,
)
# Capitalised English words of titles and institutions ("Special Assignments", "Foreign Affairs").
_TITLE_WORDS = frozenset(
    "affairs assignments special federation supreme interstate academy office institutions "
    "deputy prime foreign minister ministers secretary general director chairman chairwoman "
    "state states nations kingdom commonwealth independent security cooperation conference "
    "interaction confidence building measures asia european union high commissioner "
    "representative representatives ambassador embassy president presidential administration "
    "government parliament senate press service kazinform photo credit during following the "
    "on in at of and his her their with minister's ministry's general assembly session "
    "parliamentary turkic speaking shanghai external commission "
    # portfolios ("Minister of Foreign Affairs and Trade", "… for Europe and Foreign Affairs")
    # and forms of address ("H.E. Mr. John Smith")
    "trade economy economic development industry energy investment investments integration "
    "expatriates worship emigrants international mr mrs ms dr excellency madam sir "
    "господин госпожа мырза ханым extraordinary plenipotentiary sheikh шейх".split()
)
# Lower-case English words a title may hold before its name ("ambassador to this country, Emilio
# Pevida"); any other stops the search ("the Prime Minister of Japan exchanged views on …").
_IN_TITLES = frozenset({"for", "to", "this", "that", "country", "its"})
# A Kazakh word ending in "-дағы" ("Таяу Шығыстағы", "in the Middle East") names a place.
_KK_ATTRIBUTIVE = re.compile(r"(?:дағы|дегі|тағы|тегі|ндағы|ндегі)$", re.I)
KK_GENITIVE = re.compile(r"(?:тың|тің|дың|дің|ның|нің)$", re.I)  # "Назарбаевтың"
_ADJECTIVE = re.compile(
    r"(?:ой|ого|его|ый|ий|ая|яя|ое|ее|ых|их|ому|ему|ым|лық|лік|дық|дік|тық|тік)$", re.I
)
MAX_GAP = 8  # words allowed between a title and the name it introduces
# Officers of a body's organs, whose body may stand further back than a country beside a title
# (and a minister of a portfolio, an envoy of a region or an ambassador: "ҚР Ақпарат және
# қоғамдық даму министрі", "Еуропа Одағының Орта Азия бойынша арнайы өкілі", "Қазақстан
# Республикасының Өзбекстан Республикасындағы Төтенше және Өкілетті Елшісі")
_OFFICERS = frozenset(
    {
        "director",
        "secretary-general",
        "chair",
        "representative",
        "other",
        "minister",
        "special-representative",
        "ambassador",
    }
)
# Lower-case words inside a personal name.
_BEFORE_PLACE = frozenset({"в", "во", "in", "at"})  # prepositions a place, not a name, follows
_PARTICLES = frozenset(
    "van von der den de da di du dos das la le al el bin ibn ben ter бин бен ибн".split()
)


@dataclass(frozen=True)
class PersonMention:
    """A person named in a sentence, known (person_id) or new (name only)."""

    name: str
    sentence: Sentence
    person_id: str | None = None
    role: Role | None = None
    side: str | None = None
    note: str | None = None
    span: tuple[int, int] | None = None  # where the name is in the sentence (characters)
    sent_to: bool = False  # the side is only the host an envoy is sent to


Resolver = Callable[[str], str | None]


_STATE_WORDS = frozenset({"the", "republic", "kingdom", "state", "of"})  # "of the Republic of"


_DEPARTMENT = ("department", "departament")


def _department(ws: list[Word], hit: Hit) -> bool:
    """Whether a body's name names a department ("the CIS Department", "департамента стран
    СНГ") rather than the body a person acts for."""
    after = ws[hit.last].folded if hit.last < len(ws) else ""
    before = [w.folded for w in ws[max(0, hit.first - 2) : hit.first]]
    return after.startswith(_DEPARTMENT) or any(w.startswith(_DEPARTMENT) for w in before)


def _clause_end(ws: list[Word], text: str, start: int) -> int:
    """The index after the last word of the clause from `start`: up to a comma, a semicolon
    or a bracket."""
    end = start + 1
    while end < len(ws) and not re.search(r"[,;()]", text[ws[end - 1].end : ws[end].start]):
        end += 1
    return end


def _is_name_word(word: Word, taken: set[int], index: int) -> bool:
    return (
        index not in taken
        and bool(_NAME_WORD.match(word.text))
        and not word.text.isupper()
        and not _NOT_NAMES.match(word.text)
        and word.text.casefold() not in _TITLE_WORDS
        and not _KK_ATTRIBUTIVE.search(word.text)
    )


# An institution named after a person ("в Назарбаев Университете", "Nazarbayev University",
# "Heydar Aliyev Center"): folded stems of the word after the name.
_INSTITUTIONS = tuple(
    "universit mekte shkol school scool center centre tsentr ortalig airport "
    "aeroport auejai fond foundation".split()
)


def _named_after(ws: list[Word], end: int) -> bool:
    """Whether the name ending before word `end` names an institution, not its person."""
    return end < len(ws) and ws[end].capitalised and ws[end].folded.startswith(_INSTITUTIONS)


def _title_case(text: str) -> bool:
    """Whether the line is a headline (short, no full stop) in which nearly every longer word is
    capitalised, as English headlines are."""
    longer = [w for w in words(text) if len(w.text) > 3 and w.text.isalpha()]
    headline = len(text) <= 160 and not text.rstrip().endswith(".")
    return headline and len(longer) >= 4 and sum(w.capitalised for w in longer) >= 0.8 * len(longer)


def _abbreviation(word: Word) -> bool:
    """An initial or a form of address, which a dot ends: "Н", "H", "E", "Mr"."""
    return (len(word.text) == 1 and word.text.isupper()) or word.folded in {"mr", "mrs", "ms", "dr"}


def _full_name(raw: str) -> bool:
    """Whether a found name is a full one: two words or more, or an initial and a surname."""
    return len(raw.replace(".", ". ").split()) >= 2


def _name_after(
    ws: list[Word],
    start: int,
    taken: set[int],
    text: str,
    named: frozenset[int] | set[int] = frozenset(),
    english: bool = False,
) -> tuple[int, int] | None:
    """The span of 1–3 capitalised words within MAX_GAP words after `start`, with initials;
    None when a known person (word indexes `named`) comes first: the title is theirs. Words of
    titles, countries and institutions ("of the Republic of Azerbaijan on Special Assignments")
    do not count towards the gap."""
    gap = 0
    for i in range(start, len(ws)):
        filler = i in taken or ws[i].text.casefold() in _TITLE_WORDS | _SKIP_WORDS
        if english and not filler and ws[i].text.islower() and ws[i].text not in _IN_TITLES:
            return None  # "the Prime Minister of Japan exchanged views on the … Peninsula"
        gap += not filler
        if gap > MAX_GAP:
            return None
        if i in named:
            return None
        between = text[ws[i - 1].end : ws[i].start] if i > start else ""
        # "the Minister of Foreign Affairs of the Republic of Korea, Cho Tae-yul": an English
        # title may end in a comma before the name.
        appositive = (
            between.strip() == ","
            and i > start
            and (_is_name_word(ws[i], taken, i) or _abbreviation(ws[i]))
        )
        # the dot of an initial or a form of address: "Н. Герман", "H.E. Mr. Ichiro Ogasawara"
        abbreviated = between.strip() == "." and i > start and _abbreviation(ws[i - 1])
        # an abbreviation in brackets inside the title: "при Организации исламского
        # сотрудничества (ОИС) Руслан Коспанов"
        bracketed = (between.strip() == "(" and ws[i].text.isupper()) or (
            between.strip() == ")" and ws[i - 1].text.isupper()
        )
        if any(mark in between for mark in ',.;:()«»"') and not (
            appositive or abbreviated or bracketed
        ):
            return None
        # "Генеральный консул Казахстана в Джидде Руслан Коспанов": a city after "в", not a name
        placed = i > 0 and ws[i - 1].text in _BEFORE_PLACE and i + 1 < len(ws)
        if placed and _is_name_word(ws[i + 1], taken, i + 1):
            continue
        if _is_name_word(ws[i], taken, i):
            first = i
            # initials: "М.Нуртлеу", "Н. Герман", "Д.Ф. Мезенцев"
            while first > start and len(ws[first - 1].text) == 1 and ws[first - 1].text.isupper():
                first -= 1
                if text[ws[first].end : ws[first].end + 1] != ".":
                    break
            end, particles = i + 1, 0
            # "Kiitumetzi Siipilo Tandeka Matthews"; a hyphen's halves are one word of the four
            # ("Файсал бен Ханиф Аль-Кахтани"), and particles none ("Abdullah bin Hussein Al Jaber")
            while end < len(ws) and (
                end - i - particles < 4 or text[ws[end - 1].end : ws[end].start] == "-"
            ):
                if re.search(r"[,.;:–—]", text[ws[end - 1].end : ws[end].start]):
                    break
                syllable = (  # "Ван И", "Ли Цян": a one-letter last part, not an initial
                    len(ws[end].text) == 1
                    and ws[end].text.isupper()
                    and end not in taken
                    and (text[ws[end].end : ws[end].end + 1] != "." or end == len(ws) - 1)
                )
                # a word broken over a line, its hyphen kept: "Вячеслав Воло-динмен"
                broken = text[ws[end - 1].end : ws[end].start] == "-" and ws[end].text.islower()
                if _is_name_word(ws[end], taken, end) or syllable or broken:
                    end += 1
                elif ws[end].text in _PARTICLES and end + 1 < len(ws):
                    following = ws[end + 1]  # "David van Weel", "Ursula von der Leyen"
                    if not (
                        following.text in _PARTICLES or _is_name_word(following, taken, end + 1)
                    ):
                        break
                    end += 1
                    particles += 1
                else:
                    break
            while ws[end - 1].text in _PARTICLES:
                end -= 1
            return first, end
    return None


def _span_text(text: str, ws: list[Word], first: int, end: int) -> str:
    return text[ws[first].start : ws[end - 1].end]


def _joined(ws: list[Word], end: int, taken: set[int], text: str) -> tuple[int, int] | None:
    """The full name joined by "and" right after a name ending at word `end`: "Mukhtar
    Tileuberdi and Sergei Lavrov", "Сергей Лавров пен Ван И"."""
    if end + 2 >= len(ws) or ws[end].folded not in _AND or not ws[end].text.islower():
        return None
    around = text[ws[end - 1].end : ws[end].start] + text[ws[end].end : ws[end + 1].start]
    if around.strip():
        return None
    first = last = end + 1
    while last < len(ws) and last - first < 4 and _is_name_word(ws[last], taken, last):
        if last > first and text[ws[last - 1].end : ws[last].start].strip():
            break
        last += 1
    return (first, last) if last - first >= 2 else None


def find_people(
    sentences: list[Sentence],
    lang: str,
    people: Gazetteer,
    sides: Sides,
    resolve: Resolver,
    home_country: dict[str, str | None],
    offices: dict[str, set[str]] | None = None,
) -> list[PersonMention]:
    """Every person named in the sentences, in text order; known people carry their id.
    `offices`: the role keys the gazetteer gives known people, preferred among the titles
    before their name ("с министром иностранных дел этой страны, председателем ОБСЕ Канатом
    Саудабаевым" is the foreign minister the gazetteer knows)."""
    offices = offices or {}
    found: list[PersonMention] = []
    # An English headline in title case capitalises every word ("Foreign Minister Kishida Pays a
    # Courtesy Call"): a name read there must be written so in the text's sentences too.
    headlines = {s.index for s in sentences[:3] if lang == "en" and _title_case(s.text)}
    capitalised = {
        w.text
        for s in sentences
        if s.index not in headlines
        for w in words(s.text)
        if w.capitalised
    }
    nameless: list[tuple[Sentence, Role, str | None]] = []  # titles that name no one
    untitled: list[tuple[Sentence, tuple[int, int]]] = []  # names that have no title
    for sentence in sentences:
        text = sentence.text
        ws = words(text)
        # "the CIS Department", "департамент стран СНГ": a department's name, not a side
        side_hits = [h for h in mark_hosts(sides.find(sentence), ws) if not _department(ws, h)]
        taken = {i for h in side_hits for i in range(h.first, h.last)}
        taken |= {i for h in sides.cities(sentence) for i in range(h.first, h.last)}
        # "министр Германии": a country's name, not Ms Gherman (an adjective may be a name:
        # "german" is how "Н. Герман" folds)
        countries = {i for h in sides.names(sentence) for i in range(h.first, h.last)}
        known = [
            h
            for h in people.find(sentence)
            if not countries.issuperset(range(h.first, h.last))
            and not _named_after(ws, h.last)
            and not _someone_else(ws, h, people, taken)
        ]
        named = {i for hit in known for i in range(hit.first, hit.last)}
        taken |= named
        roles = [(m, len(words(text[: m.start()]))) for m in ROLE_PATTERN.finditer(text)]
        for match, _ in roles:
            taken.update(range(len(words(text[: match.start()])), len(words(text[: match.end()]))))
        mentions: list[tuple[int, PersonMention]] = []
        for hit in known:
            role, side = None, home_country.get(hit.id)
            for match, role_start in roles:
                role_end = len(words(text[: match.end()]))
                if role_end <= hit.first <= role_end + MAX_GAP:
                    gap_text = text[match.end() : ws[hit.first].start]
                    if lang != "en" and re.search(r"[,.;:]\s*$", gap_text):
                        continue  # "Приветствуя … представителя ЕС, Касым-Жомарт Токаев"
                    if role is not None and role_of(match).key == "other":
                        continue  # "Министр …, руководитель делегации X": the office stays
                    if role is not None and role.key in offices.get(hit.id, set()):
                        continue  # the office the gazetteer knows them by stays
                    role = role_of(match)
                    window = sides_between(side_hits, clause_start(ws, text, role_start), hit.first)
                    # "Foreign Ministers of Kazakhstan and Turkey – Erlan Idrissov and …"
                    side = home_country.get(hit.id)
                    if side not in window:
                        side = window[-1] if window else side
            if side is None:
                side = side_between(side_hits, 0, hit.first)
            name = _span_text(text, ws, hit.first, hit.last)
            at = (ws[hit.first].start, ws[hit.last - 1].end)
            mentions.append((hit.first, PersonMention(name, sentence, hit.id, role, side, span=at)))
            if role is not None:
                others = [c for c in sides_between(side_hits, 0, hit.first) if c != side]
                other = others[-1] if others else None
                mentions += _joined_mention(
                    ws, hit.last, taken, sentence, lang, role, other, resolve
                )
        # The title nearest the name names the office: "Deputy Prime Minister – Foreign
        # Minister X" is the foreign minister, so titles are read from the last one back.
        for number, (match, role_start) in reversed(list(enumerate(roles))):
            before = roles[number - 1][0] if number else None
            if before and _DEPENDENT_TITLE.match(text[before.end() : match.start()]):
                continue
            role_end = len(words(text[: match.end()]))
            span = _name_after(ws, role_end, taken, text, named, english=lang == "en")
            case = None
            head = match.group(0).split()[0]
            after = _span_text(text, ws, *span) if span else ""
            # "…, Премьер-Министр орынбасары – Сыртқы істер министрі Мұрат Нұртілеумен": a title
            # a known person follows is theirs, never the one before the comma
            following = (i for i in range(role_end, len(ws)) if i not in taken or i in named)
            known_next = next(following, None) in named
            postfix = _POSTFIX_ROLE.search(text[: match.start()]) and not known_next
            if not _full_name(after) and postfix:
                span = _name_before(ws, role_start, taken, text)
            elif lang == "ru" and _INSTRUMENTAL_ROLE.search(head):
                case = "instrumental"
            elif lang == "ru" and _GENITIVE_ROLE.search(head):
                case = "genitive"
            elif lang == "ru" and _DATIVE_ROLE.search(head):
                case = "dative"
            if span is None:
                if lang != "en" and sentence.index < 4:  # "Президенту России": no name
                    near_title = (clause_start(ws, text, role_start), role_end + 2)
                    titled_side = side_between(side_hits, *near_title)
                    nameless.append((sentence, role_of(match), titled_side))
                continue
            first, end = span
            raw = _span_text(text, ws, first, end)
            # a monarch goes by one name: "Бельгия королі Филиппен кездесті", "King Philippe"
            monarch = role_of(match).key == "king" and end - first == 1 and ws[first].capitalised
            if not _full_name(raw) and not monarch:
                continue
            if sentence.index in headlines and not capitalised.issuperset(
                w.text for w in ws[first:end]
            ):
                continue
            if lang == "ru" and first > 0 and ws[first - 1].folded in {"s", "so"}:
                case = "instrumental"  # "встретился с Сергеем Лавровым"
            taken.update(range(first, end))
            case = case or ("inflected" if lang == "kk" else None)
            if case == "inflected" and end < len(ws) and ws[end].capitalised:
                case = "subject"  # a capitalised word follows: no verb takes it as its object
            name, note = nominative(raw, lang, case)
            other, sent_to = None, False
            if first < role_start:  # "Hakan Fidan, the Foreign Minister of Turkey"
                side = side_between(side_hits, end, role_start + MAX_GAP)
                if side is None and lang == "en":
                    # "David Kereselidze, Director of the Department of Asia and Oceania of the
                    # Georgian Foreign Ministry": the country further on, to the clause's end
                    side = side_between(side_hits, role_start, _clause_end(ws, text, role_start))
            else:
                start = clause_start(ws, text, role_start)
                # "…секретаря ОБСЕ, Директору Центра … Тууле Юрьёле": past the comma if need be
                start = start if sides_between(side_hits, start, first) else max(0, role_start - 4)
                near = [h for h in side_hits if start <= h.first < first]
                officer = role_of(match).key in _OFFICERS and not near
                if officer or (near and all(h.host for h in near)):
                    # "Жапонияның Қазақстандағы Төтенше және өкілетті елшісі": the host is near
                    # the title, the envoy's country further back in the same clause; so is the
                    # body of an officer of one of its organs ("ШЫҰ Терроризмге қарсы аймақтық
                    # құрылымының атқарушы комитетінің директоры")
                    wider = clause_start(ws, text, role_start, reach=8)
                    start = min(start, wider)
                side = side_between(side_hits, start, first)
                # "Ambassador to Kazakhstan Kathy Leach": only the host is named
                named_here = [h for h in side_hits if start <= h.first < first]
                sent_to = bool(named_here) and all(h.host for h in named_here)
                window = sides_between(side_hits, start, first)
                if len(window) >= 2 and _joined(ws, end, taken, text):
                    side, other = window[-2], window[-1]  # "of Russia and China A and B"
            if side is None and lang == "en" and end + 1 < len(ws) and ws[end].folded == "of":
                # "President Emomali Rahmon of (the Republic of) Tajikistan": the country after
                side = next(
                    (
                        h.id
                        for h in side_hits
                        if end < h.first <= end + 4
                        and all(w.folded in _STATE_WORDS for w in ws[end + 1 : h.first])
                    ),
                    None,
                )
            if side is None and role_of(match).key == "other":
                # "Қытай коммунистік партиясының … хатшысы Чэнь Цюаньго, … басшысы Шохрат Закир"
                side = only_foreign(side_hits)
            at = (ws[first].start, ws[end - 1].end)
            mention = _new(name, sentence, role_of(match), side, note, resolve, at)
            mentions.append((first, replace(mention, sent_to=sent_to)))
            mentions += _joined_mention(
                ws, end, taken, sentence, lang, role_of(match), other, resolve, case
            )
        for first, mention in _list_pairs(sentence, lang, sides, taken, resolve):
            mentions.append((first, mention))
        found.extend(m for _, m in sorted(mentions, key=lambda pair: pair[0]))
        if lang != "en":
            untitled += [(sentence, span) for span in _untitled_names(ws, taken, text)]
    return _surnames_of_named(_with_untitled(found, nameless, untitled, lang, resolve))


def _surnames_of_named(found: list[PersonMention]) -> list[PersonMention]:
    """A lone surname given to someone the article never names in full is the person it named
    in full whose surname it inflects: "лично Назарбаева" after "Нурсултан Назарбаев" is his
    genitive, not Dariga Nazarbayeva."""
    full = {}
    for mention in found:
        parts = mention.name.split()
        if mention.person_id and len(parts) >= 2:
            full[mention.person_id] = fold_word(parts[-1])
    fixed = []
    for mention in found:
        parts = mention.name.split()
        word = fold_word(parts[0]) if len(parts) == 1 else ""
        if word and mention.person_id and mention.person_id not in full:
            owner = next((p for p, last in full.items() if is_inflection(word, last)), None)
            if owner:
                mention = replace(mention, person_id=owner, side=None, role=None)
        fixed.append(mention)
    return fixed


def _someone_else(ws: list[Word], hit: Hit, people: Gazetteer, taken: set[int]) -> bool:
    """Whether a known person's surname alone follows a first name that is not theirs."""
    before = hit.first - 1
    if hit.last - hit.first != 1 or before < 0 or not _is_name_word(ws[before], taken, before):
        return False
    return people.other_given_name(hit.id, ws[before].folded)


def _untitled_names(ws: list[Word], taken: set[int], text: str) -> list[tuple[int, int]]:
    """Spans of two name words with no title, inside a sentence ("В частности, Владимир Путин
    подчеркнул"): not first, not beside another capitalised word, no adjective, not a genitive
    (a monument's "Абай Құнанбайұлының")."""
    spans = []
    for i in range(1, len(ws) - 2):
        pair = _is_name_word(ws[i], taken, i) and _is_name_word(ws[i + 1], taken, i + 1)
        alone = not ws[i - 1].capitalised and not ws[i + 2].capitalised
        joined = text[ws[i].end : ws[i + 1].start] == " "
        # "Великой Отечественной", "Большого Кремлёвского", "Мемлекеттік Дума": adjectives
        adjective = any(_ADJECTIVE.search(w.text) for w in ws[i : i + 2])
        genitive = KK_GENITIVE.search(ws[i + 1].text)
        if pair and alone and joined and not adjective and not genitive:
            spans.append((i, i + 2))
    return spans


def _with_untitled(
    found: list[PersonMention],
    nameless: list[tuple[Sentence, Role, str | None]],
    untitled: list[tuple[Sentence, tuple[int, int]]],
    lang: str,
    resolve: Resolver,
) -> list[PersonMention]:
    """The mentions, with each name given no title that follows a title given no name, and no
    one else's, within three sentences, taking that title ("Посол Казахстана вручил верительные
    грамоты Президенту России … российский лидер … В частности, Владимир Путин подчеркнул": the
    president; the Kazakh ambassador stays unnamed). Only titles of the first four sentences."""
    held = {(m.role.key, m.side) for m in found if m.role}
    open_titles = [t for t in nameless if (t[1].key, t[2]) not in held]
    added = []
    for sentence, (first, end) in untitled:
        before = [t for t in open_titles if 0 <= sentence.index - t[0].index <= 3]
        if not before:
            continue
        # the office, not "лидер", where the text gives both for the same side
        same = [t for t in open_titles if t[2] == before[-1][2]]
        title = next((t for t in same if t[1].key != "other"), before[-1])
        open_titles = [t for t in open_titles if t not in same]
        ws = words(sentence.text)
        raw = _span_text(sentence.text, ws, first, end)
        name, note = nominative(raw, lang, "inflected" if lang == "kk" else None)
        at = (ws[first].start, ws[end - 1].end)
        added.append(_new(name, sentence, title[1], title[2], note, resolve, at))
    for mention in added:  # after the mentions of its sentence and those before
        place = sum(m.sentence.index <= mention.sentence.index for m in found)
        found = [*found[:place], mention, *found[place:]]
    return found


def _joined_mention(
    ws: list[Word],
    end: int,
    taken: set[int],
    sentence: Sentence,
    lang: str,
    role: Role,
    side: str | None,
    resolve: Resolver,
    case: str | None = None,
) -> list[tuple[int, PersonMention]]:
    """The person joined by "and" to a name ending at word `end`, with the same title and
    `side`, the other side the title named ("ministers of Kazakhstan and Russia A and B")."""
    span = _joined(ws, end, taken, sentence.text)
    if span is None:
        return []
    first, last = span
    taken.update(range(first, last))
    name, note = nominative(_span_text(sentence.text, ws, first, last), lang, case)
    at = (ws[first].start, ws[last - 1].end)
    return [(first, _new(name, sentence, role, side, note, resolve, at))]


def _name_before(
    ws: list[Word], role_start: int, taken: set[int], text: str
) -> tuple[int, int] | None:
    """The 1–3 capitalised words right before ", the <title>" (", EU High Representative")."""
    end = role_start
    while end > 0 and (ws[end - 1].text.casefold() in _BEFORE_TITLE or ws[end - 1].text.isupper()):
        if "," in text[ws[end - 1].end : ws[end].start]:
            break
        end -= 1
    first = end
    while first > 0 and end - first < 4:
        word = ws[first - 1]
        particle = word.text in _PARTICLES and first - 1 > 0 and first < end
        if not (particle or _is_name_word(word, taken, first - 1)):
            break
        first -= 1
    while first < end and ws[first].text in _PARTICLES:
        first += 1
    return (first, end) if first < end else None


def _new(
    name: str,
    sentence: Sentence,
    role: Role | None,
    side: str | None,
    note: str | None,
    resolve: Resolver,
    span: tuple[int, int] | None = None,
) -> PersonMention:
    """A mention of a name found by pattern: known when the resolver recognises it."""
    return PersonMention(name, sentence, resolve(name), role, side, note, span)


def _list_pairs(
    sentence: Sentence, lang: str, sides: Sides, taken: set[int], resolve: Resolver
) -> list[tuple[int, PersonMention]]:
    """People from "… ведомств Азербайджана Джейхуном Байрамовым, Бельгии – Бернаром …"."""
    triggers = list(_LIST_TRIGGER.finditer(sentence.text))
    trigger = triggers[-1] if triggers else None  # the list follows the last title
    if not trigger:
        return []
    role = role_of(ROLE_PATTERN.search("министр иностранных дел"))  # type: ignore[arg-type]
    before = sentence.text[max(0, trigger.start() - 3) : trigger.start()]
    plural_with = re.search(r"ами\b", trigger.group(0)) or re.search(r"\bс\s*$", before)
    case = "instrumental" if lang == "ru" and plural_with else None
    offset = len(words(sentence.text[: trigger.end()]))
    tail = sentence.text[trigger.end() :]
    results: list[tuple[int, PersonMention]] = []
    position = 0
    for part in _LIST_SEPARATOR.split(tail.rstrip(".")):
        part_start = tail.find(part, position)
        position = part_start + len(part)
        piece = Sentence(part, sentence.start + trigger.end() + part_start, sentence.index)
        country = sides.find(piece)
        ws = words(part)
        if not country or country[0].first != 0:
            continue
        rest = []  # the capitalised words right after the country: "Spain José Albares on …"
        after = country[0].last
        # "Кыргызской Республики Жээнбеком Кулубаевым": the form of state is no name
        while after < len(ws) and (
            ws[after].text.casefold() in _SKIP_WORDS or _NOT_NAMES.match(ws[after].text)
        ):
            after += 1
        for w in ws[after:]:
            if not _NAME_WORD.match(w.text):
                break
            rest.append(w)
        if len(rest) < 2 or len(rest) > 3:
            continue
        index = offset + len(words(tail[:part_start])) + after
        if index in taken:
            continue
        raw = part[rest[0].start : rest[-1].end]
        name, note = nominative(raw, lang, case)
        at = trigger.end() + part_start
        span = (at + rest[0].start, at + rest[-1].end)
        mention = PersonMention(name, sentence, resolve(name), role, country[0].id, note, span)
        results.append((index, mention))
    return results
