"""A generator of realistic synthetic seed data at any scale, deterministic from a seed.

`generate_seedset(events=100_000, seed=1)` returns a `bot.records.loading.SeedSet` built directly
from the record models (fast: no YAML), reusing the real gazetteers in seeds/ (topics, places,
organizations, people) and adding synthetic people, articles and events. `write_seeds_folder` writes
the same data as a seeds folder the loader accepts; `sync_into_database` stores it in SQLite the way
`python -m bot load` does; `insert_subscriptions` adds chats subscribed to digests.

    python bench/generate.py --events 10000 --out /tmp/seeds10k --db /tmp/bench.sqlite3

Long because: the synthetic data set is one deterministic generator (names, places, events, seeds
folder, database rows) drawing on one random stream.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hashlib
import json
import random
import re
import sqlite3
import sys
from pathlib import Path

import yaml

if __package__ in (None, ""):  # run as a script: make `bench` and `bot` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.gazetteer import extra_countries_and_cities, extra_organizations, fallback_topics
from bench.names import Name, random_name
from bot.records.models import (
    LANGS,
    Article,
    Event,
    EventDate,
    FutureEvent,
    Localized,
    Organization,
    Participant,
    Person,
    PlaceEntry,
    Record,
    Topic,
)
from bot.settings import PROJECT_ROOT
from bot.storage.base import to_timestamp

GENERATOR_VERSION = "bench-gen-1"
REAL_SEEDS = PROJECT_ROOT / "seeds"
HOME_COUNTRY = "kazakhstan"
KINDS = (
    ("bilateral_meeting", 50),
    ("multilateral_meeting", 18),
    ("phone_call", 10),
    ("visit", 8),
    ("ministerial_council", 4),
    ("summit", 3),
    ("statement", 4),
    ("announcement", 3),
)
ROLES = {
    "minister": Localized(
        kk="Сыртқы істер министрі", ru="министр иностранных дел", en="Minister of Foreign Affairs"
    ),
    "deputy": Localized(
        kk="Сыртқы істер министрінің орынбасары",
        ru="заместитель министра иностранных дел",
        en="Deputy Minister of Foreign Affairs",
    ),
    "ambassador": Localized(kk="Елші", ru="посол", en="Ambassador"),
    "envoy": Localized(kk="Арнайы өкіл", ru="специальный представитель", en="Special Envoy"),
    "secretary_general": Localized(
        kk="Бас хатшы", ru="генеральный секретарь", en="Secretary General"
    ),
}
FOREIGN_ROLES = ("minister", "deputy", "ambassador", "envoy")
TITLE_TEMPLATES = {
    "bilateral_meeting": {
        "en": "{a} met {b} in {city}",
        "ru": "{a} провёл встречу с {b} в городе {city}",
        "kk": "{a} {city} қаласында {b} кездесті",
    },
    "multilateral_meeting": {
        "en": "{a} took part in a meeting of {org} in {city}",
        "ru": "{a} принял участие во встрече {org} в городе {city}",
        "kk": "{a} {city} қаласында {org} кездесуіне қатысты",
    },
    "phone_call": {
        "en": "Phone call between {a} and {b}",
        "ru": "Телефонный разговор: {a} и {b}",
        "kk": "{a} мен {b} телефон арқылы сөйлесті",
    },
    "visit": {
        "en": "{a} visited {city}",
        "ru": "Визит: {a} посетил город {city}",
        "kk": "{a} {city} қаласына сапармен барды",
    },
    "ministerial_council": {
        "en": "{org} ministerial council in {city}",
        "ru": "Совет министров {org} в городе {city}",
        "kk": "{city} қаласында {org} министрлер кеңесі өтті",
    },
    "summit": {
        "en": "{org} summit in {city}",
        "ru": "Саммит {org} в городе {city}",
        "kk": "{city} қаласында {org} саммиті өтті",
    },
    "statement": {
        "en": "Statement by {a} on {topic}",
        "ru": "Заявление: {a} о теме «{topic}»",
        "kk": "{a} «{topic}» тақырыбында мәлімдеме жасады",
    },
    "announcement": {
        "en": "{a} announced a meeting of {org} in {city}",
        "ru": "{a} объявил о встрече {org} в городе {city}",
        "kk": "{a} {city} қаласында {org} кездесуі өтетінін хабарлады",
    },
}
SUMMARY_TEMPLATES = {
    "en": "The sides discussed {topics}. {extra}",
    "ru": "Стороны обсудили темы: {topics}. {extra}",
    "kk": "Тараптар {topics} мәселелерін талқылады. {extra}",
}
EXTRA_SENTENCES = {
    "en": (
        "They agreed to keep in close contact.",
        "Particular attention was paid to regional security and connectivity.",
        "The parties noted the importance of the Helsinki Final Act principles.",
        "An exchange of views on the agenda of the next meeting took place.",
        "The minister thanked his counterpart for the warm welcome.",
    ),
    "ru": (
        "Стороны договорились поддерживать тесный контакт.",
        "Особое внимание уделено региональной безопасности и транспортной связанности.",
        "Отмечена важность принципов Хельсинкского заключительного акта.",
        "Состоялся обмен мнениями о повестке следующей встречи.",
        "Министр поблагодарил коллегу за тёплый приём.",
    ),
    "kk": (
        "Тараптар тығыз байланыс орнатуға келісті.",
        "Өңірлік қауіпсіздік пен көлік байланысына ерекше назар аударылды.",
        "Хельсинки қорытынды актісі қағидаттарының маңызы атап өтілді.",
        "Келесі кездесудің күн тәртібі бойынша пікір алмасу өтті.",
        "Министр әріптесіне жылы қабылдағаны үшін алғыс айтты.",
    ),
}
OUTLETS = ("BAQ.KZ", "Kazinform", "El.kz", "Kazpravda", "Tengrinews", None)


def scale_sizes(events: int) -> dict[str, int]:
    """How many synthetic people and articles go with a number of events."""
    return {
        "people": max(60, min(6000, events // 15)),
        "articles": max(1, (events + 1) // 2),  # an article reports two events on average
    }


def _read_real(name: str, model: type[Record]) -> dict[str, Record]:
    """The valid records of one real gazetteer file, keyed by id (empty when absent)."""
    path = REAL_SEEDS / name
    if not path.exists():
        return {}
    records = {}
    for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
        try:
            record = model.model_validate(item)
        except ValueError:
            continue
        records[record.id] = record  # type: ignore[attr-defined]
    return records


def real_gazetteers() -> dict[str, dict[str, Record]]:
    """Topics, places and organizations from seeds/, completed with synthetic extras."""
    topics = _read_real("topics.yaml", Topic) or fallback_topics()
    places = _read_real("places.yaml", PlaceEntry)
    for place in extra_countries_and_cities():
        places.setdefault(place.id, place)
    organizations = _read_real("organizations.yaml", Organization)
    for organization in extra_organizations():
        organizations.setdefault(organization.id, organization)
    return {"topics": topics, "places": places, "organizations": organizations}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


class _Builder:
    """Holds the random generator and the gazetteers while one data set is generated."""

    def __init__(self, events: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.count = events
        self.seed = seed
        gazetteers = real_gazetteers()
        self.topics: dict[str, Topic] = gazetteers["topics"]  # type: ignore[assignment]
        self.places: dict[str, PlaceEntry] = gazetteers["places"]  # type: ignore[assignment]
        self.organizations: dict[str, Organization] = gazetteers["organizations"]  # type: ignore[assignment]
        self.cities = [place for place in self.places.values() if place.kind == "city"]
        self.countries = [place.id for place in self.places.values() if place.kind == "country"]
        self.people: dict[str, Person] = {}
        self.kazakh_people: list[str] = []
        self.foreign_people: list[str] = []
        self.names: dict[str, Name] = {}

    def build_people(self, count: int) -> None:
        """Synthetic people: Kazakh diplomats and their foreign counterparts."""
        rng = self.rng
        while len(self.people) < count:
            name = random_name(rng)
            base = _slug(name.en)
            person_id = base if base not in self.people else f"{base}-{len(self.people)}"
            if name.origin == "kazakh":
                country = HOME_COUNTRY
                role = rng.choice(FOREIGN_ROLES)
            else:
                country = rng.choice([c for c in self.countries if c != HOME_COUNTRY])
                role = rng.choice((*FOREIGN_ROLES, "secretary_general"))
            aliases = {"en": [name.surname_en], "ru": [], "kk": []}
            self.people[person_id] = Person(
                id=person_id,
                name=Localized(kk=name.kk, ru=name.ru, en=name.en),
                aliases=aliases,
                country=country if country in self.places else None,
                roles=[ROLES[role]],
            )
            self.names[person_id] = name
            bucket = self.kazakh_people if name.origin == "kazakh" else self.foreign_people
            bucket.append(person_id)

    def _date(self) -> EventDate:
        rng = self.rng
        day = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(11 * 365))
        roll = rng.random()
        if roll < 0.9:
            return EventDate(value=day.isoformat(), precision="day", basis="stated")
        if roll < 0.96:
            return EventDate(
                value=day.isoformat(),
                precision="day",
                basis="inferred",
                reason="The article gives day and month; the year is that of publication.",
            )
        if roll < 0.99:
            return EventDate(value=day.isoformat()[:7], precision="month", basis="stated")
        return EventDate(precision="unknown", basis="unknown")

    def build_event(self, index: int) -> tuple[dict, dict[str, str]]:
        """One event's fields and the text it contributes to its article, in each language."""
        rng = self.rng
        kind = rng.choices([k for k, _ in KINDS], weights=[w for _, w in KINDS])[0]
        city = rng.choice(self.cities)
        org_id = rng.choice(list(self.organizations))
        organization = self.organizations[org_id]
        host = rng.choice(self.kazakh_people)
        guests = rng.sample(self.foreign_people, k=1 if kind != "multilateral_meeting" else 3)
        topic_ids = rng.sample(list(self.topics), k=min(len(self.topics), rng.randint(1, 3)))
        participants = [
            Participant(
                person=person_id,
                role=self.people[person_id].roles[0],
                side=self.people[person_id].country or HOME_COUNTRY,
            )
            for person_id in [host, *guests]
        ]
        titles, summaries = {}, {}
        for lang in LANGS:
            org_name = (organization.abbr or organization.name).get(lang)
            titles[lang] = TITLE_TEMPLATES[kind][lang].format(
                a=self.people[host].name.get(lang),
                b=self.people[guests[0]].name.get(lang),
                city=city.name.get(lang),
                org=org_name,
                topic=self.topics[topic_ids[0]].name.get(lang),
            )
            topic_names = ", ".join(self.topics[t].name.get(lang) for t in topic_ids)
            extra = EXTRA_SENTENCES[lang][rng.randrange(len(EXTRA_SENTENCES[lang]))]
            summaries[lang] = SUMMARY_TEMPLATES[lang].format(topics=topic_names, extra=extra)
        fields = dict(
            id=f"bench-{index:06d}",
            kind=kind,
            title=Localized(**titles),
            date=self._date(),
            end_date=None,
            place={"city": city.id, "country": city.country},
            organizations=[org_id],
            countries=sorted({p.side for p in participants if p.side in self.places}),
            participants=participants,
            topics=topic_ids,
            summary=Localized(**summaries),
            sources=[],  # filled in by `flush_article` with the article it is written into
            anniversaries=[],
            announces=[],
            part_of=None,
            notes=None,
        )
        return fields, {lang: f"{titles[lang]}. {summaries[lang]}" for lang in LANGS}


