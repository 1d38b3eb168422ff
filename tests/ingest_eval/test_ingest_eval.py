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
        last = max(case["file"] for case in first)
        for part in PARTS[2:]:
            files = sorted(case["file"] for case in group if case["part"] == part)
            if files:
                assert len(files) >= 5 and files[0] > last, (lang, part)
                last = files[-1]


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
