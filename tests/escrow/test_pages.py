"""The escrow's pages, as licensing officers and market staff use them."""
from datetime import date

from registry.escrow.models import Charge, Escrow, EscrowStatusChange, Statement
from registry.extensions import db
from tests.conftest import field_errors, page
from tests.escrow.conftest import ACCOUNT

FULL = "6222021234561234"
MASKED = "6222 **** **** 1234"


def account_form(**overrides):
    data = {"bank": "中国工商银行温州分行", "account_number": ACCOUNT, "opened_on": "2026-06-15", "risk_deposit": "20,000",
            "reason": "签订资金监管协议", "version": ""}
    data.update(overrides)
    return data


def statement_form(**overrides):
    data = {"period_start": "2026-09-01", "period_end": "2026-09-30", "opening_balance": "10,000.00",
            "received": "5,000", "released": "3,000", "refunded": "0", "closing_balance": "12000",
            "unearned": "12000"}
    data.update(overrides)
    return data


def test_an_officer_records_the_account(as_user, make_institution):
    institution = make_institution(name="鹿城区星光舞蹈培训学校", category="arts")
    client = as_user("arts")
    panel = page(client.get(f"/institutions/{institution.id}")).select_one("#escrow")
    assert "未开设账户" in panel.get_text() and "未登记" in panel.get_text()

    missing = client.post(f"/institutions/{institution.id}/escrow/account", data=account_form(account_number="12AB", reason=""))
    assert missing.status_code == 422
    assert field_errors(missing, "account_number") and field_errors(missing, "reason")
    assert page(missing).find(id="bank")["value"] == "中国工商银行温州分行"  # what was typed is kept

    response = client.post(f"/institutions/{institution.id}/escrow/account", data=account_form())
    assert response.status_code == 302
    escrow = db.session.query(Escrow).one()
    assert (escrow.account_number, escrow.risk_deposit, escrow.status) == (FULL, 2000000, "opened")

    own_page = page(client.get(f"/institutions/{institution.id}/escrow"))
    assert FULL in own_page.get_text()                       # in full on the account's own page only
    institution_page = client.get(f"/institutions/{institution.id}").get_data(as_text=True)
    assert FULL not in institution_page and MASKED in institution_page
    assert "¥20,000.00" in institution_page
    step = db.session.query(EscrowStatusChange).one()
    assert (step.to_status, step.by_rule, step.reason) == ("opened", False, "签订资金监管协议")


def test_the_account_number_never_appears_in_full_in_the_history(as_user, arts_escrow):
    client = as_user("arts")
    client.post(f"/institutions/{arts_escrow.id}/escrow/account",
                data=account_form(account_number="6222021234569999", reason="更换监管银行账户", version="1"))
    soup = page(client.get(f"/institutions/{arts_escrow.id}/escrow"))
    history = soup.find("h2", string="变更记录").find_parent("section").get_text()
    assert "6222 **** **** 9999" in history and "6222 **** **** 1234" in history
    assert FULL not in history and "6222021234569999" not in history
    from registry.core.audit import AuditEntry

    assert all(FULL not in (e.before or "") + (e.after or "") for e in db.session.query(AuditEntry))


def test_other_departments_and_market_cannot_change_it(as_user, arts_escrow):
    sports = as_user("sports")
    assert sports.get(f"/institutions/{arts_escrow.id}/escrow").status_code == 403
    assert sports.post(f"/institutions/{arts_escrow.id}/escrow/account", data=account_form()).status_code == 403
    market = as_user("market")
    escrow_page = market.get(f"/institutions/{arts_escrow.id}/escrow")
    assert escrow_page.status_code == 200
    assert not page(escrow_page).select(".pagehead .actions a")  # no buttons to change anything
    for url in (f"/institutions/{arts_escrow.id}/escrow/account", f"/institutions/{arts_escrow.id}/escrow/freeze",
                f"/institutions/{arts_escrow.id}/escrow/statements/new", f"/institutions/{arts_escrow.id}/escrow/charges/new"):
        assert market.post(url, data={"reason": "x"}).status_code == 403, url
    assert market.get("/escrow/import/statements").status_code == 403


