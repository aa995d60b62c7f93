"""`indicators.by_district`, the contract with the bulletin, against records built for it; and the page listing the
records behind one figure."""
import csv
import io
from datetime import date, timedelta

import pytest

from registry.core.models import local_today
from registry.enforcement import indicators, services
from registry.extensions import db
from tests.conftest import fetch_as, page

LUCHENG, OUHAI = "330302", "330304"


def _answers(category, failed=()):
    return {i.key: "fail" if i.key in failed else "pass" for i in services.checklist(category)}


@pytest.fixture
def period(staff, make_institution):
    """A month of enforcement work in two districts, and some before and after it, built through the services."""
    today = local_today()
    start, end = today - timedelta(days=40), today - timedelta(days=10)
    on = lambda n: (start + timedelta(days=n)).isoformat()  # noqa: E731
    arts_a = make_institution(category="arts", district=LUCHENG)
    arts_b = make_institution(category="arts", district=OUHAI, latitude=27.99, longitude=120.6)
    arts, market = staff["arts"], staff["market"]

    def inspection(institution, day, *, who=("arts", "arts2"), failed=(), outcome=None, user=arts, **extra):
        outcome = outcome or ("rectification" if failed else "compliant")
        raw = {"inspected_on": day, "staff": list(who), "results": _answers(institution.category.value, failed),
               "item_notes": {k: "问题" for k in failed}, "outcome": outcome, **extra}
        if outcome == "rectification":
            raw["deadline"] = (date.fromisoformat(day) + timedelta(days=10)).isoformat()
        return services.record_inspection(user, institution.id, raw)

    # In the period: Lucheng three inspections (one joint of 3 staff), Ouhai one.
    first = inspection(arts_a, on(1), failed=["no_illegal_ads", "fee_schedule_displayed", "charge_limits"])
    inspection(arts_a, on(2), who=("arts", "arts2", "market"))
    # The re-inspection's failure is the same violation not yet fixed: not counted again.
    inspection(arts_a, on(12), failed=["no_illegal_ads"], follows=first.id)
    inspection(arts_b, on(3), failed=["fire_safety"], outcome="case", case_summary="消防通道堵塞")
    # Outside the period.
    inspection(arts_b, (start - timedelta(days=3)).isoformat(), failed=["no_academic_content"])

    # A case from a hotline lead about an unlicensed operator in Ouhai, decided in the period: violation + fine.
    lead = services.record_hotline_lead(market, {"subject_name": "无证补习班", "district": OUHAI, "description": "无证办学"})
    lead.received_on = date.fromisoformat(on(0))
    lead.deadline = lead.received_on + timedelta(days=15)
    case = services.open_case(market, {"lead_id": lead.id, "subject_name": "无证补习班", "district": OUHAI,
                                       "summary": "无证办学", "opened_on": on(4), "people": ["market", "market2"]})
    for n, name in enumerate(("investigated", "notified", "reviewed"), start=5):
        services.record_step(market, case.id, {"step": name, "on": on(n), "people": ["market", "market2"],
                                               "documents": "文书"}, version=case.version)
    services.record_step(market, case.id, {"step": "decided", "on": on(9), "people": ["market", "market2"],
                                           "documents": "决定书", "violation_type": "unlicensed_training",
                                           "sanctions": ["fine", "confiscation"], "illegal_income": "20000",
                                           "fine": "30000", "confiscation": "20000"}, version=case.version)
    # Leads: Lucheng received in the period and closed on time, one closed late, one still open and overdue at `end`.
    def lead_on(institution, received, closed=None, **values):
        record = services.record_hotline_lead(arts, {"institution_id": institution.id if institution else "",
                                                     "description": "举报", **values})
        record.received_on = date.fromisoformat(received)
        record.deadline = record.received_on + timedelta(days=15)
        if closed:
            record.state, record.closed_on, record.outcome, record.reply = "closed", date.fromisoformat(closed), "rectified", "已整改"
        return record

    lead_on(arts_a, on(1), on(10))
    lead_on(arts_a, on(2), on(25))
    lead_on(arts_a, on(3))
    lead_on(arts_a, (start - timedelta(days=30)).isoformat(), on(5))  # received before, closed in the period, late
    lead_on(None, on(4), subject_name="某培训点")  # no institution, no district: key ""
    db.session.commit()
    return start, end



def test_by_month_counts_each_month_as_by_district_does(period):
    """The home page's monthly chart reads three grouped queries; each month's figures are by_district's summed."""
    from registry.reports.rules import month_ends

    ends = month_ends(local_today(), 3)  # the period runs over two or three of them
    monthly = indicators.by_month(ends)
    for index, end in enumerate(ends):
        figures = indicators.by_district(end.replace(day=1), end).values()
        assert monthly["institutions_inspected"][index] == sum(f["institutions_inspected"] for f in figures)
        assert monthly["violations"][index] == sum(v for f in figures for k, v in f.items() if k.startswith("violations_"))
        assert monthly["fines_fen"][index] == sum(f["fines_fen"] for f in figures)
    assert sum(monthly["institutions_inspected"]) == 5 and sum(monthly["fines_fen"]) == 5_000_000
    assert sum(monthly["violations"]) == 6  # 3 + 1 + 1 first inspections' items, the hotline case; not the re-inspection

