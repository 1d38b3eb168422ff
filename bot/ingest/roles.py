"""Office titles news uses before or after a name, and their wording in kk, ru and en."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.records.models import Localized


@dataclass(frozen=True)
class Role:
    """An office found next to a name: its canonical wording, or the article's own words."""

    key: str
    title: Localized


# Most specific first: "заместитель министра иностранных дел" before "министр иностранных дел".
# Stems cover the cases Russian puts a title in ("министром", "генеральным секретарём").
_ROLES: list[tuple[str, str, dict[str, str]]] = [
    (
        "deputy-foreign-minister",
        r"заместител\w*\s+министр\w*\s+иностранных\s+дел|замминистр\w*\s+иностранных\s+дел|"
        # "замглавы МИД Давид Джалагания", "заместитель главы МИД"
        r"(?:замглав\w*|заместител\w*\s+глав\w*)\s+(?:\w+\s+)?МИД\w*|"
        # "Сыртқы істер министрінің орынбасары", "Сыртқы және сауда министрінің орынбасары"
        r"сыртқы\s+(?:істер\s+)?(?:және\s+\w+\s+)?(?:істер\s+)?министр\w*\s+(?:бірінші\s+)?орынбасар\w*|"
        r"deputy\s+foreign\s+minister|"
        r"deputy\s+minister\s+of\s+foreign\s+affairs|"
        # a deputy secretary of state: "Мемлекеттік хатшысының орынбасары",
        # "заместитель госсекретаря"
        r"мемлекеттік\s+хатшы\w*\s+(?:бірінші\s+)?орынбасар\w*|deputy\s+secretary\s+of\s+state|"
        r"заместител\w*\s+(?:госсекретар|государственн\w*\s+секретар)\w*|"
        # Kazakhstan's deputy ministers are "вице-министры": never the minister
        r"вице-министр\w*(?:\s+иностранных\s+дел)?|сыртқы\s+істер\s+вице-министр\w*|"
        r"vice[\s-]minister\s+of\s+foreign\s+affairs|vice[\s-]foreign\s+minister|"
        r"(?:foreign\s+)?vice[\s-]minister",
        {
            "kk": "Сыртқы істер министрінің орынбасары",
            "ru": "Заместитель министра иностранных дел",
            "en": "Deputy Minister of Foreign Affairs",
        },
    ),
    (
        "foreign-minister",
        r"министр\w*\s+иностранных\s+дел|глав\w*\s+(?:\w+\s+)?МИД\w*|"
        r"(?:глав|руководител)\w*\s+(?:\w+\s+)?внешнеполитическ\w*\s+ведомств\w*|"
        r"сыртқы\s+істер\s+министр\w*|сыртқы\s+саяси\s+ведомств\w*\s+басшы\w*|СІМ\s+басшы\w*|"
        r"foreign\s+ministers?|minister\s+of\s+foreign\s+affairs|minister\s+for\s+foreign\s+affairs|"
        r"foreign\s+affairs\s+minister|\bFM\b|"
        # India's and others' "Minister of External Affairs"
        r"minister\s+of\s+external\s+affairs|external\s+affairs\s+minister|"
        # "Сыртқы және еуропалық істер министрі", "Сыртқы (істер) және сауда министрі"
        r"сыртқы\s+(?:істер\s+)?және\s+\w+\s+(?:істер\s+)?министр\w*|"
        # "Hungary's top diplomat", "глава российской дипломатии", the UK's Foreign Secretary
        r"top\s+diplomat|chief\s+diplomat|глав\w*\s+(?:\w+\s+)?дипломати\w*|foreign\s+secretary|"
        # "his Russian counterpart", "с казахстанским коллегой", "қырғызстандық әріптесі"
        r"counterparts?|colleagues?|коллег\w*|әріптес\w*",
        {
            "kk": "Сыртқы істер министрі",
            "ru": "Министр иностранных дел",
            "en": "Minister of Foreign Affairs",
        },
    ),
    (
        "spokesperson",
        # the press secretary of a president or a minister speaks for them and is not one:
        # "пресс-секретарь российского президента Дмитрий Песков", "press secretary to the
        # President"
        r"пресс-секретар\w*\s+(?:\w+\s+){0,2}?(?:президент|глав|премьер|министр)\w*|"
        r"press\s+secretary\s+(?:to|of)\s+(?:the\s+)?(?:\w+\s+){0,2}?(?:president|prime\s+minister|"
        r"minister)|spokes(?:person|man|woman)\s+(?:to|of|for)\s+(?:the\s+)?(?:\w+\s+){0,2}?"
        r"(?:president|prime\s+minister|minister)|"
        r"официальн\w*\s+представител\w*|ресми\s+өкіл\w*|пресс-секретар\w*|"
        r"баспасөз\s+хатшы\w*|(?:official\s+)?spokes(?:person|man|woman)|press\s+secretary",
        {"kk": "Ресми өкіл", "ru": "Официальный представитель", "en": "Spokesperson"},
    ),
    (
        "assistant",
        r"помощник\w*\s+президента|президент\w*\s+көмекші\w*|"
        r"assistant\s+to\s+the\s+president|presidential\s+aide",
        {
            "kk": "Президенттің көмекшісі",
            "ru": "Помощник президента",
            "en": "Assistant to the President",
        },
    ),
    (
        # "Assistant Secretary of State", "помощник госсекретаря", "хатшысының көмекшісі"
        "assistant",
        r"assistant\s+secretary(?:\s+of\s+state)?|помощник\w*\s+(?:\w+\s+)?госсекретар\w*|"
        r"помощник\w*\s+государственн\w*\s+секретар\w*|мемлекеттік\s+хатшы\w*\s+көмекші\w*|"
        r"помощник\w*|көмекші\w*",
        {"kk": "Көмекші", "ru": "Помощник", "en": "Assistant"},
    ),
    (
        "secretary-of-state",
        r"государственн\w*\s+секретар\w*|госсекретар\w*|мемлекеттік\s+хатшы\w*|"
        r"secretary\s+of\s+state",
        {"kk": "Мемлекеттік хатшы", "ru": "Государственный секретарь", "en": "Secretary of State"},
    ),
    (
        "permanent-representative",
        r"постоянн\w*\s+представител\w*|тұрақты\s+өкіл\w*|permanent\s+representative",
        {"kk": "Тұрақты өкіл", "ru": "Постоянный представитель", "en": "Permanent Representative"},
    ),
    (
        "king",
        r"корол(?!евств)\w*|король|\bking\b",  # not "Королевства" (Kingdom)
        {"kk": "Король", "ru": "Король", "en": "King"},
    ),
    (
        # "Премьер-Министрдің бірінші орынбасары", "Deputy Prime Minister", "вице-президент": not
        # the prime minister or the president (a later title nearer the name still wins)
        "other",
        r"премьер-министр\w*\s+(?:бірінші\s+)?орынбасар\w*|(?:перв\w*\s+)?заместител\w*\s+"
        r"премьер-министр\w*|вице-премьер\w*|(?:first\s+)?deputy\s+prime\s+minister|"
        r"вице-президент\w*|vice[\s-]president|"
        # a deputy of a permanent representative is not one
        r"заместител\w*\s+постоянн\w*\s+представител\w*|deputy\s+permanent\s+representative|"
        r"тұрақты\s+өкіл\w*\s+орынбасар\w*",
        {"kk": "Лауазымды тұлға", "ru": "Должностное лицо", "en": "Official"},
    ),
    (
        "prime-minister",
        r"премьер-министр\w*|prime\s+minister|үкімет\s+басшы\w*|глав\w*\s+правительств\w*|"
        r"head\s+of\s+(?:the\s+)?government",
        {"kk": "Премьер-Министр", "ru": "Премьер-министр", "en": "Prime Minister"},
    ),
    (
        "president",
        # "Мемлекет басшысы Қасым-Жомарт Тоқаев", "глава государства", "head of state"
        r"президент\w*|president|елбасы\w*|first\s+president|мемлекет\s+басшы\w*|"
        r"глав\w*\s+государств\w*|head\s+of\s+(?:the\s+)?state",
        {"kk": "Президент", "ru": "Президент", "en": "President"},
    ),
    (
        "secretary-general",
        r"генеральн\w*\s+секретар(?!иат)\w*|генсек\w*|бас\s+хатшы(?!лығ|лық)\w*|"
        r"secretary[\s-]general",
        {"kk": "Бас хатшы", "ru": "Генеральный секретарь", "en": "Secretary General"},
    ),
    (
        "special-representative",
        r"специальн\w*\s+представител\w*|спецпредставител\w*|арнайы\s+(?:уәкіл|өкіл)\w*|"
        r"special\s+representative|special\s+envoy",
        {"kk": "Арнайы өкіл", "ru": "Специальный представитель", "en": "Special Representative"},
    ),
    (
        "high-commissioner",
        r"верховн\w*\s+комиссар\w*|жоғарғы\s+комиссар\w*|high\s+commissioner",
        {"kk": "Жоғарғы комиссар", "ru": "Верховный комиссар", "en": "High Commissioner"},
    ),
    (
        "ambassador",
        r"посл\w*|посол|елші\w*|ambassador",
        {"kk": "Елші", "ru": "Посол", "en": "Ambassador"},
    ),
    (
        "chair",
        r"председател\w*|төраға\w*|chair(?:person|man|woman)?(?:-in-office)?",
        {"kk": "Төраға", "ru": "Председатель", "en": "Chair"},
    ),
    (
        "director",
        r"директор\w*|director",
        {"kk": "Директор", "ru": "Директор", "en": "Director"},
    ),
    (
        "representative",
        # "… саясаты жөніндегі ресми өкілі Федерика Могерини": a representative for a portfolio,
        # not a spokesperson (found first: it starts before "ресми")
        r"(?:жөніндегі|бойынша)\s+(?:ресми\s+)?өкіл\w*|представител\w*|өкілі|representative",
        {"kk": "Өкіл", "ru": "Представитель", "en": "Representative"},
    ),
    (
        "other",
        r"(?:генеральн\w*\s+|бас\s+)?консул\w*|consul[\s-]general|consul",
        {"kk": "Консул", "ru": "Консул", "en": "Consul"},
    ),
    (
        # "Постоянный координатор ООН в Казахстане Микаэла Фриберг-Стори"
        "other",
        r"координатор\w*|үйлестіруші\w*|coordinator",
        {"kk": "Үйлестіруші", "ru": "Координатор", "en": "Coordinator"},
    ),
    (
        "other",
        r"канцлер\w*|chancellor",
        {"kk": "Канцлер", "ru": "Канцлер", "en": "Chancellor"},
    ),
    (
        # "Turkish leader Recep Tayyip Erdoğan", "лидер Турции"
        "other",
        r"\bleader|лидер\w*|көшбасшы\w*",
        {"kk": "Көшбасшы", "ru": "Лидер", "en": "Leader"},
    ),
    (
        "other",
        r"спикер\w*|\bspeaker|сенатор\w*|senator|конгрессмен\w*|congress(?:wo)?man",
        {"kk": "Депутат", "ru": "Депутат", "en": "Member of parliament"},
    ),
    (
        # a region's or a city's head: "Новгород облысының губернаторы Андрей Никитин"
        "other",
        r"губернатор\w*|governor",
        {"kk": "Губернатор", "ru": "Губернатор", "en": "Governor"},
    ),
    (
        "other",
        r"мэр\w*|\bmayor",
        {"kk": "Мэр", "ru": "Мэр", "en": "Mayor"},
    ),
    (
        "other",
        r"эмир\w*|әмір\w*|\bemir|наследн\w*\s+принц\w*|crown\s+prince|принц\w*|prince|"
        r"ханзада\w*",
        {"kk": "Әмір", "ru": "Эмир", "en": "Emir"},
    ),
    (
        # "European Commissioner for …", "еврокомиссар", "State Secretary", "Under Secretary"
        "other",
        r"(?:евро)?комиссар\w*|commissioner|state\s+secretary|статс-секретар\w*|"
        r"under[\s-]secretary(?:[\s-]general)?|deputy\s+secretary(?:[\s-]general)?",
        {"kk": "Лауазымды тұлға", "ru": "Должностное лицо", "en": "Official"},
    ),
    (
        "minister",
        r"министр\w*|minister",
        {"kk": "Министр", "ru": "Министр", "en": "Minister"},
    ),
    (
        "other",
        # not the body: "Исполнительный директор Секретариата СВМДА", "кеңесі хатшылығының"
        r"хатшы(?!лығ|лық)\w*|басшы\w*|мүшесі|секретар(?!иат)\w*|руководител\w*",
        {"kk": "Лауазымды тұлға", "ru": "Должностное лицо", "en": "Official"},
    ),
]

