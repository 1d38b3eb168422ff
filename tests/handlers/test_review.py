"""/review: ingest drafts reach no user before an operator approves them; approving makes them
live at once (no restart), rejecting removes them, corrections by reply are validated, forged
buttons and non-operators are refused — all through the real Application."""

import re

from bot.conversation.callbacks import review_data
from bot.telegram.updates import make_callback_update, make_chat, make_message_update
from tests.support.harness import button_data, running_bot, texts
from tests.support.seedcopy import copy_seeds
from tests.support.updates import ADMIN_ID, user

# A phone call with a person the seeds do not know (Espen Barth Eide): everything about it is new.
ARTICLE = (
    " date 2025-03-14 Minister of Foreign Affairs of Kazakhstan Yermek Kosherbayev held a "
    "telephone conversation with Espen Barth Eide, the Foreign Minister of Norway.\n"
    "The ministers discussed regional security and connectivity.\n"
)
SUMMARY = "Kosherbayev and Eide discussed regional security and connectivity by phone."


def answers(calls):
    return [c.params.get("text") for c in calls if c.method == "answerCallbackQuery"]


def everything_said(calls) -> str:
    """Every text, button label, callback datum and inline result a user could see."""
    parts = texts(calls) + [d or "" for d in button_data(calls)]
    for call in calls:
        parts += [str(call.params.get(key, "")) for key in ("results", "caption", "document")]
    return "\n".join(parts)


async def ingest_as_operator(bot) -> str:
    """Forward-free intake: the operator sends /ingest; the draft's id is returned."""
    calls = await bot.send(f"/ingest {ARTICLE}", user=bot.user("en", ADMIN_ID))
    assert "Kept for review: 1" in "\n".join(texts(calls))
    calls = await bot.send("/review", user=bot.user("en", ADMIN_ID))
    [shown] = [text for text in texts(calls) if "🆔" in text]
    return re.search(r"🆔 <code>(\S+)</code>", shown).group(1)


def draft_message(bot) -> dict:
    """The newest message in the operator's chat (a /review draft, with the buttons)."""
    return bot.last_message(ADMIN_ID)


async def reply(bot, text: str, to: dict, sender: dict):
    update = make_message_update(text, make_chat("private", user=sender), sender, reply_to=to)
    return await bot.process(update)


async def test_a_draft_reaches_no_user_before_approval_and_is_live_after_it(tmp_path):
    seeds = copy_seeds(tmp_path)
    async with running_bot(tmp_path, admins=(ADMIN_ID,), seeds_dir=seeds) as bot:
        draft_id = await ingest_as_operator(bot)
        assert draft_id == "2025-03-kosherbayev-eide-call"
        admin = bot.user("en", ADMIN_ID)
        # Stored, but not in the seeds: no list, search, card, person, inline result or digest.
        seen = []
        for command in ["/meetings", "/meetings 2025-03", "/minister Eide",
                        "/search Espen Barth Eide", "/topic connectivity",
                        "/digest 2025-03-14", "/calendar", "Eide Norway"]:  # fmt: skip
            seen += await bot.send(command)
        seen += await bot.process(
            {
                "update_id": 0,
                "inline_query": {"id": "1", "from": bot.inner.user, "query": "Eide", "offset": ""},
            }
        )
        said = everything_said(seen)
        draft = ["Espen Barth Eide</b>", "Phone call: Yermek Kosherbayev", "held a telephone",
                 "an editor writes the summary", draft_id]  # fmt: skip
        assert [text for text in draft if text in said] == []
        assert "Nobody called “Eide” is in the records" in said  # /minister
        assert draft_id not in bot.engine.seeds.events
        card = "\n".join(texts(await bot.send(f"/event {draft_id}")))  # only the id is echoed
        assert "no meeting" in card.lower() and "Eide" not in card

        # The operator writes the summary by replying to the draft, then approves it.
        calls = await reply(bot, f"summary: {SUMMARY}", draft_message(bot), admin)
        assert f"Corrected <code>{draft_id}</code>" in texts(calls)[0]
        assert SUMMARY in "\n".join(texts(calls))
        calls = await bot.press("✅ Approve", user=admin, chat_id=ADMIN_ID)
        assert f"Approved <code>{draft_id}</code>" in "\n".join(texts(calls))
        assert "No drafts are awaiting review" not in "\n".join(texts(calls))

        # Live at once, in the same running bot.
        calls = await bot.send("/meetings 2025-03")
        assert "Espen Barth Eide" in "\n".join(texts(calls))
        calls = await bot.send("/minister Eide")
        assert "Espen Barth Eide" in "\n".join(texts(calls))
        calls = await bot.send(f"/event {draft_id}")
        assert SUMMARY in "\n".join(texts(calls))
        calls = await bot.send("/review", user=admin)
        assert texts(calls) == [
            "No drafts are awaiting review. Forward an article to me (or run "
            "<code>python -m bot ingest FILE --write</code>) to make some."
        ]


