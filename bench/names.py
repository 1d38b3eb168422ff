"""Plausible personal names for synthetic data: Kazakh, Russian and foreign, in kk/ru/en forms.

A Kazakh name is written with Kazakh letters in kk, with their Russian look-alikes in ru and in a
BGN-style Latin transliteration in en (Көшербаев / Кошербаев / Kosherbayev). A foreign name is
invented in Latin and transliterated to Cyrillic for kk and ru, as the Kazakh press does.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

KAZAKH_ROOTS = (
    "Нұр", "Ер", "Қай", "Сер", "Жан", "Бақ", "Төле", "Әбді", "Ораз", "Сейіт", "Қасым", "Дәулет",
    "Мұхам", "Құдай", "Тоқ", "Ас", "Ақ", "Қара", "Сары", "Әлі", "Жұма", "Есен", "Көшер", "Атам",
    "Ашық", "Тілеу", "Өмір", "Ұлық", "Үсен", "Шал", "Ғали", "Ысқақ", "Бекен", "Тұрсын", "Мәулен",
    "Сағын", "Ілияс", "Жақып", "Әмір", "Оспан", "Рахым", "Байжан", "Құрман", "Дос", "Кен",
)  # fmt: skip
KAZAKH_MIDDLES = (
    "бай", "бек", "құл", "ғали", "хан", "жан", "тай", "болат", "ғазы", "пейіс", "бер", "ан",
    "ат", "ар", "ым", "ен", "ас", "тілек", "мұрат", "сейіт", "", "", "",
)  # fmt: skip
KAZAKH_GIVEN = (
    "Ермек", "Ержан", "Мұрат", "Қайрат", "Асқар", "Нұрлан", "Дархан", "Ерлан", "Бауыржан",
    "Серік", "Айгүл", "Жанар", "Әсел", "Динара", "Гүлнар", "Мұхтар", "Рахат", "Ақан", "Әлібек",
    "Қанат", "Ғалымжан", "Үміт", "Салтанат", "Айдос", "Талғат", "Әйгерім", "Ербол",
)  # fmt: skip
RUSSIAN_ROOTS = (
    "Иван", "Петр", "Смирн", "Кузнец", "Сокол", "Лебед", "Козл", "Новик", "Морозов", "Волк",
    "Алексе", "Лавр", "Громык", "Шувал", "Рябк", "Орл", "Зайц", "Павл", "Семен", "Голуб",
    "Виноград", "Белоус", "Карас", "Медвед", "Тарас", "Ефим", "Гусь", "Журавл",
)  # fmt: skip
RUSSIAN_GIVEN = (
    "Сергей", "Андрей", "Алексей", "Наталья", "Ольга", "Елена", "Дмитрий", "Михаил", "Мария",
    "Татьяна", "Юрий", "Владимир", "Ирина", "Павел", "Григорий", "Анна",
)  # fmt: skip
FOREIGN_ONSETS = (
    "V", "M", "K", "H", "D", "St", "Br", "Gr", "L", "R", "S", "T", "P", "B", "Sch", "W", "F", "N",
    "C", "J", "Z", "Tr", "Kl", "Ch",
)  # fmt: skip
FOREIGN_VOWELS = ("a", "e", "i", "o", "u", "ai", "ou", "ei", "aa")
FOREIGN_MIDDLES = ("l", "r", "n", "st", "rd", "nt", "ss", "v", "k", "m", "lt", "rn", "d", "z")
FOREIGN_ENDINGS = (
    "onen", "escu", "ović", "ski", "ez", "elli", "mann", "berg", "sen", "ini", "ard", "ers", "ou",
    "aki", "ian", "oglu", "ström", "ek", "as", "ier", "o",
)  # fmt: skip
FOREIGN_GIVEN = (
    "Alexander", "Maria", "Thomas", "Anna", "Luca", "Sofia", "Jean", "Helga", "Pekka", "Elina",
    "Miroslav", "Hakan", "David", "Laura", "Jan", "Ursula", "Feridun", "Natalia", "Ian", "Emma",
)  # fmt: skip

KK_TO_RU = str.maketrans("әғқңөұүһіӘҒҚҢӨҰҮҺІ", "агкноуухиАГКНОУУХИ")
CYR_TO_LAT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
    "ә": "a", "ғ": "g", "қ": "k", "ң": "n", "ө": "o", "ұ": "u", "ү": "u", "һ": "h", "і": "i",
}  # fmt: skip
LAT_TO_CYR = (  # longest first
    ("sch", "ш"), ("sh", "ш"), ("ch", "ч"), ("ts", "ц"), ("ck", "к"), ("ph", "ф"), ("th", "т"),
    ("ou", "у"), ("ee", "и"), ("aa", "аа"), ("ai", "ай"), ("ei", "ей"), ("zh", "ж"), ("kh", "х"),
    ("ya", "я"), ("yu", "ю"), ("a", "а"), ("b", "б"), ("c", "к"), ("d", "д"), ("e", "е"),
    ("f", "ф"), ("g", "г"), ("h", "х"), ("i", "и"), ("j", "й"), ("k", "к"), ("l", "л"), ("m", "м"),
    ("n", "н"), ("o", "о"), ("p", "п"), ("r", "р"), ("s", "с"), ("t", "т"), ("u", "у"), ("v", "в"),
    ("w", "в"), ("y", "и"), ("z", "з"), ("ö", "ё"), ("ü", "ю"), ("ć", "ч"), ("ä", "е"),
)  # fmt: skip
VOWELS = set("аеёиоуыэюяәөұүі")


def latinize(cyrillic: str) -> str:
    """A readable Latin form of a Cyrillic name: Көшербаев -> Kosherbayev, Ержан -> Yerzhan."""
    out = []
    previous = " "
    for char in cyrillic:
        lower = char.lower()
        if lower == "е" and (previous in VOWELS or not previous.isalpha()):
            latin = "ye"
        else:
            latin = CYR_TO_LAT.get(lower, lower)
        if char.isupper() and latin:
            latin = latin[0].upper() + latin[1:]
        out.append(latin)
        previous = lower
    return "".join(out)


def cyrillize(latin: str) -> str:
    """A Cyrillic form of a Latin name, as a Russian-language newspaper would write it."""
    out = []
    index = 0
    lower = latin.lower()
    while index < len(lower):
        source, target = next(
            ((src, dst) for src, dst in LAT_TO_CYR if lower.startswith(src, index)),
            (lower[index], lower[index]),
        )
        if latin[index].isupper():
            target = target[0].upper() + target[1:]
        out.append(target)
        index += len(source)
    return "".join(out)


def _surname_ending(root: str, female: bool) -> str:
    """Attach -ов/-ев (-ова/-ева) the way the stem's last letter asks for."""
    if root.endswith("й"):
        stem, ending = root[:-1], "ев"
    elif root[-1].lower() in VOWELS:
        stem, ending = root, "ев"
    else:
        stem, ending = root, "ов"
    return stem + ending + ("а" if female else "")


