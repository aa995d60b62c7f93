"""The bulletin: each indicator for a period and the one before it, by district of one city and for the city, each
figure linked to the records behind it; section 7 also by grid cell."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask import url_for
from sqlalchemy import select

from registry.core import authz
from registry.core.models import local_today
from registry.extensions import db
from registry.grid.models import Cell
from registry.register.models import District
from registry.reports import rules
from registry.reports.indicators import ENFORCEMENT_SECTIONS, INDICATORS, Indicator, SECTIONS
from registry.reports.rules import Period
from registry.reports.services.counting import Counts, NO_CELL, context, count_period
from registry.reports.services.period_and_place import City, cities, default_city, districts_of


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
