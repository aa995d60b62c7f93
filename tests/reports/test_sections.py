"""Sections 7 (grid) and 8 (escrow) against records built for them, and 3–6 (enforcement) on figures given for its
contract, `registry.enforcement.indicators.by_district`."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from registry.extensions import db
from tests.conftest import page
from tests.reports.conftest import PERIOD
from tests.reports.test_bulletin import change, figure


@pytest.fixture
def round_of_visits(grid, make_institution, users, runner):
    """Three institutions in the west district's south cell, one in no cell; visits before and during the period."""
    from registry.grid.models import CellAssignment, Visit

    visited_lately = make_institution(latitude=28.005, longitude=120.65, name="上月走访过的学校")
    never_visited = make_institution(latitude=28.006, longitude=120.651, name="从未走访的学校")
    long_ago = make_institution(latitude=28.007, longitude=120.652, name="很久以前走访的学校")
    make_institution(latitude=28.5, longitude=121.5, name="不在网格内的学校")
    assert runner.invoke(args=["grid-worker", "grid", "D1"]).exit_code == 0
    cell_id = db.session.get(CellAssignment, visited_lately.id).cell_id

    def visit(institution, moment: str, *, flagged=False, outcome="inspected"):
        db.session.add(Visit(institution_id=institution.id, worker_id=users["grid"].id, cell_id=cell_id,
                             visited_at=datetime.fromisoformat(moment), latitude=28.005, longitude=120.65, accuracy_m=10,
                             distance_m=450 if flagged else 5, flagged=flagged, flag_reason="distance" if flagged else "",
                             outcome=outcome, outcome_reason="" if outcome == "inspected" else "关门停业",
                             checklist={}))

    visit(visited_lately, "2022-11-20 02:00")    # within a month before the period: not due in it
    visit(long_ago, "2022-09-01 02:00")          # due since October
    visit(long_ago, "2022-11-25 02:00", outcome="closed")  # found closed: still due
    visit(long_ago, "2022-12-03 02:00")          # made in the period
    visit(visited_lately, "2022-12-10 03:00", flagged=True)
    visit(never_visited, "2022-11-30 17:00")     # 2022-12-01 01:00 in Wenzhou: in the period, not the one before
    db.session.commit()
    return {"lately": visited_lately, "never": never_visited, "long_ago": long_ago}


def test_the_grid_section(round_of_visits, as_user):
    soup = page(as_user("admin").get("/reports/bulletin", query_string=PERIOD))
    assert figure(soup, "visits_made") == "3" and change(soup, "visits_made") == "+1"
    assert figure(soup, "visits_off_site") == "1"
    # due by 2022-12-15: never visited before the period, and the one last visited on 2022-09-01
    assert figure(soup, "visits_due") == "2"
    assert figure(soup, "unassigned") == "1"
    cells = soup.select(".cells-table tbody tr")
    names = [r.th.get_text(" ", strip=True) for r in cells]
    assert any("西区南网格" in n for n in names) and "不在任何网格" not in names[0]
    south = next(r for r in cells if "西区南网格" in r.th.get_text())
    assert [td.find(string=True, recursive=True).strip() for td in south.find_all("td")] == ["3", "2", "1"]


def test_the_records_behind_the_grid_figures(round_of_visits, as_user):
    client = as_user("market")
    soup = page(client.get("/reports/bulletin", query_string=PERIOD))
    due = page(client.get(soup.find("tr", id="visits_due").find("td").find("a")["href"]))
    assert {r.td.get_text(strip=True) for r in due.select("tbody tr")} == {"从未走访的学校", "很久以前走访的学校"}
    flagged = page(client.get(soup.find("tr", id="visits_off_site").find("td").find("a")["href"]))
    assert len(flagged.select("tbody tr")) == 1 and "上月走访过的学校" in flagged.select_one("tbody tr").get_text()
    unassigned = page(client.get(soup.find("tr", id="unassigned").find("td").find("a")["href"]))
    assert [r.td.get_text(strip=True) for r in unassigned.select("tbody tr")] == ["不在网格内的学校"]


@pytest.fixture
def escrows(make_institution):
    """Four institutions: a warning account short of cover, a normal one, one holding fees without an account (in
    violation since the period), one whose account closed before it."""
    from registry.escrow.models import Charge, Escrow, EscrowStatusChange, Statement

    short = make_institution(name="覆盖不足的学校")
    covered = make_institution(name="覆盖充足的学校")
    no_account = make_institution(name="未开户收费的学校")
    closed = make_institution(name="已销户的学校")

    def escrow(institution, steps, *, deposit=0, number="6222021234561234"):
        record = Escrow(institution_id=institution.id, bank="银行", account_number=number, risk_deposit=deposit,
                        status=steps[-1][1], status_since=date.fromisoformat(steps[-1][2]))
        db.session.add(record)
        db.session.flush()
        for before, after, day in steps:
            db.session.add(EscrowStatusChange(escrow_id=record.id, from_status=before, to_status=after,
                                              effective_on=date.fromisoformat(day), reason="测试"))

    def statement(institution, end: str, *, closing: int, unearned: int):
        day = date.fromisoformat(end)
        db.session.add(Statement(institution_id=institution.id, period_start=day.replace(day=1), period_end=day,
                                 opening_balance=closing, received=0, released=0, refunded=0, closing_balance=closing,
                                 unearned=unearned))

    escrow(short, [(None, "opened", "2022-01-01"), ("opened", "normal", "2022-02-01"), ("normal", "warning", "2022-11-20")],
           deposit=100_000)
    statement(short, "2022-11-30", closing=400_000, unearned=1_000_000)  # (4,000 + 1,000) ÷ 10,000: 50%
    escrow(covered, [(None, "opened", "2022-01-01"), ("opened", "normal", "2022-02-01")])
    statement(covered, "2022-11-30", closing=2_000_000, unearned=1_500_000)
    statement(covered, "2022-12-31", closing=100, unearned=1_500_000)  # after the period: not seen on its last day
    escrow(no_account, [(None, "none", "2022-01-01"), ("none", "violation", "2022-12-03")], number="")
    db.session.add(Charge(institution_id=no_account.id, natural_key="k1", charged_on=date(2022, 12, 2),
                          course_start=date(2022, 12, 10), student_ref="S-1", amount=300_000, months=3, channel="one_off"))
    escrow(closed, [(None, "opened", "2021-01-01"), ("opened", "closed", "2022-10-01")])
    statement(closed, "2022-09-30", closing=0, unearned=0)
    db.session.commit()


