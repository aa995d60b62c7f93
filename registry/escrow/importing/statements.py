"""Importing bank statements: a statement is its institution's statement of the period starting on its
`period_start`, so importing it again changes nothing, or corrects it."""
from __future__ import annotations

from typing import IO

from flask_babel import gettext
from sqlalchemy import select

from registry.core import audit, authz
from registry.core.problems import translate
from registry.escrow import figures, rules, services, sources
from registry.escrow.importing.reading import (CHUNK, ImportReport, RowError, _chunks, _context, _Context, _finish,
                                               _institution, _read)
from registry.escrow.models import Escrow
from registry.extensions import db

def import_statements(user, data: bytes | IO[bytes], *, skip_invalid: bool = False, source: str = "",
                      mapping: str | dict | None = None) -> ImportReport:
    """Import bank statements. Refuses the whole file when a row is bad, unless `skip_invalid`."""
    if user is not None:
        authz.require(user, "escrow.import")
    report = ImportReport("statements")
    context = _context(user, source)
    seen: dict[tuple, int] = {}
    touched: dict[int, Escrow] = {}
    written: list[tuple[int, object]] = []  # (institution, period start) of each statement written
    label = source or "CSV"
    # Chunk by chunk, so a province's file never sits in memory whole; a refused file is rolled back at the end.
    for chunk in _chunks(_read(data, "statements", mapping, report), CHUNK):
        context.load([raw for _, raw in chunk])
        good = [row for line, raw in chunk if (row := _good_statement(line, raw, context, seen, report))]
        if report.errors and not skip_invalid:
            continue  # the file will be refused: check the rest, write nothing more
        audit.note(db.session, "escrow.statement_import", label)
        for institution, escrow, clean in good:
            statement, outcome = services._upsert_statement(institution.id, clean, source=sources.imported_from(label))
            setattr(report, outcome, getattr(report, outcome) + 1)
            if outcome != "unchanged":
                touched[institution.id] = escrow
            written.append((institution.id, clean["period_start"]))
    if report.errors and not skip_invalid:
        return _finish(report, skip_invalid)
    audit.note(db.session, "escrow.statement_import", label)
    db.session.flush()
    for institution_id in touched:
        services.resequence(institution_id)
    audit.note(db.session, "escrow.statement_check")
    figures.refresh_institutions(touched, user=user)
    report.flagged = sum(1 for institution_id, period_start in written if _statement_flagged(institution_id, period_start))
    return _finish(report, skip_invalid)


def _good_statement(line: int, raw: dict, context: _Context, seen: dict, report: ImportReport) -> tuple | None:
    """(institution, escrow, clean values) of a row that may be written, else None with its errors reported."""
    institution = _institution(line, raw, context, report)
    clean, problems = rules.parse_statement(raw, today=context.today)
    for name, problem in problems.items():
        report.errors.append(RowError(line, name, translate(problem)))
    if institution is None or problems:
        return None
    escrow = services.escrow_of(institution.id)
    if escrow is None or not escrow.has_account:
        report.errors.append(RowError(line, "credit_code", gettext(
            "No supervised account is recorded for %(name)s.", name=institution.name)))
        return None
    key = (institution.id, clean["period_start"])
    if key in seen:
        report.errors.append(RowError(line, "period_start", gettext(
            "The statement of the same period is on line %(line)s.", line=seen[key])))
        return None
    seen[key] = line
    return institution, escrow, clean


def _statement_flagged(institution_id: int, period_start) -> bool:
    from registry.escrow.models import Statement

    return bool(db.session.scalar(select(Statement.flag_count).where(
        Statement.institution_id == institution_id, Statement.period_start == period_start)))
