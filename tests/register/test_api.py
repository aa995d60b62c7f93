"""The JSON API of the register, as a machine client uses it."""
from tests.conftest import institution_data


def test_token_and_authentication(client, users, token_for):
    assert client.get("/api/v1/institutions").status_code == 401
    assert client.get("/api/v1/institutions", headers={"Authorization": "Bearer nonsense"}).status_code == 401
    bad = client.post("/api/v1/auth/token", json={"username": "edu", "password": "wrong"})
    assert bad.status_code == 422 and bad.json["error"]["code"] == "invalid"
    headers = token_for("edu")
    response = client.get("/api/v1/institutions", headers=headers)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


def test_create_list_get_patch(client, users, token_for):
    headers = token_for("arts")
    created = client.post("/api/v1/institutions", json=institution_data(), headers=headers)
    assert created.status_code == 201, created.json
    record = created.json
    assert record["department"] == "culture" and record["status"] == "applied" and record["version"] == 1
    assert created.headers["Location"].endswith(f"/api/v1/institutions/{record['id']}")

    listing = client.get("/api/v1/institutions?category=arts&per_page=10", headers=headers).json
    assert listing["total"] == 1 and listing["page"] == 1 and listing["per_page"] == 10
    assert listing["items"][0]["credit_code"] == record["credit_code"]

    patched = client.patch(f"/api/v1/institutions/{record['id']}", json={"version": 1, "capacity": 80}, headers=headers)
    assert patched.status_code == 200 and patched.json["capacity"] == 80 and patched.json["version"] == 2

    stale = client.patch(f"/api/v1/institutions/{record['id']}", json={"version": 1, "capacity": 90}, headers=headers)
    assert stale.status_code == 409
    assert stale.json["error"]["code"] == "stale"
    assert stale.json["error"]["current"]["capacity"] == 80 and stale.json["error"]["current"]["version"] == 2


def test_validation_errors_name_the_fields(client, users, token_for):
    headers = token_for("arts")
    response = client.post("/api/v1/institutions", headers=headers,
                           json=institution_data(credit_code="91350100M000100Y4Z", latitude="north", name=""))
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) >= {"credit_code", "latitude", "name"}
    assert "3" in error["fields"]["credit_code"][0]


def test_not_a_json_object(client, users, token_for):
    response = client.post("/api/v1/institutions", data="[1,2]", content_type="application/json", headers=token_for("arts"))
    assert response.status_code == 422


def test_transitions(client, users, token_for, make_institution):
    institution = make_institution(category="arts", status="applied")
    headers = token_for("arts")
    url = f"/api/v1/institutions/{institution.id}/transitions"
    illegal = client.post(url, json={"to": "suspended", "reason": "整改"}, headers=headers)
    assert illegal.status_code == 422 and "to" in illegal.json["error"]["fields"]
    no_permit = client.post(url, json={"to": "licensed", "reason": "审批通过"}, headers=headers)
    assert "permit_number" in no_permit.json["error"]["fields"]
    before_applying = client.post(url, json={"to": "licensed", "reason": "审批通过", "permit_number": "文旅许2026001",
                                             "effective_on": "2020-01-01"}, headers=headers)
    assert before_applying.status_code == 422
    applied_on = institution.status_since.isoformat()
    assert before_applying.json["error"]["fields"]["effective_on"] == [f"生效日期不能早于前一环节的日期（{applied_on}）。"]
    licensed = client.post(url, json={"to": "licensed", "reason": "审批通过", "permit_number": "文旅许2026001"}, headers=headers)
    assert licensed.status_code == 200 and licensed.json["status"] == "licensed"
    assert licensed.json["licensed_on"] is not None


