"""The prepaid-fee escrow rules of DOMAIN.md, as pure functions over plain values.

Money is an integer number of fen (分) everywhere here, never a float: ¥5,000.00 is 500000. Every
threshold comes in through `Limits`, built from the settings (registry/config.py); the defaults below are
DOMAIN.md's.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from fractions import Fraction

from registry.core.dates import add_months, parse_day, parse_month
from registry.core.money import format_yuan, parse_money
from registry.core.problems import N_, Problem


class EscrowStatus(StrEnum):
    none = "none"            # 未开户: no supervised account
    opened = "opened"        # 已开户: account recorded, no statement yet
    normal = "normal"        # 正常
    warning = "warning"      # 预警
    violation = "violation"  # 违规
    frozen = "frozen"        # 冻结 (an officer's decision)
    closed = "closed"        # 销户 (an officer's decision)


# An account exists and money may move through it.
LIVE = frozenset({EscrowStatus.opened, EscrowStatus.normal, EscrowStatus.warning, EscrowStatus.violation,
                  EscrowStatus.frozen})
# Statuses an officer sets; the rules never lift them.
OFFICER_STATUSES = frozenset({EscrowStatus.frozen, EscrowStatus.closed})


class Channel(StrEnum):
    one_off = "one_off"          # 一次性收费
    top_up = "top_up"            # 充值 / 续费
    lesson_card = "lesson_card"  # 课时卡


class AlertKind(StrEnum):
    no_account = "no_account"
    low_coverage = "low_coverage"
    deposit_shortfall = "deposit_shortfall"
    overdue_statement = "overdue_statement"
    flagged_statement = "flagged_statement"
    charge_violation = "charge_violation"


@dataclass(frozen=True)
class Limits:
    """The thresholds a locality may set; defaults from DOMAIN.md."""

    max_months: int = 3                  # one charge covers at most 3 months ...
    max_hours: int = 60                  # ... or 60 class hours
    charge_cap: int | None = 500_000     # fen; one charge at most ¥5,000 (None: no cap)
    months_before_start: int = 1         # no charge earlier than 1 month before the course starts
    min_coverage_pct: int = 100          # coverage below this is a warning
    deposit_required: bool = True        # the locality requires a risk deposit
    deposit_cycle_months: int = 3        # the deposit covers the fees of one 3-month cycle
    statement_overdue_months: int = 1    # no statement for longer than this is overdue
    balance_tolerance: int = 0           # fen a statement's closing balance may differ by

    @classmethod
    def from_settings(cls, settings: dict) -> "Limits":
        return cls(
            max_months=settings["REGISTRY_ESCROW_MAX_MONTHS"],
            max_hours=settings["REGISTRY_ESCROW_MAX_HOURS"],
            charge_cap=settings["REGISTRY_ESCROW_CHARGE_CAP"],
            months_before_start=settings["REGISTRY_ESCROW_MONTHS_BEFORE_START"],
            min_coverage_pct=settings["REGISTRY_ESCROW_MIN_COVERAGE"],
            deposit_required=settings["REGISTRY_ESCROW_DEPOSIT_REQUIRED"],
            deposit_cycle_months=settings["REGISTRY_ESCROW_DEPOSIT_CYCLE_MONTHS"],
            statement_overdue_months=settings["REGISTRY_ESCROW_STATEMENT_OVERDUE_MONTHS"],
            balance_tolerance=settings["REGISTRY_ESCROW_BALANCE_TOLERANCE"],
        )


# --- account numbers ------------------------------------------------------------------------------------

ACCOUNT_DIGITS = (8, 32)


def normalise_account(text: str) -> str:
    return re.sub(r"[\s-]", "", text or "")


def check_account(number: str) -> Problem | None:
    low, high = ACCOUNT_DIGITS
    if not (number.isascii() and number.isdigit()) or not low <= len(number) <= high:
        return Problem(N_("An account number has %(low)s to %(high)s digits (spaces and dashes are ignored)."),
                       {"low": low, "high": high})
    return None


def mask_account(number: str | None) -> str:
    """Only the first and last four digits show: 6222021234561234 → '6222 **** **** 1234'."""
    if not number:
        return ""
    digits = normalise_account(number)
    if len(digits) <= 8:
        return "**** " + digits[-4:]
    return f"{digits[:4]} **** **** {digits[-4:]}"


# --- charges --------------------------------------------------------------------------------------------

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


# --- statements -----------------------------------------------------------------------------------------

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


# --- coverage and the risk deposit ----------------------------------------------------------------------

def coverage(*, balance: int, deposit: int, unearned: int) -> Fraction | None:
    """(balance + risk deposit) ÷ fees for lessons not yet taught; None when nothing is owed."""
    if unearned <= 0:
        return None
    return Fraction(balance + deposit, unearned)


def coverage_shortfall(*, balance: int, deposit: int, unearned: int, limits: Limits) -> int:
    """Fen missing to reach the minimum coverage; 0 when covered."""
    needed = -(-unearned * limits.min_coverage_pct // 100)  # ceiling
    return max(0, needed - balance - deposit)


def cycle_fees(periods: list[tuple[date, date, int]], *, limits: Limits) -> int:
    """Fees received in one charging cycle: the last `deposit_cycle_months` months of statements, pro rata by day."""
    if not periods:
        return 0
    window_end = max(end for _, end, _ in periods)
    window_start = add_months(window_end + timedelta(days=1), -limits.deposit_cycle_months)
    total = Fraction(0)
    for start, end, received in periods:
        overlap = (min(end, window_end) - max(start, window_start)).days + 1
        if overlap > 0:
            total += Fraction(received * overlap, (end - start).days + 1)
    return round(total)


def required_deposit(periods: list[tuple[date, date, int]], *, limits: Limits) -> int | None:
    """The risk deposit the locality requires (None where it requires none)."""
    return cycle_fees(periods, limits=limits) if limits.deposit_required else None


# --- status ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Facts:
    """What the rules look at, from the latest statement, the charges and the account."""

    has_account: bool
    prepaid_held: int = 0              # fen of prepaid fees held (outstanding charges, or the last unearned figure)
    open_violations: int = 0           # charges breaking a rule, not yet dealt with
    has_statement: bool = False
    balance: int = 0
    unearned: int = 0
    deposit: int = 0
    required_deposit: int | None = None


def status_by_rule(current: EscrowStatus, facts: Facts, *, limits: Limits) -> tuple[EscrowStatus, list[Problem]]:
    """The status the rules give, and the findings behind it; an officer's freeze or closure stands until the
    officer lifts it (no findings then)."""
    if current in OFFICER_STATUSES:
        return current, []
    if not facts.has_account:
        if facts.prepaid_held > 0:
            return EscrowStatus.violation, [Problem(N_("Holds %(amount)s of prepaid fees without a supervised account."),
                                                    {"amount": format_yuan(facts.prepaid_held)})]
        return EscrowStatus.none, [Problem(N_("No supervised account, and no prepaid fees held."))]
    reasons = []
    if facts.open_violations:
        reasons.append(Problem(N_("%(count)s charge(s) break the charging rules."), {"count": facts.open_violations}))
        return EscrowStatus.violation, reasons
    if not facts.has_statement:
        return EscrowStatus.opened, [Problem(N_("No bank statement yet."))]
    ratio = coverage(balance=facts.balance, deposit=facts.deposit, unearned=facts.unearned)
    if ratio is not None and ratio * 100 < limits.min_coverage_pct:
        reasons.append(Problem(N_("Coverage %(coverage)s is below %(minimum)s%%."),
                               {"coverage": format_percent(ratio), "minimum": limits.min_coverage_pct}))
    if facts.required_deposit is not None and facts.deposit < facts.required_deposit:
        reasons.append(Problem(N_("The risk deposit %(deposit)s is below the fees of one cycle, %(required)s."),
                               {"deposit": format_yuan(facts.deposit), "required": format_yuan(facts.required_deposit)}))
    if reasons:
        return EscrowStatus.warning, reasons
    if ratio is None:
        return EscrowStatus.normal, [Problem(N_("No fees are owed for lessons not yet taught."))]
    return EscrowStatus.normal, [Problem(N_("Coverage %(coverage)s: the fees for lessons not yet taught are covered."),
                                         {"coverage": format_percent(ratio)})]


def format_percent(ratio: Fraction | None) -> str:
    if ratio is None:
        return "—"
    tenths = round(ratio * 1000)
    return f"{tenths // 10:,}.{tenths % 10}%"


def overdue_cutoff(today: date, *, limits: Limits) -> date:
    """A live account whose latest statement ended (or, with none, that opened) before this day is overdue."""
    return add_months(today, -limits.statement_overdue_months)


def statement_overdue(*, status: EscrowStatus, opened_on: date | None, latest_period_end: date | None,
                      today: date, limits: Limits) -> bool:
    if status not in LIVE:
        return False
    last = latest_period_end or opened_on
    return last is not None and last < overdue_cutoff(today, limits=limits)


# Officer actions on the status: the statuses each may start from.
OFFICER_ACTIONS = {
    "freeze": frozenset({EscrowStatus.opened, EscrowStatus.normal, EscrowStatus.warning, EscrowStatus.violation}),
    "unfreeze": frozenset({EscrowStatus.frozen}),
    "close": LIVE,
}


def check_officer_action(current: EscrowStatus, action: str) -> Problem | None:
    if action not in OFFICER_ACTIONS:
        return Problem(N_("Unknown action “%(action)s”."), {"action": action})
    if current not in OFFICER_ACTIONS[action]:
        return Problem(N_("Not possible while the escrow is “%(current)s”."), {"current": current.value})
    return None


# --- parsing one record, alike for the form, the API and the CSV import ----------------------------------

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
