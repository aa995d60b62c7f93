"""The annual inspection as officers and the public meet it in the browser."""
from sqlalchemy import select

from registry.extensions import db
from registry.register.models import Institution
from tests.annual.conftest import CAMPAIGN
from tests.conftest import field_errors, page


def test_an_officer_opens_a_campaign_and_sees_its_progress(as_user, officers, arts_institutions):
    client = as_user("arts")
    response = client.post("/annual/new", data=CAMPAIGN, follow_redirects=True)
    assert response.status_code == 200
    soup = page(response)
    assert "年度检查" in soup.title.get_text()
    due = soup.select_one(".figure-due a")
    assert due.get_text() == "2" and "show=due" in due["href"]
    assert soup.select_one(".figure-exempt a").get_text() == "1"
    listed = page(client.get(soup.select_one(".figure-exempt a")["href"]))
    assert "鹿城区新开美术培训中心" in listed.get_text() and "许可晚于" in listed.get_text()


def test_the_campaign_form_keeps_what_was_typed_beside_its_errors(as_user, officers):
    response = as_user("arts").post("/annual/new", data={"year": "2026", "materials_deadline": "2027-05-01",
                                                          "results_deadline": "2027-04-01"})
    assert response.status_code == 422
    assert field_errors(response, "results_deadline")
    assert page(response).find(id="materials_deadline")["value"] == "2027-05-01"


def test_another_departments_officer_gets_403(as_user, campaign, inspection_of, arts_institutions):
    client = as_user("edu")
    assert client.get(f"/annual/campaigns/{campaign.id}").status_code == 403
    assert client.get(f"/annual/inspections/{inspection_of(arts_institutions[0]).id}").status_code == 403


def test_reviewing_shows_the_grade_in_chinese(as_user, officers, inspection_of, arts_institutions):
    client = as_user("arts")
    inspection = inspection_of(arts_institutions[0])
    form = {"version": inspection.version, "reviewed_on": "2027-03-10", "signed_by": "arts", "cosigned_by": "arts2",
            "lost_fees": "10", "reason_fees": "收费标准未公示", "lost_staff": "25", "reason_staff": "无资格"}
    response = client.post(f"/annual/inspections/{inspection.id}/review", data=form)
    assert response.status_code == 422
    assert field_errors(response, "lost_staff")  # at most 15
    assert page(response).find(id="reason_fees")["value"] == "收费标准未公示"
    form.update(lost_staff="5")
    response = client.post(f"/annual/inspections/{inspection.id}/review", data=form, follow_redirects=True)
    soup = page(response)
    assert soup.select_one("dd.grade strong").get_text() == "合格"
    assert "85" in soup.select_one("dd.grade").get_text()


def test_a_second_fail_proposes_suspension_and_the_register_waits_for_the_officer(
        as_user, officers, graded, inspection_of, arts_institutions, campaign):
    from registry.annual.models import AnnualInspection
    from registry.annual.rules import Grade, State

    institution = arts_institutions[0]
    db.session.add(AnnualInspection(campaign_id=campaign.id, institution_id=institution.id, year=2025,
                                    department_code="culture", district="330302", state=State.reviewed, grade=Grade.failed))
    db.session.commit()
    inspection = graded(institution, lost={"fees": 15, "staff": 15, "teaching": 15}, rectification="全面整改",
                        rectification_deadline="2027-06-30")
    client = as_user("arts")
    soup = page(client.get(f"/annual/inspections/{inspection.id}"))
    assert "不合格" in soup.select_one("dd.grade").get_text()
    assert "停止招生" in soup.get_text()
    assert db.session.get(Institution, institution.id).status.value == "licensed"
    response = client.post(f"/annual/inspections/{inspection.id}/proposal",
                           data={"version": inspection.version, "decision": "confirm", "reason": ""})
    assert response.status_code == 422 and field_errors(response, "reason")
    db.session.expire_all()
    assert db.session.get(Institution, institution.id).status.value == "licensed"
    client.post(f"/annual/inspections/{inspection.id}/proposal",
                data={"version": inspection.version, "decision": "confirm", "reason": "连续两年年检不合格"})
    db.session.expire_all()
    assert db.session.get(Institution, institution.id).status.value == "suspended"


