"""Cells: listed, looked up by code, suggested as the user types, and the institutions standing in them."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext
from sqlalchemy import Row, case, func, or_, select

from registry.core.errors import Forbidden, NotFound
from registry.core.pager import Page
from registry.extensions import db
from registry.grid.models import Cell, CellAssignment
from registry.grid.services.scope import in_scope, own_cells, path_ids, require_unless_system
from registry.register import services as register
from registry.register.models import Institution


def cells(user, *, parent_code: str | None = None, roots: bool = False) -> list[Cell]:
    """Cells, by code: all, those under a parent, or the top level; a grid worker sees their own."""
    require_unless_system(user, "grid.view")
    query = select(Cell).order_by(Cell.level, Cell.code)
    if parent_code:
        parent = get_cell(user, parent_code)
        query = query.where(Cell.parent_id == parent.id)
    elif roots:
        query = query.where(Cell.parent_id.is_(None))
    return list(db.session.scalars(query.where(*in_scope(user))))


@dataclass(frozen=True)
class CellFilter:
    """The register list's cell field: offered when the user has a cell to pick (or has picked one), and the picked
    cell as a row (code, name, level); None when none is picked or the code names no cell the user may see."""
    offered: bool
    cell: Row | None


def cell_filter(user, code: str) -> CellFilter:
    """What the register list's cell field shows, in one indexed lookup: a province's grid is thousands of cells, too
    many to load on every search (the field suggests them as the user types: `suggest_cells`)."""
    require_unless_system(user, "grid.view")
    scope = in_scope(user)
    if not code:
        return CellFilter(db.session.scalar(select(Cell.id).where(*scope).limit(1)) is not None, None)
    row = db.session.execute(select(Cell.code, Cell.name, Cell.level).where(Cell.code == code, *scope)).first()
    return CellFilter(True, row)


SUGGESTIONS = 20


@dataclass(frozen=True)
class Suggestion:
    code: str
    name: str
    level: int
    path: list[str]  # the names of the cells above it, from the top, as far as the user may see them


def suggest_cells(user, q: str, *, limit: int = SUGGESTIONS) -> list[Suggestion]:
    """The cells whose code starts with `q` or whose name holds it, for the cell field's type-ahead: the exact code
    first, then the larger cells (by level), then by code. Rows only (no geometry), within the user's cells."""
    require_unless_system(user, "grid.view")
    q = q.strip()[:100]
    if not q:
        return []
    scope = in_scope(user)
    exact = case((func.lower(Cell.code) == q.lower(), 0), else_=1)
    rows = db.session.execute(select(Cell.code, Cell.name, Cell.level, Cell.path).where(
        or_(Cell.code.istartswith(q, autoescape=True), Cell.name.icontains(q, autoescape=True)), *scope)
        .order_by(exact, Cell.level, Cell.code).limit(limit)).all()
    above = {i for r in rows for i in path_ids(r.path)[:-1]}
    names = dict(db.session.execute(select(Cell.id, Cell.name).where(Cell.id.in_(above), *scope)).all()) if above \
        else {}
    return [Suggestion(r.code, r.name, r.level, [names[i] for i in path_ids(r.path)[:-1] if i in names]) for r in rows]


def get_cell(user, code: str) -> Cell:
    """The cell with this code, or NotFound; Forbidden when a grid worker asks for a cell not theirs."""
    require_unless_system(user, "grid.view")
    cell = db.session.scalar(select(Cell).where(Cell.code == code))
    if cell is None:
        raise NotFound(gettext("There is no cell with code %(code)s.", code=code))
    own = own_cells(user)
    if own is not None and cell.id not in own:
        raise Forbidden(gettext("This cell is not one of yours."))
    return cell


def cell_path(cell: Cell | None) -> list[Cell]:
    """The cell's ancestors from the top, then the cell."""
    if cell is None:
        return []
    ids = path_ids(cell.path)
    found = {c.id: c for c in db.session.scalars(select(Cell).where(Cell.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def may_open(user, cells: list[Cell]) -> set[int]:
    """Which of these cells the user may open: a grid worker only their own (the cells above theirs are shown by
    name, not linked)."""
    own = own_cells(user)
    return {c.id for c in cells if own is None or c.id in own}


def children_count(cell: Cell) -> int:
    return db.session.scalar(select(func.count()).select_from(Cell).where(Cell.parent_id == cell.id))


def cell_institutions(user, code: str, *, page: int = 1, per_page: int = 50) -> Page:
    """The institutions in a cell and the cells under it that the user may see."""
    cell = get_cell(user, code)
    under = select(Cell.id).where(Cell.path.startswith(cell.path))
    conditions = [Institution.id.in_(select(CellAssignment.institution_id).where(CellAssignment.cell_id.in_(under)))]
    visible = register.visible_condition(user)
    if visible is not None:
        conditions.append(visible)
    total = db.session.scalar(select(func.count()).select_from(Institution).where(*conditions))
    items = db.session.scalars(select(Institution).where(*conditions).order_by(Institution.id)
                               .limit(per_page).offset((page - 1) * per_page)).all()
    return Page(list(items), total, page, per_page)
