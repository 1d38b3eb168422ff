"""The seeds loader reads valid folders whole and names file, record and field of problems."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.records.loading import SeedError, SeedProblem, load_seeds, seeds_fingerprint
from tests.support.seedcopy import (
    REAL_SEEDS,
    copy_seeds,
    edit_records,
    event_files,
    find_event,
    read_records,
    write_minimal_seeds,
    write_records,
)


@pytest.fixture(params=["minimal", "real"])
def folder(request, tmp_path: Path) -> Path:
    """A writable seeds folder: the tiny hand-made one, or a copy of the project's seeds."""
    if request.param == "minimal":
        return write_minimal_seeds(tmp_path / "seeds")
    return copy_seeds(tmp_path)


def problems_of(folder: Path) -> list[SeedProblem]:
    with pytest.raises(SeedError) as caught:
        load_seeds(folder)
    return caught.value.problems


def first_event(folder: Path) -> tuple[str, dict]:
    """The file name (relative to the folder) and record of the first event with participants."""
    path, _, record = find_event(folder, lambda event: bool(event.get("participants")))
    return f"events/{path.name}", record


def edit_first_event(folder: Path, change) -> tuple[str, dict]:
    name, record = first_event(folder)

    def apply(records: list[dict]) -> None:
        for item in records:
            if item["id"] == record["id"]:
                change(item)

    edit_records(folder / name, apply)
    return name, record


# --- valid folders -------------------------------------------------------------------------


def test_minimal_folder_loads_every_kind(tmp_path):
    seeds = load_seeds(write_minimal_seeds(tmp_path / "seeds"))
    assert seeds.counts() == {
        "events": 2,
        "articles": 1,
        "people": 1,
        "organizations": 2,
        "places": 3,
        "topics": 2,
        "anniversaries": 1,
        "future_events": 1,
    }
    assert seeds.events["vienna-sideline"].part_of == "vienna-meeting"
    assert seeds.article_texts["baq-article"].startswith(" date 2025-12-05")
    assert seeds.fingerprint == seeds_fingerprint(tmp_path / "seeds")


def test_quote_matches_across_different_whitespace(tmp_path):
    folder = write_minimal_seeds(tmp_path / "seeds")
    words = (folder / "articles/000_a482fe9d25744079.txt").read_text(encoding="utf-8").split()

    def respace(records):
        records[0]["sources"][0]["quotes"] = ["  " + "\n   ".join(words[2:12]) + " "]

    edit_records(folder / "events/a-council.yaml", respace)
    assert "vienna-meeting" in load_seeds(folder).events


def test_missing_optional_gazetteer_is_fine_when_nothing_refers_to_it(tmp_path):
    folder = write_minimal_seeds(tmp_path / "seeds")
    (folder / "anniversaries.yaml").unlink()
    edit_records(folder / "events/a-council.yaml", lambda records: records[0].pop("anniversaries"))
    assert load_seeds(folder).anniversaries == {}


def test_missing_gazetteer_that_is_referred_to_is_named(tmp_path):
    folder = write_minimal_seeds(tmp_path / "seeds")
    (folder / "people.yaml").unlink()
    problems = problems_of(folder)
    assert {(p.file, p.record, p.field) for p in problems} == {
        ("events/a-council.yaml", "vienna-meeting", "participants[0].person"),
        ("events/b-sidelines.yaml", "vienna-sideline", "participants[0].person"),
    }
    assert all("people.yaml does not exist" in p.message for p in problems)


def test_missing_seeds_folder_is_one_clear_error(tmp_path):
    problems = problems_of(tmp_path / "nowhere")
    assert len(problems) == 1
    assert problems[0].file == str(tmp_path / "nowhere")
    assert "does not exist" in problems[0].message
    with pytest.raises(SeedError):
        seeds_fingerprint(tmp_path / "nowhere")


def test_fingerprint_follows_content_not_location(tmp_path):
    first = write_minimal_seeds(tmp_path / "one")
    second = write_minimal_seeds(tmp_path / "two")
    assert seeds_fingerprint(first) == seeds_fingerprint(second)
    article = second / "articles/000_a482fe9d25744079.txt"
    article.write_bytes(article.read_bytes() + b" ")
    assert seeds_fingerprint(first) != seeds_fingerprint(second)


# --- one broken thing, one precise problem ------------------------------------------------
# Each case breaks one thing in the folder and returns (file, record, field, words of the message).


def bad_kind(folder):
    name, record = edit_first_event(folder, lambda e: e.update(kind="tea_party"))
    return name, record["id"], "kind", "bilateral_meeting"


