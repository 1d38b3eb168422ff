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
from collections.abc import Callable
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
# transliteration systems use interchangeably for the same Kazakh/Russian sound. Plain string
# replacements where a rule needs no context (they are ten times faster than re.sub).
_YE_START = re.compile(r"^ye")  # Yermek = Ермек (Russian Е at a word start)
_YE_AFTER_VOWEL = re.compile(r"(?<=[aeiou])ye")  # Kosherbayev = Кошербаев
_IEV_AFTER_VOWEL = re.compile(r"(?<=[aeou])ie(?=v)")  # Tokaiev = Токаев
_J_AFTER_VOWEL = re.compile(r"(?<=[aeiouy])j")  # Lajčák = Лайчак, Bajramov = Байрамов
_REPLACEMENTS: tuple[tuple[str, str], ...] = (
    ("dzh", "j"),  # Джейхун = Jeyhun
    ("zh", "j"),  # Жомарт = Jomart, Ержан = Yerzhan
    ("kh", "h"),  # Хакан = Hakan
    ("gh", "g"),  # Ауғанстан, Gherman = Герман
    ("q", "k"),  # Атамқұлов = Atamkulov
    ("ph", "f"),  # Christoph = Кристоф
    ("chr", "kr"),
    ("ch", "c"),  # Lajcak (diacritics dropped) = Lajčák = Лайчак
    ("ck", "k"),
    ("w", "v"),
    ("x", "ks"),
    ("y", "i"),  # ы, і, й, и all become i
    ("ng", "n"),  # Kazakh ң is н in Russian spelling
)
# Kassym = Касым, Pellegrini = Пеллегрини; a run of three or more is no spelling of a name and is
# kept, so that keyboard mashing ("qqqzzz") does not fold into a real short word ("kz").
_DOUBLED = re.compile(r"([b-df-hj-np-tv-z])\1+")
_II = re.compile(r"ii+")  # Dmitriy = Дмитрий, Maria = Мария (vowels stay doubled: ООН ≠ on)
_NOT_ALNUM = re.compile(r"[^a-z0-9]")  # anyascii may emit punctuation (ь → ')


def _one_of_a_pair(match: re.Match[str]) -> str:
    run = match.group(0)
    return run[0] if len(run) == 2 else run


def _fold_piece(piece: str) -> str:
    if not piece.isalnum() or not piece.isascii():
        piece = _NOT_ALNUM.sub("", piece)
    if "ye" in piece:
        piece = _YE_AFTER_VOWEL.sub("e", _YE_START.sub("e", piece))
    if "iev" in piece:
        piece = _IEV_AFTER_VOWEL.sub("e", piece)
    if "j" in piece:
        piece = _J_AFTER_VOWEL.sub("i", piece)
    for old, new in _REPLACEMENTS:
        if old in piece:
            piece = piece.replace(old, new)
    piece = _DOUBLED.sub(_one_of_a_pair, piece)
    if "ii" in piece:
        piece = _II.sub("i", piece)
    return piece


def _fold_word(word: str) -> str:
    return " ".join(p for p in map(_fold_piece, anyascii(word).lower().split()) if p)


class _Cache(dict[str, str]):
    """A text → folded text memo filled on first use (a dict lookup is the fast path)."""

    LIMIT = 500_000  # entries kept; past that the memo starts over

    def __init__(self, compute: Callable[[str], str]) -> None:
        super().__init__()
        self.compute = compute

    def __missing__(self, key: str) -> str:
        if len(self) >= self.LIMIT:
            self.clear()
        value = self[key] = self.compute(key)
        return value


_FOLDED_WORDS = _Cache(_fold_word)


def fold_word(word: str) -> str:
    """Fold one casefolded word to its matching form; may return several space-separated parts."""
    return _FOLDED_WORDS[word]


def _words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).casefold()
    if any(ch in text for ch in "şšžčçć"):
        text = text.translate(_PREMAP)
    if "'" in text or "’" in text or "ʼ" in text or "`" in text:
        text = _APOSTROPHE.sub("", _POSSESSIVE.sub("", text))
    if "-" in text:
        text = _HYPHEN_ENDING.sub("", text)
    return _WORD.findall(text)


def _fold_chunk(chunk: str) -> str:
    return " ".join(map(fold_word, _words(chunk)))


# Whitespace-separated chunks ("ОБСЕ,", "ЕҚЫҰ-ның") repeat across texts far more than texts do:
# folding a long event text is then one split and a dict lookup per chunk.
_FOLDED_CHUNKS = _Cache(_fold_chunk)


def tokens(text: str) -> list[str]:
    """The folded words of a text, in order."""
    return " ".join(map(_FOLDED_CHUNKS.__getitem__, text.split())).split()


# Ordinary words match in their own script: a word of Cyrillic text is indexed with this mark, so
# "bold" finds no "болды" (both fold to "boldi"). Names cross scripts (people, places, bodies).
CYRILLIC_MARK = "_"
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def is_cyrillic(chunk: str) -> bool:
    """Whether a piece of text is written (at least partly) in Cyrillic."""
    return _CYRILLIC.search(chunk) is not None


def marked(word: str, cyrillic: bool) -> str:
    """A folded word as script-aware indexes hold it: marked when it was written in Cyrillic."""
    return CYRILLIC_MARK + word if cyrillic and not word.isdigit() else word


def script_tokens(text: str) -> list[tuple[str, bool]]:
    """The folded words of a text, each with whether it was written in Cyrillic."""
    return [(w, is_cyrillic(chunk)) for chunk in text.split() for w in tokens(chunk)]


@lru_cache(maxsize=50_000)
def fold(text: str) -> str:
    """Fold a text for matching: one Latin spelling per word, words separated by single spaces."""
    return " ".join(tokens(text))


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
