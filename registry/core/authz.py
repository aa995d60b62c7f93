"""The one place that decides who may do what: `can(user, action, obj)`.

Pages, the API and the CLI all ask here. An action is a string; `obj` is the record acted on (or, for
`institution.create`, the code of the department that would supervise the new institution).
"""
from __future__ import annotations

from dataclasses import dataclass

from registry.core.errors import Forbidden

ADMIN, OFFICER, GRID_WORKER, MARKET = "admin", "officer", "grid_worker", "market"

ACTIONS = (
    "institution.list",
    "institution.view",
    "institution.create",
    "institution.edit",
    "institution.transition",
    "institution.import",
    "user.manage",
    "audit.view",
    "escrow.list",
    "escrow.view",
    "escrow.edit",
    "escrow.import",
    "grid.view",
    "grid.manage",
    "grid.confirm",
    "visit.list",
    "visit.view",
    "visit.create",
    "inspection.list",
    "inspection.view",
    "inspection.create",
    "inspection.note",
    "lead.list",
    "lead.view",
    "lead.create",
    "lead.handle",
    "case.list",
    "case.view",
    "case.open",
    "case.step",
    "fine.view",
    "fine.pay",
    "checklist.manage",
    "bulletin.view",
    "staff.list",
    "staff.view",
    "staff.edit",
    "staff.reveal",
    "staff.import",
    "teacher.import",
    "annual.list",
    "annual.view",
    "annual.open",
    "annual.review",
    "annual.import",
)

# The department whose HR system holds the in-service school teachers' roster (the education bureau).
TEACHERS_DEPARTMENT = "edu"


@dataclass(frozen=True)
class Scope:
    """Which institutions a user may read: all, those of some departments, or none."""

    all: bool = False
    departments: frozenset[str] = frozenset()
    cells: frozenset[int] = frozenset()  # a grid worker's cells and those under them
    led_cells: frozenset[int] = frozenset()  # the cells a grid worker leads (网格长) and those under them
    institutions: frozenset[int] = frozenset()  # the institutions standing in `cells`

    def allows(self, department_code: str) -> bool:
        return self.all or department_code in self.departments


def institution_scope(user) -> Scope:
    if user is None or not user.is_authenticated:
        return Scope()
    if user.role in (ADMIN, MARKET):
        return Scope(all=True)
    if user.role == OFFICER and user.department_code:
        return Scope(departments=frozenset({user.department_code}))
    # Grid workers read the institutions of their own cells.
    if user.role == GRID_WORKER and getattr(user, "id", None) is not None:
        return _worker_scope(user)
    return Scope()


def init_app(app, *, worker_scope) -> None:
    """`worker_scope(user) -> Scope`: a grid worker's cells, given by the area that keeps them (the core asks no area)."""
    app.extensions["registry.worker_scope"] = worker_scope


def _worker_scope(user) -> Scope:
    """The grid worker's scope, worked out once per request: every decision of the request reads the same one. Kept
    on the request itself, not on `g`: an application context can outlive a request (a test's, a shell's) and would
    carry the cells of one request into the next."""
    from flask import current_app, has_request_context, request

    cached = getattr(request, "registry_worker_scope", (None,)) if has_request_context() else (None,)
    if cached[0] == user.id:
        return cached[1]
    scope = current_app.extensions["registry.worker_scope"](user)
    if has_request_context():
        request.registry_worker_scope = (user.id, scope)
    return scope


def _in_own_cells(user, institution) -> bool:
    return user.role == GRID_WORKER and getattr(institution, "id", None) in institution_scope(user).institutions


def _own_department(user, department_code: str | None) -> bool:
    return user.role == OFFICER and bool(user.department_code) and user.department_code == department_code


