"""Turning what was found in an article into draft records: events, people, the article entry."""

from __future__ import annotations

import re
from dataclasses import dataclass

from anyascii import anyascii

from bot.ingest.people import PersonMention
from bot.ingest.roles import role_key
from bot.records.models import Localized, Participant, Person

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
# An unreviewed draft's notes; approval replaces them with the day it was reviewed.
DRAFT_NOTES = "Draft from ingest; check every field against the article."
_DRAFT_NOTE = {
    "en": "Draft made by ingest from {article}; an editor writes the summary.",
    "ru": "Черновик, составленный ingest по статье {article}; резюме пишет редактор.",
    "kk": "{article} мақаласы бойынша ingest жасаған жоба; түйіндемені редактор жазады.",
}


HOME_COUNTRY = "kazakhstan"
_HOME_OFFICES = {"foreign-minister", "deputy-foreign-minister"}
# A head of state or government whose title names no country is Kazakhstan's only where the lede
# names the meeting's parties ("Мемлекет басшысы … келіссөз жүргізді"); later, a president cited
# with no country is left out.
_HEADS = {"president", "prime-minister"}


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


# The word an id gives each kind when people's names do not already say it was a meeting.
_KIND_WORDS = {
    "bilateral_meeting": "",
    "multilateral_meeting": "meeting",
    "ministerial_council": "ministerial-council",
    "summit": "summit",
    "visit": "visit",
    "phone_call": "call",
    "statement": "statement",
    "announcement": "announced",
}


def title(kind: str, names: dict[str, list[str]], place: dict[str, str] | None = None) -> Localized:
    """A draft title in each language: the kind, who met (names as that language writes them)
    and where."""
    labels = KIND_LABELS[kind]
    texts = {}
    for lang in ("kk", "ru", "en"):
        where = f" ({place[lang]})" if place else ""
        who = f": {', '.join(names[lang][:4])}" if names.get(lang) else ""
        texts[lang] = labels[lang] + where + who
    return Localized(**texts)


def event_id(
    date: str | None, city: str | None, people: list[str], kind: str, taken: set[str]
) -> str:
    """A readable, stable id: date (or "undated"), city, the first two people's surnames, the
    kind's word; repeated words once (then taken)."""
    surnames = [person.split("-")[0] for person in people[:2]]
    kind_word = _KIND_WORDS[kind] if len(surnames) >= 2 else _KIND_WORDS[kind] or "meeting"
    parts = [date or "undated", city or "", *surnames, kind_word]
    seen: list[str] = []
    for word in slug(" ".join(parts), 200).split("-"):
        if word not in seen or word.isdigit():
            seen.append(word)
    return unique(slug("-".join(seen), 70), taken)


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
    lede: frozenset[int] = frozenset()  # the sentences (indexes) that name the event's parties

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
        if person.country and side in self.countries and side != person.country:
            side = person.country  # "Ministers of Kazakhstan and Turkey – Idrissov and …"
        home = _HOME_OFFICES | (_HEADS if mention.sentence.index in self.lede else set())
        if not side and mention.role and mention.role.key in home:
            # "Сыртқы істер вице-министрі Роман Василенко": the ministry these reports are
            # about is Kazakhstan's when the title names no other country.
            side = HOME_COUNTRY
        if not side:
            return None
        if mention.role:
            role = mention.role.title
        elif person.roles:
            role = person.roles[0]
        else:
            return None
        return Participant(person=person_id, role=role, side=side)

    def label(self, person_id: str, lang: str = "en") -> str:
        """The person's name in `lang` (a draft person's as the article wrote it)."""
        person = self.known.get(person_id) or self.drafts[person_id]
        return person.name.get(lang)


# A surname formed as Kazakh ones are ("Қойшыбаев", "Ахметова", "Серікұлы"; inflected too): its
# bearer, greeting a visitor beside the Kazakh prime minister, stays Kazakhstan's.
_HOME_SURNAME = re.compile(r"(?:ов|ев|ёв|ұлы|улы|қызы|кызы|ov|ev|uly|kyzy)", re.I)


def counterpart_sides(
    chosen: list[tuple[Participant, PersonMention]], book: PeopleBook, foreign: str | None
) -> list[Participant]:
    """The participants; one whose title named no country, given Kazakhstan by default, is the
    counterpart — the one foreign country the lede names — when another participant is
    Kazakhstan's by the text or the gazetteer in the same sentence, unless the surname is formed
    as Kazakh ones are ("Tajikistan and Kazakhstan held consultations,
    chaired by the Deputy Minister of Foreign Affairs Zohir Saidzoda and Deputy Minister of
    Foreign Affairs of Kazakhstan Marat Syzdykov")."""

    def defaulted(participant: Participant, mention: PersonMention, surname: bool = True) -> bool:
        known = book.known.get(participant.person)
        words = mention.name.split()
        local = surname and bool(words) and bool(_HOME_SURNAME.search(words[-1][-8:]))
        return (
            participant.side == HOME_COUNTRY
            and (not mention.side or mention.sent_to)
            and not (known and known.country)
            and not local
        )

    if foreign is None:
        return [p for p, _ in chosen]
    homes = [(p, m) for p, m in chosen if p.side == HOME_COUNTRY and not defaulted(p, m)]
    home = {m.sentence.index for _, m in homes}
    # an office a country has one holder of, Kazakhstan's named beside: the other is the
    # counterpart's, whatever the surname ("министров иностранных дел двух стран Чингиза
    # Айдарбекова и Мухтара Тлеуберди")
    held = {
        (m.sentence.index, key, p.person)
        for p, m in homes
        if (key := role_key(p.role)) in _ONE_HOLDER
    }

    def beside_holder(p: Participant, m: PersonMention) -> bool:  # another holds it there
        key = role_key(p.role)
        return any(h[:2] == (m.sentence.index, key) and h[2] != p.person for h in held)

    return [
        p.model_copy(update={"side": foreign})
        if m.sentence.index in home
        and (defaulted(p, m) or (beside_holder(p, m) and defaulted(p, m, surname=False)))
        else p
        for p, m in chosen
    ]


_ONE_HOLDER = ("foreign-minister", "president", "prime-minister")
