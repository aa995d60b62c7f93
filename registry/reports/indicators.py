"""Every indicator of the bulletin (DOMAIN.md, "Indicators of the bulletin"), each defined once as the records
behind it.

An indicator's `records(period, context)` is a SELECT of the records it counts, with the columns `record_id`,
`institution_id`, `district` and `cell_id`; its figure for a district is the number of those rows, so a figure and
the list it links to cannot disagree, and the districts always add up to the city. Sections 3–6 (inspections,
violations, cases and fines, leads) are counted by the enforcement area (`registry.enforcement.indicators`), which
lists its own records.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Callable

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, or_, select

from registry.annual.models import AnnualInspection
from registry.annual.rules import Grade, State
from registry.core.models import LOCAL_TIMEZONE
from registry.escrow.models import Charge, Escrow, EscrowStatusChange, Statement
from registry.escrow.rules import LIVE, EscrowStatus
from registry.grid.models import CellAssignment, Visit
from registry.grid.rules import INSPECTED
from registry.register.models import Institution, StatusChange
from registry.register.rules import Category, Status
from registry.reports import as_of
from registry.reports.rules import Period
from registry.core.dates import add_months


@dataclass(frozen=True)
class Context:
    """What the indicators need besides the period: settings, read once."""

    baseline: date
    visit_every_months: int = 1
    min_coverage_pct: int = 100
    charge_months: int = 3


@dataclass(frozen=True)
class Indicator:
    key: str
    section: int
    label: object  # a lazy string
    records: Callable[[Period, Context], Select] | None = None
    kind: str = "institution"  # institution | visit | rate | money | count (enforcement)
    per_cell: bool = False
    # Visits are counted per institution first (one pass over the visits' index), then by district: the same rows
    # as `records`, grouped. Columns: district, cell_id, n.
    grouped: Callable[[Period, Context], Select] | None = None


SECTIONS = {
    1: _l("Institutions by category and status"),
    2: _l("Reduction of academic institutions"),
    3: _l("Inspections"),
    4: _l("Violations found"),
    5: _l("Cases and fines"),
    6: _l("Leads"),
    7: _l("Grid"),
    8: _l("Prepaid-fee escrow"),
    9: _l("Annual inspection"),
}
ENFORCEMENT_SECTIONS = (3, 4, 5, 6)


def utc_bounds(period: Period) -> tuple[datetime, datetime]:
    """The period's local days as naive-UTC instants [from, to), as visit times are stored."""
    def instant(day: date) -> datetime:
        return datetime.combine(day, time.min, LOCAL_TIMEZONE).astimezone(timezone.utc).replace(tzinfo=None)

    return instant(period.start), instant(period.end + timedelta(days=1))


def _institution_rows(query: Select, institution_id) -> Select:
    """Standard columns for records that are institutions."""
    return query.add_columns(institution_id.label("record_id"), institution_id.label("institution_id"),
                             Institution.district.label("district"), CellAssignment.cell_id.label("cell_id"))


def _institutions(*conditions, source=None, id_column=None) -> Select:
    id_column = id_column if id_column is not None else Institution.id
    query = select()
    if source is not None:
        query = query.select_from(source).join(Institution, Institution.id == id_column)
    else:
        query = query.select_from(Institution)
    query = _institution_rows(query, Institution.id)
    return query.outerjoin(CellAssignment, CellAssignment.institution_id == Institution.id).where(*conditions)


# --- section 1: the register ---------------------------------------------------------------------------------

STATUS_ORDER = (Status.licensed, Status.suspended, Status.applied, Status.rejected, Status.revoked, Status.deregistered,
                Status.converted)


def _status_on_end(category: Category, status: Status):
    def records(period: Period, context: Context) -> Select:
        day = as_of.statuses_on(period.end)
        return _institutions(Institution.category == category, day.c.status == status.value,
                             source=day, id_column=day.c.institution_id)
    return records


def _changes_in(period: Period, *conditions) -> Select:
    """Institutions with a recorded change in the period matching `conditions` (each counted once)."""
    changed = (select(StatusChange.institution_id).where(StatusChange.effective_on.between(period.start, period.end), *conditions)
               .distinct().subquery("changed"))
    return _institutions(source=changed, id_column=changed.c.institution_id)


