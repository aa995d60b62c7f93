"""The registration rules, with plain values."""
import pytest

from registry.register import rules
from registry.register.rules import Category, Status

BOUNDS = (119.6, 27.0, 121.3, 28.6)  # around Wenzhou


def test_published_credit_code_examples():
    assert rules.check_credit_code("91350100M000100Y43") is None
    problem = rules.check_credit_code("91350100M000100Y4Z")
    assert problem.params == {"expected": "3", "given": "Z"}
    assert "“3”" in str(problem)


@pytest.mark.parametrize("code, fragment", [
    ("91350100M000100Y4", "18 characters"),
    ("91350100M000100I43", "“I”"),
    ("9135010OM000100Y43", "“O”"),
    ("AB350100M000100Y43", "first 8 characters"),
])
def test_credit_code_problems_say_what_is_wrong(code, fragment):
    assert fragment in str(rules.check_credit_code(code))


def test_check_character_zero_when_remainder_is_zero():
    # GB 32100: (31 - Σ mod 31) mod 31, so a sum that is a multiple of 31 gives "0", not "Y"-wrapped values.
    from stdnum.cn import uscc

    for serial in range(2000):
        body = f"52330302MA{serial:06d}X"[:17]
        if uscc.calc_check_digit(body) == "0":
            assert rules.check_credit_code(body + "0") is None
            break
    else:
        pytest.fail("no code with check character 0 in the sample")


@pytest.mark.parametrize("permit, ok", [
    ("教民3303027000001", True), ("教民330302700000123", True), ("教民33030270000", False),
    ("教民3303027000001X", False), ("文旅证字2021第001号", True),
])
def test_permit_numbers_checked_loosely(permit, ok):
    assert (rules.check_permit_number(permit) is None) is ok


@pytest.mark.parametrize("phone, ok", [
    ("13905771234", True), ("0577-88886666", True), ("057788886666", True), ("12345", False), ("1390577123", False),
])
def test_phone_numbers(phone, ok):
    assert (rules.check_phone(phone) is None) is ok


def test_coordinates_outside_jurisdiction_are_refused():
    assert rules.check_coordinates(28.0, 120.6, BOUNDS) == {}
    problems = rules.check_coordinates(39.9, 116.4, BOUNDS)  # Beijing
    assert set(problems) == {"latitude", "longitude"}
    assert "jurisdiction" in str(problems["latitude"])
    assert "-90" in str(rules.check_coordinates(95, 120.6, BOUNDS)["latitude"])


@pytest.mark.parametrize("current, target", [
    (Status.applied, Status.licensed), (Status.applied, Status.rejected), (Status.licensed, Status.suspended),
    (Status.suspended, Status.licensed), (Status.licensed, Status.revoked), (Status.suspended, Status.revoked),
    (Status.licensed, Status.deregistered), (Status.suspended, Status.deregistered),
])
def test_lifecycle_allows_the_table(current, target):
    assert rules.check_transition(current, target, Category.arts) is None


@pytest.mark.parametrize("current, target", [
    (Status.applied, Status.suspended), (Status.rejected, Status.licensed), (Status.revoked, Status.licensed),
    (Status.deregistered, Status.licensed), (Status.licensed, Status.applied), (Status.suspended, Status.converted),
    (Status.converted, Status.licensed),
])
def test_lifecycle_refuses_the_rest(current, target):
    assert rules.check_transition(current, target, Category.academic) is not None


def test_only_academic_institutions_convert():
    assert rules.check_transition(Status.licensed, Status.converted, Category.academic) is None
    assert "academic" in str(rules.check_transition(Status.licensed, Status.converted, Category.sports))


def test_flags():
    assert rules.institution_flags(category="academic", credit_code="91350100M000100Y43", floor_area=None, capacity=None) == [
        rules.FLAG_FOR_PROFIT_ACADEMIC]
    assert rules.institution_flags(category="arts", credit_code="91350100M000100Y43", floor_area=90, capacity=30) == []
    assert rules.institution_flags(category="arts", credit_code="52", floor_area=89, capacity=30) == [rules.FLAG_CROWDED]


def _raw(**overrides):
    raw = {"name": " 新华  艺术培训学校 ", "credit_code": "91350100m000100y43", "category": "arts", "address": "解放街1号",
           "district": "330302", "latitude": "28.01", "longitude": 120.65, "capacity": "40", "floor_area": "150.5"}
    raw.update(overrides)
    return raw


def test_parse_normalises_text_and_numbers():
    clean, problems = rules.parse_institution(_raw(), bounds=BOUNDS, districts=rules.district_keys([("330302", "鹿城区")]))
    assert problems == {}
    assert clean["name"] == "新华 艺术培训学校"
    assert clean["credit_code"] == "91350100M000100Y43"
    assert (clean["latitude"], clean["capacity"], clean["floor_area"]) == (28.01, 40, 150.5)
    assert "teaching_mode" not in clean  # absent: the model default (offline) applies


@pytest.mark.parametrize("field, value", [
    ("latitude", "north"), ("capacity", "4.5"), ("capacity", True), ("category", "custody"), ("district", "110101"),
    ("name", ""), ("name", "x" * 201), ("floor_area", "1e400"), ("latitude", "nan"), ("name", 12),
])
def test_parse_reports_bad_fields(field, value):
    _, problems = rules.parse_institution(_raw(**{field: value}), bounds=BOUNDS, districts=rules.district_keys([("330302", "鹿城区")]))
    assert field in problems


def test_a_district_is_written_by_its_code_or_its_unshared_name():
    keys = rules.district_keys([("330302", "鹿城区"), ("350102", "鼓楼区"), ("320106", "鼓楼区")])
    assert keys["鹿城区"] == keys["330302"] == "330302"
    assert "鼓楼区" not in keys and keys["350102"] == "350102"  # two cities have one: only the code tells which
    clean, problems = rules.parse_institution(_raw(district="鹿城区"), bounds=BOUNDS, districts=keys)
    assert not problems and clean["district"] == "330302"


def test_a_permit_number_is_stored_without_the_printed_hao():
    assert rules.permit_number("教民3303027000123号") == rules.permit_number(" 教民 3303027000123 ") == "教民3303027000123"
    clean, problems = rules.parse_institution(_raw(permit_number="教民3303027000123号"), bounds=BOUNDS,
                                              districts=rules.district_keys([("330302", "鹿城区")]))
    assert not problems and clean["permit_number"] == "教民3303027000123"
