"""Which cell an institution stands in: the assignment, the institutions in no cell, and the border cases a grid
leader confirms."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext
from sqlalchemy import func, literal, or_, select
from sqlalchemy.orm import defer

from registry.core import audit, authz
from registry.core.errors import NotFound
from registry.core.models import utcnow
from registry.core.pager import Page
from registry.extensions import db
from registry.grid import assignment, geo
from registry.grid.models import Cell, CellAssignment
from registry.grid.services.scope import cell_id_of, invalid_fields, led_cells, path_ids, require_unless_system
from registry.register import services as register
from registry.register.models import Institution


def assignment_of(institution_id: int) -> CellAssignment | None:
    return db.session.get(CellAssignment, institution_id)


def placement_of(institution_id: int) -> tuple[CellAssignment | None, list[Cell]]:
    """The institution's assignment and its cell's path from the top (code and name: no geometry read)."""
    found = db.session.execute(select(CellAssignment, Cell.path).join(Cell, Cell.id == CellAssignment.cell_id)
                               .where(CellAssignment.institution_id == institution_id)).first()
    if found is None:
        return None, []
    ids = path_ids(found.path)
    cells = {c.id: c for c in db.session.scalars(select(Cell).where(Cell.id.in_(ids)).options(defer(Cell.geometry)))}
    return found.CellAssignment, [cells[i] for i in ids if i in cells]


def assign_cells(user) -> assignment.AssignResult:
    """Re-compute the cell of every institution (`registry assign-cells`)."""
    require_unless_system(user, "grid.manage")
    audit.note(db.session, "grid.assign_cells")
    return assignment.assign_all(db.session.connection())


def unassigned(user, *, page: int = 1, per_page: int = 50) -> Page:
    """The institutions in no cell that the user may see (never dropped: listed until a cell takes them)."""
    authz.require(user, "grid.view")
    conditions = [or_(CellAssignment.institution_id.is_(None), CellAssignment.cell_id.is_(None))]
    visible = register.visible_condition(user)
    if visible is not None:
        conditions.append(visible)
    query = select(Institution).outerjoin(CellAssignment, CellAssignment.institution_id == Institution.id).where(*conditions)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    items = db.session.scalars(query.order_by(Institution.id).limit(per_page).offset((page - 1) * per_page)).all()
    return Page(list(items), total, page, per_page)


@dataclass
class BorderCase:
    institution: Institution
    assignment: CellAssignment
    candidates: list[Cell]  # the cells within reach, the assigned one first


def border_cases(user, *, page: int = 1, per_page: int = 50) -> Page:
    """Institutions close to a cell border awaiting a grid leader's confirmation, in the cells the user leads."""
    authz.require(user, "grid.view")
    conditions = [CellAssignment.near_border, CellAssignment.confirmed_by_id.is_(None)]
    if user.role != authz.ADMIN:
        led = led_cells(user.id)
        conditions.append(CellAssignment.cell_id.in_(led) if led else literal(False))
    query = (select(Institution, CellAssignment).join(CellAssignment, CellAssignment.institution_id == Institution.id)
             .where(*conditions))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.execute(query.order_by(CellAssignment.border_m, Institution.id)
                              .limit(per_page).offset((page - 1) * per_page)).all()
    return Page([BorderCase(i, a, candidate_cells(i)) for i, a in rows], total, page, per_page)


def candidate_cells(institution: Institution) -> list[Cell]:
    """The finest cells within the border distance of the institution: the choices of a confirmation."""
    index = assignment.current_index(db.session.connection())
    if not len(index):
        return []
    import shapely

    point = shapely.Point(institution.longitude, institution.latitude)
    metres = current_app.config.get("REGISTRY_GRID_BORDER_M", assignment.DEFAULT_BORDER_M)
    hits = index.tree.query(point, predicate="dwithin", distance=geo.degrees_within(metres, abs(institution.latitude)))
    ids = [int(index.ids[h]) for h in hits]
    found = {c.id: c for c in db.session.scalars(select(Cell).where(Cell.id.in_(ids)))}
    # The finest: leave out a cell when a cell under it is within reach too.
    above = {i for c in found.values() for i in path_ids(c.path)[:-1]}
    current = cell_id_of(institution.id)
    choices = [c for c in found.values() if c.id not in above or c.id == current]
    return sorted(choices, key=lambda c: (c.id != current, c.code))


def confirm_assignment(user, institution_id: int, cell_code: str) -> CellAssignment:
    """A grid leader confirms (or corrects) the cell of an institution near a border; it holds until it moves."""
    institution = db.session.get(Institution, institution_id)
    if institution is None:
        raise NotFound(gettext("There is no institution with id %(id)s.", id=institution_id))
    cell = db.session.scalar(select(Cell).where(Cell.code == cell_code))
    if cell is None:
        raise NotFound(gettext("There is no cell with code %(code)s.", code=cell_code))
    authz.require(user, "grid.confirm", cell)
    if cell.id not in {c.id for c in candidate_cells(institution)}:
        raise invalid_fields({"cell": gettext("The institution is not within reach of cell %(code)s.", code=cell_code)})
    record = assignment_of(institution.id) or CellAssignment(institution_id=institution.id)
    before = record.cell.code if record.cell else None
    db.session.add(record)
    record.cell_id = cell.id
    record.confirmed_by_id, record.confirmed_at = user.id, utcnow()
    record.confirmed_lat, record.confirmed_lon = institution.latitude, institution.longitude
    db.session.flush()
    audit.append(db.session.connection(), [audit.Change("institution", str(institution.id), {"cell": before},
                                                        {"cell": cell.code})],
                 actor=db.session.info.get("actor", (None, "system")), action="grid.confirm", reason=None)
    return record
