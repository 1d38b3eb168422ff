"""Named entities (people, topics, places, organizations) found by any of their names.

The gazetteers are small (thousands of names at most): a query word is compared with their
vocabulary of folded name words exactly, as a name plus a Kazakh/Russian case ending, as a
prefix, and fuzzily for typos (bot.search.fuzzy, a cheap exact prefilter before rapidfuzz).
`Gazetteer.find` ranks entities, `resolve` says found / ambiguous / none with suggestions.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from bot.search.fuzzy import NAME_TYPO_MIN, FuzzyVocab
from bot.search.normalize import STOPWORDS, fold_word, marked, script_tokens, stems, tokens

# --- Scores and thresholds (0..100) ---------------------------------------------------------------
# Chosen on the seed names and the spellings in tests/search/test_index.py: every listed spelling of
# a person scores >= 88, unrelated names and words ("Smith", "Путин", "qwerty", country names)
# score at most ~67 against any person.
EXACT = 100.0
INFLECTED = (
    94.0  # name + case ending; below EXACT so "Назарбаева" is Dariga, not Nursultan's genitive
)
PREFIX_MIN_LEN = 4  # a query word this long may be the start of a name ("Kosher", "Назар")
PREFIX_BASE, PREFIX_SPAN = 70.0, 25.0  # prefix score grows with how much of the name is typed
DERIVED_MIN_STEM = (
    5  # topics: an alias this long may open a longer word ("климат" → "климатический")
)
DERIVED = 86.0
FUZZY_MIN_LEN = 4  # shorter words only match exactly: "су" must not match every "su..." word
# OSA similarity of folded words (a swap counts as one edit): two typos in a 10-letter name
# score 80, one in a 5-letter name 80, one in a 4-letter name 75 (so short names match exactly).
FUZZY_CUTOFF = NAME_TYPO_MIN  # (bot.search.fuzzy: every fuzzy threshold, one scale)
MATCH_MIN = 75.0  # an entity scoring below this is not a match at all
# Below this a match is only offered as a suggestion. One typo in a 7-letter word scores 85.7,
# which is also what real other surnames score ("Tokarev" against "Tokaev"): those are offered,
# not assumed. One typo in 8+ letters, a transposition in "Koshrebaev", an ending: found.
FOUND_MIN = 86.0
AMBIGUITY_MARGIN = 5.0  # candidates this close to the best one are offered as choices
SUGGEST_MIN = 70.0  # "did you mean": whole-name similarity of the closest names
INITIAL_PENALTY = 12.0  # "Е. Кошербаев" when no name of the person starts with "e"
# How much of a topic/place/organization score rewards covering a whole name (15 points:
# more than AMBIGUITY_MARGIN, so "water" is Water, not "water-energy").
COVERAGE = 0.15
MAX_QUERY_WORDS = 12  # a 10,000-character query is cut to its first words
_TAG = re.compile(r"<[^<>]{0,40}>")  # "<b>Кошербаев</b>" pasted from a formatted message
WORD_HITS_MEMO = 20_000  # query words whose gazetteer matches are remembered


# Titles typed before a name ("minister Кошербаев", "г-н Лайчак") that are not part of it.
TITLES: frozenset[str] = frozenset(
    fold_word(w)
    for w in "minister министр министрі president президент mr mrs ms dr mister madam г господин "
    "госпожа мырза ханым deputy secretary general генсек chairman chairperson председатель "
    "төраға төрағасы ambassador посол елші foreign".split()
)


@dataclass(frozen=True)
class Match:
    """One search hit: a record id, its score (0..100) and a name or title to show."""

    id: str
    score: float
    label: str
    named: int = 0  # of search results: how many of the things the query names it matches


@dataclass(frozen=True)
class Resolution:
    """The answer to "who/which is this?": found one, several to choose from, or none."""

    status: Literal["found", "ambiguous", "none"]
    matches: tuple[Match, ...] = ()
    suggestions: tuple[Match, ...] = ()


def query_words(query: str, *, keep_stopwords: bool = False) -> list[str]:
    """The folded words of a query worth matching: stopwords dropped, duplicates removed."""
    words = list(dict.fromkeys(tokens(_TAG.sub(" ", query[:2000]))))[:MAX_QUERY_WORDS]
    if keep_stopwords:
        return words
    meaningful = [w for w in words if w not in STOPWORDS]
    return meaningful or words


class Gazetteer:
    """Named entities (people, topics, ...) searchable by any of their names in any spelling."""

    def __init__(
        self,
        entries: Iterable[tuple[str, list[str]]],
        *,
        derived: bool = False,
        names: bool = False,
        coverage: float = 0.0,
        scripted: bool = False,
    ) -> None:
        # Topics are ordinary words, not names: a query word meets the aliases of its own
        # script only ("bold" is no "болды"); people, places and bodies match across scripts.
        self.scripted = scripted
        self.derived = derived  # topics: aliases are stems that may open longer words
        # Share of the score given to how much of a name the query covers, so that "security"
        # is Security before Regional security, and "OSCE" the OSCE before "OSCE Secretariat".
        self.coverage = coverage
        self.names = names  # people: only a name's case endings; one-letter words are initials
        self.ids: list[str] = []
        self.variants: list[list[tuple[tuple[str, ...], str]]] = []  # (folded words, original)
        postings: dict[str, set[int]] = defaultdict(set)
        for entity_id, entity_names in entries:
            index = len(self.ids)
            self.ids.append(entity_id)
            seen: dict[tuple[str, ...], str] = {}
            for name in entity_names:
                words = tuple(self._words(name))
                if words and words not in seen:
                    seen[words] = name
                if len(words) > 1 and min(map(len, words)) > 1 and not scripted:
                    seen.setdefault(("".join(words),), name)  # "Нур-Султан" = "Nursultan"
            self.variants.append(list(seen.items()))
            for words in seen:
                for word in words:
                    # "Б." in "Б. Атамқұлов" is an initial; "on", "and" are no names.
                    if len(word) > 1 and word not in STOPWORDS:
                        postings[word].add(index)
        self.postings = dict(postings)
        self.vocab = sorted(self.postings)
        self.full_names = [(i, " ".join(w), n) for i, vs in enumerate(self.variants) for w, n in vs]
        self.fuzzy_vocab = FuzzyVocab(self.vocab)
        self.fuzzy_names = FuzzyVocab([full for _, full, _ in self.full_names])
        self._hits: dict[str, dict[str, float]] = {}

    def word_hits(self, word: str) -> dict[str, float]:
        """Vocabulary words that `word` may stand for, each with how well it matches (memo)."""
        hits = self._hits.get(word)
        if hits is None:
            if len(self._hits) >= WORD_HITS_MEMO:
                self._hits.clear()
            hits = self._hits[word] = self._word_hits(word)
        return hits

    def _word_hits(self, word: str) -> dict[str, float]:
        hits: dict[str, float] = {}

        def hit(name_word: str, score: float) -> None:
            if score > hits.get(name_word, 0.0):
                hits[name_word] = score

        if word in self.postings:
            hit(word, EXACT)
        word_stems = stems(word, names=self.names)
        for stem in word_stems:
            if stem in self.postings:
                hit(stem, INFLECTED)
        if len(word) >= PREFIX_MIN_LEN:
            for name_word in _with_prefix(self.vocab, word):
                hit(name_word, PREFIX_BASE + PREFIX_SPAN * len(word) / len(name_word))
        if self.derived:
            for cut in range(DERIVED_MIN_STEM, len(word)):
                if word[:cut] in self.postings and len(word) - cut <= 8:
                    hit(word[:cut], DERIVED)
        if len(word) >= FUZZY_MIN_LEN:
            candidates = [word, *(s for s in word_stems if len(s) >= FUZZY_MIN_LEN)]
            for candidate in candidates:
                # OSA similarity: a swap of two letters is one typo.
                found = self.fuzzy_vocab.typos(candidate, FUZZY_CUTOFF / 100, limit=10)
                for name_word, similarity, _ in found:
                    score = 100 * similarity
                    # A name inside the word or the word inside a name is an ending or a
                    # prefix, scored above; "germania" is not a typo of "german".
                    if name_word.startswith(candidate) or candidate.startswith(name_word):
                        continue
                    if self.scripted and name_word[:1] == "_" != candidate[:1]:
                        continue  # the same word in another script is no typo of it
                    if self.scripted and candidate[:1] == "_" != name_word[:1]:
                        continue
                    hit(name_word, score if candidate is word else min(score - 2, INFLECTED))
        return hits

    def _words(self, text: str) -> list[str]:
        if not self.scripted:
            return tokens(text)
        return [marked(word, cyrillic) for word, cyrillic in script_tokens(text)]

    def query_words(self, query: str) -> list[str]:
        """The query's words as this gazetteer's vocabulary holds them (script-marked or not)."""
        if not self.scripted:
            return query_words(query)
        words = [w for w in dict.fromkeys(self._words(_TAG.sub(" ", query[:2000])))]
        meaningful = [w for w in words if w.lstrip("_") not in STOPWORDS]
        return (meaningful or words)[:MAX_QUERY_WORDS]

    def find(self, query: str, limit: int = 5, *, initials: bool = False) -> list[Match]:
        """Entities matching `query`, best first, each scoring at least MATCH_MIN."""
        words = self.query_words(query)
        letters: list[str] = []
        if initials:  # "Е. Кошербаев": "e" is an initial; "министр Кошербаев": a title
            letters = [w for w in words if len(w) == 1]
            words = [w for w in words if w not in TITLES] or words
        words = [w for w in words if len(w) > 1]
        if not words:
            return []
        totals: dict[int, float] = defaultdict(float)
        matched: dict[int, dict[str, float]] = defaultdict(dict)
        for word in words:
            best = self._score_word(word, matched)
            for index, score in best.items():
                totals[index] += score
        scores = {index: total / len(words) for index, total in totals.items()}
        if len(words) > 1 and not self.scripted:  # "Nur Sultan" typed for "Nursultan"
            for index, score in self._score_word("".join(words), matched).items():
                scores[index] = max(scores.get(index, 0.0), score)
        results = []
        for index, score in scores.items():
            if (1 - self.coverage) * score + 100 * self.coverage < MATCH_MIN:
                continue  # below the threshold even if it covered a whole name
            label, coverage = self._best_variant(index, matched[index])
            score = (1 - self.coverage) * score + 100 * self.coverage * coverage
            if letters and not all(self._has_initial(index, letter) for letter in letters):
                score -= INITIAL_PENALTY
            if score >= MATCH_MIN:
                results.append(Match(self.ids[index], round(score, 1), label))
        results.sort(key=lambda m: (-m.score, m.label))
        return results[:limit]

    def resolve(self, query: str, *, initials: bool = False) -> Resolution:
        """One entity for `query`, or the close candidates to choose from, or suggestions."""
        matches = self.find(query, limit=10, initials=initials)
        if not matches:
            return Resolution("none", suggestions=tuple(self.suggest(query)))
        best = matches[0]
        close = tuple(m for m in matches if m.score >= best.score - AMBIGUITY_MARGIN)
        if len(close) > 1:
            return Resolution("ambiguous", matches=close[:5])
        if best.score >= FOUND_MIN:
            return Resolution("found", matches=(best,))
        return Resolution("none", suggestions=(best, *self.suggest(query, exclude=best.id)))

    def suggest(self, query: str, limit: int = 3, *, exclude: str = "") -> list[Match]:
        """The names closest to `query` as whole strings, for "did you mean ...?"."""
        folded = " ".join(query_words(query, keep_stopwords=True))
        if len(folded) < 3:
            return []
        found = self.fuzzy_names.close_names(folded, SUGGEST_MIN, limit=limit * 4)
        results: dict[str, Match] = {}
        for _, score, position in found:
            index, _, name = self.full_names[position]
            entity_id = self.ids[index]
            if entity_id != exclude and entity_id not in results:
                results[entity_id] = Match(entity_id, round(score, 1), name)
        return list(results.values())[:limit]

    def _score_word(self, word: str, matched: dict[int, dict[str, float]]) -> dict[int, float]:
        best: dict[int, float] = {}
        for name_word, score in self.word_hits(word).items():
            for index in self.postings[name_word]:
                if score > matched[index].get(name_word, 0.0):
                    matched[index][name_word] = score
                if score > best.get(index, 0.0):
                    best[index] = score
        return best

    def _best_variant(self, index: int, matched: dict[str, float]) -> tuple[str, float]:
        """The name that shares the most words with the query, and the share it covers.

        Words met exactly, with a case ending or with a typo count as covered; a word the
        query only begins does not: "water" covers all of "Water" but not "water-energy".
        """
        best_name, best_key = self.variants[index][0][1], (-1.0, -1.0)
        score_of = matched.get
        for words, name in self.variants[index]:
            strong = weak = 0.0
            for word in words:
                if score := score_of(word, 0.0):
                    strong += _credit(score)
                    weak += score
            key = (strong / len(words), weak / len(words))
            if key > best_key:
                best_name, best_key = name, key
        return best_name, best_key[0]

    def _has_initial(self, index: int, letter: str) -> bool:
        return any(w.startswith(letter) for words, _ in self.variants[index] for w in words)


def _credit(score: float) -> float:
    """How much a matched name word counts towards covering its name."""
    return 1.0 if score >= INFLECTED else score / 100 if score >= FOUND_MIN else 0.0


def _with_prefix(vocab: list[str], prefix: str, cap: int = 10_000) -> list[str]:
    """The words of a sorted vocabulary that start with `prefix` (other than itself)."""
    found: list[str] = []
    position = bisect_left(vocab, prefix)
    while position < len(vocab) and vocab[position].startswith(prefix) and len(found) < cap:
        if vocab[position] != prefix:
            found.append(vocab[position])
        position += 1
    return found
