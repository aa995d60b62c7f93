"""What the grid's map draws for a user: cells, their counts, and the institutions as markers."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from registry.core import authz
from registry.core.models import local_date, local_today
from registry.extensions import db
from registry.grid import rules
from registry.grid.models import Cell, CellAssignment
from registry.grid.services.rounds import last_visits
from registry.grid.services.scope import in_scope, path_ids
from registry.register import services as register
from registry.register.models import Institution


MAP_MARKERS = 5000


@dataclass
class MapLayers:
    cells: list[Cell]
    counts: dict[int, int]  # cell id → institutions in it and under it
    overdue: dict[int, int]  # cell id → of these, with a visit overdue
    institutions: list[Institution]  # the markers (at most MAP_MARKERS)


def map_layers(user) -> MapLayers:
    """What the map draws for the user: grid workers their cells; officers all cells with their department's
    institutions; market and admins everything."""
    authz.require(user, "grid.view")
    shown = list(db.session.scalars(select(Cell).where(*in_scope(user)).order_by(Cell.level, Cell.code)))
    conditions = [Institution.status.in_(("licensed", "applied", "suspended"))]
    visible = register.visible_condition(user)
    if visible is not None:
        conditions.append(visible)
    rows = db.session.execute(select(Institution, CellAssignment.cell_id)
                              .outerjoin(CellAssignment, CellAssignment.institution_id == Institution.id)
                              .where(*conditions).order_by(Institution.id)).all()
    paths = {c.id: path_ids(c.path) for c in db.session.scalars(select(Cell))}
    last = last_visits([i.id for i, _ in rows])
    every, today = current_app.config.get("REGISTRY_VISIT_EVERY_MONTHS", 1), local_today()
    counts: dict[int, int] = {}
    overdue: dict[int, int] = {}
    for institution, cell_id in rows:
        late = rules.overdue(local_date(last.get(institution.id)), today, every_months=every)
        for ancestor in paths.get(cell_id, []):
            counts[ancestor] = counts.get(ancestor, 0) + 1
            overdue[ancestor] = overdue.get(ancestor, 0) + late
    return MapLayers(shown, counts, overdue, [i for i, _ in rows[:MAP_MARKERS]])
