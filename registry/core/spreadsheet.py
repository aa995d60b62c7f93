"""What every CSV and XLSX the app writes shares: Excel-friendly encoding, and cells that cannot run.

A cell starting with = + - @ (or a tab or carriage return, which Excel skips before reading one of them) is a
formula to a spreadsheet program: an institution named `=HYPERLINK(...)` would run on the officer's machine.
In a CSV such text is written with a leading apostrophe (a CSV has no types); in an XLSX it is a text cell, which no
spreadsheet evaluates, shown as typed.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_BOM = "\ufeff"  # Excel reads UTF-8 only with it; without, the Chinese shows garbled


def safe_cell(value):
    """Text that a spreadsheet would take as a formula, made plain text; numbers, dates and None unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def xlsx_row(sheet, values: Iterable) -> list:
    """A row for `sheet.append`: text a spreadsheet would take as a formula as a text cell (openpyxl makes any
    string starting with `=` a formula), everything else as it is."""
    from openpyxl.cell import WriteOnlyCell

    row = []
    for value in values:
        if isinstance(value, str) and value.startswith(FORMULA_STARTS):
            value = WriteOnlyCell(sheet, value)
            value.data_type = "s"
        row.append(value)
    return row


def csv_lines(header: list[str], rows: Iterable[Iterable], *, chunk_chars: int = 64 * 1024) -> Iterator[str]:
    """A CSV document in pieces of about `chunk_chars`, BOM first, for a streamed response: memory stays flat
    however many rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(CSV_BOM)
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        # safe_cell, inlined: this loop runs once a cell for hundreds of thousands of rows
        writer.writerow(["'" + v if isinstance(v, str) and v.startswith(FORMULA_STARTS) else v for v in row])
        if buffer.tell() >= chunk_chars:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
