"""Tests for bot.i18n: every catalog is complete and consistent, and t() is safe."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.i18n import (
    CatalogError,
    Html,
    catalog,
    language_from_code,
    load_catalogs,
    parse_language,
    placeholders,
    t,
)
from bot.records.models import LANGS
from bot.telegram.limits import parse_telegram_html


def test_all_catalogs_load_with_three_languages_and_matching_placeholders():
    # load_catalogs raises on a duplicate key, a missing language or differing placeholders.
    texts = load_catalogs()
    assert texts, "no catalogs found"
    for key, by_lang in texts.items():
        assert set(by_lang) == set(LANGS), key
        assert len({frozenset(placeholders(text)) for text in by_lang.values()}) == 1, key


@pytest.mark.parametrize("lang", LANGS)
def test_every_text_is_valid_telegram_html_once_filled(lang):
    for key, by_lang in catalog().items():
        # A user's "<&>" in any parameter must not break the message.
        filled = t(lang, key, **dict.fromkeys(placeholders(by_lang[lang]), "x<&>"))
        try:
            assert "x<&>" in parse_telegram_html(filled) or not placeholders(by_lang[lang])
        except ValueError as exc:
            pytest.fail(f"{key} [{lang}]: {exc}")


def test_parameters_are_escaped_unless_marked_html():
    text = t("en", "error.unknown_command", command="/x<b>&")
    assert "/x&lt;b&gt;&amp;" in text
    assert parse_telegram_html(text)
    assert "<i>ok</i>" in t("en", "error.unknown_command", command=Html("<i>ok</i>"))


def test_unknown_language_falls_back_to_english_and_missing_key_is_an_error():
    assert t("de", "lang.set") == t("en", "lang.set")
    with pytest.raises(KeyError):
        t("en", "no.such.key")


@pytest.mark.parametrize(
    ("code", "lang"),
    [
        ("ru-RU", "ru"),
        ("ru", "ru"),
        ("kk", "kk"),
        ("kk-KZ", "kk"),
        ("en-GB", "en"),
        ("de", "en"),
        ("uk", "en"),
        (None, "en"),
        ("", "en"),
    ],
)
def test_language_from_telegram_code(code, lang):
    assert language_from_code(code) == lang


@pytest.mark.parametrize(
    ("typed", "lang"),
    [
        ("ru", "ru"),
        ("RU", "ru"),
        ("русский", "ru"),
        ("kk", "kk"),
        ("Қазақша", "kk"),
        ("kaz", "kk"),
        ("English", "en"),
        ("en", "en"),
        ("fr", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_language(typed, lang):
    assert parse_language(typed) == lang


def _write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text, encoding="utf-8")


def test_duplicate_key_across_files_is_an_error(tmp_path):
    entry = "greeting:\n  en: Hi\n  ru: Привет\n  kk: Сәлем\n"
    _write(tmp_path, "a.yaml", entry)
    _write(tmp_path, "b.yaml", entry)
    with pytest.raises(CatalogError, match=r"b.yaml: greeting: key already defined in a.yaml"):
        load_catalogs(tmp_path)


def test_duplicate_key_within_a_file_is_an_error(tmp_path):
    _write(tmp_path, "a.yaml", "g:\n  en: a\n  ru: b\n  kk: c\ng:\n  en: a\n  ru: b\n  kk: c\n")
    with pytest.raises(CatalogError, match="duplicate key"):
        load_catalogs(tmp_path)


def test_missing_language_is_an_error(tmp_path):
    _write(tmp_path, "a.yaml", "greeting:\n  en: Hi\n  ru: Привет\n")
    with pytest.raises(CatalogError, match="greeting: needs exactly the languages"):
        load_catalogs(tmp_path)


def test_differing_placeholders_are_an_error(tmp_path):
    _write(tmp_path, "a.yaml", "hi:\n  en: Hi {name}\n  ru: Привет {имя}\n  kk: Сәлем {name}\n")
    with pytest.raises(CatalogError, match="placeholders differ"):
        load_catalogs(tmp_path)


@pytest.mark.parametrize("lang", LANGS)
def test_command_menu_descriptions_start_with_a_capital_letter(lang):
    # Telegram lists them one under another in the menu, and /help prints them the same way.
    menu = {key: by_lang[lang] for key, by_lang in catalog().items() if key.startswith("menu.")}
    assert len(menu) >= 10
    assert [key for key, text in menu.items() if not text[0].isupper()] == []
