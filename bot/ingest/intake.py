"""Checking what an editor hands in before reading it as an article."""

from __future__ import annotations

import re

MAX_BYTES = 200_000  # a long news article is 20 kB; a megabyte is a dump, not an article
MIN_LETTERS = 40
_TAG = re.compile(
    r"</?(?:html|head|body|div|p|span|a|br|script|style|meta|table|td|tr)\b[^>]*>", re.I
)


class ArticleError(ValueError):
    """The input is not an article text; `.reason` is a key: empty, binary, too_large, html."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


def article_text(data: bytes | str) -> str:
    """The article as text, or ArticleError saying why the input is not one."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if len(raw) > MAX_BYTES:
        raise ArticleError("too_large", f"{len(raw)} bytes; an article is at most {MAX_BYTES}")
    if b"\0" in raw:
        raise ArticleError("binary", "the file contains NUL bytes: not a text file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArticleError("binary", f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    if len(_TAG.findall(text)) >= 3:
        raise ArticleError("html", "this is HTML markup; paste or save the article's plain text")
    if sum(ch.isalpha() for ch in text) < MIN_LETTERS:
        raise ArticleError("empty", "there is no article text in it")
    return text