async def test_placeholder_summary_is_never_approved(tmp_path):
    async with running_bot(tmp_path, admins=(ADMIN_ID,), seeds_dir=copy_seeds(tmp_path)) as bot:
        draft_id = await ingest_as_operator(bot)
        calls = await bot.press("✅ Approve", user=bot.user("en", ADMIN_ID), chat_id=ADMIN_ID)
        assert "Write the summary first" in texts(calls)[0]
        assert draft_id not in bot.engine.seeds.events


async def test_reject_removes_the_draft(tmp_path):
    seeds = copy_seeds(tmp_path)
    async with running_bot(tmp_path, admins=(ADMIN_ID,), seeds_dir=seeds) as bot:
        draft_id = await ingest_as_operator(bot)
        admin = bot.user("ru", ADMIN_ID)
        calls = await bot.press("🗑 Reject", user=admin, chat_id=ADMIN_ID)
        assert texts(calls) == [f"🗑 Отклонено <code>{draft_id}</code>: черновик удалён."]
        calls = await bot.send("/review", user=admin)
        assert texts(calls)[0].startswith("Черновиков на проверке нет")
        assert not [p for p in (seeds / "drafts").iterdir() if not p.name.startswith(".")]
        assert draft_id not in bot.engine.seeds.events


async def test_corrections_are_validated_with_a_clear_answer(tmp_path):
    async with running_bot(tmp_path, admins=(ADMIN_ID,), seeds_dir=copy_seeds(tmp_path)) as bot:
        draft_id = await ingest_as_operator(bot)
        admin = bot.user("en", ADMIN_ID)
        message = draft_message(bot)
        cases = {
            "date: 2025-02-30": "“2025-02-30” is not a date",
            "place: Atlantis": "“Atlantis” is no city or country",
            "kind: party": "“party” is not a kind of record",
            "colour: red": "There is no field <code>colour</code>",
            "just words": "Write a correction as <code>field: value</code>",
            "end_date: 2025-02-01": "That would not be a valid record",  # before the date
        }
        for text, expected in cases.items():
            calls = await reply(bot, text, message, admin)
            assert expected in texts(calls)[0], text
        calls = await reply(bot, "date: 2025-03-13\nplace: Astana", message, admin)
        shown = "\n".join(texts(calls))
        assert f"Corrected <code>{draft_id}</code>" in shown and "13 March 2025" in shown
        assert "Astana" in shown
        # Kazakh operator texts exist too.
        calls = await reply(bot, "date: soon", message, bot.user("kk", ADMIN_ID))
        assert "«soon» — күн емес" in texts(calls)[0]


async def test_forged_and_foreign_presses_change_nothing(tmp_path):
    async with running_bot(tmp_path, admins=(ADMIN_ID,), seeds_dir=copy_seeds(tmp_path)) as bot:
        draft_id = await ingest_as_operator(bot)
        admin = bot.user("en", ADMIN_ID)
        message = draft_message(bot)
        polite = "This button is no longer valid. Please send the command again."
        for data in ["rv:a:zzzzzzzzzz", "rv:q:" + review_data("approve", draft_id)[5:], "rv:a:",
                     "rv:a:" + "a" * 50, "rv:r:UPPERCASE1"]:  # fmt: skip
            calls = await bot.process(make_callback_update(data, message, admin))
            assert answers(calls) == [polite], data
        # Someone else pressing the operator's real button is refused, and nothing changes.
        calls = await bot.press("✅ Approve", user=user("en"), chat_id=ADMIN_ID)
        assert answers(calls) == ["Sorry, this command is for the bot's operators only."]
        calls = await bot.send("/review", user=admin)
        assert draft_id in "\n".join(texts(calls))


async def test_non_operators_are_refused(tmp_path):
    async with running_bot(tmp_path, admins=(ADMIN_ID,), seeds_dir=copy_seeds(tmp_path)) as bot:
        await ingest_as_operator(bot)
        calls = await bot.send("/review")
        assert texts(calls) == ["Sorry, this command is for the bot's operators only."]
        stranger = user("en")
        calls = await reply(bot, "summary: hacked", draft_message(bot), stranger)
        assert texts(calls) == ["Sorry, this command is for the bot's operators only."]


async def test_later_shows_the_next_draft(tmp_path):
    async with running_bot(tmp_path, admins=(ADMIN_ID,), seeds_dir=copy_seeds(tmp_path)) as bot:
        admin = bot.user("en", ADMIN_ID)
        first = await ingest_as_operator(bot)
        calls = await bot.press("⏭ Later", user=admin, chat_id=ADMIN_ID)
        assert answers(calls) == ["This is the only draft awaiting review."]
        other = ARTICLE.replace("2025-03-14", "2025-07-01").replace("regional", "energy")
        await bot.send(f"/ingest {other}", user=admin)
        calls = await bot.send("/review", user=admin)
        assert "Draft 1 of 2" in "\n".join(texts(calls))
        calls = await bot.press("⏭ Later", user=admin, chat_id=ADMIN_ID)
        shown = "\n".join(texts(calls))
        assert "Draft 2 of 2" in shown and first not in shown
        calls = await bot.send("/review 2025-07", user=admin)
        assert "Draft 1 of 1" in "\n".join(texts(calls))