def test_the_escrow_section_as_of_the_periods_last_day(escrows, as_user):
    soup = page(as_user("admin").get("/reports/bulletin", query_string=PERIOD))
    assert figure(soup, "escrow_holding") == "3"       # the two accounts' statements, and the charge without one
    assert figure(soup, "escrow_with_account") == "2"  # the closed one no longer
    assert figure(soup, "escrow_low_coverage") == "1"
    assert figure(soup, "escrow_in_violation") == "1" and change(soup, "escrow_in_violation") == "+1"
    low = page(as_user("admin").get(soup.find("tr", id="escrow_low_coverage").find("td").find("a")["href"]))
    assert [r.td.get_text(strip=True) for r in low.select("tbody tr")] == ["覆盖不足的学校"]


# --- sections 3–6: the enforcement area's figures ---------------------------------------------------------------------

NOW = (date(2022, 12, 1), date(2022, 12, 15))
BEFORE = (date(2022, 11, 16), date(2022, 11, 30))


@pytest.fixture
def enforcement_figures(fake_enforcement):
    return fake_enforcement({
        NOW: {"330302": {"staff_person_times": 40, "institutions_inspected": 18, "joint_inspections": 3,
                         "violations_disguised": 2, "violations_advertising": 1, "cases_opened": 2, "cases_decided": 1,
                         "fines_fen": 30_000_000, "leads_received": 5, "leads_closed": 4, "leads_closed_on_time": 3,
                         "leads_overdue": 1},
              "330303": {"staff_person_times": 22, "institutions_inspected": 9, "violations_fees": 1,
                         "violations_unlicensed": 2, "cases_opened": 1, "fines_fen": 18_000_000, "leads_received": 2},
              "350402": {"staff_person_times": 999}},  # another city's district: not in Wenzhou's bulletin
        BEFORE: {"330302": {"staff_person_times": 50, "fines_fen": 10_000_000}},
    })


def test_enforcement_sections_from_the_contract(users, enforcement_figures, as_user):
    soup = page(as_user("edu").get("/reports/bulletin", query_string={**PERIOD, "city": "330300"}))
    assert figure(soup, "staff_person_times") == "62" and change(soup, "staff_person_times") == "+12"
    assert figure(soup, "institutions_inspected") == "27" and figure(soup, "joint_inspections") == "3"
    assert figure(soup, "violations_disguised") == "2" and figure(soup, "violations_unlicensed") == "2"
    assert figure(soup, "cases_opened") == "3" and figure(soup, "cases_decided") == "1" and figure(soup, "cases_closed") == "0"
    fines = soup.find("tr", id="fines_fen").find("td")
    assert fines.a.get_text() == "¥480,000.00" and "48.00" in fines.find(class_="wan").get_text()
    assert fines.find(class_="delta").get_text() == "+¥380,000.00"
    assert figure(soup, "leads_received") == "7" and figure(soup, "leads_closed_on_time") == "3"
    assert figure(soup, "leads_overdue") == "1"
    link = soup.find("tr", id="cases_opened").find("td").a["href"]
    assert link.startswith("/enforcement/indicators/cases_opened?") and "start=2022-12-01" in link and "end=2022-12-15" in link
    district_link = soup.find("tr", id="cases_opened").find_all("td")[1].a["href"]
    assert "district=330302" in district_link
    assert enforcement_figures.calls == [NOW, BEFORE] or set(enforcement_figures.calls) == {NOW, BEFORE}


def test_every_figure_is_the_length_of_its_list(round_of_visits, escrows, import_rows, users, app):
    """Figures counted in bulk (one grouped query, counts per institution) equal the lists they link to."""
    from registry.reports import services
    from registry.reports.rules import Period

    from registry.accounts.models import User

    import_rows(_old_rows())
    market = db.session.scalar(db.select(User).where(User.username == "market"))  # the import let go of loaded rows
    period = Period(date(2022, 12, 1), date(2022, 12, 15))
    with app.test_request_context():
        bulletin = services.bulletin(market, period=period, city="330300")
        checked = 0
        for section in bulletin.sections:
            for line in section.rows:
                if line.indicator.records is None:
                    continue
                listed = services.records(market, line.indicator.key, period=period, city="330300")
                assert listed.total == line.total.value, line.indicator.key
                for district, figure_ in zip(bulletin.districts, line.districts):
                    assert services.records(market, line.indicator.key, period=period,
                                            district=district.code).total == figure_.value, (line.indicator.key, district.code)
                checked += 1
    assert checked >= 12


def _old_rows():
    from tests.reports.conftest import row

    return [row(1, status="deregistered", status_on="2022-12-03"), row(2, district="330303"),
            row(3, category="sports", district="330304", status="suspended", licensed_on="2019-01-01", status_on="2022-11-01")]
