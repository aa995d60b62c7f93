"""The findings list is counted and paged in the database; the pure rules are the definition. On a varied roster
(the demo's, and checks answered on each day around the refresh interval's edge) both find the same findings."""
from datetime import timedelta

from registry.core.dates import add_months
from registry.staff import findings, listing, services
from registry.staff.demo import load_staff_demo
from registry.staff.rules import Limits
from tests.staff.conftest import TODAY


def _by_rules() -> set:
    found = findings.findings_by_institution(findings.current_rows())
    return {(row.kind.value, row.institution_id, row.finding.member_id) for rows in found.values() for row in rows}


def _by_queries(user) -> set:
    page, counts = services.list_findings(user, per_page=500)
    assert page.total == sum(counts.values()) <= 500
    return {(row.kind.value, row.institution_id, row.finding.member_id) for row in page.items}


def test_the_queries_find_what_the_rules_find(users, make_institution, add_staff):
    for number in range(14):
        make_institution(name=f"演示培训机构{number:02d}", category=("academic", "arts", "tech", "sports")[number % 4])
    load_staff_demo(users["admin"], TODAY)
    edge = make_institution(name="鹿城区边界舞蹈培训学校", category="arts")
    cutoff = add_months(TODAY, -12)
    for shift in range(-3, 4):  # checks answered on each day around the edge of the refresh interval
        add_staff(edge, name=f"边界{shift}", checked_on=(cutoff + timedelta(days=shift)).isoformat())
    expected = _by_rules()
    assert {kind for kind, _, _ in expected} >= {"check_expired", "several_rosters", "part_time_majority"}
    assert _by_queries(users["market"]) == expected
    assert _by_queries(users["arts"]) == {f for f in expected if _department(f[1]) == "culture"}


def _department(institution_id: int) -> str:
    from registry.extensions import db
    from registry.register.models import Institution

    return db.session.get(Institution, institution_id).department_code


def test_the_cutoff_is_the_first_day_not_due():
    for months in (1, 12, 24):
        lim = Limits(check_months=months)
        for today in (TODAY, TODAY.replace(month=3, day=31), TODAY.replace(month=2, day=28)):
            cutoff = listing.check_cutoff(today, lim)
            from registry.staff.rules import check_due

            assert check_due(cutoff - timedelta(days=1), today=today, limits=lim)
            assert not check_due(cutoff, today=today, limits=lim)


def test_paging_goes_through_every_finding(users, make_institution, add_staff):
    arts = make_institution(name="鹿城区星光舞蹈培训学校", category="arts")
    for number in range(7):
        add_staff(arts, name=f"待查{number}", check_result="pending", checked_on="")
    seen = []
    for page_number in (1, 2, 3):
        page, _ = services.list_findings(users["market"], page=page_number, per_page=3)
        seen += [row.member.name for row in page.items]
    assert page.total == 7 and sorted(seen) == sorted(f"待查{n}" for n in range(7))
