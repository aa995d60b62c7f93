"""The escrow's actions: one function per thing a user does. Each checks rights, validates, writes, audits, flushes.

After every write the escrow's figures are refreshed from its statements and charges and its status is
set by the rules (`refresh`); a status the rules change is recorded as such in its history.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from registry.core import audit, authz
from registry.core.errors import Conflict, Invalid, NotFound
from registry.core.models import local_today
from registry.core.problems import translate
from registry.escrow import rules, sources
from registry.escrow.figures import alerts, facts_of, limits, refresh, refresh_institutions, visible
from registry.escrow.models import Charge, Escrow, EscrowStatusChange, Statement
from registry.escrow.rules import EscrowStatus, Limits
from registry.extensions import db
from registry.register import services as register
from registry.register.models import Institution
from registry.core.pager import Page
from registry.core.dates import parse_day
from registry.core.money import parse_money, yuan_text

ACCOUNT_FIELDS = ("bank", "account_number", "opened_on", "risk_deposit")
BANK_MAX = 100


def _invalid(problems: dict) -> Invalid:
    return Invalid(gettext("Please correct the marked fields."),
                   {name: [translate(p) if isinstance(p, rules.Problem) else p] for name, p in problems.items()})


def _reason(text) -> str:
    return " ".join(text.split()) if isinstance(text, str) else ""


# --- reading -------------------------------------------------------------------------------------------

def escrow_of(institution_id: int) -> Escrow | None:
    return db.session.scalar(select(Escrow).where(Escrow.institution_id == institution_id))


def status_of(institution_id: int) -> EscrowStatus:
    status = db.session.scalar(select(Escrow.status).where(Escrow.institution_id == institution_id))
    return EscrowStatus(status) if status else EscrowStatus.none


def public_status(institution_id: int) -> str:
    """What the public lookup may show of an escrow: its status word, never amounts or account numbers."""
    return status_of(institution_id).value


@dataclass
class Overview:
    """An institution's escrow as its page and panel show it."""

    institution: Institution
    escrow: Escrow | None
    status: EscrowStatus
    coverage: object  # Fraction | None
    alerts: list
    overdue: bool
    latest: Statement | None
    coverage_low: bool = False
    status_reason: str = ""  # why the escrow has its status: the last change's reason or rule finding

    @property
    def has_account(self) -> bool:
        return self.escrow is not None and self.escrow.has_account


def overview(user, institution_id: int) -> Overview:
    """The escrow of one institution, its coverage and its alerts; Forbidden unless `user` may view it."""
    institution = register.get_institution(user, institution_id, "escrow.view")
    escrow = escrow_of(institution.id)
    lim = limits()
    latest = db.session.scalar(select(Statement).where(Statement.institution_id == institution.id)
                               .order_by(Statement.period_start.desc()).limit(1))
    ratio = None
    if escrow is not None and latest is not None:
        ratio = rules.coverage(balance=latest.closing_balance, deposit=escrow.risk_deposit, unearned=latest.unearned)
    overdue = escrow is not None and escrow.has_account and rules.statement_overdue(
        status=escrow.status, opened_on=escrow.opened_on, latest_period_end=escrow.latest_period_end,
        today=local_today(), limits=lim)
    found = alerts(user, institution_id=institution.id, per_page=20).items if escrow is not None else []
    reason = db.session.scalar(select(EscrowStatusChange.reason).where(EscrowStatusChange.escrow_id == escrow.id)
                               .order_by(EscrowStatusChange.id.desc()).limit(1)) if escrow is not None else ""
    return Overview(institution, escrow, escrow.status if escrow else EscrowStatus.none, ratio, found, overdue, latest,
                    coverage_low=ratio is not None and ratio * 100 < lim.min_coverage_pct, status_reason=reason or "")


def statements_of(institution_id: int) -> list[Statement]:
    return list(db.session.scalars(select(Statement).where(Statement.institution_id == institution_id)
                                   .order_by(Statement.period_start.desc())))


def status_changes(escrow: Escrow | None) -> list[EscrowStatusChange]:
    if escrow is None:
        return []
    return list(db.session.scalars(select(EscrowStatusChange).where(EscrowStatusChange.escrow_id == escrow.id)
                                   .order_by(EscrowStatusChange.id)))


