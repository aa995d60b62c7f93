"""One statement or charge parsed from raw values, alike for the form, the API and the CSV import, and what makes
a charge the same charge when a file is imported again."""
from __future__ import annotations

from datetime import date

from registry.core.dates import parse_day, parse_month
from registry.core.money import parse_money
from registry.core.problems import N_, Problem
from registry.escrow.rules.charges import Channel, check_student_ref


STATEMENT_AMOUNTS = ("opening_balance", "received", "released", "refunded", "closing_balance", "unearned")
MAX_PERIOD_DAYS = 366


def _amount_fields(raw: dict, names, problems: dict, clean: dict, *, required: bool) -> None:
    for name in names:
        try:
            value = parse_money(raw.get(name))
        except ValueError:
            problems[name] = Problem(N_("Enter an amount in yuan, such as 12345.67."))
            continue
        if value is None:
            if required:
                problems[name] = Problem(N_("Required."))
            continue
        if value < 0:
            problems[name] = Problem(N_("Cannot be negative."))
            continue
        clean[name] = value


def parse_statement(raw: dict, *, today: date) -> tuple[dict, dict[str, Problem]]:
    """A statement's period and figures; `period` (a month) may stand for `period_start` and `period_end`."""
    clean: dict = {}
    problems: dict[str, Problem] = {}
    if raw.get("period") and not raw.get("period_start") and not raw.get("period_end"):
        try:
            clean["period_start"], clean["period_end"] = parse_month(raw["period"])
        except ValueError:
            problems["period"] = Problem(N_("Enter a month as YYYY-MM."))
    else:
        for name in ("period_start", "period_end"):
            try:
                value = parse_day(raw.get(name))
            except ValueError:
                problems[name] = Problem(N_("Enter a date as YYYY-MM-DD."))
                continue
            if value is None:
                problems[name] = Problem(N_("Required."))
            else:
                clean[name] = value
    start, end = clean.get("period_start"), clean.get("period_end")
    if start and end:
        if end < start:
            problems["period_end"] = Problem(N_("The period ends before it starts."))
        elif (end - start).days + 1 > MAX_PERIOD_DAYS:
            problems["period_end"] = Problem(N_("A statement covers at most a year."))
        elif end > today:
            problems["period_end"] = Problem(N_("The period cannot end in the future."))
    _amount_fields(raw, STATEMENT_AMOUNTS, problems, clean, required=True)
    return clean, problems


CHARGE_REF_MAX = 60


def _whole_number(value, *, low: int, high: int) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, float):
        if value != int(value):
            raise ValueError
        value = int(value)
    number = int(str(value).strip())
    if not low <= number <= high:
        raise ValueError
    return number


def parse_charge(raw: dict, *, today: date) -> tuple[dict, dict[str, Problem]]:
    """A prepaid charge: dates, pseudonymous student, amount, hours or months, channel."""
    clean: dict = {}
    problems: dict[str, Problem] = {}
    for name in ("charged_on", "course_start"):
        try:
            value = parse_day(raw.get(name))
        except ValueError:
            problems[name] = Problem(N_("Enter a date as YYYY-MM-DD."))
            continue
        if value is None:
            problems[name] = Problem(N_("Required."))
        else:
            clean[name] = value
    if clean.get("charged_on") and clean["charged_on"] > today:
        problems["charged_on"] = Problem(N_("The date cannot be in the future."))

    ref = raw.get("student_ref")
    ref = " ".join(ref.split()) if isinstance(ref, str) else ("" if ref is None else str(ref))
    problem = check_student_ref(ref)
    if problem:
        problems["student_ref"] = problem
    clean["student_ref"] = ref

    charge_ref = raw.get("charge_ref")
    charge_ref = "" if charge_ref is None else " ".join(str(charge_ref).split())
    if len(charge_ref) > CHARGE_REF_MAX:
        problems["charge_ref"] = Problem(N_("At most %(limit)s characters."), {"limit": CHARGE_REF_MAX})
    clean["charge_ref"] = charge_ref

    _amount_fields(raw, ("amount",), problems, clean, required=True)
    if clean.get("amount") == 0:
        problems["amount"] = Problem(N_("A charge is more than ¥0."))

    for name, high in (("class_hours", 10_000), ("months", 120)):
        try:
            clean[name] = _whole_number(raw.get(name), low=1, high=high)
        except (TypeError, ValueError):
            problems[name] = Problem(N_("Enter a whole number between %(low)s and %(high)s."), {"low": 1, "high": high})
    if clean.get("class_hours") is None and clean.get("months") is None and \
            "class_hours" not in problems and "months" not in problems:
        problems["months"] = Problem(N_("Give the months or the class hours the charge pays for."))

    channel = raw.get("channel")
    channel = CHANNEL_WORDS.get(str(channel).strip(), str(channel).strip()) if channel not in (None, "") else ""
    if channel in Channel.__members__:
        clean["channel"] = Channel(channel)
    else:
        problems["channel"] = Problem(N_("Choose one of: %(choices)s."), {"choices": ", ".join(Channel.__members__)})
    return clean, problems


# What a typed spreadsheet says for each channel.
CHANNEL_WORDS = {"一次性": "one_off", "一次性收费": "one_off", "充值": "top_up", "续费": "top_up", "预充值": "top_up",
                 "课时卡": "lesson_card", "课次卡": "lesson_card"}


def natural_key(*, charge_ref: str, charged_on: date, student_ref: str, amount: int) -> str:
    """What makes a charge the same charge when a file is imported again."""
    if charge_ref:
        return f"ref:{charge_ref}"
    return f"{charged_on.isoformat()}|{student_ref}|{amount}"
