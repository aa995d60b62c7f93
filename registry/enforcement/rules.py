"""Enforcement's rules as plain functions: inspections, the closed loop of a lead, the steps of a penalty case, fine
ranges and a fine's state. No Flask, no database; amounts in fen, days as dates."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from registry.core.problems import N_, Problem


class Result(StrEnum):
    passed = "pass"
    failed = "fail"
    not_applicable = "na"


class Outcome(StrEnum):
    compliant = "compliant"
    rectification = "rectification"  # rectification ordered, with a deadline
    case = "case"  # case opened


class LeadSource(StrEnum):
    grid = "grid"  # a grid worker's visit report (上报)
    inspection = "inspection"  # a finding referred from an inspection
    hotline = "hotline"  # typed by an officer from the hotline
    public = "public"  # the public form
    staff = "staff"  # an in-service school teacher found on an institution's staff (the staff cross-check)


class LeadState(StrEnum):
    received = "received"
    assigned = "assigned"
    handling = "handling"
    closed = "closed"


class LeadOutcome(StrEnum):
    unfounded = "unfounded"
    rectified = "rectified"
    case_opened = "case_opened"
    transferred = "transferred"


class Step(StrEnum):
    """The steps of a penalty case (《校外培训行政处罚暂行办法》), in order. Legal review and service are steps of
    their own: the measures require both, and a reviewing authority asks for their dates and documents."""

    opened = "opened"  # 立案
    investigated = "investigated"  # 调查取证
    notified = "notified"  # 告知 (statement, defence, hearing)
    reviewed = "reviewed"  # 法制审核
    decided = "decided"  # 决定
    served = "served"  # 送达
    executed = "executed"  # 执行
    closed = "closed"  # 结案


STEPS = tuple(Step)
STEP_NAMES = {Step.opened: N_("Opened (立案)"), Step.investigated: N_("Investigated (调查取证)"),
              Step.notified: N_("Notified (告知)"), Step.reviewed: N_("Legal review (法制审核)"),
              Step.decided: N_("Decided (决定)"), Step.served: N_("Served (送达)"), Step.executed: N_("Executed (执行)"),
              Step.closed: N_("Closed (结案)")}


class Sanction(StrEnum):
    warning = "warning"  # 警告、通报批评
    fine = "fine"  # 罚款
    confiscation = "confiscation"  # 没收违法所得
    refund = "refund"  # 责令退还学员费用
    suspension = "suspension"  # 责令停业整顿
    revocation = "revocation"  # 吊销许可证


class BulletinGroup(StrEnum):
    """The bulletin's six kinds of violation (DOMAIN.md, indicator 4)."""

    disguised = "disguised"
    advertising = "advertising"
    fees = "fees"
    staff = "staff"
    safety = "safety"
    unlicensed = "unlicensed"


class FineState(StrEnum):
    unpaid = "unpaid"  # nothing paid yet, not yet due
    part_paid = "part_paid"
    paid = "paid"
    overdue = "overdue"  # due date passed, not paid in full


MIN_STAFF = 2  # an inspection is made by at least two enforcement staff
MIN_INVESTIGATORS = 2  # evidence is taken by at least two officers
MAX_FINE = 10_000_000  # fen: ¥100,000, the largest fine the measures allow
OPEN_STATES = (LeadState.received, LeadState.assigned, LeadState.handling)
MARKET = "market"


# --- inspections --------------------------------------------------------------------------------------------------

def is_joint(staff_departments) -> bool:
    """Staff of more than one department make a joint inspection (联合检查)."""
    return len({d for d in staff_departments if d}) > 1


