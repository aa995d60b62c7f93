"""The bulletin's enforcement sections (3 to 6) from real records: an inspection, its case, its fine, a lead."""
from tests.conftest import page
from tests.enforcement.conftest import days_ago
from tests.reports.test_bulletin import figure


def test_the_bulletin_counts_what_enforcement_recorded(staff, make_institution, client, token_for, inspect, step,
                                                       as_user):
    institution = make_institution(category="arts", name="鹿城区变相学科培训艺术学校")
    joint = inspect("arts", institution, failed=["no_academic_content"], outcome="case", on=10,
                    staff=["arts", "arts2", "market"], case_summary="以艺术名义开展学科类培训")
    assert joint.status_code == 201, joint.json
    headers = token_for("arts")
    [case] = client.get(f"/api/v1/cases?institution_id={institution.id}", headers=headers).json["items"]
    for name in ("investigated", "notified", "reviewed"):
        case = step("arts", case, name, on=days_ago(9)).json
    decided = step("arts", case, "decided", on=days_ago(8), violation_type="disguised_serious", sanctions=["fine"],
                   fine="30000")
    assert decided.status_code == 201, decided.json
    lead = client.post("/api/v1/leads", headers=headers, json={"institution_id": institution.id,
                                                               "description": "周末开设数学班", "received_on": days_ago(12)})
    assert lead.status_code == 201

    period = {"start": days_ago(14), "end": days_ago(1), "city": "330300"}
    soup = page(as_user("market").get("/reports/bulletin", query_string=period))
    assert figure(soup, "staff_person_times") == "3"  # three officers, once
    assert figure(soup, "institutions_inspected") == "1" and figure(soup, "joint_inspections") == "1"
    assert figure(soup, "violations_disguised") == "1"  # the failed item, not counted again through its case
    assert figure(soup, "cases_opened") == "1" and figure(soup, "cases_decided") == "1"
    assert soup.find("tr", id="fines_fen").find("td").a.get_text() == "¥30,000.00"
    assert figure(soup, "leads_received") == "1"

    records = as_user("market").get(soup.find("tr", id="cases_opened").find("td").a["href"])
    assert records.status_code == 200 and case["number"] in records.get_data(as_text=True)
