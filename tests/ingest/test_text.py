"""Ingest quotes are verbatim slices of the article, starting after an opening dateline."""

from __future__ import annotations

import html
import re

import pytest

from bot.ingest.text import split_sentences
from tests.support.harness import running_bot, texts
from tests.support.seedcopy import FIRST_ARTICLE, REAL_SEEDS, copy_seeds
from tests.support.updates import ADMIN_ID

ARTICLE = (REAL_SEEDS / FIRST_ARTICLE).read_text(encoding="utf-8")  # opens " date 2025-12-05 "
# The same report as another outlet printed it: not the seeds' article, so it is drafted.
REPRINT = ARTICLE.replace("BAQ.KZ", "Kazinform", 1)


def test_the_first_sentence_starts_after_the_dateline():
    assert ARTICLE.startswith(" date 2025-12-05 ")
    first, second = split_sentences(ARTICLE)[:2]
    assert first.text.startswith("Қазақстан Республикасының Сыртқы істер министрі")
    assert ARTICLE[first.start :].startswith(first.text)
    assert ARTICLE[second.start :].startswith(second.text)
    assert split_sentences(" date 2025-12-05 ") == []  # a dateline alone is no sentence
    assert split_sentences("The date 2025-12-05 was set.")[0].text.startswith("The date")


def test_a_hard_wrapped_text_keeps_its_sentences_whole():
    lines = [
        "Kazakh President Kassym-Jomart Tokayev met with the Ambassador of",
        "Qatar to Kazakhstan Ali bin Saeed Al Kuwari. The President named Qatar",
        "one of the closest partners of the country and thanked the ambassador",
        "for his work. The parties discussed trade, energy and healthcare and",
        "agreed to meet again. The ambassador confirmed the readiness of Doha",
        "to continue the cooperation in many fields.",
    ]
    text = "\n".join(lines)
    sentences = split_sentences(text)
    assert sentences[0].text == "\n".join(lines)[: text.index(" The President")]
    assert len(sentences) == 4 and all(text[s.start :].startswith(s.text) for s in sentences)
    # a headline over its lede, one line each, stays apart
    assert len(split_sentences("Tokayev meets Qatari envoy\nThe President met him.")) == 2


async def test_ingest_quotes_from_a_dated_article_are_verbatim_and_skip_the_dateline(tmp_path):
    async with running_bot(tmp_path, admins=(ADMIN_ID,), seeds_dir=copy_seeds(tmp_path)) as bot:
        calls = await bot.send(f"/ingest {REPRINT}", user=bot.user("en", ADMIN_ID))
        again = await bot.send(f"/ingest {ARTICLE}", user=bot.user("en", ADMIN_ID))
    assert texts(again) == [
        "♻️ Already known: <code>baq-2025-12-05-osce-mc32</code> — this "
        "article is in the seeds; nothing new to draft."
    ]
    reply = html.unescape("\n".join(texts(calls)))
    assert "published: 2025-12-05" in reply  # the dateline is still read as the date
    quotes = re.findall(r"^#   - (.+)$", reply, re.M)
    assert quotes and quotes[0].startswith("Қазақстан Республикасының")
    assert all(quote in REPRINT and not quote.startswith("date ") for quote in quotes)


@pytest.mark.parametrize(
    "text",
    [
        "A call took place between the minister and the U.S. Secretary of State Michael Pompeo.",
        # two initials
        "Алқа мәжілісіне ШЫҰ Бас хатшысы Д.Ф. Мезенцев қатысты.",
    ],
)
def test_an_abbreviation_or_initials_end_no_sentence(text):
    assert [s.text for s in split_sentences(text)] == [text]
