"""`registry import annual-materials`: materials received, read from a bureau's spreadsheet."""
from sqlalchemy import func, select

from registry.annual.models import Material
from registry.extensions import db


def _csv(tmp_path, text: str, encoding="utf-8-sig"):
    path = tmp_path / "materials.csv"
    path.write_bytes(text.encode(encoding))
    return str(path)


def _materials() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Material))


def test_a_bad_row_is_reported_by_its_line_and_nothing_is_written(runner, tmp_path, campaign, arts_institutions):
    good, other = arts_institutions[0].credit_code, arts_institutions[1].credit_code
    path = _csv(tmp_path, "统一社会信用代码,年度,材料,收到日期\r\n"
                          f"{good},2026,年度工作报告,2027-03-01\r\n"
                          f"{other},2026,年度工作报告,2027-13-01\r\n"
                          f"{good},2026,营业执照,2027-03-02\r\n"
                          f"{good},2026,财务审计报告,2027-03-02\r\n", encoding="gb18030")
    result = runner.invoke(args=["import", "annual-materials", path])
    assert result.exit_code == 1
    assert "line 3: received_on" in result.output and "line 4: material" in result.output
    assert _materials() == 0
    result = runner.invoke(args=["import", "annual-materials", path, "--skip-invalid"])
    assert result.exit_code == 0, result.output
    assert "2 recorded" in result.output and _materials() == 2
    again = runner.invoke(args=["import", "annual-materials", path, "--skip-invalid"])
    assert "0 recorded, 2 unchanged" in again.output and _materials() == 2


def test_rows_of_unknown_or_exempt_institutions_and_future_days_are_refused(runner, tmp_path, campaign, arts_institutions):
    exempt = arts_institutions[2].credit_code
    path = _csv(tmp_path, "credit_code,year,material,received_on\r\n"
                          f"{exempt},2026,annual_report,2027-03-01\r\n"
                          f"{arts_institutions[0].credit_code},2025,annual_report,2027-03-01\r\n"
                          f"{arts_institutions[0].credit_code},2026,annual_report,2027-04-01\r\n")
    result = runner.invoke(args=["import", "annual-materials", path])
    assert result.exit_code == 1
    assert [line.split(":")[0] for line in result.output.splitlines() if line.startswith("line")] == ["line 2", "line 3", "line 4"]


def test_a_missing_column_is_named(runner, tmp_path, campaign):
    result = runner.invoke(args=["import", "annual-materials", _csv(tmp_path, "credit_code,year\r\n")])
    assert result.exit_code == 1 and "material" in result.output


def test_a_file_past_the_imports_limits_is_refused_in_one_line(runner, tmp_path, campaign, arts_institutions):
    """Read as every import is (core.csvfile): a line of 2 MB without an ending names its line, with no traceback."""
    code = arts_institutions[0].credit_code
    path = _csv(tmp_path, "credit_code,year,material,received_on\r\n" + f"{code},2026,annual_report," + "x" * 2_000_000)
    result = runner.invoke(args=["import", "annual-materials", path])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "第 2 行超过" in result.output and _materials() == 0
