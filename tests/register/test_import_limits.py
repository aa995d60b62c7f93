"""A hostile or broken institutions file (a cell over 131,072 characters, a quote never closed, a 30 MB line, a
million columns) is refused with a message naming its line, by the command and the page, never a traceback or a
500; a file of 300,000 bad rows is told by its first errors and a count, in a page and a memory that stay small."""
from __future__ import annotations

import io
import tracemalloc

import pytest

from registry.extensions import db
from registry.register.importing import COLUMNS
from registry.register.models import Institution
from tests.conftest import institution_data, page

HEADER = ",".join(COLUMNS) + "\r\n"


def _row(**overrides) -> str:
    data = institution_data(**overrides)
    return ",".join(str(data.get(c, "")) for c in COLUMNS) + "\r\n"


HOSTILE = {  # what the file holds, and what the user is told
    "a cell over 131,072 characters": (lambda: HEADER + _row() + _row(address="解" * 140_000),
                                       "第 3 行有单元格超过 131,072 个字符"),
    "a quote never closed": (lambda: HEADER + _row() + _row(name='"鹿城区新华艺术培训学校') + _row(),
                             "第 3 行的引号没有闭合"),
    "a 30 MB line without a newline": (lambda: HEADER + "x" * (30 << 20), "第 2 行超过 1,048,576 个字符"),
    "a million columns": (lambda: "," * 999_999 + "\r\n" + _row(), "第 1 行超过 1,000 个单元格"),
}


@pytest.mark.parametrize("kind", HOSTILE)
def test_a_file_breaking_a_limit_is_refused_by_the_command(runner, tmp_path, kind):
    content, told = HOSTILE[kind]
    path = tmp_path / "institutions.csv"
    path.write_text(content(), encoding="utf-8")
    result = runner.invoke(args=["import", "institutions", str(path), "--skip-invalid"])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.exception  # no traceback
    assert told in result.output and "未导入任何数据" in result.output
    assert db.session.query(Institution).count() == 0  # the good row before it neither


@pytest.mark.parametrize("kind", HOSTILE)
def test_a_file_breaking_a_limit_is_refused_by_the_page(as_user, users, kind):
    content, told = HOSTILE[kind]
    response = as_user("admin").post("/institutions/import", content_type="multipart/form-data",
                                     data={"file": (io.BytesIO(content().encode()), "list.csv")})
    assert response.status_code == 422
    assert told in page(response).select_one("table tbody").get_text()
    assert db.session.query(Institution).count() == 0


def test_a_file_of_300000_bad_rows_is_told_by_its_first_errors_and_a_count(as_user, users):
    bad = ",".join(["x"] * (len(COLUMNS) + 1)) + "\r\n"  # a cell more than the header has columns
    data = (HEADER + bad * 300_000).encode()
    client = as_user("admin")
    tracemalloc.start()
    try:
        response = client.post("/institutions/import", content_type="multipart/form-data",
                               data={"file": (io.BytesIO(data), "list.csv")})
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 422
    shown = page(response)
    assert len(shown.select("table tbody tr")) == 200
    assert "另有 299,800 条错误未列出（共 300,000 行有错误）" in shown.get_text()
    assert len(response.data) < 200_000
    assert peak < 4 * len(data), f"{peak / 1e6:.0f} MB for a file of {len(data) / 1e6:.0f} MB"
