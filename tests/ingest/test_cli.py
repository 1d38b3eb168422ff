"""`python -m bot ingest` prints drafts, writes only into a valid seeds folder, refuses junk."""

import difflib
import json
import shutil

import pytest

from bot.cli import main
from bot.records.loading import load_seeds
from bot.settings import PROJECT_ROOT

ARTICLE = (
    " date 2025-03-14 Minister of Foreign Affairs of Kazakhstan Yermek Kosherbayev held a "
    "telephone conversation with Espen Barth Eide, the Foreign Minister of Norway.\n"
    "The ministers discussed regional security and connectivity.\n"
)


@pytest.fixture
def seeds_dir(tmp_path):
    folder = tmp_path / "seeds"
    shutil.copytree(PROJECT_ROOT / "seeds", folder)
    return folder


def snapshot(folder):
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_prints_json_drafts_and_writes_nothing(tmp_path, seeds_dir, capsys):
    article = tmp_path / "call.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    before = snapshot(seeds_dir)
    assert main(["ingest", str(article), "--json", "--seeds", str(seeds_dir)]) == 0
    [draft] = json.loads(capsys.readouterr().out)
    [event] = draft["events"]
    # Only the dateline dates it: the month, and the day it was reported (no meeting day).
    assert event["kind"] == "phone_call" and event["date"]["value"] == "2025-03"
    assert event["date"]["reported"] == "2025-03-14"
    assert [p["name"]["en"] for p in draft["people"]] == ["Espen Barth Eide"]
    assert snapshot(seeds_dir) == before


def seed_files(folder):
    """The seeds proper: every file but the drafts awaiting review."""
    return {k: v for k, v in snapshot(folder).items() if k.parts[0] != "drafts"}


CALL_ID = "2025-03-kosherbayev-eide-call"


def test_write_keeps_drafts_for_review_until_approved(tmp_path, seeds_dir, capsys):
    article = tmp_path / "call.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    before = seed_files(seeds_dir)
    assert main(["ingest", str(article), "--write", "--seeds", str(seeds_dir)]) == 0
    assert f"for review: {CALL_ID}" in capsys.readouterr().err
    # Nothing reached the seeds: the drafts wait in seeds/drafts/, which the loader never reads.
    assert seed_files(seeds_dir) == before
    assert CALL_ID not in load_seeds(seeds_dir).events
    assert main(["review", "--seeds", str(seeds_dir)]) == 0
    listed = capsys.readouterr().out
    assert "1 awaiting review" in listed and CALL_ID in listed and "[summary to write]" in listed
    # The same article again is not kept twice.
    assert main(["ingest", str(article), "--write", "--seeds", str(seeds_dir)]) == 0
    assert "already awaiting review: draft-2025-03-14-call" in capsys.readouterr().err
    # A placeholder summary is never approved.
    assert main(["review", "--approve", CALL_ID, "--seeds", str(seeds_dir)]) == 2
    assert "write the summary first" in capsys.readouterr().err
    assert seed_files(seeds_dir) == before
    edit = "summary: Kosherbayev and Eide discussed regional security by phone.\ndate: 2025-03-13"
    assert main(["review", "--edit", CALL_ID, edit, "--seeds", str(seeds_dir)]) == 0
    assert main(["review", "--approve", CALL_ID, "--seeds", str(seeds_dir)]) == 0
    assert "after /reload" in capsys.readouterr().out
    seeds = load_seeds(seeds_dir)
    event = seeds.events[CALL_ID]
    assert event.date.value == "2025-03-13" and event.date.basis == "stated"
    assert event.summary.en.startswith("Kosherbayev and Eide")
    assert seeds.people["eide-espen-barth"].draft is False
    assert (seeds_dir / "articles" / "call.txt").read_text(encoding="utf-8") == ARTICLE
    assert list(seeds_dir.glob("events/ingested-*.yaml"))
    assert main(["review", "--seeds", str(seeds_dir)]) == 0
    assert "no drafts are awaiting review" in capsys.readouterr().out
    assert not [p for p in (seeds_dir / "drafts").iterdir() if not p.name.startswith(".")]
    assert main(["check", "--seeds", str(seeds_dir)]) == 0


