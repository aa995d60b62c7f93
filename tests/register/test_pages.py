"""The register's pages, as a licensing officer uses them."""
from registry.extensions import db
from registry.register.models import Institution
from tests.conftest import field_errors, institution_data, page


def form_data(**overrides):
    data = {k: ("" if v is None else str(v)) for k, v in institution_data(**overrides).items()}
    data.setdefault("status", "applied")
    return data


def test_chinese_by_default_and_english_remembered(as_user, users):
    client = as_user("edu")
    assert "机构" in page(client.get("/institutions")).find("nav").get_text()
    client.post("/language", data={"locale": "en", "next": "/institutions"})
    assert "Institutions" in page(client.get("/institutions")).find("nav").get_text()
    # remembered on the account: a new login in English
    client.post("/logout")
    client.post("/login", data={"username": "edu", "password": "correct-horse-battery"})
    assert "Institutions" in page(client.get("/institutions")).find("nav").get_text()


def test_officer_sees_only_own_department_and_filters(as_user, make_institution):
    make_institution(name="瓯海区启明学科培训学校", category="academic")
    make_institution(name="鹿城区飞翔游泳培训中心", category="sports", district="330302")
    make_institution(name="龙湾区星火舞蹈培训学校", category="arts", district="330303", latitude=27.93, longitude=120.8)
    make_institution(name="鹿城区博雅美术培训学校", category="arts", status="applied")
    client = as_user("arts")
    names = [a.get_text() for a in page(client.get("/institutions")).select("table a")]
    assert sorted(names) == ["鹿城区博雅美术培训学校", "龙湾区星火舞蹈培训学校"]

    filtered = page(client.get("/institutions?district=330303"))
    assert [a.get_text() for a in filtered.select("table a")] == ["龙湾区星火舞蹈培训学校"]
    by_status = page(client.get("/institutions?status=applied"))
    assert [a.get_text() for a in by_status.select("table a")] == ["鹿城区博雅美术培训学校"]

    # the list remembers its filters when the officer comes back
    back = client.get("/institutions")
    assert back.status_code == 302 and "status=applied" in back.headers["Location"]
    assert client.get("/institutions?reset=1").status_code == 302
    assert client.get("/institutions").status_code == 200


def test_register_an_institution(as_user, users):
    client = as_user("arts")
    response = client.post("/institutions/new", data=form_data(name="鹿城区新华艺术培训学校"))
    assert response.status_code == 302
    detail = page(client.get(response.headers["Location"]))
    assert detail.find("h1").get_text().startswith("鹿城区新华艺术培训学校")
    assert "文化广电旅游局" in detail.get_text()
    assert "Registered" in detail.select_one(".history").get_text() or "登记" in detail.select_one(".history").get_text()


def test_errors_stand_beside_their_fields_and_keep_what_was_typed(as_user, users):
    client = as_user("arts")
    response = client.post("/institutions/new", data=form_data(
        credit_code="91350100M000100Y4Z", latitude="39.9", longitude="116.4", contact_phone="12345", name="新华艺术"))
    assert response.status_code == 422
    assert any("“3”" in e for e in field_errors(response, "credit_code"))
    soup = page(response)
    assert soup.find(id="credit_code")["value"] == "91350100M000100Y4Z"
    assert soup.find(id="name")["value"] == "新华艺术"
    assert field_errors(response, "contact_phone")
    assert db.session.query(Institution).count() == 0


def test_coordinates_outside_the_jurisdiction(app, as_user, users):
    app.config["REGISTRY_BOUNDS"] = (119.6, 27.0, 121.3, 28.6)
    client = as_user("arts")
    response = client.post("/institutions/new", data=form_data(latitude="39.9", longitude="116.4"))
    assert field_errors(response, "latitude") and field_errors(response, "longitude")


def test_academic_needs_a_reason_and_a_91_code_is_flagged(as_user, users):
    client = as_user("edu")
    code = "91350100M000100Y43"
    response = client.post("/institutions/new", data=form_data(category="academic", credit_code=code))
    assert field_errors(response, "registration_reason")
    response = client.post("/institutions/new", data=form_data(category="academic", credit_code=code,
                                                              registration_reason="原机构重新登记"))
    assert response.status_code == 302
    institution = db.session.query(Institution).one()
    assert set(institution.flags) == {"for_profit_academic", "new_academic"}
    detail = page(client.get(response.headers["Location"]))
    assert len(detail.select(".alert-warning")) == 2


def test_duplicate_credit_code_is_refused_on_the_field(as_user, make_institution):
    existing = make_institution(category="arts")
    client = as_user("arts")
    response = client.post("/institutions/new", data=form_data(credit_code=existing.credit_code))
    assert any(existing.name in e for e in field_errors(response, "credit_code"))


