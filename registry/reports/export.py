"""The bulletin as plain tables (one per section), for the XLSX, CSV and JSON downloads: numbers stay numbers; and
the records behind a figure as the rows of a CSV."""
from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from decimal import Decimal

from flask_babel import gettext

from registry.core.models import local_time
from registry.core.spreadsheet import csv_lines, xlsx_row
from registry.grid.forms import VISIT_FLAG_LABELS
from registry.register.forms import CATEGORY_LABELS, STATUS_LABELS
from registry.reports import rules
from registry.reports.services import Bulletin, Section


def _plain(value, kind: str):
    """A figure as the number a spreadsheet should hold: rates as fractions (0.9971 shown 99.71%), money in yuan."""
    if value is None:
        return None
    if kind == "rate":
        return float(Decimal(value) / 100)
    if kind == "money":
        return float(rules.yuan(value))
    return value


def header(bulletin: Bulletin) -> list[str]:
    return [gettext("Indicator"), gettext("Total"), gettext("Previous period"), gettext("Change"),
            *[d.name for d in bulletin.districts]]


def section_rows(bulletin: Bulletin, section: Section) -> list[tuple[str, str, list]]:
    """(indicator key, label, [total, previous, change, district values...]) for each row; money twice (¥ and ¥10,000)."""
    result = []
    for row in section.rows:
        kind = row.indicator.kind
        values = [row.total.value, row.total.previous, row.total.change, *[f.value for f in row.districts]]
        result.append((row.indicator.key, str(row.indicator.label), [_plain(v, kind) for v in values]))
        if kind == "money":
            result.append((row.indicator.key + "_wan", gettext("%(label)s (¥10,000)", label=row.indicator.label),
                           [None if v is None else float(rules.wan_yuan(v)) for v in values]))
    return result


def sheet_title(section: Section) -> str:
    return f"{section.number} {section.title}"[:31]


def xlsx(bulletin: Bulletin) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    for section in bulletin.sections:
        sheet = book.create_sheet(sheet_title(section).replace("/", " "))
        sheet.append(xlsx_row(sheet, [f"{bulletin.city.name} {section.title}", gettext(
            "%(start)s to %(end)s", start=bulletin.period.start.isoformat(), end=bulletin.period.end.isoformat())]))
        sheet.append(xlsx_row(sheet, header(bulletin)))
        for cell in sheet[2]:
            cell.font = bold
        for key, label, values in section_rows(bulletin, section):
            sheet.append(xlsx_row(sheet, [label, *values]))
            number_format = "0.00%" if key == "reduction_rate" else ("#,##0.00" if key.startswith("fines") else "#,##0")
            for cell in sheet[sheet.max_row][1:]:
                cell.number_format = number_format
        sheet.column_dimensions["A"].width = 40
        if section.cells:
            sheet.append([])
            sheet.append([gettext("Grid cell"), *[str(i.label) for i in section.cell_indicators]])
            for cell in sheet[sheet.max_row]:
                cell.font = bold
            for row in section.cells:
                name = f"{row.cell.code} {row.cell.name}" if row.cell else gettext("In no cell")
                sheet.append(xlsx_row(sheet, [name, *[f.value for f in row.figures]]))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_text(bulletin: Bulletin) -> str:
    rows = []
    for section in bulletin.sections:
        for key, label, values in section_rows(bulletin, section):
            rows.append([section.number, key, label, *values])
    head = [gettext("Section"), gettext("Key"), *header(bulletin)]
    return "".join(csv_lines(head, rows))


def as_json(bulletin: Bulletin) -> dict:
    def figure(value, kind):
        if kind == "rate" and value is not None:
            return str(value)
        return value

    return {
        "city": {"code": bulletin.city.code, "name": bulletin.city.name},
        "period": {"start": bulletin.period.start.isoformat(), "end": bulletin.period.end.isoformat()},
        "previous_period": {"start": bulletin.previous.start.isoformat(), "end": bulletin.previous.end.isoformat()},
        "baseline": bulletin.baseline.isoformat(),
        "districts": [{"code": d.code, "name": d.name} for d in bulletin.districts],
        "sections": [{
            "number": s.number, "title": str(s.title),
            "available": True,  # every section is now; the key stays for the scheduled runs that read it
            "indicators": [{
                "key": r.indicator.key, "label": str(r.indicator.label),
                **({"unit": "fen"} if r.indicator.kind == "money" else {}),
                **({"unit": "percent"} if r.indicator.kind == "rate" else {}),
                "total": figure(r.total.value, r.indicator.kind), "previous": figure(r.total.previous, r.indicator.kind),
                "change": figure(r.total.change, r.indicator.kind),
                "districts": {d.code: figure(f.value, r.indicator.kind) for d, f in zip(bulletin.districts, r.districts)},
            } for r in s.rows],
        } for s in bulletin.sections],
    }


# --- the records behind a figure, as CSV ---------------------------------------------------------------------------

def records_header(kind: str) -> list[str]:
    """The columns of the records page, in its order."""
    if kind == "visit":
        return [gettext("When"), gettext("Institution"), gettext("Grid worker"), gettext("Flag")]
    return [gettext("Name"), gettext("Credit code"), gettext("Category"), gettext("District"), gettext("Status now")]


def record_rows(kind: str, rows: Iterable) -> Iterator[list]:
    """`services.each_record`'s plain rows as the page shows them; labels translated once, not once a row."""
    if kind == "visit":
        flags = {key: str(label) for key, label in VISIT_FLAG_LABELS.items()}
        for visited_at, institution, display_name, username, flagged, reason in rows:
            when = local_time(visited_at)
            shown = " ".join(flags.get(f, f) for f in reason.split(",") if f) if flagged else ""
            yield [f"{when:%Y-%m-%d %H:%M}", institution, display_name or username, shown]
        return
    categories = {key: str(label) for key, label in CATEGORY_LABELS.items()}
    statuses = {key: str(label) for key, label in STATUS_LABELS.items()}
    for name, credit_code, category, district, status in rows:
        yield [name, credit_code, categories[category], district or "", statuses[status]]