def missing_role_language(folder):
    name, record = edit_first_event(folder, lambda e: e["participants"][0]["role"].pop("kk"))
    return name, record["id"], "participants[0].role.kk", "Field required"


def unknown_field(folder):
    name, record = edit_first_event(folder, lambda e: e.update(summry="typo"))
    return name, record["id"], "summry", "Extra inputs"


def impossible_date(folder):
    date = {"value": "2025-02-30", "precision": "day", "basis": "stated"}
    name, record = edit_first_event(folder, lambda e: e.update(date=date))
    return name, record["id"], "date", "impossible date '2025-02-30'"


def impossible_anniversary_date(folder):
    path = folder / "anniversaries.yaml"
    record = read_records(path)[0]
    edit_records(path, lambda records: records[0].update(date="1975-02-30"))
    return "anniversaries.yaml", record["id"], "date", "1975-02-30"


def duplicate_id_in_file(folder):
    name, record = first_event(folder)
    edit_records(folder / name, lambda records: records.append(dict(record)))
    return name, record["id"], "id", "duplicate id"


def duplicate_id_across_files(folder):
    name, record = first_event(folder)
    write_records(folder / "events/zz-copy.yaml", [record])
    return "events/zz-copy.yaml", record["id"], "id", f"duplicate id, first defined in {name}"


def unknown_person(folder):
    def change(event):
        event["participants"][0]["person"] = "nobody-known"

    name, record = edit_first_event(folder, change)
    return name, record["id"], "participants[0].person", "unknown person 'nobody-known'"


def unknown_side(folder):
    def change(event):
        event["participants"][0]["side"] = "atlantis"

    name, record = edit_first_event(folder, change)
    return name, record["id"], "participants[0].side", "unknown side 'atlantis'"


def append_to(key: str, value: str):
    """A case adding `value` to the list field `key` of the first event."""

    def case(folder):
        name, record = first_event(folder)
        edit_first_event(folder, lambda e: e.setdefault(key, []).append(value))
        return name, record["id"], f"{key}[{len(record.get(key, []))}]", f"{value!r}"

    case.__name__ = f"unknown_{key}"
    return case


def person_listed_twice(folder):
    def change(event):
        event["participants"].append(dict(event["participants"][0]))

    name, record = edit_first_event(folder, change)
    field = f"participants[{len(record['participants'])}].person"
    return name, record["id"], field, "is listed twice"


def topic_listed_twice(folder):
    def change(event):
        event["topics"] = [*event.get("topics", []), "security", "security"]

    name, record = first_event(folder)
    edit_first_event(folder, change)
    known = read_records(folder / "topics.yaml")
    assert any(topic["id"] == "security" for topic in known)
    return name, record["id"], f"topics[{len(record.get('topics', [])) + 1}]", "listed twice"


def article_listed_twice(folder):
    name, record = edit_first_event(folder, lambda e: e["sources"].append(e["sources"][0]))
    field = f"sources[{len(record['sources'])}].article"
    return name, record["id"], field, "is listed twice: merge its quotes"


def city_of_another_country(folder):
    places = read_records(folder / "places.yaml")
    city = next(place for place in places if place["kind"] == "city")
    other = next(p for p in places if p["kind"] == "country" and p["id"] != city["country"])

    def change(event):
        event["place"] = {"city": city["id"], "country": other["id"]}

    name, record = edit_first_event(folder, change)
    return name, record["id"], "place.country", f"{city['id']!r} is in {city['country']!r}"


def unknown_city(folder):
    name, record = edit_first_event(folder, lambda e: e.update(place={"city": "atlantis"}))
    return name, record["id"], "place.city", "unknown city 'atlantis'"


def country_used_as_city(folder):
    name, record = edit_first_event(folder, lambda e: e.update(place={"city": "kazakhstan"}))
    return name, record["id"], "place.city", "'kazakhstan' is a country in places.yaml, not a city"


def unknown_article(folder):
    name, record = edit_first_event(folder, lambda e: e["sources"][0].update(article="no-such"))
    return name, record["id"], "sources[0].article", "unknown article 'no-such'"


def quote_not_in_article(folder):
    def change(event):
        event["sources"][0]["quotes"][0] = "A sentence that no article contains."

    name, record = edit_first_event(folder, change)
    return name, record["id"], "sources[0].quotes[0]", "quote not found in article"


