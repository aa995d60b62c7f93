"""The sample institution generator: valid, unique, inside its districts, reproducible."""

import collections
import csv
import datetime as dt
import re
from pathlib import Path

import pytest
import shapely
from stdnum.cn import uscc

from registry.register.samples import (
    CATEGORIES,
    FIELDS,
    STATUSES,
    generate_institutions,
    load_districts,
    organisation_check_char,
)

ROOT = Path(__file__).resolve().parents[2]
WENZHOU = ROOT / "fixtures" / "geo" / "330300_full.json"
PERMIT = re.compile(r"^教民\d{13}(\d{2})?$")


@pytest.fixture(scope="module")
def districts():
    return load_districts(WENZHOU)


@pytest.fixture(scope="module")
def register(districts):
    return list(generate_institutions(5_000, seed=7, districts=districts, status_mix="register"))


@pytest.fixture(scope="module")
def demo(districts):
    return list(generate_institutions(300, seed=2021, districts=districts, status_mix="demo"))


def test_load_districts_reads_codes_names_and_polygons(districts):
    assert len(districts) == 12
    lucheng = next(d for d in districts if d.code == "330302")
    assert lucheng.name == "鹿城区"
    assert lucheng.geometry.is_valid and lucheng.geometry.area > 0


def test_invalid_boundary_is_repaired():
    # 南宫市 in the Xingtai file self-intersects, as real boundary data often does.
    path = ROOT / "fixtures" / "geo" / "130500_full.json"
    assert all(d.geometry.is_valid for d in load_districts(path))


def test_same_seed_same_rows(districts):
    first = list(generate_institutions(500, seed=11, districts=districts))
    again = list(generate_institutions(500, seed=11, districts=districts))
    other = list(generate_institutions(500, seed=12, districts=districts))
    assert first == again
    assert first != other


def test_rows_have_exactly_the_fields_as_strings(register):
    for row in register:
        assert tuple(row) == FIELDS
        assert all(isinstance(value, str) for value in row.values())


def test_credit_codes_are_valid_unique_and_in_their_district(register):
    for row in register:
        code = row["credit_code"]
        assert uscc.is_valid(code), code
        assert code[:2] in ("52", "91")
        assert code[2:8] == row["district"]
        assert code[16] == organisation_check_char(code[8:16])  # GB 11714 check
    assert len({row["credit_code"] for row in register}) == len(register)


def test_organisation_check_char_matches_published_example():
    # 91110000600037341L: organisation code 60003734-1
    assert organisation_check_char("60003734") == "1"


def test_names_are_unique_and_match_the_registration_kind(register):
    assert len({row["name"] for row in register}) == len(register)
    for row in register:
        is_company = "有限公司" in row["name"]
        assert is_company == row["credit_code"].startswith("91"), row["name"]


def test_points_lie_inside_their_district(districts, register):
    geometry = {d.code: d.geometry for d in districts}
    for row in register:
        x, y = float(row["longitude"]), float(row["latitude"])
        assert shapely.contains_xy(geometry[row["district"]], x, y), row
        assert re.fullmatch(r"\d+\.\d{6}", row["latitude"])


def test_capacity_allows_three_square_metres_per_student(register):
    for row in register:
        area, capacity = float(row["floor_area"]), int(row["capacity"])
        assert 80 <= area <= 1500
        assert 1 <= capacity and capacity * 3 <= area


def test_permit_numbers_and_licence_dates_follow_status(register, demo):
    for row in register + demo:
        never_licensed = row["status"] in ("applied", "rejected")
        assert (row["permit_number"] == "") == never_licensed
        assert (row["licensed_on"] == "") == never_licensed
        if row["permit_number"]:
            assert PERMIT.match(row["permit_number"]), row["permit_number"]
            assert row["permit_number"][2:8] == row["district"]
        if row["licensed_on"]:
            licensed_on = dt.date.fromisoformat(row["licensed_on"])
            assert dt.date(2016, 1, 1) <= licensed_on <= dt.date(2026, 10, 31)


def test_permit_numbers_are_unique_and_some_use_the_newer_form(register):
    permits = [row["permit_number"] for row in register if row["permit_number"]]
    assert len(set(permits)) == len(permits)
    newer = sum(len(p) == 17 for p in permits) / len(permits)
    assert 0.1 < newer < 0.3


def test_category_mix_follows_the_reduced_register(register):
    counts = collections.Counter(row["category"] for row in register)
    assert set(counts) == set(CATEGORIES)
    assert 0.05 < counts["academic"] / len(register) < 0.11
    assert counts["arts"] > counts["sports"] > counts["tech"]


def test_register_mix_is_mostly_licensed_without_academic_enterprises(register):
    statuses = collections.Counter(row["status"] for row in register)
    assert set(statuses) <= set(STATUSES)
    assert statuses["licensed"] / len(register) > 0.7
    assert statuses.most_common(1)[0][0] == "licensed"
    assert not [r for r in register if r["category"] == "academic" and r["credit_code"][:2] == "91"]


def test_demo_mix_shows_every_case(demo):
    statuses = collections.Counter(row["status"] for row in demo)
    for status in ("applied", "suspended", "revoked", "deregistered", "rejected"):
        assert statuses[status] >= 3, status
    academic = [row for row in demo if row["category"] == "academic"]
    assert sum(row["status"] == "licensed" for row in academic) == 3
    assert collections.Counter(row["status"] for row in academic).most_common(1)[0][0] == (
        "deregistered")
    assert sum(row["credit_code"].startswith("91") for row in academic) == 2
    non_academic = [row for row in demo if row["category"] != "academic"]
    assert collections.Counter(r["status"] for r in non_academic).most_common(1)[0][0] == (
        "licensed")


def test_demo_fixture_is_up_to_date(demo):
    # fixtures/demo_institutions.csv is generated; rerun fixtures/build_demo.py after changes.
    with open(ROOT / "fixtures" / "demo_institutions.csv", encoding="utf-8-sig", newline="") as f:
        assert list(csv.DictReader(f)) == demo


def test_address_and_phone_follow_their_parameters(districts):
    rows = generate_institutions(200, seed=3, districts=districts,
                                 address_prefix="福建省三明市", area_code="0598")
    for row in rows:
        assert row["address"].startswith("福建省三明市")
        assert re.fullmatch(r"1[3-9]\d{9}|0598-8\d{7}", row["contact_phone"])
        assert "温州" not in row["name"]


def test_unknown_status_mix_is_refused(districts):
    with pytest.raises(ValueError):
        generate_institutions(1, seed=1, districts=districts, status_mix="everything")
