"""Enforcement's pages, used as an officer, an administrator, a grid worker and the public use them."""
import io


from registry.extensions import db
from tests.conftest import field_errors, page
from tests.enforcement.conftest import days_ago


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 40, 40)).save(out, format="PNG")
    return out.getvalue()


def _form(institution_category="arts", failed=(), **values):
    from registry.enforcement import services

    data = {f"result-{i.key}": "fail" if i.key in failed else "pass" for i in services.checklist(institution_category)}
    data.update(values)
    return data


def test_an_officer_records_an_inspection_on_the_form(staff, make_institution, client, as_user):
    institution = make_institution(category="arts")
    as_user("arts")
    url = f"/enforcement/institutions/{institution.id}/inspect"
    form = page(client.get(url))
    assert len(form.select("table.checklist tbody tr")) == 10
    # One staff member only, a failure without a note, no deadline: each error beside its field, the answers kept.
    response = client.post(url, data=_form(failed=["fire_safety"], inspected_on=days_ago(2), staff=["arts"],
                                           outcome="rectification", notes="现场检查"))
    assert response.status_code == 422
    assert field_errors(response, "staff") == ["An inspection is made by at least 2 enforcement staff."] or \
        field_errors(response, "staff") == ["一次检查至少由 2 名执法人员进行。"]
    assert field_errors(response, "deadline")
    shown = page(response)
    assert shown.select_one('input[name="result-fire_safety"][value="fail"]').has_attr("checked")
    assert shown.select_one("#notes").get_text().strip() == "现场检查"
    data = _form(failed=["fire_safety"], inspected_on=days_ago(2), staff=["arts", "arts2", "market"],
                 outcome="rectification", deadline=days_ago(-10), **{"note-fire_safety": "安全出口堵塞"})
    data["photo-fire_safety"] = (io.BytesIO(_png()), "出口.png")
    response = client.post(url, data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    shown = page(client.get(response.headers["Location"]))
    text = shown.get_text()
    assert "安全出口堵塞" in text and days_ago(-10) in text
    photo = shown.select_one("img.enf-photo")["src"]
    assert client.get(photo).headers["Content-Type"] == "image/png"
    # The institution's page lists it; a re-inspection lists only the failed item.
    panel = page(client.get(f"/institutions/{institution.id}")).select_one("#enforcement")
    assert days_ago(2) in panel.get_text()
    follow = page(client.get(shown.select_one(".pagehead .actions a")["href"]))
    assert [tr.select_one("input[type=radio]")["name"] for tr in follow.select("table.checklist tbody tr")] == ["result-fire_safety"]


def _case_up_to_decision(staff, institution):
    """A culture case opened, investigated, notified and reviewed: its next step is the decision."""
    from registry.enforcement import services

    case = services.open_case(staff["arts"], {"institution_id": institution.id, "summary": "违规收费",
                                              "people": ["arts", "arts2"], "opened_on": days_ago(20)})
    for name in ("investigated", "notified", "reviewed"):
        services.record_step(staff["arts"], case.id, {"step": name, "on": days_ago(15), "people": ["arts", "arts2"],
                                                      "documents": "文书"}, version=case.version)
    return case


def test_a_case_decision_out_of_range_shows_the_range(staff, make_institution, client, as_user):
    from registry.enforcement import services

    institution = make_institution(category="arts")
    case = _case_up_to_decision(staff, institution)
    db.session.commit()
    as_user("arts")
    url = f"/enforcement/cases/{case.id}"
    shown = page(client.get(url))
    assert "决定" in shown.select_one("form h2").get_text() or "Decided" in shown.select_one("form h2").get_text()
    response = client.post(url, data={"version": case.version, "step": "decided", "on": days_ago(10),
                                      "people": ["arts", "arts2"], "documents": "决定书", "violation_type": "fee_violation",
                                      "sanctions": ["fine"], "fine": "80000"})
    assert response.status_code == 422
    assert any("¥50,000.00" in e for e in field_errors(response, "fine"))
    assert page(response).select_one("#fine")["value"] == "80000"
    response = client.post(url, data={"version": case.version, "step": "decided", "on": days_ago(10),
                                      "people": ["arts", "arts2"], "documents": "决定书", "violation_type": "fee_violation",
                                      "sanctions": ["fine", "refund"], "fine": "20000", "refund_order": "退还学员费用共计3.2万元"})
    assert response.status_code == 302
    fines = page(client.get("/enforcement/fines"))
    assert "¥20,000.00" in fines.select_one(".totals").get_text()
    assert case.number in fines.select_one("table tbody").get_text()

    # Executing while the fine is owed: the page says so before and after trying, and links the fine.
    db.session.refresh(case)
    services.record_step(staff["arts"], case.id, {"step": "served", "on": days_ago(9), "people": ["arts", "arts2"],
                                                  "documents": "送达回证"}, version=case.version)
    db.session.commit()
    fine = services.fine_of(case.id)
    owed = page(client.get(url)).select_one("#fine-owed")
    assert "¥20,000.00" in owed.get_text() and owed.a["href"] == f"/enforcement/fines/{fine.id}"
    response = client.post(url, data={"version": case.version, "step": "executed", "on": days_ago(1),
                                      "people": ["arts", "arts2"], "documents": "缴款凭证"})
    assert response.status_code == 422
    alert = page(response).select_one(".alert-error").get_text()
    assert "¥20,000.00" in alert and "请更正标出的字段" not in alert


def test_leads_are_handled_on_their_page(staff, make_institution, client, as_user):
    institution = make_institution(category="arts")
    as_user("arts")
    response = client.post("/enforcement/leads/new", data={"institution": institution.credit_code, "description": ""})
    assert response.status_code == 422 and field_errors(response, "description")
    response = client.post("/enforcement/leads/new", data={"institution": institution.credit_code,
                                                           "description": "晚上九点后仍在上课", "reporter_phone": "13900002222"})
    assert response.status_code == 302
    url = response.headers["Location"]
    shown = page(client.get(url))
    assert "晚上九点后仍在上课" in shown.get_text()
    version = shown.select_one('input[name="assign-version"]')["value"]
    assert client.post(url, data={"action": "assign", "assign-version": version, "assign-assignee": "arts2"}).status_code == 302
    assert page(client.get(url)).find("button", string="办结线索") is None  # handled first
    assert client.post(url, data={"action": "handle", "handle-version": str(int(version) + 1)}).status_code == 302
    version = str(int(version) + 1)
    closing = client.post(url, data={"action": "close", "close-version": str(int(version) + 1), "close-outcome": "rectified",
                                     "close-closed_on": days_ago(0), "close-reply": ""})
    assert closing.status_code == 422 and field_errors(closing, "close-reply")
    client.post(url, data={"action": "close", "close-version": str(int(version) + 1), "close-outcome": "rectified",
                           "close-closed_on": days_ago(0), "close-reply": "已责令调整上课时间"})
    assert "已责令调整上课时间" in page(client.get(url)).get_text()
    assert page(client.get("/enforcement/leads?state=closed")).select("table tbody tr")


def test_the_public_reports_and_follows_only_their_own_report(staff, make_institution, client):
    institution = make_institution(category="arts", name="鹿城区彩虹美术培训学校")
    response = client.post("/report", data={"subject_name": institution.name, "subject_address": "解放街",
                                            "description": "周末上数学课", "reporter_phone": ""})
    assert response.status_code == 422 and field_errors(response, "reporter_phone")
    response = client.post("/report", data={"subject_name": institution.name, "subject_address": "解放街",
                                            "description": "周末上数学课", "reporter_phone": "13900003333"})
    # Redirected after the POST: refreshing the thanks page files nothing again, and the number is not in its address.
    assert response.status_code == 303 and response.headers["Location"] == "/report/thanks"
    number = page(client.get("/report/thanks")).select_one(".tracking").get_text(strip=True)
    from registry.enforcement.models import Lead

    lead = db.session.query(Lead).one()
    again = page(client.get("/report/thanks"))
    assert again.select_one(".tracking") is None and "只显示一次" in again.get_text()
    assert db.session.query(Lead).count() == 1
    assert lead.tracking_number == number and lead.department_code == "culture"  # the name is in the register
    found = client.get(f"/report/track?number={number.lower().replace('-', '')}&phone=3333")
    assert found.status_code == 200 and number in found.get_data(as_text=True)
    assert "13900003333" not in found.get_data(as_text=True)
    assert client.get(f"/report/track?number={number}&phone=1111").status_code == 404
    assert client.get("/report/track?number=AAAA-BBBB-CCCC&phone=3333").status_code == 404


def test_the_public_form_is_rate_limited(database_url):
    from tests.conftest import make_test_app

    app = make_test_app(database_url, RATELIMIT_ENABLED=True, REGISTRY_PUBLIC_LEAD_LIMIT="2 per hour")
    with app.app_context():
        client = app.test_client()
        data = {"subject_name": "某托管班", "subject_address": "某小区", "description": "无证", "reporter_phone": "13900004444"}
        assert [client.post("/report", data=data).status_code for _ in range(3)] == [303, 303, 429]
        assert client.get("/report").status_code == 200  # reading the form is not limited
        db.session.remove()
        db.engine.dispose()


def test_the_public_form_needs_its_csrf_token(database_url):
    from tests.conftest import make_test_app

    app = make_test_app(database_url, WTF_CSRF_ENABLED=True)
    with app.app_context():
        client = app.test_client()
        data = {"subject_name": "某托管班", "subject_address": "某小区", "description": "无证", "reporter_phone": "13900004444"}
        assert client.post("/report", data=data).status_code == 400
        token = page(client.get("/report")).select_one('input[name="csrf_token"]')["value"]
        assert client.post("/report", data={**data, "csrf_token": token}).status_code == 303
        db.session.remove()
        db.engine.dispose()


def test_a_grid_worker_sees_only_their_reports(staff, client, as_user):
    as_user("grid")
    assert client.get("/enforcement/leads").status_code == 200
    assert client.get("/enforcement/inspections").status_code == 403
    assert client.get("/enforcement/fines").status_code == 403


def test_an_admin_edits_the_checklists(staff, client, as_user):
    as_user("admin")
    response = client.post("/enforcement/checklists/new", data={"category": "tech", "key": "robot_safety", "label_zh": "",
                                                                "label_en": "Robot kits safe", "legal_basis": "", "position": "5"})
    assert response.status_code == 422 and field_errors(response, "label_zh") and field_errors(response, "legal_basis")
    response = client.post("/enforcement/checklists/new", data={
        "category": "tech", "key": "robot_safety", "label_zh": "机器人套件安全", "label_en": "Robot kits safe",
        "legal_basis": "产品质量法", "bulletin_group": "safety", "position": "5"})
    assert response.status_code == 302
    assert "机器人套件安全" in page(client.get("/enforcement/checklists")).get_text()
    from registry.enforcement import services

    item = next(i for i in services.checklist("tech") if i.key == "robot_safety")
    assert client.post(f"/enforcement/checklists/{item.id}", data={
        "label_zh": "机器人套件安全", "label_en": "Robot kits safe", "legal_basis": "产品质量法", "position": "5"}).status_code == 302
    assert "robot_safety" not in [i.key for i in services.checklist("tech")]  # retired, not deleted
    assert "robot_safety" in [i.key for i in services.checklist("tech", active_only=False)]
    as_user("tech")
    assert client.get("/enforcement/checklists").status_code == 403


def test_official_words_for_enforcement_staff_and_payments(staff, make_institution, client, as_user, inspect, step):
    """执法人员 are the department's officers (从业人员 are the institution's own employees); a fine partly paid shows
    the amount paid as 已缴金额 and the rest as 未缴金额, never 已缴清 beside 部分缴纳."""
    institution = make_institution(category="arts")
    inspection = inspect("arts", institution).json
    as_user("arts")
    listed = page(client.get("/enforcement/inspections"))
    assert "执法人员" in [th.get_text(strip=True) for th in listed.select("thead th")]
    shown = page(client.get(f"/enforcement/inspections/{inspection['id']}"))
    assert "执法人员" in [dt.get_text(strip=True) for dt in shown.select("dt")]
    assert not [label for label in listed.select("th") + shown.select("dt") if "从业人员" in label.get_text()]

    from registry.enforcement import services

    case = _case_up_to_decision(staff, institution)
    services.record_step(staff["arts"], case.id, {"step": "decided", "on": days_ago(10), "people": ["arts", "arts2"],
                                                  "documents": "决定书", "violation_type": "fee_violation",
                                                  "sanctions": ["fine"], "fine": "20000"}, version=case.version)
    fine = services.fine_of(case.id)
    services.record_payment(staff["arts"], fine.id, {"amount": "5000", "paid_on": days_ago(5), "receipt_number": "缴款书1"},
                            version=fine.version)
    db.session.commit()
    shown = page(client.get(f"/enforcement/fines/{fine.id}"))
    details = {dt.get_text(strip=True): dt.find_next_sibling("dd").get_text(strip=True) for dt in shown.select("dt")}
    assert details["已缴金额"] == "¥5,000.00" and details["未缴金额"] == "¥15,000.00"
    assert "部分缴纳" in shown.get_text() and "已缴清" not in details
    listed = page(client.get("/enforcement/fines"))
    assert "已缴金额" in [th.get_text(strip=True) for th in listed.select("thead th")]


def test_a_lead_just_received_is_closed_only_as_not_accepted_with_a_reason_and_a_confirmation(staff, make_institution,
                                                                                               client, as_user):
    from registry.enforcement import services

    lead = services.record_hotline_lead(staff["arts"], {"institution_id": make_institution(category="arts").id,
                                                        "description": "举报"})
    db.session.commit()
    as_user("arts")
    url = f"/enforcement/leads/{lead.id}"
    shown = page(client.get(url))
    assert shown.find("button", string="办结线索") is None  # no one-click close before it is assigned and handled
    intake = shown.select_one("form#intake")
    assert [o["value"] for o in intake.select("select option") if o["value"]] == ["unfounded", "transferred"]
    data = {"action": "intake", "intake-version": str(lead.version), "intake-outcome": "unfounded",
            "intake-reply": "举报内容与事实明显不符"}
    unconfirmed = client.post(url, data=data)
    assert unconfirmed.status_code == 422 and field_errors(unconfirmed, "intake-confirm")
    assert page(unconfirmed).select_one("#intake-reply").get_text().strip() == "举报内容与事实明显不符"
    assert client.post(url, data={**data, "intake-confirm": "y"}).status_code == 302
    closed = page(client.get(url))
    assert "查无实据" in closed.get_text() and closed.select_one("form#intake") is None


def test_the_leads_search_finds_part_of_a_tracking_number(staff, make_institution, client, as_user):
    from registry.enforcement import services

    institution = make_institution(category="arts", name="鹿城区彩虹美术培训学校")
    found, other = (services.record_hotline_lead(staff["arts"], {"institution_id": institution.id, "description": d})
                    for d in ("举报一", "举报二"))
    db.session.commit()
    as_user("arts")
    number = found.tracking_number  # XXXX-XXXX-XXXX

    def listed(q):
        return [d.get_text(strip=True) for d in page(client.get("/enforcement/leads", query_string={"q": q}))
                .select("table tbody tr td div.mono")]

    for typed in (number[5:9], number[3:8].lower(), number.replace("-", "")[2:10], number):
        shown = listed(typed)
        assert number in shown, typed
        assert other.tracking_number not in shown or other.tracking_number.replace("-", "").find(
            typed.replace("-", "").upper()) >= 0, typed
    assert len(listed("彩虹")) == 2


def test_a_leads_timeline_names_people_as_other_pages_do(staff, client, as_user):
    from registry.enforcement.models import Lead

    staff["market"].display_name = "李明"
    db.session.commit()
    client.post("/report", data={"subject_name": "某托管班", "subject_address": "某小区", "description": "无证",
                                 "reporter_phone": "13900004444"})
    lead = db.session.query(Lead).one()
    as_user("market")
    url = f"/enforcement/leads/{lead.id}"
    client.post(url, data={"action": "assign", "assign-version": str(lead.version), "assign-assignee": "market",
                           "assign-note": "请核实"})
    actors = [li.select_one(".muted.small").get_text(strip=True) for li in page(client.get(url)).select("ol.timeline li")]
    assert actors == ["系统", "李明"]


def test_staff_and_sanctions_are_ticked_own_department_first_the_officer_preselected(staff, make_institution, client,
                                                                                   as_user):
    from registry.enforcement import services

    institution = make_institution(category="arts")
    as_user("arts")
    form = page(client.get(f"/enforcement/institutions/{institution.id}/inspect"))
    boxes = form.select('ul.checks input[type=checkbox][name="staff"]')
    assert form.select_one('select[name="staff"]') is None and len(boxes) == len(services.staff_choices())
    assert [b["value"] for b in boxes[:2]] == ["arts", "arts2"]  # culture's own staff first
    assert [b["value"] for b in boxes if b.has_attr("checked")] == ["arts"]
    assert "Ctrl" not in form.get_text()

    case = _case_up_to_decision(staff, institution)
    db.session.commit()
    shown = page(client.get(f"/enforcement/cases/{case.id}"))
    people = shown.select('ul.checks input[name="people"]')
    assert [p["value"] for p in people] == ["arts", "arts2"]  # the case's department only
    assert [p["value"] for p in people if p.has_attr("checked")] == ["arts"]
    assert len(shown.select('ul.checks input[name="sanctions"]')) >= 5


def test_the_hotline_finds_the_institution_by_name_or_credit_code(staff, make_institution, client, as_user):
    from registry.enforcement.models import Lead

    ours = make_institution(category="arts", name="鹿城区彩虹美术培训学校")
    theirs = make_institution(category="sports", name="鹿城区彩虹游泳培训中心")
    as_user("arts")
    form = page(client.get("/enforcement/leads/new"))
    field = form.select_one("input#institution")
    assert field["list"] == "institution-suggestions" and form.find("input", attrs={"name": "institution_id"}) is None
    suggested = client.get(field["data-suggest"], query_string={"q": "彩虹"}).json["institutions"]
    assert [s["credit_code"] for s in suggested] == [ours.credit_code]  # only what the officer may see
    assert client.get(field["data-suggest"], query_string={"q": ours.credit_code[:10]}).json["institutions"][0]["name"] \
        == ours.name
    wrong = client.post("/enforcement/leads/new", data={"institution": "91330302MA0000000X", "description": "举报"})
    assert wrong.status_code == 422 and field_errors(wrong, "institution")
    assert page(wrong).select_one("input#institution")["value"] == "91330302MA0000000X"
    assert client.post("/enforcement/leads/new", data={"institution": ours.credit_code.lower(),
                                                       "description": "周末上数学课"}).status_code == 302
    assert db.session.query(Lead).one().institution_id == ours.id
    # From the institution's page the field comes filled.
    prefilled = page(client.get(f"/enforcement/leads/new?institution_id={ours.id}"))
    assert prefilled.select_one("input#institution")["value"] == ours.credit_code
    as_user("sports")
    assert [s["name"] for s in client.get("/institutions/suggest?q=彩虹").json["institutions"]] == [theirs.name]
