"""The staff demo holds what a staff-review team looks for: every kind of finding, and two in-service teachers found
by the cross-check (one still employed, one who has left), each a lead for the institution's office."""
from sqlalchemy import select

from registry.enforcement.models import Lead
from registry.extensions import db
from registry.staff import services
from registry.staff.demo import load_staff_demo
from registry.staff.models import TeacherMatch
from registry.staff.rules import FindingKind
from tests.staff.conftest import TODAY


def test_the_demo_has_every_kind_of_finding_and_two_in_service_teachers(users, make_institution):
    for number in range(14):
        category = ("academic", "arts", "tech", "sports")[number % 4]
        make_institution(name=f"演示培训机构{number:02d}", category=category)
    reports = load_staff_demo(users["admin"], TODAY)
    assert reports["staff"].created > 40 and not reports["staff"].errors
    page, counts = services.list_findings(users["market"], per_page=500)
    assert set(counts) == {kind.value for kind in FindingKind}
    matches = db.session.scalars(select(TeacherMatch)).all()
    assert len(matches) == 2 and {m.employed_when_found for m in matches} == {True, False}
    assert len(db.session.scalars(select(Lead).where(Lead.source == "staff")).all()) == 2