def generate_seedset(events: int, seed: int = 1, validate: bool = False):
    """A `SeedSet` with `events` synthetic events, deterministic from `seed`.

    Records are built with the real models; `validate=True` runs full pydantic validation on
    every event (slow at 100k; the tests use it at small scale).
    """
    from bot.records.seedset import SeedSet

    sizes = scale_sizes(events)
    builder = _Builder(events, seed)
    builder.build_people(sizes["people"])
    rng = builder.rng
    articles: dict[str, Article] = {}
    texts: dict[str, str] = {}
    generated: dict[str, Event] = {}
    pending: list[tuple[dict, dict[str, str]]] = []

    def flush_article() -> None:
        article_index = len(articles)
        lang = rng.choice(LANGS)
        article_id = f"bench-article-{article_index:06d}"
        published = next((e["date"] for e, _ in pending if e["date"].value), None)
        published = published or EventDate(precision="unknown", basis="unknown")
        articles[article_id] = Article(
            id=article_id,
            file=f"articles/{article_id}.txt",
            outlet=rng.choice(OUTLETS),
            language=lang,
            published=published,
            title=None,
        )
        texts[article_id] = "\n".join(sentences[lang] for _, sentences in pending) + "\n"
        for fields, sentences in pending:
            quote = sentences[lang].split(". ")[0] + "."
            data = dict(fields)
            data["sources"] = [{"article": article_id, "quotes": [quote]}]
            record = Event.model_validate(data) if validate else _construct_event(data)
            generated[record.id] = record
        pending.clear()

    for index in range(events):
        pending.append(builder.build_event(index))
        if len(pending) >= 2 or index == events - 1:
            flush_article()

    people = {**_read_real("people.yaml", Person), **builder.people}
    future = _future_events(builder, generated, articles, texts)
    fingerprint = hashlib.sha256(f"{GENERATOR_VERSION}:{events}:{seed}".encode()).hexdigest()
    return SeedSet(
        articles=articles,
        people=people,  # type: ignore[arg-type]
        organizations=builder.organizations,
        places=builder.places,
        topics=builder.topics,
        anniversaries=_read_real("anniversaries.yaml", _anniversary_model()),  # type: ignore[arg-type]
        future_events=future,
        events=generated,
        article_texts=texts,
        fingerprint=fingerprint,
    )


