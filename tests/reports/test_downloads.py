"""The bulletin's downloads: XLSX with a sheet per section and numbers as numbers, the A4 print layout, and the
`registry bulletin` command for scheduled runs."""
from __future__ import annotations

import csv
import io
import json

from openpyxl import load_workbook

from tests.conftest import fetch_as, page
from tests.reports.conftest import PERIOD
from registry.extensions import db
from tests.reports.test_sections import _old_rows, escrows, round_of_visits  # noqa: F401


def test_xlsx_has_a_sheet_per_section_with_numbers(reduction, as_user):
    response = as_user("market").get("/reports/bulletin.xlsx", query_string={**PERIOD, "city": "330300"})
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith("bulletin-330300-20221201-20221215.xlsx")
    book = load_workbook(io.BytesIO(response.data))
    assert len(book.sheetnames) == 9 and book.sheetnames[1].startswith("2 ")
    sheet = book[book.sheetnames[1]]
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=3)}
    baseline = rows["基准日学科类机构数"]
    assert baseline[1].value == 1032 and isinstance(baseline[1].value, int)
    rate = rows["压减率"]
    assert abs(rate[1].value - 0.9971) < 1e-9 and rate[1].number_format == "0.00%"
    assert sheet.cell(2, 5).value == "鹿城区"
    enforcement = book[book.sheetnames[2]]  # no inspection recorded: its figures are zeros, as numbers
    assert [c.value for c in enforcement[2][:4]] == ["指标", "合计", "上期", "较上期"]
    rows = {r[0].value: [c.value for c in r[1:]] for r in enforcement.iter_rows(min_row=3)}
    assert list(rows) == ["出动执法人员（人次）", "检查机构（家次）", "联合检查"]
    assert all(values == [0] * 15 for values in rows.values())  # total, previous, change, Wenzhou's 12 districts


def test_the_print_layout_fits_a4(reduction, as_user):
    response = as_user("edu").get("/reports/bulletin/print", query_string={**PERIOD, "city": "330300"})
    soup = page(response)
    assert "99.71%" in soup.find("tr", id="reduction_rate").get_text()
    stylesheet = soup.find("link", rel="stylesheet")["href"]
    css = as_user("edu").get(stylesheet).get_data(as_text=True)
    assert "size: A4 landscape" in css
    assert soup.find("nav") is None and soup.find("form") is None  # nothing but the figures


def test_the_bulletin_command_as_json(reduction, runner):
    result = runner.invoke(args=["bulletin", "--from", "2022-12-01", "--to", "2022-12-15", "--city", "330300"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["period"] == {"start": "2022-12-01", "end": "2022-12-15"}
    reduction_section = next(s for s in data["sections"] if s["number"] == 2)
    figures = {i["key"]: i for i in reduction_section["indicators"]}
    assert figures["reduction_rate"]["total"] == "99.71" and figures["reduction_rate"]["unit"] == "percent"
    assert figures["academic_remaining"]["total"] == 3 and figures["academic_remaining"]["change"] == -2
    assert figures["academic_baseline"]["districts"]["330302"] == 516
    inspections = next(s for s in data["sections"] if s["number"] == 3)  # no inspection recorded: zeros
    assert inspections["available"] is True
    assert {i["key"]: (i["total"], i["previous"], i["change"]) for i in inspections["indicators"]} == {
        "staff_person_times": (0, 0, 0), "institutions_inspected": (0, 0, 0), "joint_inspections": (0, 0, 0)}


def test_the_bulletin_command_as_csv_and_xlsx(reduction, runner, tmp_path):
    result = runner.invoke(args=["bulletin", "--from", "2022-12-01", "--to", "2022-12-15", "--format", "csv"])
    assert result.exit_code == 0
    assert result.output.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(result.output.lstrip("\ufeff"))))
    rate = next(r for r in rows if r[1] == "reduction_rate")
    assert rate[3] == "0.9971"
    target = tmp_path / "bulletin.xlsx"
    result = runner.invoke(args=["bulletin", "--from", "2022-12-01", "--to", "2022-12-15", "--format", "xlsx",
                                 "--output", str(target)])
    assert result.exit_code == 0 and load_workbook(target).sheetnames[0].startswith("1 ")


def test_the_bulletin_command_refuses_a_bad_period(runner, users):
    result = runner.invoke(args=["bulletin", "--from", "2022-12-15", "--to", "2022-12-01"])
    assert result.exit_code == 1 and "期间的结束早于开始" in result.output
    result = runner.invoke(args=["bulletin", "--from", "2022-12-15"])
    assert result.exit_code == 1


