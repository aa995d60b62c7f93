"""Status by rule over time, the daily refresh, settings, the public word, the chart and the demo."""
from datetime import date

from registry.core.audit import AuditEntry, verify
from registry.core.messages import shown
from registry.escrow import chart, figures, services
from registry.escrow.models import Escrow, EscrowStatusChange
from registry.extensions import db
from tests.escrow.conftest import ACCOUNT, CHARGE_COLUMNS, charge_row, csv_bytes


def test_prepaid_fees_without_an_account_until_the_lessons_are_over(runner, make_institution, pin_today, tmp_path):
    institution = make_institution(category="sports")
    path = tmp_path / "charges.csv"
    path.write_bytes(csv_bytes(CHARGE_COLUMNS, [charge_row(institution.credit_code, months="2")]))  # to 2026-11-09
    runner.invoke(args=["import", "charges", str(path)])
    escrow = db.session.query(Escrow).one()
    assert escrow.status == "violation" and escrow.prepaid_held == 240000

    pin_today(date(2026, 11, 9))
    assert "no status changed" in runner.invoke(args=["escrow", "refresh"]).output
    pin_today(date(2026, 11, 10))
    result = runner.invoke(args=["escrow", "refresh"])
    assert result.exit_code == 0 and "Checked 1 escrows: 1 now none." in result.output
    db.session.expire_all()
    escrow = db.session.query(Escrow).one()
    assert escrow.status == "none" and escrow.prepaid_held == 0
    last = db.session.query(EscrowStatusChange).order_by(EscrowStatusChange.id.desc()).first()
    assert last.by_rule and last.to_status == "none" and shown(last.reason) == "未开设监管账户，也未持有预收费。"
    entry = db.session.query(AuditEntry).filter_by(entity_type="escrow").order_by(AuditEntry.id.desc()).first()
    assert entry.action == "escrow.rule" and entry.actor == "system" and entry.after_data["status"] == "none"
    assert verify(db.session).ok


def test_statements_fall_overdue_as_days_pass(users, arts_escrow, pin_today):
    services.record_statement(users["admin"], arts_escrow.id, {
        "period": "2026-09", "opening_balance": "0", "received": "100", "released": "0", "refunded": "0",
        "closing_balance": "100", "unearned": "100"})
    db.session.commit()
    kinds = lambda: {a.kind.value for a in figures.alerts(users["market"]).items}  # noqa: E731
    assert "overdue_statement" not in kinds()
    pin_today(date(2026, 10, 31))
    assert "overdue_statement" not in kinds()  # September ended a month ago, not more
    pin_today(date(2026, 11, 1))
    assert "overdue_statement" in kinds()


def test_deposit_is_checked_only_where_required(app, users, arts_escrow):
    services.record_statement(users["admin"], arts_escrow.id, {
        "period": "2026-09", "opening_balance": "0", "received": "50000", "released": "0", "refunded": "0",
        "closing_balance": "50000", "unearned": "50000"})
    escrow = db.session.query(Escrow).one()
    assert escrow.status == "warning" and escrow.required_deposit == 5000000  # ¥20,000 deposit for ¥50,000 of fees
    assert [a.kind.value for a in figures.alerts(users["market"]).items] == ["deposit_shortfall"]
    app.config["REGISTRY_ESCROW_DEPOSIT_REQUIRED"] = False
    figures.refresh(escrow)
    assert escrow.status == "normal" and escrow.required_deposit is None
    assert figures.alerts(users["market"]).items == []


def test_a_closed_account_still_holding_fees_is_an_alert(users, arts_escrow):
    services.record_statement(users["admin"], arts_escrow.id, {
        "period": "2026-09", "opening_balance": "0", "received": "30000", "released": "0", "refunded": "0",
        "closing_balance": "30000", "unearned": "30000"})
    services.change_status(users["admin"], arts_escrow.id, action="close", reason="机构注销")
    alerts = figures.alerts(users["market"]).items
    assert [(a.kind.value, a.amount) for a in alerts] == [("no_account", 3000000)]
    assert db.session.query(Escrow).one().status == "closed"  # the officer's closure stands