def history(escrow: Escrow | None) -> list:
    """The audit entries of an escrow (account numbers masked), newest last."""
    return audit.entries_for(db.session, "escrow", escrow.id) if escrow is not None else []


def chart_points(institution_id: int, *, limit: int = 24) -> list[tuple[date, int, int]]:
    """(period end, closing balance, fees not yet taught) of the latest statements, oldest first."""
    rows = db.session.execute(select(Statement.period_end, Statement.closing_balance, Statement.unearned)
                              .where(Statement.institution_id == institution_id)
                              .order_by(Statement.period_start.desc()).limit(limit)).all()
    return [tuple(row) for row in reversed(rows)]


def list_statements(user, *, institution_id: int | None = None, flagged: bool | None = None,
                    page: int = 1, per_page: int = 50) -> Page:
    """Statements of the institutions `user` may see, newest period first."""
    authz.require(user, "escrow.list")
    conditions = [c for c in [visible(user)] if c is not None]
    if institution_id is not None:
        conditions.append(Statement.institution_id == institution_id)
    if flagged is True:
        conditions += [Statement.flag_count > 0, Statement.resolved_on.is_(None)]
    elif flagged is False:
        conditions.append(or_(Statement.flag_count == 0, Statement.resolved_on.is_not(None)))
    query = select(Statement).join(Institution, Institution.id == Statement.institution_id).where(*conditions)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    items = db.session.scalars(query.order_by(Statement.period_start.desc(), Statement.id.desc())
                               .limit(per_page).offset((page - 1) * per_page)).all()
    return Page(list(items), total, page, per_page)


def list_charges(user, *, institution_id: int | None = None, violating: bool | None = None,
                 page: int = 1, per_page: int = 50) -> Page:
    """Charges of the institutions `user` may see, newest first."""
    authz.require(user, "escrow.list")
    conditions = [c for c in [visible(user)] if c is not None]
    if institution_id is not None:
        conditions.append(Charge.institution_id == institution_id)
    if violating is True:
        conditions += [Charge.violation_count > 0, Charge.resolved_on.is_(None)]
    elif violating is False:
        conditions.append(or_(Charge.violation_count == 0, Charge.resolved_on.is_not(None)))
    query = select(Charge).join(Institution, Institution.id == Charge.institution_id).where(*conditions)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    items = db.session.scalars(query.order_by(Charge.charged_on.desc(), Charge.id.desc())
                               .limit(per_page).offset((page - 1) * per_page)).all()
    return Page(list(items), total, page, per_page)


def get_statement(user, statement_id: int, action: str = "escrow.view") -> Statement:
    statement = db.session.get(Statement, statement_id)
    if statement is None:
        raise NotFound(gettext("There is no statement with id %(id)s.", id=statement_id))
    register.get_institution(user, statement.institution_id, action)
    return statement


def get_charge(user, charge_id: int, action: str = "escrow.view") -> Charge:
    charge = db.session.get(Charge, charge_id)
    if charge is None:
        raise NotFound(gettext("There is no charge with id %(id)s.", id=charge_id))
    register.get_institution(user, charge.institution_id, action)
    return charge


# --- the account and its status ----------------------------------------------------------------------------

def account_values(escrow: Escrow | None) -> dict:
    if escrow is None or not escrow.has_account or escrow.status is EscrowStatus.closed:
        return {"bank": "", "account_number": "", "opened_on": local_today().isoformat(), "risk_deposit": "0.00",
                "version": escrow.version if escrow else ""}
    return {"bank": escrow.bank, "account_number": escrow.account_number, "opened_on": escrow.opened_on.isoformat(),
            "risk_deposit": yuan_text(escrow.risk_deposit), "version": escrow.version}


def _set_status(escrow: Escrow, status: EscrowStatus, *, reason: str, by_rule: bool, user, effective_on: date) -> None:
    previous = escrow.status
    escrow.status = status
    escrow.status_since = effective_on
    db.session.add(EscrowStatusChange(escrow_id=escrow.id, from_status=previous, to_status=status, by_rule=by_rule,
                                      reason=reason, effective_on=effective_on, actor_id=getattr(user, "id", None)))


