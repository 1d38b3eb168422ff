"""Where an event happened, and which organizations and topics its article names."""

from __future__ import annotations

import re

from bot.ingest.dates import FUTURE
from bot.ingest.demonyms import DEMONYMS
from bot.ingest.mentions import Gazetteer, Hit, words
from bot.ingest.text import Sentence
from bot.records.models import Place, PlaceEntry

_BEFORE_PLACE = {"v", "vo", "na", "in", "at"}  # folded в, во, на, in, at
_KK_LOCATIVE = ("da", "de", "ta", "te", "nda", "nde")
_KK_ATTRIBUTIVE = ("dagi", "degi", "tagi", "tegi")  # "-дағы", folded
# "Ташкент қаласында", "в городе Ташкенте"; a city's airport: "Душанбе әуежайында"
_CITY_WORDS = ("kala", "gorod", "city", "auejai", "aeroport", "airport")
# "Қазақстанның астанасында", "в столице Казахстана", "in the capital of Kazakhstan": folded
# stems of the word "capital", and the capitals of countries (used when the gazetteer has them).
_CAPITAL_NOUNS = ("stolits", "capital")  # "столица", "capital"
_CAPITAL_WORDS = ("astana", *_CAPITAL_NOUNS)
CAPITALS = {
    "kazakhstan": "astana",
    "uzbekistan": "tashkent",
    "kyrgyzstan": "bishkek",
    "tajikistan": "dushanbe",
    "turkmenistan": "ashgabat",
    "austria": "vienna",
    "slovakia": "bratislava",
    "saudi-arabia": "riyadh",
    "russia": "moscow",
    "china": "beijing",
    "turkey": "ankara",
    "azerbaijan": "baku",
    "malta": "valletta",
}


# The residences of heads of state, named where a ceremony was held ("прошла в Акорде",
# "Ақордада", "в зале Большого Кремлёвского дворца"): folded stems, each with its city. Only where
# the word stands as a place does ("пресс-служба Акорды", "деп хабарлайды Ақорда" are sources).
_RESIDENCES = {"akord": "astana", "aqord": "astana", "kreml": "moscow", "kuksaro": "tashkent"}
_RESIDENCE_LOCATIVE = ("ada", "ede", "da", "de", "ta", "te")
_SOURCE_WORDS = ("press", "sluzhb", "sait", "site", "servis", "service", "baspasoz", "ofits")


def _residence(
    sentences: list[Sentence], entries: dict[str, PlaceEntry]
) -> tuple[Place, Sentence] | None:
    """The city of a head of state's residence where a sentence places the event in it."""
    for sentence in sentences:
        ws = words(sentence.text)
        for i, word in enumerate(ws):
            stem = next((s for s in _RESIDENCES if word.folded.startswith(s)), "")
            city = _RESIDENCES.get(stem)
            if city is None or city not in entries or not word.capitalised:
                continue
            before = [w.folded for w in ws[max(0, i - 4) : i]]
            at = [j for j, w in enumerate(before) if w in _BEFORE_PLACE]
            placed = bool(at) and not any(w.startswith(_SOURCE_WORDS) for w in before[at[-1] :])
            # "Ақордада", "Кремльде"; "Ақорда" itself ends as a locative does
            # "Ақорда резиденциясында", "Akorda residence"
            residence = i + 1 < len(ws) and ws[i + 1].folded.startswith(("rezident", "residen"))
            if placed or residence or word.folded[len(stem) :] in _RESIDENCE_LOCATIVE:
                return Place(city=city, country=entries[city].country), sentence
    return None


