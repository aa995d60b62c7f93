"""Fines: what a decision orders paid, the payments received, and whether each fine is paid, part-paid or overdue."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext
from sqlalchemy import case as when, func, select
from sqlalchemy.exc import IntegrityError

from registry.core import audit, authz
from registry.core.errors import NotFound
from registry.core.models import local_today
from registry.enforcement import rules
from registry.enforcement.models import Fine, Payment, PenaltyCase
from registry.enforcement.rules import FineState
from registry.enforcement.services.cases import visible as visible_cases
from registry.core.versions import check_version, flush_versioned
from registry.enforcement.services.common import day, invalid, money, paged, scoped, text
from registry.extensions import db
from registry.core.pager import Page


def get_fine(user, fine_id: int) -> Fine:
    """The fine, or NotFound; Forbidden when `user` may not read it."""
    fine = db.session.get(Fine, fine_id)
    if fine is None:
        raise NotFound(gettext("There is no fine with id %(id)s.", id=fine_id))
    authz.require(user, "fine.view", fine)
    return fine


def state_of(fine: Fine, today: date | None = None) -> FineState:
    return rules.fine_state(amount=fine.amount, paid=fine.paid, due_on=fine.due_on, today=today or local_today())


def record_payment(user, fine_id: int, raw: dict, *, version) -> Payment:
    """Record a payment of a fine with its receipt number; the fine is paid when nothing is outstanding."""
    fine = get_fine(user, fine_id)
    authz.require(user, "fine.pay", fine)
    check_version(fine, version)
    problems: dict = {}
    amount = money(raw, "amount", problems)
    paid_on = day(raw, "paid_on", problems)
    receipt = text(raw, "receipt_number", problems, limit=60)
    for key, problem in rules.check_payment(amount=amount, outstanding=fine.outstanding, paid_on=paid_on,
                                            decided_on=fine.decided_on, today=local_today(), receipt=receipt).items():
        problems.setdefault(key, problem)
    if not problems and db.session.scalar(select(Payment.id).where(Payment.receipt_number == receipt)):
        problems["receipt_number"] = gettext("A payment with this receipt number is already recorded.")
    if problems:
        raise invalid(problems)
    payment = Payment(fine_id=fine.id, amount=amount, paid_on=paid_on, receipt_number=receipt,
                      recorded_by_id=getattr(user, "id", None))
    audit.note(db.session, "fine.payment", receipt)
    try:
        with db.session.begin_nested():
            db.session.add(payment)
    except IntegrityError:  # the same receipt recorded at the same moment by someone else
        raise invalid({"receipt_number": gettext("A payment with this receipt number is already recorded.")})
    fine.paid += amount
    if fine.paid >= fine.amount:
        fine.paid_on = db.session.scalar(select(func.max(Payment.paid_on)).where(Payment.fine_id == fine.id))
    flush_versioned(fine)
    return payment


@dataclass
class FineFilters:
    state: str = ""
    department: str = ""
    district: str = ""
    start: date | None = None  # decided on or after
    end: date | None = None
    institution_id: int | None = None


@dataclass
class Totals:
    count: int
    amount: int
    paid: int

    @property
    def outstanding(self) -> int:
        return self.amount - self.paid


def filtered(user, filters: FineFilters):
    query = scoped(select(Fine).join(PenaltyCase, PenaltyCase.id == Fine.case_id), visible_cases(user))
    today = local_today()
    if filters.state == FineState.paid:
        query = query.where(Fine.paid >= Fine.amount)
    elif filters.state == FineState.overdue:
        query = query.where(Fine.paid < Fine.amount, Fine.due_on < today)
    elif filters.state == FineState.part_paid:
        query = query.where(Fine.paid > 0, Fine.paid < Fine.amount, Fine.due_on >= today)
    elif filters.state == FineState.unpaid:
        query = query.where(Fine.paid == 0, Fine.due_on >= today)
    elif filters.state == "outstanding":
        query = query.where(Fine.paid < Fine.amount)
    if filters.department:
        query = query.where(Fine.department_code == filters.department)
    if filters.district:
        query = query.where(PenaltyCase.district == filters.district)
    if filters.start:
        query = query.where(Fine.decided_on >= filters.start)
    if filters.end:
        query = query.where(Fine.decided_on <= filters.end)
    if filters.institution_id is not None:
        query = query.where(Fine.institution_id == filters.institution_id)
    return query


def list_fines(user, *, filters: FineFilters, page: int = 1, per_page: int = 50) -> tuple[Page, Totals]:
    """A page of fines and the totals of all the fines matching the filters."""
    authz.require(user, "case.list")
    query = filtered(user, filters)
    sub = query.subquery()
    count, amount, paid = db.session.execute(select(func.count(), func.coalesce(func.sum(sub.c.amount), 0),
                                                    func.coalesce(func.sum(when((sub.c.paid > sub.c.amount, sub.c.amount),
                                                                                else_=sub.c.paid)), 0))).one()
    return paged(query, Fine.decided_on.desc(), Fine.id.desc(), page=page, per_page=per_page), \
        Totals(count, int(amount), int(paid))