def _check_version(escrow: Escrow, version) -> None:
    if version in (None, ""):
        return
    try:
        given = int(version)
    except (TypeError, ValueError):
        raise Invalid(gettext("Please correct the marked fields."), {"version": [gettext("Send the version you read.")]})
    if given != escrow.version:
        raise Conflict(gettext("Someone else changed this escrow after you opened it. "
                               "Here it is as it is now; make your change again."))


def _parse_account(raw: dict, reason: str) -> dict:
    problems: dict = {}
    if not reason:
        problems["reason"] = rules.Problem(rules.N_("Give the reason for this change."))
    clean: dict = {}
    bank = raw.get("bank")
    clean["bank"] = " ".join(bank.split()) if isinstance(bank, str) else ""
    if not clean["bank"]:
        problems["bank"] = rules.Problem(rules.N_("Required."))
    elif len(clean["bank"]) > BANK_MAX:
        problems["bank"] = rules.Problem(rules.N_("At most %(limit)s characters."), {"limit": BANK_MAX})
    number = rules.normalise_account(raw.get("account_number") if isinstance(raw.get("account_number"), str)
                                     else str(raw.get("account_number") or ""))
    clean["account_number"] = number
    if not number:
        problems["account_number"] = rules.Problem(rules.N_("Required."))
    elif problem := rules.check_account(number):
        problems["account_number"] = problem
    try:
        clean["opened_on"] = parse_day(raw.get("opened_on"))
        if clean["opened_on"] is None:
            problems["opened_on"] = rules.Problem(rules.N_("Required."))
        elif clean["opened_on"] > local_today():
            problems["opened_on"] = rules.Problem(rules.N_("The date cannot be in the future."))
    except ValueError:
        problems["opened_on"] = rules.Problem(rules.N_("Enter a date as YYYY-MM-DD."))
    try:
        deposit = parse_money(raw.get("risk_deposit"))
        if deposit is not None and deposit < 0:
            problems["risk_deposit"] = rules.Problem(rules.N_("Cannot be negative."))
        clean["risk_deposit"] = deposit or 0
    except ValueError:
        problems["risk_deposit"] = rules.Problem(rules.N_("Enter an amount in yuan, such as 12345.67."))
    if problems:
        raise _invalid(problems)
    return clean


def record_account(user, institution_id: int, raw: dict, *, reason: str, version=None) -> Escrow:
    """Record an institution's supervised account (opening it), or change its bank, number, date or risk deposit."""
    institution = register.get_institution(user, institution_id, "escrow.edit")
    escrow = escrow_of(institution.id)
    if escrow is not None:
        _check_version(escrow, version)
    reason = _reason(reason)
    clean = _parse_account(raw, reason)
    holder = db.session.scalar(select(Escrow).where(Escrow.account_number == clean["account_number"],
                                                    Escrow.institution_id != institution.id,
                                                    Escrow.status != EscrowStatus.closed))
    if holder is not None:
        raise Invalid(gettext("Please correct the marked fields."), {"account_number": [gettext(
            "This account is recorded for %(name)s (No. %(id)s).", name=holder.institution.name, id=holder.institution_id)]})

    opening = escrow is None or not escrow.has_account or escrow.status in (EscrowStatus.none, EscrowStatus.closed)
    if escrow is None:
        escrow = Escrow(institution_id=institution.id, status=EscrowStatus.none, version=1)
        db.session.add(escrow)
    elif any(getattr(escrow, k) != v for k, v in clean.items()) or opening:
        escrow.version += 1
    else:
        return escrow  # nothing changed
    for name, value in clean.items():
        setattr(escrow, name, value)
    if opening:
        escrow.closed_on = None
        audit.note(db.session, "escrow.open", reason)
        db.session.flush()
        _set_status(escrow, EscrowStatus.opened, reason=reason, by_rule=False, user=user, effective_on=clean["opened_on"])
    else:
        audit.note(db.session, "escrow.update", reason)
    _flush()
    refresh(escrow, user=user)
    return escrow


def _flush() -> None:
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(gettext("Another change was saved at the same time. Nothing was saved; please try again."))


