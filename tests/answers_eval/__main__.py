"""`python -m tests.answers_eval [--held]`: print the answers evaluation, both parts apart.

Failures are listed for the tuned part; the held-out part's only with --held (look at them to
report, never to tune).
"""

import sys

from tests.answers_eval.evaluate import evaluate, format_report

parts = ("tune", "held") if "--held" in sys.argv else ("tune",)
print(format_report(evaluate(), show_failures=parts))