def test_department_boundaries_in_the_api(client, users, token_for, make_institution):
    academic = make_institution(category="academic")
    sports = token_for("sports")
    assert client.get(f"/api/v1/institutions/{academic.id}", headers=sports).status_code == 403
    assert client.patch(f"/api/v1/institutions/{academic.id}", json={"version": 1, "capacity": 5}, headers=sports).status_code == 403
    assert client.post(f"/api/v1/institutions/{academic.id}/transitions", json={"to": "suspended", "reason": "x"},
                       headers=sports).status_code == 403
    assert client.get("/api/v1/institutions", headers=sports).json["total"] == 0
    assert client.post("/api/v1/institutions", json=institution_data(category="academic", registration_reason="x"),
                       headers=sports).status_code == 403

    market = token_for("market")
    assert client.get(f"/api/v1/institutions/{academic.id}", headers=market).status_code == 200
    assert client.patch(f"/api/v1/institutions/{academic.id}", json={"version": 1, "capacity": 5}, headers=market).status_code == 403
    assert client.get("/api/v1/institutions/99999", headers=market).status_code == 404


def test_history(client, users, token_for, make_institution):
    institution = make_institution(category="arts")
    headers = token_for("arts")
    client.patch(f"/api/v1/institutions/{institution.id}", json={"version": 1, "name": "新名称艺术培训学校"}, headers=headers)
    items = client.get(f"/api/v1/institutions/{institution.id}/history", headers=headers).json["items"]
    assert [i["action"] for i in items] == ["institution.register", "institution.update"]
    assert items[1]["actor"] == "arts"
    assert items[1]["before"]["name"] == "鹿城区新华艺术培训学校" and items[1]["after"]["name"] == "新名称艺术培训学校"


def test_paging_is_checked(client, users, token_for):
    response = client.get("/api/v1/institutions?per_page=100000", headers=token_for("market"))
    assert response.status_code == 422


def test_the_openapi_document_declares_the_limits_the_register_enforces(client, users, token_for):
    from tests.conftest import institution_data

    schema = client.get("/api/v1/openapi.json").json["components"]["schemas"]["InstitutionInput"]["properties"]
    headers = token_for("arts")
    for name, limit in [("name", schema["name"]["maxLength"]), ("address", schema["address"]["maxLength"]),
                        ("legal_representative", schema["legal_representative"]["maxLength"])]:
        over = client.post("/api/v1/institutions", json=institution_data(**{name: "新" * (limit + 1)}), headers=headers)
        assert over.status_code == 422 and name in over.json["error"]["fields"], name
        within = client.post("/api/v1/institutions", json=institution_data(**{name: "新" * limit}), headers=headers)
        assert name not in (within.json.get("error") or {}).get("fields", {}), name
    assert (schema["capacity"]["minimum"], schema["capacity"]["maximum"]) == (1, 1_000_000)
    refused = client.post("/api/v1/institutions", json=institution_data(capacity=1_000_001), headers=headers)
    assert refused.status_code == 422 and "capacity" in refused.json["error"]["fields"]
    assert schema["floor_area"]["maximum"] == 1_000_000 and schema["latitude"]["maximum"] == 90


def test_a_district_by_its_name_as_the_import_takes_it(client, users, token_for):
    headers = token_for("arts")
    created = client.post("/api/v1/institutions", json=institution_data(district="鹿城区"), headers=headers)
    assert created.status_code == 201, created.json
    assert created.json["district"] == "330302"  # kept as its code
    patched = client.patch(f"/api/v1/institutions/{created.json['id']}", json={"version": 1, "district": "龙湾区"},
                           headers=headers)
    assert patched.status_code == 200 and patched.json["district"] == "330303"
    unknown = client.post("/api/v1/institutions", json=institution_data(district="不存在区"), headers=headers)
    assert unknown.status_code == 422 and "district" in unknown.json["error"]["fields"]


def test_a_permit_number_as_printed_on_the_permit(client, users, token_for):
    """教民3303027000123号, as printed, is the permit 教民3303027000123: stored one way, however written."""
    headers = token_for("arts")
    created = client.post("/api/v1/institutions", headers=headers, json=institution_data(
        status="licensed", permit_number="教民3303027000123号", licensed_on="2021-03-01"))
    assert created.status_code == 201, created.json
    assert created.json["permit_number"] == "教民3303027000123"
    applied = client.post("/api/v1/institutions", json=institution_data(), headers=headers).json
    licensed = client.post(f"/api/v1/institutions/{applied['id']}/transitions", headers=headers,
                           json={"to": "licensed", "reason": "审批通过", "permit_number": "教民 3303027000124 号"})
    assert licensed.status_code == 200, licensed.json
    assert licensed.json["permit_number"] == "教民3303027000124"
