"""Campaigns: opening a year's annual inspection (the institutions due, in one INSERT ... SELECT), its progress, the
list of its institutions filtered as the progress page links them, and marking those who did not take part."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import gettext
from sqlalchemy import and_, case, func, insert, literal, select
from sqlalchemy.exc import IntegrityError

from registry.annual import rules
from registry.annual.models import AnnualInspection, Campaign, Material
from registry.annual.rules import Grade, ProposalState, State
from registry.annual.services.common import day, department_condition, invalid
from registry.core import audit, authz
from registry.core.errors import Invalid, NotFound
from registry.core.models import MAX_ID, local_today
from registry.core.pager import Page
from registry.extensions import db
from registry.register import services as register
from registry.register.models import Institution
from registry.register.rules import Status

# What a progress figure links to: the list of the campaign's institutions shown by `show`.
SHOWS = ("all", "due", "exempt", "pending", "materials_complete", "materials_missing", "reviewed", "pass", "basic",
         "fail", "absent", "rectification_overdue", "proposed", "late", "closed")


def get_campaign(user, campaign_id: int, action: str = "annual.view") -> Campaign:
    """The campaign, or NotFound; Forbidden when `user` may not do `action` to it."""
    campaign = db.session.get(Campaign, campaign_id) if 0 < campaign_id <= MAX_ID else None
    if campaign is None:
        raise NotFound(gettext("There is no annual inspection campaign with id %(id)s.", id=campaign_id))
    authz.require(user, action, campaign)
    return campaign


def list_campaigns(user) -> list[Campaign]:
    authz.require(user, "annual.list")
    query = select(Campaign).order_by(Campaign.year.desc(), Campaign.department_code, Campaign.area)
    condition = department_condition(user, Campaign.department_code)
    return list(db.session.scalars(query if condition is None else query.where(condition)))


def open_campaign(user, raw: dict) -> Campaign:
    """Open a department's annual inspection of a year: every institution licensed (or suspended) and licensed by the
    end of the year is due, those licensed after the cut-off day listed as exempt, in one statement."""
    authz.require(user, "annual.open")
    today = local_today()
    problems: dict = {}
    department = raw.get("department") or getattr(user, "department_code", None) or ""
    try:
        year = int(str(raw.get("year", "")).strip())
    except ValueError:
        year = 0
    materials_deadline = day(raw, "materials_deadline", problems, required=True)
    results_deadline = day(raw, "results_deadline", problems, required=True)
    for name, problem in rules.check_campaign_dates(year, materials_deadline, results_deadline, today).items():
        problems.setdefault(name, problem)
    area = (raw.get("area") or "").strip()
    if area and area not in register.district_codes():
        problems["area"] = gettext("Unknown district.")
    if department not in {d.code for d in register.departments()}:
        problems["department"] = gettext("Choose a department.")
    if problems:
        raise invalid(problems)
    authz.require(user, "annual.open", department)
    if db.session.scalar(select(Campaign.id).where(Campaign.department_code == department, Campaign.area == area,
                                                   Campaign.year == year)):
        raise Invalid(gettext("Please correct the marked fields."),
                      {"year": [gettext("This year's annual inspection is already open for this area.")]})

    campaign = Campaign(department_code=department, area=area, year=year, materials_deadline=materials_deadline,
                        results_deadline=results_deadline, cutoff=rules.cutoff_day(year, current_app.config["REGISTRY_ANNUAL_CUTOFF"]),
                        opened_on=today, opened_by_id=getattr(user, "id", None))
    db.session.add(campaign)
    audit.note(db.session, "annual.open")
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Invalid(gettext("Please correct the marked fields."),
                      {"year": [gettext("This year's annual inspection is already open for this area.")]})
    _insert_due(campaign)
    return campaign


def _insert_due(campaign: Campaign) -> None:
    """The campaign's institutions in one INSERT ... SELECT (a province's tens of thousands in seconds), each one's
    audit entry appended in bulk. An institution already inspected that year (by another area's campaign) is left."""
    exempt = Institution.licensed_on > campaign.cutoff
    already = select(AnnualInspection.id).where(AnnualInspection.institution_id == Institution.id,
                                                AnnualInspection.year == campaign.year).exists()
    conditions = [Institution.department_code == campaign.department_code,
                  Institution.status.in_((Status.licensed, Status.suspended)), Institution.licensed_on.is_not(None),
                  Institution.licensed_on <= date(campaign.year, 12, 31), ~already]
    if campaign.area:
        conditions.append(Institution.district == campaign.area)
    columns = ("campaign_id", "institution_id", "year", "department_code", "district", "state", "exempt_reason",
               "refused", "late", "rectification", "enrolment_stopped", "proposal_reason", "closed_reason", "version")
    chosen = select(literal(campaign.id), Institution.id, literal(campaign.year), Institution.department_code,
                    Institution.district, case((exempt, State.exempt.value), else_=State.due.value),
                    case((exempt, rules.EXEMPT_LICENSED_AFTER_CUTOFF), else_=""), literal(False), literal(False),
                    literal(""), literal(False), literal(""), literal(""), literal(1)).where(*conditions)
    db.session.execute(insert(AnnualInspection).from_select(columns, chosen))
    rows = db.session.execute(select(AnnualInspection.id, AnnualInspection.institution_id, AnnualInspection.state,
                                     AnnualInspection.exempt_reason)
                              .where(AnnualInspection.campaign_id == campaign.id)).all()
    campaign.due_count = sum(1 for r in rows if r.state is State.due)
    campaign.exempt_count = len(rows) - campaign.due_count
    audit.append(db.session.connection(), [
        audit.Change("annual_inspection", str(r.id), None, {"campaign_id": campaign.id, "institution_id": r.institution_id,
                                                            "year": campaign.year, "state": r.state.value,
                                                            "exempt_reason": r.exempt_reason})
        for r in rows], actor=db.session.info.get("actor", (None, audit.SYSTEM_ACTOR)), action="annual.open", reason=None)
    db.session.flush()


def mark_absentees(user, campaign_id: int) -> int:
    """After the materials deadline, every due institution that handed in nothing is graded 未参检 (with its
    rectification and stop on enrolment). Returns how many."""
    campaign = get_campaign(user, campaign_id, "annual.review")
    today = local_today()
    if today <= campaign.materials_deadline:
        raise Invalid(gettext("The deadline for materials has not passed yet."), {})
    nothing = ~select(Material.id).where(Material.inspection_id == AnnualInspection.id).exists()
    inspections = list(db.session.scalars(select(AnnualInspection).where(
        AnnualInspection.campaign_id == campaign.id, AnnualInspection.state == State.due, nothing)))
    audit.note(db.session, "annual.absent", gettext("No materials by the deadline"))
    for inspection in inspections:
        inspection.state, inspection.grade, inspection.reviewed_on = State.reviewed, Grade.absent, today
        inspection.late = rules.is_late(today, campaign.results_deadline)
        inspection.rectification = gettext("Hand in the annual inspection materials and take part in the inspection.")
        inspection.rectification_deadline = campaign.results_deadline if campaign.results_deadline > today else today
        inspection.enrolment_stopped = True
    db.session.flush()
    return len(inspections)


# --- progress and lists ---------------------------------------------------------------------------------------

def _complete_materials():
    """Inspections that have every kind of material."""
    return (select(Material.inspection_id).group_by(Material.inspection_id)
            .having(func.count(func.distinct(Material.kind)) >= len(rules.MATERIAL_KINDS)))


def _overdue(today: date):
    return and_(AnnualInspection.rectification_deadline < today, AnnualInspection.rectified_on.is_(None),
                AnnualInspection.state == State.reviewed, AnnualInspection.grade != Grade.passed)


def show_condition(show: str, today: date):
    """The WHERE clause of a progress figure's list."""
    conditions = {
        "all": None,
        "due": AnnualInspection.state != State.exempt,
        "exempt": AnnualInspection.state == State.exempt,
        "pending": AnnualInspection.state == State.due,
        "materials_complete": AnnualInspection.id.in_(_complete_materials()),
        "materials_missing": and_(AnnualInspection.state == State.due, AnnualInspection.id.not_in(_complete_materials())),
        "reviewed": AnnualInspection.state == State.reviewed,
        "rectification_overdue": _overdue(today),
        "proposed": AnnualInspection.proposal_state == ProposalState.proposed,
        "late": AnnualInspection.late.is_(True),
        "closed": AnnualInspection.state == State.closed,
    }
    if show in ("pass", "basic", "fail", "absent"):
        return and_(AnnualInspection.state == State.reviewed, AnnualInspection.grade == Grade(show))
    return conditions[show]


def _figures(today: date) -> dict:
    """The progress figures counted in one pass over a campaign's rows: name → counting expression."""
    return {
        "all": func.count(),
        "due": func.count().filter(AnnualInspection.state != State.exempt),
        "exempt": func.count().filter(AnnualInspection.state == State.exempt),
        "pending": func.count().filter(AnnualInspection.state == State.due),
        "reviewed": func.count().filter(AnnualInspection.state == State.reviewed),
        **{g.value: func.count().filter(AnnualInspection.state == State.reviewed, AnnualInspection.grade == g)
           for g in Grade},
        "rectification_overdue": func.count().filter(_overdue(today)),
        "proposed": func.count().filter(AnnualInspection.proposal_state == ProposalState.proposed),
        "late": func.count().filter(AnnualInspection.late.is_(True)),
        "closed": func.count().filter(AnnualInspection.state == State.closed),
    }


def progress(user, campaign_id: int) -> dict[str, int]:
    """The campaign's figures, one per `SHOWS`, counted in three queries."""
    campaign = get_campaign(user, campaign_id)
    today = local_today()
    mine = AnnualInspection.campaign_id == campaign.id
    columns = _figures(today)
    figures = dict(zip(columns, db.session.execute(select(*columns.values()).where(mine)).one()))
    figures["materials_complete"] = db.session.scalar(
        select(func.count()).select_from(AnnualInspection).where(mine, AnnualInspection.id.in_(_complete_materials())))
    figures["materials_missing"] = db.session.scalar(
        select(func.count()).select_from(AnnualInspection).where(mine, show_condition("materials_missing", today)))
    return figures


def progress_by_district(user, campaign_id: int) -> dict[str, dict[str, int]]:
    """The city's campaign over its districts: district → its figures (those counted in one pass)."""
    campaign = get_campaign(user, campaign_id)
    columns = _figures(local_today())
    rows = db.session.execute(select(AnnualInspection.district, *columns.values())
                              .where(AnnualInspection.campaign_id == campaign.id)
                              .group_by(AnnualInspection.district).order_by(AnnualInspection.district))
    return {row[0]: dict(zip(columns, row[1:])) for row in rows}


@dataclass(frozen=True)
class Filters:
    campaign_id: int | None = None
    year: int | None = None
    department: str | None = None
    district: str | None = None
    state: str | None = None
    grade: str | None = None
    show: str = "all"


def filtered(user, filters: Filters):
    """The annual inspections `user` may read that match `filters`, as a query (newest year, then by institution)."""
    authz.require(user, "annual.list")
    query = select(AnnualInspection)
    condition = department_condition(user, AnnualInspection.department_code)
    if condition is not None:
        query = query.where(condition)
    if filters.campaign_id is not None:
        query = query.where(AnnualInspection.campaign_id == filters.campaign_id)
    if filters.year is not None:
        query = query.where(AnnualInspection.year == filters.year)
    if filters.department:
        query = query.where(AnnualInspection.department_code == filters.department)
    if filters.district:
        query = query.where(AnnualInspection.district == filters.district)
    if filters.state:
        query = query.where(AnnualInspection.state == State(filters.state))
    if filters.grade:
        query = query.where(AnnualInspection.grade == Grade(filters.grade))
    shown = show_condition(filters.show, local_today())
    if shown is not None:
        query = query.where(shown)
    return query.order_by(AnnualInspection.year.desc(), AnnualInspection.institution_id)


def list_inspections(user, filters: Filters, *, page: int = 1, per_page: int = 50) -> Page:
    query = filtered(user, filters)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = list(db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    return Page(items, total, page, per_page)



def publish_results(user, campaign_id: int) -> Campaign:
    """Publish a campaign's results to the public (年检结果公告): names, categories, districts and grades only."""
    campaign = get_campaign(user, campaign_id, "annual.review")
    if campaign.published_on is None:
        campaign.published_on = local_today()
        audit.note(db.session, "annual.publish")
        db.session.flush()
    return campaign


def published_years() -> list[int]:
    return sorted(set(db.session.scalars(select(Campaign.year).where(Campaign.published_on.is_not(None)))), reverse=True)


@dataclass(frozen=True)
class PublishedResult:
    """What the public sees of a result: nothing personal."""

    name: str
    category: str
    district: str
    grade: str


def published_results(year: int, *, page: int = 1, per_page: int = 50) -> Page:
    """The graded institutions of a year's published campaigns, by name."""
    query = (select(Institution.name, Institution.category, AnnualInspection.district, AnnualInspection.grade)
             .join(AnnualInspection, AnnualInspection.institution_id == Institution.id)
             .join(Campaign, Campaign.id == AnnualInspection.campaign_id)
             .where(Campaign.published_on.is_not(None), AnnualInspection.year == year,
                    AnnualInspection.state == State.reviewed))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.execute(query.order_by(Institution.name, Institution.id).limit(per_page).offset((page - 1) * per_page))
    return Page([PublishedResult(r.name, str(r.category), r.district, r.grade.value) for r in rows], total, page, per_page)
