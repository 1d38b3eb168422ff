"""A seed file cut into records: JSON lists read as YAML reads them, YAML cut where items begin.

A JSON list is YAML; read by the JSON decoder it must give the same values and the same lines
(problems name them), and whatever JSON would read differently goes to YAML, which reports it.
"""

from __future__ import annotations

import json

import pytest

from bot.records.loading import SeedError, _parse_list, load_seeds, record_digests
from bot.records.sources import digest, json_items, yaml_slices
from tests.support.seedcopy import copy_seeds, event_files, read_records, write_records

JSON_TEXT = """[
  {"id": "a", "title": {"en": "Vienna, \\"OSCE\\"", "kk": "Вена\\n"}, "n": [1, 2.5, null]},
  {"id": "b",
   "nested": {"deep": [true, false, {"x": "y"}]}},

  {"id": "c", "text": "a/b \\/ \\t tab"}
]
"""


def test_a_json_list_reads_as_yaml_reads_it():
    items = json_items(JSON_TEXT)
    assert items is not None
    assert [(item.line, item.value) for item in items] == _parse_list(JSON_TEXT, "f", [])
    assert [item.text for item in items][1].startswith('{"id": "b",\n')


@pytest.mark.parametrize(
    "text",
    [
        '[{"id": "a", "id": "b"}]',  # a key given twice: YAML reports it
        '[{"n": 1e5}]',  # YAML 1.1 reads 1e5 as text
        '[{"n": NaN}]',
        '["\\ud83d\\ude00"]',  # YAML refuses surrogate escapes
        '{"id": "a"}',  # not a list
        '[{"id": "a"} {"id": "b"}]',  # not JSON
        '[{"id": "a"}] trailing',
        "- id: a\n",
    ],
)
def test_what_json_and_yaml_could_read_differently_goes_to_yaml(text):
    assert json_items(text) is None


def test_a_yaml_list_is_cut_where_items_begin():
    text = "# header\n---\n- id: a\n  title: x\n\n# about b\n- id: b\n  quotes:\n  - q\n"
    text += "-\n  id: c\n"
    slices = yaml_slices(text)
    assert slices is not None
    assert [piece.line for piece in slices] == [3, 7, 10]
    assert "".join(piece.text for piece in slices) == text[text.index("- id: a") :]
    alone = [_parse_list(piece.text, "f", [], piece.line) for piece in slices]
    assert [item for [item] in alone] == _parse_list(text, "f", [])  # same values and lines


@pytest.mark.parametrize(
    "text",
    [
        "- &base {id: a}\n- <<: *base\n",  # anchors and aliases tie records together
        "%YAML 1.1\n---\n- id: a\n",  # a directive before the first item
        "key: value\n",  # not a list
    ],
)
def test_yaml_that_cannot_be_cut_safely_is_read_whole(text):
    assert yaml_slices(text) is None


def test_a_json_events_file_loads_as_its_yaml_twin(tmp_path):
    folder = copy_seeds(tmp_path)
    path = max(event_files(folder), key=lambda p: len(read_records(p)))
    yaml_seeds = load_seeds(folder)
    records = read_records(path)
    path.write_text("[\n" + ",\n".join(json.dumps(r, ensure_ascii=False) for r in records)
                    + "\n]\n", encoding="utf-8")  # fmt: skip
    as_json = load_seeds(folder)
    assert as_json.events == yaml_seeds.events and as_json.counts() == yaml_seeds.counts()
    digests = record_digests(path)
    assert digests is not None and len(digests) == len(records)
    records[1]["sumary"] = records[1].pop("summary")  # a misspelt field on the second record
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("[\n" + ",\n".join(lines) + "\n]\n", encoding="utf-8")
    with pytest.raises(SeedError) as caught:
        load_seeds(folder)
    lines_of = {(p.record, p.line) for p in caught.value.problems}
    assert lines_of == {(records[1]["id"], 3)}  # line 1 is "[", the records follow


def test_a_key_given_twice_in_a_json_file_is_reported_with_its_line(tmp_path):
    folder = copy_seeds(tmp_path)
    path = event_files(folder)[0]
    first = read_records(path)[0]
    text = json.dumps(first, ensure_ascii=False)
    doubled = text[:-1] + ', "kind": "visit"}'
    path.write_text("[\n" + doubled + "\n]\n", encoding="utf-8")
    with pytest.raises(SeedError) as caught:
        load_seeds(folder)
    [problem] = caught.value.problems
    assert (problem.field, problem.line) == ("kind", 2)
    assert "given twice" in problem.message


def test_yaml_digests_follow_each_record_source(tmp_path):
    folder = copy_seeds(tmp_path)
    path = max(event_files(folder), key=lambda p: len(read_records(p)))
    records = read_records(path)
    write_records(path, records)
    before = record_digests(path)
    assert before is not None and len(before) == len(records)
    records[-1]["summary"]["en"] = "Edited."
    write_records(path, records)
    after = record_digests(path)
    assert after is not None
    assert after[:-1] == before[:-1] and after[-1] != before[-1]
    assert digest("x") != digest("y")
