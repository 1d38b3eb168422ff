"""`python -m tests.ingest_eval`: print the ingest evaluation report."""

from tests.ingest_eval.evaluate import evaluate, format_report

print(format_report(evaluate()))