def test_the_same_account_cannot_serve_two_institutions(as_user, arts_escrow, make_institution):
    other = make_institution(name="鹿城区彩虹美术培训学校", category="arts")
    response = as_user("arts").post(f"/institutions/{other.id}/escrow/account", data=account_form())
    assert response.status_code == 422
    assert "鹿城区星光舞蹈培训学校" in " ".join(field_errors(response, "account_number"))


def test_typing_a_statement(as_user, arts_escrow):
    client = as_user("arts")
    response = client.post(f"/institutions/{arts_escrow.id}/escrow/statements/new", data=statement_form())
    assert response.status_code == 302
    escrow = db.session.query(Escrow).one()
    assert escrow.status == "normal" and escrow.balance == 1200000
    detail = page(client.get(f"/institutions/{arts_escrow.id}/escrow"))
    assert "266.7%" in detail.select_one(".coverage").get_text()  # (12,000 + 20,000) ÷ 12,000
    assert detail.select_one("svg.escrow-chart") is not None

    # the form for the next one starts after it, with the balance carried over
    form = page(client.get(f"/institutions/{arts_escrow.id}/escrow/statements/new"))
    assert form.find(id="period_start")["value"] == "2026-10-01"
    assert form.find(id="opening_balance")["value"] == "12000.00"


def test_a_statement_that_does_not_add_up_is_not_silently_accepted(as_user, arts_escrow):
    client = as_user("arts")
    url = f"/institutions/{arts_escrow.id}/escrow/statements/new"
    response = client.post(url, data=statement_form(closing_balance="11,000"))
    assert response.status_code == 422
    assert "¥12,000.00" in " ".join(field_errors(response, "closing_balance"))
    assert page(response).find(id="accept_mismatch") is not None
    assert db.session.query(Statement).count() == 0

    response = client.post(url, data=statement_form(closing_balance="11,000", accept_mismatch="y"))
    assert response.status_code == 302
    statement = db.session.query(Statement).one()
    assert statement.flagged and statement.flags[0]["difference"] == -100000
    detail = client.get(f"/institutions/{arts_escrow.id}/escrow")
    assert "不等于" in page(detail).select_one("#statements").get_text()


def test_a_gap_between_periods_is_flagged_and_resolved(as_user, arts_escrow):
    client = as_user("arts")
    url = f"/institutions/{arts_escrow.id}/escrow/statements/new"
    client.post(url, data=statement_form(period_start="2026-07-01", period_end="2026-07-31"))
    client.post(url, data=statement_form(opening_balance="12000", closing_balance="14000", unearned="14000"))
    september = db.session.query(Statement).filter_by(period_start=date(2026, 9, 1)).one()
    assert september.flags == [{"flag": "gap", "from": "2026-08-01", "to": "2026-08-31"}]
    alerts = page(client.get("/escrow/alerts?kind=flagged_statement"))
    assert "鹿城区星光舞蹈培训学校" in alerts.select_one("table").get_text()

    empty = client.post(f"/escrow/statements/{september.id}/resolve", data={"resolution": ""})
    assert empty.status_code == 422 and field_errors(empty, "resolution")
    client.post(f"/escrow/statements/{september.id}/resolve", data={"resolution": "银行确认8月无交易，未出具对账单"})
    assert db.session.get(Statement, september.id).resolved_on is not None
    assert page(client.get("/escrow/alerts?kind=flagged_statement")).select_one("table") is None

    # August arrives after all: the gap closes
    client.post(url, data=statement_form(period_start="2026-08-01", period_end="2026-08-31", opening_balance="12000",
                                         received="0", released="0", closing_balance="12000"))
    assert db.session.get(Statement, september.id).flags == []


