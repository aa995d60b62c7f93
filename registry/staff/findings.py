"""The staff rules applied to stored rosters: each institution's findings, computed when read (a background check
falls due with the days, so nothing stored could stay true), from one query per list.

Who else employs a person and who is an in-service teacher are found in SQL: a grouped count on the indexed digest,
and a join on the matches the cross-check recorded.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select

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


def _others():
    """Per digest, how many institutions employ that person now (only those employed by more than one)."""
    return (select(StaffMember.id_digest, func.count(func.distinct(StaffMember.institution_id)).label("employers"))
            .where(StaffMember.left_on.is_(None)).group_by(StaffMember.id_digest)
            .having(func.count(func.distinct(StaffMember.institution_id)) > 1).subquery())


def current_rows(*conditions):
    """(member, employers or None, matched) of the current staff meeting `conditions` (on StaffMember, Institution)."""
    others = _others()
    query = (select(StaffMember, others.c.employers, TeacherMatch.id)
             .join(Institution, Institution.id == StaffMember.institution_id)
             .outerjoin(others, others.c.id_digest == StaffMember.id_digest)
             .outerjoin(TeacherMatch, TeacherMatch.staff_id == StaffMember.id)
             .where(StaffMember.left_on.is_(None), *[c for c in conditions if c is not None])
             .order_by(StaffMember.institution_id, StaffMember.id))
    return db.session.execute(query).all()


def facts(member: StaffMember, employers, matched) -> Member:
    return Member(id=member.id, role=member.role, full_time=member.full_time, teacher_cert=member.teacher_cert,
                  professional_cert=member.professional_cert, check_result=member.check_result,
                  checked_on=member.checked_on, other_institutions=(employers or 1) - 1, in_service=matched is not None)


@dataclass
class Row:
    """One finding as a list shows it: the institution, the staff member it is about (None: the whole roster)."""

    institution: Institution
    member: StaffMember | None
    finding: Finding

    @property
    def kind(self) -> FindingKind:
        return self.finding.kind


def findings_by_institution(rows) -> dict[int, list[Row]]:
    """Every finding of the institutions whose current staff are `rows` (from `current_rows`)."""
    lim, today = limits(), local_today()
    grouped: dict[int, list] = {}
    for member, employers, matched in rows:
        grouped.setdefault(member.institution_id, []).append((member, facts(member, employers, matched)))
    found: dict[int, list[Row]] = {}
    for institution_id, members in grouped.items():
        institution = members[0][0].institution
        by_id = {m.id: m for m, _ in members}
        found[institution_id] = [Row(institution, by_id.get(f.member_id), f) for f in rules.institution_findings(
            [f for _, f in members], category=institution.category.value, today=today, limits=lim)]
    return found


def for_institution(institution_id: int) -> list[Row]:
    return findings_by_institution(current_rows(StaffMember.institution_id == institution_id)).get(institution_id, [])
