"""Property tests: no text makes a conversation command, button or inline query fail.

One running bot serves all examples of a test (it is not reset between them, which is what a
real bot sees too); the number of examples is bounded so the suite stays fast.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.conversation.callbacks import parse_callback
from bot.telegram.updates import make_callback_update, make_inline_query
from tests.support.harness import texts

COMMANDS = ["/meetings", "/minister", "/topic", "/event", "/search"]
# Letters users actually mix (Kazakh, Russian, Latin with diacritics), markup and emoji.
ALPHABET = st.sampled_from(
    list("КөшербаевқұңғүұһіәабвгдеёжзийклмнопрстуфхцчшщъыьэюяKoshrbayevLjčáš -.<>&\"'*_`[]()🙂")
)
ANY_TEXT = st.one_of(st.text(max_size=300), st.text(ALPHABET, max_size=80))
EXAMPLES = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@EXAMPLES
@given(command=st.sampled_from(COMMANDS), argument=ANY_TEXT)
async def test_every_command_answers_any_argument(bot, command, argument):
    calls = await bot.send(f"{command} {argument}")  # the harness fails on a raised error
    assert texts(calls), f"no answer to {command} {argument!r}"


@EXAMPLES
@given(data=st.one_of(st.text(max_size=70), st.from_regex(r"(mtg|evt|tpl|ppl):[ -~]{0,40}")))
async def test_every_button_press_is_answered(bot, data):
    if not data:
        return  # Telegram never sends empty callback data
    await bot.send("/meetings")
    calls = await bot.process(make_callback_update(data, bot.last_message(), bot.inner.user))
    assert calls and calls[0].method == "answerCallbackQuery"
    assert not bot.api.unanswered_callbacks
    if parse_callback(data) is None:
        assert [c.method for c in calls] == ["answerCallbackQuery"]


@EXAMPLES
@given(query=ANY_TEXT)
async def test_every_inline_query_is_answered(bot, query):
    calls = await bot.process(make_inline_query(query, bot.inner.user))
    assert [c.method for c in calls] == ["answerInlineQuery"]
    assert len(calls[0].params["results"]) <= 50
