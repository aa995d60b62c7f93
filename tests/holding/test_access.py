"""Every record with an id in a URL, tried as every role and as an officer of another department: each
gets the record only where the rules say so, a 403/404 otherwise, and a refused change writes nothing.

A route with an id that is not in RESOURCES fails `test_every_record_route_is_covered`: a new area adds
its records here."""
import io

import pytest
from sqlalchemy import func, select

from registry.core.audit import AuditEntry
from registry.core.photos import Upload
from registry.extensions import db
from registry.grid.rules import ALL_CLEAR

# Who may read and who may change a record of an arts institution (supervised by culture: the `arts` officer).
# `grid2` is the grid worker of its cell; `grid` is a grid worker of no cell.
READERS = {"admin", "arts", "market"}
EDITORS = {"admin", "arts"}
USERS = ["admin", "arts", "edu", "sports", "grid", "grid2", "market"]
VISIT_READERS = {"admin", "arts", "market", "grid2"}

# endpoint → (the record whose id it takes, extra URL arguments, who may GET it, who may change through it)
RESOURCES = {
    "register.institution": ("institution", {}, READERS | {"grid2"}, set()),
    "register.edit_institution": ("institution", {}, EDITORS, EDITORS),
    "register.transition": ("institution", {"to": "suspended"}, EDITORS, EDITORS),
    "api.get_institution": ("institution", {}, READERS | {"grid2"}, set()),
    "api.patch_institution": ("institution", {}, set(), EDITORS),
    "api.institution_history": ("institution", {}, READERS | {"grid2"}, set()),
    "api.transition_institution": ("institution", {}, set(), EDITORS),
    "escrow.detail": ("institution", {}, READERS, set()),
    "escrow.account": ("institution", {}, EDITORS, EDITORS),
    "escrow.change_status": ("institution", {"action": "freeze"}, EDITORS, EDITORS),
    "escrow.new_charge": ("institution", {}, EDITORS, EDITORS),
    "escrow.new_statement": ("institution", {}, EDITORS, EDITORS),
    "api.get_escrow": ("institution", {}, READERS, set()),
    "api.put_escrow": ("institution", {}, set(), EDITORS),
    "api.escrow_transition": ("institution", {}, set(), EDITORS),
    "escrow.resolve_statement": ("statement", {}, EDITORS, EDITORS),
    "escrow.resolve_charge": ("charge", {}, EDITORS, EDITORS),
    "grid.visit_form": ("institution", {}, {"admin", "grid2"}, {"admin", "grid2"}),
    "grid.confirm": ("institution", {}, set(), {"admin"}),
    "grid.visit": ("visit", {}, VISIT_READERS, set()),
    "grid.photo": ("visit", {"photo_id": "photo"}, VISIT_READERS, set()),
    "api.get_visit": ("visit", {}, VISIT_READERS, set()),
    # Enforcement: the arts officers' inspection, lead, case and fine; market regulation reads them all and may
    # inspect any institution; a joint partner would read the inspection (tests/enforcement).
    "enforcement.inspect": ("institution", {}, READERS, READERS),
    "enforcement.inspection": ("inspection", {}, READERS, READERS),
    "enforcement.photo": ("inspection", {"result_id": "result"}, READERS, set()),
    "api.get_inspection": ("inspection", {}, READERS, set()),
    "api.patch_inspection": ("inspection", {}, set(), READERS),
    "api.refer_inspection": ("inspection", {}, set(), READERS),
    "enforcement.lead": ("lead", {}, READERS, EDITORS),
    "api.get_lead": ("lead", {}, READERS, set()),
    "api.lead_transition": ("lead", {}, set(), EDITORS),
    "enforcement.case": ("case", {}, READERS, EDITORS),
    "api.get_case": ("case", {}, READERS, set()),
    "api.case_steps": ("case", {}, READERS, set()),
    "api.add_case_step": ("case", {}, set(), EDITORS),
    "enforcement.fine": ("fine", {}, READERS, EDITORS),
    "api.get_fine": ("fine", {}, READERS, set()),
    "api.fine_payments": ("fine", {}, READERS, set()),
    "api.add_payment": ("fine", {}, set(), EDITORS),
    "enforcement.checklist_item": ("checklist_item", {}, {"admin"}, {"admin"}),
    # Staff: the supervising office keeps the roster and reveals ID numbers; market staff read; grid workers never.
    "staff.roster": ("institution", {}, READERS, set()),
    "staff.add": ("institution", {}, EDITORS, EDITORS),
    "api.get_staff": ("institution", {}, READERS, set()),
    "api.add_staff": ("institution", {}, set(), EDITORS),
    "staff.member": ("staff", {}, READERS, set()),
    "staff.end": ("staff", {}, EDITORS, EDITORS),
    "staff.edit_member": ("staff", {}, EDITORS, EDITORS),
    "staff.reveal": ("staff", {}, set(), EDITORS),
    # Annual inspection: the arts officers' campaign of 2026 and the institution's inspection in it.
    "annual.campaign": ("campaign", {}, READERS, set()),
    "annual.campaign_list": ("campaign", {}, READERS, set()),
    "annual.campaign_export": ("campaign", {"fmt": "csv"}, READERS, set()),
    "annual.absentees": ("campaign", {}, set(), EDITORS),
    "annual.publish": ("campaign", {}, set(), EDITORS),
    "annual.inspection": ("annual_inspection", {}, READERS, set()),
    "annual.material": ("annual_inspection", {}, set(), EDITORS),
    "annual.review": ("annual_inspection", {}, set(), EDITORS),
    "annual.correct": ("annual_inspection", {}, set(), EDITORS),
    "annual.rectified": ("annual_inspection", {}, set(), EDITORS),
    "annual.proposal": ("annual_inspection", {}, set(), EDITORS),
    "api.get_annual_inspection": ("annual_inspection", {}, READERS, set()),
    "api.review_annual_inspection": ("annual_inspection", {}, set(), EDITORS),
}
ADMIN_ONLY = {"accounts.edit_user"}
ID_ARGUMENTS = {"institution": "institution_id", "statement": "statement_id", "charge": "charge_id", "visit": "visit_id",
                "inspection": "inspection_id", "lead": "lead_id", "case": "case_id", "fine": "fine_id",
                "checklist_item": "item_id", "staff": "staff_id", "campaign": "campaign_id", "annual_inspection": "inspection_id"}
