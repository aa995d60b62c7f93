"""What the other areas know of an institution's year, for its annual review (registry/annual/facts.py): read here,
above the watching areas, so that annual and enforcement, escrow and grid need not import each other."""
from __future__ import annotations

from datetime import date, datetime, time, timezone

from flask import url_for
from sqlalchemy import or_, select

from registry.annual.facts import Fact
from registry.core.models import LOCAL_TIMEZONE, local_date
from registry.core.problems import N_
from registry.enforcement.models import Fine, Inspection, Lead, PenaltyCase
from registry.enforcement.rules import LeadOutcome, Outcome
from registry.escrow.models import Escrow, EscrowStatusChange
from registry.escrow.rules import EscrowStatus
from registry.extensions import db
from registry.grid.models import Visit


def _year(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def enforcement_facts(institution_id: int, year: int) -> list[Fact]:
    first, last = _year(year)
    facts = []
    for case in db.session.scalars(select(PenaltyCase).where(
            PenaltyCase.institution_id == institution_id,
            or_(PenaltyCase.year == year, PenaltyCase.decided_on.between(first, last))).order_by(PenaltyCase.id)):
        facts.append(Fact(N_("Penalty case"), case.number, url_for("enforcement.case", case_id=case.id), serious=True))
    for fine in db.session.scalars(select(Fine).where(Fine.institution_id == institution_id, Fine.paid < Fine.amount)
                                   .order_by(Fine.id)):
        facts.append(Fact(N_("Fine not paid in full"), f"{(fine.amount - fine.paid) / 100:,.2f}",
                          url_for("enforcement.fine", fine_id=fine.id), serious=True))
    for inspection in db.session.scalars(select(Inspection).where(
            Inspection.institution_id == institution_id, Inspection.inspected_on.between(first, last),
            Inspection.outcome != Outcome.compliant).order_by(Inspection.inspected_on)):
        facts.append(Fact(N_("Inspection with failed items"), inspection.inspected_on.isoformat(),
                          url_for("enforcement.inspection", inspection_id=inspection.id), serious=True))
    for lead in db.session.scalars(select(Lead).where(
            Lead.institution_id == institution_id, Lead.closed_on.between(first, last),
            Lead.outcome.in_((LeadOutcome.rectified, LeadOutcome.case_opened))).order_by(Lead.id)):
        facts.append(Fact(N_("Lead closed as founded"), lead.tracking_number, url_for("enforcement.lead", lead_id=lead.id)))
    return facts


def escrow_facts(institution_id: int, year: int) -> list[Fact]:
    first, last = _year(year)
    changes = db.session.scalars(select(EscrowStatusChange).join(Escrow, Escrow.id == EscrowStatusChange.escrow_id).where(
        Escrow.institution_id == institution_id, EscrowStatusChange.effective_on.between(first, last),
        EscrowStatusChange.to_status.in_((EscrowStatus.warning, EscrowStatus.violation, EscrowStatus.frozen)))
        .order_by(EscrowStatusChange.effective_on))
    labels = {EscrowStatus.warning: N_("Escrow warning"), EscrowStatus.violation: N_("Escrow violation"),
              EscrowStatus.frozen: N_("Escrow frozen")}
    return [Fact(labels[c.to_status], c.effective_on.isoformat(), url_for("escrow.detail", institution_id=institution_id),
                 serious=c.to_status is not EscrowStatus.warning) for c in changes]


def grid_facts(institution_id: int, year: int) -> list[Fact]:
    def utc(day: date) -> datetime:  # visits are stored in naive UTC; the year is the register's local one
        return datetime.combine(day, time(), LOCAL_TIMEZONE).astimezone(timezone.utc).replace(tzinfo=None)

    visits = db.session.scalars(select(Visit).where(
        Visit.institution_id == institution_id, Visit.visited_at >= utc(date(year, 1, 1)),
        Visit.visited_at < utc(date(year + 1, 1, 1)), or_(Visit.flagged.is_(True), Visit.outcome != "inspected"))
        .order_by(Visit.visited_at))
    return [Fact(N_("Site visit flagged or not inspected"), local_date(v.visited_at).isoformat(),
                 url_for("grid.visit", visit_id=v.id)) for v in visits]


PROVIDERS = (enforcement_facts, escrow_facts, grid_facts)
