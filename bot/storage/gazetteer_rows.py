"""The gazetteer rows and article texts a sync writes, found by comparing a seed set with the
stored ones; the same for both backends.

Each gazetteer record is stored as its model's JSON (`gazetteer`: kind, id, data) and each
article's text in `article_texts`. `compare_gazetteers` is the comparison alone (no database),
so a caller runs it where it costs least: a full read of a folder does it in its worker thread
while the later events files are still being read (at 100,000 events: 50,000 article records
dumped and 50,000 texts compared, ~0.9 s that no longer follows the read).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

from bot.records.loading import paused_gc
from bot.records.models import SEED_FILES, Record
from bot.records.seedset import SeedSet

COUNTS = ("added", "changed", "removed", "unchanged")

# gazetteer.kind -> (SeedSet attribute, model): a view of records.models.SEED_FILES
GAZETTEER_KINDS: dict[str, tuple[str, type[Record]]] = {
    f.kind: (f.attribute, f.model) for f in SEED_FILES
}


class GazetteerChanges(NamedTuple):
    """What a sync writes into `gazetteer` and `article_texts`, with its counts per kind."""

    counts: dict[str, dict[str, int]]  # kind -> COUNTS
    writes: list[tuple[str, str, str]]  # (kind, id, JSON) to insert or update
    removed: list[tuple[str, str]]  # (kind, id) to delete
    texts: list[tuple[str, str]]  # (article id, text) to insert or update
    texts_removed: list[str]  # article ids whose text goes


def compare_gazetteers(
    seedset: SeedSet,
    stored_rows: Iterable[tuple[str, str, str]],
    stored_texts: Mapping[str, bytes],
) -> GazetteerChanges:
    """`seedset`'s gazetteers and article texts against the stored rows ((kind, id, JSON))
    and texts (UTF-8 bytes). An article whose text changed counts as changed although its
    record did not."""
    stored: dict[str, dict[str, str]] = {kind: {} for kind in GAZETTEER_KINDS}
    for kind, record_id, data in stored_rows:
        if kind in stored:  # a kind no longer read is left alone (and never read back)
            stored[kind][record_id] = data
    with paused_gc():
        texts = seedset.article_texts
        edited_texts = set()
        text_writes = []
        for key, text in texts.items():
            stored_text = stored_texts.get(key)
            if stored_text is None or stored_text != text.encode():
                text_writes.append((key, text))
                if stored_text is not None:
                    edited_texts.add(key)
        texts_removed = [key for key in stored_texts if key not in texts]
        counts: dict[str, dict[str, int]] = {}
        writes: list[tuple[str, str, str]] = []
        removed: list[tuple[str, str]] = []
        for kind, (attribute, _) in GAZETTEER_KINDS.items():
            kind_counts = counts[kind] = dict.fromkeys(COUNTS, 0)
            before = stored[kind]
            records: Mapping[str, Record] = getattr(seedset, attribute)
            edited = edited_texts if kind == "article" else set()
            for record_id, record in records.items():
                data = record.model_dump_json()
                previous = before.get(record_id)
                if previous == data:
                    kind_counts["changed" if record_id in edited else "unchanged"] += 1
                    continue
                kind_counts["added" if previous is None else "changed"] += 1
                writes.append((kind, record_id, data))
            gone = [(kind, record_id) for record_id in before if record_id not in records]
            kind_counts["removed"] = len(gone)
            removed += gone
    return GazetteerChanges(counts, writes, removed, text_writes, texts_removed)