def test_review_rejects_and_refuses_unknown_ids(tmp_path, seeds_dir, capsys):
    article = tmp_path / "call.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    before = seed_files(seeds_dir)
    assert main(["ingest", str(article), "--write", "--seeds", str(seeds_dir)]) == 0
    capsys.readouterr()
    for option in ("--approve", "--reject"):
        assert main(["review", option, "no-such-draft", "--seeds", str(seeds_dir)]) == 2
        err = capsys.readouterr().err
        assert err.strip() == "no draft no-such-draft is awaiting review (python -m bot review)"
    assert main(["review", "--edit", CALL_ID, "date: 2025-13-40", "--seeds", str(seeds_dir)]) == 2
    assert "is not YYYY-MM-DD" in capsys.readouterr().err
    assert main(["review", "--edit", CALL_ID, "colour: red", "--seeds", str(seeds_dir)]) == 2
    assert "no field 'colour'" in capsys.readouterr().err
    assert main(["review", "Eide", "--seeds", str(seeds_dir)]) == 0
    assert CALL_ID in capsys.readouterr().out
    assert main(["review", "Lavrov", "--seeds", str(seeds_dir)]) == 0
    assert "no drafts" in capsys.readouterr().out
    assert main(["review", "--reject", CALL_ID, "--seeds", str(seeds_dir)]) == 0
    assert main(["review", "--seeds", str(seeds_dir)]) == 0
    assert "no drafts are awaiting review" in capsys.readouterr().out
    assert seed_files(seeds_dir) == before


