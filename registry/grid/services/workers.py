"""The grid workers who answer for a cell, and their leaders."""
from __future__ import annotations

from flask_babel import gettext
from sqlalchemy import select

from registry.core import audit
from registry.core.errors import NotFound
from registry.extensions import db
from registry.grid.models import Cell, CellWorker
from registry.grid.services.cells import get_cell
from registry.grid.services.scope import invalid_fields, require_unless_system


def workers_of(cell: Cell) -> list[CellWorker]:
    return list(db.session.scalars(select(CellWorker).where(CellWorker.cell_id == cell.id).order_by(CellWorker.id)))


def grid_workers() -> list:
    from registry.accounts.models import User

    return list(db.session.scalars(select(User).where(User.role == "grid_worker", User.active.is_(True))
                                   .order_by(User.username)))


def add_worker(user, cell_code: str, username: str, *, leader: bool = False) -> CellWorker:
    """Make a grid worker answer for a cell (and lead it, when `leader`)."""
    from registry.accounts.models import User

    require_unless_system(user, "grid.manage")
    cell = get_cell(user, cell_code)
    worker = db.session.scalar(select(User).where(User.username == username))
    if worker is None or worker.role != "grid_worker":
        raise invalid_fields({"username": gettext("%(name)s is not a grid worker's account.", name=username)})
    link = db.session.scalar(select(CellWorker).where(CellWorker.cell_id == cell.id, CellWorker.user_id == worker.id))
    audit.note(db.session, "grid.assign_worker")
    if link is None:
        link = CellWorker(cell_id=cell.id, user_id=worker.id, leader=leader)
        db.session.add(link)
    else:
        link.leader = leader
    db.session.flush()
    return link


def remove_worker(user, cell_code: str, username: str) -> None:
    from registry.accounts.models import User

    require_unless_system(user, "grid.manage")
    cell = get_cell(user, cell_code)
    link = db.session.scalar(select(CellWorker).join(User, User.id == CellWorker.user_id)
                             .where(CellWorker.cell_id == cell.id, User.username == username))
    if link is None:
        raise NotFound(gettext("%(name)s does not answer for this cell.", name=username))
    audit.note(db.session, "grid.remove_worker")
    db.session.delete(link)
    db.session.flush()
