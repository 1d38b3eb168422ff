"""Which country or body a titled person acts for, read from the words around the title.

The side is the country or organization named in the title's own clause, nearest the name
("Министр иностранных дел России Сергей Лавров"); the country an envoy is sent to is the host,
not the side ("Ambassador of the United Kingdom to the Republic of Kazakhstan Kathy Leach").
"""

from __future__ import annotations

import dataclasses
import re

from bot.ingest.mentions import Hit, Word


def only_foreign(hits: list[Hit]) -> str | None:
    """The one country or body other than Kazakhstan the sentence names, if only one."""
    foreign = {h.id for h in hits if not h.host and h.id != "kazakhstan"}
    return foreign.pop() if len(foreign) == 1 else None


def clause_start(ws: list[Word], text: str, role_start: int, reach: int = 4) -> int:
    """Where the side of a title may start: up to `reach` words before it, not past a comma or
    a semicolon ("Сенат төрағасы Мәулен Әшімбаевпен, … министрі Мұрат Нұртілеумен")."""
    start = role_start
    while start > max(0, role_start - reach) and not re.search(
        r"[,;]", text[ws[start - 1].end : ws[start].start]
    ):
        start -= 1
    return start


def sides_between(hits: list[Hit], first: int, last: int) -> list[str]:
    """The places and organizations named between word indexes first and last, in order."""
    return [h.id for h in hits if first <= h.first < last]


def side_between(hits: list[Hit], first: int, last: int) -> str | None:
    """The place or organization named between word indexes first and last (nearest last),
    the country an envoy is sent to left aside when another is named: "Ambassador of the United
    Kingdom to the Republic of Kazakhstan Kathy Leach" acts for the United Kingdom."""
    near = [h for h in hits if first <= h.first < last]
    sent = [h for h in near if not h.host]
    chosen = sent or near
    return chosen[-1].id if chosen else None


# folded to, в, во, при: "Ambassador … to Kazakhstan", "посол … в Казахстане", "Постоянный
# представитель Казахстана при ООН" (the body an envoy is accredited to)
_TO = {"to", "v", "vo", "pri"}
_KK_HOST = re.compile(r"(?:дағы|дегі|тағы|тегі|ндағы|ндегі)$", re.I)  # "Қазақстандағы елшісі"


def mark_hosts(hits: list[Hit], ws: list[Word]) -> list[Hit]:
    """The hits, those that name a host country ("to the Republic of Kazakhstan") marked."""
    marked = []
    for hit in hits:
        before = hit.first - 1
        while before >= 0 and ws[before].folded in {"the", "republic", "respublike", "of"}:
            before -= 1
        # "Өзбекстан Республикасындағы": the form of state after the name carries the ending
        last = (
            hit.last
            if hit.last < len(ws) and ws[hit.last].folded.startswith("respublik")
            else hit.last - 1
        )
        host = (before >= 0 and ws[before].folded in _TO) or bool(_KK_HOST.search(ws[last].text))
        marked.append(dataclasses.replace(hit, host=host))
    return marked
