"""Inspections, leads, cases and fines through the JSON API, as a machine client (or a test) uses them."""
from datetime import timedelta

import pytest
from flask_babel import force_locale

from registry.core.messages import shown
from registry.core.models import local_today
from registry.grid.rules import ALL_CLEAR
from tests.enforcement.conftest import days_ago


def test_an_inspection_needs_two_staff_and_a_note_for_each_failure(staff, make_institution, client, token_for):
    institution = make_institution(category="arts")
    headers = token_for("arts")
    response = client.post("/api/v1/inspections", headers=headers, json={
        "institution_id": institution.id, "inspected_on": days_ago(1), "staff": ["arts", "grid"],
        "results": {"permit_displayed": "fail"}, "outcome": "compliant"})
    assert response.status_code == 422
    fields = response.json["error"]["fields"]
    assert fields["staff"] == ["Not enforcement staff: grid."]
    assert "left" in fields["items"][0]


def test_a_rectification_is_listed_overdue_until_reinspected(staff, make_institution, client, token_for, inspect):
    institution = make_institution(category="arts")
    first = inspect("arts", institution, failed=["fee_schedule_displayed", "fire_safety"], on=30, deadline=days_ago(3))
    assert first.status_code == 201, first.json
    assert first.json["rectification_overdue"] and not first.json["joint"]
    headers = token_for("arts")
    overdue = client.get("/api/v1/inspections?overdue=1", headers=headers).json
    assert [i["id"] for i in overdue["items"]] == [first.json["id"]]
    # The re-inspection lists only the failed items, each fixed or not.
    refused = client.post("/api/v1/inspections", headers=headers, json={
        "institution_id": institution.id, "follows": first.json["id"], "inspected_on": days_ago(1),
        "staff": ["arts", "arts2"], "results": {"fee_schedule_displayed": "pass"}, "outcome": "compliant"})
    assert refused.status_code == 422 and "fixed" in refused.json["error"]["fields"]["items"][0]
    second = client.post("/api/v1/inspections", headers=headers, json={
        "institution_id": institution.id, "follows": first.json["id"], "inspected_on": days_ago(1),
        "staff": ["arts", "arts2"], "results": {"fee_schedule_displayed": "pass", "fire_safety": "pass"},
        "outcome": "compliant"})
    assert second.status_code == 201, second.json
    assert [r["item"] for r in second.json["results"]] == ["fee_schedule_displayed", "fire_safety"]
    assert client.get("/api/v1/inspections?overdue=1", headers=headers).json["items"] == []
    assert client.get(f"/api/v1/inspections/{first.json['id']}", headers=headers).json["followed_by"] == [second.json["id"]]


def test_joint_inspection_is_seen_by_its_partners_only(staff, make_institution, client, token_for, inspect):
    institution = make_institution(category="arts")
    joint = inspect("arts", institution, staff=["arts", "market"]).json
    alone = inspect("arts", institution).json
    assert joint["joint"] and not alone["joint"]
    assert [i["id"] for i in client.get("/api/v1/inspections", headers=token_for("market")).json["items"]] == [alone["id"], joint["id"]]
    edu = token_for("edu")
    assert client.get("/api/v1/inspections", headers=edu).json["items"] == []
    assert client.get(f"/api/v1/inspections/{joint['id']}", headers=edu).status_code == 403
    assert client.get("/api/v1/inspections", headers=token_for("grid")).status_code == 403


def test_stale_note_is_refused_with_the_current_record(staff, make_institution, client, token_for, inspect):
    inspection = inspect("arts", make_institution(category="arts")).json
    headers = token_for("arts")
    url = f"/api/v1/inspections/{inspection['id']}"
    assert client.patch(url, headers=headers, json={"version": 1, "notes": "补充：负责人签字"}).status_code == 200
    stale = client.patch(url, headers=headers, json={"version": 1, "notes": "另一条"})
    assert stale.status_code == 409
    assert stale.json["error"]["current"]["version"] == 2 and "负责人签字" in stale.json["error"]["current"]["notes"]


