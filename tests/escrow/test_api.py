"""The escrow's JSON API, as a bank's or a city platform's client uses it."""
from registry.escrow.models import Escrow
from registry.extensions import db
from tests.escrow.conftest import ACCOUNT


def statement(institution_id, **overrides):
    data = {"institution_id": institution_id, "period": "2026-09", "opening_balance": "10000.00", "received": 5000,
            "released": "3000", "refunded": "0", "closing_balance": "12000.00", "unearned": "12000.00"}
    data.update(overrides)
    return data


def charge(institution_id, **overrides):
    data = {"institution_id": institution_id, "charged_on": "2026-09-01", "course_start": "2026-09-05",
            "student_ref": "XY-001", "amount": "2400.00", "months": 3, "channel": "one_off"}
    data.update(overrides)
    return data


def test_record_and_read_an_escrow(client, token_for, make_institution):
    institution = make_institution(category="arts")
    headers = token_for("arts")
    empty = client.get(f"/api/v1/institutions/{institution.id}/escrow", headers=headers).json
    assert empty["status"] == "none" and empty["account_number"] is None
    assert client.get(f"/api/v1/institutions/{institution.id}", headers=headers).json["escrow_status"] == "none"

    bad = client.put(f"/api/v1/institutions/{institution.id}/escrow", headers=headers,
                     json={"bank": "", "account_number": "12", "opened_on": "2026-13-01", "risk_deposit": "lots"})
    assert bad.status_code == 422
    assert set(bad.json["error"]["fields"]) == {"bank", "account_number", "opened_on", "risk_deposit", "reason"}

    put = client.put(f"/api/v1/institutions/{institution.id}/escrow", headers=headers,
                     json={"bank": "温州银行", "account_number": ACCOUNT, "opened_on": "2026-06-01", "risk_deposit": 15000.5,
                           "reason": "签订资金监管协议"})
    assert put.status_code == 200, put.json
    body = put.json
    assert body["status"] == "opened" and body["risk_deposit"] == "15000.50" and body["version"] == 1
    assert body["account_number"] == "6222021234561234" and body["account_number_masked"] == "6222 **** **** 1234"
    assert client.get(f"/api/v1/institutions/{institution.id}", headers=headers).json["escrow_status"] == "opened"

    stale = client.put(f"/api/v1/institutions/{institution.id}/escrow", headers=headers,
                       json={"bank": "温州银行", "account_number": ACCOUNT, "opened_on": "2026-06-01", "risk_deposit": "0",
                             "reason": "退还保证金", "version": 7})
    assert stale.status_code == 409


def test_statements_through_the_api(client, token_for, make_institution, with_account):
    institution = make_institution(category="arts")
    headers = token_for("arts")
    refused = client.post("/api/v1/escrow/statements", json=statement(institution.id), headers=headers)
    assert refused.status_code == 422  # no account yet
    with_account(institution, deposit="0")
    created = client.post("/api/v1/escrow/statements", json=statement(institution.id), headers=headers)
    assert created.status_code == 201, created.json
    assert created.json["period_end"] == "2026-09-30" and created.json["received"] == "5000.00" and not created.json["flagged"]
    flagged = client.post("/api/v1/escrow/statements", json=statement(institution.id, period="2026-08", closing_balance="1"),
                          headers=headers)
    assert flagged.status_code == 201 and flagged.json["flagged"]
    assert flagged.json["flags"][0]["code"] == "balance" and "¥12,000.00" in flagged.json["flags"][0]["message"]
    again = client.post("/api/v1/escrow/statements", json=statement(institution.id), headers=headers)
    assert again.status_code == 200  # already recorded: nothing new

    listing = client.get(f"/api/v1/escrow/statements?institution_id={institution.id}&flagged=true", headers=headers).json
    # August does not add up; September opens with more than August closed with
    assert [(s["period_start"], [f["code"] for f in s["flags"]]) for s in listing["items"]] == [
        ("2026-09-01", ["carry_over"]), ("2026-08-01", ["balance"])]
    assert client.get("/api/v1/escrow/statements?flagged=maybe", headers=headers).status_code == 422

    escrow = client.get(f"/api/v1/institutions/{institution.id}/escrow", headers=headers).json
    assert escrow["status"] == "warning" and escrow["coverage"] == "1.0000"  # covered, but no risk deposit
    assert escrow["latest_statement"]["closing_balance"] == "12000.00"
    assert {a["kind"] for a in escrow["alerts"]} == {"flagged_statement", "deposit_shortfall"}

    missing = client.post("/api/v1/escrow/statements", json={"institution_id": institution.id}, headers=headers)
    assert missing.status_code == 422 and "opening_balance" in missing.json["error"]["fields"]
    assert client.post("/api/v1/escrow/statements", json=statement("1"), headers=headers).status_code == 422


