"""Importing institutions from CSV: encodings, bad rows by line, all-or-nothing, no duplicates."""
import csv
import io

from registry.extensions import db
from registry.register.models import Institution, StatusChange
from tests.conftest import institution_data, page

COLUMNS = ["name", "credit_code", "category", "permit_number", "address", "district", "latitude", "longitude",
           "legal_representative", "contact_phone", "floor_area", "capacity", "teaching_mode", "status", "licensed_on",
           "status_on"]


def csv_text(rows) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: row.get(k, "") for k in COLUMNS})
    return out.getvalue()


def rows(n=3, **overrides):
    return [institution_data(name=f"鹿城区第{i}艺术培训学校", status="licensed", permit_number=f"教民330302700000{i}",
                             licensed_on="2020-09-01", **overrides) for i in range(1, n + 1)]


def write(tmp_path, text, encoding="utf-8"):
    path = tmp_path / "institutions.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_import_and_reimport_creates_no_duplicates(runner, tmp_path):
    path = write(tmp_path, csv_text(rows(3)), "utf-8-sig")
    first = runner.invoke(args=["import", "institutions", str(path)])
    assert first.exit_code == 0, first.output
    assert "3 created" in first.output
    again = runner.invoke(args=["import", "institutions", str(path)])
    assert "0 created, 0 updated, 3 unchanged" in again.output
    assert db.session.query(Institution).count() == 3
    institution = db.session.query(Institution).filter_by(name="鹿城区第1艺术培训学校").one()
    assert (institution.status, institution.department_code, str(institution.licensed_on)) == ("licensed", "culture", "2020-09-01")


def test_gbk_as_excel_saves_it(runner, tmp_path):
    path = write(tmp_path, csv_text(rows(2)), "gbk")
    result = runner.invoke(args=["import", "institutions", str(path)])
    assert result.exit_code == 0, result.output
    assert {i.name for i in db.session.query(Institution)} == {"鹿城区第1艺术培训学校", "鹿城区第2艺术培训学校"}


def test_chinese_words_and_district_names_are_understood(runner, tmp_path):
    data = rows(1, category="文化艺术类", district="鹿城区")
    data[0]["status"] = "已许可"
    result = runner.invoke(args=["import", "institutions", str(write(tmp_path, csv_text(data)))])
    assert result.exit_code == 0, result.output
    institution = db.session.query(Institution).one()
    assert (institution.category, institution.district, institution.status) == ("arts", "330302", "licensed")


def test_bad_rows_are_reported_by_line_and_nothing_is_written(runner, tmp_path):
    data = rows(4)
    data[1]["credit_code"] = "91350100M000100Y4Z"   # line 3
    data[3]["latitude"] = "north"                    # line 5
    data[2]["credit_code"] = data[0]["credit_code"]  # line 4 repeats line 2
    result = runner.invoke(args=["import", "institutions", str(write(tmp_path, csv_text(data)))])
    assert result.exit_code == 1
    assert "line 3: credit_code" in result.output and "“3”" in result.output
    assert "line 4: credit_code" in result.output and "2" in result.output.split("line 4: credit_code")[1].splitlines()[0]
    assert "line 5: latitude" in result.output
    assert db.session.query(Institution).count() == 0


def test_skip_invalid_writes_the_good_rows(runner, tmp_path):
    data = rows(3)
    data[1]["category"] = "custody"
    result = runner.invoke(args=["import", "institutions", str(write(tmp_path, csv_text(data))), "--skip-invalid"])
    assert result.exit_code == 0, result.output
    assert "line 3: category" in result.output
    assert "2 created" in result.output and "1 rows skipped" in result.output
    assert db.session.query(Institution).count() == 2


def test_updates_by_credit_code_and_respects_the_lifecycle(runner, tmp_path):
    data = rows(2)
    path = write(tmp_path, csv_text(data))
    runner.invoke(args=["import", "institutions", str(path)])
    data[0]["capacity"] = 45
    data[1]["status"] = "applied"  # licensed → applied is not a lifecycle step
    result = runner.invoke(args=["import", "institutions", str(write(tmp_path, csv_text(data)))])
    assert result.exit_code == 1 and "line 3: status" in result.output
    result = runner.invoke(args=["import", "institutions", str(write(tmp_path, csv_text(data[:1])))])
    assert "1 updated" in result.output, result.output
    db.session.expire_all()
    updated = db.session.query(Institution).filter_by(credit_code=data[0]["credit_code"]).one()
    assert updated.capacity == 45 and updated.version == 2


