"""Draft event records from a new article: `ingest_text(text, knowledge, filename=...)`.

Pure: text and what is already known go in, drafts come out; nothing is written here
(bot/ingest/writer.py adds drafts to a seeds folder). Every extracted fact keeps the sentence
it came from, verbatim, and goes into the draft's quotes.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from bot.ingest.dates import DateFinding, dateline, event_date, publication_date
from bot.ingest.dedupe import find_duplicate, known_article
from bot.ingest.drafts import (
    DRAFT_NOTES,
    HOME_COUNTRY,
    PeopleBook,
    counterpart_sides,
    event_id,
    slug,
    summary,
    title,
    unique,
)
from bot.ingest.kinds import classify, is_stamp, lede
from bot.ingest.knowledge import Knowledge
from bot.ingest.language import detect_language
from bot.ingest.participation import not_taking_part
from bot.ingest.people import PersonMention, find_people
from bot.ingest.places import find_ids, find_place, host_of_visit, place_of_report
from bot.ingest.roles import Role, more_specific, role_key
from bot.ingest.sides import only_foreign
from bot.ingest.text import Sentence, split_sentences
from bot.records.models import Article, Event, EventDate, EventKind, Participant, Person, Source

__all__ = ["IngestResult", "Knowledge", "ingest_text"]

_SIDELINES = re.compile(
    r"на полях|в кулуарах|в ходе визита|on the sidelines|on the margins|"
    r"аясында|шеңберінде|кулуарында",
    re.I,
)
_MEETING = re.compile(
    r"двусторонн\w*|встреч\w*|встретил\w*|переговор\w*|кездес\w*|келіссөз\w*|"
    r"\bmet\b|\bmeetings?\b|talks|bilateral",
    re.I,
)
_OUTLET = re.compile(
    r"(?:передает|сообщает|пишет|деп хабарлайды|хабарлайды|reports)\s+(?:ИА\s+)?"
    r"(?P<name>[A-ZА-ЯЁ][\w.()-]*(?:\s[A-ZА-ЯЁ(][\w.()-]*)?)",
)
_OUTLET_CLAUSE = re.compile(r",?\s*(?:передает|сообщает|пишет|со ссылкой на|деп хабарлайды)\b")
_MAX_QUOTES = 5


@dataclass(frozen=True)
class IngestResult:
    """Draft records from one article, and what the run noticed on the way."""

    article: Article
    text: str
    events: list[Event] = field(default_factory=list)
    additions: list[tuple[str, Source]] = field(default_factory=list)  # (known event, source)
    people: list[Person] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    known_article: str | None = None  # the seeds' article with this same text, if any


def _outlet(sentences: list[Sentence]) -> str | None:
    for sentence in sentences[:6]:
        found = _OUTLET.search(sentence.text)
        if found:
            return found.group("name").rstrip(".")
    return None


def _article(
    text: str, filename: str, known: set[str], published: DateFinding, sentences: list[Sentence]
) -> Article:
    stem = filename.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    day = published.date.value or "undated"
    article_id = unique(slug(f"draft-{day}-{stem}", 70), set(known))
    heading = next((s.text for s in sentences[:4] if 15 < len(s.text) <= 160), None)
    return Article(
        id=article_id,
        file=f"articles/{filename.rsplit('/', 1)[-1]}",
        outlet=_outlet(sentences),
        language=detect_language(text),
        published=published.date,
        title=heading if heading and not is_stamp(heading) else None,
    )


def _report_date(
    found: DateFinding, published: DateFinding, kind_sentences: list[Sentence]
) -> DateFinding:
    """The event date; a dated report of a past meeting that states no day gets its month.

    The dateline is not the day of the meeting (the Vienna council ran 4–5 December 2025, its
    reports are dated the 5th): the draft keeps the month and says when it was reported.
    """
    pub = published.date
    if found.date.precision != "unknown" or found.date.reason:
        return found
    if pub.value and pub.precision == "day" and kind_sentences:
        reason = "the text states no day; the month of the report's publication date"
        reported = pub.start if pub.basis == "stated" else None
        date = EventDate(
            value=pub.value[:7],
            precision="month",
            basis="inferred",
            reason=reason,
            reported=reported,
        )
        return DateFinding(date)
    return found


def _country_of_cities(opening: list[Sentence], knowledge: Knowledge) -> str | None:
    """The one country other than Kazakhstan whose city opens a lede sentence (its dateline,
    where the host is), if only one; a city inside the sentence may be a third country's venue."""
    places = knowledge.seeds.places
    cities = [h for s in opening for h in knowledge.sides.cities(s) if h.first == 0]
    found = {places[h.id].country for h in cities if h.id in places}
    found |= {h.id for s in opening for h in knowledge.abroad.find(s) if h.first == 0}
    found -= {None, HOME_COUNTRY}
    return found.pop() if len(found) == 1 else None