def test_recording_a_charge_that_breaks_the_rules(as_user, arts_escrow):
    client = as_user("arts")
    url = f"/institutions/{arts_escrow.id}/escrow/charges/new"
    bad = client.post(url, data={"charged_on": "2026-09-01", "course_start": "2026-09-05", "student_ref": "王小明",
                                 "amount": "x", "channel": ""})
    assert bad.status_code == 422
    assert field_errors(bad, "student_ref") and field_errors(bad, "amount") and field_errors(bad, "channel")
    assert field_errors(bad, "months")

    response = client.post(url, data={"charged_on": "2026-09-01", "course_start": "2026-09-05", "student_ref": "XY-007",
                                      "amount": "9,800", "months": "6", "channel": "one_off"}, follow_redirects=True)
    text = page(response).get_text()
    assert "一次收取6个月费用" in text and "本地上限为¥5,000.00" in text
    assert db.session.query(Escrow).one().status == "violation"

    again = client.post(url, data={"charged_on": "2026-09-01", "course_start": "2026-09-05", "student_ref": "XY-007",
                                   "amount": "9800", "months": "6", "channel": "one_off"})
    assert "已登记" in " ".join(field_errors(again, "student_ref"))

    charge = db.session.query(Charge).one()
    client.post(f"/escrow/charges/{charge.id}/resolve", data={"resolution": "已退还超收部分，改为按季收费"})
    escrow = db.session.query(Escrow).one()
    assert escrow.status == "opened" and escrow.open_violations == 0  # no statement yet
    history = page(client.get(f"/institutions/{arts_escrow.id}/escrow")).find("h2", string="状态变更记录").find_parent("section")
    assert "按规则" in history.get_text() and "1笔收费违反收费规定。" in history.get_text()


def test_freeze_unfreeze_close(as_user, arts_escrow):
    client = as_user("arts")
    base = f"/institutions/{arts_escrow.id}/escrow"
    client.post(f"{base}/statements/new", data=statement_form())
    no_reason = client.post(f"{base}/freeze", data={"reason": "", "effective_on": "2026-10-10", "version": "1"})
    assert no_reason.status_code == 422 and field_errors(no_reason, "reason")
    client.post(f"{base}/freeze", data={"reason": "停业整顿期间冻结", "effective_on": "2026-10-10", "version": "1"})
    escrow = db.session.query(Escrow).one()
    assert escrow.status == "frozen" and str(escrow.status_since) == "2026-10-10"
    # the rules do not lift a freeze
    client.post(f"{base}/charges/new", data={"charged_on": "2026-09-01", "course_start": "2026-09-05", "student_ref": "A1",
                                              "amount": "9800", "months": "1", "channel": "one_off"})
    assert db.session.query(Escrow).one().status == "frozen"
    assert client.get(f"{base}/freeze").status_code == 200
    assert client.post(f"{base}/freeze", data={"reason": "x", "version": "2"}).status_code == 422  # already frozen

    client.post(f"{base}/unfreeze", data={"reason": "整改完成", "effective_on": "2026-10-12", "version": "2"})
    escrow = db.session.query(Escrow).one()
    assert escrow.status == "violation"  # what the rules say now: the charge over the cap
    unconfirmed = client.post(f"{base}/close", data={"reason": "机构注销", "version": "3"})
    assert unconfirmed.status_code == 422 and field_errors(unconfirmed, "confirm")
    client.post(f"{base}/close", data={"reason": "机构注销", "version": "3", "confirm": "y", "effective_on": "2026-10-14"})
    escrow = db.session.query(Escrow).one()
    assert escrow.status == "closed" and str(escrow.closed_on) == "2026-10-14"
    steps = [(s.to_status.value, s.by_rule) for s in db.session.query(EscrowStatusChange).order_by(EscrowStatusChange.id)]
    assert steps == [("opened", False), ("normal", True), ("frozen", False), ("violation", False), ("closed", False)]


def test_a_stale_form_is_refused(as_user, arts_escrow):
    client = as_user("arts")
    base = f"/institutions/{arts_escrow.id}/escrow"
    client.post(f"{base}/account", data=account_form(risk_deposit="30000", reason="追加保证金", version="1"))
    response = client.post(f"{base}/freeze", data={"reason": "x", "version": "1"}, follow_redirects=True)
    assert "他人已修改了该资金监管信息" in page(response).get_text()
    assert db.session.query(Escrow).one().status == "opened"