_VISIT_WORDS = ("visit", "vizit", "trip", "poezdk")  # "visit to Kazakhstan", "визит в Австрию"
_VISITS = ("poset", "visit")  # a verb whose object is the place: "посетит Астану"
# "Астанаға келген", "Ауғанстанға барды" (went to)
_ARRIVAL = ("kelgen", "keldi", "kelip", "kelu", "pribyl", "pribyv", "arriv", "bardi", "barip")
_KK_DATIVE = ("ga", "ge", "qa", "ke", "na", "ne")
# A country is the place only beside a word for the event; "ситуацию в Украине" is a topic.
_EVENT_STEMS = (
    "vizit",
    "visit",
    "sapar",
    "zasedan",
    "vstrech",
    "sammit",
    "summit",
    "meeting",
    "session",
    "council",
    "sovet",
    "kezdes",
    "otyrys",
    "keles",
    "proshed",
    "proshl",
    "sostoial",
    "held",
    "otti",
    "otken",
    "trip",
    "pribyl",
    "arriv",
    "kelgen",
    "keldi",
    "sobral",
    "uchast",
    "qatys",
    "gather",
    "attend",
    "particip",
    "poset",
)


# "Украинадағы дағдарыс", "кризис в Украине", "the crisis in Ukraine": a topic, not a place.
_TOPIC_STEMS = (  # folded: дағдарыс → dagdaris, жағдай → jagdai, соғыс → sogis
    "dagdaris",
    "krizis",
    "crisis",
    "situat",
    "jagdai",
    "konflikt",
    "conflict",
    "qaqtig",
    "sogis",
    "voin",
    "war",
    "uregulir",
    "settlement",
)


def _topic_beside(hit: Hit) -> bool:
    """Whether a crisis, situation or conflict word is right beside the name (or "в"/"in")."""
    ws = words(hit.sentence.text)
    after = ws[hit.last : hit.last + 1]
    before = ws[max(0, hit.first - 2) : hit.first]
    return any(w.folded.startswith(_TOPIC_STEMS) for w in [*after, *before])


def _near_event_word(hit: Hit, reach: int = 5) -> bool:
    ws = words(hit.sentence.text)
    near = ws[max(0, hit.first - reach) : hit.first] + ws[hit.last : hit.last + reach]
    return any(w.folded.startswith(_EVENT_STEMS) for w in near)


def _at_ministry(hit: Hit) -> bool:
    """Whether the country's name is its ministry's where the event was held: "Қазақстан
    Республикасы Сыртқы істер министрлігінде … өтті"."""
    after = [w.folded for w in words(hit.sentence.text)[hit.last : hit.last + 4]]
    return any(w.startswith("ministrlig") and w.endswith("nde") for w in after)


def _locative(hit: Hit) -> bool:
    """Whether the name stands where a place of an event does: "в Вене", "Астанада", "in Vienna"."""
    ws = words(hit.sentence.text)
    if hit.first > 0 and ws[hit.first - 1].folded in _BEFORE_PLACE:
        return True
    if hit.first > 1 and ws[hit.first - 1].folded == "to":
        return ws[hit.first - 2].folded.startswith(_VISIT_WORDS)
    if hit.first > 0 and ws[hit.first - 1].folded.startswith(_VISITS):
        return True  # "посетит Нур-Султан", "visited Tokyo"
    if hit.first > 1 and ws[hit.first - 1].folded.startswith(_CAPITAL_NOUNS):
        # "touched down in the Kazakh capital Nur-Sultan", "в казахстанской столице Астане"
        return any(w.folded in _BEFORE_PLACE for w in ws[max(0, hit.first - 5) : hit.first - 1])
    last_word = ws[hit.last - 1].folded
    if last_word.endswith(_KK_DATIVE) and hit.last < len(ws):
        # "Астанаға келді", "Нұр-Сұлтанға Майк Помпео келді"
        if any(w.folded.startswith(_ARRIVAL) for w in ws[hit.last : hit.last + 4]):
            return True
    last = ws[hit.last - 1].folded
    if last.endswith(_KK_ATTRIBUTIVE) and len(last) > 5:
        # "Украинадағы дағдарыс" (the crisis in Ukraine) is a topic; "Вашингтондағы кездесу"
        # (the meeting in Washington) is a place: the word it describes must be the event.
        # (or where in the city: "Вашингтондағы әуежайға қонған")
        return hit.last < len(ws) and ws[hit.last].folded.startswith(_EVENT_STEMS + _CITY_WORDS)
    if last.endswith(_KK_LOCATIVE) and len(last) > 4:
        return True
    return hit.last < len(ws) and ws[hit.last].folded.startswith(_CITY_WORDS)


