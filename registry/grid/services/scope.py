"""Who answers for which cells: the scope the authorization decision is given for a grid worker, the cells a
user may see, and the checks every grid action starts with."""
from __future__ import annotations

from flask_babel import gettext
from sqlalchemy import or_, select

from registry.core import authz
from registry.core.errors import Invalid
from registry.extensions import db
from registry.grid.models import Cell, CellAssignment, CellWorker


def require_unless_system(user, action: str, obj=None) -> None:
    """`authz.require`, except for the command line (user None), which acts as the system."""
    if user is not None:
        authz.require(user, action, obj)


def invalid_fields(problems: dict[str, str]) -> Invalid:
    return Invalid(gettext("Please correct the marked fields."), {k: [v] for k, v in problems.items()})


def path_ids(path: str) -> list[int]:
    """The ids in a cell's path: its ancestors from the top, then itself."""
    return [int(p) for p in path.strip("/").split("/") if p]


def _cells_of_worker(user_id: int, *conditions) -> frozenset[int]:
    """The cells linked to a worker (matching `conditions`) and every cell under them."""
    paths = list(db.session.scalars(select(Cell.path).join(CellWorker, CellWorker.cell_id == Cell.id)
                                    .where(CellWorker.user_id == user_id, *conditions)))
    if not paths:
        return frozenset()
    return frozenset(db.session.scalars(select(Cell.id).where(or_(*[Cell.path.startswith(p) for p in paths]))))


def worker_cell_ids(user_id: int | None) -> frozenset[int]:
    """The cells a grid worker answers for: those assigned to them and every cell under them."""
    return frozenset() if user_id is None else _cells_of_worker(user_id)


def cell_id_of(institution_id: int | None) -> int | None:
    if institution_id is None:
        return None
    return db.session.scalar(select(CellAssignment.cell_id).where(CellAssignment.institution_id == institution_id))


def worker_scope(user) -> authz.Scope:
    """What a grid worker answers for, given to the authorization decision: their cells (and those under them), the
    cells they lead, and the institutions standing in their cells."""
    cells = _cells_of_worker(user.id)
    led = _cells_of_worker(user.id, CellWorker.leader.is_(True)) if cells else frozenset()
    standing = frozenset(db.session.scalars(select(CellAssignment.institution_id)
                                            .where(CellAssignment.cell_id.in_(cells)))) if cells else frozenset()
    return authz.Scope(cells=cells, led_cells=led, institutions=standing)


def in_scope(user) -> list:
    """The condition keeping the cells the user may see, as a list to unpack into `where` (empty: every cell)."""
    own = own_cells(user)
    return [] if own is None else [Cell.id.in_(own)]


def own_cells(user) -> frozenset[int] | None:
    """The cells a grid worker is limited to (None: not limited)."""
    scope = authz.institution_scope(user)
    return scope.cells if getattr(user, "role", None) == authz.GRID_WORKER and not scope.all else None


def led_cells(user_id: int) -> frozenset[int]:
    return _cells_of_worker(user_id, CellWorker.leader.is_(True))
