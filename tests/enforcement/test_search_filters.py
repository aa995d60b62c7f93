"""The search box's enforcement filters: institutions with open penalty cases, institutions owing fines."""
import csv
import io

from tests.conftest import page
from tests.enforcement.conftest import days_ago


def _search(client, headers, **query):
    return {i["name"]: i for i in client.get("/api/v1/institutions", query_string=query, headers=headers).json["items"]}


def test_open_cases_and_unpaid_fines_are_filters_and_columns(staff, make_institution, client, token_for, inspect, step,
                                                             as_user):
    fined = make_institution(name="鹿城区晨曦舞蹈培训学校", category="arts")
    opened = make_institution(name="鹿城区晨光美术培训学校", category="arts")
    make_institution(name="鹿城区晨星书法培训学校", category="arts")
    for institution in (fined, opened):
        inspect("arts", institution, failed=["no_academic_content"], outcome="case", on=40, case_summary="变相学科类培训")
    headers = token_for("arts")
    [case] = client.get(f"/api/v1/cases?institution_id={fined.id}", headers=headers).json["items"]
    for name in ("investigated", "notified", "reviewed"):
        case = step("arts", case, name, on=days_ago(30)).json
    decided = step("arts", case, "decided", on=days_ago(25), violation_type="disguised_serious", sanctions=["fine"],
                   fine="20000")
    assert decided.status_code == 201, decided.json

    market = token_for("market")
    everything = _search(client, market, q="晨")
    assert len(everything) == 3
    assert everything["鹿城区晨曦舞蹈培训学校"]["unpaid_fines"] == "20000.00"
    assert everything["鹿城区晨曦舞蹈培训学校"]["open_cases"] == 1  # decided, not yet closed
    assert (everything["鹿城区晨星书法培训学校"]["open_cases"], everything["鹿城区晨星书法培训学校"]["unpaid_fines"]) == (0, "0.00")
    assert set(_search(client, market, q="晨", open_cases="true")) == {"鹿城区晨曦舞蹈培训学校", "鹿城区晨光美术培训学校"}
    assert set(_search(client, market, q="晨", unpaid_fines="true")) == {"鹿城区晨曦舞蹈培训学校"}

    browser = as_user("market")
    listing = page(browser.get("/institutions", query_string={"q": "晨", "unpaid_fines": "1"}))
    [row] = listing.select("table tbody tr")
    assert "1项未结" in row.get_text() and "¥20,000.00未缴" in row.get_text()
    assert listing.select_one("input[name=unpaid_fines]").has_attr("checked")  # the filter stays ticked
    exported = browser.get("/institutions/export.csv", query_string={"q": "晨", "open_cases": "1"}).get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(exported.lstrip("\ufeff"))))
    assert {r["机构名称"]: (r["未结处罚案件"], r["未缴罚没款（元）"]) for r in rows} == {
        "鹿城区晨曦舞蹈培训学校": ("1", "20000.00"), "鹿城区晨光美术培训学校": ("1", "0.00")}