def test_header_problems(runner, tmp_path):
    path = write(tmp_path, "name,credit_code,colour\n新华,91350100M000100Y43,red\n")
    result = runner.invoke(args=["import", "institutions", str(path)])
    assert result.exit_code == 1
    assert "line 1: category" in result.output and "line 1: colour" in result.output


def test_not_text(runner, tmp_path):
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe\xfa" * 10)
    result = runner.invoke(args=["import", "institutions", str(path)])
    assert result.exit_code == 1


def test_upload_page(as_user, users):
    client = as_user("admin")
    data = rows(2)
    data[1]["district"] = "999999"
    response = client.post("/institutions/import", data={"file": (io.BytesIO(csv_text(data).encode("utf-8-sig")), "list.csv")},
                           content_type="multipart/form-data")
    soup = page(response)
    assert [td.get_text() for td in soup.select("table tbody tr td")][:2] == ["3", "district"]
    assert db.session.query(Institution).count() == 0
    response = client.post("/institutions/import", data={"file": (io.BytesIO(csv_text(data).encode("utf-8-sig")), "list.csv"),
                                                         "skip_invalid": "1"}, content_type="multipart/form-data")
    assert page(response).select_one(".alert-success")
    assert db.session.query(Institution).count() == 1
    assert as_user("edu").get("/institutions/import").status_code == 403


def test_import_is_audited(runner, tmp_path):
    from registry.core.audit import AuditEntry, verify

    runner.invoke(args=["import", "institutions", str(write(tmp_path, csv_text(rows(3))))])
    entries = db.session.query(AuditEntry).filter_by(action="institution.import").all()
    assert len(entries) == 3 and all(e.reason == "institutions.csv" for e in entries)
    assert verify(db.session).ok


def test_a_large_import_leaves_the_planner_statistics_of_the_register(runner, tmp_path, monkeypatch):
    from sqlalchemy import text

    def analysed():
        db.session.rollback()
        if db.engine.dialect.name == "sqlite":
            exists = db.session.execute(text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")).scalar()
            return exists and db.session.execute(text("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'institutions'")).scalar()
        return db.session.execute(text("SELECT analyze_count FROM pg_stat_user_tables WHERE relname = 'institutions'")).scalar()

    before = analysed() or 0
    monkeypatch.setattr("registry.register.importing.ANALYZE_AFTER", 3)
    assert runner.invoke(args=["import", "institutions", str(write(tmp_path, csv_text(rows(3))))]).exit_code == 0
    assert (analysed() or 0) > before  # searches are planned for the register as it now is


def test_the_import_note_in_the_history_reads_in_the_readers_language(runner, tmp_path, users, as_user):
    assert runner.invoke(args=["import", "institutions", str(write(tmp_path, csv_text(rows(1))))]).exit_code == 0
    institution = db.session.query(Institution).one()
    client = as_user("market")
    assert "从 institutions.csv 导入" in page(client.get(f"/institutions/{institution.id}")).get_text()
    client.post("/language", data={"locale": "en"})
    english = page(client.get(f"/institutions/{institution.id}")).get_text()
    assert "Imported from institutions.csv" in english and "从 institutions.csv" not in english


def test_a_converted_institution_imports_with_its_history(runner, tmp_path):
    """A city's old register holds institutions converted years ago: each lands converted, licensed then converted on
    the days the file gives; importing the file again changes nothing."""
    data = rows(2, category="academic")
    data[0].update(status="converted", licensed_on="2019-05-01", status_on="2021-09-30")
    path = write(tmp_path, csv_text(data))
    result = runner.invoke(args=["import", "institutions", str(path)])
    assert result.exit_code == 0, result.output
    assert "2 created" in result.output
    converted = db.session.query(Institution).filter_by(credit_code=data[0]["credit_code"]).one()
    assert (converted.status, str(converted.status_since)) == ("converted", "2021-09-30")
    history = db.session.query(StatusChange).filter_by(institution_id=converted.id).order_by(StatusChange.effective_on)
    assert [(c.to_status, str(c.effective_on)) for c in history] == [("licensed", "2019-05-01"), ("converted", "2021-09-30")]
    again = runner.invoke(args=["import", "institutions", str(path)])
    assert "0 created, 0 updated, 2 unchanged" in again.output, again.output


def test_a_converted_row_that_cannot_be_is_a_row_error(runner, tmp_path):
    data = rows(2)  # arts: only academic institutions are converted
    data[1].update(status="converted", status_on="2021-09-30")
    result = runner.invoke(args=["import", "institutions", str(write(tmp_path, csv_text(data)))])
    assert result.exit_code != 0 and isinstance(result.exception, SystemExit), result.exception  # no traceback
    assert "line 3: status: 只有学科类机构可转型为非学科类" in result.output, result.output
    assert db.session.query(Institution).count() == 0
