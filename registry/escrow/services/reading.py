"""Reading an institution's escrow: its status (also as the public sees it), overview, statements, charges and
history, and the lists of statements and charges."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext
from sqlalchemy import func, or_, select

from registry.core import audit, authz
from registry.core.errors import NotFound
from registry.core.models import local_today
from registry.core.pager import Page
from registry.escrow import rules
from registry.escrow.figures import alerts, limits, visible
from registry.escrow.models import Charge, Escrow, EscrowStatusChange, Statement
from registry.escrow.rules import EscrowStatus
from registry.extensions import db
from registry.register import services as register
from registry.register.models import Institution


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
