"""The ingest evaluation: run with `pytest -s tests/ingest_eval` to see the report.

Floors are set just under what the extraction reaches today (see the report), so a change
that makes extraction worse fails here.
"""

from tests.ingest_eval.evaluate import evaluate, format_report

FLOORS = {
    ("written", "date", "recall"): 0.85,
    ("written", "people", "recall"): 0.95,
    ("written", "people", "precision"): 0.95,
    ("written", "kind", "recall"): 0.95,
    ("written", "topics", "recall"): 0.65,
    ("seed articles", "date", "recall"): 0.7,
    ("seed articles", "people", "recall"): 0.75,
    ("seed articles", "people", "precision"): 0.9,
    ("seed articles", "kind", "recall"): 0.65,
    ("seed articles", "place", "recall"): 0.6,
    # 0.89 since the Senate entered the gazetteer: article 001's Senate Chair meeting is now drafted
    # too, in "the capital" the article names, where the record keeps only the country.
    ("seed articles", "place", "precision"): 0.87,
    ("seed articles", "organizations", "recall"): 0.55,
    ("seed articles", "organizations", "precision"): 0.8,
    ("seed articles", "topics", "recall"): 0.44,
    # .64 → .59 when the 2019 article stopped listing Nazarbayev and Pellegrini (only cited) as
    # participants: people precision rose .87 → .92 and the records pair differently.
    ("seed articles", "topics", "precision"): 0.55,
    ("de-duplication", "adds source", "recall"): 1.0,
}


def test_extraction_meets_its_floors():
    report = evaluate()
    print("\n" + format_report(report))
    below = {
        key: round(report[key[0]][key[1]][key[2]], 2)
        for key, floor in FLOORS.items()
        if report[key[0]][key[1]][key[2]] < floor
    }
    assert not below, f"below the floor: {below}"


def test_real_articles_are_labelled_and_split_before_tuning():
    from tests.ingest_eval.real import ARTICLES, PARTS, cases

    labelled = cases()
    files = {case["file"] for case in labelled}
    assert files == {path.name for path in ARTICLES.glob("*.txt")}
    by_lang: dict[str, list[dict]] = {}
    for case in labelled:
        by_lang.setdefault(case["file"][:2], []).append(case)
    assert {case["part"] for case in labelled} <= set(PARTS)
    for lang, group in by_lang.items():
        first = [case for case in group if case["part"] in ("tune", "held")]
        assert len(first) >= 13, lang
        # every third article of a language, in file order, is held aside
        for number, case in enumerate(sorted(first, key=lambda c: c["file"]), start=1):
            assert case["part"] == ("held" if number % 3 == 0 else "tune"), case["file"]
        # each later part (labelled before any extraction ran on it) is numbered after the last
        # (by number: "ru-100" comes after "ru-96")
        number_of = lambda file: int(file.split("-")[1])  # noqa: E731
        last = max(number_of(case["file"]) for case in first)
        for part in PARTS[2:]:
            numbers = sorted(number_of(case["file"]) for case in group if case["part"] == part)
            if numbers:
                assert len(numbers) >= 5 and numbers[0] > last, (lang, part)
                last = numbers[-1]


# Floors on the real articles' tuning part, just under what extraction reaches (all languages);
# the held-aside part is reported, never floored, so nobody tunes to it.
REAL_FLOORS = {
    ("date", "recall"): 0.95,
    ("date", "precision"): 0.95,
    ("participants", "recall"): 0.93,
    ("participants", "precision"): 0.95,
    ("roles", "precision"): 0.95,
    ("sides", "precision"): 0.95,
    ("place", "recall"): 0.95,
    ("place", "precision"): 0.95,
    ("kind", "recall"): 0.85,
}


def test_real_articles_tuning_part_meets_its_floors():
    from tests.ingest_eval.real import evaluate_real, format_real

    report = evaluate_real()
    print("\n" + format_real(report, show_failures=()))
    scores = report["tune"]["all"]
    below = {
        key: round(scores[key[0]][key[1]], 2)
        for key, floor in REAL_FLOORS.items()
        if scores[key[0]][key[1]] < floor
    }
    assert not below, f"below the floor: {below}"


def test_real_labels_use_known_ids():
    """Every label of every part (the sealed ones too: no extraction is run here) names an id
    that exists: people in seeds/people.yaml (else "name: …"), places in the gazetteer or the
    world's countries, sides among countries and organizations, roles among the role keys."""
    import re
    import typing

    from bot.ingest.countries import world_countries
    from bot.ingest.roles import _RANK
    from bot.records.loading import load_seeds
    from bot.records.models import Basis, EventKind, Precision
    from bot.settings import PROJECT_ROOT
    from tests.ingest_eval.real import cases

    seeds = load_seeds(PROJECT_ROOT / "seeds")
    countries = {country_id for country_id, _ in world_countries()}
    places = set(seeds.places) | countries
    sides = places | set(seeds.organizations)
    forms = {"day": r"\d{4}-\d{2}-\d{2}", "month": r"\d{4}-\d{2}", "year": r"\d{4}"}
    problems = []
    urls: set[str] = set()

    def person_ok(ref: str) -> bool:
        return ref in seeds.people or (ref.startswith("name: ") and len(ref) > len("name: "))

    for case in cases():
        where = case["file"]
        if case["url"] in urls:
            problems.append(f"{where}: url labelled twice")
        urls.add(case["url"])
        if case["kind"] not in typing.get_args(EventKind):
            problems.append(f"{where}: kind {case['kind']}")
        date = case.get("date")
        if date is not None:
            value, precision, basis = date
            if precision not in typing.get_args(Precision) or basis not in typing.get_args(Basis):
                problems.append(f"{where}: date {date}")
            elif not re.fullmatch(forms.get(precision, "-"), str(value)):
                problems.append(f"{where}: date {date}")
        if case.get("place") is not None and case["place"] not in places:
            problems.append(f"{where}: place {case['place']}")
        for person, role, side in case["participants"]:
            if not person_ok(person):
                problems.append(f"{where}: person {person}")
            if role is not None and role not in _RANK:
                problems.append(f"{where}: role {role}")
            if side is not None and side not in sides:
                problems.append(f"{where}: side {side}")
        mentioned = case.get("mentioned") or []
        problems += [f"{where}: mentioned {ref}" for ref in mentioned if not person_ok(ref)]
        if case.get("known_article") and case["known_article"] not in seeds.articles:
            problems.append(f"{where}: known_article {case['known_article']}")
    assert not problems, problems
