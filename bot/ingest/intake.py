"""Checking what an editor hands in before reading it as an article."""

from __future__ import annotations

import re

MAX_BYTES = 200_000  # a long news article is 20 kB; a megabyte is a dump, not an article
MIN_LETTERS = 40
_TAG = re.compile(
    r"</?(?:html|head|body|div|p|span|a|br|script|style|meta|table|td|tr)\b[^>]*>", re.I
)


class ArticleError(ValueError):
    """The input is not an article text; `.reason` is a key: empty, binary, encoding, too_large,
    html."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


def read_article(data: bytes | str) -> tuple[str, str]:
    """The article as text and the encoding it was read in (utf-8, utf-16, windows-1251), or
    ArticleError saying why the input is not one."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if len(raw) > 2 * MAX_BYTES:  # UTF-16 takes twice the bytes of the same article
        raise ArticleError("too_large", f"{len(raw)} bytes; an article is at most {MAX_BYTES}")
    text, encoding = _decode(raw)
    size = len(text.encode("utf-8"))
    if size > MAX_BYTES:
        raise ArticleError("too_large", f"{size} bytes; an article is at most {MAX_BYTES}")
    if len(_TAG.findall(text)) >= 3:
        raise ArticleError("html", "this is HTML markup; paste or save the article's plain text")
    if sum(ch.isalpha() for ch in text) < MIN_LETTERS:
        raise ArticleError("empty", "there is no article text in it")
    return text, encoding


def article_text(data: bytes | str) -> str:
    """The article as text, or ArticleError saying why the input is not one."""
    return read_article(data)[0]


def _utf16(raw: bytes) -> str | None:
    """The text when the bytes are UTF-16: a byte-order mark, or a NUL in every other byte."""
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        codec = "utf-16"
    elif len(raw) >= 4 and len(raw) % 2 == 0 and raw[1::2].count(0) > len(raw) // 4:
        codec = "utf-16-le"
    elif len(raw) >= 4 and len(raw) % 2 == 0 and raw[0::2].count(0) > len(raw) // 4:
        codec = "utf-16-be"
    else:
        return None
    try:
        text = raw.decode(codec)
    except UnicodeDecodeError:
        return None
    return text if _prose(text) else None


def _prose(text: str) -> bool:
    """Whether decoded text reads as kk/ru/en prose: words with spaces between them, in Latin
    or Cyrillic letters, not the look of bytes decoded with the wrong table."""
    shown = [ch for ch in text if not ch.isspace()]
    if not shown or sum(ch.isspace() for ch in text) < 0.05 * len(text):
        return False
    usual = sum(ord(ch) < 0x0530 or 0x2000 <= ord(ch) <= 0x20CF for ch in shown)
    return usual >= 0.9 * len(shown)


def _decode(raw: bytes) -> tuple[str, str]:
    text = _utf16(raw)
    if text is not None:
        return text, "utf-16"
    if b"\0" in raw:
        raise ArticleError("binary", "the file contains NUL bytes: not a text file")
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = f"{exc.reason} at byte {exc.start}"
    # Windows-1251, as older Kazakh and Russian sites and editors save text: accepted when it
    # reads as Cyrillic prose, not as the mojibake of some other encoding.
    text = raw.decode("cp1251", errors="replace")
    letters = [ch for ch in text if ch.isalpha()]
    cyrillic = sum("\u0400" <= ch <= "\u04ff" for ch in letters)
    if "\ufffd" not in text and letters and cyrillic / len(letters) >= 0.6 and _prose(text):
        return text, "windows-1251"
    raise ArticleError("encoding", f"neither UTF-8 ({utf8_error}), UTF-16 nor Windows-1251 text")
