"""Every record with an id in a URL, tried as every role and as an officer of another department: each
gets the record only where the rules say so, a 403/404 otherwise, and a refused change writes nothing.

A route with an id that is not in RESOURCES fails `test_every_record_route_is_covered`: a new area adds
its records here."""
import pytest
from sqlalchemy import func, select

from registry.core.audit import AuditEntry
from registry.extensions import db

# Who may read a record of an arts institution (supervised by culture: the `arts` officer).
READERS = {"admin", "arts", "market"}
EDITORS = {"admin", "arts"}
USERS = ["admin", "arts", "edu", "sports", "grid", "market"]

# endpoint → (the id arguments it takes, from the records built below; extra arguments)
RESOURCES = {
    "register.institution": ("institution", {}),
    "register.edit_institution": ("institution", {}),
    "register.transition": ("institution", {"to": "suspended"}),
    "api.get_institution": ("institution", {}),
    "api.patch_institution": ("institution", {}),
    "api.institution_history": ("institution", {}),
    "api.transition_institution": ("institution", {}),
    "escrow.detail": ("institution", {}),
    "escrow.account": ("institution", {}),
    "escrow.change_status": ("institution", {"action": "freeze"}),
    "escrow.new_charge": ("institution", {}),
    "escrow.new_statement": ("institution", {}),
    "api.get_escrow": ("institution", {}),
    "api.put_escrow": ("institution", {}),
    "api.escrow_transition": ("institution", {}),
    "escrow.resolve_statement": ("statement", {}),
    "escrow.resolve_charge": ("charge", {}),
}
ADMIN_ONLY = {"accounts.edit_user"}
ID_ARGUMENTS = {"institution": "institution_id", "statement": "statement_id", "charge": "charge_id"}


@pytest.fixture
def records(users, make_institution):
    from registry.escrow import services

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
    db.session.commit()
    return {"institution": institution.id, "statement": statement.id, "charge": charge.id}


def _url(app, endpoint, records):
    kind, extra = RESOURCES[endpoint]
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
    for username in USERS:
        headers = token_for(username) if url.startswith("/api/") else _session_for(client, username)
        status = client.get(url, headers=headers).status_code
        allowed = READERS if endpoint in ("register.institution", "escrow.detail") or url.startswith("/api/") else EDITORS
        if username in allowed:
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
    for username in sorted(set(USERS) - EDITORS):
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
    for username in USERS:
        _session_for(client, username)
        assert client.get(url).status_code == (200 if username == "admin" else 403)
