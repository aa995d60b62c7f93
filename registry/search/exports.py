"""The columns of an export of institutions, and the XLSX writer (write-only: rows go to disk as they come)."""
from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from flask_babel import gettext
from openpyxl import Workbook

from registry.core.spreadsheet import xlsx_row
from registry.escrow.forms import ESCROW_STATUS_LABELS
from registry.register.forms import CATEGORY_LABELS, STATUS_LABELS


def header() -> list[str]:
    return [gettext("Name"), gettext("Credit code"), gettext("Category"), gettext("Supervising department"),
            gettext("Status"), gettext("Permit number"), gettext("Licensed on"), gettext("Address"),
            gettext("District"), gettext("Grid cell"), gettext("Escrow"), gettext("Open penalty cases"),
            gettext("Unpaid fines (yuan)"), gettext("Legal representative"), gettext("Contact phone")]


NOTHING_OWED = Decimal("0.00")


def rows(found) -> Iterator[list]:
    """The export's rows for search.services.each_row's rows; labels translated once, not once a row."""
    categories = {key: str(label) for key, label in CATEGORY_LABELS.items()}
    statuses = {key: str(label) for key, label in STATUS_LABELS.items()}
    escrows = {key: str(label) for key, label in ESCROW_STATUS_LABELS.items()}
    for r in found:
        yield [r.name, r.credit_code, categories[r.category], r.department_name, statuses[r.status], r.permit_number,
               r.licensed_on, r.address, r.district_name, r.cell_name or "", escrows[r.escrow_status or "none"],
               r.open_cases, Decimal(r.unpaid_fen).scaleb(-2) if r.unpaid_fen else NOTHING_OWED, r.legal_representative, r.contact_phone]


def write_xlsx(file, header: list[str], rows) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(gettext("Institutions"))
    sheet.append(xlsx_row(sheet, header))
    for values in rows:
        sheet.append(xlsx_row(sheet, values))
    workbook.save(file)