@dataclass(frozen=True)
class Name:
    """A person's name in the three languages, with the country it belongs to."""

    kk: str
    ru: str
    en: str
    origin: str  # kazakh | russian | foreign
    surname_kk: str
    surname_en: str


FEMALE_GIVEN = {
    "Айгүл", "Жанар", "Әсел", "Динара", "Гүлнар", "Үміт", "Салтанат", "Әйгерім", "Наталья",
    "Ольга", "Елена", "Мария", "Татьяна", "Ирина", "Анна",
}  # fmt: skip


def kazakh_name(rng: random.Random) -> Name:
    """A Kazakh given name and surname (Ермек Көшербаев / Ермек Кошербаев / Yermek Kosherbayev)."""
    given = rng.choice(KAZAKH_GIVEN)
    root = rng.choice(KAZAKH_ROOTS) + rng.choice(KAZAKH_MIDDLES)
    surname = _surname_ending(root, given in FEMALE_GIVEN)
    kk = f"{given} {surname}"
    ru = kk.translate(KK_TO_RU)
    return Name(kk, ru, latinize(ru), "kazakh", surname, latinize(surname.translate(KK_TO_RU)))


def russian_name(rng: random.Random) -> Name:
    """A Russian given name and surname, identical in kk and ru."""
    given = rng.choice(RUSSIAN_GIVEN)
    root = rng.choice(RUSSIAN_ROOTS)
    if root.endswith("ов"):
        surname = root + ("а" if given in FEMALE_GIVEN else "")
    else:
        surname = _surname_ending(root, given in FEMALE_GIVEN)
    full = f"{given} {surname}"
    return Name(full, full, latinize(full), "russian", surname, latinize(surname))


def foreign_name(rng: random.Random) -> Name:
    """An invented European-sounding name in Latin, with its Cyrillic transliteration."""
    surname = (
        rng.choice(FOREIGN_ONSETS)
        + rng.choice(FOREIGN_VOWELS)
        + rng.choice(FOREIGN_MIDDLES)
        + rng.choice(FOREIGN_ENDINGS)
    )
    given = rng.choice(FOREIGN_GIVEN)
    en = f"{given} {surname}"
    cyr = cyrillize(en)
    return Name(cyr, cyr, en, "foreign", cyrillize(surname), surname)


def random_name(rng: random.Random) -> Name:
    """A name of a random origin, weighted like a Kazakh foreign-ministry news feed."""
    roll = rng.random()
    if roll < 0.45:
        return kazakh_name(rng)
    if roll < 0.6:
        return russian_name(rng)
    return foreign_name(rng)