def test_reopening_a_closed_account(users, arts_escrow):
    services.change_status(users["admin"], arts_escrow.id, action="close", reason="更换银行")
    escrow = services.record_account(users["admin"], arts_escrow.id, {
        "bank": "温州银行", "account_number": "6222021234567777", "opened_on": "2026-10-01", "risk_deposit": "20000"},
        reason="在温州银行重新开立监管账户")
    assert escrow.status == "opened" and escrow.closed_on is None and escrow.account_number == "6222021234567777"


def test_the_public_sees_only_the_status_word(users, arts_escrow, make_institution):
    assert services.public_status(arts_escrow.id) == "opened"
    assert services.public_status(make_institution().id) == "none"


def test_every_status_change_is_in_the_history_with_who_or_which_rule(users, arts_escrow):
    services.record_charge(users["arts"], arts_escrow.id, {"charged_on": "2026-09-01", "course_start": "2026-09-05",
                                                           "student_ref": "A1", "amount": "9800", "months": "1",
                                                           "channel": "one_off"})
    steps = db.session.query(EscrowStatusChange).order_by(EscrowStatusChange.id).all()
    assert [(s.to_status.value, s.by_rule, s.actor_id) for s in steps] == [
        ("opened", False, users["admin"].id), ("violation", True, users["arts"].id)]
    assert shown(steps[1].reason) == "1笔收费违反收费规定。"


def test_chart_scale_and_escaping():
    assert [chart.nice_ceiling(v) for v in (0, 1, 99, 100, 101, 180, 240, 260, 700, 1_234_567)] == [
        10000, 1, 100, 100, 200, 200, 250, 500, 1000, 2_000_000]
    svg = chart.balance_chart([(date(2026, 9, 30), 100, 50)], title='<script>"x"</script>', balance_label="b&b",
                              obligation_label="o")
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "b&amp;b" in svg
    assert chart.balance_chart([], title="t", balance_label="b", obligation_label="o") == ""


def test_the_demo_shows_every_status_and_alert(tmp_path, monkeypatch, pin_today):
    from click.testing import CliRunner
    from sqlalchemy import func, select

    from registry import create_app
    from registry.cli import cli
    from registry.core.models import local_today
    from registry.escrow.rules import AlertKind, EscrowStatus

    pin_today(local_today())  # the demo is dated to the real month

    monkeypatch.setenv("REGISTRY_DATABASE_URL", f"sqlite:///{tmp_path / 'demo.sqlite'}")
    monkeypatch.setenv("REGISTRY_SECRET_KEY", "demo-test")
    result = CliRunner().invoke(cli, ["demo", "--no-serve"])
    assert result.exit_code == 0, result.output
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'demo.sqlite'}", "SECRET_KEY": "x"})
    with app.app_context():
        from registry.accounts.models import User

        statuses = dict(db.session.execute(select(Escrow.status, func.count()).group_by(Escrow.status)).all())
        assert set(statuses) == set(EscrowStatus)
        market = db.session.scalar(select(User).where(User.username == "market"))
        with app.test_request_context():
            counts = figures.alerts(market).counts
        assert set(counts) == set(AlertKind)
        assert not db.session.scalar(select(func.count()).select_from(Escrow).where(Escrow.account_number == ACCOUNT))
        assert verify(db.session).ok
        db.engine.dispose()


def test_a_rule_finding_reads_in_the_readers_language(runner, make_institution, as_user, tmp_path):
    """The finding is kept as a message, not as the Chinese words of the day it was found."""
    from tests.conftest import page

    institution = make_institution(category="sports")
    path = tmp_path / "charges.csv"
    path.write_bytes(csv_bytes(CHARGE_COLUMNS, [charge_row(institution.credit_code, months="2")]))
    assert runner.invoke(args=["import", "charges", str(path)]).exit_code == 0
    client = as_user("admin")
    chinese = page(client.get(f"/institutions/{institution.id}/escrow")).find("main").get_text(" ", strip=True)
    client.post("/language", data={"locale": "en"})
    english = page(client.get(f"/institutions/{institution.id}/escrow")).find("main").get_text(" ", strip=True)
    assert "预收费" in chinese and "msg:" not in chinese
    assert "prepaid" in english.lower() and "预收费" not in english and "msg:" not in english
    history = client.get(f"/api/v1/institutions/{institution.id}/history", headers={"Accept-Language": "en"}).json
    assert "msg:" not in str(history)