def _anniversary_model() -> type[Record]:
    from bot.records.models import Anniversary

    return Anniversary


def _construct_event(data: dict) -> Event:
    """An Event from trusted generated parts, without re-validating every field."""
    from bot.records.models import Place, Source

    data["place"] = Place.model_construct(**data["place"])
    data["sources"] = [Source.model_construct(**source) for source in data["sources"]]
    return Event.model_construct(**data)


def _future_events(builder: _Builder, events, articles, texts) -> dict[str, FutureEvent]:
    """A few announced future meetings, quoted from existing articles."""
    future = {}
    for article_id in list(articles)[:: max(1, len(articles) // 5 or 1)][:5]:
        quote = texts[article_id].split("\n")[0].split(". ")[0] + "."
        future_id = f"bench-future-{len(future)}"
        city = builder.rng.choice(builder.cities)
        future[future_id] = FutureEvent(
            id=future_id,
            title=Localized(kk="Алдағы кездесу", ru="Предстоящая встреча", en="Upcoming meeting"),
            date=EventDate(value="2026-04", precision="month", basis="stated"),
            place={"city": city.id, "country": city.country},
            sources=[{"article": article_id, "quotes": [quote]}],
        )
    return future


# --- writing -------------------------------------------------------------------------------


def _plain(record: Record) -> dict:
    return record.model_dump(mode="json", exclude_defaults=True)


def _dump(items: list[dict], path: Path, style: str) -> None:
    """Write a list of records as block YAML, or as JSON (which YAML parsers read, much faster)."""
    if style == "json":
        text = "[\n" + ",\n".join(json.dumps(item, ensure_ascii=False) for item in items) + "\n]\n"
    else:
        dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
        text = yaml.dump(items, Dumper=dumper, allow_unicode=True, sort_keys=False, width=1000)
    path.write_text(text, encoding="utf-8")


EVENTS_PER_FILE = 5000


def write_seeds_folder(
    seedset, folder: Path, style: str = "yaml", events_per_file: int = EVENTS_PER_FILE
) -> None:
    """Write `seedset` as a seeds folder that `load_seeds` reads back unchanged.

    `style="json"` writes each file as one JSON list (valid YAML): dumping 100,000 events as
    block YAML takes minutes, as JSON a few seconds.
    """
    from bot.records.seedset import ATTRIBUTES

    folder = Path(folder)
    (folder / "events").mkdir(parents=True, exist_ok=True)
    (folder / "articles").mkdir(exist_ok=True)
    for file_name, attribute in ATTRIBUTES.items():
        records = getattr(seedset, attribute).values()
        _dump([_plain(record) for record in records], folder / file_name, style)
    for article_id, article in seedset.articles.items():
        path = folder / article.file
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(seedset.article_texts[article_id], encoding="utf-8")
    events = list(seedset.events.values())
    for start in range(0, len(events), events_per_file):
        chunk = [_plain(event) for event in events[start : start + events_per_file]]
        _dump(chunk, folder / "events" / f"bench-{start // events_per_file:04d}.yaml", style)


async def sync_into_database(seedset, db_path: Path, folder: Path | None = None):
    """Store `seedset` in the SQLite file at `db_path` through the bot's seed store.

    With `folder` (written by `write_seeds_folder`), the stored fingerprint is the folder's, so
    `ensure_seeds(folder)` later finds the seeds unchanged and reads from the database.
    """
    from dataclasses import replace

    from bot.records.loading import file_hashes, fingerprint_of, record_digests
    from bot.storage.sqlite import open_sqlite

    if folder is not None:  # each file's hash and events, as `load_seeds` would give them
        hashes = file_hashes(folder)
        ids = list(seedset.events)
        event_files = {
            f"events/bench-{start // EVENTS_PER_FILE:04d}.yaml": tuple(
                ids[start : start + EVENTS_PER_FILE]
            )
            for start in range(0, len(ids), EVENTS_PER_FILE)
        }
        digests = {name: record_digests(folder / name) for name in event_files}
        seedset = replace(
            seedset,
            fingerprint=fingerprint_of(hashes),
            files=hashes,
            event_files=event_files,
            record_digests={name: found for name, found in digests.items() if found},
        )
    repos = await open_sqlite(Path(db_path))
    try:
        return await repos.seedstore.sync_seeds(seedset)
    finally:
        await repos.close()


def fill_record_digests(db_path: Path, folder: Path) -> int:
    """Store the record digests of the events files of a data set cached before they were
    stored (SQLite migration 5), as a sync would have; returns how many files got them."""
    from bot.records.loading import record_digests

    missing = "SELECT path FROM seed_files WHERE event_ids IS NOT NULL AND record_digests IS NULL"
    with sqlite3.connect(db_path) as connection:
        paths = [row[0] for row in connection.execute(missing)]
        filled = [(json.dumps(list(found)), path) for path in paths
                  if (found := record_digests(folder / path))]  # fmt: skip
        connection.executemany("UPDATE seed_files SET record_digests = ? WHERE path = ?", filled)
    return len(filled)


def _iso(moment: dt.datetime) -> str:
    return moment.replace(microsecond=0).isoformat()


def insert_subscriptions(db_path: Path, chats: int, topics: list[str], seed: int = 1) -> None:
    """Add `chats` chats, each subscribed to the daily digest for a month, to the database.

    Each chat got its last digest a day ago; the events were loaded two months ago, except a
    few edited since (the digest's "new" section), as on a bot that has been running a while.
    """
    rng = random.Random(seed)
    now = dt.datetime.now(dt.UTC)
    created, last_digest = _iso(now - dt.timedelta(days=30)), _iso(now - dt.timedelta(days=1))
    zones = ("Asia/Almaty",) * 6 + ("Europe/Vienna", "Europe/Moscow", "Asia/Tashkent", "UTC")
    chat_rows, subscription_rows = [], []
    for number in range(chats):
        chat_id = -1_000_000_000_000 - number if number % 3 else 10_000_000 + number
        chat_type = "private" if chat_id > 0 else rng.choice(("group", "supergroup", "channel"))
        language = rng.choice(LANGS)
        zone = rng.choice(zones)
        chosen = rng.sample(topics, k=rng.choice((0, 0, 1, 2, 3))) if topics else []
        send_time = f"{rng.choice((7, 8, 8, 9, 10)):02d}:{rng.choice((0, 0, 30)):02d}"
        chat_rows.append((chat_id, chat_type, f"Bench chat {number}", language, zone, created))
        topics_json = json.dumps(chosen)
        row = (chat_id, "daily", send_time, zone, language, topics_json, created, created)
        subscription_rows.append((*row, last_digest))
    with sqlite3.connect(db_path) as db:
        db.executemany(
            "INSERT OR REPLACE INTO chats (chat_id, type, title, language, timezone, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            chat_rows,
        )
        db.executemany(
            "INSERT OR REPLACE INTO subscriptions (chat_id, kind, send_time, timezone, language,"
            " topics, created_at, updated_at, last_digest_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            subscription_rows,
        )
        loaded = to_timestamp(now - dt.timedelta(days=60))  # events use the storage's format
        edited = to_timestamp(now - dt.timedelta(hours=3))
        db.execute("UPDATE events SET first_seen = ?, updated_at = ?", (loaded, loaded))
        ids = [row[0] for row in db.execute("SELECT id FROM events ORDER BY id")]
        fresh = [(edited, event_id) for event_id in rng.sample(ids, k=min(len(ids), 20))]
        db.executemany("UPDATE events SET updated_at = ? WHERE id = ?", fresh)


def main(argv: list[str] | None = None) -> int:
    """Generate a data set and write it as a seeds folder and/or a database."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, help="write a seeds folder here")
    parser.add_argument("--db", type=Path, help="sync into this SQLite file")
    parser.add_argument("--chats", type=int, default=0, help="subscribed chats to add to --db")
    parser.add_argument("--style", choices=("yaml", "json"), default="yaml", help="file format")
    args = parser.parse_args(argv)
    seedset = generate_seedset(args.events, args.seed)
    print({kind: count for kind, count in seedset.counts().items() if count})
    if args.out:
        write_seeds_folder(seedset, args.out, args.style)
        print(f"seeds folder: {args.out}")
    if args.db:
        print(asyncio.run(sync_into_database(seedset, args.db, args.out)))
        if args.chats:
            insert_subscriptions(args.db, args.chats, list(seedset.topics), args.seed)
        print(f"database: {args.db}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
