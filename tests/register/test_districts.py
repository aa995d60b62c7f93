"""The district of an institution, checked against the district boundaries the grid holds, and offered with the
user's own city first (issue 14 item 7)."""
import json

import pytest

from registry.config import PROJECT_ROOT
from registry.extensions import db
from tests.conftest import field_errors, institution_data, page

WENZHOU = PROJECT_ROOT / "fixtures" / "geo" / "330300_full.json"
XIANGDU = "130502"  # 邢台市襄都区, Hebei: no boundary loaded
LUCHENG, LONGWAN = "330302", "330303"
IN_LUCHENG = {"latitude": "28.0123", "longitude": "120.6543"}  # the factories' address in 鹿城区


@pytest.fixture
def wenzhou_boundaries(app, users):
    """Wenzhou's districts imported as cells, as the demo does (codes are the districts' codes)."""
    from registry.grid import importing

    importing.import_cells(users["admin"], json.loads(WENZHOU.read_text(encoding="utf-8")), code_property="adcode",
                           name_property="name", source="330300_full.json")
    db.session.commit()


def form(**overrides) -> dict:
    data = {k: ("" if v is None else str(v)) for k, v in institution_data(**overrides).items()}
    data.setdefault("status", "applied")
    return data


def test_a_wenzhou_point_is_refused_under_a_hebei_district(as_user, wenzhou_boundaries):
    client = as_user("arts")
    answer = client.post("/institutions/new", data=form(district=XIANGDU, **IN_LUCHENG))
    assert answer.status_code == 422
    assert field_errors(answer, "district") == ["坐标位于鹿城区，不在所选的襄都区。"]
    client.post("/language", data={"locale": "en"})
    answer = client.post("/institutions/new", data=form(district=LONGWAN, **IN_LUCHENG))
    assert field_errors(answer, "district") == ["The coordinates lie in 鹿城区, not in the chosen 龙湾区."]


def test_the_api_refuses_it_too_and_takes_the_right_district(client, token_for, wenzhou_boundaries):
    headers = token_for("arts")
    refused = client.post("/api/v1/institutions", json=institution_data(district=XIANGDU), headers=headers)
    assert refused.status_code == 422 and "鹿城区" in refused.json["error"]["fields"]["district"][0]
    accepted = client.post("/api/v1/institutions", json=institution_data(district=LUCHENG), headers=headers)
    assert accepted.status_code == 201, accepted.json


def test_a_point_outside_the_chosen_districts_boundary_is_refused(as_user, wenzhou_boundaries):
    # In the sea east of 洞头区, in no district's boundary, under 鹿城区 whose boundary is loaded.
    answer = as_user("arts").post("/institutions/new", data=form(district=LUCHENG, latitude="27.5", longitude="121.6"))
    assert field_errors(answer, "district") == ["坐标不在所选的鹿城区范围内。"]


def test_an_edit_moving_the_point_into_another_district_is_refused(as_user, make_institution, wenzhou_boundaries):
    institution = make_institution()
    answer = as_user("admin").post(f"/institutions/{institution.id}/edit", data={
        **form(credit_code=institution.credit_code, permit_number=institution.permit_number),
        "district": LONGWAN, "version": str(institution.version)})
    assert answer.status_code == 422 and field_errors(answer, "district") == ["坐标位于鹿城区，不在所选的龙湾区。"]


def test_without_district_boundaries_nothing_is_refused(as_user, users):
    answer = as_user("arts").post("/institutions/new", data=form(district=XIANGDU, **IN_LUCHENG))
    assert answer.status_code == 302


def _district_options(soup, name: str = "district") -> list[str]:
    return [o.get_text(strip=True) for o in soup.select(f"select[name={name}] option") if o.get("value")]


def test_the_configured_city_comes_first_in_every_district_picker(app, as_user, make_institution):
    app.config["REGISTRY_CITY"] = "330300"
    make_institution()
    client = as_user("arts")
    pickers = {
        "register form": _district_options(page(client.get("/institutions/new"))),
        "register filter": _district_options(page(client.get("/institutions"))),
        "hotline": _district_options(page(client.get("/enforcement/leads/new"))),
        "escrow alerts": _district_options(page(client.get("/escrow/alerts"))),
    }
    client.post("/logout")
    pickers["public report"] = _district_options(page(client.get("/report")))
    for where, options in pickers.items():
        assert len(options) == 55, where
        assert all("温州" in o for o in options[:12]) and "温州" not in options[12], (where, options[:13])
        assert "鹿城区" in options[0], where


def test_without_a_setting_the_city_the_register_holds_comes_first(as_user, make_institution):
    make_institution()  # in 鹿城区: Wenzhou is the register's city, before Hebei's codes
    options = _district_options(page(as_user("arts").get("/institutions/new")))
    assert all("温州" in o for o in options[:12])


def test_an_import_row_with_a_point_in_another_district_is_refused_by_line(runner, tmp_path, wenzhou_boundaries):
    row = {**institution_data(district="襄都区"), "status": "applied"}
    path = tmp_path / "institutions.csv"
    path.write_text(",".join(row) + "\n" + ",".join(str(v) for v in row.values()) + "\n", encoding="utf-8")
    result = runner.invoke(args=["import", "institutions", str(path)])
    assert result.exit_code != 0 and "坐标位于鹿城区，不在所选的襄都区。" in result.output
    assert "district" in result.output


def test_the_configured_city_leads_even_with_fewer_institutions(app, as_user, make_institution):
    app.config["REGISTRY_CITY"] = "130500"  # 邢台市, while the register's one institution is in Wenzhou
    make_institution()
    client = as_user("arts")
    assert all("邢台" in o for o in _district_options(page(client.get("/institutions/new")))[:18])
    bulletin = page(client.get("/reports/bulletin"))
    assert bulletin.select_one("select[name=city] option[selected]").get_text(strip=True) == "邢台市"
