"""The home page's dashboard for each role, read through the other areas' services.

An officer: their department's institutions, the applications, overdue rectifications and leads near their deadline
waiting for them, escrow alerts. A grid worker: their
cells, the visits due and the visits flagged. Market staff and admins: the whole register. Trends are charts.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext
from sqlalchemy import case, func, select

from registry.core import authz
from registry.core.models import local_today
from registry.enforcement import indicators as enforcement_figures
from registry.enforcement import services as enforcement
from registry.escrow import figures as escrow_figures
from registry.extensions import db
from registry.grid import services as grid
from registry.register.models import Institution, StatusChange
from registry.register.rules import Category, Status
from registry.reports import as_of, chart, rules
from registry.reports.indicators import CATEGORY_WORDS

CATEGORY_COLOURS = {Category.academic: "#b42318", Category.tech: "#1f4e8c", Category.arts: "#7a3fb0", Category.sports: "#16803c"}
TREND_MONTHS = 12
LEADS_DUE_DAYS = 3  # a lead shows on the dashboard this many days before its deadline


@dataclass
class Dashboard:
    role: str
    status_counts: dict = field(default_factory=dict)  # category → status → number (current)
    applications: list = field(default_factory=list)
    applications_total: int = 0
    escrow_alerts: dict = field(default_factory=dict)  # alert kind → number
    cells: list = field(default_factory=list)
    visits_due: list = field(default_factory=list)
    visits_due_total: int = 0
    flagged_visits: object = None
    charts: list = field(default_factory=list)  # (title, svg)
    rectifications_overdue: object = None  # a Page of inspections whose rectification deadline passed
    leads_due: object = None  # a Page of open leads due within LEADS_DUE_DAYS, not yet overdue
    leads_overdue: object = None  # a Page of open leads past their deadline


def _scope_condition(user):
    from registry.register.services import visible_condition

    return visible_condition(user)


def status_counts(user) -> dict:
    """category → status → number of the institutions `user` may read, as they stand today."""
    condition = _scope_condition(user)
    query = select(Institution.category, Institution.status, func.count()).group_by(Institution.category, Institution.status)
    if condition is not None:
        query = query.where(condition)
    counts: dict = defaultdict(dict)
    for category, status, number in db.session.execute(query):
        counts[Category(category)][Status(status)] = number
    return counts


def existing_by_month(user, *, months: int = TREND_MONTHS, today: date | None = None) -> tuple[list[date], dict]:
    """Institutions existing (licensed or suspended) at each month's end, by category, from the recorded history:
    each change into an existing status counts +1 on its day, each change out of one −1, summed up to each day."""
    today = today or local_today()
    ends = rules.month_ends(today, months)
    live = [s.value for s in as_of.EXISTING]
    entering = StatusChange.to_status.in_(live) & (StatusChange.from_status.is_(None) | StatusChange.from_status.not_in(live))
    leaving = StatusChange.to_status.not_in(live) & StatusChange.from_status.in_(live)
    step = case((entering, 1), (leaving, -1), else_=0)
    # one bucket per month end: changes up to the first month's end together, then each month's
    bucket = case(*[(StatusChange.effective_on <= end, index) for index, end in enumerate(ends)], else_=len(ends))
    query = (select(Institution.category, bucket.label("bucket"), func.sum(step))
             .join(Institution, Institution.id == StatusChange.institution_id)
             .where(entering | leaving).group_by(Institution.category, bucket))
    condition = _scope_condition(user)
    if condition is not None:
        query = query.where(condition)
    steps: dict = defaultdict(lambda: [0] * (len(ends) + 1))
    for category, index, total in db.session.execute(query):
        steps[Category(category)][index] += int(total or 0)
    series = {}
    for category, values in steps.items():
        running, points = 0, []
        for index in range(len(ends)):
            running += values[index]
            points.append(running)
        series[category] = points
    return ends, series


def enforcement_by_month(*, months: int = TREND_MONTHS, today: date | None = None) -> tuple[list[date], dict]:
    """Inspections, violations and fines per month from the enforcement area's figures (the whole register)."""
    ends = rules.month_ends(today or local_today(), months)
    totals = enforcement_figures.by_month(ends)
    return ends, {"inspections": totals["institutions_inspected"], "violations": totals["violations"],
                  "fines_fen": totals["fines_fen"]}


def _charts(user, board: Dashboard) -> None:
    ends, series = existing_by_month(user)
    if any(any(values) for values in series.values()):
        board.charts.append((gettext("Institutions by category, at each month's end"), chart.line_chart(
            [e.strftime("%Y-%m") for e in ends],
            [(str(CATEGORY_WORDS[c]), series[c], CATEGORY_COLOURS[c]) for c in Category if c in series],
            title=gettext("Institutions by category, at each month's end"))))
    ends, totals = enforcement_by_month()
    labels = [e.strftime("%Y-%m") for e in ends]
    title = gettext("Inspections and violations per month, every department")
    board.charts.append((title, chart.line_chart(labels, [(gettext("Institutions inspected"), totals["inspections"], "#1f4e8c"),
                                                          (gettext("Violations found"), totals["violations"], "#b42318")],
                                                 title=title)))
    title = gettext("Fines and confiscations per month (¥10,000), every department")
    board.charts.append((title, chart.bar_chart(labels, [float(rules.wan_yuan(v)) for v in totals["fines_fen"]],
                                                title=title, colour="#b54708")))


def dashboard(user) -> Dashboard:
    """What the home page shows `user`."""
    board = Dashboard(role=user.role)
    if user.role == authz.GRID_WORKER:
        board.cells = grid.cells(user)
        due = grid.rounds(user, overdue_only=True)
        board.visits_due, board.visits_due_total = due[:10], len(due)
        board.flagged_visits = grid.list_visits(user, filters=grid.VisitFilters(flagged=True), per_page=10)
        return board
    board.status_counts = status_counts(user)
    if authz.can(user, "escrow.list"):
        board.escrow_alerts = escrow_figures.alerts(user, per_page=1).counts or {}
    if user.role == authz.OFFICER:
        condition = _scope_condition(user)
        waiting = select(Institution).where(Institution.status == Status.applied,
                                            *([condition] if condition is not None else []))
        board.applications_total = db.session.scalar(select(func.count()).select_from(waiting.subquery())) or 0
        board.applications = list(db.session.scalars(waiting.order_by(Institution.status_since, Institution.id).limit(10)))
        board.rectifications_overdue = enforcement.list_inspections(
            user, filters=enforcement.InspectionFilters(overdue=True), per_page=10)
    if user.role in (authz.OFFICER, authz.MARKET) and user.department_code:  # the leads routed to their department
        board.leads_overdue = enforcement.list_leads(user, filters=enforcement.LeadFilters(
            overdue=True, department=user.department_code), per_page=10)
        board.leads_due = enforcement.list_leads(user, filters=enforcement.LeadFilters(
            due_within_days=LEADS_DUE_DAYS, department=user.department_code), per_page=10)
    _charts(user, board)
    return board