def test_case_from_an_inspection_through_every_step_to_a_fine_paid(staff, make_institution, client, token_for, inspect, step):
    institution = make_institution(category="arts")
    inspection = inspect("arts", institution, failed=["no_academic_content"], outcome="case", on=40,
                         case_summary="以艺术培训名义开展学科类培训").json
    headers = token_for("arts")
    [case] = client.get(f"/api/v1/cases?institution_id={institution.id}", headers=headers).json["items"]
    assert case["number"] == f"CULTURE-{days_ago(40)[:4]}-0001"  # the year the case was opened
    assert case["inspection_id"] == inspection["id"] and case["step"] == "opened"

    skipped = step("arts", case, "decided")
    assert skipped.json["error"]["fields"]["step"] == ["The next step is “Investigated (调查取证)”: steps cannot be skipped."]
    alone = step("arts", case, "investigated", people=["arts"])
    assert "at least 2" in alone.json["error"]["fields"]["people"][0]
    for name in ("investigated", "notified", "reviewed"):
        response = step("arts", case, name, on=days_ago(30))
        assert response.status_code == 201, response.json
        case = response.json
    too_much = step("arts", case, "decided", on=days_ago(25), violation_type="disguised_serious", sanctions=["fine"], fine="60000")
    assert too_much.status_code == 422
    assert too_much.json["error"]["fields"]["fine"] == ["The fine must be between ¥1.00 and ¥50,000.00 for this violation type."]
    decided = step("arts", case, "decided", on=days_ago(25), violation_type="disguised_serious",
                   sanctions=["fine", "confiscation", "suspension"], fine="30000", confiscation="8000.50")
    assert decided.status_code == 201, decided.json
    case = decided.json
    assert case["fine"] == "30000.00" and case["confiscation"] == "8000.50" and case["sanctions"][-1] == "suspension"
    # The institution was suspended through the register, in the same transaction.
    record = client.get(f"/api/v1/institutions/{institution.id}", headers=headers).json
    assert record["status"] == "suspended"
    history = client.get(f"/api/v1/institutions/{institution.id}/history", headers=headers).json["items"]
    assert case["number"] in history[-1]["reason"]

    fine = client.get(f"/api/v1/fines/{case['fine_id']}", headers=headers).json
    assert fine["amount"] == "38000.50" and fine["state"] == "overdue"  # decided 25 days ago, due 15 days later
    served = step("arts", case, "served", on=days_ago(20))
    case = served.json
    fine = client.get(f"/api/v1/fines/{case['fine_id']}", headers=headers).json
    assert fine["due_on"] == days_ago(5)  # 15 days after service
    early = step("arts", case, "executed", on=days_ago(1))
    assert early.status_code == 422 and "¥38,000.50 outstanding" in early.json["error"]["fields"]["step"][0]

    pay = f"/api/v1/fines/{fine['id']}/payments"
    part = client.post(pay, headers=headers, json={"amount": "30000", "paid_on": days_ago(3), "receipt_number": "PJ-001",
                                                   "version": fine["version"]})
    assert part.status_code == 201 and part.json["state"] == "overdue" and part.json["outstanding"] == "8000.50"
    stale = client.post(pay, headers=headers, json={"amount": "1", "paid_on": days_ago(2), "receipt_number": "PJ-X",
                                                    "version": fine["version"]})
    assert stale.status_code == 409 and stale.json["error"]["current"]["paid"] == "30000.00"
    again = client.post(pay, headers=headers, json={"amount": "100", "paid_on": days_ago(2), "receipt_number": "PJ-001",
                                                    "version": part.json["version"]})
    assert again.status_code == 422 and "already recorded" in again.json["error"]["fields"]["receipt_number"][0]
    rest = client.post(pay, headers=headers, json={"amount": "8000.50", "paid_on": days_ago(2), "receipt_number": "PJ-002",
                                                   "version": part.json["version"]})
    assert rest.json["state"] == "paid" and rest.json["paid_on"] == days_ago(2)
    assert [p["receipt_number"] for p in client.get(pay, headers=headers).json["items"]] == ["PJ-001", "PJ-002"]
    for name in ("executed", "closed"):
        case = step("arts", case, name, on=days_ago(1)).json
    assert case["step"] == "closed" and [s["step"] for s in case["steps"]] == [
        "opened", "investigated", "notified", "reviewed", "decided", "served", "executed", "closed"]
    assert step("arts", case, "closed").json["error"]["fields"]["step"] == ["The case is closed."]
    assert client.get(f"/api/v1/cases/{case['id']}/steps", headers=headers).json["next_step"] is None