def change_status(user, institution_id: int, *, action: str, reason: str, effective_on=None, version=None) -> Escrow:
    """Freeze, unfreeze or close an institution's escrow; unfreezing hands the status back to the rules."""
    institution = register.get_institution(user, institution_id, "escrow.edit")
    escrow = escrow_of(institution.id)
    if escrow is None or not escrow.has_account:
        raise Invalid(gettext("This institution has no supervised account."), {})
    _check_version(escrow, version)
    problems: dict[str, list[str]] = {}
    if problem := rules.check_officer_action(escrow.status, action):
        problems["action"] = [translate(problem)]
    reason = _reason(reason)
    if not reason:
        problems["reason"] = [gettext("Give the reason for this change.")]
    try:
        effective = parse_day(effective_on) or local_today()
        if effective > local_today():
            problems["effective_on"] = [gettext("The date cannot be in the future.")]
        elif escrow.opened_on and effective < escrow.opened_on:
            problems["effective_on"] = [gettext("The account was opened on %(day)s.", day=escrow.opened_on.isoformat())]
    except ValueError:
        problems["effective_on"] = [gettext("Enter a date as YYYY-MM-DD.")]
    if problems:
        raise Invalid(gettext("This change cannot be made."), problems)

    lim = limits()
    if action == "freeze":
        target = EscrowStatus.frozen
    elif action == "close":
        target = EscrowStatus.closed
        escrow.closed_on = effective
    else:  # unfreeze: the rules say what it is now
        target, found = rules.status_by_rule(EscrowStatus.opened, facts_of(escrow, today=local_today(), lim=lim), limits=lim)
        reason = f"{reason} ({' '.join(translate(r) for r in found)})"
    escrow.version += 1
    audit.note(db.session, f"escrow.{action}", reason)
    _set_status(escrow, target, reason=reason, by_rule=False, user=user, effective_on=effective)
    _flush()
    refresh(escrow, user=user)
    return escrow


# --- statements ----------------------------------------------------------------------------------------

def resequence(institution_id: int) -> None:
    """Recompute the gap, overlap and carry-over flags of an institution's statements, in period order."""
    lim = limits()
    statements = list(db.session.scalars(select(Statement).where(Statement.institution_id == institution_id)
                                         .order_by(Statement.period_start, Statement.id)))
    sequence = rules.sequence_flags([rules.Period(s.period_start, s.period_end, s.opening_balance, s.closing_balance)
                                     for s in statements], limits=lim)
    for statement, found in zip(statements, sequence):
        own = rules.balance_flag(opening=statement.opening_balance, received=statement.received,
                                 released=statement.released, refunded=statement.refunded,
                                 closing=statement.closing_balance, limits=lim)
        flags = ([own] if own else []) + found
        if flags != (statement.flags or []):
            statement.flags = flags
            statement.flag_count = len(flags)
            if statement.resolved_on is not None:  # what was explained is not what is flagged now
                statement.resolved_on, statement.resolved_by_id, statement.resolution = None, None, ""


def record_statement(user, institution_id: int, raw: dict, *, accept_mismatch: bool = True,
                     source: str = "") -> tuple[Statement, str]:
    """Record a bank statement (or correct the one of the same period); returns it and created/updated/unchanged.

    A closing balance that does not add up is refused unless `accept_mismatch`, and then kept flagged.
    """
    institution = register.get_institution(user, institution_id, "escrow.edit")
    escrow = escrow_of(institution.id)
    if escrow is None or not escrow.has_account:
        raise Invalid(gettext("Record the institution's supervised account before its statements."), {})
    clean, problems = rules.parse_statement(raw, today=local_today())
    if problems:
        raise _invalid(problems)
    lim = limits()
    flag = rules.balance_flag(opening=clean["opening_balance"], received=clean["received"], released=clean["released"],
                              refunded=clean["refunded"], closing=clean["closing_balance"], limits=lim)
    if flag and not accept_mismatch:
        raise Invalid(gettext("The statement does not add up."), {"closing_balance": [translate(rules.describe_flag(flag))]})
    statement, outcome = _upsert_statement(institution.id, clean, source=sources.source_of(source))
    if outcome == "unchanged":
        return statement, outcome
    audit.note(db.session, "escrow.statement" if outcome == "created" else "escrow.statement_correct", source or None)
    _flush()
    resequence(institution.id)
    audit.note(db.session, "escrow.statement_check")
    refresh(escrow, user=user)
    return statement, outcome