# One group a title, named by its place in the list (a key may have more than one wording).
ROLE_PATTERN = re.compile(
    "|".join(f"(?P<r{n}>(?<!\\w)(?:{rx})(?!\\w))" for n, (_, rx, _) in enumerate(_ROLES)),
    re.I,
)
_TITLES = {f"r{n}": (key, Localized(**title)) for n, (key, _, title) in enumerate(_ROLES)}


def role_of(match: re.Match[str]) -> Role:
    """The role a ROLE_PATTERN match names."""
    key, title = _TITLES[match.lastgroup or ""]
    return Role(key, title)


_RANK = {key: rank for rank, (key, _, _) in enumerate(_ROLES)}  # a key's last wording: "other" last
GENERIC = frozenset({"minister", "representative"})  # what a more specific title refines


def role_key(title: Localized) -> str:
    """The key of the most specific office a title names ("Deputy Prime Minister and Minister
    of Foreign Affairs" → "foreign-minister"), or "other" for titles that name none above."""
    for text in (title.en, title.ru, title.kk):
        keys = [role_of(found).key for found in ROLE_PATTERN.finditer(text)]
        if keys:
            return min(keys, key=_RANK.__getitem__)
    return "other"


def more_specific(found: Role | None, known: Role | None) -> bool:
    """Whether `found` says more than `known` ("Foreign Minister" more than "Minister")."""
    if found is None:
        return False
    return known is None or (known.key in GENERIC and found.key not in GENERIC)
