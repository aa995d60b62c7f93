"""The staff rules applied to stored rosters: each institution's findings, computed when read (a background check
falls due with the days, so nothing stored could stay true), from one query per list.

Who else employs a person and who is an in-service teacher are found in SQL: a grouped count on the indexed digest,
and a join on the matches the cross-check recorded.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import lazyload

from registry.core import authz
from registry.core.models import local_today
from registry.extensions import db
from registry.register.models import Institution
from registry.staff import rules
from registry.staff.models import StaffMember, TeacherMatch
from registry.staff.rules import Finding, FindingKind, Limits, Member


def limits() -> Limits:
    return Limits.from_settings(current_app.config)


def visible(user):
    """The WHERE clause of the institutions whose staff `user` may read (None: all)."""
    scope = authz.institution_scope(user)
    if scope.all:
        return None
    if user.role in ("officer", "market") and scope.departments:
        return Institution.department_code.in_(scope.departments)
    return Institution.id.is_(None)


def employers_of(digests) -> dict[str, int]:
    """Per digest, how many institutions employ that person now (only those employed by more than one), read through
    the digest index a chunk of digests at a time."""
    ordered, found = sorted(set(digests)), {}
    for start in range(0, len(ordered), 2000):
        found.update(db.session.execute(
            select(StaffMember.id_digest, func.count(func.distinct(StaffMember.institution_id)))
            .where(StaffMember.left_on.is_(None), StaffMember.id_digest.in_(ordered[start:start + 2000]))
            .group_by(StaffMember.id_digest).having(func.count(func.distinct(StaffMember.institution_id)) > 1)).all())
    return found


def current_rows(*conditions) -> list[tuple]:
    """The facts the rules need of the current staff meeting `conditions` (on StaffMember, Institution), as plain
    rows (no records loaded): the member's columns, the institution's category, how many institutions employ the
    person, whether a match was recorded."""
    query = (select(StaffMember.id, StaffMember.institution_id, StaffMember.role, StaffMember.full_time,
                    StaffMember.teacher_cert, StaffMember.professional_cert, StaffMember.check_result,
                    StaffMember.checked_on, Institution.category, StaffMember.id_digest, TeacherMatch.id)
             .join(Institution, Institution.id == StaffMember.institution_id)
             .outerjoin(TeacherMatch, TeacherMatch.staff_id == StaffMember.id)
             .where(StaffMember.left_on.is_(None), *[c for c in conditions if c is not None])
             .order_by(StaffMember.institution_id, StaffMember.id))
    rows = db.session.execute(query).all()
    employers = employers_of(row[9] for row in rows)
    return [(*row[:9], employers.get(row[9]), row[10]) for row in rows]


def facts(row) -> Member:
    member_id, _, role, full_time, teacher_cert, professional_cert, check_result, checked_on, _, employers, matched = row
    return Member(id=member_id, role=role, full_time=full_time, teacher_cert=teacher_cert,
                  professional_cert=professional_cert, check_result=check_result, checked_on=checked_on,
                  other_institutions=(employers or 1) - 1, in_service=matched is not None)


@dataclass
class Row:
    """One finding as a list shows it: the institution, the staff member it is about (None: the whole roster)."""

    institution_id: int
    finding: Finding
    institution: Institution | None = None
    member: StaffMember | None = None

    @property
    def kind(self) -> FindingKind:
        return self.finding.kind


def findings_by_institution(rows) -> dict[int, list[Row]]:
    """Every finding of the institutions whose current staff are `rows` (from `current_rows`), records not loaded."""
    lim, today = limits(), local_today()
    grouped: dict[int, list] = {}
    categories: dict[int, str] = {}
    for row in rows:
        grouped.setdefault(row[1], []).append(facts(row))
        categories[row[1]] = row[8].value
    return {institution_id: [Row(institution_id, f) for f in rules.institution_findings(
        members, category=categories[institution_id], today=today, limits=lim)]
        for institution_id, members in grouped.items()}


def load_records(rows: list[Row]) -> list[Row]:
    """Fill in the institution and staff member of each row (two queries, whatever the number of rows)."""
    member_ids = {r.finding.member_id for r in rows if r.finding.member_id is not None}
    institution_ids = {r.institution_id for r in rows}
    # The member's institution is set from the second query, not joined to each member.
    members = {m.id: m for m in db.session.scalars(select(StaffMember).options(lazyload(StaffMember.institution))
                                                   .where(StaffMember.id.in_(member_ids)))} if member_ids else {}
    institutions = {i.id: i for i in db.session.scalars(select(Institution).where(Institution.id.in_(institution_ids)))} \
        if institution_ids else {}
    for row in rows:
        row.institution = institutions.get(row.institution_id)
        row.member = members.get(row.finding.member_id) if row.finding.member_id is not None else None
    return rows


def for_institution(institution_id: int) -> list[Row]:
    rows = current_rows(StaffMember.institution_id == institution_id)
    found = findings_by_institution(rows).get(institution_id, [])
    return load_records(found)
