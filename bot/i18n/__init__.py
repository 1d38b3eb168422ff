"""Texts the bot shows, in Kazakh, Russian and English, from the catalogs in bot/i18n/locales/.

Each `bot/i18n/locales/<feature>.yaml` maps a message key to `{en: ..., ru: ..., kk: ...}`. Texts
are Telegram HTML with `{placeholders}`; `t()` escapes every parameter unless it is wrapped in
`Html` (an already rendered fragment), so a user's `<` or `&` can never break a message, and
drops control and bidirectional-override characters, so echoed input cannot reshape it.
"""

from __future__ import annotations

import functools
import html
import re
import string
from pathlib import Path
from typing import Any

import yaml

from bot.records.models import LANGS, Lang

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
DEFAULT_LANG: Lang = "en"


# Characters never echoed back: NUL and the other C0 controls but tab and newline, DEL, and the
# bidirectional controls (U+202E would let a user reverse the bot's visible text in a group).
UNSAFE_CHARACTERS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def strip_unsafe(text: str) -> str:
    """`text` without control and bidirectional-override characters."""
    return UNSAFE_CHARACTERS.sub("", text)


class Html(str):
    """A string that is already safe Telegram HTML; `t()` inserts it without escaping."""


class CatalogError(ValueError):
    """A locale catalog is malformed: duplicate key, missing language, mismatched placeholders."""


class _UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that rejects a key given twice in one mapping (PyYAML keeps the last)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        keys = [self.construct_object(key, deep=deep) for key, _ in node.value]
        duplicates = {key for key in keys if keys.count(key) > 1}
        if duplicates:
            raise CatalogError(f"duplicate key(s) {sorted(duplicates)} {node.start_mark}")
        return super().construct_mapping(node, deep=deep)


def placeholders(text: str) -> set[str]:
    """The `{name}` fields a text expects."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def load_catalogs(folder: Path = LOCALES_DIR) -> dict[str, dict[str, str]]:
    """Read every catalog in `folder` into one {key: {lang: text}}; raise CatalogError if bad."""
    catalog: dict[str, dict[str, str]] = {}
    origin: dict[str, str] = {}
    for path in sorted(folder.glob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader) or {}
        if not isinstance(data, dict):
            raise CatalogError(f"{path.name}: expected a mapping of message keys")
        for key, texts in data.items():
            where = f"{path.name}: {key}"
            if key in catalog:
                raise CatalogError(f"{where}: key already defined in {origin[key]}")
            if not isinstance(texts, dict) or set(texts) != set(LANGS):
                raise CatalogError(f"{where}: needs exactly the languages {', '.join(LANGS)}")
            if not all(isinstance(text, str) and text.strip() for text in texts.values()):
                raise CatalogError(f"{where}: every language needs a non-empty text")
            fields = {lang: placeholders(text) for lang, text in texts.items()}
            if len({frozenset(names) for names in fields.values()}) != 1:
                raise CatalogError(f"{where}: placeholders differ between languages: {fields}")
            catalog[key] = {lang: text.strip() for lang, text in texts.items()}
            origin[key] = path.name
    return catalog


@functools.cache
def catalog() -> dict[str, dict[str, str]]:
    """All catalogs, loaded once."""
    return load_catalogs()


def t(lang: str, key: str, **params: Any) -> str:
    """The text `key` in `lang` (English if `lang` is unknown), with `params` filled in escaped."""
    texts = catalog()[key]  # KeyError: a missing key is a bug that tests must catch
    text = texts.get(lang) or texts[DEFAULT_LANG]
    if not params:
        return text
    safe = {
        name: value if isinstance(value, Html) else html.escape(strip_unsafe(str(value)))
        for name, value in params.items()
    }
    return text.format(**safe)


def language_from_code(language_code: str | None) -> Lang:
    """The bot language for a Telegram `language_code`: "ru-RU" → ru, "kk" → kk, else en."""
    base = (language_code or "").split("-")[0].split("_")[0].lower()
    if base == "ru":
        return "ru"
    if base in ("kk", "kz"):
        return "kk"
    return DEFAULT_LANG


def parse_language(text: str | None) -> Lang | None:
    """A language the user typed ("ru", "RU", "рус", "қазақша", "English"), or None."""
    word = (text or "").strip().lower()
    for lang, prefixes in _LANGUAGE_WORDS.items():
        if word == lang or any(word.startswith(prefix) for prefix in prefixes):
            return lang
    return None


_LANGUAGE_WORDS: dict[Lang, tuple[str, ...]] = {
    "kk": ("kaz", "kazakh", "қаз", "каз", "kz"),
    "ru": ("rus", "рус", "russian"),
    "en": ("eng", "англ", "ағыл"),
}
