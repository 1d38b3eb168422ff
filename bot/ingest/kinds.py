"""What kind of event an article reports: meeting, council, visit, phone call, announcement…"""

from __future__ import annotations

import re

from bot.ingest.text import Sentence

# Checked in this order on the headline and lede; the first that matches decides.
_KIND_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "phone_call",
        re.compile(
            r"телефонн\w*\s+разговор|по\s+телефону|телефон\s+арқылы|телефонмен|"
            r"phone\s+call|telephone\s+(?:call|conversation)|(?:by|over\s+the)\s+(?:tele)?phone",
            re.I,
        ),
    ),
    (
        "ministerial_council",
        re.compile(
            r"совет\w*\s+министров\s+иностранных\s+дел|министрлері\s+кеңес\w*|"
            r"ministerial\s+council|СМИД",
            re.I,
        ),
    ),
    (
        "visit",
        re.compile(r"(?:официальн|рабоч|государственн)\w*\s+визит|сапар\w*|\bvisit", re.I),
    ),
    (
        "statement",
        re.compile(r"\bзаявлени\w*|мәлімдеме\w*|\bstatement\b", re.I),
    ),
    (
        "multilateral_meeting",
        re.compile(
            r"министров\s+иностранных\s+дел\s+стран|глав\s+внешнеполитическ\w*\s+ведомств\s+стран|"
            r"елдері\w*\s+сыртқы\s+істер|министрлер\w*\s+орынбасар\w*|"
            r"foreign\s+ministers\s+of|ministerial\s+meeting|multilateral",
            re.I,
        ),
    ),
    (
        "bilateral_meeting",
        re.compile(
            r"встретил\w*|встреч\w*|переговор\w*|кездес\w*|келіссөз\w*|\bmet\b|\bmeeting\b|talks",
            re.I,
        ),
    ),
]
# A lede that speaks of the future announces a meeting; it is not one yet.
_FUTURE_LEDE = re.compile(
    r"пройд[её]т|состоится|планиру\w*|запланирован\w*|намерен\w*|"
    r"өтеді|өтетін|өткізіледі|өтпек|жоспарлан\w*|"
    r"\bwill\s+(?:hold|meet|visit|take\s+place|be\s+held)|\bis\s+to\s+(?:hold|meet|visit)|"
    r"\bscheduled\b|\bplans?\s+to\b",
    re.I,
)
_PAST_MEETING = re.compile(
    r"состоял\w*|прошл\w*|провел\w*|провёл\w*|встретил\w*|обсудил\w*|"
    r"өтті|өткізді|кездесті|талқылады|қатысты|\bmet\b|\bheld\b|discussed|took\s+part",
    re.I,
)


def lede(sentences: list[Sentence], size: int = 3) -> list[Sentence]:
    """The headline (if any) and the first body sentences: where news says what happened."""
    body = [s for s in sentences if len(s.text) > 40 and not s.text.lstrip().startswith("date ")]
    first_body = body[0].index if body else len(sentences)
    head = [s for s in sentences[:4] if 15 < len(s.text) <= 160 and s.index < first_body]
    dateline = [s for s in sentences[:1] if s.text.lstrip().startswith("date ")]
    return (head[:1] + dateline + body[:size])[: size + 2]


def classify(sentences: list[Sentence]) -> tuple[str, Sentence | None]:
    """The event kind and the sentence that shows it (None when only the default applies)."""
    opening = lede(sentences)
    text = " ".join(s.text for s in opening)
    if _FUTURE_LEDE.search(text) and not _PAST_MEETING.search(text):
        found = next((s for s in opening if _FUTURE_LEDE.search(s.text)), None)
        return "announcement", found
    # Sentence by sentence from the headline: a specific kind wins over a plain "meeting",
    # which the headline of a council report also says ("на встрече ОБСЕ").
    for sentence in opening:
        for kind, pattern in _KIND_PATTERNS[:-1]:
            if pattern.search(sentence.text):
                return kind, sentence
    kind, pattern = _KIND_PATTERNS[-1]
    for sentence in opening:
        if pattern.search(sentence.text):
            return kind, sentence
    return "statement", None
