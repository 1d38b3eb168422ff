"""`python -m tests.ingest_eval [--held] [--sealed]`: print the ingest evaluation report.

The held-aside part's per-article failures are printed only with --held: look at them only
when reporting, never while tuning.

The sealed part fresh6 (added in session 7, labelled before any extraction code was run on
them) is read, and its figures and failures printed, only with --sealed: it is measured once at
the end of session 7. Without --sealed its articles are not even run.
"""

import sys

from tests.ingest_eval.evaluate import evaluate, format_report
from tests.ingest_eval.real import SEALED, evaluate_real, format_real

print(format_report(evaluate()))
parts = ("tune", "held") if "--held" in sys.argv else ("tune",)
sealed = "--sealed" in sys.argv
if sealed:
    parts = (*parts, *SEALED)
print(format_real(evaluate_real(sealed=sealed), show_failures=parts))
