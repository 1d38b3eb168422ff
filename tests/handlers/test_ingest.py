"""Operators hand the bot an article in Telegram and get draft records back; others do not."""

from bot.telegram.updates import make_chat, make_message_update
from tests.support.harness import running_bot, texts
from tests.support.seedcopy import copy_seeds
from tests.support.updates import ADMIN_ID, user

ARTICLE = (
    " date 2025-06-10 Қазақстан Республикасының Сыртқы істер министрі Мұрат Нұртілеу Әзербайжан "
    "Сыртқы істер министрі Джейхун Байрамовпен телефон арқылы сөйлесті. Тараптар көлік "
    "байланыстарын талқылады."
)


async def test_operator_gets_drafts_for_pasted_article(tmp_path):
    async with running_bot(tmp_path, admins=(ADMIN_ID,), seeds_dir=copy_seeds(tmp_path)) as bot:
        calls = await bot.send(f"/ingest {ARTICLE}", user=bot.user("en", ADMIN_ID))
    reply = "\n".join(texts(calls))
    assert "New draft records: 1" in reply
    assert "kind: phone_call" in reply and "bayramov-jeyhun" in reply


async def test_forwarded_article_in_russian_chat(tmp_path):
    async with running_bot(tmp_path, admins=(ADMIN_ID,), seeds_dir=copy_seeds(tmp_path)) as bot:
        admin = bot.user("ru", ADMIN_ID)
        update = make_message_update(ARTICLE, make_chat("private", user=admin), admin)
        update["message"]["forward_origin"] = {
            "type": "hidden_user",
            "date": 0,
            "sender_user_name": "МИД",
        }
        calls = await bot.process(update)
    assert "Новых черновиков записей: 1" in texts(calls)[0]


async def test_html_is_refused_politely(tmp_path):
    async with running_bot(tmp_path, admins=(ADMIN_ID,), seeds_dir=copy_seeds(tmp_path)) as bot:
        calls = await bot.send(
            "/ingest <html><body><p>" + ARTICLE + "</p></body></html>",
            user=bot.user("en", ADMIN_ID),
        )
    assert texts(calls) == ["That looks like HTML markup. Please send the article's plain text."]


async def test_empty_command_explains_usage(tmp_path):
    async with running_bot(tmp_path, admins=(ADMIN_ID,), seeds_dir=copy_seeds(tmp_path)) as bot:
        calls = await bot.send("/ingest", user=bot.user("en", ADMIN_ID))
    assert "/ingest" in texts(calls)[0] and ".txt" in texts(calls)[0]


async def test_non_operator_is_refused(tmp_path):
    async with running_bot(tmp_path, admins=(ADMIN_ID,), seeds_dir=copy_seeds(tmp_path)) as bot:
        calls = await bot.send(f"/ingest {ARTICLE}", user=user("en"))
    assert texts(calls) == ["Sorry, this command is for the bot's operators only."]
