"""The answers evaluation: questions with expected records, a tuned part and a held-out part."""