# A square around the institution's point (120.6543, 28.0123): its grid cell.
CELL = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"code": "C1", "name": "五马网格"},
        "geometry": {"type": "Polygon", "coordinates": [[[120.64, 28.00], [120.67, 28.00], [120.67, 28.02],
                                                         [120.64, 28.02], [120.64, 28.00]]]}}]}


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (32, 24), (30, 120, 200)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def records(users, make_user, make_institution):
    from registry.escrow import services
    from registry.grid import importing
    from registry.grid import services as grid

    institution = make_institution(name="鹿城区星光舞蹈培训学校", category="arts")
    admin = users["admin"]
    services.record_account(admin, institution.id, {"bank": "中国工商银行温州分行", "account_number": "6222021234561234",
                                                    "opened_on": "2026-06-15", "risk_deposit": "20000"}, reason="协议")
    statement, _ = services.record_statement(admin, institution.id, {
        "period_start": "2026-09-01", "period_end": "2026-09-30", "opening_balance": "10000", "received": "5000",
        "released": "3000", "refunded": "0", "closing_balance": "11000", "unearned": "11000"})  # flagged: 1,000 short
    charge = services.record_charge(admin, institution.id, {
        "charged_on": "2026-09-01", "course_start": "2026-09-05", "student_ref": "S1", "amount": "6000", "months": "6",
        "channel": "top_up"})  # breaks the three-month rule
    importing.import_cells(admin, CELL, code_property="code", name_property="name")
    worker = make_user("grid2", "grid_worker")
    grid.add_worker(admin, "C1", "grid2")
    db.session.commit()
    visit = grid.record_visit(worker, {"institution_id": institution.id, "latitude": 28.0124, "longitude": 120.6544,
                                       "accuracy": 10, "checklist": ALL_CLEAR, "notes": "正常营业"},
                              photos=[Upload("门口.png", _png())]).visit
    db.session.commit()
    from registry.staff import services as staff

    member = staff.add_member(admin, institution.id, {
        "name": "李明", "id_number": "330302199001011235", "role": "teaching", "full_time": True,
        "hired_on": "2024-09-01", "check_result": "passed", "checked_on": "2026-03-01"})
    db.session.commit()
    return {"institution": institution.id, "statement": statement.id, "charge": charge.id, "visit": visit.id,
            "photo": visit.photos[0].id, "staff": member.id, **_enforcement_records(institution, users["arts"], make_user("arts2", "officer", "culture")),
            **_annual_records(institution, users["arts"])}


