"""Ingest drafts awaiting an operator's review: storing, listing, correcting, approving, rejecting.

What one ingest run makes of one article is kept in its own folder, `seeds/drafts/<article id>/`,
laid out like the seeds (`article.txt`, `articles.yaml`, `events.yaml`, `people.yaml`,
`sources.yaml`). The seeds loader never reads `drafts/` (bot/records/loading.DRAFTS_DIR), so a
draft is in no database, no search index and no answer to a user until it is approved: keeping
drafts out of the seeds, rather than flagging them inside, means no user-facing path (lists,
cards, inline, digests, calendar) has to remember to filter them.

Each new event and each source added to a known event is reviewed on its own (`DraftItem`).
Approving one writes it into the seeds as a normal record, with the article and the new people it
needs (bot/ingest/writer.py: validated in a copy, comments and layout kept); rejecting drops it; a
folder with nothing left to review is removed. Every change to drafts holds one lock file.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.ingest import IngestResult
from bot.ingest.corrections import DraftError, corrected
from bot.ingest.dedupe import known_article
from bot.ingest.drafts import DRAFT_NOTES, unique
from bot.ingest.drafts import summary as placeholder_summary
from bot.ingest.intake import MIN_LETTERS
from bot.ingest.seedfile import SeedFileError, render_records
from bot.ingest.writer import SeedChange, check_changes, write_changes
from bot.records.loading import DRAFTS_DIR, SeedError
from bot.records.models import LANGS, Article, Event, Person, Record, Slug, Source, Text, all_names
from bot.records.seedset import SeedSet

_LOCK = ".lock"
_TEXT = "article.txt"


class DraftSource(Record):
    """A known event the draft's article is one more source of, with the sentences quoted."""

    event: Slug
    article: Slug
    quotes: list[Text]


@dataclass(frozen=True)
class Draft:
    """One article's drafts: the article and its text, new events, new people, added sources."""

    folder: Path
    article: Article
    text: str
    events: tuple[Event, ...] = ()
    people: tuple[Person, ...] = ()
    sources: tuple[DraftSource, ...] = ()

    def items(self) -> list[DraftItem]:
        """What is reviewed one at a time: each new event, then each added source."""
        found = [DraftItem(e.id, self, event=e) for e in self.events]
        found += [DraftItem(source_item_id(s), self, source=s) for s in self.sources]
        return found


@dataclass(frozen=True)
class DraftItem:
    """A new event record, or one more source of a known event, awaiting review."""

    id: str
    draft: Draft
    event: Event | None = None
    source: DraftSource | None = None

    @property
    def quotes(self) -> list[str]:
        if self.event is not None:
            return list(self.event.sources[0].quotes)
        return list(self.source.quotes) if self.source else []

    def placeholder_languages(self) -> list[str]:
        """The languages whose summary is still the ingest placeholder (approval waits)."""
        if self.event is None:
            return []
        holder = placeholder_summary(self.draft.article.id)
        return [lang for lang in LANGS if self.event.summary.get(lang) == holder.get(lang)]

    def person(self, person_id: str, seeds: SeedSet) -> Person | None:
        """A participant's person: a known one, or the draft's new one."""
        known = seeds.people.get(person_id)
        return known or next((p for p in self.draft.people if p.id == person_id), None)


@dataclass(frozen=True)
class Stored:
    """What `store` did with one ingest result."""

    article: str
    items: list[str] = field(default_factory=list)
    pending: str | None = None  # the draft already awaiting review with this same text


def source_item_id(source: DraftSource) -> str:
    """The review id of an added source: the known event and the article, joined by '+'."""
    return f"{source.event}+{source.article}"


def drafts_dir(seeds_dir: Path) -> Path:
    return Path(seeds_dir) / DRAFTS_DIR


@contextmanager
def _locked(seeds_dir: Path) -> Iterator[None]:
    """Hold the drafts lock (the bot and the command line may review at the same time)."""
    folder = drafts_dir(seeds_dir)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / _LOCK, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _read_list(path: Path) -> list[Any]:
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if not isinstance(data, list):
        raise ValueError(f"{path.name} is not a list")
    return data


def _read_draft(folder: Path) -> Draft:
    [article] = [Article.model_validate(a) for a in _read_list(folder / "articles.yaml")]
    return Draft(
        folder,
        article,
        (folder / _TEXT).read_text(encoding="utf-8"),
        tuple(Event.model_validate(e) for e in _read_list(folder / "events.yaml")),
        tuple(Person.model_validate(p) for p in _read_list(folder / "people.yaml")),
        tuple(DraftSource.model_validate(s) for s in _read_list(folder / "sources.yaml")),
    )