def test_the_csv_opens_in_excel(as_user, campaign, graded, arts_institutions):
    graded(arts_institutions[0])
    response = as_user("arts").get(f"/annual/campaigns/{campaign.id}/institutions.csv?show=all")
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    lines = body.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("机构") and "等级" in lines[0]
    assert len(lines) == 4 and any("合格" in line for line in lines[1:])


def test_the_public_lookup_shows_the_latest_published_grade(client, officers, campaign, graded, arts_institutions):
    from registry.annual import services

    graded(arts_institutions[0])
    assert page(client.get("/public?q=星光舞蹈")).select_one("td.annual").get_text() == "—"
    services.publish_results(officers["arts"], campaign.id)
    db.session.commit()
    soup = page(client.get("/public?q=星光舞蹈"))
    assert "2026 · 合格" in soup.select_one("td.annual").get_text()


def test_facts_the_registry_knows_are_shown_with_links(as_user, officers, inspection_of, arts_institutions):
    from registry.enforcement import services as enforcement

    institution = arts_institutions[0]
    results = {i.key: "pass" for i in enforcement.checklist("arts")}
    results["fire_safety"] = "fail"
    enforcement.record_inspection(officers["arts"], institution.id, {
        "inspected_on": "2026-09-01", "staff": ["arts", "arts2"], "results": results, "outcome": "rectification",
        "deadline": "2026-09-30", "item_notes": {"fire_safety": "安全出口堵塞"}})
    db.session.commit()
    soup = page(as_user("arts").get(f"/annual/inspections/{inspection_of(institution).id}"))
    link = soup.select_one(".annual-facts a")
    assert link is not None and "/inspections/" in link["href"] and "2026-09-01" in link.get_text()


def test_published_results_show_nothing_personal(client, as_user, campaign, graded, arts_institutions):
    graded(arts_institutions[0])
    graded(arts_institutions[1], lost={"fees": 15, "staff": 15, "premises": 5}, rectification="整改",
           rectification_deadline="2027-06-30")
    assert "尚未公布" in page(client.get("/annual/results")).get_text()
    officer = as_user("arts")
    assert officer.post(f"/annual/campaigns/{campaign.id}/publish").status_code == 302
    officer.post("/logout")
    soup = page(client.get("/annual/results?year=2026"))
    grades = {row.find("strong").get_text(): row.select_one("td.grade").get_text() for row in soup.select("tbody tr")}
    assert grades == {"鹿城区星光舞蹈培训学校": "合格", "鹿城区墨香书法培训中心": "基本合格"}
    assert "王丽" not in soup.get_text() and "13905771234" not in soup.get_text()


def test_the_xlsx_has_the_rows_of_the_list(as_user, campaign, graded, arts_institutions):
    import io

    from openpyxl import load_workbook

    graded(arts_institutions[0])
    response = as_user("arts").get(f"/annual/campaigns/{campaign.id}/institutions.xlsx?show=pass")
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "机构" and rows[1][0] == "鹿城区星光舞蹈培训学校" and rows[1][5] == "合格" and len(rows) == 2


def test_the_citys_campaign_over_its_districts(as_user, officers, make_institution, campaign, arts_institutions):
    from registry.annual import services

    other = make_institution(name="龙湾区童画美术培训中心", category="arts", district="330303")
    db.session.commit()
    city = services.open_campaign(officers["arts"], {**CAMPAIGN, "year": "2025", "materials_deadline": "2026-03-31",
                                                     "results_deadline": "2026-05-31"})
    db.session.commit()
    soup = page(as_user("arts").get(f"/annual/campaigns/{city.id}"))
    row = soup.find("tr", id="district-330303")
    assert "龙湾区" in row.th.get_text() and row.find("a").get_text() == "1"
    listed = page(as_user("arts").get(row.find("a")["href"]))
    assert [a.get_text() for a in listed.select("td a")] == [other.name]


def test_the_institution_page_has_an_annual_inspection_panel(as_user, graded, arts_institutions):
    institution = arts_institutions[0]
    graded(institution, lost={"fees": 5})
    panel = page(as_user("arts").get(f"/institutions/{institution.id}")).find(id="annual")
    assert "2026 年度检查" in panel.get_text() and "合格" in panel.get_text() and "95 分" in panel.get_text()
    assert page(as_user("edu").get(f"/institutions/{institution.id}")).find(id="annual") is None
