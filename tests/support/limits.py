"""`assert_telegram_limits(call)`: fail a test when the bot sends what Telegram would refuse."""

from __future__ import annotations

from bot.telegram.fake_api import ApiCall
from bot.telegram.limits import (
    MAX_CAPTION,
    HtmlProblem,
    message_text_problem,
    reply_markup_problem,
)

_TEXT_METHODS = {"sendMessage": "text", "editMessageText": "text"}


def assert_telegram_limits(call: ApiCall) -> None:
    """Check one outgoing Bot API call against Telegram's limits.

    Text ≤ 4096 UTF-16 units (captions ≤ 1024) after entity parsing; well-formed HTML with
    only Telegram's tags (b, i, u, s, a href, code, pre, blockquote, tg-spoiler…), every
    `<`/`&` escaped; callback data 1–64 bytes; buttons with text; inline results' texts too.
    """
    params = call.params
    problems = []
    if call.method in _TEXT_METHODS:
        problems.append(message_text_problem(params.get("text"), params.get("parse_mode")))
    if params.get("caption") is not None:
        problems.append(
            message_text_problem(params["caption"], params.get("parse_mode"), MAX_CAPTION)
        )
    problems.append(reply_markup_problem(params.get("reply_markup")))
    for result in params.get("results") or []:
        content = result.get("input_message_content") or {}
        if "message_text" in content:
            problems.append(
                message_text_problem(content["message_text"], content.get("parse_mode"))
            )
        problems.append(reply_markup_problem(result.get("reply_markup")))
    problems = [problem for problem in problems if problem]
    assert not problems, f"{call.method} breaks Telegram's limits: {problems}\n{params}"


__all__ = ["HtmlProblem", "assert_telegram_limits"]
