"""The staff rules with plain values: the ID number, the digest, the findings of an institution's roster."""
from datetime import date

from registry.staff import rules
from registry.staff.rules import CheckResult, FindingKind, Limits, Member, Role

TODAY = date(2026, 10, 15)
# Valid resident ID numbers (check digits computed by GB 11643): a man born 1990-01-01, a woman born 1985-06-30.
MAN = "330302199001011235"
WOMAN = "330302198506301241"


def kinds(found):
    return [f.kind for f in found]


def member(**values) -> Member:
    base = dict(id=1, role=Role.teaching, full_time=True, teacher_cert="20193300012345", professional_cert="",
                check_result=CheckResult.passed, checked_on=date(2026, 3, 1))
    base.update(values)
    return Member(**base)


def test_a_valid_id_number_gives_sex_and_birth_date():
    assert rules.check_id_number(MAN) is None
    assert rules.sex_of(MAN) == "M" and rules.birth_date_of(MAN) == date(1990, 1, 1)
    assert rules.check_id_number(WOMAN) is None
    assert rules.sex_of(WOMAN) == "F" and rules.birth_date_of(WOMAN) == date(1985, 6, 30)


def test_a_wrong_check_digit_names_the_right_one():
    problem = rules.check_id_number(MAN[:-1] + "0")
    assert problem.params == {"digit": "5"} and "check digit" in problem.msgid


def test_malformed_numbers_are_refused():
    assert rules.check_id_number("") is not None
    assert rules.check_id_number("33030219900101123") is not None  # 17 characters
    assert rules.check_id_number("33030219901301123X") is not None  # month 13 (whatever the check digit)


def test_normalise_and_mask():
    assert rules.normalise_id(" 330302 1990-0101 123x ") == "33030219900101123X"
    assert rules.mask_id(MAN) == "330302********1235"
    assert rules.mask_id("E12345678") == "E1***5678"
    assert rules.mask_id("") == ""


def test_the_digest_is_keyed_and_ignores_spacing():
    assert rules.id_digest("k1", MAN) == rules.id_digest("k1", " " + MAN[:6] + " " + MAN[6:])
    assert rules.id_digest("k1", MAN) != rules.id_digest("k2", MAN)
    assert len(rules.id_digest("k1", MAN)) == 64 and MAN not in rules.id_digest("k1", MAN)


def test_academic_teachers_need_a_teacher_qualification():
    lim = Limits()
    only_professional = member(teacher_cert="", professional_cert="钢琴十级")
    assert kinds(rules.member_findings(only_professional, category="academic", today=TODAY, limits=lim)) == [
        FindingKind.unqualified]
    assert rules.member_findings(only_professional, category="arts", today=TODAY, limits=lim) == []
    neither = member(teacher_cert="", professional_cert="")
    assert kinds(rules.member_findings(neither, category="arts", today=TODAY, limits=lim)) == [FindingKind.unqualified]
    manager = member(role=Role.management, teacher_cert="")
    assert rules.member_findings(manager, category="academic", today=TODAY, limits=lim) == []


def test_which_categories_need_a_teacher_qualification_is_a_setting():
    lim = Limits(teacher_cert_categories=frozenset({"academic", "tech"}))
    assert kinds(rules.member_findings(member(teacher_cert="", professional_cert="信息学奥赛教练"), category="tech",
                                       today=TODAY, limits=lim)) == [FindingKind.unqualified]


def test_background_check_passed_pending_refused_and_expired():
    lim = Limits()
    assert rules.member_findings(member(), category="arts", today=TODAY, limits=lim) == []
    pending = rules.member_findings(member(check_result=CheckResult.pending), category="arts", today=TODAY, limits=lim)
    assert kinds(pending) == [FindingKind.no_check] and pending[0].params == {"result": "pending"}
    refused = rules.member_findings(member(check_result=CheckResult.refused), category="arts", today=TODAY, limits=lim)
    assert refused[0].params == {"result": "refused"}
    old = member(checked_on=date(2025, 10, 14))
    assert kinds(rules.member_findings(old, category="arts", today=TODAY, limits=lim)) == [FindingKind.check_expired]
    assert rules.member_findings(member(checked_on=date(2025, 10, 15)), category="arts", today=TODAY, limits=lim) == []
    assert rules.member_findings(old, category="arts", today=TODAY, limits=Limits(check_months=24)) == []


def test_several_rosters_and_in_service_teachers():
    found = rules.member_findings(member(other_institutions=2, in_service=True), category="arts", today=TODAY,
                                  limits=Limits())
    assert kinds(found) == [FindingKind.in_service_teacher, FindingKind.several_rosters]
    assert found[1].params == {"others": 2}


def test_full_time_share_of_teaching_staff():
    lim = Limits()
    staff = [member(id=1), member(id=2, full_time=False), member(id=3, full_time=False),
             member(id=4, role=Role.management, full_time=True)]
    found = rules.institution_findings(staff, category="arts", today=TODAY, limits=lim)
    assert kinds(found) == [FindingKind.part_time_majority]
    assert found[0].member_id is None and found[0].params == {"full": 1, "teaching": 3, "minimum": 50}
    assert rules.institution_findings(staff[:2], category="arts", today=TODAY, limits=lim) == []  # exactly half
    assert rules.institution_findings(staff[:3], category="arts", today=TODAY, limits=Limits(full_time_min_pct=30)) == []
    assert rules.institution_findings([], category="arts", today=TODAY, limits=lim) == []


def test_findings_come_most_serious_first():
    staff = [member(id=1, full_time=False, teacher_cert=""), member(id=2, in_service=True, full_time=False)]
    found = rules.institution_findings(staff, category="academic", today=TODAY, limits=Limits())
    assert kinds(found) == [FindingKind.in_service_teacher, FindingKind.unqualified, FindingKind.part_time_majority]


def test_every_finding_has_words():
    for kind in FindingKind:
        params = {"checked_on": "2025-01-01", "months": 12, "others": 1, "full": 1, "teaching": 3, "minimum": 50,
                  "result": "none", "needs": "teacher"}
        assert str(rules.describe(rules.Finding(kind, 1, params)))
