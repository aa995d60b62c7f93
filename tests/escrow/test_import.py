"""Importing statements and charges: encodings, bad rows by line, all-or-nothing, mappings, no duplicates."""
import io

from registry.core.audit import AuditEntry, verify
from registry.escrow.models import Charge, Escrow, Statement
from registry.extensions import db
from tests.conftest import page
from tests.escrow.conftest import ACCOUNT, CHARGE_COLUMNS, STATEMENT_COLUMNS, charge_row, csv_bytes, month_rows


def write(tmp_path, data: bytes, name="file.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def statements_file(tmp_path, rows, encoding="utf-8", columns=STATEMENT_COLUMNS):
    return write(tmp_path, csv_bytes(columns, rows, encoding), "statements.csv")


def test_import_statements_and_again(runner, arts_escrow, tmp_path):
    path = statements_file(tmp_path, month_rows(ACCOUNT, [7, 8, 9]), "utf-8-sig")
    first = runner.invoke(args=["import", "statements", str(path)])
    assert first.exit_code == 0, first.output
    assert "3 created, 0 updated, 0 unchanged, 0 flagged" in first.output
    again = runner.invoke(args=["import", "statements", str(path)])
    assert "0 created, 0 updated, 3 unchanged" in again.output
    assert db.session.query(Statement).count() == 3
    escrow = db.session.query(Escrow).one()
    assert (escrow.status, escrow.balance, str(escrow.latest_period_end)) == ("normal", 1600000, "2026-09-30")


def test_a_corrected_statement_replaces_its_period(runner, arts_escrow, tmp_path):
    rows = month_rows(ACCOUNT, [8, 9])
    runner.invoke(args=["import", "statements", str(statements_file(tmp_path, rows))])
    rows[1]["unearned"] = "20000.00"  # the bank's corrected figure (was 14,000.00)
    result = runner.invoke(args=["import", "statements", str(statements_file(tmp_path, rows))])
    assert "0 created, 1 updated, 1 unchanged" in result.output, result.output
    assert db.session.query(Statement).count() == 2
    assert db.session.query(Escrow).one().unearned == 2000000
    corrected = [e for e in db.session.query(AuditEntry).filter_by(entity_type="escrow_statement") if e.before]
    assert corrected[0].before_data["unearned"] == 1400000 and corrected[0].after_data["unearned"] == 2000000


def test_gb18030_with_chinese_headers(runner, arts_escrow, tmp_path):
    rows = month_rows(ACCOUNT, [9])
    text = "监管账号,期间,期初余额,本期收入,本期划拨,本期退费,期末余额,未消课金额,备注\r\n" + ",".join(
        [rows[0]["account_number"].replace(" ", ""), "2026年9月", rows[0]["opening_balance"], rows[0]["received"],
         rows[0]["released"], rows[0]["refunded"], rows[0]["closing_balance"], rows[0]["unearned"], "正常"]) + "\r\n"
    path = write(tmp_path, text.encode("gb18030"), "对账单.csv")
    result = runner.invoke(args=["import", "statements", str(path)])
    assert result.exit_code == 0, result.output
    assert "ignored columns: 备注" in result.output
    statement = db.session.query(Statement).one()
    assert (str(statement.period_start), str(statement.period_end), statement.closing_balance) == ("2026-09-01", "2026-09-30", 1200000)


def test_a_mapping_for_a_bank_that_names_columns_its_own_way(runner, arts_escrow, tmp_path):
    rows = month_rows(ACCOUNT, [9])[0]
    text = ("acct,from,to,open,in,out,refund,close,owed\r\n" + ",".join(
        [ACCOUNT, "2026/09/01", "2026/09/30", rows["opening_balance"], rows["received"], rows["released"], rows["refunded"],
         rows["closing_balance"], rows["unearned"]]) + "\r\n").encode()
    path = write(tmp_path, text)
    unmapped = runner.invoke(args=["import", "statements", str(path)])
    assert unmapped.exit_code == 1 and "line 1: opening_balance" in unmapped.output
    mapping = ("account_number=acct,period_start=from,period_end=to,opening_balance=open,received=in,released=out,"
               "refunded=refund,closing_balance=close,unearned=owed")
    result = runner.invoke(args=["import", "statements", str(path), "--map", mapping])
    assert result.exit_code == 0, result.output
    assert db.session.query(Statement).count() == 1
    typo = runner.invoke(args=["import", "statements", str(path), "--map", "closing=close"])
    assert typo.exit_code == 1 and "“closing”不是本导入的列" in typo.output
    absent = runner.invoke(args=["import", "statements", str(path), "--map", mapping + ",unearned=未消课"])
    assert absent.exit_code == 1 and "“未消课”" in absent.output


def test_bad_rows_are_reported_by_line_and_nothing_is_written(runner, arts_escrow, make_institution, tmp_path):
    no_account = make_institution(name="鹿城区彩虹美术培训学校", category="arts")
    rows = month_rows(ACCOUNT, [6, 7, 8, 9])
    rows[1]["received"] = "5千"                                   # line 3
    rows[2]["account_number"] = "6222021299999999"              # line 4: no such account
    rows[3]["period_start"] = rows[0]["period_start"]           # line 5: same period as line 2
    rows.append({**month_rows(ACCOUNT, [5])[0], "account_number": "", "credit_code": no_account.credit_code})  # line 6
    rows.append({**month_rows(ACCOUNT, [4])[0], "account_number": "", "credit_code": arts_escrow.credit_code,
                 "period_end": "2026-03-31"})                   # line 7: ends before it starts
    result = runner.invoke(args=["import", "statements", str(statements_file(tmp_path, rows))])
    assert result.exit_code == 1
    for expected in ("line 3: received", "line 4: account_number", "6222 **** **** 9999", "line 5: period_start",
                     "已在第2行", "line 6: credit_code", "尚未登记监管账户", "line 7: period_end"):
        assert expected in result.output, expected
    assert db.session.query(Statement).count() == 0

    skipped = runner.invoke(args=["import", "statements", str(statements_file(tmp_path, rows)), "--skip-invalid"])
    assert skipped.exit_code == 0 and "1 created" in skipped.output and "5 rows skipped" in skipped.output


def test_flagged_statements_are_imported_and_counted(runner, arts_escrow, tmp_path):
    rows = month_rows(ACCOUNT, [6, 7, 9])                       # August is missing
    rows[0]["closing_balance"] = "99.00"                        # June does not add up
    result = runner.invoke(args=["import", "statements", str(statements_file(tmp_path, rows))])
    assert "3 created, 0 updated, 0 unchanged, 3 flagged" in result.output, result.output  # June, July's carry-over, September
    escrow = db.session.query(Escrow).one()
    assert escrow.flagged_statements == 3


def test_import_charges(runner, arts_escrow, tmp_path):
    code = arts_escrow.credit_code
    rows = [charge_row(code, student_ref="XY-001"),
            charge_row(code, student_ref="XY-002", charge_ref="T20260902001", amount="6800", channel="续费"),
            charge_row(code, student_ref="XY-003", months="", class_hours="96", channel="lesson_card"),
            charge_row(code, student_ref="XY-004", charged_on="2026-07-01")]
    path = write(tmp_path, csv_bytes(CHARGE_COLUMNS, rows, "utf-8-sig"), "charges.csv")
    result = runner.invoke(args=["import", "charges", str(path)])
    assert result.exit_code == 0, result.output
    assert "4 created, 0 updated, 0 unchanged, 3 break a charging rule" in result.output
    rules_broken = {c.student_ref: [v["rule"] for v in c.violations] for c in db.session.query(Charge)}
    assert rules_broken == {"XY-001": [], "XY-002": ["over_cap"], "XY-003": ["over_hours"], "XY-004": ["too_early"]}
    escrow = db.session.query(Escrow).one()
    assert (escrow.status, escrow.open_violations, escrow.violation_amount) == ("violation", 3, 680000 + 240000 + 240000)

    again = runner.invoke(args=["import", "charges", str(path)])
    assert "0 created, 0 updated, 4 unchanged" in again.output
    rows[1]["amount"] = "4800"    # same charge number: the charge is corrected
    rows[0]["months"] = "2"       # same date, student and amount: corrected too
    result = runner.invoke(args=["import", "charges", str(write(tmp_path, csv_bytes(CHARGE_COLUMNS, rows), "charges.csv"))])
    assert "0 created, 2 updated, 2 unchanged" in result.output, result.output
    assert db.session.query(Charge).count() == 4
    assert db.session.query(Escrow).one().open_violations == 2
    assert verify(db.session).ok
    imported = db.session.query(AuditEntry).filter_by(action="escrow.charge_import").all()
    assert len(imported) == 6 and all(e.reason == "charges.csv" for e in imported)


def test_charges_for_an_institution_without_an_account_make_a_violation(runner, make_institution, tmp_path):
    institution = make_institution(name="鹿城区无账户培训学校", category="sports")
    path = write(tmp_path, csv_bytes(CHARGE_COLUMNS, [charge_row(institution.credit_code)]))
    runner.invoke(args=["import", "charges", str(path)])
    escrow = db.session.query(Escrow).one()
    assert (escrow.status, escrow.prepaid_held, escrow.account_number) == ("violation", 240000, "")


def test_bad_charge_rows(runner, arts_escrow, tmp_path):
    code = arts_escrow.credit_code
    rows = [charge_row(code), charge_row(code, student_ref="330302201001011234"), charge_row("91350100M000100Y43"),
            charge_row(code), charge_row(code, student_ref="B", amount="-5", channel="cash")]
    result = runner.invoke(args=["import", "charges", str(write(tmp_path, csv_bytes(CHARGE_COLUMNS, rows)))])
    assert result.exit_code == 1
    for expected in ("line 3: student_ref", "line 4: credit_code", "line 5: student_ref", "相同的收费记录已在第2行",
                     "line 6: amount", "line 6: channel"):
        assert expected in result.output, expected
    assert db.session.query(Charge).count() == 0 and db.session.query(Escrow).count() == 1


def test_upload_page_with_a_mapping(as_user, arts_escrow, make_institution):
    sports = make_institution(name="龙湾区飞鱼游泳培训中心", category="sports")
    client = as_user("arts")
    text = "学校代码,date,start,student,fee,hours,months,way\r\n"
    text += f"{arts_escrow.credit_code},2026-09-01,2026-09-05,XY-1,2400,24,3,one_off\r\n"
    text += f"{sports.credit_code},2026-09-01,2026-09-05,XY-2,2400,24,3,one_off\r\n"
    form = {"file": (io.BytesIO(text.encode("utf-8-sig")), "charges.csv"), "map_credit_code": "学校代码",
            "map_charged_on": "date", "map_course_start": "start", "map_student_ref": "student", "map_amount": "fee",
            "map_class_hours": "hours", "map_channel": "way"}
    response = client.post("/escrow/import/charges", data=form, content_type="multipart/form-data")
    assert response.status_code == 422
    cells = [td.get_text() for td in page(response).select("table tbody tr td")]
    assert cells[-3:-1] == ["3", "credit_code"] and "由其他部门主管" in cells[-1]  # the sports institution
    assert db.session.query(Charge).count() == 0

    form["file"] = (io.BytesIO(text.encode("utf-8-sig")), "charges.csv")
    response = client.post("/escrow/import/charges", data={**form, "skip_invalid": "1"}, content_type="multipart/form-data")
    assert page(response).select_one(".alert-success") and db.session.query(Charge).count() == 1
    # the mapping is remembered for the next import
    assert page(client.get("/escrow/import/charges")).find(id="map_amount")["value"] == "fee"

    bad_mapping = client.post("/escrow/import/charges", data={"file": (io.BytesIO(b"a\r\n"), "x.csv"), "map_credit_code": "a",
                                                              "map_amount": "fee"}, content_type="multipart/form-data")
    assert bad_mapping.status_code == 422 and "“fee”" in page(bad_mapping).get_text()
    template = client.get("/escrow/import/statements/template.csv")
    assert template.get_data(as_text=True).lstrip("\ufeff").startswith("credit_code,account_number,period_start")


def test_not_text_and_empty(runner, arts_escrow, tmp_path):
    assert runner.invoke(args=["import", "charges", str(write(tmp_path, b"\x89PNG\r\n\x1a\n\xff\xfe\xfa" * 10))]).exit_code == 1
    empty = runner.invoke(args=["import", "charges", str(write(tmp_path, b""))])
    assert empty.exit_code == 1 and "文件为空" in empty.output


def test_statements_of_a_closed_account_still_find_their_institution(runner, users, arts_escrow, tmp_path):
    from registry.escrow import services

    services.change_status(users["admin"], arts_escrow.id, action="close", reason="机构注销")
    db.session.commit()
    result = runner.invoke(args=["import", "statements", str(statements_file(tmp_path, month_rows(ACCOUNT, [9])))])
    assert result.exit_code == 0, result.output
    assert db.session.query(Statement).one().institution_id == arts_escrow.id
