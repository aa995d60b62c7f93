"""What waits for an officer on the home page: rectifications past their deadline, leads near theirs."""
from tests.conftest import page
from tests.enforcement.conftest import days_ago


def _section(soup, words: str):
    heading = next(h for h in soup.find_all("h3") if words in h.get_text())
    return heading, heading.find_next(["ul", "p"])


def test_an_officer_sees_overdue_rectifications_and_leads_near_their_deadline(staff, make_institution, client, token_for,
                                                                                inspect, as_user):
    late = make_institution(category="arts", name="鹿城区逾期整改舞蹈学校")
    in_time = make_institution(category="arts", name="鹿城区按期整改美术学校")
    assert inspect("arts", late, failed=["fee_schedule_displayed"], on=30, deadline=days_ago(2)).status_code == 201
    assert inspect("arts", in_time, failed=["fee_schedule_displayed"], on=3, deadline=days_ago(-10)).status_code == 201
    headers = token_for("arts")
    due = client.post("/api/v1/leads", headers=headers, json={"institution_id": late.id, "description": "周末开设数学班",
                                                               "received_on": days_ago(14)})
    fresh = client.post("/api/v1/leads", headers=headers, json={"institution_id": in_time.id, "description": "广告",
                                                                 "received_on": days_ago(0)})
    assert due.status_code == fresh.status_code == 201, (due.json, fresh.json)

    soup = page(as_user("arts").get("/"))
    heading, listed = _section(soup, "整改逾期")
    assert "1" in heading.get_text() and "鹿城区逾期整改舞蹈学校" in listed.get_text()
    assert "鹿城区按期整改美术学校" not in listed.get_text()
    heading, listed = _section(soup, "临近办理期限的线索")
    assert "鹿城区逾期整改舞蹈学校" in listed.get_text()  # due tomorrow (15 days from its receipt)
    assert "鹿城区按期整改美术学校" not in listed.get_text()  # due in a fortnight

    other = page(as_user("sports").get("/"))  # another department's officer: nothing of culture's
    assert "鹿城区逾期整改舞蹈学校" not in other.get_text()


def test_the_institution_page_flags_only_the_rectification_still_waiting(staff, make_institution, client, inspect,
                                                                          as_user):
    institution = make_institution(category="arts", name="鹿城区两次整改舞蹈学校")
    late = inspect("arts", institution, failed=["fee_schedule_displayed"], on=40, deadline=days_ago(20)).json
    assert inspect("arts", institution, on=15, follows=late["id"]).status_code == 201  # re-inspected: settled
    assert inspect("arts", institution, failed=["fire_safety"], on=10, deadline=days_ago(1)).status_code == 201
    assert inspect("arts", institution, failed=["fire_safety"], on=5, deadline=days_ago(-5)).status_code == 201

    panel = page(as_user("arts").get(f"/institutions/{institution.id}")).select_one("#enforcement")
    flagged = [li.select_one("a").get_text() for li in panel.select("li") if "整改逾期" in li.get_text()]
    assert flagged == [days_ago(10)]
