"""The bulletin page: every indicator of sections 1, 2, 7 and 8 against records built for it, district sums, changes
from the previous period, and the records behind each figure."""
from __future__ import annotations

from datetime import date

from registry.extensions import db
from tests.conftest import page
from tests.reports.conftest import PERIOD


def figure(soup, key: str, column: int = 0) -> str:
    """The text of one figure: column 0 is the city's total (its value only), 1.. the districts in code order."""
    cells = soup.find("tr", id=key).find_all("td")
    cell = cells[column]
    link = cell.find("a")
    return (link or cell).get_text(" ", strip=True) if link else cell.contents[0].strip() if cell.contents else ""


def change(soup, key: str) -> str:
    return soup.find("tr", id=key).find("td").find(class_="delta").get_text(strip=True)


def district_column(soup, name: str) -> int:
    headers = [th.get_text(strip=True) for th in soup.select("thead")[0].find_all("th")]
    return headers.index(name) - 1


def test_the_reduction_rate_of_wenzhou(reduction, as_user):
    """1,032 academic institutions at the baseline, 3 remaining: 99.71%, by district and for the city."""
    response = as_user("edu").get("/reports/bulletin", query_string={**PERIOD, "city": "330300"})
    assert response.status_code == 200
    soup = page(response)
    assert figure(soup, "academic_baseline") == "1,032"
    assert figure(soup, "academic_remaining") == "3"
    assert figure(soup, "reduction_rate") == "99.71%"
    assert change(soup, "academic_remaining") == "−2"  # 5 at the end of the previous half-month
    assert change(soup, "reduction_rate") == "+0.19 pp"  # from 99.52%
    assert figure(soup, "deregistrations") == "2"
    lucheng, longwan = district_column(soup, "鹿城区"), district_column(soup, "龙湾区")
    assert figure(soup, "academic_baseline", lucheng) == "516" and figure(soup, "academic_baseline", longwan) == "516"
    assert figure(soup, "academic_remaining", lucheng) == "1" and figure(soup, "academic_remaining", longwan) == "2"
    assert figure(soup, "reduction_rate", lucheng) == "99.81%" and figure(soup, "reduction_rate", longwan) == "99.61%"
    # every district of the city has its column, and they add up to the total
    columns = len(soup.find("tr", id="academic_baseline").find_all("td")) - 1
    assert columns == 12
    values = [figure(soup, "academic_baseline", c).replace(",", "") or "0" for c in range(1, columns + 1)]
    assert sum(int(v) for v in values) == 1032


def test_the_figures_open_their_records(reduction, as_user):
    client = as_user("market")
    soup = page(client.get("/reports/bulletin", query_string={**PERIOD, "city": "330300"}))
    link = soup.find("tr", id="academic_remaining").find("td").find("a")["href"]
    listing = page(client.get(link))
    assert "3" in listing.h1.small.get_text() and len(listing.select("tbody tr")) == 3
    longwan = district_column(soup, "龙湾区")
    link = soup.find("tr", id="academic_remaining").find_all("td")[longwan].find("a")["href"]
    listing = page(client.get(link))
    assert len(listing.select("tbody tr")) == 2 and "龙湾区" in listing.h1.get_text()
    closed = page(client.get(soup.find("tr", id="deregistrations").find("td").find("a")["href"]))
    assert {r.find_all("td")[0].get_text(strip=True) for r in closed.select("tbody tr")} == {"测试培训学校1027", "测试培训学校1028"}
    # the rate opens the institutions that remain
    assert soup.find("tr", id="reduction_rate").find("td").find("a")["href"].startswith("/reports/records/academic_remaining")