def ingest_text(
    text: str,
    knowledge: Knowledge,
    filename: str = "article.txt",
    published: dt.date | None = None,
) -> IngestResult:
    """Read an article and return draft events (or extra sources for known events) and people."""
    sentences = split_sentences(text)
    seeds = knowledge.seeds
    pub = publication_date(text, sentences, published)
    article = _article(text, filename, set(seeds.articles), pub, sentences)
    known = known_article(text, seeds.article_texts)
    if known:  # nothing to draft: every record it supports already cites it
        return IngestResult(article, text, notes=[f"already known: {known}"], known_article=known)
    kind, kind_sentence = classify(sentences)
    main_kind = kind
    found = event_date(sentences, pub, future=kind == "announcement")
    date = _report_date(found, pub, [kind_sentence] if kind_sentence else [])
    opening = lede(sentences)
    body = [s for s in sentences if s.text != pub.quote]
    countries = {p.id for p in seeds.places.values() if p.kind == "country"}
    mentions = find_people(
        body,
        article.language,
        knowledge.people,
        knowledge.sides,
        knowledge.resolve_person,
        {p.id: p.country for p in seeds.people.values()},
        {p.id: {role_key(r) for r in p.roles} for p in seeds.people.values()},
    )
    lede_indexes = {s.index for s in lede(sentences, size=2)}
    book = PeopleBook(dict(seeds.people), countries, {}, {}, frozenset(lede_indexes))
    mentioned = not_taking_part(mentions, lede_indexes, kind, knowledge.sides, countries)
    mentions = [m for m in mentions if m not in mentioned]
    sideline_sentences = _sideline_sentences(sentences, mentions)
    if kind == "bilateral_meeting" and kind_sentence is not None:
        # the article reports the talks held on the margins: they are its main event
        sideline_sentences.discard(kind_sentence.index)
    main_mentions = [m for m in mentions if m.sentence.index not in sideline_sentences]
    year = int(pub.date.value[:4]) if pub.date.value else None
    place, place_sentence = find_place(
        _with_short(opening, sentences),
        knowledge.places,
        seeds.places,
        kind != "announcement",
        knowledge.abroad,
        year,
    )
    filed_at = (dateline(sentences) or (None, None))[1]
    reported = kind_sentence.text if kind_sentence else ""  # a meeting held online has no place
    place = place_of_report(
        place, filed_at, kind, knowledge.places, seeds.places, knowledge.abroad, reported
    )
    named = [h for s in opening for h in knowledge.sides.find(s)]
    foreign = only_foreign([h for h in named if h.id in countries])  # the lede's one other country
    if foreign is None and not any(h.id in countries - {HOME_COUNTRY} for h in named):
        # none named, but a city is: "Islamabad (TDI): Prime Minister Shehbaz Sharif received …"
        foreign = _country_of_cities(opening, knowledge)
    if place is None and kind != "phone_call":
        place = host_of_visit(opening, foreign)
    if place is None:
        place_sentence = None
    orgs = _organizations(opening, knowledge, seeds)
    windows = _meeting_windows(sentences, mentions, sideline_sentences)
    in_windows = {i for window in windows.values() for i in window}
    topics = [
        t for t, _ in find_ids([s for s in body if s.index not in in_windows], knowledge.topics)
    ]
    notes = [m.note for m in mentions if m.note]
    notes += [f"{m.name}: mentioned, not a participant" for m in mentioned]
    taken = set(seeds.events)

    def make(
        kind: EventKind,
        people: list[PersonMention],
        quotes: list[str],
        part_of: str | None,
        own: list[Sentence] | None = None,
    ) -> Event:
        chosen: dict[str, tuple[Participant, PersonMention]] = {}
        for mention in people:
            participant = book.participant(mention)
            if participant is None:
                notes.append(f"{mention.name}: named without a role or side; left out")
            elif participant.person not in chosen:
                chosen[participant.person] = participant, mention
            elif more_specific(mention.role, _office(chosen[participant.person][0])):
                chosen[participant.person] = participant, mention  # "Minister", then "FM"
        participants = counterpart_sides(list(chosen.values()), book, foreign)
        people_ids = [p.person for p in participants]
        names = {lang: [book.label(i, lang) for i in people_ids] for lang in ("kk", "ru", "en")}
        city = place.city if place else None
        where = seeds.places.get(city or (place.country if place else "") or "")
        record_id = event_id(date.date.value, city, people_ids, kind, taken)
        ordered = [q for s in sentences for q in [s.text] if q in set(quotes)][:_MAX_QUOTES]
        return Event(
            id=record_id,
            kind=kind,
            title=title(kind, names, where.name.model_dump() if where else None),
            date=date.date,
            end_date=date.end_date,
            place=place,
            organizations=orgs
            if part_of is None
            else _margin_organizations(orgs, participants, main_kind, seeds),
            countries=sorted({p.side for p in participants} & countries),
            participants=participants,
            topics=topics if own is None else [t for t, _ in find_ids(own, knowledge.topics)],
            summary=summary(article.id),
            sources=[Source(article=article.id, quotes=ordered or [sentences[0].text])],
            part_of=part_of,
            notes=DRAFT_NOTES,
        )

    main_quotes = [s.text for s in [kind_sentence, place_sentence] if s]
    main_quotes += [m.sentence.text for m in main_mentions[:2]] + (
        [date.quote] if date.quote else []
    )
    main = make(kind, main_mentions, main_quotes, None)
    result_events, additions = [], []
    duplicate = find_duplicate(main, seeds.events.values())
    if duplicate:
        additions.append((duplicate, main.sources[0]))
    else:
        result_events.append(main)
    home = next((p for p in main.participants if p.side == "kazakhstan"), None)
    home_mention = next((m for m in mentions if home and m.person_id == home.person), None)
    if home is None:  # "Лавров на полях СМИД проводит переговоры с … Муратом Нуртлеу"
        home_mention = next(
            (
                m
                for m in mentions
                if m.side == "kazakhstan" and m.sentence.index in sideline_sentences
            ),
            None,
        )
    home = home or (main.participants[0] if main.participants else None)
    home_mention = home_mention or next(
        (m for m in mentions if home and m.person_id == home.person), None
    )
    home_id = home_mention.person_id if home_mention else (home.person if home else None)
    placed = {p.person for p in main.participants}
    for mention in _counterparts(mentions, sideline_sentences, home_id, book):
        people = [m for m in [home_mention, mention] if m]
        own = [sentences[i] for i in windows.get(mention.sentence.index, [mention.sentence.index])]
        bilateral = make(
            "bilateral_meeting", people, [mention.sentence.text], duplicate or main.id, own
        )
        if len(bilateral.participants) < 2 - (home is None):
            continue
        placed.update(p.person for p in bilateral.participants)
        known = find_duplicate(bilateral, seeds.events.values())
        if known:
            additions.append((known, bilateral.sources[0]))
        else:
            result_events.append(bilateral)
    # "Сапар аясында … Сыртқы істер министрі Мұрат Нұртілеумен … кездесулер жоспарланып отыр":
    # a participant named only where meetings on the margins are reported, in none of them,
    # takes part in the main event.
    left = [m for m in mentions if m.sentence.index in sideline_sentences]
    left = [m for m in left if book.person_id(m) not in placed]
    if left and not duplicate:
        again = make(kind, main_mentions + left, main_quotes, None)
        update = {"participants": again.participants, "countries": again.countries}
        result_events[0] = main.model_copy(update=update)
    used = {p.person for e in result_events for p in e.participants}
    drafted = [person for person_id, person in book.drafts.items() if person_id in used]
    notes = list(dict.fromkeys(notes))  # each note once, in order
    return IngestResult(article, text, result_events, additions, drafted, notes)


