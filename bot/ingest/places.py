"""Where an event happened, and which organizations and topics its article names."""

from __future__ import annotations

from bot.ingest.mentions import Gazetteer, Hit, words
from bot.ingest.text import Sentence
from bot.records.models import Place, PlaceEntry

_BEFORE_PLACE = {"v", "vo", "na", "in", "at"}  # folded в, во, на, in, at
_KK_LOCATIVE = ("da", "de", "ta", "te", "nda", "nde", "dagi", "degi", "tagi", "tegi")
_CITY_WORDS = ("kala", "gorod", "city")  # "Ташкент қаласында", "в городе Ташкенте"
# "Қазақстанның астанасында", "в столице Казахстана", "in the capital of Kazakhstan": folded
# stems of the word "capital", and the capitals of countries (used when the gazetteer has them).
_CAPITAL_WORDS = ("astana", "stolits", "capital")
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


def _locative(hit: Hit) -> bool:
    """Whether the name stands where a place of an event does: "в Вене", "Астанада", "in Vienna"."""
    ws = words(hit.sentence.text)
    if hit.first > 0 and ws[hit.first - 1].folded in _BEFORE_PLACE:
        return True
    last = ws[hit.last - 1].folded
    if last.endswith(_KK_LOCATIVE) and len(last) > 4:
        return True
    return hit.last < len(ws) and ws[hit.last].folded.startswith(_CITY_WORDS)


def find_place(
    sentences: list[Sentence], places: Gazetteer, entries: dict[str, PlaceEntry]
) -> tuple[Place | None, Sentence | None]:
    """The city (else country) named as the event's location in the given sentences."""
    all_hits = [h for h in places.find_all(sentences) if h.id in entries]
    hits = [h for h in all_hits if _locative(h)]
    for kind in ("city", "country"):
        for hit in hits:
            entry = entries[hit.id]
            if entry.kind != kind:
                continue
            if kind == "city":
                return Place(city=entry.id, country=entry.country), hit.sentence
            return Place(country=entry.id), hit.sentence
    return _capital(all_hits, entries)


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


def find_ids(sentences: list[Sentence], gazetteer: Gazetteer) -> list[tuple[str, Sentence]]:
    """Distinct entries named in the sentences, first mention first, with that sentence."""
    seen: dict[str, Sentence] = {}
    for hit in gazetteer.find_all(sentences):
        seen.setdefault(hit.id, hit.sentence)
    return list(seen.items())
