"""What the institution page's enforcement panel shows: one statement for each kind of record, no counts."""
from __future__ import annotations

from dataclasses import dataclass, field

from registry.core import authz
from registry.core.models import local_today
from registry.enforcement.models import Fine, Inspection, Lead, PenaltyCase
from registry.enforcement import rules
from registry.enforcement.services import cases, fines, inspections, leads
from registry.extensions import db

LATEST = 10


@dataclass
class Panel:
    """The latest records of each kind the user may read; a kind the user may not list is None."""
    inspections: list[Inspection] | None = None
    cases: list[PenaltyCase] | None = None
    fines: list[Fine] | None = None
    leads: list[Lead] | None = None
    overdue: set[int] = field(default_factory=set)  # the listed inspections whose rectification is overdue


def panel(user, institution_id: int, *, limit: int = LATEST) -> Panel:
    found = Panel()
    if authz.can(user, "inspection.list"):
        found.inspections = _latest(inspections.filtered(user, inspections.InspectionFilters(institution_id=institution_id)),
                                    Inspection.inspected_on.desc(), Inspection.id.desc(), limit=limit)
        found.overdue = _overdue(user, institution_id, found.inspections)
        found.cases = _latest(cases.filtered(user, cases.CaseFilters(institution_id=institution_id)),
                              PenaltyCase.id.desc(), limit=limit)
        found.fines = _latest(fines.filtered(user, fines.FineFilters(institution_id=institution_id)),
                              Fine.decided_on.desc(), Fine.id.desc(), limit=limit)
    if authz.can(user, "lead.list"):
        found.leads = _latest(leads.filtered(user, leads.LeadFilters(institution_id=institution_id)),
                              *leads.NEWEST_FIRST, limit=limit)
    return found


def _latest(query, *order, limit: int) -> list:
    return list(db.session.scalars(query.order_by(*order).limit(limit)))


def _overdue(user, institution_id: int, listed: list[Inspection]) -> set[int]:
    """Which of the listed inspections wait past their deadline for a re-inspection: asked of the database only when
    one of them ordered a rectification whose deadline has passed."""
    today = local_today()
    if not any(rules.rectification_overdue(outcome=i.outcome, deadline=i.deadline, followed_up=False, today=today)
               for i in listed):
        return set()
    query = inspections.filtered(user, inspections.InspectionFilters(institution_id=institution_id, overdue=True))
    return set(db.session.scalars(query.with_only_columns(Inspection.id)))
