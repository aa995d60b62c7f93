"""A grid worker's round: the institutions in their cells, with the last visit and whether one is due."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from sqlalchemy import func, select

from registry.core import authz
from registry.core.models import local_date, local_today
from registry.extensions import db
from registry.grid import rules
from registry.grid.models import Cell, CellAssignment, Visit
from registry.register import services as register
from registry.register.models import Institution


@dataclass
class Round:
    """An institution on a grid worker's round: its cell, last visit and whether a visit is overdue."""

    institution: Institution
    cell: Cell | None
    last_visit: date | None
    overdue: bool
    due: date | None


def last_visits(institution_ids) -> dict[int, datetime]:
    """Each institution's last inspection: a visit that could not inspect leaves it due."""
    if not institution_ids:
        return {}
    return dict(db.session.execute(select(Visit.institution_id, func.max(Visit.visited_at))
                                   .where(Visit.institution_id.in_(institution_ids), Visit.outcome == rules.INSPECTED)
                                   .group_by(Visit.institution_id)).all())


def rounds(user, *, overdue_only: bool = False, q: str = "") -> list[Round]:
    """The institutions the user may see in their cells, with last visit and overdue flag, overdue first."""
    authz.require(user, "visit.list")
    conditions = []
    visible = register.visible_condition(user)
    if visible is not None:
        conditions.append(visible)
    if q:
        conditions.append(Institution.name.contains(q.strip()[:100], autoescape=True))
    rows = db.session.execute(select(Institution, Cell).outerjoin(CellAssignment, CellAssignment.institution_id == Institution.id)
                              .outerjoin(Cell, Cell.id == CellAssignment.cell_id).where(*conditions)
                              .where(Institution.status.in_(("licensed", "applied", "suspended")))
                              .order_by(Cell.code, Institution.name).limit(2000)).all()
    last = last_visits([i.id for i, _ in rows])
    every = current_app.config.get("REGISTRY_VISIT_EVERY_MONTHS", 1)
    today = local_today()
    result = []
    for institution, cell in rows:
        day = local_date(last.get(institution.id))
        late = rules.overdue(day, today, every_months=every)
        if overdue_only and not late:
            continue
        result.append(Round(institution, cell, day, late, rules.visit_due(day, every_months=every)))
    return sorted(result, key=lambda r: (not r.overdue, r.last_visit or date.min))
