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


def test_xlsx_writes_formula_text_as_a_text_cell_without_an_apostrophe():
    from openpyxl import Workbook, load_workbook

    from registry.core.spreadsheet import xlsx_row

    for write_only in (True, False):
        book = Workbook(write_only=write_only)
        sheet = book.create_sheet("机构") if write_only else book.active
        sheet.append(xlsx_row(sheet, ['=HYPERLINK("http://x","点我")', "+1+1", "新华", 5]))
        buffer = io.BytesIO()
        book.save(buffer)
        cells = next(load_workbook(io.BytesIO(buffer.getvalue())).worksheets[0].iter_rows())
        assert [c.value for c in cells] == ['=HYPERLINK("http://x","点我")', "+1+1", "新华", 5]
        assert [c.data_type for c in cells] == ["s", "s", "s", "n"]
