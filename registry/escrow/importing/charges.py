"""Importing prepaid charges, each checked against the charging rules: a charge is the same charge when its
`charge_ref` is (or, without one, its date, student reference and amount are)."""
from __future__ import annotations

from typing import IO

from flask_babel import gettext
from sqlalchemy import insert, select, tuple_, update

from registry.core import audit, authz
from registry.core.models import utcnow
from registry.core.problems import translate
from registry.escrow import figures, rules, services, sources
from registry.escrow.importing.reading import (CHUNK, ImportReport, RowError, _chunks, _context, _Context, _finish,
                                               _institution, _read)
from registry.escrow.models import Charge
from registry.extensions import db

CHARGE_FIELDS = ("charge_ref", "charged_on", "course_start", "student_ref", "amount", "class_hours", "months", "channel",
                 "violations", "violation_count")


def import_charges(user, data: bytes | IO[bytes], *, skip_invalid: bool = False, source: str = "",
                   mapping: str | dict | None = None) -> ImportReport:
    """Import prepaid charges; each is checked against the charging rules. All-or-nothing unless `skip_invalid`."""
    if user is not None:
        authz.require(user, "escrow.import")
    report = ImportReport("charges")
    context = _context(user, source)
    seen: dict[tuple, int] = {}
    touched: set[int] = set()
    # Chunk by chunk, so a province's file never sits in memory whole; a refused file is rolled back at the end.
    for chunk in _chunks(_read(data, "charges", mapping, report), CHUNK):
        context.load([raw for _, raw in chunk])
        good: list[tuple[int, int, dict]] = []
        for line, raw in chunk:
            institution = _institution(line, raw, context, report)
            clean, problems = rules.parse_charge(raw, today=context.today)
            for name, problem in problems.items():
                report.errors.append(RowError(line, name, translate(problem)))
            if institution is None or problems:
                continue
            values = services.charge_values(clean, context.lim)
            key = (institution.id, values["natural_key"])
            if key in seen:
                report.errors.append(RowError(line, "charge_ref" if values["charge_ref"] else "student_ref", gettext(
                    "The same charge is on line %(line)s.", line=seen[key])))
                continue
            seen[key] = line
            report.flagged += 1 if values["violation_count"] else 0
            good.append((line, institution.id, values))
        if report.errors and not skip_invalid:
            continue  # the file will be refused: check the rest, write nothing more
        touched |= _write_charges(good, context, report)
    if report.errors and not skip_invalid:
        return _finish(report, skip_invalid)
    audit.note(db.session, "escrow.charge_import", source or "CSV")  # escrows created here are created by the import
    figures.refresh_institutions(touched, user=user, create_missing=True)
    return _finish(report, skip_invalid)


def _write_charges(chunk: list[tuple[int, int, dict]], context: _Context, report: ImportReport) -> set[int]:
    connection = db.session.connection()
    keys = [(institution_id, values["natural_key"]) for _, institution_id, values in chunk]
    existing = {(c.institution_id, c.natural_key): c for c in db.session.execute(
        select(Charge.id, Charge.institution_id, Charge.natural_key, *[getattr(Charge, f) for f in CHARGE_FIELDS],
               Charge.resolved_on, Charge.resolved_by_id, Charge.resolution)
        .where(tuple_(Charge.institution_id, Charge.natural_key).in_(keys))).all()}
    label = sources.imported_from(context.source)
    now = utcnow()
    new, changed = [], []
    touched = set()
    for line, institution_id, values in chunk:
        current = existing.get((institution_id, values["natural_key"]))
        if current is None:
            new.append({**values, "institution_id": institution_id, "source": label, "resolution": "",
                        "created_at": now, "updated_at": now})
            continue
        difference = {f: values[f] for f in CHARGE_FIELDS if getattr(current, f) != values[f]}
        if not difference:
            report.unchanged += 1
            continue
        if "violations" in difference and current.resolved_on is not None:
            # what was dealt with is not what the charge breaks now
            difference.update(resolved_on=None, resolved_by_id=None, resolution="")
        changed.append((current, difference))
    actor = (context.user.id, context.user.username) if context.user is not None else (None, "cli")
    if new:
        connection.execute(insert(Charge.__table__), new)
        ids = {(r.institution_id, r.natural_key): r.id for r in connection.execute(
            select(Charge.id, Charge.institution_id, Charge.natural_key).where(
                tuple_(Charge.institution_id, Charge.natural_key).in_([(r["institution_id"], r["natural_key"]) for r in new])))}
        entries = []
        for r in new:
            charge_id = ids[(r["institution_id"], r["natural_key"])]
            after = {k: v for k, v in r.items() if k not in ("created_at", "updated_at")} | {"id": charge_id}
            entries.append(audit.Change("escrow_charge", str(charge_id), None, after))
        audit.append(connection, entries, actor=actor, action="escrow.charge_import", reason=context.source or None)
        touched |= {r["institution_id"] for r in new}
        report.created += len(new)
    changes = []
    for current, difference in changed:
        connection.execute(update(Charge).where(Charge.id == current.id).values(**difference, source=label, updated_at=now))
        before = {f: getattr(current, f, None) for f in difference}
        changes.append(audit.Change("escrow_charge", str(current.id), before, difference))
        touched.add(current.institution_id)
    audit.append(connection, changes, actor=actor, action="escrow.charge_import", reason=context.source or None)
    report.updated += len(changed)
    return touched
