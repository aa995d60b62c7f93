"""The columns of an export of institutions, and the XLSX writer (write-only: rows go to disk as they come)."""
from __future__ import annotations

from flask_babel import gettext
from openpyxl import Workbook

from registry.core.spreadsheet import safe_cell
from registry.escrow.forms import ESCROW_STATUS_LABELS
from registry.register.forms import CATEGORY_LABELS, STATUS_LABELS


def header() -> list[str]:
    return [gettext("Name"), gettext("Credit code"), gettext("Category"), gettext("Supervising department"),
            gettext("Status"), gettext("Permit number"), gettext("Licensed on"), gettext("Address"),
            gettext("District"), gettext("Grid cell"), gettext("Escrow"), gettext("Legal representative"),
            gettext("Contact phone")]


def row(result) -> list:
    i = result.institution
    return [i.name, i.credit_code, str(CATEGORY_LABELS[i.category]), i.department.name_zh, str(STATUS_LABELS[i.status]),
            i.permit_number, i.licensed_on, i.address, i.district_ref.name, result.cell_name or "",
            str(ESCROW_STATUS_LABELS[result.escrow_status]), i.legal_representative, i.contact_phone]


def write_xlsx(file, header: list[str], rows) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(gettext("Institutions"))
    sheet.append([safe_cell(h) for h in header])
    for values in rows:
        sheet.append([safe_cell(v) for v in values])
    workbook.save(file)