def unknown_part_of(folder):
    name, record = edit_first_event(folder, lambda e: e.update(part_of="no-such-event"))
    return name, record["id"], "part_of", "unknown event 'no-such-event'"


def event_part_of_itself(folder):
    name, record = first_event(folder)
    edit_first_event(folder, lambda e: e.update(part_of=e["id"]))
    return name, record["id"], "part_of", "cannot be part of itself"


def missing_article_file(folder):
    record = read_records(folder / "articles.yaml")[0]
    edit_records(folder / "articles.yaml", lambda r: r[0].update(file="articles/gone.txt"))
    return "articles.yaml", record["id"], "file", "'articles/gone.txt' does not exist"


def city_with_unknown_country(folder):
    records = read_records(folder / "places.yaml")
    index = next(n for n, place in enumerate(records) if place["kind"] == "city")
    edit_records(folder / "places.yaml", lambda r: r[index].update(country="atlantis"))
    return "places.yaml", records[index]["id"], "country", "unknown country 'atlantis'"


def unknown_topic_parent(folder):
    record = read_records(folder / "topics.yaml")[0]
    edit_records(folder / "topics.yaml", lambda r: r[0].update(parent="no-such-topic"))
    return "topics.yaml", record["id"], "parent", "unknown topic 'no-such-topic'"


def unknown_organization_parent(folder):
    record = read_records(folder / "organizations.yaml")[0]
    edit_records(folder / "organizations.yaml", lambda r: r[0].update(parent="no-such-org"))
    return "organizations.yaml", record["id"], "parent", "unknown organization 'no-such-org'"


def yaml_syntax_error(folder):
    (folder / "events/zz-broken.yaml").write_text("- id: fine\n  kind: [unclosed\n")
    return "events/zz-broken.yaml", None, None, "YAML syntax error"


def file_not_a_list(folder):
    (folder / "events/zz-mapping.yaml").write_text("id: lonely-event\nkind: visit\n")
    return "events/zz-mapping.yaml", None, None, "expected a list of records, found a mapping"


CASES = [
    bad_kind,
    missing_role_language,
    unknown_field,
    impossible_date,
    impossible_anniversary_date,
    duplicate_id_in_file,
    duplicate_id_across_files,
    unknown_person,
    unknown_side,
    append_to("topics", "no-such-topic"),
    append_to("organizations", "no-such-org"),
    append_to("countries", "atlantis"),
    append_to("anniversaries", "no-such-anniversary"),
    append_to("announces", "no-such-future-event"),
    person_listed_twice,
    topic_listed_twice,
    article_listed_twice,
    city_of_another_country,
    unknown_city,
    country_used_as_city,
    unknown_article,
    quote_not_in_article,
    unknown_part_of,
    event_part_of_itself,
    missing_article_file,
    city_with_unknown_country,
    unknown_topic_parent,
    unknown_organization_parent,
    yaml_syntax_error,
    file_not_a_list,
]


@pytest.mark.parametrize("case", CASES, ids=[case.__name__ for case in CASES])
def test_one_broken_thing_is_named_precisely(folder, case):
    file, record, field, words = case(folder)
    problems = problems_of(folder)
    assert len(problems) == 1, "\n".join(map(str, problems))
    [problem] = problems
    assert (problem.file, problem.record, problem.field) == (file, record, field)
    assert words in problem.message
    assert str(problem).startswith(f"{file}: ")
    assert problem.line is not None


def test_yaml_syntax_error_gives_the_line(tmp_path):
    folder = write_minimal_seeds(tmp_path / "seeds")
    (folder / "events/zz-broken.yaml").write_text("- id: fine\n  kind: [unclosed\n")
    [problem] = problems_of(folder)
    assert problem.line == 3  # the parser notices at the end of the file
    assert str(problem).startswith("events/zz-broken.yaml: line 3: YAML syntax error")


def test_all_problems_are_reported_at_once(folder):
    unknown_person(folder)
    unknown_topic_parent(folder)
    missing_article_file(folder)
    yaml_syntax_error(folder)
    with pytest.raises(SeedError) as caught:
        load_seeds(folder)
    files = {problem.file for problem in caught.value.problems}
    assert {"topics.yaml", "articles.yaml", "events/zz-broken.yaml"} <= files
    assert any(f.startswith("events/") and f != "events/zz-broken.yaml" for f in files)
    lines = str(caught.value).splitlines()
    assert lines[0] == f"{len(caught.value.problems)} problems in the seeds:"
    assert lines[1:] == [str(problem) for problem in caught.value.problems]