def _with_short(opening: list[Sentence], sentences: list[Sentence]) -> list[Sentence]:
    """The lede with the short sentences between its own ("Встреча прошла 9 сентября в
    Москве."): where the place of a meeting is said."""
    last = max((s.index for s in opening), default=-1)
    skipped = [s for s in sentences[: last + 1] if s not in opening and not is_stamp(s.text)]
    return sorted([*opening, *skipped], key=lambda s: s.index)


def _office(participant: Participant) -> Role:
    """The office a participant was given (from their title in the text, else the gazetteer's)."""
    return Role(role_key(participant.role), participant.role)


def _sideline_sentences(sentences: list[Sentence], mentions: list[PersonMention]) -> set[int]:
    """Indexes of sentences reporting meetings held on the margins, with the people named."""
    named = {m.sentence.index for m in mentions}
    found: set[int] = set()
    for sentence in sentences:
        if _SIDELINES.search(sentence.text) and _MEETING.search(sentence.text):
            found.add(sentence.index)
            following = sentence.index + 1
            if (
                following < len(sentences)
                and following in named
                and _MEETING.search(sentences[following].text)
            ):
                found.add(following)
    return found


def _counterparts(
    mentions: list[PersonMention], indexes: set[int], home: str | None, book: PeopleBook
) -> list[PersonMention]:
    """The people met on the margins, each once, the article's own side left out."""
    seen: set[str] = set()
    chosen = []
    for mention in mentions:
        if mention.sentence.index not in indexes or (home and mention.person_id == home):
            continue
        key = mention.person_id or slug(mention.name, 80)
        if key in seen or mention.side == "kazakhstan":
            continue
        seen.add(key)
        chosen.append(mention)
    return chosen