def new_licences(period: Period, context: Context) -> Select:
    """Permits issued in the period: a change to licensed from applied, or a record that started licensed."""
    return _changes_in(period, StatusChange.to_status == Status.licensed,
                       or_(StatusChange.from_status.is_(None), StatusChange.from_status == Status.applied))


def deregistrations(period: Period, context: Context) -> Select:
    return _changes_in(period, StatusChange.to_status == Status.deregistered)


def conversions(period: Period, context: Context) -> Select:
    return _changes_in(period, StatusChange.to_status == Status.converted)


# --- section 2: reduction --------------------------------------------------------------------------------------

def _academic_existing_on(day_of: Callable[[Period, Context], date]):
    def records(period: Period, context: Context) -> Select:
        day = as_of.statuses_on(day_of(period, context))
        return _institutions(Institution.category == Category.academic,
                             day.c.status.in_([s.value for s in as_of.EXISTING]), source=day, id_column=day.c.institution_id)
    return records


academic_baseline = _academic_existing_on(lambda period, context: context.baseline)
academic_remaining = _academic_existing_on(lambda period, context: period.end)


# --- section 7: the grid ---------------------------------------------------------------------------------------

def _visit_rows(*conditions) -> Select:
    return (select(Visit.id.label("record_id"), Visit.institution_id.label("institution_id"),
                   Institution.district.label("district"), Visit.cell_id.label("cell_id"),
                   Visit.visited_at.label("visited_at"))
            .join(Institution, Institution.id == Visit.institution_id).where(*conditions))


def _visit_counts(*conditions) -> Select:
    per_institution = (select(Visit.institution_id, Visit.cell_id, func.count().label("n")).where(*conditions)
                       .group_by(Visit.institution_id, Visit.cell_id).subquery("per_institution"))
    return (select(Institution.district.label("district"), per_institution.c.cell_id.label("cell_id"),
                   func.sum(per_institution.c.n).label("n"))
            .join(Institution, Institution.id == per_institution.c.institution_id)
            .group_by(Institution.district, per_institution.c.cell_id))


def _made(period: Period) -> list:
    start, end = utc_bounds(period)
    return [Visit.visited_at >= start, Visit.visited_at < end]


def _off_site(period: Period) -> list:
    """Visits of the period kept but flagged: checked in too far away, with poor accuracy, or placed by hand."""
    return [*_made(period), Visit.flagged.is_(True)]


def visits_made(period: Period, context: Context) -> Select:
    return _visit_rows(*_made(period))


def visits_made_counts(period: Period, context: Context) -> Select:
    return _visit_counts(*_made(period))


def visits_off_site(period: Period, context: Context) -> Select:
    return _visit_rows(*_off_site(period))


def visits_off_site_counts(period: Period, context: Context) -> Select:
    return _visit_counts(*_off_site(period))


def visits_due(period: Period, context: Context) -> Select:
    """Institutions in a cell, existing at the period's end, whose monthly visit fell due by then: never inspected
    before the period, or last inspected so long before that the next visit was due by its last day."""
    start, _ = utc_bounds(period)
    # grid rules: due on add_months(last visit, every); due by `end` when the last visit was on or before this day
    latest_allowed = add_months(period.end, -context.visit_every_months)
    cutoff, _ = utc_bounds(Period(latest_allowed + timedelta(days=1), latest_allowed + timedelta(days=1)))
    day = as_of.statuses_on(period.end)
    # only an inspection: a visit that found the site closed or was refused entry leaves it due
    recent = select(Visit.institution_id).where(Visit.visited_at >= cutoff, Visit.visited_at < start,
                                                Visit.outcome == INSPECTED)
    return _institutions(day.c.status.in_([s.value for s in as_of.EXISTING]), CellAssignment.cell_id.is_not(None),
                         Institution.id.not_in(recent), source=day, id_column=day.c.institution_id)


def unassigned(period: Period, context: Context) -> Select:
    """Institutions existing at the period's end that stand in no grid cell (as assigned now: cells have no history)."""
    day = as_of.statuses_on(period.end)
    return _institutions(day.c.status.in_([s.value for s in as_of.EXISTING]), CellAssignment.cell_id.is_(None),
                         source=day, id_column=day.c.institution_id)


# --- section 8: escrow, as of the period's end ---------------------------------------------------------------------

