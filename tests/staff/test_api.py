"""The staff API: the roster with masked ID numbers and findings, adding to it, the findings list."""
from tests.staff.conftest import id_number, member_data


def test_the_roster_masks_id_numbers_and_gives_findings(client, token_for, arts, add_staff):
    number = id_number()
    add_staff(arts, name="王芳", id_number=number, full_time=False)
    response = client.get(f"/api/v1/institutions/{arts.id}/staff", headers=token_for("arts"))
    assert response.status_code == 200
    body = response.json
    assert number not in response.get_data(as_text=True)
    [member] = body["current"]
    assert member["id_number_masked"] == number[:6] + "********" + number[-4:]
    assert [f["kind"] for f in body["findings"]] == ["part_time_majority"]
    assert body["findings"][0]["message"] == "1名教学人员中专职仅0名（应不少于50%）。"


def test_rights_on_the_roster(client, token_for, arts, add_staff):
    add_staff(arts)
    url = f"/api/v1/institutions/{arts.id}/staff"
    assert client.get(url, headers=token_for("market")).status_code == 200
    assert client.get(url, headers=token_for("edu")).status_code == 403
    assert client.get(url, headers=token_for("grid")).status_code == 403
    assert client.post(url, json=member_data(id_number=id_number()), headers=token_for("market")).status_code == 403


def test_adding_through_the_api(client, token_for, arts):
    url = f"/api/v1/institutions/{arts.id}/staff"
    created = client.post(url, json=member_data(name="陈静", id_number=id_number(sex="F")), headers=token_for("arts"))
    assert created.status_code == 201 and created.json["sex"] == "F" and created.json["name"] == "陈静"
    bad = client.post(url, json=member_data(id_number="330302199001011230", check_result="passed", checked_on=""),
                      headers=token_for("arts"))
    assert bad.status_code == 422
    assert set(bad.json["error"]["fields"]) == {"id_number", "checked_on"}


def test_the_findings_list(client, token_for, arts, make_institution, add_staff):
    sports = make_institution(name="瓯海区飞跃游泳培训中心", category="sports")
    add_staff(arts, name="王芳", check_result="pending", checked_on="")
    add_staff(sports, name="赵强", teacher_cert="", professional_cert="")
    mine = client.get("/api/v1/staff/findings", headers=token_for("arts")).json
    assert [(f["staff_name"], f["kind"]) for f in mine["items"]] == [("王芳", "no_check")]
    everyone = client.get("/api/v1/staff/findings", headers=token_for("market")).json
    assert everyone["counts"] == {"no_check": 1, "unqualified": 1}
    only = client.get("/api/v1/staff/findings?kind=unqualified", headers=token_for("market")).json
    assert [f["staff_name"] for f in only["items"]] == ["赵强"]
    assert client.get("/api/v1/staff/findings?kind=nonsense", headers=token_for("market")).status_code == 422
    assert client.get("/api/v1/staff/findings", headers=token_for("grid")).status_code == 403