def csv_rows(response) -> list[list[str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def test_the_records_behind_a_figure_as_csv(reduction, make_institution, as_user):
    """All the records, not the page of 50 shown; the page's columns and order; the page's filters."""
    make_institution(name="=HYPERLINK(\"http://x\")", category="academic")
    client = as_user("market")
    key, query = "status_academic_deregistered", {**PERIOD, "city": "330300"}
    response = client.get(f"/reports/records/{key}.csv", query_string=query)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == f'attachment; filename="records-{key}-20221201-20221215.csv"'
    header, *rows = csv_rows(response)
    assert header == ["机构名称", "统一社会信用代码", "类别", "区县", "当前状态"]
    assert len(rows) == 1029 and rows[0][2] == "学科类" and rows[0][4] == "已注销"
    shown = page(client.get(f"/reports/records/{key}", query_string=query))
    assert [r.td.get_text(strip=True) for r in shown.select("tbody tr")] == [r[0] for r in rows[:50]]
    assert "共1029条记录" in shown.h1.get_text()

    lucheng = csv_rows(client.get(f"/reports/records/{key}.csv", query_string={**query, "district": "330302"}))[1:]
    assert len(lucheng) == 515 and {r[3] for r in lucheng} == {"鹿城区"}
    licensed = csv_rows(client.get("/reports/records/status_academic_licensed.csv", query_string=query))[1:]
    assert ["'=HYPERLINK(\"http://x\")"] == [r[0] for r in licensed if "HYPERLINK" in r[0]]


def test_the_records_page_links_its_csv_with_its_filters(reduction, as_user):
    shown = page(as_user("edu").get("/reports/records/academic_remaining",
                                    query_string={**PERIOD, "district": "330302", "page": "1"}))
    link = shown.find("a", string="下载 CSV")["href"]
    assert link.startswith("/reports/records/academic_remaining.csv?")
    assert {"start=2022-12-01", "end=2022-12-15", "district=330302"} == set(link.split("?")[1].split("&"))
    empty = page(as_user("edu").get("/reports/records/conversions", query_string=PERIOD))
    assert empty.find("a", string="下载 CSV") is None


def test_the_visits_behind_a_figure_as_csv(round_of_visits, as_user):
    client = as_user("admin")
    rows = csv_rows(client.get("/reports/records/visits_made.csv", query_string=PERIOD))
    assert rows[0] == ["时间", "机构", "网格员", "标记"]
    assert [r[:2] for r in rows[1:]] == [["2022-12-10 11:00", "上月走访过的学校"], ["2022-12-03 10:00", "很久以前走访的学校"],
                                        ["2022-12-01 01:00", "从未走访的学校"]]  # local times, the latest first
    flagged = rows[1][3]
    assert flagged and rows[2][3] == ""
    with client.session_transaction() as session:
        session["locale"] = "en"
    rows = csv_rows(client.get("/reports/records/visits_made.csv", query_string=PERIOD))
    assert rows[0] == ["When", "Institution", "Grid worker", "Flag"] and rows[1][3] not in ("", flagged)


def test_who_downloads_the_records(reduction, as_user, client):
    assert as_user("grid").get("/reports/records/academic_remaining.csv", query_string=PERIOD).status_code == 403
    client.post("/logout")
    response = client.get("/reports/records/academic_remaining.csv", query_string=PERIOD)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert as_user("admin").get("/reports/records/no_such_figure.csv").status_code == 404


ROLES = ("admin", "edu", "tech", "arts", "sports", "market")


def test_the_records_behind_every_figure_as_far_as_each_role_may_read(round_of_visits, escrows, import_rows, as_user):
    """Each figure's records, page and CSV, list exactly the institutions (and their visits) the user may read, as the
    API does: market staff and admins every department's, an officer their own department's."""
    from registry.register.models import Institution
    from registry.reports.indicators import INDICATORS

    import_rows(_old_rows())
    # Some of the grid's and escrow's records are another department's.
    for name in ("从未走访的学校", "覆盖不足的学校", "未开户收费的学校"):
        institution = db.session.scalar(db.select(Institution).where(Institution.name == name))
        institution.category, institution.department_code = "sports", "sports"
    db.session.commit()
    departments = {i.name: i.department_code for i in db.session.scalars(db.select(Institution))}
    readable = {"admin": None, "market": None, "edu": "edu", "tech": "tech", "arts": "culture", "sports": "sports"}
    keys = [i.key for i in INDICATORS if i.records is not None]
    everything = {}
    client = as_user("admin")
    for key in keys:
        rows = csv_rows(client.get(f"/reports/records/{key}.csv", query_string={**PERIOD, "city": "330300"}))[1:]
        everything[key] = [r[0] if len(r) == 5 else r[1] for r in rows]  # the institution's name (of a visit: column 2)
    assert {"escrow_low_coverage", "escrow_holding", "visits_made", "visits_off_site"} <= {k for k in keys if everything[k]}
    for role in ROLES:
        client = as_user(role)
        for key in keys:
            query = {**PERIOD, "city": "330300"}
            expected = [name for name in everything[key] if readable[role] in (None, departments[name])]
            rows = csv_rows(client.get(f"/reports/records/{key}.csv", query_string=query))[1:]
            assert [r[0] if len(r) == 5 else r[1] for r in rows] == expected, (role, key)
            shown = page(client.get(f"/reports/records/{key}", query_string=query))
            assert f"共{len(expected)}条记录" in shown.h1.get_text(), (role, key)
            assert ("只列出本部门所管机构的记录" in shown.get_text()) == (readable[role] is not None)
            names = [tr.find_all("td")[0 if len(tr.find_all("td")) == 5 else 1].get_text(strip=True)
                     for tr in shown.select("tbody tr")]
            assert names == expected[:50], (role, key)


def test_the_records_behind_a_figure_download_from_a_real_server(reduction, live_server):
    """Streamed after the request's session is gone, as on a real server."""
    status, body = fetch_as(live_server, "market", "/reports/records/status_academic_deregistered.csv?"
                            f"start={PERIOD['start']}&end={PERIOD['end']}&city=330300")
    assert status == 200 and body.startswith(b"\xef\xbb\xbf")
    header, *rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert header == ["机构名称", "统一社会信用代码", "类别", "区县", "当前状态"] and len(rows) == 1029
