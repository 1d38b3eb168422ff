"""Telegram's limits on what a bot may send, checked the way the Bot API checks them.

Shared by the Bot API emulator (which answers 400 like Telegram does) and by the tests'
`assert_telegram_limits`. Pure functions, no PTB: the same checks serve the HTTP emulator.
"""

from __future__ import annotations

import html
from html.parser import HTMLParser
from typing import Any

MAX_TEXT = 4096  # UTF-16 code units of the text after entity parsing
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64  # bytes
MAX_INLINE_RESULTS = 50

# Telegram's HTML parse mode knows these tags and nothing else; attributes per tag.
ALLOWED_TAGS: dict[str, frozenset[str]] = {
    "b": frozenset(),
    "strong": frozenset(),
    "i": frozenset(),
    "em": frozenset(),
    "u": frozenset(),
    "ins": frozenset(),
    "s": frozenset(),
    "strike": frozenset(),
    "del": frozenset(),
    "span": frozenset({"class"}),  # only class="tg-spoiler"
    "tg-spoiler": frozenset(),
    "a": frozenset({"href"}),
    "code": frozenset({"class"}),  # class="language-xyz" inside <pre>
    "pre": frozenset(),
    "blockquote": frozenset({"expandable"}),
    "tg-emoji": frozenset({"emoji-id"}),
}
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


def retry_after_seconds(exc: object) -> float:
    """The wait a 429 asked for, in seconds, from PTB's RetryAfter (an int or a timedelta).

    Read from PTB's stored value when it has one, as its own AIORateLimiter does: the public
    attribute warns unless PTB_TIMEDELTA is set (bot/__init__.py sets it).
    """
    value: Any = getattr(exc, "_retry_after", None) or getattr(exc, "retry_after", 0)
    seconds = getattr(value, "total_seconds", None)
    return float(seconds() if seconds is not None else value or 0)


def utf16_len(text: str) -> int:
    """Length of `text` as Telegram counts it: UTF-16 code units (an emoji may count 2)."""
    return len(text.encode("utf-16-le")) // 2


class HtmlProblem(ValueError):
    """A text Telegram's HTML parse mode would reject (the message says why)."""


class _TelegramHtmlParser(HTMLParser):
    """Walks a message, keeping the visible text and failing on what Telegram rejects."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.visible: list[str] = []
        self.open_tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            raise HtmlProblem(f'Unsupported start tag "{tag}"')
        for name, value in attrs:
            if name not in ALLOWED_TAGS[tag]:
                raise HtmlProblem(f'Unsupported attribute "{name}" in tag "{tag}"')
            if tag == "span" and value != "tg-spoiler":
                raise HtmlProblem('Tag "span" must have class "tg-spoiler"')
        if tag == "span" and not attrs:
            raise HtmlProblem('Tag "span" must have class "tg-spoiler"')
        if tag == "a" and not dict(attrs).get("href"):
            raise HtmlProblem('Tag "a" needs an href')
        self.open_tags.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise HtmlProblem(f'Unsupported self-closing tag "{tag}"')

    def handle_endtag(self, tag: str) -> None:
        if not self.open_tags or self.open_tags[-1] != tag:
            raise HtmlProblem(f'Unmatched end tag "{tag}"')
        self.open_tags.pop()

    def handle_data(self, data: str) -> None:
        if "<" in data:
            raise HtmlProblem("Unescaped '<' in text")
        if "&" in data:
            raise HtmlProblem("Unescaped '&' in text")
        self.visible.append(data)

    def handle_entityref(self, name: str) -> None:
        if name not in NAMED_ENTITIES:
            raise HtmlProblem(f'Unsupported HTML entity "&{name};"')
        self.visible.append(NAMED_ENTITIES[name])

    def handle_charref(self, name: str) -> None:
        self.visible.append(html.unescape(f"&#{name};"))

    def handle_comment(self, data: str) -> None:
        raise HtmlProblem("Comments are not supported")

    def handle_decl(self, decl: str) -> None:
        raise HtmlProblem("Declarations are not supported")

    def unknown_decl(self, data: str) -> None:
        raise HtmlProblem("Declarations are not supported")

    def handle_pi(self, data: str) -> None:
        raise HtmlProblem("Processing instructions are not supported")


def parse_telegram_html(text: str) -> str:
    """Return the visible text of an HTML-mode message, or raise HtmlProblem like Telegram."""
    parser = _TelegramHtmlParser()
    parser.feed(text)
    parser.close()
    if parser.rawdata:  # html.parser keeps an unfinished '<...' here
        raise HtmlProblem("Unescaped '<' in text")
    if parser.open_tags:
        tag = parser.open_tags[-1]
        raise HtmlProblem(f'Can\'t find end tag corresponding to start tag "{tag}"')
    return "".join(parser.visible)


def visible_text(text: str, parse_mode: str | None) -> str:
    """The text a user sees: HTML parsed when `parse_mode` is HTML, else `text` itself."""
    if (parse_mode or "").upper() == "HTML":
        return parse_telegram_html(text)
    return text


def message_text_problem(text: str | None, parse_mode: str | None, limit: int = MAX_TEXT) -> str:
    """The Bot API error description for a bad message text or caption, or '' when it is fine."""
    if text is None:
        return "Bad Request: message text is empty"
    try:
        shown = visible_text(text, parse_mode)
    except HtmlProblem as exc:
        return f"Bad Request: can't parse entities: {exc}"
    if not shown.strip():
        return "Bad Request: message text is empty"
    if utf16_len(shown) > limit:
        return "Bad Request: message is too long"
    return ""


def reply_markup_problem(markup: object) -> str:
    """The Bot API error description for a bad inline keyboard, or '' when it is fine."""
    if not isinstance(markup, dict) or "inline_keyboard" not in markup:
        return ""
    for row in markup["inline_keyboard"]:
        for button in row:
            if not str(button.get("text", "")).strip():
                return "Bad Request: text buttons are unallowed in the inline keyboard"
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA:
                return "Bad Request: BUTTON_DATA_INVALID"
    return ""
