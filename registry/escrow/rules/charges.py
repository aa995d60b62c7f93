"""Prepaid charges: the channels, the charging limits (months, hours, cap, how early), the fees still owed, and
the pseudonymous student reference."""
from __future__ import annotations

import re
from datetime import date, timedelta
from enum import StrEnum

from registry.core.dates import add_months
from registry.core.money import format_yuan
from registry.core.problems import N_, Problem
from registry.escrow.rules.limits import Limits


class Channel(StrEnum):
    one_off = "one_off"          # 一次性收费
    top_up = "top_up"            # 充值 / 续费
    lesson_card = "lesson_card"  # 课时卡


CHARGE_RULES = {
    "over_months": N_("Charged for %(value)s months at once; at most %(limit)s months may be charged."),
    "over_hours": N_("Charged for %(value)s class hours at once; at most %(limit)s class hours may be charged."),
    "over_cap": N_("One charge of %(value)s; the local cap is %(limit)s."),
    "too_early": N_("Charged on %(value)s, more than %(limit)s month(s) before the course starts on %(start)s."),
}


def charge_violations(*, charged_on: date, course_start: date, amount: int, class_hours: int | None,
                      months: int | None, limits: Limits) -> list[dict]:
    """The rules a prepaid charge breaks, each as {rule, value, limit, ...}; empty when it keeps them all."""
    broken = []
    if months is not None and months > limits.max_months:
        broken.append({"rule": "over_months", "value": months, "limit": limits.max_months})
    if class_hours is not None and class_hours > limits.max_hours:
        broken.append({"rule": "over_hours", "value": class_hours, "limit": limits.max_hours})
    if limits.charge_cap is not None and amount > limits.charge_cap:
        broken.append({"rule": "over_cap", "value": amount, "limit": limits.charge_cap})
    earliest = add_months(course_start, -limits.months_before_start)
    if charged_on < earliest:
        broken.append({"rule": "too_early", "value": charged_on.isoformat(), "limit": limits.months_before_start,
                       "start": course_start.isoformat()})
    return broken


def describe_violation(violation: dict) -> Problem:
    params = dict(violation)
    rule = params.pop("rule")
    if rule == "over_cap":
        params = {"value": format_yuan(params["value"]), "limit": format_yuan(params["limit"])}
    return Problem(CHARGE_RULES.get(rule, rule), params)


def charge_period_end(*, course_start: date, months: int | None, limits: Limits) -> date:
    """The last day the fees of a charge pay for: its months from the course start, or one full cycle."""
    return add_months(course_start, months or limits.max_months) - timedelta(days=1)


def outstanding_fees(charges, *, today: date, limits: Limits) -> int:
    """Fen of charges whose lessons are not over by `today`: (course_start, months, amount) triples."""
    return sum(amount for course_start, months, amount in charges
               if charge_period_end(course_start=course_start, months=months, limits=limits) >= today)


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_ID_NUMBER = re.compile(r"\d{17}[\dXx]|\d{15}")
_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
STUDENT_REF_MAX = 40


def check_student_ref(ref: str) -> Problem | None:
    """A student reference identifies a student to the institution without personal data."""
    if not ref:
        return Problem(N_("Required."))
    if len(ref) > STUDENT_REF_MAX:
        return Problem(N_("At most %(limit)s characters."), {"limit": STUDENT_REF_MAX})
    if _CJK.search(ref):
        return Problem(N_("Use the institution's student number or a pseudonymous reference, not a name."))
    if _ID_NUMBER.search(ref) or _MOBILE.search(ref):
        return Problem(N_("This looks like an ID card or phone number: use a reference without personal data."))
    return None
