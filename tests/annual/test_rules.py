"""The annual inspection's rules with plain values: the standard, points, grades and what they bring."""
from datetime import date

import pytest

from registry.annual import rules
from registry.annual.rules import Grade, Proposal
from registry.config import PROJECT_ROOT

STANDARD = rules.read_standard((PROJECT_ROOT / "fixtures" / "annual_standard.csv").read_text(encoding="utf-8"))


def test_the_default_standard_is_out_of_100_with_three_items_that_fail_whatever_the_score():
    assert rules.full_marks(STANDARD) == 100
    assert {i.key for i in STANDARD if i.fails_whole} == {"no_escrow", "disguised_academic", "serving_teacher"}


@pytest.mark.parametrize("score, expected", [(100, Grade.passed), (70, Grade.passed), (69, Grade.basic),
                                             (60, Grade.basic), (59, Grade.failed), (0, Grade.failed)])
def test_grade_thresholds(score, expected):
    assert rules.grade(score, failing_items=False) is expected


def test_an_item_that_fails_the_whole_inspection_fails_a_full_score():
    assert rules.grade(100, failing_items=True) is Grade.failed


def test_points_are_full_marks_less_points_lost():
    assert rules.points(STANDARD, {"fees": 10, "staff": 5}) == 85
    assert rules.points(STANDARD, {k.key: k.points for k in STANDARD}) == 0


def test_results_are_checked_item_by_item():
    problems = rules.check_results(STANDARD, {"fees": 16, "staff": 5, "nonsense": 1}, {}, {"fees"})
    assert set(problems) == {"fees", "staff", "nonsense"}
    assert "15" in str(rules.check_results(STANDARD, {"fees": 16}, {}, set())["fees"])
    assert rules.check_results(STANDARD, {"fees": 5}, {"fees": "收费标准未公示"}, set()) == {}
    assert "no_escrow" in rules.check_results(STANDARD, {}, {}, {"no_escrow"})  # what was found is said


def test_the_cut_off_day_defaults_to_the_first_of_october():
    assert rules.cutoff_day(2026) == date(2026, 10, 1)
    assert rules.cutoff_day(2026, "09-15") == date(2026, 9, 15)
    with pytest.raises(ValueError):
        rules.parse_cutoff_setting("02-30")


@pytest.mark.parametrize("grade, previous, refused, suspended, expected", [
    (Grade.failed, Grade.failed, False, False, Proposal.suspend),
    (Grade.failed, Grade.absent, False, True, Proposal.revoke),
    (Grade.failed, Grade.basic, False, False, None),
    (Grade.failed, None, False, False, None),
    (Grade.absent, None, True, False, Proposal.suspend),
    (Grade.absent, None, False, False, None),
    (Grade.basic, Grade.failed, False, False, None),
])
def test_what_is_proposed_to_the_register(grade, previous, refused, suspended, expected):
    assert rules.proposal(grade, previous, refused=refused, suspended=suspended) is expected


def test_consequences_of_each_grade():
    assert not rules.needs_rectification(Grade.passed)
    assert rules.needs_rectification(Grade.basic) and not rules.stops_enrolment(Grade.basic)
    assert rules.stops_enrolment(Grade.failed) and rules.stops_enrolment(Grade.absent)


def test_late_results_and_campaign_dates():
    assert rules.is_late(date(2027, 4, 1), date(2027, 3, 31))
    assert not rules.is_late(date(2027, 3, 31), date(2027, 3, 31))
    today = date(2026, 12, 7)
    assert set(rules.check_campaign_dates(2027, None, None, today)) == {"year", "materials_deadline", "results_deadline"}
    assert "results_deadline" in rules.check_campaign_dates(2026, date(2027, 3, 1), date(2027, 2, 1), today)
    assert rules.check_campaign_dates(2026, date(2027, 3, 1), date(2027, 4, 30), today) == {}


def test_a_bad_standard_row_is_named_by_its_line():
    text = "key,label_zh,label_en,points,loses_points_when_zh,loses_points_when_en,fails_whole\na,甲,A,x,,,false\n"
    with pytest.raises(ValueError, match="line 2"):
        rules.read_standard(text)
