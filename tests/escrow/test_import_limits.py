"""A hostile or broken file of statements or charges (a cell over 131,072 characters, a quote never closed, a 30 MB
line, a million columns) is refused with a message naming its line, by the command and the page, never a traceback
or a 500; a file of 300,000 bad rows is told by its first errors and a count, in a small page and memory."""
from __future__ import annotations

import io
import tracemalloc

import pytest

from registry.escrow import importing
from registry.escrow.models import Charge, Statement
from registry.extensions import db
from tests.conftest import page
from tests.escrow.conftest import ACCOUNT, CHARGE_COLUMNS, STATEMENT_COLUMNS, charge_row, month_rows


def _line(columns, row: dict) -> str:
    return ",".join(str(row.get(c, "")) for c in columns) + "\r\n"


def _files(columns, good: dict, long_column: str, quoted_column: str) -> dict:
    header, row = ",".join(columns) + "\r\n", _line(columns, good)
    return {  # what the file holds, and what the user is told
        "a cell over 131,072 characters": (lambda: header + row + _line(columns, {**good, long_column: "解" * 140_000}),
                                           "第 3 行有单元格超过 131,072 个字符"),
        "a quote never closed": (lambda: header + row + _line(columns, {**good, quoted_column: '"XY-002'}) + row,
                                 "第 3 行的引号没有闭合"),
        "a 30 MB line without a newline": (lambda: header + "x" * (30 << 20), "第 2 行超过 1,048,576 个字符"),
        "a million columns": (lambda: "," * 999_999 + "\r\n" + row, "第 1 行超过 1,000 个单元格"),
    }


HOSTILE = {
    "statements": _files(STATEMENT_COLUMNS, month_rows(ACCOUNT, [9])[0], "credit_code", "credit_code"),
    "charges": _files(CHARGE_COLUMNS, charge_row("52330302MJ0000001X"), "student_ref", "student_ref"),
}
CASES = [(kind, name) for kind in HOSTILE for name in HOSTILE[kind]]


def _written() -> int:
    return db.session.query(Statement).count() + db.session.query(Charge).count()


@pytest.mark.parametrize("kind, name", CASES)
def test_a_file_breaking_a_limit_is_refused_by_the_command(runner, arts_escrow, tmp_path, kind, name):
    content, told = HOSTILE[kind][name]
    path = tmp_path / f"{kind}.csv"
    path.write_text(content(), encoding="utf-8")
    result = runner.invoke(args=["import", kind, str(path), "--skip-invalid"])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.exception  # no traceback
    assert told in result.output and "未导入任何数据" in result.output
    assert _written() == 0


@pytest.mark.parametrize("kind, name", CASES)
def test_a_file_breaking_a_limit_is_refused_by_the_page(as_user, arts_escrow, kind, name):
    content, told = HOSTILE[kind][name]
    response = as_user("arts").post(f"/escrow/import/{kind}", content_type="multipart/form-data",
                                    data={"file": (io.BytesIO(content().encode()), f"{kind}.csv")})
    assert response.status_code == 422
    assert told in page(response).select("table tbody")[-1].get_text()  # the errors, after the mapping
    assert _written() == 0


def test_a_file_of_300000_bad_rows_is_told_by_its_first_errors_and_a_count(as_user, arts_escrow):
    row = _line(CHARGE_COLUMNS, charge_row("52330302MJ0000001X", student_ref="XY-{}"))  # no such institution
    data = (",".join(CHARGE_COLUMNS) + "\r\n" + "".join(row.format(n) for n in range(300_000))).encode()
    response = as_user("arts").post("/escrow/import/charges", content_type="multipart/form-data",
                                    data={"file": (io.BytesIO(data), "charges.csv")})
    assert response.status_code == 422
    shown = page(response)
    assert len(shown.select("table tbody")[-1].select("tr")) == 200
    assert "另有 299,800 条错误未列出（共 300,000 行有错误）" in shown.get_text()
    assert len(response.data) < 200_000


def test_refusing_300000_bad_statements_keeps_memory_small(arts_escrow):
    row = _line(STATEMENT_COLUMNS, {**month_rows(ACCOUNT, [9])[0], "account_number": "", "credit_code": "52330302MJ{:07d}X"})
    data = (",".join(STATEMENT_COLUMNS) + "\r\n" + "".join(row.format(n) for n in range(300_000))).encode()
    tracemalloc.start()
    try:
        with pytest.raises(importing.ImportRefused) as refused:
            importing.import_statements(None, data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (len(refused.value.report.errors), refused.value.report.errors.lines) == (200, 300_000)
    assert peak < 2 * len(data), f"{peak / 1e6:.0f} MB for a file of {len(data) / 1e6:.0f} MB"
