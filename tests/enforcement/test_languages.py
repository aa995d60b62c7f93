"""What the system writes into enforcement records (a grid report's findings as a lead, a penalty decision as an
institution's lifecycle step) reads in each reader's language (issue 14 item 28)."""
import re

from tests.conftest import page
from tests.enforcement.conftest import days_ago
from tests.enforcement.test_api import beat  # noqa: F401  (the fixture)
from registry.grid.rules import ALL_CLEAR

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_a_grid_reports_lead_reads_in_the_readers_language(beat, client, token_for, as_user):  # noqa: F811
    visit = client.post("/api/v1/visits", headers=token_for("grid"), json={
        "institution_id": beat.id, "latitude": 28.0123, "longitude": 120.6543, "accuracy": 5,
        "checklist": {**ALL_CLEAR, "advertising": True}, "notes": "poster at the door"})
    assert visit.status_code == 201, visit.json
    headers = {**token_for("sports"), "Accept-Language": "en"}
    [lead] = client.get("/api/v1/leads", headers=headers).json["items"]
    api = client.get(f"/api/v1/leads/{lead['id']}", headers=headers).json
    assert "poster at the door" in api["description"] and not CJK.search(api["description"]), api
    assert "msg:" not in api["description"]
    sports = as_user("sports")
    chinese = page(sports.get(f"/enforcement/leads/{lead['id']}")).select_one("dd.prewrap").get_text(strip=True)
    assert "违规广告" in chinese and "poster at the door" in chinese
    sports.post("/language", data={"locale": "en"})
    english = page(sports.get(f"/enforcement/leads/{lead['id']}")).select_one("dd.prewrap").get_text(strip=True)
    listed = page(sports.get("/enforcement/leads")).select_one("table tbody").get_text(" ", strip=True)
    assert "Advertising" in english and "poster at the door" in english and not CJK.search(english), english
    assert "Advertising" in listed


def test_a_penalty_decisions_step_reads_in_the_readers_language(staff, make_institution, as_user, inspect, step,
                                                                  client, token_for):
    institution = make_institution(category="arts")
    inspect("arts", institution, failed=["no_academic_content"], outcome="case", on=40, case_summary="disguised")
    [case] = client.get(f"/api/v1/cases?institution_id={institution.id}", headers=token_for("arts")).json["items"]
    for name in ("investigated", "notified", "reviewed"):
        case = step("arts", case, name, on=days_ago(30)).json
    decided = step("arts", case, "decided", on=days_ago(25), violation_type="disguised_serious",
                   sanctions=["fine", "suspension"], fine="30000")
    assert decided.status_code == 201, decided.json
    arts = as_user("arts")
    lifecycle = lambda: page(arts.get(f"/institutions/{institution.id}")).select_one(".timeline li").get_text(" ", strip=True)  # noqa: E731
    assert "行政处罚决定" in lifecycle() and "情节严重" in lifecycle()
    arts.post("/language", data={"locale": "en"})
    english = lifecycle()
    assert f"Penalty decision {case['number']}: Disguised academic training, serious" in english
    assert not CJK.search(english), english
