"""Counting every indicator of `indicators.INDICATORS` for a period, by district and by grid cell, with sections 3–6
from the enforcement area's figures (`registry.enforcement.indicators`)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import func, select

from registry.core.dates import add_months
from registry.enforcement import indicators as enforcement_figures
from registry.extensions import db
from registry.grid.models import CellAssignment
from registry.register.models import Institution
from registry.register.rules import Category
from registry.reports import as_of, indicators
from registry.reports.indicators import Context, INDICATORS, Indicator
from registry.reports.rules import Period


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