def test_alerts_by_department_and_for_market(as_user, make_institution, with_account):
    arts = make_institution(name="鹿城区星光舞蹈培训学校", category="arts")
    sports = make_institution(name="龙湾区飞鱼游泳培训中心", category="sports")
    with_account(arts, number="6222021234561111", deposit="0")
    with_account(sports, number="6222021234562222", deposit="0")
    as_user("admin")
    from registry.escrow import services
    from registry.accounts.models import User

    admin = db.session.query(User).filter_by(username="admin").one()
    services.record_statement(admin, arts.id, statement_form(closing_balance="12000", unearned="30000"))  # 40% coverage
    services.record_charge(admin, sports.id, {"charged_on": "2026-09-01", "course_start": "2026-09-05", "student_ref": "S1",
                                              "amount": "6000", "months": "3", "channel": "top_up"})
    db.session.commit()

    arts_officer = page(as_user("arts").get("/escrow/alerts"))
    assert "鹿城区星光舞蹈培训学校" in arts_officer.get_text() and "龙湾区飞鱼游泳培训中心" not in arts_officer.get_text()
    market = page(as_user("market").get("/escrow/alerts"))
    rows = [tr.get_text(" ", strip=True) for tr in market.select("table tbody tr")]
    assert any("龙湾区飞鱼游泳培训中心" in r and "违规收费" in r for r in rows)
    assert any("鹿城区星光舞蹈培训学校" in r and "覆盖率低于下限" in r for r in rows)
    amounts = [tr.select_one("td.num strong").get_text() for tr in market.select("table tbody tr")]
    assert amounts == sorted(amounts, key=lambda a: -float(a.strip("¥").replace(",", "")))  # largest first
    assert "6222 **** **** 1111" in market.get_text() and "6222021234561111" not in market.get_text()
    only = page(as_user("market").get("/escrow/alerts?kind=charge_violation"))
    assert [a.get_text() for a in only.select("table tbody a")] == ["龙湾区飞鱼游泳培训中心"]
    assert as_user("grid").get("/escrow/alerts").status_code == 403


def test_the_chart_needs_no_script(as_user, arts_escrow):
    client = as_user("arts")
    for month in ("07", "08", "09"):
        last = "30" if month == "09" else "31"
        client.post(f"/institutions/{arts_escrow.id}/escrow/statements/new",
                    data=statement_form(period_start=f"2026-{month}-01", period_end=f"2026-{month}-{last}",
                                        opening_balance="10000", received="0", released="0", closing_balance="10000"))
    response = client.get(f"/institutions/{arts_escrow.id}")
    soup = page(response)
    chart = soup.select_one("#escrow svg.escrow-chart")
    assert len(chart.select("polyline")) == 2 and len(chart.select("circle")) == 6
    assert not soup.find("script") and "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert [t.get_text() for t in chart.find_all("text") if t.get_text().startswith("2026-")] == ["2026-07", "2026-08", "2026-09"]


def test_the_history_names_people_as_the_status_steps_do(as_user, make_user, make_institution):
    make_user("lin", "officer", "culture", display_name="文广旅局 林晓燕")
    institution = make_institution(name="鹿城区晨光美术培训学校", category="arts")
    client = as_user("lin")
    assert client.post(f"/institutions/{institution.id}/escrow/account", data=account_form()).status_code == 302
    history = page(as_user("market").get(f"/institutions/{institution.id}/escrow")).select_one("table.history")
    who = [row.find_all("td")[1].get_text(strip=True) for row in history.select("tbody tr")]
    assert "文广旅局 林晓燕" in who and "lin" not in who
    assert "未开设账户 → 已开设账户" in history.get_text() and "opened" not in history.get_text()


def test_where_a_statement_came_from_reads_in_the_readers_language(as_user, arts_escrow, token_for, client):
    """"typed in" is the system's word: typed on the Chinese page, an English reader reads it in English."""
    assert as_user("arts").post(f"/institutions/{arts_escrow.id}/escrow/statements/new", data=statement_form()).status_code == 302
    client.post("/logout")  # which ends the user's API tokens: take one after
    headers = token_for("arts")
    english = client.get(f"/api/v1/escrow/statements?institution_id={arts_escrow.id}", headers={**headers, "Accept-Language": "en"})
    chinese = client.get(f"/api/v1/escrow/statements?institution_id={arts_escrow.id}", headers={**headers, "Accept-Language": "zh-CN"})
    assert [s["source"] for s in english.json["items"]] == ["typed in"]
    assert [s["source"] for s in chinese.json["items"]] == ["手工录入"]
