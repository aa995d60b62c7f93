"""Importing the annual-inspection materials received, from a CSV file (a bureau often gets them through the national
platform as a spreadsheet).

Read as every import reads its files (UTF-8 with or without BOM, GB18030, within the imports' limits: core.csvfile):
every bad row reported by its line, nothing written when a row is bad unless skip-invalid. Each row names the
institution by credit code, the year, the material and the day it was received; importing the same file twice
changes nothing."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO

from flask_babel import gettext
from sqlalchemy import select

from registry.annual.models import AnnualInspection, Material
from registry.annual.rules import MATERIAL_KINDS, State
from registry.annual.services.reviews import material_values, put_material
from registry.core import audit, authz
from registry.core.csvfile import RowError, decode, records
from registry.core.errors import Invalid
from registry.extensions import db
from registry.register.models import Institution
from registry.register.rules import Status

COLUMNS = ("credit_code", "year", "material", "received_on", "note")
REQUIRED = ("credit_code", "year", "material", "received_on")
ALIASES = {"统一社会信用代码": "credit_code", "信用代码": "credit_code", "年度": "year", "年检年度": "year",
           "材料": "material", "材料名称": "material", "收到日期": "received_on", "报送日期": "received_on",
           "备注": "note"}


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
    """Record the materials of a CSV file, each row checked as the form checks it. Refuses the whole file when a row is
    bad, unless `skip_invalid`. `user` None: a command run on the server (every department's institutions)."""
    if user is not None:
        authz.require(user, "annual.import")
    reader = records(decode(data if isinstance(data, bytes) else data.read()))
    _, names = next(reader, (1, []))
    header = [ALIASES.get(name.strip().lstrip("\ufeff"), name.strip()) for name in names]
    report = ImportReport()
    for column in REQUIRED:
        if column not in header:
            report.errors.append(RowError(1, column, gettext("The column “%(column)s” is missing.", column=column)))
    if report.errors:
        raise ImportRefused(report)
    rows = []
    for line, cells in reader:
        if not any(cell.strip() for cell in cells):
            continue  # a blank line
        raw = {name: cells[i] if i < len(cells) else "" for i, name in enumerate(header)}
        row = _parse(line, raw, report)
        if row is not None:
            rows.append(row)
    for start in range(0, len(rows), CHUNK):
        _write(user, rows[start:start + CHUNK], report)
    report.errors.sort(key=lambda e: e.line)  # a row's own problems are found before its institution's
    if report.errors and not skip_invalid:
        db.session.rollback()
        raise ImportRefused(report)
    report.written = True
    return report


CHUNK = 2000


@dataclass
class _Row:
    line: int
    credit_code: str
    year: int
    kind: str
    received_on: object
    note: str


def _parse(line: int, raw: dict, report: ImportReport) -> _Row | None:
    problems: dict = {}
    kind = _material_kind(raw.get("material") or "")
    if kind is None:
        problems["material"] = gettext("Unknown material “%(text)s”.", text=(raw.get("material") or "")[:40])
    year = (raw.get("year") or "").strip()
    if not (year.isdecimal() and len(year) == 4):
        problems["year"] = gettext("A year such as 2026.")
    _, received_on, note = material_values({"kind": kind or MATERIAL_KINDS[0], "received_on": raw.get("received_on"),
                                            "note": raw.get("note") or ""}, problems)
    for name, message in problems.items():
        report.errors.append(RowError(line, name, message))
    if problems:
        return None
    return _Row(line, (raw.get("credit_code") or "").strip().upper(), int(year), kind, received_on, note)


def _write(user, rows: list[_Row], report: ImportReport) -> None:
    """A chunk of rows: their inspections and materials read in two queries, the changes flushed at once."""
    found = {(code, year): inspection for code, year, inspection in db.session.execute(
        select(Institution.credit_code, AnnualInspection.year, AnnualInspection)
        .join(Institution, Institution.id == AnnualInspection.institution_id)
        .where(Institution.credit_code.in_({r.credit_code for r in rows}), Institution.status != Status.converted,
               AnnualInspection.year.in_({r.year for r in rows})))}
    ids = [i.id for i in found.values()]
    materials = {(m.inspection_id, m.kind): m for m in db.session.scalars(select(Material).where(Material.inspection_id.in_(ids)))}
    audit.note(db.session, "annual.material")
    for row in rows:
        inspection = found.get((row.credit_code, row.year))
        if inspection is None:
            problem = gettext("No annual inspection of %(year)s for this credit code.", year=row.year)
        elif user is not None and not authz.can(user, "annual.review", inspection):
            problem = gettext("Another department's institution.")
        elif inspection.state in (State.exempt, State.closed):
            problem = gettext("This institution is exempt from this year's annual inspection.") \
                if inspection.state is State.exempt else gettext("This annual inspection was closed: %(reason)s",
                                                                 reason=inspection.closed_reason)
        else:
            problem = None
        if problem:
            report.errors.append(RowError(row.line, "credit_code", problem))
            continue
        changed = put_material(materials.get((inspection.id, row.kind)), inspection.id, row.kind, row.received_on, row.note)
        if changed is None:
            report.unchanged += 1
        else:
            materials[inspection.id, row.kind] = changed
            report.created += 1
    db.session.flush()