def test_by_district(period):
    start, end = period
    figures = indicators.by_district(start, end)
    assert set(figures) == {LUCHENG, OUHAI, ""}
    for values in figures.values():
        assert set(values) == set(indicators.KEYS) and all(isinstance(v, int) for v in values.values())
    lucheng, ouhai = figures[LUCHENG], figures[OUHAI]
    assert (lucheng["staff_person_times"], lucheng["institutions_inspected"], lucheng["joint_inspections"]) == (7, 3, 1)
    assert (ouhai["staff_person_times"], ouhai["institutions_inspected"], ouhai["joint_inspections"]) == (2, 1, 0)
    assert (lucheng["violations_advertising"], lucheng["violations_fees"]) == (1, 2)
    assert (ouhai["violations_safety"], ouhai["violations_unlicensed"], ouhai["violations_disguised"]) == (1, 1, 0)
    assert (ouhai["cases_opened"], ouhai["cases_decided"], ouhai["cases_closed"]) == (2, 1, 0)
    assert ouhai["fines_fen"] == 5_000_000 and lucheng["fines_fen"] == 0
    assert (lucheng["leads_received"], lucheng["leads_closed"], lucheng["leads_closed_on_time"]) == (3, 3, 1)
    assert lucheng["leads_overdue"] == 1 and ouhai["leads_received"] == 1 and ouhai["leads_overdue"] == 1
    assert figures[""]["leads_received"] == 1 and figures[""]["leads_overdue"] == 1  # open since day 4, due day 19


def test_by_district_counts_what_each_figure_lists(period):
    """The figures come from a few grouped queries; each must equal its own list of records counted by district."""
    from collections import defaultdict

    from sqlalchemy import func, select

    start, end = period
    for first, last in ((start, end), (start - timedelta(days=60), end), (end, end + timedelta(days=30))):
        listed = defaultdict(indicators.empty)
        for key in indicators.KEYS:
            queries = ([indicators._failed_items(first, last, key.removeprefix("violations_")),
                        indicators._decided_cases(first, last, key.removeprefix("violations_"))]
                       if key.startswith("violations_") else [indicators.source(key, first, last)])
            for query in queries:
                sub = query.subquery()
                value = func.sum(sub.c.value) if "value" in sub.c and not key.startswith("violations_") else func.count()
                for district, total in db.session.execute(select(sub.c.district, value).group_by(sub.c.district)):
                    listed[district or ""][key] += int(total or 0)
        assert indicators.by_district(first, last) == {d: dict(v) for d, v in listed.items()}


def test_a_period_with_nothing(period):
    start, _ = period
    assert indicators.by_district(start - timedelta(days=400), start - timedelta(days=365)) == {}


def test_the_records_behind_a_figure(period, client, as_user):
    start, end = period
    as_user("arts")
    response = client.get(f"/enforcement/indicators/violations_fees?start={start}&end={end}&district={LUCHENG}")
    assert response.status_code == 200
    rows = page(response).select("table tbody tr")
    assert len(rows) == 2 and all("收费" in row.get_text() or "3个月" in row.get_text() for row in rows)
    # Market regulation's unlicensed case is not the culture officer's to see; market staff see it.
    url = f"/enforcement/indicators/violations_unlicensed?start={start}&end={end}&district={OUHAI}"
    assert page(client.get(url)).select("table tbody tr td a") == []
    as_user("market")
    assert "无证补习班" in page(client.get(url)).select_one("table tbody").get_text()
    fines = page(client.get(f"/enforcement/indicators/fines_fen?start={start}&end={end}&district={OUHAI}"))
    assert fines.select_one("strong.num").get_text() == "¥50,000.00"
    assert client.get("/enforcement/indicators/nonsense").status_code == 404


def csv_rows(response) -> list[list[str]]:
    import csv
    import io

    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


@pytest.fixture
def many_leads(period, staff):
    """Sixty more leads received in Ouhai in the period (more than a page of 50), one about `=1+2`."""
    start, _ = period
    for n in range(60):
        lead = services.record_hotline_lead(staff["market"], {"subject_name": "=1+2" if n == 0 else f"无证培训点{n}",
                                                             "district": OUHAI, "description": "无证办学"})
        lead.received_on, lead.deadline = start + timedelta(days=1), start + timedelta(days=16)
    db.session.commit()
    return period


