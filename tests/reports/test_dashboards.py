"""The home page's dashboard for each role."""
from __future__ import annotations

from datetime import datetime

from registry.extensions import db
from tests.conftest import page


def heading(soup, tag: str, words: str):
    return next(h for h in soup.find_all(tag) if words in h.get_text())


def test_an_officer_sees_their_department_and_what_waits(make_institution, as_user, users):
    make_institution(category="arts", name="艺术机构")
    make_institution(category="sports", name="体育机构")
    make_institution(category="arts", name="申请中的艺术机构", status="applied")
    soup = page(as_user("arts").get("/"))
    matrix = soup.select_one(".status-matrix")
    assert "文化艺术类" in matrix.get_text() and "体育类" not in matrix.get_text()
    waiting = heading(soup, "h3", "待审批申请").find_next("ul")
    assert "申请中的艺术机构" in waiting.get_text()
    assert soup.select_one(".trend-chart") is not None  # institutions by category over time


def test_the_trend_counts_institutions_existing_at_each_months_end(make_institution, users, app, monkeypatch):
    from datetime import date

    from registry.register import services
    from registry.reports import dashboards

    first = make_institution(category="arts")       # licensed 2021-03-01
    second = make_institution(category="sports")
    services.transition_institution(users["admin"], second.id, to="deregistered", reason="注销", effective_on="2021-04-20")
    db.session.commit()
    ends, series = dashboards.existing_by_month(users["market"], months=3, today=date(2021, 5, 10))
    assert ends == [date(2021, 3, 31), date(2021, 4, 30), date(2021, 5, 10)]
    assert series[dashboards.Category.arts] == [1, 1, 1]
    assert series[dashboards.Category.sports] == [1, 0, 0]
    assert first.id


def test_a_grid_worker_sees_their_cells_and_visits_due(grid, make_institution, users, runner, as_user):
    from registry.grid.models import Visit

    inside = make_institution(latitude=28.005, longitude=120.65, name="网格内的学校")
    assert runner.invoke(args=["grid-worker", "grid", "D1"]).exit_code == 0
    db.session.add(Visit(institution_id=inside.id, worker_id=users["grid"].id, visited_at=datetime(2022, 1, 5),
                         latitude=28.005, longitude=120.65, accuracy_m=10, distance_m=300, flagged=True,
                         flag_reason="distance", checklist={}))
    db.session.commit()
    soup = page(as_user("grid").get("/"))
    text = soup.get_text()
    assert "网格内的学校" in heading(soup, "h2", "走访到期").find_next("table").get_text()
    assert "西区" in text
    assert "网格内的学校" in heading(soup, "h2", "我被标记的走访").find_next("ul").get_text()


def test_market_staff_see_the_whole_register(make_institution, as_user, users):
    make_institution(category="arts")
    make_institution(category="sports")
    soup = page(as_user("market").get("/"))
    matrix = soup.select_one(".status-matrix").get_text()
    assert "文化艺术类" in matrix and "体育类" in matrix
    assert soup.find("a", href="/reports/bulletin") is not None


def test_the_dashboard_charts_inspections_and_fines_per_month(users, fake_enforcement, as_user, monkeypatch):
    from datetime import date

    monkeypatch.setattr("registry.reports.dashboards.local_today", lambda: date(2026, 3, 10))
    march = (date(2026, 3, 1), date(2026, 3, 10))
    fake_enforcement({march: {"330302": {"institutions_inspected": 12, "violations_fees": 2, "violations_staff": 1,
                                         "fines_fen": 5_000_000}}})
    soup = page(as_user("market").get("/"))
    charts = soup.select(".chart-panel")
    titles = [c.h2.get_text() for c in charts]
    assert titles == ["每月检查与违规（全市全部门）", "每月罚没金额（万元，全市全部门）"]  # no institution yet: no trend of them
    points = {c.title.get_text() for c in charts[0].select("circle")}
    assert "检查机构数 2026-03: 12" in points and "发现违规 2026-03: 3" in points
    assert "2026-03: 5" in {r.title.get_text() for r in charts[1].select("rect") if r.title}


def test_the_home_page_reconciles_and_marks_what_is_overdue(make_institution, as_user, users):
    from datetime import timedelta

    from registry.core.models import local_today
    from registry.enforcement import services
    from registry.register import services as register

    for n in range(13):
        make_institution(category="arts", name=f"申请{n}", status="applied")
    rejected = make_institution(category="arts", name="不予许可的机构", status="applied")
    register.transition_institution(users["admin"], rejected.id, to="rejected", reason="材料不全", version=rejected.version)
    licensed = make_institution(category="arts", name="已许可的机构")
    late, soon = (services.record_hotline_lead(users["arts"], {"institution_id": licensed.id, "description": d})
                  for d in ("逾期线索", "临期线索"))
    late.deadline, soon.deadline = local_today() - timedelta(days=2), local_today() + timedelta(days=1)
    db.session.commit()

    soup = page(as_user("arts").get("/"))
    matrix = soup.select_one(".status-matrix")
    headers = [th.get_text(strip=True) for th in matrix.select("thead th")]
    assert {"不予许可", "合计"} <= set(headers) and any("转型" in h for h in headers)
    arts = [td.get_text(strip=True) for td in matrix.select("tbody tr")[0].find_all("td")]
    assert arts[-1] == "15" and sum(int(n) for n in arts[1:-1]) == 15  # the statuses add up to the total
    applications = heading(soup, "h3", "待审批申请")
    assert len(applications.find_next("ul").find_all("li")) == 10
    every = soup.find("a", href="/institutions?status=applied")
    assert every is not None and "13" in every.get_text()
    overdue = soup.select_one("#leads-overdue").find_next("ul")
    assert [a["href"] for a in overdue.select("a")] == [f"/enforcement/leads/{late.id}"]
    assert overdue.select_one(".flag").get_text() == "逾期"
    due = soup.select_one("#leads-due").find_next("ul")
    assert [a["href"] for a in due.select("a")] == [f"/enforcement/leads/{soon.id}"] and due.select(".flag") == []
    charts = [h.get_text() for h in soup.select(".chart-panel h2")]
    assert charts and all("全部门" in title or "全市" in title for title in charts if "检查" in title or "罚没" in title)
