"""Adjectives of nationality that name the side a person acts for: "his Russian counterpart",
"Глава туркменского МИД", "с казахстанским коллегой", "қырғызстандық әріптесі".

Stems, matched as word prefixes (Russian adjectives inflect: российского, российским…). A Kazakh
adjective is the country's name plus -лық/-дық/-тық ("қырғызстандық"), which the country's own
name already matches as a prefix, so only the forms that differ are listed.
"""

from __future__ import annotations

DEMONYMS: dict[str, tuple[str, ...]] = {
    "kazakhstan": ("kazakh", "казахстанск", "казахск", "қазақстандық"),
    "russia": ("russian", "российск", "русск", "ресейлік"),
    "turkey": ("turkish", "турецк", "түрік"),
    "usa": ("american", "американск", "американдық"),
    "china": ("chinese", "китайск", "қытайлық"),
    "uzbekistan": ("uzbek", "узбекск", "узбекистанск", "өзбек"),
    "kyrgyzstan": ("kyrgyz", "киргизск", "кыргызск", "қырғыз"),
    "tajikistan": ("tajik", "таджикск", "тәжік"),
    "turkmenistan": ("turkmen", "туркменск", "түрікмен"),
    "azerbaijan": ("azerbaijani", "azeri", "азербайджанск", "әзірбайжан"),
    "ukraine": ("ukrainian", "украинск"),
    "belarus": ("belarusian", "белорусск"),
    "hungary": ("hungarian", "венгерск"),
    "germany": ("german", "германск", "немецк"),
    "france": ("french", "французск"),
    "united-kingdom": ("british", "британск"),
    "austria": ("austrian", "австрийск"),
    "slovakia": ("slovak", "словацк"),
    "switzerland": ("swiss", "швейцарск"),
    "netherlands": ("dutch", "нидерландск"),
    "spain": ("spanish", "испанск"),
    "poland": ("polish", "польск"),
    "latvia": ("latvian", "латвийск"),
    "japan": ("japanese", "японск"),
    "india": ("indian", "индийск"),
    "iran": ("iranian", "иранск"),
    "finland": ("finnish", "финск", "финляндск"),
    "malta": ("maltese", "мальтийск"),
    "saudi-arabia": ("saudi", "саудовск"),
    "georgia": ("georgian", "грузинск"),
    "armenia": ("armenian", "армянск"),
}


def derived_demonyms(name: str) -> tuple[str, ...]:
    """Adjective stems made from a one-word country name by the regular patterns ("Jordan" →
    "jordanian", "Vietnam" → "vietnamese", "Иордания" → "иорданск", "Катар" → "катарск"), for
    the countries the list above does not hold. Only whole forms are made (matched as word
    prefixes, so "Jordanians" and "иорданского" match too), never a bare stem."""
    word = name.casefold()
    if " " in word or "-" in word or len(word) < 4:
        return ()
    if word.isascii():
        forms = [word + ending for ending in ("ian", "n", "i", "ese", "an")]
        if word.endswith(("y", "a")):
            forms.append(word[:-1] + "ian")
        return tuple(forms)
    stem = word[:-2] if word.endswith("ия") else word[:-1] if word.endswith(("а", "я")) else word
    return (stem + "ск", stem + "ийск")