def test_duplicate_report_says_adds_source(tmp_path, seeds_dir, capsys):
    article = tmp_path / "mc32.txt"
    article.write_text(
        " date 2025-12-05 Minister of Foreign Affairs of Kazakhstan Yermek Kosherbayev took part "
        "in the 32nd meeting of the OSCE Ministerial Council in Vienna.\n",
        encoding="utf-8",
    )
    assert main(["ingest", str(article), "--seeds", str(seeds_dir)]) == 0
    assert "adds source to 2025-12-05-vienna-osce-mc32" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "no article text"),
        (b"   \n\n  ", "no article text"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "not a text file"),
        (b"\xff\xfe\xfa" * 50, "neither UTF-8"),
        (b"\x81\x82\x83 \x98\x98" * 40, "neither UTF-8"),
        (b"a" * 300_000, "bytes"),
        (b"<html><body><p>" + ARTICLE.encode() + b"</p></body></html>", "HTML"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(tmp_path, seeds_dir, capsys, content, message):
    article = tmp_path / "bad.txt"
    article.write_bytes(content)
    before = snapshot(seeds_dir)
    assert main(["ingest", str(article), "--write", "--seeds", str(seeds_dir)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Nothing was written" in err
    assert snapshot(seeds_dir) == before


RU_ARTICLE = (
    "Министр иностранных дел Казахстана Ермек Кошербаев провел телефонный разговор с министром "
    "иностранных дел Турции Хаканом Фиданом. Стороны обсудили региональную безопасность.\n"
)


@pytest.mark.parametrize(
    ("encoding", "said"),
    [("utf-8", None), ("utf-8-sig", None), ("utf-16", "utf-16"), ("cp1251", "windows-1251")],
)
def test_reads_utf8_utf16_and_windows_1251(tmp_path, seeds_dir, capsys, encoding, said):
    article = tmp_path / "call.txt"
    article.write_bytes(RU_ARTICLE.encode(encoding))
    assert main(["ingest", str(article), "--json", "--seeds", str(seeds_dir)]) == 0
    out, err = capsys.readouterr()
    [draft] = json.loads(out)
    assert draft["events"][0]["kind"] == "phone_call"
    assert {p["person"] for p in draft["events"][0]["participants"]} == {
        "kosherbayev-yermek",
        "fidan-hakan",
    }
    assert (f"read as {said}" in err) if said else ("read as" not in err)


def test_an_article_already_in_the_seeds_is_recognised_and_never_written(
    tmp_path, seeds_dir, capsys
):
    seeds = load_seeds(seeds_dir)
    # An excerpt of a seed article, as another site printed it: other spacing, same text.
    text = seeds.article_texts["centralasia-2025-12-05-vienna"][:900].replace("\n", "\n\n")
    article = tmp_path / "copy.txt"
    article.write_text(text, encoding="utf-8")
    before = snapshot(seeds_dir)
    assert main(["ingest", str(article), "--write", "--seeds", str(seeds_dir)]) == 0
    assert "already known: centralasia-2025-12-05-vienna" in capsys.readouterr().err
    assert snapshot(seeds_dir) == before


def test_missing_file_exits_2(tmp_path, seeds_dir, capsys):
    assert main(["ingest", str(tmp_path / "nope.txt"), "--seeds", str(seeds_dir)]) == 2
    assert "cannot read" in capsys.readouterr().err


MC32_EN = (
    " date 2025-12-05 Minister of Foreign Affairs of Kazakhstan Yermek Kosherbayev took part "
    "in the 32nd meeting of the OSCE Ministerial Council in Vienna.\n"
)
MC32_EN_QUOTE = MC32_EN.strip().removeprefix("date 2025-12-05 ")  # the dateline is not quoted
MC32_FILE = "events/2025-12-vienna-osce-mc32.yaml"


def test_write_adds_the_article_as_a_source_keeping_the_file(tmp_path, seeds_dir, capsys):
    article = tmp_path / "mc32-en.txt"
    article.write_text(MC32_EN, encoding="utf-8")
    old_lines = (seeds_dir / MC32_FILE).read_text(encoding="utf-8").splitlines()
    old_sources = load_seeds(seeds_dir).events["2025-12-05-vienna-osce-mc32"].sources
    assert main(["ingest", str(article), "--write", "--seeds", str(seeds_dir)]) == 0
    item = "2025-12-05-vienna-osce-mc32+draft-2025-12-05-mc32-en"
    assert f"for review: {item}" in capsys.readouterr().err
    assert (seeds_dir / MC32_FILE).read_text(encoding="utf-8").splitlines() == old_lines
    assert main(["review", "--approve", item, "--seeds", str(seeds_dir)]) == 0
    assert str(seeds_dir / MC32_FILE) in capsys.readouterr().out
    new_lines = (seeds_dir / MC32_FILE).read_text(encoding="utf-8").splitlines()
    # The file is its old lines, unchanged and in order, with the new source's lines inserted.
    changes = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_opcodes()
    [(op, _, _, j1, j2)] = [c for c in changes if c[0] != "equal"]
    assert op == "insert"
    assert [line.strip() for line in new_lines[j1:j2]] == [
        "- article: draft-2025-12-05-mc32-en",
        "quotes:",
        '- "' + MC32_EN_QUOTE + '"',
    ]
    assert any(line.startswith("# To add a record") for line in new_lines)
    seeds = load_seeds(seeds_dir)
    sources = seeds.events["2025-12-05-vienna-osce-mc32"].sources
    assert sources[: len(old_sources)] == old_sources
    [new] = sources[len(old_sources) :]
    assert new.article == "draft-2025-12-05-mc32-en" and new.quotes == [MC32_EN_QUOTE]
    assert not list(seeds_dir.glob("events/ingested-*.yaml"))  # no duplicate record
    assert main(["check", "--seeds", str(seeds_dir)]) == 0


def test_write_of_a_source_to_a_broken_record_file_writes_nothing(tmp_path, seeds_dir, capsys):
    article = tmp_path / "mc32-en.txt"
    article.write_text(MC32_EN, encoding="utf-8")
    # The editor broke another file after the run read the seeds: the result would not validate.
    people = seeds_dir / "people.yaml"
    people.write_text(people.read_text(encoding="utf-8") + "\n- id: Not A Slug\n", "utf-8")
    before = snapshot(seeds_dir)
    assert main(["ingest", str(article), "--write", "--seeds", str(seeds_dir)]) == 2
    assert snapshot(seeds_dir) == before