def check_inspection(*, staff_count: int, inspected_on: date | None, today: date, outcome: str,
                     deadline: date | None, results: dict[str, str], item_keys, notes: dict[str, str],
                     follow_up: bool = False) -> dict[str, Problem]:
    """What is wrong with an inspection as entered; empty when it may be saved."""
    problems: dict[str, Problem] = {}
    if staff_count < MIN_STAFF:
        problems["staff"] = Problem(N_("An inspection is made by at least %(count)s enforcement staff."), {"count": MIN_STAFF})
    if inspected_on is None:
        problems["inspected_on"] = Problem(N_("Enter the date of the inspection."))
    elif inspected_on > today:
        problems["inspected_on"] = Problem(N_("The date cannot be in the future."))
    if outcome not in Outcome.__members__:
        problems["outcome"] = Problem(N_("Choose the outcome."))
    elif Outcome(outcome) is Outcome.rectification:
        if deadline is None:
            problems["deadline"] = Problem(N_("A rectification order has a deadline."))
        elif inspected_on is not None and deadline <= inspected_on:
            problems["deadline"] = Problem(N_("The deadline comes after the inspection."))
    missing = [key for key in item_keys if results.get(key) not in [r.value for r in Result]]
    if missing:
        problems["items"] = Problem(N_("Answer every checklist item (%(count)s left)."), {"count": len(missing)}) \
            if not follow_up else Problem(N_("Say for every item whether it was fixed (%(count)s left)."), {"count": len(missing)})
    unexplained = [key for key in item_keys if results.get(key) == Result.failed and not (notes.get(key) or "").strip()]
    if unexplained and "items" not in problems:
        problems["items"] = Problem(N_("Describe what was found for each failed item (%(count)s without a note)."),
                                    {"count": len(unexplained)})
    failed = any(results.get(key) == Result.failed for key in item_keys)
    if outcome == Outcome.compliant and failed:
        problems["outcome"] = Problem(N_("An inspection with failed items is not compliant: order rectification or open a case."))
    return problems


def rectification_overdue(*, outcome: str, deadline: date | None, followed_up: bool, today: date) -> bool:
    """A rectification whose deadline has passed without a re-inspection."""
    return outcome == Outcome.rectification and deadline is not None and deadline < today and not followed_up


# --- leads --------------------------------------------------------------------------------------------------------

LICENSED_STATUSES = ("licensed", "suspended")


def route_lead(*, supervising_department: str | None, institution_status: str | None) -> str:
    """The department a lead goes to: the institution's supervising department, market regulation when the operator
    is unknown or has no licence."""
    if supervising_department is None or institution_status not in LICENSED_STATUSES:
        return MARKET
    return supervising_department


def lead_deadline(received_on: date, days: int) -> date:
    return received_on + timedelta(days=days)


def lead_overdue(*, state: str, deadline: date, today: date) -> bool:
    return state != LeadState.closed and deadline < today


def closed_on_time(*, closed_on: date | None, deadline: date) -> bool:
    return closed_on is not None and closed_on <= deadline


# Each state, and the states it may move to.
# The closed loop the bureaus report on: 上报 → 交办 → 处置 → (核查) → 办结; a lead is closed once handled.
LEAD_MOVES = {
    LeadState.received: (LeadState.assigned,),
    LeadState.assigned: (LeadState.assigned, LeadState.handling),
    LeadState.handling: (LeadState.assigned, LeadState.closed),
    LeadState.closed: (),
}
# At intake a lead plainly unfounded (不予受理) or not the department's (移交) may be closed without being assigned,
# but only as that named outcome, with its reason.
INTAKE_OUTCOMES = (LeadOutcome.unfounded, LeadOutcome.transferred)


def check_lead_move(current: str, target: str, *, outcome: str | None = None) -> Problem | None:
    if target not in LeadState.__members__:
        return Problem(N_("Unknown state."))
    if current == LeadState.received and target == LeadState.closed:
        if outcome in INTAKE_OUTCOMES:
            return None
        return Problem(N_("A lead just received is closed only as not accepted or transferred, with the reason; "
                          "otherwise assign it and have it handled first."))
    if LeadState(target) not in LEAD_MOVES[LeadState(current)]:
        return Problem(N_("A lead that is %(current)s cannot become %(target)s."), {"current": current, "target": target})
    return None


