"""The staff pages as their users meet them: the institution page's panel, the roster, adding and ending a staff
member, the masked and revealed ID number, the findings list; in Chinese unless said otherwise."""
from sqlalchemy import select

from registry.core.audit import AuditEntry
from registry.extensions import db
from registry.staff.models import StaffMember
from tests.conftest import field_errors, page
from tests.staff.conftest import id_number, member_data


def text_of(response) -> str:
    return page(response).get_text(" ", strip=True)


def test_the_institution_page_shows_the_staff_panel_with_its_findings(as_user, arts, add_staff):
    add_staff(arts, name="王芳", full_time=False, teacher_cert="", professional_cert="", check_result="pending",
              checked_on="")
    panel = page(as_user("arts").get(f"/institutions/{arts.id}")).select_one("#staff")
    words = panel.get_text(" ", strip=True)
    assert "从业人员" in words
    assert "王芳" in words
    assert "从业人员审查结果未出即已在岗。" in words
    assert "既无教师资格证也无专业证书任教。" in words
    assert "1名教学人员中专职仅0名（应不少于50%）。" in words


def test_market_staff_read_the_roster_grid_workers_and_other_departments_do_not(client, as_user, arts, add_staff):
    member = add_staff(arts, name="王芳")
    assert "王芳" in text_of(as_user("market").get(f"/institutions/{arts.id}/staff"))
    assert as_user("market").get(f"/institutions/{arts.id}/staff/new").status_code == 403
    assert as_user("edu").get(f"/institutions/{arts.id}/staff").status_code == 403
    assert as_user("edu").get(f"/staff/{member.id}").status_code == 403
    assert as_user("grid").get(f"/staff/{member.id}").status_code == 403
    panel = page(as_user("grid").get(f"/institutions/{arts.id}")).select_one("#staff")
    assert panel is None


def test_the_id_number_is_masked_on_every_page(as_user, arts, add_staff):
    number = id_number()
    member = add_staff(arts, name="王芳", id_number=number, check_result="pending", checked_on="")
    masked = number[:6] + "********" + number[-4:]
    client = as_user("arts")
    for url in (f"/institutions/{arts.id}", f"/institutions/{arts.id}/staff", f"/staff/{member.id}", "/staff/findings"):
        body = client.get(url).get_data(as_text=True)
        assert number not in body, url
    assert masked in client.get(f"/institutions/{arts.id}/staff").get_data(as_text=True)
    assert page(client.get(f"/staff/{member.id}")).select_one("#id-number").get_text(strip=True) == masked


def test_revealing_the_whole_number_is_audited(as_user, arts, add_staff, users):
    number = id_number()
    member = add_staff(arts, id_number=number)
    client = as_user("arts")
    unticked = client.post(f"/staff/{member.id}/reveal", data={})
    assert unticked.status_code == 422 and number not in unticked.get_data(as_text=True)
    shown = client.post(f"/staff/{member.id}/reveal", data={"confirm": "y"})
    assert page(shown).select_one("#id-number").get_text(strip=True) == number
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "staff.reveal")).one()
    assert entry.actor == "arts" and entry.entity_id == str(member.id) and number not in (entry.reason or "")
    assert as_user("market").post(f"/staff/{member.id}/reveal", data={"confirm": "y"}).status_code == 403
    # the audit log never holds the whole number
    assert not db.session.scalars(select(AuditEntry).where(AuditEntry.after.contains(number))).all()


def test_adding_a_staff_member(as_user, arts):
    number = id_number(born="19850630", sex="F")
    response = as_user("arts").post(f"/institutions/{arts.id}/staff/new", data={
        **member_data(name="陈静", id_number=number), "full_time": "full_time"})
    assert response.status_code == 302
    member = db.session.scalars(select(StaffMember)).one()
    assert (member.name, member.sex, member.birth_date.isoformat()) == ("陈静", "F", "1985-06-30")
    shown = text_of(as_user("arts").get(response.headers["Location"]))
    assert "女" in shown and "1985-06-30" in shown


def test_a_wrong_check_digit_is_said_in_chinese_beside_the_field_keeping_what_was_typed(as_user, arts):
    number = id_number()
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    response = as_user("arts").post(f"/institutions/{arts.id}/staff/new", data={
        **member_data(name="陈静", id_number=wrong), "full_time": "full_time"})
    assert response.status_code == 422
    [message] = field_errors(response, "id_number")
    assert "校验位" in message and number[-1] in message
    soup = page(response)
    assert soup.find(id="id_number")["value"] == wrong and soup.find(id="name")["value"] == "陈静"
    assert db.session.scalars(select(StaffMember)).all() == []


