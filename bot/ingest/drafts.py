"""Turning what was found in an article into draft records: events, people, the article entry."""

from __future__ import annotations

import re
from dataclasses import dataclass

from anyascii import anyascii

from bot.ingest.people import PersonMention
from bot.records import Localized, Participant, Person

KIND_LABELS: dict[str, dict[str, str]] = {
    "bilateral_meeting": {
        "en": "Bilateral meeting",
        "ru": "Двусторонняя встреча",
        "kk": "Екіжақты кездесу",
    },
    "multilateral_meeting": {
        "en": "Multilateral meeting",
        "ru": "Многосторонняя встреча",
        "kk": "Көпжақты кездесу",
    },
    "ministerial_council": {
        "en": "Ministerial council",
        "ru": "Совет министров",
        "kk": "Министрлер кеңесі",
    },
    "summit": {"en": "Summit", "ru": "Саммит", "kk": "Саммит"},
    "visit": {"en": "Visit", "ru": "Визит", "kk": "Сапар"},
    "phone_call": {"en": "Phone call", "ru": "Телефонный разговор", "kk": "Телефон арқылы сөйлесу"},
    "statement": {"en": "Statement", "ru": "Заявление", "kk": "Мәлімдеме"},
    "announcement": {
        "en": "Announcement of a meeting",
        "ru": "Анонс встречи",
        "kk": "Кездесу туралы хабарлама",
    },
}
_DRAFT_NOTE = {
    "en": "Draft made by ingest from {article}; an editor writes the summary.",
    "ru": "Черновик, составленный ingest по статье {article}; резюме пишет редактор.",
    "kk": "{article} мақаласы бойынша ingest жасаған жоба; түйіндемені редактор жазады.",
}


def slug(text: str, limit: int = 40) -> str:
    """A lower-case ASCII slug of `text` (anyascii transliteration), at most `limit` long."""
    ascii_text = re.sub(r"[^a-z0-9]+", "-", anyascii(text).lower()).strip("-")
    return ascii_text[:limit].strip("-") or "x"


def unique(candidate: str, taken: set[str]) -> str:
    """`candidate`, or it with -2, -3… appended, whichever is not in `taken`; then taken."""
    result, number = candidate, 2
    while result in taken:
        result, number = f"{candidate}-{number}", number + 1
    taken.add(result)
    return result


def title(kind: str, names: list[str]) -> Localized:
    """A draft title: the kind, and who met."""
    labels = KIND_LABELS[kind]
    tail = f": {', '.join(names[:4])}" if names else ""
    return Localized(**{lang: labels[lang] + tail for lang in ("kk", "ru", "en")})


def summary(article_id: str) -> Localized:
    """The placeholder summary a draft carries until an editor writes one."""
    return Localized(
        **{lang: text.format(article=article_id) for lang, text in _DRAFT_NOTE.items()}
    )


@dataclass
class PeopleBook:
    """Known and draft people of one ingest run; a name found twice becomes one draft person."""

    known: dict[str, Person]
    countries: set[str]
    drafts: dict[str, Person]
    by_name: dict[str, str]

    def person_id(self, mention: PersonMention) -> str:
        """The id for a mention: the known person's, or a new draft person's."""
        if mention.person_id:
            return mention.person_id
        key = slug(mention.name, 80)
        if key in self.by_name:
            return self.by_name[key]
        parts = mention.name.replace(".", ". ").split()
        ordered = [parts[-1], *parts[:-1]] if len(parts) > 1 else parts
        taken = set(self.known) | set(self.drafts)
        person_id = unique(slug(" ".join(ordered), 60), taken)
        latin = anyascii(mention.name)
        side = mention.side if mention.side in self.countries else None
        self.drafts[person_id] = Person(
            id=person_id,
            name=Localized(kk=mention.name, ru=mention.name, en=latin),
            country=side,
            roles=[mention.role.title] if mention.role else [],
            draft=True,
        )
        self.by_name[key] = person_id
        return person_id

    def participant(self, mention: PersonMention) -> Participant | None:
        """The mention as an event participant, or None when no side is known."""
        person_id = self.person_id(mention)
        person = self.known.get(person_id) or self.drafts[person_id]
        side = mention.side or person.country
        if not side:
            return None
        if mention.role:
            role = mention.role.title
        elif person.roles:
            role = person.roles[0]
        else:
            return None
        return Participant(person=person_id, role=role, side=side)

    def label(self, person_id: str) -> str:
        """The person's English name."""
        person = self.known.get(person_id) or self.drafts[person_id]
        return person.name.en