_TRACKING = re.compile(r"^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$")
TRACKING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out over the phone


def tracking_number(random_chars: str) -> str:
    """Twelve random characters as `XXXX-XXXX-XXXX` (60 bits: not guessable)."""
    return "-".join(random_chars[i:i + 4] for i in (0, 4, 8))


def normalise_tracking(text: str) -> str:
    compact = re.sub(r"[\s-]", "", (text or "").upper())
    return tracking_number(compact) if len(compact) == 12 else compact


def tracking_part(text: str) -> str | None:
    """The characters of a tracking number typed in a search (at least four, dashes and spaces ignored), or None when
    the text cannot be part of one."""
    compact = re.sub(r"[\s-]", "", (text or "").upper())
    return compact if len(compact) >= 4 and set(compact) <= set(TRACKING_ALPHABET) else None


def tracking_looks_valid(text: str) -> bool:
    return bool(_TRACKING.match(text))


# --- penalty cases ------------------------------------------------------------------------------------------------

def case_number(department_code: str, year: int, serial: int) -> str:
    """`EDU-2026-0007`: the department's code, the year, the serial within both."""
    return f"{department_code.upper()}-{year}-{serial:04d}"


def next_step(current: Step | None) -> Step | None:
    if current is None:
        return Step.opened
    index = STEPS.index(Step(current))
    return STEPS[index + 1] if index + 1 < len(STEPS) else None


def check_step(current: str | None, requested: str, *, on: date | None, previous_on: date | None, today: date,
               people: int, documents: str) -> dict[str, Problem]:
    """Whether `requested` may be recorded after `current`: no step skipped or repeated, dates in order."""
    problems: dict[str, Problem] = {}
    if requested not in Step.__members__:
        return {"step": Problem(N_("Unknown step."))}
    expected = next_step(Step(current) if current else None)
    if expected is None:
        return {"step": Problem(N_("The case is closed."))}
    if Step(requested) is not expected:
        problems["step"] = Problem(N_("The next step is “%(expected)s”: steps cannot be skipped."), {"expected": expected})
    if on is None:
        problems["on"] = Problem(N_("Enter the date of this step."))
    elif on > today:
        problems["on"] = Problem(N_("The date cannot be in the future."))
    elif previous_on is not None and on < previous_on:
        problems["on"] = Problem(N_("This step cannot be dated before the previous one (%(day)s)."), {"day": previous_on.isoformat()})
    needed = MIN_INVESTIGATORS if requested == Step.investigated else 1
    if people < needed:
        problems["people"] = Problem(N_("This step is done by at least %(count)s officers."), {"count": needed}) if needed > 1 \
            else Problem(N_("Name the officer who did this step."))
    if requested != Step.opened and not documents.strip():
        problems["documents"] = Problem(N_("Give the references of this step's documents."))
    return problems


@dataclass(frozen=True)
class FineTerms:
    """A violation type's fine: a fixed range in fen, or multiples of the illegal income (min, max)."""

    min_fen: int | None = None
    max_fen: int | None = None
    min_times: float | None = None
    max_times: float | None = None

    @property
    def by_income(self) -> bool:
        return self.min_times is not None


def fine_range(terms: FineTerms, *, illegal_income: int | None) -> tuple[int, int] | None:
    """The lowest and highest fine in fen; None when the range needs the illegal income and it is not known.
    No fine is above the measures' ceiling, except a multiple of illegal income for unlicensed training."""
    if terms.by_income:
        if illegal_income is None or illegal_income <= 0:
            return None
        return round(illegal_income * terms.min_times), round(illegal_income * terms.max_times)
    return terms.min_fen or 0, min(terms.max_fen if terms.max_fen is not None else MAX_FINE, MAX_FINE)