def load_drafts(seeds_dir: Path) -> tuple[list[Draft], list[str]]:
    """Every draft awaiting review (by article id), and the folders that could not be read."""
    folder = drafts_dir(seeds_dir)
    drafts, problems = [], []
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        if not path.is_dir() or path.name.startswith("."):
            continue
        try:
            drafts.append(_read_draft(path))
        except (OSError, ValueError, ValidationError) as exc:
            first = str(exc).splitlines()[0]
            problems.append(f"{DRAFTS_DIR}/{path.name}: {first}")
    return drafts, problems


def pending_items(seeds_dir: Path, words: str = "") -> list[DraftItem]:
    """The items awaiting review, in order; with `words`, those whose text holds them all."""
    items = [item for draft in load_drafts(seeds_dir)[0] for item in draft.items()]
    wanted = words.casefold().split()
    return [item for item in items if all(w in _haystack(item) for w in wanted)]


def _haystack(item: DraftItem) -> str:
    parts = [item.id, item.draft.text, *item.quotes]
    if item.event is not None:
        parts += item.event.title.values()
    for person in item.draft.people:
        parts += all_names(person)
    return "\n".join(parts).casefold()


def find_item(seeds_dir: Path, item_id: str) -> DraftItem:
    """The item `item_id`, or DraftError('unknown')."""
    for item in pending_items(seeds_dir):
        if item.id == item_id:
            return item
    raise DraftError(
        "unknown", f"no draft {item_id} is awaiting review (python -m bot review)", id=item_id
    )


# -- writing drafts -----------------------------------------------------------------------------


def _write_draft(draft: Draft) -> None:
    """Write the draft's files (each through a temporary name), or remove the folder when it
    holds nothing left to review."""
    if not draft.items():
        shutil.rmtree(draft.folder, ignore_errors=True)
        return
    draft.folder.mkdir(parents=True, exist_ok=True)
    files = {
        _TEXT: draft.text,
        "articles.yaml": render_records([draft.article]),
        "events.yaml": render_records(list(draft.events)),
        "people.yaml": render_records(list(draft.people)),
        "sources.yaml": render_records(list(draft.sources)),
    }
    for name, text in files.items():
        temporary = draft.folder / f".{name}.tmp"
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(draft.folder / name)


def _renamed(result: IngestResult, drafts: list[Draft], seeds: SeedSet) -> IngestResult:
    """The result with ids and the article file no other draft (or the seeds) already uses."""
    taken_events = set(seeds.events) | {e.id for d in drafts for e in d.events}
    taken_articles = set(seeds.articles) | {d.article.id for d in drafts}
    taken_files = {a.file for a in seeds.articles.values()} | {d.article.file for d in drafts}
    article = result.article
    if article.id in taken_articles:
        article = article.model_copy(update={"id": unique(article.id, taken_articles)})
    if article.file in taken_files:
        stem, dot, suffix = article.file.rpartition(".")
        renamed = unique(stem, {f.rpartition(".")[0] for f in taken_files})
        article = article.model_copy(update={"file": f"{renamed}{dot}{suffix}"})
    ids = {
        e.id: unique(e.id, taken_events) if e.id in taken_events else e.id for e in result.events
    }

    def moved(event: Event) -> Event:
        sources = [s.model_copy(update={"article": article.id}) for s in event.sources]
        part_of = ids.get(event.part_of, event.part_of) if event.part_of else None
        return event.model_copy(
            update={"id": ids[event.id], "sources": sources, "part_of": part_of}
        )

    events = [moved(e) for e in result.events]
    additions = [(i, s.model_copy(update={"article": article.id})) for i, s in result.additions]
    return replace(result, article=article, events=events, additions=additions)


def _change(draft: Draft, items: list[DraftItem], seeds: SeedSet, today: dt.date) -> SeedChange:
    """What approving `items` of `draft` adds to the seeds (on `today`)."""
    reviewed = f"From ingest of {draft.article.id}; reviewed {today.isoformat()}."
    events = tuple(
        i.event.model_copy(update={"notes": reviewed}) if i.event.notes == DRAFT_NOTES else i.event
        for i in items
        if i.event is not None
    )
    used = {p.person for e in events for p in e.participants}
    people = tuple(
        p.model_copy(update={"draft": False})
        for p in draft.people
        if p.id in used and p.id not in seeds.people
    )
    additions = tuple(
        (i.source.event, Source(article=i.source.article, quotes=i.source.quotes))
        for i in items
        if i.source is not None
    )
    new_article = draft.article.id not in seeds.articles
    return SeedChange(draft.article if new_article else None, draft.text, events, people, additions)