def test_unlicensed_fine_needs_the_illegal_income(staff, client, token_for, step):
    headers = token_for("market")
    case = client.post("/api/v1/cases", headers=headers, json={
        "subject_name": "无名英语辅导班", "district": "330302", "summary": "居民楼内无证开展英语培训",
        "people": ["market", "market2"]}).json
    assert case["number"].startswith("MARKET-") and case["district"] == "330302"
    for name in ("investigated", "notified", "reviewed"):
        case = step("market", case, name).json
    missing = step("market", case, "decided", violation_type="unlicensed_training", sanctions=["fine"], fine="10000")
    assert "illegal income" in missing.json["error"]["fields"]["illegal_income"][0]
    low = step("market", case, "decided", violation_type="unlicensed_training", sanctions=["fine"], fine="10000",
               illegal_income="20000")
    assert "¥20,000.00 and ¥100,000.00" in low.json["error"]["fields"]["fine"][0]
    revoke = step("market", case, "decided", violation_type="unlicensed_training", sanctions=["fine", "revocation"],
                  fine="40000", illegal_income="20000")
    assert "register" in revoke.json["error"]["fields"]["sanctions"][0]
    assert step("market", case, "decided", violation_type="unlicensed_training", sanctions=["fine"], fine="40000",
                illegal_income="20000").status_code == 201
    assert client.get("/api/v1/cases", headers=token_for("edu")).json["items"] == []
    assert client.get("/api/v1/fines?state=outstanding", headers=headers).json["totals"]["amount"] == "40000.00"


def test_only_the_supervising_department_suspends(staff, make_institution, client, token_for, step):
    institution = make_institution(category="arts")
    headers = token_for("market")
    case = client.post("/api/v1/cases", headers=headers, json={
        "institution_id": institution.id, "summary": "虚假广告", "people": ["market", "market2"]}).json
    for name in ("investigated", "notified", "reviewed"):
        case = step("market", case, name).json
    refused = step("market", case, "decided", violation_type="illegal_advertising", sanctions=["suspension"])
    assert "supervising department" in refused.json["error"]["fields"]["sanctions"][0]
    assert client.get(f"/api/v1/institutions/{institution.id}", headers=token_for("arts")).json["status"] == "licensed"


