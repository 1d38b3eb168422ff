"""Realistic user queries for the benchmark: misspelled, mixed-script and inflected.

Users type a surname half in Latin and half in Cyrillic ("Koshербаев"), drop a letter, add a
Kazakh or Russian case ending ("Көшербаевтың", "Кошербаевым"), or write an initial
("Е.Көшербаев"). `command_queries(seeds, count, seed)` draws such queries for /minister, /topic,
/meetings and /search from a seed set, deterministically.
"""

from __future__ import annotations

import random

# Cyrillic letters that look or sound like a Latin one, as a hurried typist mixes them.
CYR_TO_LATIN_LOOKALIKE = {
    "а": "a", "е": "e", "о": "o", "р": "r", "с": "s", "к": "k", "м": "m", "т": "t", "н": "n",
    "в": "v", "б": "b", "д": "d", "л": "l", "и": "i", "у": "u", "ш": "sh", "ж": "zh", "г": "g",
}  # fmt: skip
CASE_ENDINGS = ("тың", "тің", "дың", "ның", "ға", "ге", "мен", "пен", "ым", "ом", "а", "у", "ке")


def mix_scripts(word: str, rng: random.Random) -> str:
    """Swap a run of Cyrillic letters for their Latin look-alikes ("Koshербаев")."""
    if len(word) < 4:
        return word
    end = rng.randint(2, max(2, len(word) // 2))
    start = 0 if rng.random() < 0.7 else rng.randint(1, len(word) - end)
    swapped = "".join(CYR_TO_LATIN_LOOKALIKE.get(c.lower(), c) for c in word[start : start + end])
    if start == 0 and swapped:
        swapped = swapped[0].upper() + swapped[1:]
    return word[:start] + swapped + word[start + end :]


def drop_letter(word: str, rng: random.Random) -> str:
    """Leave out one letter, never the first."""
    if len(word) < 5:
        return word
    index = rng.randrange(1, len(word))
    return word[:index] + word[index + 1 :]


def add_case_ending(word: str, rng: random.Random) -> str:
    """Append a Kazakh or Russian case ending ("Көшербаевтың", "Кошербаевым")."""
    return word + rng.choice(CASE_ENDINGS)


def swap_letters(word: str, rng: random.Random) -> str:
    """Transpose two neighbouring letters."""
    if len(word) < 5:
        return word
    index = rng.randrange(1, len(word) - 1)
    return word[:index] + word[index + 1] + word[index] + word[index + 2 :]


def garble(text: str, rng: random.Random) -> str:
    """One realistic mistake or variation in a name or word."""
    mistakes = (mix_scripts, drop_letter, add_case_ending, swap_letters, lambda w, _r: w.lower())
    return rng.choice(mistakes)(text, rng)


def person_query(person, rng: random.Random) -> str:
    """How someone types a person's name: surname only, initial, any script, misspelled."""
    lang = rng.choice(("kk", "ru", "en"))
    full = person.name.get(lang)
    given, _, surname = full.rpartition(" ")
    form = rng.random()
    if form < 0.15 and given:
        return f"{given[0]}.{garble(surname, rng)}"
    if form < 0.3 and given:
        return f"{given} {garble(surname, rng)}"
    return garble(surname or full, rng)


def topic_query(topic, rng: random.Random) -> str:
    """A topic's name or alias in some language, possibly inflected or misspelled."""
    names = [topic.name.kk, topic.name.ru, topic.name.en, *topic.aliases.all()]
    words = rng.choice(names).split()
    word = max(words, key=len)
    return garble(word, rng) if rng.random() < 0.6 else " ".join(words[:3])


def place_query(seeds, rng: random.Random) -> str:
    """A city, country or organization as /meetings takes it, sometimes misspelled."""
    pool = [*seeds.places.values(), *seeds.organizations.values()]
    record = rng.choice(pool)
    abbr = getattr(record, "abbr", None)
    lang = rng.choice(("kk", "ru", "en"))
    name = (abbr or record.name).get(lang)
    return garble(name, rng) if rng.random() < 0.4 and " " not in name else name


def search_query(event, rng: random.Random) -> str:
    """Two or three words from an event's title or summary, one of them misspelled."""
    lang = rng.choice(("kk", "ru", "en"))
    text = rng.choice((event.title.get(lang), event.summary.get(lang)))
    words = [w.strip(".,«»:") for w in text.split() if len(w.strip(".,«»:")) > 3]
    if not words:
        return text[:30]
    start = rng.randrange(len(words))
    picked = words[start : start + rng.randint(2, 3)]
    index = rng.randrange(len(picked))
    picked[index] = garble(picked[index], rng)
    return " ".join(picked)


def command_queries(seeds, count: int, seed: int = 7) -> dict[str, list[str]]:
    """`count` argument strings for each of minister, topic, meetings and search."""
    rng = random.Random(seed)
    ids = list(seeds.events)  # decode only the events used: the bot's seeds are lazy
    cited = sorted({p.person for i in ids[:5000] for p in seeds.events[i].participants})
    people = [seeds.people[person_id] for person_id in cited if person_id in seeds.people]
    people = people or list(seeds.people.values())
    topics = list(seeds.topics.values())
    return {
        "minister": [person_query(rng.choice(people), rng) for _ in range(count)],
        "topic": [topic_query(rng.choice(topics), rng) for _ in range(count)],
        "meetings": [place_query(seeds, rng) for _ in range(count)],
        "search": [search_query(seeds.events[rng.choice(ids)], rng) for _ in range(count)],
    }