def can(user, action: str, obj=None) -> bool:
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.role == ADMIN:
        return True
    if action == "institution.list":
        return user.role in (OFFICER, MARKET, GRID_WORKER)
    if action in ("institution.view", "visit.view") and user.role == GRID_WORKER:
        return obj is not None and _in_own_cells(user, obj)
    if action == "institution.view":
        return obj is not None and institution_scope(user).allows(obj.department_code)
    if action in ("institution.edit", "institution.transition"):
        return obj is not None and _own_department(user, obj.department_code)
    if action == "institution.create":
        if obj is None:  # may this user create institutions at all (shows the button)?
            return user.role == OFFICER
        return _own_department(user, obj)  # obj: the department that would supervise it
    # Escrow: read like the institution, changed like the institution; lists (alerts, statements, charges) are
    # filtered by `institution_scope`.
    if action == "escrow.list":
        return user.role in (OFFICER, MARKET)
    if action == "escrow.view":
        return obj is not None and institution_scope(user).allows(obj.department_code)
    if action == "escrow.edit":
        return obj is not None and _own_department(user, obj.department_code)
    if action == "escrow.import":  # rows of other departments' institutions are refused one by one
        return user.role == OFFICER and bool(user.department_code)
    # The grid: everyone reads cells and the map (each within their scope); admins manage cells and workers; a
    # grid worker records visits in their own cells; a grid leader (网格长) confirms border cases in the cells led.
    if action in ("grid.view", "visit.list"):
        return user.role in (OFFICER, MARKET, GRID_WORKER)
    if action == "visit.view":  # obj: the visit's institution
        return obj is not None and institution_scope(user).allows(obj.department_code)
    if action == "visit.create":  # obj: the institution; None asks "may record visits at all?"
        return user.role == GRID_WORKER and (obj is None or _in_own_cells(user, obj))
    if action == "grid.confirm":  # obj: the cell chosen
        return user.role == GRID_WORKER and obj is not None and obj.id in institution_scope(user).led_cells
    # Reports: the bulletin is the bureaus' report upwards, read by the departments and market regulation alike.
    if action == "bulletin.view":
        return user.role in (OFFICER, MARKET)
    # Staff: the supervising department keeps the roster and alone sees a whole ID number; market staff read it;
    # grid workers do not see people's records.
    if action == "staff.list":
        return user.role in (OFFICER, MARKET)
    if action == "staff.view":
        return user.role in (OFFICER, MARKET) and obj is not None and institution_scope(user).allows(obj.department_code)
    if action in ("staff.edit", "staff.reveal"):
        return obj is not None and _own_department(user, obj.department_code)
    if action == "staff.import":  # rows of other departments' institutions are refused one by one
        return user.role == OFFICER and bool(user.department_code)
    if action == "teacher.import":
        return user.role == OFFICER and user.department_code == TEACHERS_DEPARTMENT

    # Annual inspection: read like the institution (market staff read every department's), opened and reviewed by the
    # officers of the department whose campaign or review it is. `obj`: a campaign or review (its department), or for
    # `annual.open` the department code. When offices come (issue 16), these ask for the office instead.
    if action == "annual.list":
        return user.role in (OFFICER, MARKET)
    if action == "annual.view":
        return obj is not None and institution_scope(user).allows(obj.department_code)
    if action == "annual.open":
        return _own_department(user, obj) if obj is not None else user.role == OFFICER and bool(user.department_code)
    if action == "annual.review":
        return obj is not None and _own_department(user, obj.department_code)
    if action == "annual.import":  # rows of other departments' institutions are refused one by one
        return user.role == OFFICER and bool(user.department_code)
    if action.split(".")[0] in ("inspection", "lead", "case", "fine"):
        return _enforcement(user, action, obj)
    return False  # institution.import, user.manage, audit.view, grid.manage, checklist.manage: admins only


def _enforcing_department(user, department_code: str | None) -> bool:
    """Officers and market staff act for their own department's records (market regulation is a department too)."""
    return user.role in (OFFICER, MARKET) and bool(user.department_code) and user.department_code == department_code


def _enforcement(user, action: str, obj) -> bool:
    """Enforcement: officers act on their department's institutions and the leads and cases routed to it; partners
    of a joint inspection read the inspections they took part in; market staff read everything and act on what is
    routed to market regulation (unlicensed operators, advertising, fees); grid workers follow the leads they
    reported. `obj` is the record (inspection, lead, case, fine), or for `*.create`/`case.open` the institution
    (inspection) or the department acting."""
    if action in ("inspection.list", "case.list"):
        return user.role in (OFFICER, MARKET)
    if action == "lead.list":
        return user.role in (OFFICER, MARKET, GRID_WORKER)
    if action == "lead.create":
        return user.role in (OFFICER, MARKET) and bool(user.department_code)
    if obj is None:
        return action in ("inspection.create", "case.open") and user.role in (OFFICER, MARKET) and bool(user.department_code)
    if action == "inspection.view":
        return user.role == MARKET or (user.role == OFFICER and (
            institution_scope(user).allows(obj.institution.department_code)
            or user.department_code in obj.partner_departments or user.department_code == obj.department_code))
    if action == "inspection.note":  # obj: the inspection; added to by the departments that made it, not by readers
        return user.role in (OFFICER, MARKET) and bool(user.department_code) and (
            user.department_code == obj.department_code or user.department_code in obj.partner_departments)
    if action == "inspection.create":  # obj: the institution; market regulation inspects every category
        return user.role == MARKET or _own_department(user, obj.department_code)
    if action == "lead.view":
        if user.role == GRID_WORKER:
            return obj.reported_by_id is not None and obj.reported_by_id == getattr(user, "id", None)
        return user.role == MARKET or _enforcing_department(user, obj.department_code)
    if action == "lead.handle":
        return _enforcing_department(user, obj.department_code)
    if action == "case.open":  # obj: the department that would own the case
        return _enforcing_department(user, obj)
    if action in ("case.view", "fine.view"):
        return user.role == MARKET or _enforcing_department(user, obj.department_code)
    if action in ("case.step", "fine.pay"):
        return _enforcing_department(user, obj.department_code)
    return False


def require(user, action: str, obj=None) -> None:
    """Raise Forbidden unless `can`."""
    if not can(user, action, obj):
        from flask_babel import gettext

        raise Forbidden(gettext("You are not allowed to do this."))