_YEAR = re.compile(r"(?:19|20)\d\d")


def _in_earlier_year(hit: Hit, year: int | None) -> bool:
    """Whether a year before the report's stands beside the name: an earlier event's place
    ("their last encounter … held in New Delhi in 2021", "2021 жылы Нью-Делиде өткен")."""
    if year is None:
        return False
    ws = words(hit.sentence.text)
    near = ws[max(0, hit.first - 3) : hit.first] + ws[hit.last : hit.last + 3]
    return any(_YEAR.fullmatch(w.text) and int(w.text) < year for w in near)


def find_place(
    sentences: list[Sentence],
    places: Gazetteer,
    entries: dict[str, PlaceEntry],
    past: bool = False,
    abroad: Gazetteer | None = None,
    year: int | None = None,
) -> tuple[Place | None, Sentence | None]:
    """The city (else country) named as the event's location in the given sentences; with
    `past` (a report of something held), sentences about what is still to come are left out
    ("… will chair the council during his visit to Kazakhstan"). A city of `abroad` (one the
    seeds do not list, named by its country's id) places the event in its country. A name with
    a year before `year` (the report's) beside it is an earlier event's place."""
    if past:
        sentences = [s for s in sentences if not FUTURE.search(s.text)]
    all_hits = [
        h for h in places.find_all(sentences) if h.id in entries and not _in_earlier_year(h, year)
    ]
    taken = {(h.sentence.index, i) for h in all_hits for i in range(h.first, h.last)}
    foreign = [
        h
        for h in (abroad.find_all(sentences) if abroad else [])
        if h.id in entries
        and (h.sentence.index, h.first) not in taken
        and _locative(h)
        and not _in_earlier_year(h, year)
    ]
    hits = [
        h
        for h in all_hits
        if _locative(h)
        and (entries[h.id].kind == "city" or (_near_event_word(h) and not _topic_beside(h)))
    ]
    cities = [h for h in hits if entries[h.id].kind == "city"] + foreign
    for hit in sorted(cities, key=lambda h: (h.sentence.index, h.first)):
        entry = entries[hit.id]
        if entry.kind == "city":
            return Place(city=entry.id, country=entry.country), hit.sentence
        return Place(country=entry.id), hit.sentence
    residence = _residence(sentences, entries)
    if residence:
        return residence
    ministry = next(
        (h for h in all_hits if entries[h.id].kind == "country" and _at_ministry(h)), None
    )
    if ministry:
        return Place(country=ministry.id), ministry.sentence
    for hit in hits:
        if entries[hit.id].kind == "country":
            return Place(country=hit.id), hit.sentence
    found = _capital(all_hits, entries)
    return found if found[0] else _capital_by_adjective(sentences, entries)


def _capital_by_adjective(
    sentences: list[Sentence], entries: dict[str, PlaceEntry]
) -> tuple[Place | None, Sentence | None]:
    """The capital a nationality names: "in the Kazakh capital", "в казахстанской столице"."""
    for sentence in sentences:
        ws = words(sentence.text)
        for i in range(2, len(ws)):
            if not ws[i].folded.startswith(_CAPITAL_NOUNS) or ws[i].capitalised:
                continue
            if not any(w.folded in _BEFORE_PLACE for w in ws[max(0, i - 3) : i - 1]):
                continue
            adjective = ws[i - 1].text.casefold()
            for country, stems in DEMONYMS.items():
                city = entries.get(CAPITALS.get(country, ""))
                if city and any(adjective.startswith(stem) for stem in stems):
                    return Place(city=city.id, country=city.country), sentence
    return None, None