def test_stale_edit_is_refused_and_shows_current_values(as_user, make_institution):
    institution = make_institution(category="arts")
    client = as_user("arts")
    first = page(client.get(f"/institutions/{institution.id}/edit"))
    version = first.find(id="version")["value"]
    data = {i["name"]: i.get("value", "") for i in first.select("input") if i.get("name")}
    data.update({s["name"]: (s.find("option", selected=True) or s.find("option"))["value"] for s in first.select("select")})
    # another officer saves first
    other = client.application.test_client()
    other.post("/login", data={"username": "admin", "password": "correct-horse-battery"})
    assert other.post(f"/institutions/{institution.id}/edit", data={**data, "capacity": "70"}).status_code == 302

    response = client.post(f"/institutions/{institution.id}/edit", data={**data, "version": version, "capacity": "55"})
    assert response.status_code == 409
    soup = page(response)
    assert soup.select_one(".alert-error")
    assert "70" in soup.select_one(".alert-warning table").get_text()
    assert soup.find(id="capacity")["value"] == "55"  # what this officer typed is kept
    db.session.expire_all()
    assert db.session.get(Institution, institution.id).capacity == 70


def test_other_department_cannot_edit_and_sees_no_button(as_user, make_institution):
    academic = make_institution(category="academic")
    client = as_user("sports")
    assert client.get(f"/institutions/{academic.id}").status_code == 403
    assert client.get(f"/institutions/{academic.id}/edit").status_code == 403
    assert client.post(f"/institutions/{academic.id}/transition/suspended", data={"reason": "x"}).status_code == 403

    market = as_user("market")
    detail = page(market.get(f"/institutions/{academic.id}"))
    assert detail.find("h1")
    assert not detail.find("a", href=f"/institutions/{academic.id}/edit")
    assert not detail.select(".transitions a")
    assert market.get(f"/institutions/{academic.id}/edit").status_code == 403
    assert market.get("/institutions/new").status_code == 403


def test_lifecycle_with_confirmation(as_user, make_institution):
    institution = make_institution(category="arts")
    client = as_user("arts")
    detail = page(client.get(f"/institutions/{institution.id}"))
    offered = {a["href"].rsplit("/", 1)[1] for a in detail.select(".transitions a")}
    assert offered == {"suspended", "revoked", "deregistered"}

    url = f"/institutions/{institution.id}/transition/revoked"
    unconfirmed = client.post(url, data={"reason": "无证经营被处罚", "version": "1", "effective_on": "2026-01-05"})
    assert unconfirmed.status_code == 422 and field_errors(unconfirmed, "confirm")
    assert db.session.get(Institution, institution.id).status == "licensed"
    confirmed = client.post(url, data={"reason": "无证经营被处罚", "version": "1", "effective_on": "2026-01-05", "confirm": "y"})
    assert confirmed.status_code == 302
    db.session.expire_all()
    assert db.session.get(Institution, institution.id).status == "revoked"
    detail = page(client.get(f"/institutions/{institution.id}"))
    assert "无证经营被处罚" in detail.select_one(".timeline").get_text()
    assert not detail.select(".transitions a")


def test_illegal_transition_is_refused_with_a_message(as_user, make_institution):
    institution = make_institution(category="arts", status="applied")
    client = as_user("arts")
    response = client.post(f"/institutions/{institution.id}/transition/suspended", data={"reason": "整改", "version": "1"})
    assert response.status_code == 422
    assert page(response).select_one(".alert-error")


def test_conversion_creates_the_linked_record(as_user, make_institution):
    academic = make_institution(category="academic", name="鹿城区启明学科培训学校")
    client = as_user("edu")
    response = client.post(f"/institutions/{academic.id}/transition/converted", data={
        "reason": "压减转型", "version": "1", "new_category": "arts", "confirm": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    new = db.session.query(Institution).filter_by(converted_from_id=academic.id).one()
    assert (new.category, new.department_code, new.status, new.credit_code) == ("arts", "culture", "applied", academic.credit_code)
    assert db.session.get(Institution, academic.id).status == "converted"
    detail = page(client.get(f"/institutions/{academic.id}"))
    assert detail.find("a", href=f"/institutions/{new.id}")
    # the arts officer now supervises the new record
    assert as_user("arts").get(f"/institutions/{new.id}").status_code == 200


def test_csrf_protects_forms(app, as_user, users):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    response = client.post("/login", data={"username": "edu", "password": "correct-horse-battery"})
    assert response.status_code == 400


def test_a_step_dated_before_the_step_it_follows_is_refused_beside_its_date(as_user, make_institution):
    institution = make_institution(category="arts")  # licensed on 2021-03-01
    client = as_user("arts")
    response = client.post(f"/institutions/{institution.id}/transition/suspended",
                           data={"reason": "消防整改", "version": "1", "effective_on": "2020-06-01"})
    assert response.status_code == 422
    assert field_errors(response, "effective_on") == ["生效日期不能早于前一环节的日期（2021-03-01）。"]
    db.session.expire_all()
    assert db.session.get(Institution, institution.id).status == "licensed"
