"""The grid's actions: one function per thing a user does. Each checks rights, validates, writes, flushes."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from flask import current_app
from flask_babel import gettext
from sqlalchemy import Row, case, func, literal, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer, joinedload

from registry.core import audit, authz
from registry.core.errors import Forbidden, Invalid, NotFound
from registry.core.models import LOCAL_TIMEZONE, local_date, local_today, utcnow
from registry.extensions import db
from registry.core import storage
from registry.core.photos import Upload, clean_photo
from registry.grid import assignment, geo, rules
from registry.grid.models import Cell, CellAssignment, CellWorker, Visit, VisitPhoto, VisitReport
from registry.grid.signals import visit_reported
from registry.register import services as register
from registry.register.models import Institution
from registry.core.pager import Page

MAX_PHOTOS = 6
CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def _require(user, action: str, obj=None) -> None:
    """`authz.require`, except for the command line (user None), which acts as the system."""
    if user is not None:
        authz.require(user, action, obj)


def _invalid(problems: dict[str, str]) -> Invalid:
    return Invalid(gettext("Please correct the marked fields."), {k: [v] for k, v in problems.items()})


# --- scope: what the authorization decision asks of the grid -----------------------------------------------------

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


# --- cells --------------------------------------------------------------------------------------------------------

def cells(user, *, parent_code: str | None = None, roots: bool = False) -> list[Cell]:
    """Cells, by code: all, those under a parent, or the top level; a grid worker sees their own."""
    _require(user, "grid.view")
    query = select(Cell).order_by(Cell.level, Cell.code)
    if parent_code:
        parent = get_cell(user, parent_code)
        query = query.where(Cell.parent_id == parent.id)
    elif roots:
        query = query.where(Cell.parent_id.is_(None))
    return list(db.session.scalars(query.where(*_in_scope(user))))


@dataclass(frozen=True)
class CellFilter:
    """The register list's cell field: offered when the user has a cell to pick (or has picked one), and the picked
    cell as a row (code, name, level); None when none is picked or the code names no cell the user may see."""
    offered: bool
    cell: Row | None


def cell_filter(user, code: str) -> CellFilter:
    """What the register list's cell field shows, in one indexed lookup: a province's grid is thousands of cells, too
    many to load on every search (the field suggests them as the user types: `suggest_cells`)."""
    _require(user, "grid.view")
    scope = _in_scope(user)
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
    _require(user, "grid.view")
    q = q.strip()[:100]
    if not q:
        return []
    scope = _in_scope(user)
    exact = case((func.lower(Cell.code) == q.lower(), 0), else_=1)
    rows = db.session.execute(select(Cell.code, Cell.name, Cell.level, Cell.path).where(
        or_(Cell.code.istartswith(q, autoescape=True), Cell.name.icontains(q, autoescape=True)), *scope)
        .order_by(exact, Cell.level, Cell.code).limit(limit)).all()
    above = {i for r in rows for i in path_ids(r.path)[:-1]}
    names = dict(db.session.execute(select(Cell.id, Cell.name).where(Cell.id.in_(above), *scope)).all()) if above \
        else {}
    return [Suggestion(r.code, r.name, r.level, [names[i] for i in path_ids(r.path)[:-1] if i in names]) for r in rows]


def _in_scope(user) -> list:
    """The condition keeping the cells the user may see, as a list to unpack into `where` (empty: every cell)."""
    own = _own_cells(user)
    return [] if own is None else [Cell.id.in_(own)]


def _own_cells(user) -> frozenset[int] | None:
    """The cells a grid worker is limited to (None: not limited)."""
    scope = authz.institution_scope(user)
    return scope.cells if getattr(user, "role", None) == authz.GRID_WORKER and not scope.all else None


def get_cell(user, code: str) -> Cell:
    """The cell with this code, or NotFound; Forbidden when a grid worker asks for a cell not theirs."""
    _require(user, "grid.view")
    cell = db.session.scalar(select(Cell).where(Cell.code == code))
    if cell is None:
        raise NotFound(gettext("There is no cell with code %(code)s.", code=code))
    own = _own_cells(user)
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
    own = _own_cells(user)
    return {c.id for c in cells if own is None or c.id in own}


def children_count(cell: Cell) -> int:
    return db.session.scalar(select(func.count()).select_from(Cell).where(Cell.parent_id == cell.id))


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


def assign_cells(user) -> assignment.AssignResult:
    """Re-compute the cell of every institution (`registry assign-cells`)."""
    _require(user, "grid.manage")
    audit.note(db.session, "grid.assign_cells")
    return assignment.assign_all(db.session.connection())


# --- grid workers -------------------------------------------------------------------------------------------------

def workers_of(cell: Cell) -> list[CellWorker]:
    return list(db.session.scalars(select(CellWorker).where(CellWorker.cell_id == cell.id).order_by(CellWorker.id)))


def grid_workers() -> list:
    from registry.accounts.models import User

    return list(db.session.scalars(select(User).where(User.role == "grid_worker", User.active.is_(True))
                                   .order_by(User.username)))


def add_worker(user, cell_code: str, username: str, *, leader: bool = False) -> CellWorker:
    """Make a grid worker answer for a cell (and lead it, when `leader`)."""
    from registry.accounts.models import User

    _require(user, "grid.manage")
    cell = get_cell(user, cell_code)
    worker = db.session.scalar(select(User).where(User.username == username))
    if worker is None or worker.role != "grid_worker":
        raise _invalid({"username": gettext("%(name)s is not a grid worker's account.", name=username)})
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

    _require(user, "grid.manage")
    cell = get_cell(user, cell_code)
    link = db.session.scalar(select(CellWorker).join(User, User.id == CellWorker.user_id)
                             .where(CellWorker.cell_id == cell.id, User.username == username))
    if link is None:
        raise NotFound(gettext("%(name)s does not answer for this cell.", name=username))
    audit.note(db.session, "grid.remove_worker")
    db.session.delete(link)
    db.session.flush()


# --- unassigned and border cases -----------------------------------------------------------------------------------

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
        led = _led_cells(user.id)
        conditions.append(CellAssignment.cell_id.in_(led) if led else literal(False))
    query = (select(Institution, CellAssignment).join(CellAssignment, CellAssignment.institution_id == Institution.id)
             .where(*conditions))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.execute(query.order_by(CellAssignment.border_m, Institution.id)
                              .limit(per_page).offset((page - 1) * per_page)).all()
    return Page([BorderCase(i, a, candidate_cells(i)) for i, a in rows], total, page, per_page)


def _led_cells(user_id: int) -> frozenset[int]:
    return _cells_of_worker(user_id, CellWorker.leader.is_(True))


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
        raise _invalid({"cell": gettext("The institution is not within reach of cell %(code)s.", code=cell_code)})
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


# --- a grid worker's institutions -------------------------------------------------------------------------------

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


# --- visits -----------------------------------------------------------------------------------------------------

def _number(raw, name: str, problems: dict, *, low: float, high: float, required: bool) -> float | None:
    if raw in (None, ""):
        if required:
            problems[name] = gettext("Required.")
        return None
    try:
        value = float(raw)
    except (TypeError, ValueError):
        problems[name] = gettext("Enter a number.")
        return None
    if not math.isfinite(value) or not low <= value <= high:
        problems[name] = gettext("Enter a number between %(low)s and %(high)s.", low=low, high=high)
        return None
    return value


def _moment(raw, problems: dict) -> datetime:
    """An ISO time (with offset, or local time without), as naive UTC; not in the future, not over 31 days old."""
    if raw in (None, ""):
        return utcnow()
    try:
        moment = raw if isinstance(raw, datetime) else datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
    except ValueError:
        problems["visited_at"] = gettext("Enter a time as 2026-11-23T09:30.")
        return utcnow()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LOCAL_TIMEZONE)
    moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    now = utcnow()
    if moment > now + timedelta(minutes=10):
        problems["visited_at"] = gettext("The visit cannot be in the future.")
    elif moment < now - timedelta(days=31):
        problems["visited_at"] = gettext("A visit is recorded within a month.")
    return moment


def _checklist(raw, problems: dict) -> dict:
    if raw in (None, ""):
        return {}
    if not isinstance(raw, dict):
        problems["checklist"] = gettext("Send the checklist as an object of item: true/false.")
        return {}
    unknown = set(raw) - set(rules.CHECKLIST_KEYS)
    if unknown:
        problems["checklist"] = gettext("Unknown items: %(items)s.", items=", ".join(sorted(map(str, unknown))))
        return {}
    clean = {}
    for key, value in raw.items():
        if value in (None, ""):
            continue
        if isinstance(value, str) and value.lower() in ("yes", "true", "1", "no", "false", "0"):
            value = value.lower() in ("yes", "true", "1")
        if not isinstance(value, bool):
            problems["checklist"] = gettext("Answer each item with true or false.")
            return {}
        clean[key] = value
    return clean


@dataclass
class Recorded:
    visit: Visit
    created: bool  # False: the same client_id was already stored, and this is that visit


def record_visit(user, raw: dict, photos: list[Upload] | None = None) -> Recorded:
    """Log a site visit: check-in position and distance, checklist, notes, photos; a problem is reported (上报)."""
    authz.require(user, "visit.create")
    photos = photos or []
    client_id = str(raw.get("client_id") or "").strip() or None
    if client_id is not None and not CLIENT_ID.match(client_id):
        raise _invalid({"client_id": gettext("8 to 64 letters, digits, - or _.")})
    if client_id is not None:
        stored = db.session.scalar(select(Visit).where(Visit.worker_id == user.id, Visit.client_id == client_id))
        if stored is not None:
            return Recorded(stored, False)
    problems: dict[str, str] = {}
    institution_id = raw.get("institution_id")
    try:
        institution_id = int(institution_id)
    except (TypeError, ValueError):
        raise _invalid({"institution_id": gettext("Enter a whole number.")})
    institution = register.get_institution(user, institution_id, "institution.view")
    authz.require(user, "visit.create", institution)
    manual = raw.get("position_source") == "manual"
    latitude = _number(raw.get("latitude"), "latitude", problems, low=-90, high=90, required=not manual)
    longitude = _number(raw.get("longitude"), "longitude", problems, low=-180, high=180, required=not manual)
    if (latitude is None) != (longitude is None) and "latitude" not in problems and "longitude" not in problems:
        problems["latitude" if latitude is None else "longitude"] = gettext("Enter both latitude and longitude, or neither.")
    accuracy = _number(raw.get("accuracy"), "accuracy", problems, low=0, high=100_000, required=False)
    visited_at = _moment(raw.get("visited_at"), problems)
    checklist = _checklist(raw.get("checklist"), problems)
    outcome = str(raw.get("outcome") or rules.INSPECTED)
    reason = str(raw.get("outcome_reason") or "").strip()
    if "checklist" not in problems:
        problems.update({field: gettext(message) for field, message in rules.visit_problems(outcome, checklist, reason)
                         .items()})
    notes = str(raw.get("notes") or "").strip()
    for name, text in (("notes", notes), ("outcome_reason", reason)):
        if len(text) > 4000:
            problems[name] = gettext("At most %(count)s characters.", count=4000)
    if len(photos) > MAX_PHOTOS:
        problems["photos"] = gettext("At most %(count)s photos.", count=MAX_PHOTOS)
    if problems:
        raise _invalid(problems)
    cleaned = [(upload, *clean_photo(upload)) for upload in photos]

    distance = None
    if latitude is not None:
        distance = round(geo.distance_m(latitude, longitude, institution.latitude, institution.longitude), 1)
    config = current_app.config
    flags = rules.visit_flags(distance_m=distance, accuracy_m=accuracy, manual=manual,
                              max_distance_m=config.get("REGISTRY_VISIT_MAX_DISTANCE_M", 200),
                              max_accuracy_m=config.get("REGISTRY_VISIT_MAX_ACCURACY_M", 100))
    visit = Visit(institution_id=institution.id, worker_id=user.id, cell_id=cell_id_of(institution.id),
                  visited_at=visited_at, latitude=latitude, longitude=longitude, accuracy_m=accuracy,
                  position_source="manual" if manual else "gps", distance_m=distance, flagged=bool(flags),
                  flag_reason=",".join(flags), outcome=outcome, outcome_reason=reason, checklist=checklist, notes=notes,
                  client_id=client_id)
    audit.note(db.session, "visit.record")
    try:
        with db.session.begin_nested():
            db.session.add(visit)
    except IntegrityError:  # the same draft arrived twice at once: the other request stored it
        stored = db.session.scalar(select(Visit).where(Visit.worker_id == user.id, Visit.client_id == client_id))
        if stored is None:
            raise
        return Recorded(stored, False)
    for upload, data, kind in cleaned:
        key = storage.save(data, folder=f"visits/{visited_at:%Y/%m}", extension=kind.extension)
        db.session.add(VisitPhoto(visit=visit, storage_key=key, content_type=kind.content_type, size=len(data),
                                  original_name=(upload.filename or "")[:200]))
    found = rules.findings(checklist)
    if found or raw.get("report") in (True, "1", "true", "on", "y"):
        report = VisitReport(visit=visit, institution_id=institution.id, department_code=institution.department_code,
                             findings=found, notes=notes)
        db.session.add(report)
        db.session.flush()
        visit_reported.send(current_app._get_current_object(), report=report)
    db.session.flush()
    return Recorded(visit, True)


@dataclass
class VisitFilters:
    institution_id: int | None = None
    cell: str = ""
    flagged: bool | None = None


def list_visits(user, *, filters: VisitFilters, page: int = 1, per_page: int = 50) -> Page:
    """Visits of the institutions the user may see, newest first."""
    conditions = _visit_conditions(user, filters)
    total = db.session.scalar(select(func.count()).select_from(Visit).where(*conditions))
    items = db.session.scalars(select(Visit).where(*conditions).order_by(Visit.visited_at.desc(), Visit.id.desc())
                               .limit(per_page).offset((page - 1) * per_page)).all()
    return Page(list(items), total, page, per_page)


def latest_visits(user, institution_id: int, *, limit: int = 5) -> list[Visit]:
    """An institution's latest visits with their workers and reports, in one statement (its page's grid panel)."""
    conditions = _visit_conditions(user, VisitFilters(institution_id=institution_id))
    return list(db.session.scalars(select(Visit).where(*conditions).options(joinedload(Visit.worker), joinedload(Visit.report))
                                   .order_by(Visit.visited_at.desc(), Visit.id.desc()).limit(limit)))


def _visit_conditions(user, filters: VisitFilters) -> list:
    authz.require(user, "visit.list")
    conditions = []
    visible = register.visible_condition(user)
    if visible is not None:
        conditions.append(Visit.institution_id.in_(select(Institution.id).where(visible)))
    if filters.institution_id is not None:
        conditions.append(Visit.institution_id == filters.institution_id)
    if filters.cell:
        cell = get_cell(user, filters.cell)
        conditions.append(Visit.cell_id.in_(select(Cell.id).where(Cell.path.startswith(cell.path))))
    if filters.flagged is not None:
        conditions.append(Visit.flagged.is_(filters.flagged))
    return conditions


def get_visit(user, visit_id: int) -> Visit:
    """The visit, or NotFound; Forbidden unless the user may see its institution."""
    visit = db.session.get(Visit, visit_id)
    if visit is None:
        raise NotFound(gettext("There is no visit with id %(id)s.", id=visit_id))
    authz.require(user, "visit.view", visit.institution)
    return visit


def get_photo(user, visit_id: int, photo_id: int) -> VisitPhoto:
    visit = get_visit(user, visit_id)
    photo = db.session.get(VisitPhoto, photo_id)
    if photo is None or photo.visit_id != visit.id:
        raise NotFound(gettext("There is no such photo."))
    return photo


# --- the map ------------------------------------------------------------------------------------------------------

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
    shown = list(db.session.scalars(select(Cell).where(*_in_scope(user)).order_by(Cell.level, Cell.code)))
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
