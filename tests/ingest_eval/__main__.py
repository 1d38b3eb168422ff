"""`python -m tests.ingest_eval [--held]`: print the ingest evaluation report.

The held-aside part's per-article failures are printed only with --held: look at them only
when reporting, never while tuning.
"""

import sys

from tests.ingest_eval.evaluate import evaluate, format_report
from tests.ingest_eval.real import evaluate_real, format_real

print(format_report(evaluate()))
parts = ("tune", "held") if "--held" in sys.argv else ("tune",)
print(format_real(evaluate_real(), show_failures=parts))