def test_charges_through_the_api(client, token_for, make_institution):
    institution = make_institution(category="sports")
    headers = token_for("sports")
    fine = client.post("/api/v1/escrow/charges", json=charge(institution.id), headers=headers)
    assert fine.status_code == 201 and fine.json["violations"] == [] and fine.json["amount"] == "2400.00"
    bad = client.post("/api/v1/escrow/charges", json=charge(institution.id, student_ref="XY-2", amount=9800, months=6),
                      headers=headers)
    assert [v["rule"] for v in bad.json["violations"]] == ["over_months", "over_cap"]
    duplicate = client.post("/api/v1/escrow/charges", json=charge(institution.id), headers=headers)
    assert duplicate.status_code == 422 and "student_ref" in duplicate.json["error"]["fields"]
    personal = client.post("/api/v1/escrow/charges", json=charge(institution.id, student_ref="13905771234"), headers=headers)
    assert personal.status_code == 422

    violating = client.get("/api/v1/escrow/charges?violating=1", headers=headers).json
    assert violating["total"] == 1 and violating["items"][0]["student_ref"] == "XY-2"
    escrow = client.get(f"/api/v1/institutions/{institution.id}/escrow", headers=headers).json
    assert escrow["status"] == "violation" and escrow["open_violations"] == 1
    # no account while holding fees, and a charge over the limits
    assert {a["kind"] for a in escrow["alerts"]} == {"no_account", "charge_violation"}


def test_transitions(client, token_for, make_institution, with_account):
    institution = make_institution(category="arts")
    with_account(institution)
    headers = token_for("arts")
    url = f"/api/v1/institutions/{institution.id}/escrow/transitions"
    assert client.post(url, json={"action": "unfreeze", "reason": "x"}, headers=headers).status_code == 422
    assert client.post(url, json={"action": "freeze"}, headers=headers).json["error"]["fields"]["reason"]
    frozen = client.post(url, json={"action": "freeze", "reason": "停业整顿"}, headers=headers)
    assert frozen.status_code == 200 and frozen.json["status"] == "frozen"
    future = client.post(url, json={"action": "close", "reason": "注销", "effective_on": "2099-01-01"}, headers=headers)
    assert "effective_on" in future.json["error"]["fields"]
    closed = client.post(url, json={"action": "close", "reason": "注销"}, headers=headers)
    assert closed.json["status"] == "closed" and closed.json["closed_on"] == "2026-10-15"


def test_alerts_and_department_scope(client, token_for, make_institution, with_account):
    arts = make_institution(category="arts")
    sports = make_institution(category="sports")
    with_account(arts, deposit="0")
    client.post("/api/v1/escrow/statements", json=statement(arts.id, closing_balance="12000", unearned="30000"),
                headers=token_for("arts"))
    client.post("/api/v1/escrow/charges", json=charge(sports.id, amount="6000"), headers=token_for("sports"))

    market = client.get("/api/v1/escrow/alerts", headers=token_for("market")).json
    assert market["counts"] == {"low_coverage": 1, "deposit_shortfall": 1, "no_account": 1, "charge_violation": 1}
    # 30,000 owed − 12,000 held; 6,000 held without an account; 6,000 charged over the cap; a cycle's 5,000 deposit
    assert [a["amount_at_risk"] for a in market["items"]] == ["18000.00", "6000.00", "6000.00", "5000.00"]
    low = next(a for a in market["items"] if a["kind"] == "low_coverage")
    assert low["account_number_masked"] == "6222 **** **** 1234" and "account_number" not in low

    arts_only = client.get("/api/v1/escrow/alerts", headers=token_for("arts")).json
    assert {a["institution_id"] for a in arts_only["items"]} == {arts.id}
    assert client.get("/api/v1/escrow/alerts?kind=nonsense", headers=token_for("arts")).status_code == 422
    kind = client.get("/api/v1/escrow/alerts?kind=no_account", headers=token_for("market")).json
    assert kind["total"] == 1 and kind["items"][0]["institution_id"] == sports.id

    sports_token = token_for("sports")
    assert client.get(f"/api/v1/institutions/{arts.id}/escrow", headers=sports_token).status_code == 403
    assert client.post("/api/v1/escrow/charges", json=charge(arts.id), headers=sports_token).status_code == 403
    assert client.get(f"/api/v1/escrow/statements?institution_id={arts.id}", headers=sports_token).json["total"] == 0
    market_token = token_for("market")
    assert client.get(f"/api/v1/institutions/{arts.id}/escrow", headers=market_token).status_code == 200
    assert client.put(f"/api/v1/institutions/{arts.id}/escrow", json={}, headers=market_token).status_code == 403
    assert client.get("/api/v1/escrow/alerts", headers=token_for("grid")).status_code == 403
    assert db.session.query(Escrow).count() == 2


def test_documented_in_openapi(client):
    document = client.get("/api/v1/openapi.json").json
    for path in ("/institutions/{institution_id}/escrow", "/escrow/statements", "/escrow/charges", "/escrow/alerts"):
        assert path in document["paths"]
    assert document["components"]["schemas"]["Institution"]["properties"]["escrow_status"]["enum"][0] == "none"