def _organizations(opening: list[Sentence], knowledge: Knowledge, seeds) -> list[str]:
    """Organizations named in the lede, with the bodies they belong to."""
    # "…, сообщает МИД РК": the source of the report is not a party to the event.
    cut = [Sentence(_OUTLET_CLAUSE.split(s.text)[0], s.start, s.index) for s in opening]
    found = [org for org, _ in find_ids(cut, knowledge.organizations)]
    for org in list(found):
        parent = seeds.organizations[org].parent
        if parent and parent not in found:
            found.append(parent)
    return found


def _meeting_windows(
    sentences: list[Sentence], mentions: list[PersonMention], sideline: set[int]
) -> dict[int, list[int]]:
    """For each sentence naming people met on the margins, it and the sentences about those
    talks that follow ("Стороны обсудили …"), up to the next sentence naming someone new."""
    named: dict[int, set[str]] = {}
    for mention in mentions:
        named.setdefault(mention.sentence.index, set()).add(mention.person_id or mention.name)
    windows: dict[int, list[int]] = {}
    for start in sorted(sideline & set(named)):
        window = [start]
        for sentence in sentences[start + 1 :]:
            if sentence.index in sideline or (named.get(sentence.index, set()) - named[start]):
                break
            window.append(sentence.index)
        windows[start] = window
    return windows


def _margin_organizations(orgs: list[str], participants: list, main_kind: str, seeds) -> list[str]:
    """A meeting on the margins: the lede's organizations, but not the council or summit it was
    held beside (a body with a parent), and the organizations its participants represent."""
    body_met = main_kind in {"ministerial_council", "summit"}
    found = [org for org in orgs if not (body_met and seeds.organizations[org].parent)]
    for participant in participants:
        org = seeds.organizations.get(participant.side)
        while org is not None and org.id not in found:
            found.append(org.id)
            org = seeds.organizations.get(org.parent) if org.parent else None
    return found
