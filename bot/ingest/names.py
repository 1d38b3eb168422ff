"""Putting inflected personal names back in the nominative (Байрамовым → Байрамов)."""

from __future__ import annotations

# Russian instrumental endings (after "с", "встретился с", "директором"): ending -> replacement.
_RU_INSTRUMENTAL: list[tuple[str, str]] = [
    ("овым", "ов"),
    ("евым", "ев"),
    ("ёвым", "ёв"),
    ("иным", "ин"),
    ("ыным", "ын"),
    ("овой", "ова"),
    ("евой", "ева"),
    ("иной", "ина"),
    ("ией", "ия"),
    ("ьей", "ья"),
    ("аем", "ай"),
    ("ием", "ий"),
    ("еем", "ей"),
    ("уем", "уй"),
    ("ой", "а"),
    ("ом", ""),
    ("ем", ""),
    ("ём", ""),
]
# (the accusative of a name in -а: "принял посла Ичиро Огасавару")
_RU_GENITIVE: list[tuple[str, str]] = [
    ("ова", "ов"),
    ("ева", "ев"),
    ("ина", "ин"),
    ("ии", "ия"),
    ("ару", "ара"),
    ("ону", "она"),
    # a man's name on a consonant: "помощника госсекретаря Дэвида Саттерфилда", "Сергея"
    ("ея", "ей"),
    ("ая", "ай"),
    # the accusative of a woman's name in -а: "принял … Тери Хакалу", "Йозефа Сикелу"
    ("лу", "ла"),
    ("ку", "ка"),
    ("ну", "на"),
    ("ту", "та"),
    ("ду", "да"),
    ("ву", "ва"),
    ("му", "ма"),
    ("су", "са"),
    # "Юн Сок Еля", "Игоря": a man's name on a soft sign
    ("ля", "ль"),
    ("ря", "рь"),
    ("а", ""),
]
# "вручил … Директору Тууле Юрьёле", "Сергею Лаврову": the dative back to the nominative.
_RU_DATIVE: list[tuple[str, str]] = [
    ("ову", "ов"),
    ("еву", "ев"),
    ("ину", "ин"),
    ("ею", "ей"),
    ("ию", "ий"),
    ("ле", "ла"),
    ("не", "на"),
    ("ре", "ра"),
    ("у", ""),
]
# Kazakh case endings a name takes at its end (the first name stays as it is).
_KK_ENDINGS = (
    "мен",
    "бен",
    "пен",
    "ның",
    "нің",
    "дың",
    "дің",
    "тың",
    "тің",
    "ға",
    "ге",
    "қа",
    "ке",
    "ды",
    "ді",
    "ты",
    "ті",
    "ны",
    "ні",
    "дан",
    "ден",
    "тан",
    "тен",
    "нан",
    "нен",
)


_KK_ACCUSATIVE = frozenset({"ды", "ді", "ты", "ті", "ны", "ні"})


def _ru_word(word: str, endings: list[tuple[str, str]]) -> tuple[str, bool]:
    """One Russian word back to the nominative; the flag says the ending was ambiguous."""
    lower = word.lower()
    for ending, replacement in endings:
        if lower.endswith(ending) and len(word) - len(ending) >= 2:
            unsure = ending in {"ем", "ём", "а"} or (ending == "ой" and not word[0].isupper())
            return word[: len(word) - len(ending)] + replacement, unsure
    return word, False


def nominative(name: str, lang: str, case: str | None) -> tuple[str, str | None]:
    """The name in the nominative where its case is known, and a note when unsure.

    `case` is "instrumental", "genitive" or "dative" for Russian names the pattern put in that case,
    "inflected" for a Kazakh name that may carry a case ending, "subject" for a Kazakh name that
    may carry any but the accusative's ("Дархан Сатыбалды Орталық Азия … институтының
    директоры …мен кездесті": a title follows, so -ды is the surname's), None when nominative.
    """
    parts = name.split()
    if not parts or case is None:
        return name, None
    if lang == "kk":
        last = parts[-1]
        for ending in _KK_ENDINGS:
            if case == "subject" and ending in _KK_ACCUSATIVE:
                continue
            # "Пак Кын Хемен": "with" after a short Korean or Chinese surname
            shortest = 2 if ending in ("мен", "бен", "пен") and len(parts) > 1 else 3
            if last.endswith(ending) and len(last) - len(ending) >= shortest:
                parts[-1] = last[: -len(ending)]
                note = None
                if ending[0] == "н" and parts[-1][-1] in "аәеиоөұүыіуэюя":
                    note = f"'{name}' read as '{' '.join(parts)}'; the nominative may differ"
                return " ".join(parts), note
        return name, None
    if lang != "ru":
        return name, None
    endings = {"instrumental": _RU_INSTRUMENTAL, "dative": _RU_DATIVE}.get(case, _RU_GENITIVE)
    fixed, unsure = [], False
    for part in parts:
        if part.endswith("."):  # an initial
            fixed.append(part)
            continue
        word, doubt = _ru_word(part, endings)
        fixed.append(word)
        unsure = unsure or doubt
    result = " ".join(fixed)
    note = f"'{name}' read as '{result}'; the nominative may differ" if unsure else None
    return result, note
