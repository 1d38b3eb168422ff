"""`python -m bot ingest` prints drafts, writes only into a valid seeds folder, refuses junk."""

import json
import shutil

import pytest

from bot.cli import main
from bot.seeds import load_seeds
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
    assert event["kind"] == "phone_call" and event["date"]["value"] == "2025-03-14"
    assert [p["name"]["en"] for p in draft["people"]] == ["Espen Barth Eide"]
    assert snapshot(seeds_dir) == before


def test_write_adds_a_valid_review_batch(tmp_path, seeds_dir, capsys):
    article = tmp_path / "call.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    assert main(["ingest", str(article), "--write", "--seeds", str(seeds_dir)]) == 0
    seeds = load_seeds(seeds_dir)
    assert (seeds_dir / "articles" / "call.txt").read_text(encoding="utf-8") == ARTICLE
    drafted = [p for p in seeds.people.values() if p.draft]
    assert [p.name.en for p in drafted] == ["Espen Barth Eide"]
    assert list(seeds_dir.glob("events/drafts-*.yaml"))
    assert any(e.kind == "phone_call" for e in seeds.events.values())
    # The same file again would collide: refused, and the folder stays as it was.
    before = snapshot(seeds_dir)
    assert main(["ingest", str(article), "--write", "--seeds", str(seeds_dir)]) == 2
    assert "nothing was written" in capsys.readouterr().err
    assert snapshot(seeds_dir) == before


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
        (b"\xff\xfe\xfa" * 50, "not UTF-8"),
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


def test_missing_file_exits_2(tmp_path, seeds_dir, capsys):
    assert main(["ingest", str(tmp_path / "nope.txt"), "--seeds", str(seeds_dir)]) == 2
    assert "cannot read" in capsys.readouterr().err
