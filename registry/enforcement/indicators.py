"""Enforcement's figures for the bulletin (DOMAIN.md, indicators 3–6), by district, for a period [start, end] inclusive.

Each figure counts records by the district of their institution (`institutions.district`); a lead or case about an
operator not in the register counts under the district recorded with it, else under "". A district with no record
in the period is absent; a district present carries every key (0 when none).

- `staff_person_times`: the staff of the inspections made in the period, summed (人次).
- `institutions_inspected`: the inspections made in the period, re-inspections included (家次).
- `joint_inspections`: those of them made with staff of more than one department.
- `violations_<group>`: violations found in the period, by the bulletin's six kinds: each failed checklist item of a
  first inspection (not a re-inspection, whose failures are the same violations not yet fixed) made in the period,
  counted by its item's kind; plus each case decided in the period that was not opened from an inspection (a lead,
  the hotline, the public), counted by its violation type's kind. A case opened from an inspection is already counted
  through that inspection's failed items, so nothing is counted twice.
- `cases_opened`, `cases_decided`, `cases_closed`: cases whose step of that name is dated in the period.
- `fines_fen`: fines plus illegal income confiscated by the decisions dated in the period (罚没金额), in fen.
- `leads_received`: leads received in the period; `leads_closed`: closed in the period; `leads_closed_on_time`: of
  those, closed by their deadline; `leads_overdue`: received by `end`, past their deadline on `end` and not closed by
  then (the state as of `end`, not today).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from itertools import islice

from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from registry.core.database import reading_session
from registry.enforcement.models import (CaseStep, ChecklistItem, Inspection, InspectionResult, InspectionStaff, Lead,
                                         PenaltyCase, ViolationType)
from registry.enforcement.rules import BulletinGroup, Result, Step
from registry.extensions import db
from registry.register.models import Institution

KEYS = ("staff_person_times", "institutions_inspected", "joint_inspections",
        *(f"violations_{group.value}" for group in BulletinGroup),
        "cases_opened", "cases_decided", "cases_closed", "fines_fen",
        "leads_received", "leads_closed", "leads_closed_on_time", "leads_overdue")
CASE_STEPS = {"cases_opened": Step.opened, "cases_decided": Step.decided, "cases_closed": Step.closed}


def empty() -> dict[str, int]:
    return {key: 0 for key in KEYS}


# --- what each figure counts: a query of (district, id, ...) rows --------------------------------------------------

def _inspections(start: date, end: date, *, joint: bool = False):
    query = (select(Institution.district.label("district"), Inspection.id.label("id"))
             .join(Institution, Institution.id == Inspection.institution_id)
             .where(Inspection.inspected_on.between(start, end)))
    return query.where(Inspection.joint.is_(True)) if joint else query


def _staff(start: date, end: date):
    return (select(Institution.district.label("district"), Inspection.id.label("id"),
                   func.count(InspectionStaff.id).label("value"))
            .join(Institution, Institution.id == Inspection.institution_id)
            .join(InspectionStaff, InspectionStaff.inspection_id == Inspection.id)
            .where(Inspection.inspected_on.between(start, end)).group_by(Institution.district, Inspection.id))


def _failed_items(start: date, end: date, group: str):
    return (select(Institution.district.label("district"), InspectionResult.id.label("id"),
                   Inspection.id.label("inspection_id"))
            .join(Inspection, Inspection.id == InspectionResult.inspection_id)
            .join(Institution, Institution.id == Inspection.institution_id)
            .join(ChecklistItem, ChecklistItem.id == InspectionResult.item_id)
            .where(Inspection.inspected_on.between(start, end), Inspection.follows_id.is_(None),
                   InspectionResult.result == Result.failed, ChecklistItem.bulletin_group == group))


def _case_district():
    return func.coalesce(Institution.district, PenaltyCase.district, literal(""))


def _decided_cases(start: date, end: date, group: str | None = None):
    query = (select(_case_district().label("district"), PenaltyCase.id.label("id"),
                    (PenaltyCase.fine_amount + PenaltyCase.confiscation_amount).label("value"))
             .outerjoin(Institution, Institution.id == PenaltyCase.institution_id)
             .where(PenaltyCase.decided_on.between(start, end)))
    if group is not None:
        query = (query.join(ViolationType, ViolationType.code == PenaltyCase.violation_type_code)
                 .where(ViolationType.bulletin_group == group, PenaltyCase.inspection_id.is_(None)))
    return query


def _case_steps(start: date, end: date, step: Step):
    return (select(_case_district().label("district"), PenaltyCase.id.label("id"))
            .join(CaseStep, CaseStep.case_id == PenaltyCase.id)
            .outerjoin(Institution, Institution.id == PenaltyCase.institution_id)
            .where(CaseStep.step == step, CaseStep.done_on.between(start, end)))


def _lead_condition(key: str, start: date, end: date):
    if key == "leads_received":
        return Lead.received_on.between(start, end)
    if key == "leads_closed":
        return Lead.closed_on.between(start, end)
    if key == "leads_closed_on_time":
        return and_(Lead.closed_on.between(start, end), Lead.closed_on <= Lead.deadline)
    # leads_overdue: open on `end` (received by then, not closed by then) and past the deadline
    return and_(Lead.received_on <= end, Lead.deadline < end, or_(Lead.closed_on.is_(None), Lead.closed_on > end))


def _leads(key: str, start: date, end: date):
    district = func.coalesce(Institution.district, Lead.district, literal(""))
    return (select(district.label("district"), Lead.id.label("id"))
            .outerjoin(Institution, Institution.id == Lead.institution_id).where(_lead_condition(key, start, end)))


def source(key: str, start: date, end: date):
    """The query behind one figure: rows of (district, id[, value]) — records are counted, or their values summed."""
    if key == "staff_person_times":
        return _staff(start, end)
    if key == "institutions_inspected":
        return _inspections(start, end)
    if key == "joint_inspections":
        return _inspections(start, end, joint=True)
    if key in CASE_STEPS:
        return _case_steps(start, end, CASE_STEPS[key])
    if key == "fines_fen":
        return _decided_cases(start, end)
    if key.startswith("leads_"):
        return _leads(key, start, end)
    raise KeyError(key)


def by_district(start: date, end: date) -> dict[str, dict[str, int]]:
    """Every figure of the period [start, end], by district code (see the module's description of each).

    The figures are those of `source(key, ...)` counted by district, taken together: one pass over the period's
    inspections, one over their staff, one over their failed items (by kind), one over the decided cases (fines and
    the violations they count, by kind), one over the case steps and one over the leads, rather than a query per
    figure and per kind."""
    figures: dict[str, dict[str, int]] = defaultdict(empty)
    groups = [group.value for group in BulletinGroup]
    one = lambda condition: func.sum(case((condition, 1), else_=0))  # noqa: E731
    in_period = Inspection.inspected_on.between(start, end)

    for district, number, joint in db.session.execute(
            select(Institution.district, func.count(), one(Inspection.joint.is_(True)))
            .join(Institution, Institution.id == Inspection.institution_id).where(in_period).group_by(Institution.district)):
        figures[district or ""]["institutions_inspected"] += int(number)
        figures[district or ""]["joint_inspections"] += int(joint or 0)
    for district, number in db.session.execute(
            select(Institution.district, func.count())
            .select_from(InspectionStaff).join(Inspection, Inspection.id == InspectionStaff.inspection_id)
            .join(Institution, Institution.id == Inspection.institution_id).where(in_period).group_by(Institution.district)):
        figures[district or ""]["staff_person_times"] += int(number)
    for district, group, number in db.session.execute(
            select(Institution.district, ChecklistItem.bulletin_group, func.count())
            .select_from(InspectionResult).join(Inspection, Inspection.id == InspectionResult.inspection_id)
            .join(Institution, Institution.id == Inspection.institution_id)
            .join(ChecklistItem, ChecklistItem.id == InspectionResult.item_id)
            .where(in_period, Inspection.follows_id.is_(None), InspectionResult.result == Result.failed,
                   ChecklistItem.bulletin_group.in_(groups))
            .group_by(Institution.district, ChecklistItem.bulletin_group)):
        figures[district or ""][f"violations_{group}"] += int(number)

    district = _case_district()
    for place, group, from_inspection, number, fen in db.session.execute(
            select(district, ViolationType.bulletin_group, PenaltyCase.inspection_id.is_not(None), func.count(),
                   func.sum(PenaltyCase.fine_amount + PenaltyCase.confiscation_amount))
            .outerjoin(Institution, Institution.id == PenaltyCase.institution_id)
            .outerjoin(ViolationType, ViolationType.code == PenaltyCase.violation_type_code)
            .where(PenaltyCase.decided_on.between(start, end))
            .group_by(district, ViolationType.bulletin_group, PenaltyCase.inspection_id.is_not(None))):
        figures[place or ""]["fines_fen"] += int(fen or 0)
        group = getattr(group, "value", group)
        if group in groups and not from_inspection:
            figures[place or ""][f"violations_{group}"] += int(number)
    steps = {step: key for key, step in CASE_STEPS.items()}
    for place, step, number in db.session.execute(
            select(district, CaseStep.step, func.count())
            .select_from(PenaltyCase).join(CaseStep, CaseStep.case_id == PenaltyCase.id)
            .outerjoin(Institution, Institution.id == PenaltyCase.institution_id)
            .where(CaseStep.step.in_(list(steps)), CaseStep.done_on.between(start, end))
            .group_by(district, CaseStep.step)):
        figures[place or ""][steps[Step(step)]] += int(number)

    conditions = {key: _lead_condition(key, start, end) for key in KEYS if key.startswith("leads_")}
    district = func.coalesce(Institution.district, Lead.district, literal(""))
    rows = db.session.execute(
        select(district, *(one(condition) for condition in conditions.values()))
        .outerjoin(Institution, Institution.id == Lead.institution_id)
        .where(or_(*conditions.values())).group_by(district))
    for place, *numbers in rows:
        for key, number in zip(conditions, numbers):
            figures[place or ""][key] += int(number or 0)
    return {place: dict(values) for place, values in figures.items()}



MONTHLY = ("institutions_inspected", "violations", "fines_fen")


def by_month(ends: list[date]) -> dict[str, list[int]]:
    """Inspections made, violations found (every kind) and fines decided, over every district, in each month ending
    on `ends` (oldest first; each month from the day after the previous end, the first from its 1st): by_district's
    counting, in three grouped reads instead of by_district's six once a month."""
    start, last = ends[0].replace(day=1), ends[-1]
    totals = {key: [0] * len(ends) for key in MONTHLY}
    groups = [group.value for group in BulletinGroup]

    def month(column):
        return case(*[(column <= end, index) for index, end in enumerate(ends)], else_=len(ends) - 1)

    inspected = month(Inspection.inspected_on)
    in_period = Inspection.inspected_on.between(start, last)
    for index, number in db.session.execute(
            select(inspected, func.count()).select_from(Inspection)
            .join(Institution, Institution.id == Inspection.institution_id).where(in_period).group_by(inspected)):
        totals["institutions_inspected"][index] += int(number)
    for index, number in db.session.execute(
            select(inspected, func.count()).select_from(InspectionResult)
            .join(Inspection, Inspection.id == InspectionResult.inspection_id)
            .join(Institution, Institution.id == Inspection.institution_id)
            .join(ChecklistItem, ChecklistItem.id == InspectionResult.item_id)
            .where(in_period, Inspection.follows_id.is_(None), InspectionResult.result == Result.failed,
                   ChecklistItem.bulletin_group.in_(groups)).group_by(inspected)):
        totals["violations"][index] += int(number)
    decided = month(PenaltyCase.decided_on)
    counted = ViolationType.bulletin_group.in_(groups) & PenaltyCase.inspection_id.is_(None)
    for index, violations, fen in db.session.execute(
            select(decided, func.sum(case((counted, 1), else_=0)),
                   func.sum(PenaltyCase.fine_amount + PenaltyCase.confiscation_amount))
            .select_from(PenaltyCase)
            .outerjoin(ViolationType, ViolationType.code == PenaltyCase.violation_type_code)
            .where(PenaltyCase.decided_on.between(start, last)).group_by(decided)):
        totals["violations"][index] += int(violations or 0)
        totals["fines_fen"][index] += int(fen or 0)
    return totals


# --- the records behind a figure -------------------------------------------------------------------------------------

@dataclass
class Record:
    kind: str  # inspection | case | lead
    id: int
    district: str
    value: int | None = None  # staff of an inspection, fen of a decision
    result_id: int | None = None  # the failed checklist item counted, for a violation found by an inspection


def _parts(user, key: str, start: date, end: date) -> list[tuple[str, object]]:
    """The queries of the records behind one figure, each as far as `user` may read them (an officer: their
    department's), with the kind of record it lists."""
    from registry.enforcement.services import cases, inspections, leads

    if key not in KEYS:
        raise KeyError(key)
    if key.startswith("violations_"):
        group = key.removeprefix("violations_")
        parts = [("result", _failed_items(start, end, group), inspections.visible(user)),
                 ("case", _decided_cases(start, end, group), cases.visible(user))]
    elif key.startswith("leads_"):
        parts = [("lead", source(key, start, end), leads.visible(user))]
    elif key in CASE_STEPS or key == "fines_fen":
        parts = [("case", source(key, start, end), cases.visible(user))]
    else:
        parts = [("inspection", source(key, start, end), inspections.visible(user))]
    return [(kind, query if condition is None else query.where(condition)) for kind, query, condition in parts]


def _in_district(query, district: str | None):
    """The rows of `query` in one district ("" for none), or all when `district` is None; by id, so that the page
    and its download list them in the same order."""
    sub = query.subquery()
    rows = select(sub).where(sub.c.district == (district or "")) if district is not None else select(sub)
    return rows.order_by(sub.c.id)


def _record(kind: str, row) -> Record:
    if kind == "result":
        return Record("inspection", row["inspection_id"], row["district"] or "", result_id=row["id"])
    return Record(kind, row["id"], row["district"] or "", row.get("value"))


def records(user, key: str, start: date, end: date, *, district: str | None = None, limit: int = 500) -> list[Record]:
    """The records behind one figure, as far as `user` may read them (an officer: their department's)."""
    return [_record(kind, row) for kind, query in _parts(user, key, start, end)
            for row in db.session.execute(_in_district(query, district).limit(limit)).mappings()]


def each_shown(user, key: str, start: date, end: date, *, district: str | None = None,
               batch: int = 500) -> Iterator[dict]:
    """Every record behind one figure (no limit, unlike the page), as `shown` rows in the page's order, loaded a
    batch at a time so that memory stays flat however many there are. The rights are checked and the statements
    built now (a wrong key fails before a download starts); the records are read when the download asks for them,
    in a session of their own: on a real server the request's session is gone by then."""
    statements = [(kind, _in_district(query, district).execution_options(yield_per=batch))
                  for kind, query in _parts(user, key, start, end)]
    engine = db.engine

    def rows() -> Iterator[dict]:
        with reading_session(engine) as session:
            for kind, statement in statements:
                found = session.execute(statement).mappings()
                while chunk := [_record(kind, row) for row in islice(found, batch)]:
                    yield from shown(chunk, session)

    return rows()


SUMMED = ("staff_person_times", "fines_fen")  # these figures add up values; the others count records


def total(key: str, found: list[Record]) -> int:
    """The figure the records behind it make."""
    return sum(r.value or 0 for r in found) if key in SUMMED else len(found)


def shown(found: list[Record], session: Session | None = None) -> list[dict]:
    """The records as rows to show, loaded in one query per kind (in `session`, else the request's)."""
    session = session or db.session
    models = {"inspection": Inspection, "lead": Lead, "case": PenaltyCase}
    by_kind: dict[str, dict] = {}
    for kind, model in models.items():
        ids = {r.id for r in found if r.kind == kind}
        by_kind[kind] = {o.id: o for o in session.scalars(select(model).where(model.id.in_(ids)))} if ids else {}
    result_ids = {r.result_id for r in found if r.result_id}
    results = ({o.id: o for o in session.scalars(select(InspectionResult).where(InspectionResult.id.in_(result_ids)))}
               if result_ids else {})
    return [{"kind": r.kind, "record": by_kind[r.kind][r.id], "district": r.district, "value": r.value,
             "result": results.get(r.result_id)} for r in found if r.id in by_kind[r.kind]]
