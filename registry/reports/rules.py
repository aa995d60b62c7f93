"""The bulletin's arithmetic as plain functions: periods, the reduction rate, changes, yuan and 万元."""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def half_month_of(day: date) -> Period:
    """The half-month (半月: the 1st–15th, or the 16th–last day) that holds `day`."""
    if day.day <= 15:
        return Period(day.replace(day=1), day.replace(day=15))
    return Period(day.replace(day=16), day.replace(day=calendar.monthrange(day.year, day.month)[1]))


def last_full_fortnight(today: date) -> Period:
    """The bulletin's default period: the last half-month that ended before `today`."""
    return half_month_of(half_month_of(today).start - timedelta(days=1))


def is_half_month(period: Period) -> bool:
    return half_month_of(period.start) == period


def previous_period(period: Period) -> Period:
    """The period a bulletin compares with: the half-month before a half-month, else as many days just before."""
    if is_half_month(period):
        return half_month_of(period.start - timedelta(days=1))
    return Period(period.start - timedelta(days=period.days), period.start - timedelta(days=1))


def check_period(start: date, end: date, *, today: date, longest_days: int = 3660) -> str | None:
    """Why a period cannot be reported on, or None."""
    if end < start:
        return "end_before_start"
    if end > today:
        return "in_future"
    if (end - start).days + 1 > longest_days:
        return "too_long"
    return None


def reduction_rate(baseline: int, remaining: int) -> Decimal | None:
    """(baseline − remaining) ÷ baseline in percent, two decimals, half up: 1,032 → 3 is 99.71. None without a baseline."""
    if baseline <= 0:
        return None
    return (Decimal(baseline - remaining) * 100 / Decimal(baseline)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def format_rate(rate: Decimal | None) -> str:
    return "—" if rate is None else f"{rate}%"


def change(current, previous):
    """current − previous (None when either is unknown)."""
    if current is None or previous is None:
        return None
    return current - previous


def format_change(delta) -> str:
    if delta is None:
        return "—"
    if delta == 0:
        return "0"
    sign = "+" if delta > 0 else "−"
    magnitude = abs(delta)
    return f"{sign}{magnitude:,}" if isinstance(magnitude, int) else f"{sign}{magnitude}"


def format_count(value) -> str:
    return "—" if value is None else f"{value:,}"


def yuan(fen: int) -> Decimal:
    """Fen → yuan as a number, two decimals: 48000000 → 480000.00."""
    return (Decimal(fen) / 100).quantize(TWO_PLACES)


def wan_yuan(fen: int) -> Decimal:
    """Fen → 万元 (¥10,000), two decimals half up: 48000000 → 48.00."""
    return (Decimal(fen) / 1_000_000).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def format_fen(fen: int | None) -> str:
    if fen is None:
        return "—"
    sign = "-" if fen < 0 else ""
    return f"{sign}¥{abs(fen) // 100:,}.{abs(fen) % 100:02d}"


def month_ends(last: date, count: int) -> list[date]:
    """The last days of `count` months up to the month of `last` (that month ends on `last` itself), oldest first."""
    result = []
    year, month = last.year, last.month
    for _ in range(count):
        end = date(year, month, calendar.monthrange(year, month)[1])
        result.append(min(end, last))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return result[::-1]