def store(results: list[IngestResult], seeds_dir: Path, seeds: SeedSet) -> list[Stored]:
    """Keep each result's drafts for review (validated first, as if all were approved).

    An article whose text is already awaiting review is not stored twice (`Stored.pending`).
    Raises SeedError, SeedFileError or FileExistsError when the drafts would not validate;
    then nothing is stored.
    """
    seeds_dir = Path(seeds_dir)
    if not results:
        return []
    with _locked(seeds_dir):
        drafts = load_drafts(seeds_dir)[0]
        stored: list[Stored] = []
        new: list[Draft] = []
        for result in results:
            texts = {d.article.id: d.text for d in [*drafts, *new]}
            pending = known_article(result.text, texts, least=MIN_LETTERS)
            if pending:
                stored.append(Stored(result.article.id, pending=pending))
                continue
            result = _renamed(result, [*drafts, *new], seeds)
            sources = tuple(
                DraftSource(event=event_id, article=s.article, quotes=s.quotes)
                for event_id, s in result.additions
            )
            draft = Draft(
                drafts_dir(seeds_dir) / result.article.id,
                result.article,
                result.text,
                tuple(result.events),
                tuple(result.people),
                sources,
            )
            if draft.items():
                new.append(draft)
                stored.append(Stored(draft.article.id, [i.id for i in draft.items()]))
        today = dt.date.today()
        changes = [_change(d, d.items(), seeds, today) for d in new]
        if changes:
            check_changes(changes, seeds_dir, approved_events_file(today))
        for draft in new:
            _write_draft(draft)
        return stored


def approved_events_file(today: dt.date) -> str:
    """Where approved records go: one events file per month of approval."""
    return f"events/ingested-{today:%Y-%m}.yaml"


# -- review steps ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Approved:
    item: DraftItem
    written: list[Path]


def approve(seeds_dir: Path, item_id: str, seeds: SeedSet, today: dt.date) -> Approved:
    """Write the item into the seeds as a normal record and drop it from the drafts.

    Raises DraftError: unknown item, a summary still the placeholder, part of an event still
    awaiting review, or the seeds would not validate (then nothing is written).
    """
    seeds_dir = Path(seeds_dir)
    with _locked(seeds_dir):
        item = find_item(seeds_dir, item_id)
        if languages := item.placeholder_languages():
            raise DraftError(
                "summary",
                f"{item_id}: write the summary first (still the draft's placeholder in "
                f"{', '.join(languages)}): python -m bot review --edit {item_id} 'summary: …'",
                id=item_id,
                languages=", ".join(languages),
            )
        parent = item.event.part_of if item.event else None
        if parent and any(e.id == parent for e in item.draft.events):
            raise DraftError(
                "part_of",
                f"{item_id} was held on the margins of {parent}, which awaits review: "
                f"approve or reject {parent} first",
                id=item_id,
                parent=parent,
            )
        change = _change(item.draft, [item], seeds, today)
        try:
            written = write_changes([change], seeds_dir, approved_events_file(today))
        except SeedError as exc:
            problems = "; ".join(str(p) for p in exc.problems[:3])
            raise DraftError(
                "invalid", f"{item_id}: {problems}", id=item_id, problem=problems
            ) from None
        except (SeedFileError, FileExistsError) as exc:
            raise DraftError("invalid", f"{item_id}: {exc}", id=item_id, problem=str(exc)) from None
        _write_draft(_without(item))
        return Approved(item, written)


def reject(seeds_dir: Path, item_id: str) -> DraftItem:
    """Drop the item from the drafts (events held on its margins stand on their own)."""
    with _locked(Path(seeds_dir)):
        item = find_item(seeds_dir, item_id)
        _write_draft(_without(item))
        return item


def _without(item: DraftItem) -> Draft:
    draft = item.draft
    events = tuple(
        e.model_copy(update={"part_of": None}) if e.part_of == item.id else e
        for e in draft.events
        if e.id != item.id
    )
    sources = tuple(s for s in draft.sources if source_item_id(s) != item.id)
    return replace(draft, events=events, sources=sources)


def correct(seeds_dir: Path, item_id: str, text: str, seeds: SeedSet) -> DraftItem:
    """Apply an operator's `field: value` corrections (bot/ingest/corrections.py) to an event
    draft and store it; return it corrected. Raises DraftError; then nothing is changed."""
    with _locked(Path(seeds_dir)):
        item = find_item(seeds_dir, item_id)
        if item.event is None:
            raise DraftError("not_event", f"{item_id} adds a source; it has no fields to correct")
        event = corrected(item.event, text, lambda person: item.person(person, seeds), seeds)
        draft = item.draft
        events = tuple(event if e.id == item.id else e for e in draft.events)
        used = {p.person for e in events for p in e.participants}
        people = tuple(p for p in draft.people if p.id in used)
        changed = replace(draft, events=events, people=people)
        _write_draft(changed)
        return DraftItem(item.id, changed, event=event)
