"""The findings list at a province's scale: each kind of finding as the query of the rows it holds, so the list is
counted and paged in the database (a hundred thousand staff are never read to show fifty findings).

The pure rules (registry/staff/rules.py) stay the definition: each query here selects exactly the staff members (or
institutions) the rules find, as of `today` with the same limits — `tests/staff/test_listing.py` checks the two agree
on a varied roster — and the rows of the page shown are worded by the rules themselves.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Integer, and_, case, func, null, or_, select
from sqlalchemy.orm import aliased

from registry.core.models import local_today
from registry.register.models import Institution
from registry.staff import findings, rules
from registry.staff.models import StaffMember, TeacherMatch
from registry.staff.rules import TEACHING_ROLES, CheckResult, FindingKind, Limits
from registry.extensions import db


def check_cutoff(today: date, limits: Limits) -> date:
    """The first day of a check not yet due: a passed check answered before it is out of date (`rules.check_due`
    is monotone in the day, so one cutoff holds)."""
    day = today - timedelta(days=31 * limits.check_months + 5)
    while rules.check_due(day, today=today, limits=limits):
        day += timedelta(days=1)
    return day


def kind_queries(conditions: list, *, today: date, limits: Limits) -> dict[FindingKind, object]:
    """Per kind, the SELECT of (institution_id, staff_id) it finds among the current staff meeting `conditions`
    (staff_id NULL for a finding about the whole roster)."""
    conditions = [c for c in conditions if c is not None]
    def members(*where):
        return (select(StaffMember.institution_id.label("institution_id"), StaffMember.id.label("staff_id"))
                .join(Institution, Institution.id == StaffMember.institution_id)
                .where(StaffMember.left_on.is_(None), *conditions, *where))

    teaching = StaffMember.role.in_(tuple(TEACHING_ROLES))
    other = aliased(StaffMember)  # not correlated with the outer query's staff member
    several = (select(other.id_digest).where(other.left_on.is_(None)).group_by(other.id_digest)
               .having(func.count(func.distinct(other.institution_id)) > 1))
    cert_categories = sorted(limits.teacher_cert_categories)
    teaching_count = func.sum(case((teaching, 1), else_=0))
    full_count = func.sum(case((and_(teaching, StaffMember.full_time.is_(True)), 1), else_=0))
    return {
        FindingKind.in_service_teacher: members(StaffMember.id.in_(select(TeacherMatch.staff_id))),
        FindingKind.no_check: members(StaffMember.check_result != CheckResult.passed),
        FindingKind.unqualified: members(teaching, StaffMember.teacher_cert == "", or_(
            Institution.category.in_(cert_categories), StaffMember.professional_cert == "")),
        FindingKind.check_expired: members(StaffMember.check_result == CheckResult.passed, or_(
            StaffMember.checked_on.is_(None), StaffMember.checked_on < check_cutoff(today, limits))),
        FindingKind.several_rosters: members(StaffMember.id_digest.in_(several)),
        FindingKind.part_time_majority: (
            select(StaffMember.institution_id.label("institution_id"), null().cast(Integer).label("staff_id"))
            .join(Institution, Institution.id == StaffMember.institution_id)
            .where(StaffMember.left_on.is_(None), *conditions).group_by(StaffMember.institution_id)
            .having(teaching_count > 0, full_count * 100 < limits.full_time_min_pct * teaching_count)),
    }


def page_of_findings(conditions: list, *, kind: str | None, page: int, per_page: int):
    """(the rows of one page, worded by the rules, most serious first; their total; the count of each kind)."""
    lim, today = findings.limits(), local_today()
    queries = kind_queries(conditions, today=today, limits=lim)
    counts = {}
    for found_kind, query in queries.items():
        number = db.session.scalar(select(func.count()).select_from(query.subquery()))
        if number:
            counts[found_kind.value] = number
    chosen = [k for k in rules.FINDING_ORDER if (kind is None or k.value == kind) and counts.get(k.value)]
    total = sum(counts[k.value] for k in chosen)
    # The page's window through the kinds in their order: only the kinds it overlaps are read, each from its offset.
    keys, skip, wanted = [], (page - 1) * per_page, per_page
    for found_kind in chosen:
        number = counts[found_kind.value]
        if skip >= number:
            skip -= number
            continue
        sub = queries[found_kind].subquery()
        keys += [(rules.FINDING_ORDER.index(found_kind), institution_id, staff_id) for institution_id, staff_id in
                 db.session.execute(select(sub.c.institution_id, sub.c.staff_id)
                                    .order_by(sub.c.institution_id, func.coalesce(sub.c.staff_id, 0))
                                    .limit(wanted).offset(skip)).all()]
        wanted, skip = per_page - len(keys), 0
        if wanted <= 0:
            break
    return _worded(keys), total, counts


def _worded(keys) -> list:
    """The findings.Row of each (rank, institution, staff member), as the rules word them."""
    institution_ids = sorted({institution_id for _, institution_id, _ in keys})
    by_institution = findings.findings_by_institution(findings.current_rows(
        StaffMember.institution_id.in_(institution_ids)))
    rows = []
    for rank, institution_id, staff_id in keys:
        wanted = rules.FINDING_ORDER[rank]
        rows.extend(row for row in by_institution.get(institution_id, [])
                    if row.kind is wanted and row.finding.member_id == staff_id)
    return findings.load_records(rows)
