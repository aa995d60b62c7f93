"""The bulletin's arithmetic, with plain values."""
from datetime import date
from decimal import Decimal

import pytest

from registry.reports import rules
from registry.reports.rules import Period


def test_reduction_rate_has_two_decimals():
    assert rules.reduction_rate(1032, 3) == Decimal("99.71")
    assert rules.format_rate(rules.reduction_rate(1032, 3)) == "99.71%"
    assert rules.reduction_rate(3, 1) == Decimal("66.67")  # half up
    assert rules.reduction_rate(8, 7) == Decimal("12.50")
    assert rules.reduction_rate(10, 10) == Decimal("0.00")
    assert rules.reduction_rate(10, 12) == Decimal("-20.00")  # more than at the baseline: a negative reduction
    assert rules.reduction_rate(0, 0) is None and rules.format_rate(None) == "—"


@pytest.mark.parametrize("today, start, end", [
    (date(2026, 11, 30), date(2026, 11, 1), date(2026, 11, 15)),
    (date(2026, 11, 16), date(2026, 11, 1), date(2026, 11, 15)),
    (date(2026, 11, 15), date(2026, 10, 16), date(2026, 10, 31)),
    (date(2026, 3, 1), date(2026, 2, 16), date(2026, 2, 28)),
    (date(2024, 3, 10), date(2024, 2, 16), date(2024, 2, 29)),
    (date(2026, 1, 5), date(2025, 12, 16), date(2025, 12, 31)),
])
def test_the_last_full_half_month(today, start, end):
    assert rules.last_full_fortnight(today) == Period(start, end)


def test_the_previous_period():
    assert rules.previous_period(Period(date(2026, 11, 1), date(2026, 11, 15))) == Period(date(2026, 10, 16), date(2026, 10, 31))
    assert rules.previous_period(Period(date(2026, 3, 1), date(2026, 3, 15))) == Period(date(2026, 2, 16), date(2026, 2, 28))
    assert rules.previous_period(Period(date(2026, 10, 16), date(2026, 10, 31))) == Period(date(2026, 10, 1), date(2026, 10, 15))
    # any other period: as many days just before
    assert rules.previous_period(Period(date(2026, 1, 1), date(2026, 12, 31))) == Period(date(2025, 1, 1), date(2025, 12, 31))
    assert rules.previous_period(Period(date(2026, 5, 3), date(2026, 5, 9))) == Period(date(2026, 4, 26), date(2026, 5, 2))


def test_a_period_that_cannot_be_reported():
    today = date(2026, 11, 30)
    assert rules.check_period(date(2026, 11, 2), date(2026, 11, 1), today=today) == "end_before_start"
    assert rules.check_period(date(2026, 11, 1), date(2026, 12, 1), today=today) == "in_future"
    assert rules.check_period(date(2000, 1, 1), date(2026, 11, 1), today=today) == "too_long"
    assert rules.check_period(date(2026, 11, 1), date(2026, 11, 30), today=today) is None


def test_changes_and_money():
    assert rules.change(5, 3) == 2 and rules.change(None, 3) is None
    assert rules.format_change(2) == "+2" and rules.format_change(-1200) == "−1,200" and rules.format_change(0) == "0"
    assert rules.format_change(Decimal("0.29")) == "+0.29"
    assert rules.yuan(48_000_000) == Decimal("480000.00")
    assert rules.wan_yuan(48_000_000) == Decimal("48.00")
    assert rules.wan_yuan(123_456) == Decimal("0.12")
    assert rules.format_fen(48_000_050) == "¥480,000.50"


def test_month_ends():
    assert rules.month_ends(date(2026, 3, 10), 3) == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 10)]
    assert rules.month_ends(date(2026, 1, 31), 2) == [date(2025, 12, 31), date(2026, 1, 31)]