def check_decision(*, sanctions: list[str], fine: int | None, confiscation: int | None, illegal_income: int | None,
                   terms: FineTerms, refund_order: str, institution_status: str | None) -> dict[str, Problem]:
    problems: dict[str, Problem] = {}
    unknown = [s for s in sanctions if s not in Sanction.__members__]
    if not sanctions or unknown:
        problems["sanctions"] = Problem(N_("Choose one or more sanctions."))
        return problems
    chosen = {Sanction(s) for s in sanctions}
    if Sanction.fine in chosen:
        allowed = fine_range(terms, illegal_income=illegal_income)
        if allowed is None:
            problems["illegal_income"] = Problem(N_("This fine is a multiple of the illegal income: enter the illegal income."))
        elif fine is None or fine <= 0:
            problems["fine"] = Problem(N_("Enter the fine."))
        elif allowed[1] == 0:
            problems["fine"] = Problem(N_("This violation type carries no fine."))
        elif not allowed[0] <= fine <= allowed[1]:
            problems["fine"] = Problem(N_("The fine must be between %(low)s and %(high)s for this violation type."),
                                       {"low": format_fen(allowed[0]), "high": format_fen(allowed[1])})
    elif fine:
        problems["fine"] = Problem(N_("A fine is entered but “fine” is not among the sanctions."))
    if Sanction.confiscation in chosen and not confiscation:
        problems["confiscation"] = Problem(N_("Enter the illegal income confiscated."))
    elif confiscation and Sanction.confiscation not in chosen:
        problems["confiscation"] = Problem(N_("An amount is confiscated but “confiscation” is not among the sanctions."))
    if Sanction.refund in chosen and not refund_order.strip():
        problems["refund_order"] = Problem(N_("Say whom to refund and how much."))
    if chosen & {Sanction.suspension, Sanction.revocation}:
        if Sanction.suspension in chosen and Sanction.revocation in chosen:
            problems["sanctions"] = Problem(N_("Suspend or revoke, not both."))
        elif institution_status is None:
            problems["sanctions"] = Problem(N_("Suspension and revocation apply to an institution in the register."))
        elif Sanction.suspension in chosen and institution_status != "licensed":
            problems["sanctions"] = Problem(N_("Only a licensed institution can be suspended."))
        elif Sanction.revocation in chosen and institution_status not in LICENSED_STATUSES:
            problems["sanctions"] = Problem(N_("Only a licensed or suspended institution can have its permit revoked."))
    return problems


def format_fen(fen: int) -> str:
    return f"¥{fen // 100:,}.{fen % 100:02d}"


# --- fines --------------------------------------------------------------------------------------------------------

PAYMENT_DAYS = 15  # a fine is paid within 15 days of service of the decision (行政处罚法 art. 67)


def fine_state(*, amount: int, paid: int, due_on: date, today: date) -> FineState:
    if paid >= amount:
        return FineState.paid
    if due_on < today:
        return FineState.overdue
    return FineState.part_paid if paid > 0 else FineState.unpaid


def check_payment(*, amount: int | None, outstanding: int, paid_on: date | None, decided_on: date | None, today: date,
                  receipt: str) -> dict[str, Problem]:
    problems: dict[str, Problem] = {}
    if amount is None or amount <= 0:
        problems["amount"] = Problem(N_("Enter the amount paid."))
    elif amount > outstanding:
        problems["amount"] = Problem(N_("Only %(amount)s is outstanding."), {"amount": format_fen(outstanding)})
    if paid_on is None:
        problems["paid_on"] = Problem(N_("Enter the date of payment."))
    elif paid_on > today:
        problems["paid_on"] = Problem(N_("The date cannot be in the future."))
    elif decided_on is not None and paid_on < decided_on:
        problems["paid_on"] = Problem(N_("A payment cannot come before the decision (%(day)s)."), {"day": decided_on.isoformat()})
    if not receipt.strip():
        problems["receipt_number"] = Problem(N_("Enter the receipt number."))
    elif len(receipt) > 60:
        problems["receipt_number"] = Problem(N_("At most %(count)s characters."), {"count": 60})
    return problems
