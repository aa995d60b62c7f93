"""Monthly statements: the balance arithmetic, and the flags of a sequence of periods (gaps, overlaps, breaks)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from registry.core.money import format_yuan
from registry.core.problems import N_, Problem
from registry.escrow.rules.limits import Limits


def expected_closing(*, opening: int, received: int, released: int, refunded: int) -> int:
    return opening + received - released - refunded


def balance_discrepancy(*, opening: int, received: int, released: int, refunded: int, closing: int,
                        limits: Limits) -> int:
    """Closing balance minus opening + received − released − refunded; 0 within the tolerance."""
    difference = closing - expected_closing(opening=opening, received=received, released=released, refunded=refunded)
    return 0 if abs(difference) <= limits.balance_tolerance else difference


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    opening: int
    closing: int


def sequence_flags(periods: list[Period], *, limits: Limits) -> list[list[dict]]:
    """For statements sorted by start: the gaps, overlaps and broken balance carry-overs before each one."""
    flags: list[list[dict]] = [[] for _ in periods]
    for index in range(1, len(periods)):
        before, current = periods[index - 1], periods[index]
        if current.start > before.end + timedelta(days=1):
            flags[index].append({"flag": "gap", "from": (before.end + timedelta(days=1)).isoformat(),
                                 "to": (current.start - timedelta(days=1)).isoformat()})
        elif current.start <= before.end:
            flags[index].append({"flag": "overlap", "other_start": before.start.isoformat(),
                                 "other_end": before.end.isoformat()})
        elif abs(current.opening - before.closing) > limits.balance_tolerance:
            flags[index].append({"flag": "carry_over", "previous": before.closing, "opening": current.opening})
    return flags


STATEMENT_FLAGS = {
    "balance": N_("The closing balance %(closing)s does not equal opening + received − released − refunded = %(expected)s (difference %(difference)s)."),
    "gap": N_("No statement covers %(from)s to %(to)s."),
    "overlap": N_("The period overlaps the statement of %(other_start)s to %(other_end)s."),
    "carry_over": N_("The opening balance %(opening)s differs from the previous statement's closing balance %(previous)s."),
}


def describe_flag(flag: dict) -> Problem:
    params = dict(flag)
    code = params.pop("flag")
    for key in ("closing", "expected", "difference", "previous", "opening"):
        if key in params:
            params[key] = format_yuan(params[key])
    return Problem(STATEMENT_FLAGS.get(code, code), params)


def balance_flag(*, opening: int, received: int, released: int, refunded: int, closing: int, limits: Limits) -> dict | None:
    difference = balance_discrepancy(opening=opening, received=received, released=released, refunded=refunded,
                                     closing=closing, limits=limits)
    if not difference:
        return None
    return {"flag": "balance", "closing": closing, "difference": difference,
            "expected": expected_closing(opening=opening, received=received, released=released, refunded=refunded)}
