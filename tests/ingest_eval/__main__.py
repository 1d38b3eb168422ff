"""`python -m tests.ingest_eval [--held] [--sealed]`: print the ingest evaluation report.

Per-article failures are printed for the parts tuned on; those of the held-aside parts (held,
and fresh3, which is never tuned on) only with --held: look at them only when reporting, never
while tuning.

The sealed parts (`SEALED`, labelled before any extraction code was run on them) are read, and
their figures and failures printed, only with --sealed: each is measured once, before it is
tuned on. Without --sealed their articles are not even run.
"""

import sys

from tests.ingest_eval.evaluate import evaluate, format_report
from tests.ingest_eval.real import PARTS, SEALED, evaluate_real, format_real

print(format_report(evaluate()))
HELD = ("held", "fresh3")
tuned = tuple(part for part in PARTS if part not in HELD and part not in SEALED)
parts = (*tuned, *HELD) if "--held" in sys.argv else tuned
sealed = "--sealed" in sys.argv
if sealed:
    parts = (*parts, *SEALED)
print(format_real(evaluate_real(sealed=sealed), show_failures=parts))
