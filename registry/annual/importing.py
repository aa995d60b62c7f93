"""Importing the annual-inspection materials received, from a CSV file (a bureau often gets them through the national
platform as a spreadsheet).

Read as the register's import reads its files (UTF-8 with or without BOM, GB18030; `register.importing.decode`):
every bad row reported by its line, nothing written when a row is bad unless skip-invalid. Each row names the
institution by credit code, the year, the material and the day it was received; importing the same file twice
changes nothing."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import IO

from flask_babel import gettext
from sqlalchemy import select

from registry.annual.models import AnnualInspection
from registry.annual.rules import MATERIAL_KINDS, State
from registry.annual.services import record_material
from registry.core import authz
from registry.core.errors import Conflict, Invalid, ServiceError
from registry.extensions import db
from registry.register.importing import decode
from registry.register.models import Institution
from registry.register.rules import Status

COLUMNS = ("credit_code", "year", "material", "received_on", "note")
REQUIRED = ("credit_code", "year", "material", "received_on")
ALIASES = {"统一社会信用代码": "credit_code", "信用代码": "credit_code", "年度": "year", "年检年度": "year",
           "材料": "material", "材料名称": "material", "收到日期": "received_on", "报送日期": "received_on",
           "备注": "note"}


@dataclass
class RowError:
    line: int
    field: str
    message: str


@dataclass
class ImportReport:
    created: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    written: bool = False

    @property
    def bad_rows(self) -> int:
        return len({e.line for e in self.errors})


class ImportRefused(Invalid):
    """The file has bad rows and nothing was written; `report` lists them."""

    def __init__(self, report: ImportReport):
        super().__init__(gettext("%(count)s rows have errors; nothing was imported.", count=report.bad_rows), {})
        self.report = report


# The materials as spreadsheets name them (the Chinese of MATERIAL_LABELS); the codes are accepted too.
MATERIAL_WORDS = {"年度工作报告": "annual_report", "财务审计报告": "audit_report", "收费标准及使用的合同": "fee_contracts",
                  "收费标准及合同": "fee_contracts", "年末在籍学员情况": "enrolment", "教学人员及从业人员名册": "staff",
                  "从业人员名册": "staff", "场地及消防安全证明": "premises_fire", "预收费监管账户对账单": "escrow_statement"}


def _material_kind(text: str) -> str | None:
    text = text.strip()
    return text if text in MATERIAL_KINDS else MATERIAL_WORDS.get(text)


def import_materials(user, data: bytes | IO[bytes], *, skip_invalid: bool = False) -> ImportReport:
    """Record the materials of a CSV file, each through the same action as the form. Refuses the whole file when a
    row is bad, unless `skip_invalid`. `user` None: a command run by an administrator on the server."""
    if user is not None:
        authz.require(user, "annual.import")
    reader = csv.DictReader(io.StringIO(decode(data if isinstance(data, bytes) else data.read()), newline=""))
    header = [ALIASES.get((name or "").strip(), (name or "").strip()) for name in reader.fieldnames or []]
    reader.fieldnames = header
    report = ImportReport()
    for column in REQUIRED:
        if column not in header:
            report.errors.append(RowError(1, column, gettext("The column “%(column)s” is missing.", column=column)))
    if report.errors:
        raise ImportRefused(report)
    for raw in reader:
        _row(user, reader.line_num, raw, report)
    if report.errors and not skip_invalid:
        db.session.rollback()
        raise ImportRefused(report)
    report.written = True
    return report


def _row(user, line: int, raw: dict, report: ImportReport) -> None:
    def bad(name: str, message: str) -> None:
        report.errors.append(RowError(line, name, message))

    code = (raw.get("credit_code") or "").strip().upper()
    year = (raw.get("year") or "").strip()
    kind = _material_kind(raw.get("material") or "")
    if kind is None:
        return bad("material", gettext("Unknown material “%(text)s”.", text=(raw.get("material") or "")[:40]))
    if not year.isdecimal():
        return bad("year", gettext("A year such as 2026."))
    inspection = db.session.scalar(select(AnnualInspection).join(Institution, Institution.id == AnnualInspection.institution_id)
                                   .where(Institution.credit_code == code, Institution.status != Status.converted,
                                          AnnualInspection.year == int(year)))
    if inspection is None:
        return bad("credit_code", gettext("No annual inspection of %(year)s for this credit code.", year=year))
    if user is not None and not authz.can(user, "annual.review", inspection):
        return bad("credit_code", gettext("Another department's institution."))
    if inspection.state is State.exempt:
        return bad("credit_code", gettext("This institution is exempt from this year's annual inspection."))
    savepoint = db.session.begin_nested()  # a refused row leaves nothing behind, the rows before it stay
    try:
        _, changed = record_material(user or _system(), inspection.id, {"kind": kind, "received_on": raw.get("received_on"),
                                                                         "note": raw.get("note") or ""})
    except Invalid as error:
        savepoint.rollback()
        for name, messages in error.fields.items():
            bad({"kind": "material"}.get(name, name), "; ".join(messages))
        return
    except (Conflict, ServiceError) as error:
        savepoint.rollback()
        return bad("credit_code", error.message)
    savepoint.commit()
    if changed:
        report.created += 1
    else:
        report.unchanged += 1


class _System:
    """The command line's actor: an administrator on the server (the audit log records `system`)."""

    id = None
    role = "admin"
    username = "system"
    is_authenticated = True
    is_active = True
    department_code = None


def _system() -> _System:
    return _System()

