"""Days and months as people type them in forms and files, and month arithmetic."""
from __future__ import annotations

import calendar
import re
from datetime import date

_DATE_FORMS = (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
               re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"), re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
               re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"))
_MONTH_FORMS = (re.compile(r"^(\d{4})-(\d{1,2})$"), re.compile(r"^(\d{4})/(\d{1,2})$"), re.compile(r"^(\d{4})(\d{2})$"),
                re.compile(r"^(\d{4})年(\d{1,2})月$"))


def parse_day(value) -> date | None:
    """`2026-10-31`, `2026/10/31`, `2026.10.31`, `20261031` or `2026年10月31日` → a date; '' → None."""
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    for form in _DATE_FORMS:
        match = form.match(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            return date(year, month, day)  # ValueError for 2026-02-30
    raise ValueError("not a date")


def parse_month(value) -> tuple[date, date]:
    """`2026-10`, `2026/10`, `202610` or `2026年10月` → the month's first and last day."""
    text = str(value or "").strip()
    for form in _MONTH_FORMS:
        match = form.match(text)
        if match:
            year, month = (int(g) for g in match.groups())
            if not 1 <= month <= 12:
                break
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    raise ValueError("not a month")


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier), kept inside the month: 2026-01-31 + 1 → 2026-02-28."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
