"""Exports open in Excel with the Chinese intact and with no cell that runs as a formula."""
import csv
import io

from registry.core.spreadsheet import csv_lines, safe_cell


def test_formula_starts_are_neutralised():
    for hostile in ("=HYPERLINK(\"http://x\",\"点我\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"):
        assert safe_cell(hostile) == "'" + hostile
    for harmless in ("新华艺术培训学校", "a=b", "13905771234", "", None, -5, 3.5):
        assert safe_cell(harmless) == harmless


def test_csv_has_a_bom_and_reads_back():
    text = "".join(csv_lines(["名称", "地址"], [["=cmd|'/c calc'!A1", "温州市,鹿城区"], ["新华", "五马街"]]))
    assert text.startswith("\ufeff名称")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows == [["名称", "地址"], ["'=cmd|'/c calc'!A1", "温州市,鹿城区"], ["新华", "五马街"]]