def test_hotline_leads_are_routed_and_follow_the_loop(staff, make_institution, client, token_for):
    institution = make_institution(category="arts")
    arts = token_for("arts")
    lead = client.post("/api/v1/leads", headers=arts, json={
        "institution_id": institution.id, "description": "周末开设数学班", "reporter_phone": "13900001111"}).json
    assert lead["department"] == "culture" and lead["state"] == "received" and lead["source"] == "hotline"
    unknown = client.post("/api/v1/leads", headers=arts, json={
        "subject_name": "某小区托管班", "district": "330302", "description": "无证托管并辅导作业"}).json
    assert unknown["department"] == "market" and unknown["district"] == "330302"
    url = f"/api/v1/leads/{lead['id']}/transitions"
    wrong = client.post(url, headers=arts, json={"to": "assigned", "assignee": "edu", "version": 1})
    assert "routed" in wrong.json["error"]["fields"]["assignee"][0]
    skipped = client.post(url, headers=arts, json={"to": "handling", "version": 1})
    assert skipped.status_code == 422
    lead = client.post(url, headers=arts, json={"to": "assigned", "assignee": "arts2", "version": 1}).json
    assert lead["assignee"] == "arts2"
    assert client.post(url, headers=arts, json={"to": "handling", "version": 1}).status_code == 409
    lead = client.post(url, headers=arts, json={"to": "handling", "version": lead["version"]}).json
    closed = client.post(url, headers=arts, json={"to": "closed", "outcome": "case_opened", "reply": "已立案查处",
                                                  "case_summary": "周末违规开展学科类培训", "version": lead["version"]}).json
    assert closed["state"] == "closed" and closed["outcome"] == "case_opened" and not closed["overdue"]
    [case] = client.get("/api/v1/cases", headers=arts).json["items"]
    assert case["lead_id"] == lead["id"] and case["department"] == "culture"
    # Other departments neither see nor move it; market regulation reads it.
    assert client.get(f"/api/v1/leads/{lead['id']}", headers=token_for("edu")).status_code == 403
    assert client.get(f"/api/v1/leads/{lead['id']}", headers=token_for("market")).status_code == 200
    assert client.post(f"/api/v1/leads/{unknown['id']}/transitions", headers=arts,
                       json={"to": "assigned", "assignee": "market2", "version": 1}).status_code == 403


def test_overdue_leads_are_listed(staff, make_institution, client, token_for, app):
    from datetime import timedelta

    from registry.enforcement.models import Lead
    from registry.extensions import db

    headers = token_for("arts")
    lead = client.post("/api/v1/leads", headers=headers, json={"institution_id": make_institution(category="arts").id,
                                                               "description": "收费超过三个月"}).json
    record = db.session.get(Lead, lead["id"])
    record.received_on = local_today() - timedelta(days=20)
    record.deadline = local_today() - timedelta(days=5)
    db.session.commit()
    listed = client.get("/api/v1/leads?overdue=1", headers=headers).json["items"]
    assert [(i["id"], i["overdue"]) for i in listed] == [(lead["id"], True)]


@pytest.fixture
def beat(staff, make_institution):
    """A sports institution in the grid worker's one cell."""
    from registry.extensions import db
    from registry.grid import importing
    from registry.grid import services as grid

    importing.import_cells(staff["admin"], {"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"code": "C1"}, "geometry": {"type": "Polygon", "coordinates": [
            [[120.64, 28.0], [120.67, 28.0], [120.67, 28.02], [120.64, 28.02], [120.64, 28.0]]]}}]}, code_property="code")
    institution = make_institution(category="sports")
    grid.add_worker(staff["admin"], "C1", "grid")
    db.session.commit()
    return institution


def test_a_grid_workers_report_becomes_a_lead_they_can_follow(beat, client, token_for):
    institution = beat
    visit = client.post("/api/v1/visits", headers=token_for("grid"), json={
        "institution_id": institution.id, "latitude": 28.0123, "longitude": 120.6543, "accuracy": 5,
        "checklist": {**ALL_CLEAR, "advertising": True}, "notes": "门口张贴数学冲刺班广告"})
    assert visit.status_code == 201 and visit.json["reported_to"] == "sports"
    [lead] = client.get("/api/v1/leads", headers=token_for("grid")).json["items"]
    assert lead["source"] == "grid" and lead["department"] == "sports" and "数学冲刺班" in lead["description"]
    assert lead["visit_report_id"] is not None
    assert [i["id"] for i in client.get("/api/v1/leads", headers=token_for("sports")).json["items"]] == [lead["id"]]
    assert client.get("/api/v1/leads", headers=token_for("edu")).json["items"] == []
    sports = token_for("sports")
    assert client.post(f"/api/v1/leads/{lead['id']}/transitions", headers=token_for("grid"),
                       json={"to": "closed", "version": 1}).status_code == 403
    url = f"/api/v1/leads/{lead['id']}/transitions"
    moved = client.post(url, headers=sports, json={"to": "assigned", "assignee": "sports", "version": 1}).json
    moved = client.post(url, headers=sports, json={"to": "handling", "version": moved["version"]}).json
    client.post(url, headers=sports, json={"to": "closed", "outcome": "rectified", "reply": "广告已撤除",
                                           "version": moved["version"]})
    followed = client.get(f"/api/v1/leads/{lead['id']}", headers=token_for("grid")).json
    assert followed["outcome"] == "rectified" and followed["reply"] == "广告已撤除"


