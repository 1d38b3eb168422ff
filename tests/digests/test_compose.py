"""Digest composition on the project's real seeds for chosen dates, and its rendering."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest

from bot.conversation.cards import escape, utf16_len
from bot.digests.compose import compose_digest, is_jubilee, occurrence
from bot.digests.composer import DigestComposer, subscription_digest
from bot.digests.render import digest_messages, plural, render_digest
from bot.records.loading import load_seeds
from bot.records.models import Anniversary, Localized
from bot.records.seedset import SeedSet
from bot.settings import PROJECT_ROOT
from bot.storage.base import Subscription, to_timestamp
from bot.storage.sqlite.database import Database
from bot.storage.sqlite.seeds import SqliteSeedStore

HELSINKI = "helsinki-final-act"


@pytest.fixture(scope="module")
def seeds() -> SeedSet:
    return load_seeds(PROJECT_ROOT / "seeds")


def note_for(notes, anniversary_id):
    (note,) = [note for note in notes if note.anniversary.id == anniversary_id]
    return note


def test_fiftieth_helsinki_anniversary_is_a_jubilee(seeds):
    digest = compose_digest(seeds, dt.date(2025, 8, 1))
    note = note_for(digest.anniversaries, HELSINKI)
    assert (note.years, note.jubilee, note.days_ahead) == (50, True, 0)
    # A digest cites the records known by its day: the 2019 and 2024 reports, not Vienna 2025.
    cited = [
        e.id
        for e in seeds.events.values()
        if HELSINKI in e.anniversaries and e.date.start <= dt.date(2025, 8, 1)
    ]
    assert cited and sorted(e.id for e in note.mentioned_in) == sorted(cited)
    assert "2025-12-05-vienna-osce-mc32" not in cited
    later = compose_digest(seeds, dt.date(2026, 8, 1))
    assert "2025-12-05-vienna-osce-mc32" in [
        e.id for e in note_for(later.anniversaries, HELSINKI).mentioned_in
    ]
    text = "\n".join(digest_messages(digest, seeds, "en", send_empty=False))
    assert "50 years ago today" in text and "round anniversary" in text


def test_fifty_first_is_not_a_jubilee_and_russian_plural_is_god(seeds):
    digest = compose_digest(seeds, dt.date(2026, 8, 1))
    note = note_for(digest.anniversaries, HELSINKI)
    assert (note.years, note.jubilee) == (51, False)
    ru = "\n".join(render_digest(digest, seeds, "ru"))
    assert "51 год назад" in ru and "Юбилей" not in ru
    kk = "\n".join(render_digest(digest, seeds, "kk"))
    assert "51 жыл" in kk


def test_one_year_since_the_atamkulov_lajcak_talks(seeds):
    digest = compose_digest(seeds, dt.date(2020, 4, 8))
    listed = [echo.event.id for echo in digest.echoes]
    listed += [event.id for echo in digest.echoes for event in echo.margins]
    assert listed == ["2019-04-08-astana-atamkulov-lajcak"]
    assert {echo.years for echo in digest.echoes} == {1}
    assert "1 year ago today" in "\n".join(render_digest(digest, seeds, "en"))


def test_no_echo_on_a_reports_dateline(seeds):
    # The Vienna meetings of December 2025 have no day (their reports are dated the 5th):
    # a digest does not call 5 December 2026 their anniversary.
    assert compose_digest(seeds, dt.date(2026, 12, 5)).echoes == ()


def test_seven_days_ahead_of_the_fiftieth(seeds):
    digest = compose_digest(seeds, dt.date(2025, 7, 25))
    note = note_for(digest.upcoming_anniversaries, HELSINKI)
    assert (note.days_ahead, note.years, note.notice) == (7, 50, True)
    assert not [n for n in digest.anniversaries if n.anniversary.id == HELSINKI]
    assert "In a week" in "\n".join(render_digest(digest, seeds, "en"))
    # Six days ahead it is listed as coming up, but the one-week notice is not repeated.
    later = note_for(compose_digest(seeds, dt.date(2025, 7, 26)).upcoming_anniversaries, HELSINKI)
    assert (later.days_ahead, later.notice) == (6, False)


@pytest.mark.parametrize(
    ("day", "lang", "line"),
    [
        (
            "2025-07-25",
            "en",
            "Signing of the Helsinki Final Act</b> — 50 years, a round anniversary",
        ),
        ("2025-07-25", "ru", "«<b>Подписание Хельсинкского заключительного акта</b>» — 50 лет"),
        ("2025-07-26", "en", "1 August 2025: <b>Signing of the Helsinki Final Act</b> — 50 years."),
    ],
)
def test_coming_anniversary_names_the_event_then_the_years(seeds, day, lang, line):
    # Titles are headlines ("Kazakhstan joins the CSCE"): "50 years since <title>" misreads.
    digest = compose_digest(seeds, dt.date.fromisoformat(day))
    assert line in "\n".join(render_digest(digest, seeds, lang))


def test_changed_records_are_listed_as_new_and_unknown_ids_ignored(seeds):
    some = sorted(seeds.events)[:2]
    digest = compose_digest(seeds, dt.date(2026, 3, 3), changed_ids=[*some, "no-such-event"])
    assert sorted(e.id for e in digest.new_events) == some
    assert (
        compose_digest(
            seeds, dt.date(2026, 3, 3), kind="anniversaries", changed_ids=some
        ).new_events
        == ()
    )


def test_topic_filter_keeps_only_matching_items(seeds):
    helsinki = seeds.anniversaries[HELSINKI]
    unrelated = next(tid for tid in seeds.topics if tid not in helsinki.topics and
                     not any(seeds.topics[t].parent == tid for t in helsinki.topics))  # fmt: skip
    kept = compose_digest(seeds, dt.date(2025, 8, 1), topics=[helsinki.topics[0]])
    dropped = compose_digest(seeds, dt.date(2025, 8, 1), topics=[unrelated])
    assert note_for(kept.anniversaries, HELSINKI).mentioned_in
    # Topics filter the records, not the calendar (issue 14): the anniversary stays, the
    # records cited under it are only those of the chat's topics.
    note = note_for(dropped.anniversaries, HELSINKI)
    assert all(unrelated in e.topics for e in note.mentioned_in)


def test_empty_day_sends_nothing_unless_asked(seeds):
    quiet = compose_digest(SeedSet(), dt.date(2026, 3, 3))
    assert quiet.is_empty
    assert digest_messages(quiet, seeds, "en", send_empty=False) == []
    (message,) = digest_messages(quiet, seeds, "ru", send_empty=True)
    assert "сообщить нечего" in message


def test_every_message_fits_telegram_and_tags_balance(seeds):
    for day in (dt.date(2025, 8, 1), dt.date(2026, 12, 5)):
        digest = compose_digest(seeds, day, changed_ids=list(seeds.events))
        for lang in ("kk", "ru", "en"):
            for message in digest_messages(digest, seeds, lang, send_empty=False):
                assert utf16_len(message) <= 4096
                opened = re.findall(r"<(b|i)>", message)
                closed = re.findall(r"</(b|i)>", message)
                assert sorted(opened) == sorted(closed)


def test_titles_are_html_escaped():
    hostile = Anniversary(
        id="hostile",
        title=Localized(kk="<b>x</b> & y", ru="<b>x</b> & y", en="<script>x</script> & y"),
        date=dt.date(2000, 6, 1),
        description=Localized(kk="a<b", ru="a<b", en="a<b"),
        reference="test",
    )
    digest = compose_digest(SeedSet(anniversaries={"hostile": hostile}), dt.date(2025, 6, 1))
    text = "\n".join(render_digest(digest, SeedSet(), "en"))
    assert "&lt;script&gt;x&lt;/script&gt; &amp; y" in text and "<script>" not in text
    assert "a&lt;b" in text


@pytest.mark.parametrize(
    ("n", "lang", "expected"),
    [(1, "ru", "1 год"), (2, "ru", "2 года"), (5, "ru", "5 лет"), (11, "ru", "11 лет"),
     (21, "ru", "21 год"), (51, "ru", "51 год"), (50, "ru", "50 лет"), (1, "en", "1 year"),
     (51, "en", "51 years"), (51, "kk", "51 жыл")],
)  # fmt: skip
def test_year_plurals(n, lang, expected):
    assert plural(lang, "digest.years", n) == expected


def test_jubilees_are_multiples_of_five():
    assert [y for y in range(1, 101) if is_jubilee(y)] == list(range(5, 101, 5))


def test_leap_day_anniversary_falls_on_28_february():
    assert occurrence(dt.date(1992, 2, 29), 2025) == dt.date(2025, 2, 28)
    assert occurrence(dt.date(1992, 2, 29), 2028) == dt.date(2028, 2, 29)


# -- one composition per distinct digest in a tick -----------------------------------------------


async def test_chats_with_the_same_digest_share_one_composition(tmp_path, seeds):
    database = await Database.open(tmp_path / "bot.sqlite3")
    try:
        storage = SqliteSeedStore(database)
        await storage.sync_seeds(seeds)
        edited = sorted(seeds.events)[:2]
        old, fresh = to_timestamp("2026-01-01T00:00:00"), to_timestamp("2026-07-31T12:00:00")
        async with database.transaction() as tx:
            await tx.execute("UPDATE events SET updated_at = ?", (old,))
            await tx.executemany(
                "UPDATE events SET updated_at = ? WHERE id = ?", [(fresh, eid) for eid in edited]
            )
        before = dt.datetime(2026, 7, 31, tzinfo=dt.UTC)
        after = dt.datetime(2026, 8, 1, tzinfo=dt.UTC)

        def sub(chat_id, lang, last_digest):
            return Subscription(chat_id, "daily", dt.time(9), "UTC", lang, created_at=before,
                                last_digest_at=last_digest)  # fmt: skip

        alice, bob = sub(1, "en", before), sub(2, "en", before)  # the same digest
        olga, dana = sub(3, "ru", before), sub(4, "en", after)  # another language; nothing new
        composer = DigestComposer(storage, seeds, send_empty=True)
        day = dt.date(2026, 8, 1)
        got = {s.chat_id: await composer(s, day) for s in (alice, bob, olga, dana)}
        assert composer.composed == 3
        assert got[1] == got[2] and got[1] != got[4]
        for s in (alice, bob, olga, dana):  # the same messages as composed chat by chat
            assert got[s.chat_id] == await subscription_digest(storage, seeds, s, day, True)
        new_titles = [seeds.events[eid].title.get("en") for eid in edited]
        assert all(escape(title) in "\n".join(got[1]) for title in new_titles)
    finally:
        await database.close()


def test_search_index_lookups_give_the_same_digests_as_the_records(seeds):
    from bot.search.index import SearchIndex

    indexed = dataclasses.replace(seeds)  # another SeedSet object: its own DigestIndex
    search = SearchIndex.build(indexed)
    for day in (dt.date(2025, 8, 1), dt.date(2020, 4, 8), dt.date(2025, 7, 25)):
        plain = compose_digest(seeds, day)
        assert plain.anniversaries or plain.echoes or plain.upcoming_anniversaries
        assert compose_digest(indexed, day, search=search) == plain


def test_digest_command_prints_the_day_in_the_chosen_language(tmp_path, monkeypatch, capsys):
    from bot.cli import main

    monkeypatch.setenv("BOT_DB", str(tmp_path / "bot.sqlite3"))
    assert main(["digest", "--date", "2025-08-01", "--lang", "ru"]) == 0
    out = capsys.readouterr().out
    assert "Хельсинкского заключительного акта" in out and "50 лет" in out
    assert "<b>" not in out  # terminal text, not Telegram HTML
    assert main(["digest", "--date", "2025-08-01", "--chat", "42"]) == 2
    assert "chat 42 has no subscription" in capsys.readouterr().err
    with pytest.raises(SystemExit) as refused:  # argparse: a clear message, exit 2
        main(["digest", "--date", "9999-12-31"])
    assert refused.value.code == 2 and "outside" in capsys.readouterr().err
