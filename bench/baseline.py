"""The obvious implementation of the four lookups, to compare the real search index against.

Per query it runs a linear rapidfuzz scan (`process.extract`, WRatio, rapidfuzz's default
processor) over every name, or over every event's text, then filters the events in a Python
loop. No index, no folding, no precomputation beyond collecting the strings once.
"""

from __future__ import annotations

from rapidfuzz import fuzz, process, utils

from bot.records.models import LANGS, all_names

NAME_CUTOFF = 80
LIMIT = 10
SCAN = {"scorer": fuzz.WRatio, "processor": utils.default_process}


class BaselineSearch:
    """Linear-scan answers for /minister, /topic, /meetings and /search over one seed set."""

    def __init__(self, seeds) -> None:
        self.events = list(seeds.events.values())
        self.person_names, self.person_ids = _names(seeds.people.values())
        self.topic_names, self.topic_ids = _names(seeds.topics.values())
        places_and_orgs = [*seeds.places.values(), *seeds.organizations.values()]
        self.place_names, self.place_ids = _names(places_and_orgs)
        self.event_texts = [
            " ".join(f"{event.title.get(lang)} {event.summary.get(lang)}" for lang in LANGS)
            for event in self.events
        ]

    def _best(self, query: str, names: list[str], ids: list[str]) -> str | None:
        found = process.extractOne(query, names, **SCAN, score_cutoff=NAME_CUTOFF)
        return ids[found[2]] if found else None

    def _newest(self, events: list) -> list[str]:
        events.sort(key=lambda event: event.date.value or "", reverse=True)
        return [event.id for event in events[:LIMIT]]

    def minister(self, query: str) -> list[str]:
        """The newest events of the person whose name matches `query` best."""
        person = self._best(query, self.person_names, self.person_ids)
        if person is None:
            return []
        return self._newest(
            [e for e in self.events if any(p.person == person for p in e.participants)]
        )

    def topic(self, query: str) -> list[str]:
        """The newest events on the best-matching topic, else a text search."""
        topic = self._best(query, self.topic_names, self.topic_ids)
        if topic is None:
            return self.search(query)
        return self._newest([e for e in self.events if topic in e.topics])

    def meetings(self, query: str) -> list[str]:
        """The newest events held in the place, or with the organization, that matches best."""
        where = self._best(query, self.place_names, self.place_ids)
        if where is None:
            return self.search(query)
        return self._newest(
            [
                e
                for e in self.events
                if where in e.organizations
                or where in e.countries
                or (e.place and where in (e.place.city, e.place.country))
            ]
        )

    def search(self, query: str) -> list[str]:
        """The events whose text matches `query` best."""
        found = process.extract(query, self.event_texts, **SCAN, limit=LIMIT)
        return [self.events[index].id for _, _, index in found]


def _names(records) -> tuple[list[str], list[str]]:
    """Every name and alias of each record in the three languages, with the owning id."""
    names, ids = [], []
    for record in records:
        for form in all_names(record):
            names.append(form)
            ids.append(record.id)
    return names, ids