def test_a_lead_is_closed_only_once_handled_or_at_intake_as_not_accepted(staff, make_institution, client, token_for):
    """上报 → 交办 → 处置 → 办结: no closing straight from received or assigned, but for the named intake outcomes
    (不予受理, 移交) with their reason."""
    arts = token_for("arts")
    institution = make_institution(category="arts")

    def new_lead():
        lead = client.post("/api/v1/leads", headers=arts, json={"institution_id": institution.id, "description": "举报"}).json
        return lead, f"/api/v1/leads/{lead['id']}/transitions"

    lead, url = new_lead()
    shortcut = client.post(url, headers=arts, json={"to": "closed", "outcome": "rectified", "reply": "已整改", "version": 1})
    assert shortcut.status_code == 422 and "not accepted or transferred" in shortcut.json["error"]["fields"]["state"][0]
    no_reason = client.post(url, headers=arts, json={"to": "closed", "outcome": "unfounded", "reply": "", "version": 1})
    assert no_reason.status_code == 422 and "reply" in no_reason.json["error"]["fields"]
    declined = client.post(url, headers=arts, json={"to": "closed", "outcome": "unfounded", "reply": "举报内容与事实明显不符",
                                                    "version": 1})
    assert declined.status_code == 200 and declined.json["state"] == "closed" and declined.json["outcome"] == "unfounded"

    lead, url = new_lead()
    assigned = client.post(url, headers=arts, json={"to": "assigned", "assignee": "arts2", "version": 1}).json
    skipped = client.post(url, headers=arts, json={"to": "closed", "outcome": "unfounded", "reply": "不实",
                                                   "version": assigned["version"]})
    assert skipped.status_code == 422


def test_a_report_made_before_eight_in_beijing_is_dated_that_day(beat, client, token_for):
    """00:00–08:00 in Beijing is the day before in UTC: the lead is received on the visit's local day, due 15 days on."""
    from datetime import datetime

    from registry.core.models import LOCAL_TIMEZONE

    now = datetime.now(LOCAL_TIMEZONE)
    day = now.date() if now.hour >= 2 else now.date() - timedelta(days=1)
    visit = client.post("/api/v1/visits", headers=token_for("grid"), json={
        "institution_id": beat.id, "latitude": 28.0123, "longitude": 120.6543, "accuracy": 5,
        "visited_at": f"{day.isoformat()}T01:30:00+08:00", "checklist": {**ALL_CLEAR, "advertising": True}, "notes": "违规广告"})
    assert visit.status_code == 201, visit.json
    [lead] = client.get("/api/v1/leads", headers=token_for("sports")).json["items"]
    assert lead["received_on"] == day.isoformat()
    assert lead["deadline"] == (day + timedelta(days=15)).isoformat()


def test_a_finding_referred_to_another_department(staff, make_institution, client, token_for, inspect):
    inspection = inspect("arts", make_institution(category="arts")).json
    lead = client.post(f"/api/v1/inspections/{inspection['id']}/leads", headers=token_for("arts"),
                       json={"department": "market", "description": "价格公示与实际收费不符"})
    assert lead.status_code == 201
    assert lead.json["source"] == "inspection" and lead.json["department"] == "market"
    assert lead.json["inspection_id"] == inspection["id"]