def _annual_records(institution, arts) -> dict:
    from registry.annual import services

    campaign = services.open_campaign(arts, {"year": "2026", "materials_deadline": "2027-03-31",
                                             "results_deadline": "2027-05-31"})
    db.session.commit()
    [inspection] = services.list_inspections(arts, services.Filters(campaign_id=campaign.id)).items
    return {"campaign": campaign.id, "annual_inspection": inspection.id}


def _enforcement_records(institution, arts, arts2) -> dict:
    from registry.enforcement import services

    results = {i.key: "pass" for i in services.checklist("arts")}
    results["fire_safety"] = "fail"
    inspection = services.record_inspection(arts, institution.id, {
        "inspected_on": "2026-09-01", "staff": ["arts", "arts2"], "results": results, "outcome": "case",
        "item_notes": {"fire_safety": "安全出口堵塞"}, "case_summary": "消防安全隐患"},
        photos={"fire_safety": Upload("出口.png", _png())})
    lead = services.record_hotline_lead(arts, {"institution_id": institution.id, "description": "周末开设数学班"})
    [case] = services.cases_from(inspection_id=inspection.id)
    for step in ("investigated", "notified", "reviewed"):
        services.record_step(arts, case.id, {"step": step, "on": "2026-09-10", "people": ["arts", "arts2"], "documents": "文书"},
                             version=case.version)
    services.record_step(arts, case.id, {"step": "decided", "on": "2026-09-20", "people": ["arts", "arts2"],
                                         "documents": "决定书", "violation_type": "safety_violation", "sanctions": ["fine"],
                                         "fine": "5000"}, version=case.version)
    db.session.commit()
    return {"inspection": inspection.id, "result": inspection.failed_results[0].id, "lead": lead.id, "case": case.id,
            "fine": services.fine_of(case.id).id, "checklist_item": services.checklist("arts")[0].id}


def _url(app, endpoint, records):
    kind, extra, _, _ = RESOURCES[endpoint]
    extra = {name: records.get(value, value) for name, value in extra.items()}
    with app.test_request_context():
        from flask import url_for

        return url_for(endpoint, **{ID_ARGUMENTS[kind]: records[kind]}, **extra)


def _methods(app, endpoint):
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def _session_for(client, username):
    client.post("/logout")
    client.post("/login", data={"username": username, "password": "correct-horse-battery"})
    return {}


def test_every_record_route_is_covered(app):
    with_ids = {r.endpoint for r in app.url_map.iter_rules() if "<int:" in r.rule}
    assert with_ids - set(RESOURCES) - ADMIN_ONLY == set()


@pytest.mark.parametrize("endpoint", sorted(RESOURCES))
def test_reading_a_record(app, client, token_for, records, endpoint):
    if "GET" not in _methods(app, endpoint):
        pytest.skip("no GET")
    url = _url(app, endpoint, records)
    readers = RESOURCES[endpoint][2]
    for username in USERS:
        headers = token_for(username) if url.startswith("/api/") else _session_for(client, username)
        status = client.get(url, headers=headers).status_code
        if username in readers:
            assert status == 200, (username, url, status)
        else:
            assert status in (403, 404), (username, url, status)


def _audit_count():
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(AuditEntry))


@pytest.mark.parametrize("endpoint", sorted(RESOURCES))
def test_changing_a_record_of_another_department(app, client, token_for, records, endpoint):
    methods = [m for m in _methods(app, endpoint) if m != "GET"]
    if not methods:
        pytest.skip("read only")
    url = _url(app, endpoint, records)
    body = {"version": 1, "capacity": 1, "to": "suspended", "reason": "越权", "action": "freeze", "confirm": "y",
            "resolution": "越权处理", "bank": "x", "account_number": "6222021234569999"}
    for username in sorted(set(USERS) - RESOURCES[endpoint][3]):
        before = _audit_count()
        for method in methods:
            if url.startswith("/api/"):
                response = client.open(url, method=method, json=body, headers=token_for(username))
            else:
                _session_for(client, username)
                response = client.open(url, method=method, data=body)
            assert response.status_code in (403, 404), (username, method, url, response.status_code)
        assert _audit_count() == before


def test_user_pages_are_for_admins_only(client, users):
    url = f"/users/{users['edu'].id}"
    for username in users:
        _session_for(client, username)
        assert client.get(url).status_code == (200 if username == "admin" else 403)
