"""`registry import staff` and `registry import teachers`, as an office runs them, and the cross-check they run."""
from sqlalchemy import select

from registry.enforcement.models import Lead
from registry.extensions import db
from registry.staff.models import SchoolTeacher, StaffMember, TeacherMatch
from tests.conftest import page
from tests.staff.conftest import STAFF_COLUMNS, TEACHER_COLUMNS, csv_bytes, id_number, member_data


def staff_row(institution, **overrides) -> dict:
    row = member_data(**overrides)
    row["credit_code"] = institution.credit_code
    row["full_time"] = "全职" if row["full_time"] is True else "兼职" if row["full_time"] is False else row["full_time"]
    return row


def write(tmp_path, data: bytes, name="staff.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def run(runner, *args):
    return runner.invoke(args=["import", *map(str, args)])


def test_import_a_roster_and_again(runner, arts, tmp_path):
    rows = [staff_row(arts, name="王芳"), staff_row(arts, name="赵强", role="管理", full_time=False)]
    path = write(tmp_path, csv_bytes(STAFF_COLUMNS, rows, "utf-8-sig"))
    first = run(runner, "staff", path)
    assert first.exit_code == 0, first.output
    assert "2 created, 0 updated, 0 unchanged, 0 ended" in first.output
    again = run(runner, "staff", path)
    assert "0 created, 0 updated, 2 unchanged" in again.output
    rows[0]["check_result"], rows[0]["checked_on"] = "未通过", "2026-09-01"
    changed = run(runner, "staff", write(tmp_path, csv_bytes(STAFF_COLUMNS, rows)))
    assert "0 created, 1 updated, 1 unchanged" in changed.output
    assert db.session.scalar(select(StaffMember.check_result).where(StaffMember.name == "王芳")) == "refused"


def test_a_gbk_file_with_chinese_headers(runner, arts, tmp_path):
    number = id_number()
    text = ("统一社会信用代码,姓名,身份证号,岗位,专兼职,入职日期,审查结果,审查日期\r\n"
            f"{arts.credit_code},王芳,{number},教学,兼职,2024/09/01,通过,2026-03-01\r\n")
    result = run(runner, "staff", write(tmp_path, text.encode("gbk")))
    assert result.exit_code == 0, result.output
    member = db.session.scalars(select(StaffMember)).one()
    assert (member.name, member.full_time, member.check_result.value) == ("王芳", False, "passed")


def test_bad_rows_are_reported_by_line_and_nothing_is_written(runner, arts, tmp_path):
    good = id_number()
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    rows = [staff_row(arts, name="王芳"), staff_row(arts, name="赵强", id_number=wrong),
            staff_row(arts, name="钱多", role="校长"), {**staff_row(arts, name="孙丽"), "credit_code": "91330302MA0000000X"}]
    result = run(runner, "staff", write(tmp_path, csv_bytes(STAFF_COLUMNS, rows)))
    assert result.exit_code == 1
    assert f"line 3: id_number: 身份证号校验位错误：按前17位应为 {good[-1]}。" in result.output
    assert "line 4: role:" in result.output and "line 5: credit_code:" in result.output
    assert "3行有错误，未导入任何数据。" in result.output
    assert db.session.scalars(select(StaffMember)).all() == []
    skipped = run(runner, "staff", write(tmp_path, csv_bytes(STAFF_COLUMNS, rows)), "--skip-invalid")
    assert skipped.exit_code == 0 and "1 created" in skipped.output and "3 rows skipped" in skipped.output


def test_end_missing_ends_only_the_institutions_in_the_file(runner, arts, make_institution, add_staff, tmp_path):
    other = make_institution(name="鹿城区彩虹美术培训学校", category="arts")
    stays, goes = add_staff(arts, name="王芳"), add_staff(arts, name="赵强")
    elsewhere = add_staff(other, name="孙丽")
    path = write(tmp_path, csv_bytes(STAFF_COLUMNS, [staff_row(arts, name="王芳", id_number=stays.id_number)]))
    without = run(runner, "staff", path)
    assert "0 ended" in without.output and goes.left_on is None
    result = run(runner, "staff", path, "--end-missing")
    assert "1 ended" in result.output, result.output
    db.session.expire_all()
    assert goes.left_on is not None and stays.left_on is None and elsewhere.left_on is None


def test_teachers_are_kept_as_digests_and_matched_on_either_import(runner, arts, add_staff, as_user, tmp_path):
    teacher_number = id_number()
    add_staff(arts, name="王芳", id_number=teacher_number)
    add_staff(arts, name="赵强")
    teachers = [{"id_number": teacher_number, "name": "王芳", "school": "温州市第二中学", "district": "鹿城区"},
                {"id_number": id_number(), "name": "孙丽", "school": "温州市实验小学", "district": "鹿城区"}]
    result = run(runner, "teachers", write(tmp_path, csv_bytes(TEACHER_COLUMNS, teachers), "teachers.csv"))
    assert result.exit_code == 0, result.output
    assert "2 teachers added" in result.output and "1 new" in result.output
    assert f"王芳 {teacher_number[:6]}********{teacher_number[-4:]} = 王芳, 温州市第二中学 鹿城区" in result.output
    assert teacher_number not in result.output
    stored = db.session.scalars(select(SchoolTeacher)).all()
    assert len(stored) == 2 and all(teacher_number not in (t.id_digest + t.name) for t in stored)

    # the match becomes a lead for the institution's office
    lead = db.session.scalars(select(Lead)).one()
    assert (lead.source.value, lead.department_code, lead.institution_id) == ("staff", "culture", arts.id)
    masked = f"{teacher_number[:6]}********{teacher_number[-4:]}"
    assert lead.description == (f"在职中小学教师在机构任职：王芳（身份证号 {masked}），2024-09-01起在该机构任职；"
                                "在职教师名册显示为鹿城区温州市第二中学教师。")
    shown = as_user("arts").get(f"/enforcement/leads/{lead.id}").get_data(as_text=True)
    assert "从业人员比对" in shown and teacher_number not in shown
    findings = as_user("arts").get("/staff/findings").get_data(as_text=True)
    assert "在职中小学教师在机构任职。" in findings and "温州市第二中学" in findings

    # a staff import finds a teacher hired later; a match is not found (or led) twice
    later = teachers[1]
    rows = [staff_row(arts, name="孙丽", id_number=later["id_number"])]
    staff = run(runner, "staff", write(tmp_path, csv_bytes(STAFF_COLUMNS, rows)))
    assert "1 new" in staff.output
    assert len(db.session.scalars(select(Lead)).all()) == 2

    # refreshing the roster without her keeps the match
    refreshed = run(runner, "teachers", write(tmp_path, csv_bytes(TEACHER_COLUMNS, teachers[1:]), "teachers.csv"))
    assert "1 no longer on the roster" in refreshed.output and "0 new" in refreshed.output
    assert len(db.session.scalars(select(TeacherMatch)).all()) == 2


def test_a_past_employment_is_matched_too(runner, arts, add_staff, users, tmp_path):
    from registry.staff import services

    number = id_number()
    member = add_staff(arts, name="王芳", id_number=number)
    services.end_member(users["admin"], member.id, left_on="2025-06-30")
    db.session.commit()
    teachers = [{"id_number": number, "name": "王芳", "school": "温州市第二中学", "district": "鹿城区"}]
    run(runner, "teachers", write(tmp_path, csv_bytes(TEACHER_COLUMNS, teachers), "teachers.csv"))
    match = db.session.scalars(select(TeacherMatch)).one()
    assert match.employed_when_found is False


def test_a_bad_teacher_row_is_reported_by_line(runner, tmp_path):
    rows = [{"id_number": "330302199001011230", "name": "王芳", "school": "温州市第二中学"}]
    result = run(runner, "teachers", write(tmp_path, csv_bytes(TEACHER_COLUMNS, rows), "teachers.csv"))
    assert result.exit_code == 1 and "line 2: id_number: 身份证号校验位错误" in result.output
    assert db.session.scalars(select(SchoolTeacher)).all() == []


def test_the_upload_pages(as_user, arts, add_staff):
    from io import BytesIO

    number = add_staff(arts, name="王芳").id_number
    teachers = csv_bytes(TEACHER_COLUMNS, [{"id_number": number, "name": "王芳", "school": "温州市第二中学"}])
    assert as_user("arts").get("/staff/import/teachers").status_code == 403
    assert as_user("market").get("/staff/import/staff").status_code == 403
    response = as_user("edu").post("/staff/import/teachers", data={"file": (BytesIO(teachers), "teachers.csv")},
                                   content_type="multipart/form-data")
    assert response.status_code == 200
    assert "在机构从业人员中发现在职教师：新增 1 人。" in response.get_data(as_text=True)
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    bad = csv_bytes(STAFF_COLUMNS, [staff_row(arts, name="赵强", id_number=wrong)])
    refused = as_user("arts").post("/staff/import/staff", data={"file": (BytesIO(bad), "staff.csv")},
                                   content_type="multipart/form-data")
    assert refused.status_code == 422
    cells = [td.get_text(strip=True) for td in page(refused).select("table td")]
    assert cells[:2] == ["2", "id_number"] and "身份证号校验位错误" in cells[2]


def test_imported_staff_are_in_the_audit_log_with_the_number_masked(runner, arts, tmp_path):
    from registry.core import audit
    from registry.core.audit import AuditEntry

    number = id_number()
    run(runner, "staff", write(tmp_path, csv_bytes(STAFF_COLUMNS, [staff_row(arts, name="王芳", id_number=number)])))
    member = db.session.scalars(select(StaffMember)).one()
    [entry] = [e for e in audit.entries_for(db.session, "staff_member", member.id) if e.action == "staff.import"]
    assert entry.after_data["id_number"] == number[:6] + "********" + number[-4:] and entry.after_data["name"] == "王芳"
    assert "id_digest" not in entry.after_data and entry.reason == "staff.csv"
    assert not db.session.scalars(select(AuditEntry).where(AuditEntry.after.contains(number))).all()
    assert audit.verify(db.session).ok


def test_a_file_past_the_imports_limits_is_refused_in_one_line(runner, arts, tmp_path):
    """The staff imports read CSV as every import does (core.csvfile): a quote never closed refuses the file, naming
    its line, with no traceback and nothing written."""
    header = ",".join(STAFF_COLUMNS)
    text = f'{header}\r\n{arts.credit_code},"王芳\r\n'
    result = run(runner, "staff", write(tmp_path, text.encode("utf-8")))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "第 2 行的引号没有闭合。" in result.output
    assert db.session.scalars(select(StaffMember)).all() == []
