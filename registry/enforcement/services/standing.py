"""An institution's enforcement standing as the register's search shows it: cases still open, fines still owed."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from registry.enforcement.models import Fine, PenaltyCase
from registry.enforcement.rules import Step
from registry.extensions import db


@dataclass(frozen=True)
class Standing:
    open_cases: int = 0
    unpaid_fen: int = 0  # fines and confiscations ordered and not yet paid


def with_open_cases():
    """SELECT of the ids of institutions with a penalty case not yet closed."""
    return select(PenaltyCase.institution_id).where(PenaltyCase.institution_id.is_not(None), PenaltyCase.step != Step.closed)


def with_unpaid_fines():
    """SELECT of the ids of institutions owing some of a fine."""
    return select(Fine.institution_id).where(Fine.institution_id.is_not(None), Fine.paid < Fine.amount)


def open_case_count(institution_id):
    """A scalar subquery: the open cases of the institution whose id is `institution_id` (a column)."""
    return (select(func.count()).where(PenaltyCase.institution_id == institution_id, PenaltyCase.step != Step.closed)
            .scalar_subquery())


def unpaid_fen(institution_id):
    """A scalar subquery: what the institution whose id is `institution_id` (a column) still owes, in fen."""
    return (select(func.coalesce(func.sum(Fine.amount - Fine.paid), 0))
            .where(Fine.institution_id == institution_id, Fine.paid < Fine.amount).scalar_subquery())


def standing_of(institution_ids: list[int], session=None) -> dict[int, Standing]:
    """The standing of each of `institution_ids` that has open cases or unpaid fines, in two queries."""
    if not institution_ids:
        return {}
    session = session or db.session
    cases = dict(session.execute(select(PenaltyCase.institution_id, func.count())
                                 .where(PenaltyCase.institution_id.in_(institution_ids), PenaltyCase.step != Step.closed)
                                 .group_by(PenaltyCase.institution_id)).all())
    owed = dict(session.execute(select(Fine.institution_id, func.sum(Fine.amount - Fine.paid))
                                .where(Fine.institution_id.in_(institution_ids), Fine.paid < Fine.amount)
                                .group_by(Fine.institution_id)).all())
    return {i: Standing(cases.get(i, 0), int(owed.get(i) or 0)) for i in set(cases) | set(owed)}