def test_problem_line_format():
    problem = SeedProblem("events/a.yaml", "vienna-meeting", "date", "impossible date", line=4)
    assert str(problem) == "events/a.yaml: record vienna-meeting (line 4): date: impossible date"
    positional = SeedProblem("people.yaml", "#3", "name.kk", "Field required")
    assert str(positional) == "people.yaml: record #3: name.kk: Field required"


def test_record_without_id_is_named_by_position(tmp_path):
    folder = write_minimal_seeds(tmp_path / "seeds")
    edit_records(folder / "people.yaml", lambda r: r.append({"name": {"en": "X"}}))
    problems = problems_of(folder)
    assert {(p.record, p.field) for p in problems} == {
        ("#2", "id"),
        ("#2", "name.kk"),
        ("#2", "name.ru"),
    }


def test_event_files_are_read_in_name_order(tmp_path):
    folder = write_minimal_seeds(tmp_path / "seeds")
    assert [path.name for path in event_files(folder)] == ["a-council.yaml", "b-sidelines.yaml"]
    assert list(load_seeds(folder).events) == ["vienna-meeting", "vienna-sideline"]


# --- the project's own seeds ---------------------------------------------------------------

ARTICLE_FILES = {
    "baq_vienna": "articles/000_a482fe9d25744079.txt",
    "astana_2019": "articles/001_02315eec3f8dba4a.txt",
    "malta": "articles/002_3ebce9fb0e572c4c.txt",
    "tashkent": "articles/003_caa11e77a7aba525.txt",
    "centralasia_vienna": "articles/004_a54e16ed6b6c9bb8.txt",
}


@pytest.fixture(scope="module")
def real():
    return load_seeds(REAL_SEEDS)


def events_citing(seeds, key: str) -> list:
    """The events with a source in the article stored as ARTICLE_FILES[key]."""
    [article_id] = [a.id for a in seeds.articles.values() if a.file == ARTICLE_FILES[key]]
    return [e for e in seeds.events.values() if article_id in {s.article for s in e.sources}]


def test_real_seeds_hold_every_record_of_their_files(real):
    in_files = sum(len(read_records(path)) for path in event_files(REAL_SEEDS))
    assert real.counts()["events"] == in_files > 0
    assert real.counts()["articles"] == 5
    assert sorted(a.language for a in real.articles.values()) == ["kk", "kk", "kk", "ru", "ru"]
    for kind in ("people", "organizations", "places", "topics", "anniversaries", "future_events"):
        assert real.counts()[kind] > 0, kind
    for key in ARTICLE_FILES:  # every article yields at least one event
        assert events_citing(real, key), key
    assert set(real.article_texts) == set(real.articles)


def test_real_vienna_council_is_one_event_with_two_sources(real):
    both = {e.id for e in events_citing(real, "baq_vienna")} & {
        e.id for e in events_citing(real, "centralasia_vienna")
    }
    assert len(both) == 1
    event = real.events[both.pop()]
    assert event.kind == "ministerial_council"
    assert len(event.sources) == 2
    assert (event.date.value, event.date.precision) == ("2025-12", "month")
    assert event.date.reported is not None and event.date.reported.isoformat() == "2025-12-05"
    assert event.place is not None and event.place.city == "vienna"


def test_real_tashkent_events_have_an_unknown_date(real):
    events = events_citing(real, "tashkent")
    assert events
    for event in events:
        assert (event.date.value, event.date.precision, event.date.basis) == (
            None,
            "unknown",
            "unknown",
        )
        assert event.date.start is None
    assert any(e.place and e.place.city == "tashkent" for e in events)


def test_real_malta_events_have_an_inferred_year(real):
    events = events_citing(real, "malta")
    assert events
    for event in events:
        assert event.date.basis == "inferred"
        assert event.date.value is not None and event.date.value.startswith("2024")
        assert event.date.reason
    council = [e for e in events if e.kind == "ministerial_council"]
    assert len(council) == 1 and council[0].place and council[0].place.country == "malta"


def test_a_key_given_twice_is_a_problem_not_a_silent_overwrite(folder):
    name, record = first_event(folder)
    path = folder / name
    write_records(path, read_records(path))  # a known layout: "- id: ..." then two-space keys
    text = path.read_text(encoding="utf-8")
    marker = f"- id: {record['id']}\n"
    path.write_text(text.replace(marker, marker + "  kind: visit\n", 1), encoding="utf-8")
    [problem] = problems_of(folder)
    assert (problem.file, problem.record, problem.field) == (name, record["id"], "kind")
    assert "given twice" in problem.message