def _upsert_statement(institution_id: int, clean: dict, *, source: str) -> tuple[Statement, str]:
    statement = db.session.scalar(select(Statement).where(Statement.institution_id == institution_id,
                                                          Statement.period_start == clean["period_start"]))
    if statement is None:
        statement = Statement(institution_id=institution_id, source=source[:200], flags=[], flag_count=0, **clean)
        db.session.add(statement)
        return statement, "created"
    if all(getattr(statement, k) == v for k, v in clean.items()):
        return statement, "unchanged"
    for name, value in clean.items():
        setattr(statement, name, value)
    statement.source = source[:200]
    return statement, "updated"


def resolve_statement(user, statement_id: int, *, resolution: str) -> Statement:
    """Record why a flagged statement is in order (the bank explained it); it leaves the alerts."""
    statement = get_statement(user, statement_id, "escrow.edit")
    if not statement.flagged:
        raise Invalid(gettext("This statement is not flagged."), {})
    resolution = _reason(resolution)
    if not resolution:
        raise Invalid(gettext("Please correct the marked fields."), {"resolution": [gettext("Say how it was resolved.")]})
    statement.resolution, statement.resolved_on, statement.resolved_by_id = resolution, local_today(), user.id
    audit.note(db.session, "escrow.statement_resolve", resolution)
    _flush()
    refresh_institutions([statement.institution_id], user=user)
    return statement


# --- charges -------------------------------------------------------------------------------------------

def parse_charge(raw: dict) -> dict:
    clean, problems = rules.parse_charge(raw, today=local_today())
    if problems:
        raise _invalid(problems)
    return clean


def charge_values(clean: dict, lim: Limits) -> dict:
    """The columns of a charge: its natural key and the rules it breaks."""
    violations = rules.charge_violations(charged_on=clean["charged_on"], course_start=clean["course_start"],
                                         amount=clean["amount"], class_hours=clean["class_hours"],
                                         months=clean["months"], limits=lim)
    return {**clean, "violations": violations, "violation_count": len(violations),
            "natural_key": rules.natural_key(charge_ref=clean["charge_ref"], charged_on=clean["charged_on"],
                                             student_ref=clean["student_ref"], amount=clean["amount"])}


def record_charge(user, institution_id: int, raw: dict, *, source: str = "") -> Charge:
    """Record one prepaid charge; the charging rules it breaks are kept with it and make the escrow a violation."""
    institution = register.get_institution(user, institution_id, "escrow.edit")
    values = charge_values(parse_charge(raw), limits())
    existing = db.session.scalar(select(Charge).where(Charge.institution_id == institution.id,
                                                      Charge.natural_key == values["natural_key"]))
    if existing is not None:
        name = "charge_ref" if values["charge_ref"] else "student_ref"
        raise Invalid(gettext("Please correct the marked fields."), {name: [gettext(
            "This charge is already recorded (No. %(id)s).", id=existing.id)]})
    charge = Charge(institution_id=institution.id, source=sources.source_of(source), **values)
    db.session.add(charge)
    audit.note(db.session, "escrow.charge", source or None)
    _flush()
    refresh_institutions([institution.id], user=user, create_missing=True)
    return charge


def resolve_charge(user, charge_id: int, *, resolution: str) -> Charge:
    """Record how a charge that broke the rules was dealt with (refunded, rectified); it no longer counts."""
    charge = get_charge(user, charge_id, "escrow.edit")
    if not charge.violating:
        raise Invalid(gettext("This charge breaks no rule, or was already dealt with."), {})
    resolution = _reason(resolution)
    if not resolution:
        raise Invalid(gettext("Please correct the marked fields."), {"resolution": [gettext("Say how it was resolved.")]})
    charge.resolution, charge.resolved_on, charge.resolved_by_id = resolution, local_today(), user.id
    audit.note(db.session, "escrow.charge_resolve", resolution)
    _flush()
    refresh_institutions([charge.institution_id], user=user)
    return charge
