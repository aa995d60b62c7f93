"""An account's status: what the rules decide from the facts, what an officer may set, when a statement is
overdue; and the kinds of alert."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from registry.core.dates import add_months
from registry.core.money import format_yuan
from registry.core.problems import N_, Problem
from registry.escrow.rules.coverage_and_deposit import coverage, format_percent
from registry.escrow.rules.limits import Limits


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


class AlertKind(StrEnum):
    no_account = "no_account"
    low_coverage = "low_coverage"
    deposit_shortfall = "deposit_shortfall"
    overdue_statement = "overdue_statement"
    flagged_statement = "flagged_statement"
    charge_violation = "charge_violation"


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
