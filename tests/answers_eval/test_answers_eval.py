"""The tuned part of the answers evaluation must stay right; the held part is only reported
(`python -m tests.answers_eval --held`), so that nobody tunes on it through a failing test."""

from tests.answers_eval.evaluate import evaluate, format_report


def test_the_tuned_questions_are_answered_right():
    outcomes = evaluate()
    print("\n" + format_report(outcomes))
    wrong = [o.question["q"] for o in outcomes["tune"] if not o.passed]
    assert not wrong, wrong
    assert outcomes["held"], "the held-out part is empty"
