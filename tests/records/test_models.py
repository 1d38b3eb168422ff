"""The record schema rejects malformed dates and accepts partial ones."""

import pytest
from pydantic import ValidationError

from bot.records.models import EventDate


@pytest.mark.parametrize(
    ("value", "precision", "basis", "reason"),
    [
        ("2025-12-05", "day", "stated", None),
        ("2024-12", "month", "inferred", "year from the text"),
        ("2019", "year", "stated", None),
        (None, "unknown", "unknown", None),
    ],
)
def test_valid_dates(value, precision, basis, reason):
    date = EventDate(value=value, precision=precision, basis=basis, reason=reason)
    assert date.value == value


@pytest.mark.parametrize(
    ("value", "precision", "basis", "reason", "message"),
    [
        ("2025-02-30", "day", "stated", None, "impossible date"),
        ("2025-12", "day", "stated", None, "does not have the form"),
        ("2024-12-06", "day", "inferred", None, "must give its reason"),
        ("2024", "unknown", "unknown", None, "must have no value"),
        (None, "day", "stated", None, "needs a value"),
    ],
)
def test_invalid_dates(value, precision, basis, reason, message):
    with pytest.raises(ValidationError, match=message):
        EventDate(value=value, precision=precision, basis=basis, reason=reason)


def test_date_start_of_partial_value():
    assert str(EventDate(value="2024-12", precision="month", basis="stated").start) == "2024-12-01"


def test_reason_given_per_language_is_read_in_that_language():
    reason = {"kk": "мәтіннен", "ru": "из текста", "en": "from the text"}
    date = EventDate(value="2024-12", precision="month", basis="inferred", reason=reason)
    assert date.reason_in("ru") == "из текста"
    plain = EventDate(value="2024-12", precision="month", basis="inferred", reason="dateline")
    assert plain.reason_in("kk") == "dateline"
