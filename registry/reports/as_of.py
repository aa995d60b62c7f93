"""The register as of a date, from the recorded lifecycle (StatusChange.effective_on), never the current row.

An institution's status on day D is the `to_status` of its last change effective on or before D (the latest recorded
first among changes of the same day); one that has no change by D did not exist yet. A conversion makes a new
record, so an institution's category never changes, and its district is the one recorded now.

Most institutions have no change after a recent day: their status then is the one their last change gave them, which
is their current row's (every lifecycle action writes both). Only the institutions changed since are ranked through
their history, so the register as of last week reads a few thousand steps, not every one.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import Select, func, select, union_all

from registry.register.models import Institution, StatusChange
from registry.register.rules import Category, Status

# Institutions that exist on a day: licensed, or suspended while they rectify.
EXISTING = (Status.licensed, Status.suspended)


def statuses_on(day: date):
    """A subquery of (institution_id, status) for every institution recorded by `day`."""
    changed_since = select(StatusChange.institution_id).where(StatusChange.effective_on > day)
    unchanged = select(Institution.id.label("institution_id"), Institution.status.label("status")).where(
        Institution.id.not_in(changed_since))
    ranked = (select(StatusChange.institution_id, StatusChange.to_status,
                     func.row_number().over(partition_by=StatusChange.institution_id,
                                            order_by=(StatusChange.effective_on.desc(), StatusChange.id.desc()))
                     .label("n"))
              .where(StatusChange.effective_on <= day, StatusChange.institution_id.in_(changed_since))
              .subquery("ranked"))
    changed = select(ranked.c.institution_id, ranked.c.to_status.label("status")).where(ranked.c.n == 1)
    return union_all(unchanged, changed).subquery("as_of")


def institutions_on(day: date, *, statuses=None, category: Category | str | None = None) -> Select:
    """Institutions with their status on `day` (optionally only some statuses or one category): id, district, category, status."""
    as_of = statuses_on(day)
    query = (select(Institution.id.label("institution_id"), Institution.district, Institution.category,
                    as_of.c.status)
             .join(as_of, as_of.c.institution_id == Institution.id))
    if statuses is not None:
        query = query.where(as_of.c.status.in_([Status(s).value for s in statuses]))
    if category is not None:
        query = query.where(Institution.category == Category(category))
    return query


def count_on(day: date, *, statuses=EXISTING, category: Category | str | None = None) -> int:
    from registry.extensions import db

    query = institutions_on(day, statuses=statuses, category=category).subquery()
    return db.session.scalar(select(func.count()).select_from(query)) or 0