def _capital(
    hits: list[Hit], entries: dict[str, PlaceEntry]
) -> tuple[Place | None, Sentence | None]:
    """The capital, where the text says "in the capital" next to the country's name."""
    for hit in hits:
        city = entries.get(CAPITALS.get(hit.id, ""))
        if entries[hit.id].kind != "country" or city is None:
            continue
        ws = words(hit.sentence.text)
        near = ws[max(0, hit.first - 3) : hit.first] + ws[hit.last : hit.last + 2]
        for word in near:
            capital = word.folded.startswith(_CAPITAL_WORDS) and not word.capitalised
            if capital and _locative(
                Hit(hit.id, hit.sentence, ws.index(word), ws.index(word) + 1, "")
            ):
                return Place(city=city.id, country=city.country), hit.sentence
    return None, None


def place_of_report(
    found: Place | None,
    filed_at: str | None,
    kind: str,
    places: Gazetteer,
    entries: dict[str, PlaceEntry],
    abroad: Gazetteer | None = None,
    reported: str = "",
) -> Place | None:
    """The event's place, with the report's dateline city ("Вена, 14 марта –") where the text
    names no place, or only the country that city is in; a phone call has no place, nor a meeting
    the sentence `reported` (the one that tells its kind) has held online. A dateline city the
    seeds do not list ("СКОПЬЕ, 30 ноя") gives its country where the text names none."""
    if kind == "phone_call" or _ONLINE.search(reported):
        return None
    if found and found.city:
        return found
    city = None
    if filed_at:
        hits = [h for h in places.find(Sentence(filed_at, 0, 0)) if h.id in entries]
        city = next((entries[h.id] for h in hits if entries[h.id].kind == "city"), None)
        if city is None and found is None and abroad is not None:
            country = next((h.id for h in abroad.find(Sentence(filed_at, 0, 0))), None)
            return Place(country=country) if country in entries else None
    if city and (found is None or found.country == city.country):
        return Place(city=city.id, country=city.country)
    return found


# A meeting held online has no place, as a phone call has none ("онлайн-кездесу өткізді",
# "в режиме видеоконференции", "via video conference").
_ONLINE = re.compile(
    r"онлайн|видеоконференц\w*|видеосвяз\w*|бейнеконференц\w*|бейнебайланыс\w*|\bonline\b|"
    r"video\s*conferenc\w*|video\s+link",
    re.I,
)


# A visitor arrived "in the country" ("в страну", "в республику") is in the host's: a Kazakh one
# ("встретился с прибывшим накануне в страну … казахстанским коллегой") in the one foreign country
# the lede names, any other ("принял … Дэвида Саттерфилда, прибывшего в республику") in Kazakhstan.
_ARRIVED_IN_COUNTRY = re.compile(
    r"(?:прибыв\w*|прибыл\w*|arrived|arriving)\s+(?:[\w-]+\s+){0,4}?"
    r"(?:в\s+(?:страну|республику)|in\s+the\s+country)\b",
    re.I,
)
_KAZAKH_AFTER = re.compile(r"\s+(?:[\w-]+\s+){0,4}?(?:казахстанск|Казахстан|Kazakh)", re.I)


def host_of_visit(sentences: list[Sentence], foreign: str | None) -> Place | None:
    """The host's country where the sentences have a visitor arrive "in the country"."""
    for sentence in sentences:
        arrived = _ARRIVED_IN_COUNTRY.search(sentence.text)
        if arrived is None:
            continue
        if _KAZAKH_AFTER.match(sentence.text, arrived.end()):
            return Place(country=foreign) if foreign else None
        return Place(country="kazakhstan")
    return None


def find_ids(sentences: list[Sentence], gazetteer: Gazetteer) -> list[tuple[str, Sentence]]:
    """Distinct entries named in the sentences, first mention first, with that sentence."""
    seen: dict[str, Sentence] = {}
    for hit in gazetteer.find_all(sentences):
        seen.setdefault(hit.id, hit.sentence)
    return list(seen.items())
