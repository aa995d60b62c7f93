"""The grid's pure rules."""
from datetime import date

from registry.grid import rules


def test_findings_are_the_problem_answers():
    assert rules.findings({"operating": True, "permit_displayed": False, "advertising": True, "academic_signs": False}) \
        == ["permit_displayed", "advertising"]
    # A closed site displays nothing, and that is no problem by itself.
    assert rules.findings({"operating": False, "permit_displayed": False, "fire_exits_clear": False}) == []
    assert rules.findings({}) == []


def test_visit_flags():
    flags = dict(max_distance_m=200, max_accuracy_m=100)
    assert rules.visit_flags(distance_m=15, accuracy_m=10, manual=False, **flags) == []
    assert rules.visit_flags(distance_m=201, accuracy_m=10, manual=False, **flags) == ["distance"]
    assert rules.visit_flags(distance_m=15, accuracy_m=101, manual=False, **flags) == ["accuracy"]
    assert rules.visit_flags(distance_m=15, accuracy_m=None, manual=True, **flags) == ["manual"]
    assert rules.visit_flags(distance_m=None, accuracy_m=None, manual=True, **flags) == ["manual"]


def test_monthly_rule():
    today = date(2026, 11, 23)
    assert rules.overdue(None, today, every_months=1)
    assert not rules.overdue(date(2026, 10, 23), today, every_months=1)
    assert rules.overdue(date(2026, 10, 22), today, every_months=1)
    assert not rules.overdue(date(2026, 9, 30), today, every_months=2)
    assert rules.visit_due(date(2026, 1, 31), every_months=1) == date(2026, 2, 28)