def test_every_enforcement_write_is_audited(staff, make_institution, client, token_for, inspect):
    from registry.core.audit import AuditEntry, verify
    from registry.extensions import db
    from sqlalchemy import select

    inspection = inspect("arts", make_institution(category="arts"), failed=["fire_safety"]).json
    actions = set(db.session.scalars(select(AuditEntry.action).where(AuditEntry.entity_type.in_(
        ("inspection", "inspection_staff", "inspection_result")))))
    assert actions == {"inspection.record"}
    assert db.session.scalar(select(AuditEntry.actor).where(AuditEntry.entity_type == "inspection",
                                                             AuditEntry.entity_id == str(inspection["id"]))) == "arts"
    assert verify(db.session).ok


def test_api_in_chinese(staff, make_institution, client, token_for):
    headers = {k: v for k, v in token_for("arts").items() if k != "Accept-Language"}
    response = client.post("/api/v1/inspections", headers=headers, json={
        "institution_id": make_institution(category="arts").id, "inspected_on": days_ago(1), "staff": ["arts"],
        "results": {}, "outcome": "compliant"})
    assert response.json["error"]["fields"]["staff"] == ["一次检查至少由 2 名执法人员进行。"]


def test_who_is_named_on_an_inspection_or_a_case_and_who_adds_notes(staff, make_institution, client, token_for,
                                                                     inspect, step, make_user):
    from registry.core.audit import AuditEntry
    from registry.extensions import db

    make_user("sports2", "officer", "sports")
    institution = make_institution(category="arts")
    # The officer recording is one of the staff; partners of other departments make it joint.
    others = inspect("arts", institution, staff=["arts2", "edu2"])
    assert others.status_code == 422 and "name yourself" in others.json["error"]["fields"]["staff"][0]
    joint = inspect("arts", institution, staff=["arts", "edu2"])
    assert joint.status_code == 201 and joint.json["joint"]
    # An administrator records on the staff's behalf, and the audit log says so.
    behalf = inspect("admin", institution, staff=["arts", "arts2"])
    assert behalf.status_code == 201
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.entity_type == "inspection",
                                                          AuditEntry.entity_id == str(behalf.json["id"])))
    with force_locale("en"):  # kept as a message, read in each reader's language
        assert entry.actor == "admin" and "on behalf of arts, arts2" in shown(entry.reason)

    # Notes: the departments that made the inspection add to it; market staff, who read it, do not.
    url = f"/api/v1/inspections/{joint.json['id']}"
    version = joint.json["version"]
    assert client.patch(url, json={"notes": "市场补充", "version": version}, headers=token_for("market")).status_code == 403
    assert client.patch(url, json={"notes": "体育补充", "version": version}, headers=token_for("sports")).status_code == 403
    added = client.patch(url, json={"notes": "教育补充", "version": version}, headers=token_for("edu"))
    assert added.status_code == 200 and "教育补充" in added.json["notes"]

    # A case's officers are of the case's department, the one recording among them.
    opened = inspect("arts", institution, failed=["no_academic_content"], outcome="case", staff=["arts", "edu2"],
                     case_summary="以艺术培训名义开展学科类培训")
    assert opened.status_code == 201  # opened by culture with its own officer, not the partner from education
    headers = token_for("arts")
    [case] = client.get(f"/api/v1/cases?institution_id={institution.id}", headers=headers).json["items"]
    other = step("arts", case, "investigated", people=["arts", "edu2"])
    assert other.status_code == 422 and "edu2" in other.json["error"]["fields"]["people"][0]
    absent = step("arts", case, "investigated", people=["arts2", "market"])
    assert absent.status_code == 422
    assert step("arts", case, "investigated", people=["arts", "arts2"]).status_code == 201