def escrow_statuses_on(day: date):
    ranked = (select(EscrowStatusChange.escrow_id, EscrowStatusChange.to_status,
                     func.row_number().over(partition_by=EscrowStatusChange.escrow_id,
                                            order_by=(EscrowStatusChange.effective_on.desc(), EscrowStatusChange.id.desc()))
                     .label("n"))
              .where(EscrowStatusChange.effective_on <= day).subquery("escrow_ranked"))
    return (select(Escrow.institution_id, ranked.c.to_status.label("status"))
            .join(ranked, ranked.c.escrow_id == Escrow.id).where(ranked.c.n == 1).subquery("escrow_as_of"))


def latest_statements_on(day: date):
    """Each institution's last bank statement ending by `day` (statements of one account do not overlap)."""
    last = (select(Statement.institution_id, func.max(Statement.period_end).label("period_end"))
            .where(Statement.period_end <= day).group_by(Statement.institution_id).subquery("last_end"))
    return (select(Statement.institution_id, Statement.closing_balance, Statement.unearned)
            .join(last, (last.c.institution_id == Statement.institution_id) & (last.c.period_end == Statement.period_end))
            .subquery("latest"))


def escrow_holding(period: Period, context: Context) -> Select:
    """Holding prepaid fees at the period's end: its last statement shows fees for lessons not yet taught, or it
    charged fees within one charging cycle (3 months by default) before."""
    latest = latest_statements_on(period.end)
    charged = select(Charge.institution_id).where(
        Charge.charged_on <= period.end, Charge.charged_on > add_months(period.end, -context.charge_months))
    by_statement = select(latest.c.institution_id).where(latest.c.unearned > 0)
    holders = by_statement.union(charged).subquery("holders")
    return _institutions(source=holders, id_column=holders.c.institution_id)


def _escrow_status_in(statuses):
    def records(period: Period, context: Context) -> Select:
        day = escrow_statuses_on(period.end)
        return _institutions(day.c.status.in_([s.value for s in statuses]), source=day, id_column=day.c.institution_id)
    return records


def escrow_with_account(period: Period, context: Context) -> Select:
    """A supervised account live at the period's end (an institution in violation for holding fees without an account
    has the status but no account)."""
    day = escrow_statuses_on(period.end)
    return (_institutions(day.c.status.in_([s.value for s in LIVE]), Escrow.account_number != "",
                          source=day, id_column=day.c.institution_id)
            .join(Escrow, Escrow.institution_id == Institution.id))


escrow_in_violation = _escrow_status_in([EscrowStatus.violation])


def escrow_low_coverage(period: Period, context: Context) -> Select:
    """A live account whose last statement by the period's end covers less than the minimum (100%) of the fees for
    lessons not yet taught, counting the risk deposit."""
    day = escrow_statuses_on(period.end)
    latest = latest_statements_on(period.end)
    return (_institutions(day.c.status.in_([s.value for s in LIVE]), Escrow.account_number != "", latest.c.unearned > 0,
                          (latest.c.closing_balance + Escrow.risk_deposit) * 100 < latest.c.unearned * context.min_coverage_pct,
                          source=day, id_column=day.c.institution_id)
            .join(latest, latest.c.institution_id == Institution.id)
            .join(Escrow, Escrow.institution_id == Institution.id))


# --- the list ---------------------------------------------------------------------------------------------------

# --- section 9: the annual inspection ---------------------------------------------------------------------------

def _annual_reviewed(grade: Grade | None = None):
    """Institutions whose annual inspection was graded in the period (of whichever year inspected), by grade."""
    def records(period: Period, context: Context) -> Select:
        reviewed = (select(AnnualInspection.institution_id).where(
            AnnualInspection.state == State.reviewed, AnnualInspection.reviewed_on.between(period.start, period.end),
            *([AnnualInspection.grade == grade] if grade else [])).distinct().subquery("reviewed"))
        return _institutions(source=reviewed, id_column=reviewed.c.institution_id)
    return records


STATUS_WORDS = {Status.applied: _l("applied"), Status.licensed: _l("licensed"), Status.rejected: _l("rejected"),
                Status.suspended: _l("suspended"), Status.revoked: _l("revoked"), Status.deregistered: _l("deregistered"),
                Status.converted: _l("converted")}
CATEGORY_WORDS = {Category.academic: _l("Academic"), Category.tech: _l("Tech"), Category.arts: _l("Arts"),
                  Category.sports: _l("Sports")}