def test_the_records_behind_a_figure_as_csv(many_leads, as_user):
    start, end = many_leads
    client = as_user("market")
    figures = indicators.by_district(start, end)
    response = client.get(f"/enforcement/indicators/leads_received.csv?start={start}&end={end}")
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="records-leads_received-{start:%Y%m%d}-{end:%Y%m%d}.csv"')
    header, *rows = csv_rows(response)
    assert header == ["记录", "对象", "详情"]
    assert len(rows) == sum(f["leads_received"] for f in figures.values()) == 65
    shown = page(client.get(f"/enforcement/indicators/leads_received?start={start}&end={end}"))
    assert [r.td.get_text(strip=True) for r in shown.select("table tbody tr")] == [r[0] for r in rows]
    assert rows[0][0] == f"线索 {start.isoformat()}" and "期限" in rows[0][2]  # dates as YYYY-MM-DD

    ouhai = csv_rows(client.get(f"/enforcement/indicators/leads_received.csv?start={start}&end={end}&district={OUHAI}"))
    assert len(ouhai) - 1 == figures[OUHAI]["leads_received"] == 61
    assert "'=1+2 （未登记）" in [r[1] for r in ouhai]
    fines = csv_rows(client.get(f"/enforcement/indicators/fines_fen.csv?start={start}&end={end}&district={OUHAI}"))
    assert len(fines) == 2 and fines[1][2].endswith("¥50,000.00")


def test_the_records_page_links_its_csv_with_its_filters(many_leads, as_user):
    start, end = many_leads
    client = as_user("market")
    shown = page(client.get(f"/enforcement/indicators/leads_received?start={start}&end={end}&district={OUHAI}"))
    link = shown.find("a", string="下载 CSV")["href"]
    assert link.startswith("/enforcement/indicators/leads_received.csv?")
    assert set(link.split("?")[1].split("&")) == {f"start={start}", f"end={end}", f"district={OUHAI}"}
    nothing = page(client.get(f"/enforcement/indicators/cases_closed?start={start}&end={end}"))
    assert nothing.find("a", string="下载 CSV") is None


def test_who_downloads_the_records(period, as_user, client):
    start, end = period
    url = f"/enforcement/indicators/leads_received.csv?start={start}&end={end}"
    # Every role may open the page; a grid worker sees the leads they reported (none here), as on the page.
    assert csv_rows(as_user("grid").get(url)) == [["记录", "对象", "详情"]]
    client.post("/logout")
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert as_user("market").get("/enforcement/indicators/nonsense.csv").status_code == 404


ROLES = ("admin", "edu", "tech", "arts", "sports", "grid", "market")


def test_every_figure_link_of_the_bulletin_as_every_role(period, as_user):
    """Each figure of the bulletin links the records behind it, city-wide and per district; each link and its CSV
    open for every role that may follow it (a grid worker: the enforcement figures, scoped to what they reported)."""
    start, end = period
    links = {a["href"] for a in page(as_user("admin").get(f"/reports/bulletin?start={start}&end={end}")).select("a[href]")
             if "/indicators/" in a["href"] or "/reports/records/" in a["href"]}
    enforcement = {link for link in links if "/indicators/" in link}
    assert len(enforcement) > len(indicators.KEYS)  # the city's and the districts' figures
    assert any("staff_person_times" in link and "district=" in link for link in enforcement)
    for role in ROLES:
        client = as_user(role)
        for link in links:
            path, _, query = link.partition("?")
            for url in (link, f"{path}.csv?{query}"):
                response = client.get(url)
                expected = (403,) if role == "grid" and "/reports/records/" in url else (200,)
                assert response.status_code in expected, (role, url, response.status_code)


def test_a_figures_records_name_their_district_and_lead_back_to_the_bulletin(period, as_user):
    start, end = period
    client = as_user("arts")
    shown = page(client.get(f"/enforcement/indicators/institutions_inspected?start={start}&end={end}&district={OUHAI}"))
    assert "瓯海区" in shown.h1.get_text() and OUHAI not in shown.h1.get_text()
    select = shown.select_one("form.filters select[name=district]")
    assert select.select_one("option[selected]")["value"] == OUHAI
    assert "温州市 鹿城区" in [o.get_text(strip=True) for o in select.select("option")]
    assert shown.find("input", attrs={"name": "district"}) is None  # no code typed by hand
    back = shown.select_one(".crumbs a")["href"]
    assert back == f"/reports/bulletin?start={start}&end={end}#institutions_inspected"
    assert client.get(back).status_code == 200
    # Every district, and the records without one.
    client = as_user("market")
    everywhere = page(client.get(f"/enforcement/indicators/leads_received?start={start}&end={end}&district="))
    nowhere = page(client.get(f"/enforcement/indicators/leads_received?start={start}&end={end}&district=none"))
    assert len(nowhere.select("tbody tr td a")) == 1 and len(everywhere.select("tbody tr td a")) > 1
    assert "无区县" in nowhere.h1.get_text()
    assert nowhere.select_one("select[name=district] option[selected]")["value"] == "none"


def test_the_records_behind_a_figure_download_from_a_real_server(many_leads, live_server):
    """Streamed after the request's session is gone, as on a real server: every record, loaded on its own."""
    start, end = many_leads
    status, body = fetch_as(live_server, "market", f"/enforcement/indicators/leads_received.csv?start={start}&end={end}")
    assert status == 200 and body.startswith(b"\xef\xbb\xbf")
    header, *rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert header == ["记录", "对象", "详情"] and len(rows) == 65
