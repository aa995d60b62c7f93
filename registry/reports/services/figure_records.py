"""The records behind a figure of the bulletin: a page of them, or every one for a download."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from flask_babel import gettext
from sqlalchemy import func, select

from registry.accounts.models import User
from registry.core import authz
from registry.core.errors import NotFound
from registry.core.pager import Page
from registry.extensions import db
from registry.grid.models import Visit
from registry.register.models import District, Institution
from registry.reports.indicators import BY_KEY, Indicator
from registry.reports.rules import Period
from registry.reports.services.counting import NO_CELL, context


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
    return indicator, _read(statement.execution_options(yield_per=batch))


def _read(statement) -> Iterator:
    """The statement's rows, run when the download starts reading them (within the streamed response's context)."""
    yield from db.session.execute(statement)
