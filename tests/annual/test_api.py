"""/api/v1/annual-inspections as a bureau's client uses it."""


def test_listing_with_filters(client, token_for, campaign, graded, arts_institutions):
    graded(arts_institutions[0])
    headers = token_for("arts")
    everything = client.get("/api/v1/annual-inspections?year=2026", headers=headers).json
    assert everything["total"] == 3
    passed = client.get("/api/v1/annual-inspections?grade=pass", headers=headers).json
    assert [i["institution_id"] for i in passed["items"]] == [arts_institutions[0].id]
    assert passed["items"][0]["points"] == 100
    exempt = client.get("/api/v1/annual-inspections?state=exempt&district=330302", headers=headers).json
    assert exempt["items"][0]["exempt_reason"] == "licensed_after_cutoff"
    assert client.get("/api/v1/annual-inspections?grade=excellent", headers=headers).status_code == 422
    assert client.get("/api/v1/annual-inspections", headers=token_for("edu")).json["total"] == 0
    assert client.get("/api/v1/annual-inspections", headers=token_for("market")).json["total"] == 3


def test_reviewing_through_the_api(client, token_for, campaign, inspection_of, arts_institutions, officers):
    inspection = inspection_of(arts_institutions[1])
    url = f"/api/v1/annual-inspections/{inspection.id}/review"
    body = {"version": inspection.version, "reviewed_on": "2027-03-12", "signed_by": "arts", "cosigned_by": "arts2",
            "lost": {"fees": 12, "premises": 10}, "reasons": {"fees": "超期收费", "premises": "消防巡查缺失"},
            "rectification": "退还超期费用，完善消防巡查", "rectification_deadline": "2027-05-12"}
    assert client.post(url, json=body, headers=token_for("edu")).status_code == 403
    response = client.post(url, json={**body, "lost": "12"}, headers=token_for("arts"))
    assert response.status_code == 422 and "lost" in response.json["error"]["fields"]
    response = client.post(url, json=body, headers=token_for("arts"))
    assert response.status_code == 200, response.json
    assert (response.json["grade"], response.json["points"], response.json["enrolment_stopped"]) == ("pass", 78, False)
    assert client.post(url, json=body, headers=token_for("arts")).status_code == 409