def test_the_same_person_twice_is_refused(as_user, arts, add_staff):
    member = add_staff(arts)
    response = as_user("arts").post(f"/institutions/{arts.id}/staff/new", data={
        **member_data(id_number=member.id_number), "full_time": "full_time"})
    assert response.status_code == 422 and field_errors(response, "id_number")


def test_ending_an_employment(as_user, arts, add_staff):
    member = add_staff(arts, name="王芳")
    client = as_user("arts")
    refused = client.post(f"/staff/{member.id}/end", data={"left_on": "2024-01-01", "version": member.version})
    assert refused.status_code == 422 and field_errors(refused, "left_on")
    response = client.post(f"/staff/{member.id}/end", data={"left_on": "2026-09-30", "reason": "合同到期",
                                                            "version": member.version})
    assert response.status_code == 302
    roster = page(client.get(f"/institutions/{arts.id}/staff"))
    assert "前员工（已离职）" in roster.get_text()
    assert "2026-09-30" in roster.get_text()


def test_the_findings_list_for_the_department_and_market(as_user, arts, make_institution, add_staff):
    sports = make_institution(name="瓯海区飞跃游泳培训中心", category="sports")
    add_staff(arts, name="王芳", check_result="refused", checked_on="2026-05-01")
    add_staff(sports, name="赵强", check_result="pending", checked_on="")
    arts_view = text_of(as_user("arts").get("/staff/findings"))
    assert "王芳" in arts_view and "赵强" not in arts_view
    assert "从业人员审查未通过仍在岗。" in arts_view
    market_view = text_of(as_user("market").get("/staff/findings"))
    assert "王芳" in market_view and "赵强" in market_view
    assert as_user("grid").get("/staff/findings").status_code == 403


def test_a_person_on_two_rosters_is_shown_on_both(as_user, arts, make_institution, add_staff):
    other = make_institution(name="鹿城区彩虹美术培训学校", category="arts")
    number = id_number()
    add_staff(arts, name="王芳", id_number=number)
    add_staff(other, name="王芳", id_number=number)
    for institution in (arts, other):
        panel = page(as_user("arts").get(f"/institutions/{institution.id}")).select_one("#staff").get_text()
        assert "同时在其他1家机构任职。" in panel


def test_pages_in_english(as_user, arts, add_staff):
    add_staff(arts, name="王芳", check_result="pending", checked_on="")
    client = as_user("arts")
    with client.session_transaction() as session:
        session["locale"] = "en"
    words = text_of(client.get(f"/institutions/{arts.id}/staff"))
    assert "Employed while the background check is pending." in words


def test_recording_a_new_background_check_clears_the_finding(as_user, arts, add_staff):
    member = add_staff(arts, name="王芳", checked_on="2025-06-01")
    client = as_user("arts")
    assert "的从业人员审查已超过12个月。" in text_of(client.get(f"/staff/{member.id}"))
    form = page(client.get(f"/staff/{member.id}/edit"))
    values = {field["name"]: field.get("value", "") for field in form.select("form input")}
    values.update({select["name"]: select.find("option", selected=True)["value"] for select in form.select("form select")})
    assert values["id_number"] == member.id_number and values["full_time"] == "full_time"
    values["checked_on"] = "2026-10-01"
    response = client.post(f"/staff/{member.id}/edit", data=values)
    assert response.status_code == 302
    assert "已超过" not in text_of(client.get(f"/staff/{member.id}"))
    stale = client.post(f"/staff/{member.id}/edit", data={**values, "checked_on": "2026-10-02"})
    assert stale.status_code == 302 and "他人修改" in text_of(client.get(stale.headers["Location"]))
    assert as_user("market").get(f"/staff/{member.id}/edit").status_code == 403


def test_the_public_sees_teaching_staff_names_and_qualification_of_licensed_institutions_only(
        client, arts, make_institution, add_staff):
    number = id_number()
    add_staff(arts, name="王芳", id_number=number)
    add_staff(arts, name="赵强", teacher_cert="", professional_cert="")
    add_staff(arts, name="钱多", role="management")
    applied = make_institution(name="鹿城区彩虹美术培训学校", category="arts", status="applied")
    add_staff(applied, name="孙丽")
    shown = page(client.get("/public?q=鹿城区")).get_text(" ", strip=True)
    assert "王芳（有资质）" in shown.replace(" ", "") and "赵强（无资质）" in shown.replace(" ", "")
    assert "钱多" not in shown and "孙丽" not in shown and number not in shown and number[-4:] not in shown