class _Label:
    """“Academic · licensed”, translated when shown."""

    def __init__(self, category: Category, status: Status):
        self.category, self.status = category, status

    def __str__(self) -> str:
        return f"{CATEGORY_WORDS[self.category]} · {STATUS_WORDS[self.status]}"

    def __html__(self) -> str:
        from markupsafe import escape

        return str(escape(str(self)))


def status_key(category: Category, status: Status) -> str:
    return f"status_{category.value}_{status.value}"


INDICATORS: list[Indicator] = [
    *[Indicator(status_key(c, s), 1, _Label(c, s), _status_on_end(c, s)) for c in Category for s in STATUS_ORDER],
    Indicator("new_licences", 1, _l("New licences in the period"), new_licences),
    Indicator("deregistrations", 1, _l("Deregistrations in the period"), deregistrations),
    Indicator("conversions", 1, _l("Conversions in the period"), conversions),
    Indicator("academic_baseline", 2, _l("Academic institutions at the baseline date"), academic_baseline),
    Indicator("academic_remaining", 2, _l("Academic institutions remaining"), academic_remaining),
    Indicator("reduction_rate", 2, _l("Reduction rate"), kind="rate"),
    Indicator("staff_person_times", 3, _l("Staff dispatched (person-times)"), kind="count"),
    Indicator("institutions_inspected", 3, _l("Institutions inspected (institution-times)"), kind="count"),
    Indicator("joint_inspections", 3, _l("Joint inspections"), kind="count"),
    Indicator("violations_disguised", 4, _l("Disguised academic training"), kind="count"),
    Indicator("violations_advertising", 4, _l("Advertising"), kind="count"),
    Indicator("violations_fees", 4, _l("Fees"), kind="count"),
    Indicator("violations_staff", 4, _l("Staff"), kind="count"),
    Indicator("violations_safety", 4, _l("Safety"), kind="count"),
    Indicator("violations_unlicensed", 4, _l("Unlicensed operation"), kind="count"),
    Indicator("cases_opened", 5, _l("Cases opened"), kind="count"),
    Indicator("cases_decided", 5, _l("Cases decided"), kind="count"),
    Indicator("cases_closed", 5, _l("Cases closed"), kind="count"),
    Indicator("fines_fen", 5, _l("Fines and confiscations"), kind="money"),
    Indicator("leads_received", 6, _l("Leads received"), kind="count"),
    Indicator("leads_closed", 6, _l("Leads closed"), kind="count"),
    Indicator("leads_closed_on_time", 6, _l("Leads closed on time"), kind="count"),
    Indicator("leads_overdue", 6, _l("Leads overdue"), kind="count"),
    Indicator("visits_made", 7, _l("Grid visits made"), visits_made, kind="visit", per_cell=True,
              grouped=visits_made_counts),
    Indicator("visits_due", 7, _l("Institutions due a visit"), visits_due, per_cell=True),
    Indicator("visits_off_site", 7, _l("Visits flagged (off-site or inaccurate check-in)"), visits_off_site, kind="visit",
              per_cell=True, grouped=visits_off_site_counts),
    Indicator("unassigned", 7, _l("Institutions in no grid cell"), unassigned),
    Indicator("escrow_holding", 8, _l("Institutions holding prepaid fees"), escrow_holding),
    Indicator("escrow_with_account", 8, _l("With a supervised account"), escrow_with_account),
    Indicator("escrow_low_coverage", 8, _l("Coverage below the minimum"), escrow_low_coverage),
    Indicator("escrow_in_violation", 8, _l("In violation"), escrow_in_violation),
    Indicator("annual_reviewed", 9, _l("Annual inspections graded in the period"), _annual_reviewed()),
    Indicator("annual_pass", 9, _l("Graded 合格"), _annual_reviewed(Grade.passed)),
    Indicator("annual_basic", 9, _l("Graded 基本合格"), _annual_reviewed(Grade.basic)),
    Indicator("annual_fail", 9, _l("Graded 不合格"), _annual_reviewed(Grade.failed)),
    Indicator("annual_absent", 9, _l("Graded 未参检 (did not take part)"), _annual_reviewed(Grade.absent)),
]
BY_KEY = {indicator.key: indicator for indicator in INDICATORS}
ENFORCEMENT_KEYS = tuple(i.key for i in INDICATORS if i.section in ENFORCEMENT_SECTIONS)
