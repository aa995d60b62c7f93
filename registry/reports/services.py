"""The bulletin and the lists behind its figures: one function per thing a user asks for.

`bulletin` counts every indicator of `indicators.INDICATORS` for a period and the one before it, by district (and by
grid cell for the grid's), with sections 3–6 from the enforcement area's figures (`registry.enforcement.indicators`).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask import current_app, url_for
from flask_babel import gettext
from sqlalchemy import func, select

from registry.accounts.models import User
from registry.core import authz
from registry.core.database import read_later
from registry.core.errors import Invalid, NotFound
from registry.core.models import local_today
from registry.enforcement import indicators as enforcement_figures
from registry.extensions import db
from registry.grid.models import Cell, CellAssignment, Visit
from registry.register.models import District, Institution
from registry.register.rules import Category
from registry.core.pager import Page
from registry.reports import as_of, indicators, rules
from registry.reports.indicators import BY_KEY, ENFORCEMENT_SECTIONS, INDICATORS, SECTIONS, Context, Indicator
from registry.reports.rules import Period
from registry.core.dates import add_months

NO_CELL = 0  # the per-cell table's row for records in no cell
PERIOD_FREE = frozenset({"academic_baseline"})  # the same whatever the period
FROM_STATUSES = frozenset({"academic_remaining", "unassigned"})  # counted with section 1's table
ESCROW = ("escrow_holding", "escrow_with_account", "escrow_low_coverage", "escrow_in_violation")  # counted together


def context() -> Context:
    config = current_app.config
    return Context(baseline=config["REGISTRY_BULLETIN_BASELINE"],
                   visit_every_months=config.get("REGISTRY_VISIT_EVERY_MONTHS", 1),
                   min_coverage_pct=config.get("REGISTRY_ESCROW_MIN_COVERAGE", 100),
                   charge_months=config.get("REGISTRY_ESCROW_MAX_MONTHS", 3))


# --- the period and the place ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class City:
    code: str
    name: str


def cities() -> list[City]:
    return [City(code, name) for code, name in db.session.execute(
        select(District.city_code, District.city_name).distinct().order_by(District.city_code))]


def default_city() -> str:
    """The city with the most institutions on the register (the first listed when it is empty)."""
    busiest = db.session.execute(
        select(District.city_code, func.count(Institution.id)).join(Institution, Institution.district == District.code)
        .group_by(District.city_code).order_by(func.count(Institution.id).desc(), District.city_code).limit(1)).first()
    if busiest:
        return busiest[0]
    listed = cities()
    return listed[0].code if listed else ""


def districts_of(city_code: str) -> list[District]:
    return list(db.session.scalars(select(District).where(District.city_code == city_code).order_by(District.code)))


def parse_period(start_text: str | None, end_text: str | None, *, today: date | None = None) -> Period:
    """The period asked for (both dates), or the last full half-month; Invalid when it cannot be reported on."""
    today = today or local_today()
    if not start_text and not end_text:
        return rules.last_full_fortnight(today)
    problems = {}
    days = {}
    for name, text in (("start", start_text), ("end", end_text)):
        try:
            days[name] = date.fromisoformat((text or "").strip())
        except ValueError:
            problems[name] = [gettext("Enter a date as YYYY-MM-DD.")]
    if problems:
        raise Invalid(gettext("Please correct the period."), problems)
    problem = rules.check_period(days["start"], days["end"], today=today)
    if problem:
        message = {"end_before_start": gettext("The period ends before it starts."),
                   "in_future": gettext("The period cannot end after today."),
                   "too_long": gettext("A bulletin covers at most ten years.")}[problem]
        raise Invalid(gettext("Please correct the period."), {"end": [message]})
    return Period(days["start"], days["end"])


# --- counting -------------------------------------------------------------------------------------------------

@dataclass
class Counts:
    """One period's figures: key → district → value, and for the grid's indicators key → cell id → value."""

    by_district: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    by_cell: dict[str, dict[int, int]] = field(default_factory=lambda: defaultdict(dict))


def _count_statuses(period: Period, counts: Counts) -> None:
    """Section 1's category × status table in one grouped query (rather than one per pair), and from the same rows
    the existing academic institutions and the existing institutions in no cell (as their own queries list them)."""
    day = as_of.statuses_on(period.end)
    no_cell = CellAssignment.cell_id.is_(None)
    rows = db.session.execute(
        select(Institution.district, Institution.category, day.c.status, no_cell, func.count())
        .join(day, day.c.institution_id == Institution.id)
        .outerjoin(CellAssignment, CellAssignment.institution_id == Institution.id)
        .group_by(Institution.district, Institution.category, day.c.status, no_cell))
    existing = {s.value for s in as_of.EXISTING}
    for district, category, status, outside, number in rows:
        category, status = Category(category), indicators.Status(status)
        for key, counted in ((indicators.status_key(category, status), True),
                             ("academic_remaining", category is Category.academic and status.value in existing),
                             ("unassigned", bool(outside) and status.value in existing)):
            if counted:
                counts.by_district[key][district] = counts.by_district[key].get(district, 0) + number


def _count_escrow(period: Period, ctx: Context, counts: Counts) -> None:
    """Section 8 from three reads instead of four queries that each rank the accounts' statuses or find the last
    statements: each account's status on the period's end, each institution's last statement by then, and the
    institutions that charged fees within a charging cycle. The same conditions as the indicators' own queries
    (`indicators.escrow_*`), which list the records."""
    from registry.escrow.models import Charge, Escrow
    from registry.escrow.rules import LIVE, EscrowStatus

    day = indicators.escrow_statuses_on(period.end)
    accounts = {}  # institution id → live with an account (a live status on an account with a number)
    live, violation = {s.value for s in LIVE}, EscrowStatus.violation.value
    by_district = {key: counts.by_district[key] for key in ESCROW}
    for district, institution_id, status, number, deposit in db.session.execute(
            select(Institution.district, Institution.id, day.c.status, Escrow.account_number, Escrow.risk_deposit)
            .select_from(day).join(Institution, Institution.id == day.c.institution_id)
            .join(Escrow, Escrow.institution_id == Institution.id)):
        status = getattr(status, "value", status)
        if status == violation:
            by_district["escrow_in_violation"][district] = by_district["escrow_in_violation"].get(district, 0) + 1
        if status in live and number != "":
            accounts[institution_id] = deposit
            by_district["escrow_with_account"][district] = by_district["escrow_with_account"].get(district, 0) + 1
    latest = indicators.latest_statements_on(period.end)
    holders: dict[int, str] = {}
    for district, institution_id, closing, unearned in db.session.execute(
            select(Institution.district, Institution.id, latest.c.closing_balance, latest.c.unearned)
            .select_from(latest).join(Institution, Institution.id == latest.c.institution_id)):
        if unearned > 0:
            holders[institution_id] = district
            deposit = accounts.get(institution_id)
            if deposit is not None and (closing + deposit) * 100 < unearned * ctx.min_coverage_pct:
                low = by_district["escrow_low_coverage"]
                low[district] = low.get(district, 0) + 1
    charged = select(Charge.institution_id).where(
        Charge.charged_on <= period.end, Charge.charged_on > add_months(period.end, -ctx.charge_months)
    ).distinct().subquery("charged")
    for district, institution_id in db.session.execute(
            select(Institution.district, Institution.id).join(charged, charged.c.institution_id == Institution.id)):
        holders[institution_id] = district
    for district in holders.values():
        by_district["escrow_holding"][district] = by_district["escrow_holding"].get(district, 0) + 1


def _count(indicator: Indicator, period: Period, ctx: Context, counts: Counts) -> None:
    records = indicator.records(period, ctx).subquery()
    if indicator.per_cell:
        rows = (indicator.grouped(period, ctx) if indicator.grouped is not None else
                select(records.c.district, records.c.cell_id, func.count()).group_by(records.c.district, records.c.cell_id))
        for district, cell_id, number in db.session.execute(rows):
            by_district, by_cell, cell = counts.by_district[indicator.key], counts.by_cell[indicator.key], cell_id or NO_CELL
            by_district[district] = by_district.get(district, 0) + int(number)
            by_cell[cell] = by_cell.get(cell, 0) + int(number)
    else:
        for district, number in db.session.execute(select(records.c.district, func.count()).group_by(records.c.district)):
            counts.by_district[indicator.key][district] = number


def count_period(period: Period, ctx: Context, *, same_as: Counts | None = None) -> Counts:
    """Every indicator of one period, sections 3–6 from the enforcement area's figures; those that do not depend on the
    period (the baseline) are taken from `same_as` when given."""
    counts = Counts()
    _count_statuses(period, counts)
    _count_escrow(period, ctx, counts)
    for indicator in INDICATORS:
        if indicator.records is None or indicator.key.startswith("status_") or indicator.key in FROM_STATUSES \
                or indicator.key in ESCROW:
            continue
        if same_as is not None and indicator.key in PERIOD_FREE:
            counts.by_district[indicator.key] = same_as.by_district[indicator.key]
            continue
        _count(indicator, period, ctx, counts)
    for district, figures in enforcement_figures.by_district(period.start, period.end).items():
        for key in indicators.ENFORCEMENT_KEYS:
            counts.by_district[key][district] = int(figures.get(key, 0))
    return counts


# --- the bulletin ------------------------------------------------------------------------------------------------

@dataclass
class Figure:
    value: int | Decimal | None
    previous: int | Decimal | None
    url: str | None = None

    @property
    def change(self):
        return rules.change(self.value, self.previous)


@dataclass
class Row:
    indicator: Indicator
    total: Figure
    districts: list[Figure]


@dataclass
class CellRow:
    cell: Cell | None
    figures: list[Figure]


@dataclass
class Section:
    number: int
    title: object
    rows: list[Row]
    cell_indicators: list[Indicator] = field(default_factory=list)
    cells: list[CellRow] = field(default_factory=list)


@dataclass
class Bulletin:
    period: Period
    previous: Period
    baseline: date
    city: City
    districts: list[District]
    sections: list[Section]

    def row(self, key: str) -> Row:
        return next(r for s in self.sections for r in s.rows if r.indicator.key == key)


def _records_url(indicator: Indicator, period: Period, *, district: str = "", cell: int | None = None,
                 bases: dict | None = None) -> str:
    """The link of one figure to the records behind it. With `bases` (a dict kept for one bulletin), the route is
    built once per indicator and the district and cell are appended to it, as `url_for` would write them (the
    bulletin has thousands of figures: one `url_for` each cost a tenth of its time)."""
    key = "academic_remaining" if indicator.kind == "rate" else indicator.key
    endpoint = "enforcement.indicator_records" if indicator.section in ENFORCEMENT_SECTIONS else "reports.records"
    if bases is not None and (district == "" or (district.isascii() and district.isalnum())):
        if (endpoint, key) not in bases:
            bases[endpoint, key] = _records_url(indicator, period)
        base = bases[endpoint, key]
        if not (district or cell is not None):
            return base
        extra = "".join(f"&{name}={value}" for name, value in (("district", district), ("cell", cell))
                        if value not in ("", None))
        return base + extra
    args = {"start": period.start.isoformat(), "end": period.end.isoformat()}
    if district:
        args["district"] = district
    if cell is not None:
        args["cell"] = cell
    return url_for(endpoint, key=key, **args)


def _rate(baseline: int, remaining: int) -> Decimal | None:
    return rules.reduction_rate(baseline, remaining)


def bulletin(user, *, period: Period | None = None, city: str = "") -> Bulletin:
    """Every indicator for the period and the one before, by district of one city and for the city (`user` None: the
    command line's operator)."""
    if user is not None:
        authz.require(user, "bulletin.view")
    period = period or rules.last_full_fortnight(local_today())
    previous = rules.previous_period(period)
    ctx = context()
    known = {c.code: c for c in cities()}
    city_code = city if city in known else default_city()
    place = known.get(city_code, City("", ""))
    districts = districts_of(city_code)
    codes = [d.code for d in districts]
    now = count_period(period, ctx)
    before = count_period(previous, ctx, same_as=now)

    sections = []
    bases: dict = {}  # each figure's link, built once per indicator
    for number, title in SECTIONS.items():
        section = Section(number, title, [])
        for indicator in (i for i in INDICATORS if i.section == number):
            if indicator.kind == "rate":
                figures = [Figure(_rate(now.by_district["academic_baseline"].get(c, 0), now.by_district["academic_remaining"].get(c, 0)),
                                  _rate(before.by_district["academic_baseline"].get(c, 0), before.by_district["academic_remaining"].get(c, 0)),
                                  _records_url(indicator, period, district=c, bases=bases)) for c in codes]
                total = Figure(
                    _rate(sum(now.by_district["academic_baseline"].get(c, 0) for c in codes),
                          sum(now.by_district["academic_remaining"].get(c, 0) for c in codes)),
                    _rate(sum(before.by_district["academic_baseline"].get(c, 0) for c in codes),
                          sum(before.by_district["academic_remaining"].get(c, 0) for c in codes)),
                    _records_url(indicator, period))
            else:
                current, earlier = now.by_district.get(indicator.key, {}), before.by_district.get(indicator.key, {})
                figures = [Figure(current.get(c, 0), earlier.get(c, 0), _records_url(indicator, period, district=c,
                                                                                       bases=bases)) for c in codes]
                total = Figure(sum(f.value for f in figures), sum(f.previous for f in figures), _records_url(indicator, period))
            if indicator.key.startswith("status_") and not (total.value or total.previous):
                continue  # a category × status that is empty in both periods says nothing
            section.rows.append(Row(indicator, total, figures))
        if number == 7:
            _cell_table(section, now, before, period, codes, bases)
        sections.append(section)
    return Bulletin(period, previous, ctx.baseline, place, districts, sections)


def _cell_table(section: Section, now: Counts, before: Counts, period: Period, codes: list[str],
                bases: dict | None = None) -> None:
    """Section 7 by grid cell: the cells of the city's institutions that have a figure in either period."""
    section.cell_indicators = [i for i in INDICATORS if i.per_cell]
    ids = set()
    for indicator in section.cell_indicators:
        ids |= set(now.by_cell.get(indicator.key, {})) | set(before.by_cell.get(indicator.key, {}))
    cells = {c.id: c for c in db.session.scalars(select(Cell).where(Cell.id.in_(ids - {NO_CELL})))}
    for cell_id in sorted(ids, key=lambda i: (i == NO_CELL, cells[i].code if i in cells else "")):
        section.cells.append(CellRow(cells.get(cell_id), [
            Figure(now.by_cell.get(i.key, {}).get(cell_id, 0), before.by_cell.get(i.key, {}).get(cell_id, 0),
                   _records_url(i, period, cell=cell_id, bases=bases)) for i in section.cell_indicators]))


# --- the records behind a figure -----------------------------------------------------------------------------------

@dataclass
class RecordPage(Page):
    indicator: Indicator | None = None
    kind: str = "institution"
    scoped: bool = False  # only the records of the user's department are listed


def _selection(user, key: str, period: Period, district: str, city: str, cell: int | None):
    """The rows behind one figure and the conditions of the place asked for, shared by the page and its download so
    that both list the same records (the rights checked here)."""
    authz.require(user, "bulletin.view")
    indicator = BY_KEY.get(key)
    if indicator is None or indicator.records is None:
        raise NotFound(gettext("There is no such figure."))
    rows = indicator.records(period, context()).subquery()
    return indicator, rows, [*_place(rows, district=district, city=city, cell=cell), *_readable(user, rows)]


def _readable(user, rows) -> list:
    """The records of institutions `user` may read, as the API lists them (an officer: their department's); the
    figure itself counts the whole city, as the bulletin reports upwards."""
    scope = authz.institution_scope(user)
    if scope.all:
        return []
    return [rows.c.institution_id.in_(select(Institution.id).where(Institution.department_code.in_(scope.departments)))]


def _place(source, *, district: str, city: str, cell: int | None) -> list:
    where = []
    if district:
        where.append(source.c.district == district[:12])
    elif city:
        where.append(source.c.district.in_(select(District.code).where(District.city_code == city[:12])))
    if cell is not None:
        where.append(source.c.cell_id == cell if cell != NO_CELL else source.c.cell_id.is_(None))
    return where


def _visits_in_order(rows, conditions, *columns):
    """The page's order, for its page and its download alike: the latest visit first."""
    return select(*columns).select_from(rows).where(*conditions).order_by(rows.c.visited_at.desc(), rows.c.record_id)


def _institutions_in_order(rows, conditions, *columns):
    """The page's order, for its page and its download alike: by district, then name."""
    return (select(*columns).where(Institution.id.in_(select(rows.c.record_id).where(*conditions)))
            .order_by(Institution.district, Institution.name, Institution.id))


def records(user, key: str, *, period: Period, district: str = "", city: str = "", cell: int | None = None,
            page: int = 1, per_page: int = 50) -> RecordPage:
    """The institutions (or visits) one figure of the bulletin counts."""
    indicator, rows, conditions = _selection(user, key, period, district, city, cell)
    everything = authz.institution_scope(user).all
    if indicator.grouped is not None and everything:  # visits: summed from their count per institution
        counted = indicator.grouped(period, context()).subquery()
        total = int(db.session.scalar(select(func.coalesce(func.sum(counted.c.n), 0))
                                      .where(*_place(counted, district=district, city=city, cell=cell))) or 0)
    else:
        total = db.session.scalar(select(func.count()).select_from(rows).where(*conditions)) or 0
    if indicator.kind == "visit":
        ids = list(db.session.scalars(_visits_in_order(rows, conditions, rows.c.record_id)
                                      .limit(per_page).offset((page - 1) * per_page)))
        found = {v.id: v for v in db.session.scalars(select(Visit).where(Visit.id.in_(ids)))}
        items = [found[i] for i in ids]
    else:
        items = list(db.session.scalars(_institutions_in_order(rows, conditions, Institution)
                                        .limit(per_page).offset((page - 1) * per_page)))
    return RecordPage(items, total, page, per_page, indicator=indicator, kind=indicator.kind,
                      scoped=not everything)


VISIT_COLUMNS = (Visit.visited_at, Institution.name, User.display_name, User.username, Visit.flagged, Visit.flag_reason)
INSTITUTION_COLUMNS = (Institution.name, Institution.credit_code, Institution.category, District.name,
                       Institution.status)


def each_record(user, key: str, *, period: Period, district: str = "", city: str = "", cell: int | None = None,
                batch: int = 2000) -> tuple[Indicator, Iterator]:
    """Every record behind one figure, in the page's order, as plain rows of the page's columns (VISIT_COLUMNS or
    INSTITUTION_COLUMNS), read in batches: a figure of visits can be hundreds of thousands of rows. The rights are
    checked now, not when the rows are first read (a streamed download has sent its headers by then)."""
    indicator, rows, conditions = _selection(user, key, period, district, city, cell)
    if indicator.kind == "visit":
        statement = (_visits_in_order(rows, conditions, *VISIT_COLUMNS).join(Visit, Visit.id == rows.c.record_id)
                     .join(Institution, Institution.id == Visit.institution_id).join(User, User.id == Visit.worker_id))
    else:
        statement = _institutions_in_order(rows, conditions, *INSTITUTION_COLUMNS).outerjoin(
            District, District.code == Institution.district)
    # Read on a connection of its own: on a real server the request's session is gone when the download reads.
    return indicator, read_later(statement.execution_options(yield_per=batch))


def district_name(code: str) -> str:
    if not code:
        return ""
    district = db.session.get(District, code[:12])
    return f"{district.city_name} {district.name}" if district else code