def test_the_register_as_of_a_date_comes_from_the_history(make_institution, users, as_user):
    """Its row says deregistered today; on past days it was licensed, then suspended, then licensed again."""
    from registry.register import services

    institution = make_institution(category="arts", name="星光舞蹈学校")  # licensed on 2021-03-01
    for to, day in (("suspended", "2022-01-10"), ("licensed", "2022-03-01"), ("deregistered", "2022-12-05")):
        services.transition_institution(users["admin"], institution.id, to=to, reason="检查", effective_on=day)
        db.session.commit()
    client = as_user("admin")
    january = page(client.get("/reports/bulletin", query_string={"start": "2022-01-01", "end": "2022-01-15"}))
    assert figure(january, "status_arts_suspended") == "1"
    assert january.find("tr", id="status_arts_licensed") is not None
    assert figure(january, "status_arts_licensed") == "0" and change(january, "status_arts_licensed") == "−1"
    assert january.find("tr", id="status_arts_deregistered") is None  # empty in both half-months: left out
    december = page(client.get("/reports/bulletin", query_string=PERIOD))
    assert figure(december, "status_arts_deregistered") == "1" and figure(december, "deregistrations") == "1"
    before = page(client.get("/reports/bulletin", query_string={"start": "2021-02-16", "end": "2021-02-28"}))
    assert before.find("tr", id="status_arts_licensed") is None  # not yet licensed: no row at all
    assert figure(before, "new_licences") == "0"


def test_new_licences_and_conversions(make_institution, users, as_user):
    from registry.register import services

    academic = make_institution(category="academic", name="学科培训学校")
    services.transition_institution(users["admin"], academic.id, to="converted", reason="转为非学科类",
                                    effective_on="2022-12-02", new_category="arts")
    db.session.commit()
    successor = services.successor(academic)
    services.transition_institution(users["admin"], successor.id, to="licensed", reason="发证", effective_on="2022-12-09",
                                    permit_number="教民3303027000099")
    db.session.commit()
    soup = page(as_user("admin").get("/reports/bulletin", query_string=PERIOD))
    assert figure(soup, "conversions") == "1" and figure(soup, "new_licences") == "1"
    assert figure(soup, "status_academic_converted") == "1" and figure(soup, "status_arts_licensed") == "1"
    assert change(soup, "new_licences") == "+1"


def test_a_bad_period_is_explained(users, as_user):
    response = as_user("admin").get("/reports/bulletin", query_string={"start": "2022-12-15", "end": "2022-12-01"})
    assert response.status_code == 400
    assert "期间的结束早于开始。" in page(response).select_one(".alert-error").get_text()


def test_the_default_period_is_the_last_full_half_month(users, as_user, monkeypatch):
    monkeypatch.setattr("registry.reports.services.period_and_place.local_today", lambda: date(2026, 11, 30))
    soup = page(as_user("market").get("/reports/bulletin"))
    assert "2026-11-01" in soup.h1.get_text() and "2026-11-15" in soup.h1.get_text()


def test_who_reads_the_bulletin(users, as_user):
    assert as_user("grid").get("/reports/bulletin").status_code == 403
    assert as_user("grid").get("/reports/records/visits_made").status_code == 403
    for name in ("admin", "edu", "sports", "market"):
        assert as_user(name).get("/reports/bulletin").status_code == 200
    assert as_user("admin").get("/reports/records/no_such_figure").status_code == 404


def test_every_figure_links_as_url_for_writes_it(reduction, app, users):
    """The bulletin builds each indicator's link once and appends the district or cell: the same link `url_for` makes."""
    from flask import url_for

    from registry.reports import rules, services
    from registry.reports.indicators import ENFORCEMENT_SECTIONS

    with app.test_request_context():
        report = services.bulletin(None, period=rules.Period(date.fromisoformat(PERIOD["start"]),
                                                                  date.fromisoformat(PERIOD["end"])), city="330300")
        checked = 0
        for section in report.sections:
            for row in section.rows:
                key = "academic_remaining" if row.indicator.kind == "rate" else row.indicator.key
                endpoint = "enforcement.indicator_records" if section.number in ENFORCEMENT_SECTIONS else "reports.records"
                for district, figure in zip([""] + [d.code for d in report.districts], [row.total] + row.districts):
                    args = {"start": PERIOD["start"], "end": PERIOD["end"], **({"district": district} if district else {})}
                    assert figure.url == url_for(endpoint, key=key, **args)
                    checked += 1
            for cell_row in section.cells:
                for indicator, figure in zip(section.cell_indicators, cell_row.figures):
                    cell = cell_row.cell.id if cell_row.cell else services.NO_CELL
                    assert figure.url == url_for("reports.records", key=indicator.key, start=PERIOD["start"],
                                                 end=PERIOD["end"], cell=cell)
        assert checked > 100
