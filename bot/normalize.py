"""Text folding for matching: one Latin spelling for Kazakh, Russian and Latin-script input.

Users type "Көшербаев", "Кошербаев", "Koshербаев" or "Kosherbayev" for the same man. `fold`
brings all of them to one form ("kosherbaev"): NFKC, casefold, a few Latin letters with
diacritics spelled the Russian way (ş → sh, č → ch), every script to ASCII with anyascii (which
knows the nine Kazakh letters), then a small phonetic fold that irons out the usual
transliteration variants (yev/ev, kh/h, q/k, y/i, zh/j, doubled letters). Both the gazetteers and
the queries go through the same function, so the fold only has to be consistent, not pretty.

Kazakh and Russian inflect names and nouns ("Көшербаевтың", "Кошербаевым", "изменением климата");
`is_inflection` and `stems` tell when a query token is a known name or word plus a case ending.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

# Latin letters with diacritics that anyascii would flatten to the "wrong" letter for our
# purposes: Turkish/Slovak ş, š, č, ž, ç sound like the Russian ш, ч, ж (Lajčák = Лайчак).
_PREMAP = str.maketrans({"ş": "sh", "š": "sh", "č": "ch", "ž": "zh", "ç": "ch", "ć": "ch"})

# Runs of letters/digits; everything else (punctuation, emoji, HTML) separates words.
_WORD = re.compile(r"[^\W_]+")
# An English possessive ("Kosherbayev's") and apostrophes inside a word (ь → ', O'Neil).
_POSSESSIVE = re.compile(r"(?<=\w)['’ʼ]s\b")
_APOSTROPHE = re.compile(r"(?<=\w)['’ʼ`](?=\w)")

# Case endings written after a hyphen ("ЕҚЫҰ-ның", "БҰҰ-ға"): glue them back to their word so the
# ending is read as an ending, not as a word of its own.
_HYPHEN_ENDING = re.compile(
    r"(?<=\w)-(?=(?:ның|нің|дың|дің|тың|тің|ға|ге|қа|ке|на|не|ны|ні|ды|ді|ты|ті|да|де|та|те|"
    r"нда|нде|дан|ден|тан|тен|нан|нен|мен|пен|бен|ымен|імен|дағы|дегі|тағы|тегі|ы|і|сы|сі|"
    r"а|у|ом|ым|ой|е)\b)"
)

# The phonetic fold, applied in order to one ASCII word. Each rule merges spellings that users and
# transliteration systems use interchangeably for the same Kazakh/Russian sound.
_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"[^a-z0-9]", ""),  # anyascii may emit punctuation (ь → ')
        (r"^ye", "e"),  # Yermek = Ермек (Russian Е at a word start)
        (r"(?<=[aeiou])ye", "e"),  # Kosherbayev = Кошербаев
        (r"(?<=[aeou])ie(?=v)", "e"),  # Tokaiev = Токаев
        (r"(?<=[aeiouy])j", "i"),  # Lajčák = Лайчак, Bajramov = Байрамов
        (r"dzh", "j"),  # Джейхун = Jeyhun
        (r"zh", "j"),  # Жомарт = Jomart, Ержан = Yerzhan
        (r"kh", "h"),  # Хакан = Hakan
        (r"gh", "g"),  # Ауғанстан, Gherman = Герман
        (r"q", "k"),  # Атамқұлов = Atamkulov
        (r"ph", "f"),  # Christoph = Кристоф
        (r"chr", "kr"),
        (r"ch", "c"),  # Lajcak (diacritics dropped) = Lajčák = Лайчак
        (r"ck", "k"),
        (r"w", "v"),
        (r"x", "ks"),
        (r"y", "i"),  # ы, і, й, и all become i
        (r"ng", "n"),  # Kazakh ң is н in Russian spelling
        (r"([b-df-hj-np-tv-z])\1+", r"\1"),  # Kassym = Касым, Pellegrini = Пеллегрини
        (r"ii+", "i"),  # Dmitriy = Дмитрий, Maria = Мария (vowels stay doubled: ООН ≠ on)
    )
)


@lru_cache(maxsize=200_000)
def fold_word(word: str) -> str:
    """Fold one casefolded word to its matching form; may return several space-separated parts."""
    parts = []
    for piece in anyascii(word).lower().split():
        for rule, replacement in _RULES:
            piece = rule.sub(replacement, piece)
        if piece:
            parts.append(piece)
    return " ".join(parts)


def _words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).casefold().translate(_PREMAP)
    text = _POSSESSIVE.sub("", text)
    text = _APOSTROPHE.sub("", text)
    text = _HYPHEN_ENDING.sub("", text)
    return _WORD.findall(text)


@lru_cache(maxsize=50_000)
def fold(text: str) -> str:
    """Fold a text for matching: one Latin spelling per word, words separated by single spaces."""
    return " ".join(folded for word in _words(text) if (folded := fold_word(word)))


def tokens(text: str) -> list[str]:
    """The folded words of a text, in order."""
    return fold(text).split()


def _fold_all(endings: str) -> frozenset[str]:
    return frozenset(fold_word(ending) for ending in endings.split())


# Case endings that follow a full name or noun. Kazakh: genitive, dative, accusative, locative,
# ablative, instrumental, -дағы, possessive; plural forms. Russian: the masculine/neuter cases.
_KK_CASES = (
    "ның нің дың дің тың тің ға ге қа ке на не а е ны ні ды ді ты ті н ын ін да де та те нда "
    "нде дан ден тан тен нан нен мен пен бен ымен імен менен пенен бенен дағы дегі тағы тегі "
    "ы і сы сі ша ше дай дей тай тей"
)
_PLURALS = "лар лер дар дер тар тер"
_RU_CASES = "а у ом ым им е ах ам ами ов ев ы и"
SUFFIXES: frozenset[str] = _fold_all(
    f"{_KK_CASES} {_PLURALS} {_RU_CASES} "
    + " ".join(p + c for p in _PLURALS.split() for c in _KK_CASES.split())
)
# Endings that replace a final -а/-я (Назарбаева → Назарбаевой, вода → водой, Финляндия → -и).
FEMININE_SUFFIXES: frozenset[str] = _fold_all("ой ей ою ею у ю ы и е ам ами ах")

# Shortest stem an ending may follow: two letters, so that Kazakh "су" (water) still inflects
# ("суды", "суға") while one-letter stems cannot swallow whole words.
MIN_STEM = 2


def is_inflection(query: str, stem: str, *, names: bool = False) -> bool:
    """Whether folded `query` is the folded word `stem` plus a Kazakh or Russian case ending."""
    return stem != query and stem in stems(query, names=names)


# Endings that follow nouns but hardly ever a person's name; left out for names, so that
# "Germany" (germani) is not read as Gherman (german) + и.
_NOT_AFTER_NAMES = _fold_all("ы і и сы сі ша ше дай дей тай тей ах ам ами ов ев")
NAME_SUFFIXES: frozenset[str] = SUFFIXES - _NOT_AFTER_NAMES


@lru_cache(maxsize=50_000)
def stems(token: str, *, names: bool = False) -> tuple[str, ...]:
    """Possible stems of a folded token: the token minus each case ending it may end with.

    With `names`, only the endings a person's name takes are considered.
    """
    endings = NAME_SUFFIXES if names else SUFFIXES
    found = []
    for cut in range(MIN_STEM, len(token)):
        stem, rest = token[:cut], token[cut:]
        if len(stem) == MIN_STEM and len(rest) < 2:
            continue  # "sun" is not "су" + н
        if rest in endings or (len(rest) > 1 and stem[-1] + rest in endings):
            found.append(stem)
        if rest in FEMININE_SUFFIXES and (not names or rest not in _NOT_AFTER_NAMES):
            found.append(stem + "a")
    return tuple(dict.fromkeys(found))


# Words that carry no meaning for search: left out of the event index and of queries.
STOPWORDS: frozenset[str] = frozenset(
    fold_word(w)
    for w in "the of and in on at for to with a an by from about "
    "в во на с со и по для о об от до к у из за при а или "
    "мен және бен пен да де үшін туралы бойынша жөніндегі".split()
)
