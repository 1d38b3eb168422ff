"""The validated records of one seeds folder, as the rest of the bot sees them.

Its own module so that loading (`bot.records.loading`) and the cross-file checks
(`bot.records.references`) can both name it without importing each other.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from bot.records.models import (
    SEED_FILES,
    Anniversary,
    Article,
    Event,
    FutureEvent,
    Organization,
    Person,
    PlaceEntry,
    Topic,
)

# SeedSet attribute for each gazetteer file (a view of models.SEED_FILES).
ATTRIBUTES: dict[str, str] = {f.file: f.attribute for f in SEED_FILES}


@dataclass(frozen=True)
class SeedSet:
    """Every validated record of a seeds folder, keyed by id, and the articles' texts.

    `events`, `articles` and `article_texts` are plain dicts when loaded from YAML; read back
    from the database they are lazy mappings (`bot.records.lazy`) that decode a record when
    asked for it.
    """

    articles: Mapping[str, Article] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    organizations: dict[str, Organization] = field(default_factory=dict)
    places: dict[str, PlaceEntry] = field(default_factory=dict)
    topics: dict[str, Topic] = field(default_factory=dict)
    anniversaries: dict[str, Anniversary] = field(default_factory=dict)
    future_events: dict[str, FutureEvent] = field(default_factory=dict)
    events: Mapping[str, Event] = field(default_factory=dict)
    article_texts: Mapping[str, str] = field(default_factory=dict)
    fingerprint: str = ""
    # Loaded from a folder: each file's (stat signature, sha256), and the event ids of each
    # events file, so the next sync re-reads only the files that changed.
    files: Mapping[str, tuple[str, str]] = field(default_factory=dict, compare=False)
    event_files: Mapping[str, tuple[str, ...]] = field(default_factory=dict, compare=False)
    # ... and the digest of each of those events' source text (bot.records.sources), in the
    # same order, for the files that can be cut into records.
    record_digests: Mapping[str, tuple[str, ...]] = field(default_factory=dict, compare=False)

    def counts(self) -> dict[str, int]:
        """How many records of each kind the set holds."""
        kinds = ("events", *ATTRIBUTES.values())
        return {kind: len(getattr(self, kind)) for kind in kinds}

    def topic_tree(self, roots: Iterable[str]) -> frozenset[str]:
        """The topics `roots` and every topic narrower than them (see `topic_tree`)."""
        return topic_tree(self.topics, roots)


def topic_tree(topics: Mapping[str, Topic], roots: Iterable[str]) -> frozenset[str]:
    """The topics `roots` and every topic narrower than them in the taxonomy: a filter on
    'security' keeps the records filed under its sub-topics."""
    children: dict[str, list[str]] = {}
    for tid, topic in topics.items():
        if topic.parent:
            children.setdefault(topic.parent, []).append(tid)
    found = set(roots)
    stack = list(found)
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in found:
                found.add(child)
                stack.append(child)
    return frozenset(found)
