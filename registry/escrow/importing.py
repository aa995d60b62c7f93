"""Importing bank statements and prepaid charges from CSV files.

As the register's import: UTF-8 (with or without BOM) or GB18030, every bad row reported by its line,
nothing written when a row is bad unless skip-invalid. Banks name their columns differently: the common
Chinese headers are understood, and a mapping (`our_name=their_name,...`) reads any other. Each row names its
institution by credit code or by supervised account number.

Re-importing a file creates nothing new: a statement is the institution's statement of the period that
starts on its `period_start`; a charge is the same charge when its `charge_ref` is (or, without one, its date,
student reference and amount are).
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import IO, Iterator

from flask_babel import gettext
from sqlalchemy import insert, select, tuple_, update

from registry.core import audit, authz
from registry.core.errors import Invalid
from registry.core.models import local_today, utcnow
from registry.core.problems import translate
from registry.escrow import figures, rules, services, sources
from registry.escrow.columns import ALIASES, COLUMNS, KEY_COLUMNS, REQUIRED, parse_mapping
from registry.escrow.models import Charge, Escrow
from registry.extensions import db
from registry.register.importing import decode
from registry.register.models import Institution
from registry.register.rules import Status

CHUNK = 2000


@dataclass
class RowError:
    line: int
    field: str
    message: str


@dataclass
class ImportReport:
    kind: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    flagged: int = 0  # statements that do not add up or leave a gap; charges that break a rule
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    written: bool = False

    @property
    def bad_rows(self) -> int:
        return len({e.line for e in self.errors})


class ImportRefused(Invalid):
    """The file has bad rows and nothing was written; `report` lists them."""

    def __init__(self, report: ImportReport):
        super().__init__(gettext("%(count)s rows have errors; nothing was imported.", count=report.bad_rows), {})
        self.report = report


def _header(names: list[str], kind: str, mapping: dict[str, str], report: ImportReport) -> dict[str, str]:
    """File header → our column, for the columns read; checks the mapping and the required columns."""
    stripped = [n.strip().lstrip("\ufeff") for n in names]
    for theirs in mapping:
        if theirs not in stripped:
            report.errors.append(RowError(1, mapping[theirs], gettext(
                "The mapping reads “%(column)s”, which is not in the file's header.", column=theirs)))
    columns: dict[str, str] = {}
    taken: dict[str, str] = {}
    for original, name in zip(names, stripped):
        ours = mapping.get(name) or (name if name in COLUMNS[kind] else ALIASES.get(name))
        if ours is None or ours not in COLUMNS[kind]:
            if name:
                report.ignored_columns.append(name)
            continue
        if ours in taken:
            report.errors.append(RowError(1, ours, gettext(
                "Two columns are read as “%(column)s”: “%(first)s” and “%(second)s”.",
                column=ours, first=taken[ours], second=name)))
            continue
        taken[ours] = name
        columns[original] = ours
    found = set(columns.values())
    if not found & set(KEY_COLUMNS):
        report.errors.append(RowError(1, "credit_code", gettext(
            "The file needs a “credit_code” or an “account_number” column to find each institution.")))
    required = list(REQUIRED[kind])
    if kind == "statements" and "period" not in found:
        required = ["period_start", "period_end"] + required
    for column in required:
        if column not in found:
            report.errors.append(RowError(1, column, gettext("The column “%(column)s” is missing.", column=column)))
    return columns


@dataclass(frozen=True)
class _Owner:
    """What a row needs of its institution: enough to check the user's rights and to name it."""

    id: int
    name: str
    department_code: str


@dataclass
class _Context:
    user: object
    source: str
    lim: rules.Limits
    today: object
    institutions: dict = field(default_factory=dict)  # credit code → _Owner
    owners: dict = field(default_factory=dict)        # institution id → _Owner
    accounts: dict = field(default_factory=dict)      # account number → institution id

    def load(self, rows: list[dict]) -> None:
        """Look up the credit codes and account numbers of `rows` not looked up yet."""
        codes = list({r.get("credit_code", "").replace(" ", "").upper() for r in rows} - {""} - self.institutions.keys())
        numbers = list({rules.normalise_account(r.get("account_number", "")) for r in rows} - {""} - self.accounts.keys())
        for start in range(0, len(codes), 1000):
            for row in db.session.execute(select(Institution.id, Institution.name, Institution.department_code,
                                                 Institution.credit_code)
                                          .where(Institution.credit_code.in_(codes[start:start + 1000]),
                                                 Institution.status != Status.converted)):
                self.institutions[row.credit_code] = self.owners[row.id] = _Owner(row.id, row.name, row.department_code)
        for start in range(0, len(numbers), 1000):
            # a closed account still names its institution (its last statements come after the closing), unless
            # the number now serves another institution
            for number, institution_id, status in db.session.execute(
                    select(Escrow.account_number, Escrow.institution_id, Escrow.status)
                    .where(Escrow.account_number.in_(numbers[start:start + 1000]))
                    .order_by((Escrow.status == rules.EscrowStatus.closed).desc(), Escrow.id)):
                self.accounts[number] = institution_id
        missing = set(self.accounts.values()) - self.owners.keys()
        if missing:
            for row in db.session.execute(select(Institution.id, Institution.name, Institution.department_code)
                                          .where(Institution.id.in_(missing))):
                self.owners[row.id] = _Owner(row.id, row.name, row.department_code)


def _context(user, source: str) -> _Context:
    return _Context(user, source, figures.limits(), local_today())


def _institution(line: int, raw: dict, context: _Context, report: ImportReport) -> _Owner | None:
    code = raw.get("credit_code", "").replace(" ", "").upper()
    number = rules.normalise_account(raw.get("account_number", ""))
    institution = None
    if code:
        institution = context.institutions.get(code)
        if institution is None:
            report.errors.append(RowError(line, "credit_code", gettext("No institution has the credit code “%(code)s”.", code=code)))
            return None
    if number:
        owner = context.accounts.get(number)
        if owner is None:
            report.errors.append(RowError(line, "account_number", gettext(
                "No supervised account %(number)s is recorded.", number=rules.mask_account(number))))
            return None
        if institution is not None and institution.id != owner:
            report.errors.append(RowError(line, "account_number", gettext(
                "The account %(number)s belongs to another institution than the credit code.",
                number=rules.mask_account(number))))
            return None
        institution = context.owners[owner]
    if institution is None:
        report.errors.append(RowError(line, "credit_code", gettext("Give the credit code or the account number.")))
        return None
    if context.user is not None and not authz.can(context.user, "escrow.edit", institution):
        report.errors.append(RowError(line, "credit_code", gettext(
            "%(name)s is supervised by another department: you cannot record its escrow.", name=institution.name)))
        return None
    return institution


def _read(data: bytes | IO[bytes], kind: str, mapping, report: ImportReport) -> Iterator[tuple[int, dict]]:
    """Check the header (refusing the file when it is wrong), then yield (line, {our column: text}) per row."""
    text = decode(data if isinstance(data, bytes) else data.read())
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        names = next(reader)
    except StopIteration:
        raise Invalid(gettext("The file is empty."), {"file": [gettext("The file is empty.")]})
    columns = _header(names, kind, parse_mapping(mapping, kind), report)
    if report.errors:
        raise ImportRefused(report)
    read = [(i, ours) for i, ours in enumerate(columns.get(n) for n in names) if ours]

    def rows():
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue  # a blank line
            if len(cells) > len(names) and any(c.strip() for c in cells[len(names):]):
                report.errors.append(RowError(line, "", gettext("This row has more cells than the header.")))
                continue
            yield line, {ours: (cells[i].strip() if i < len(cells) else "") for i, ours in read}

    return rows()


def _chunks(rows: Iterator, size: int) -> Iterator[list]:
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _finish(report: ImportReport, skip_invalid: bool) -> ImportReport:
    report.errors.sort(key=lambda e: e.line)
    if report.errors and not skip_invalid:
        db.session.rollback()
        raise ImportRefused(report)
    report.written = True
    return report


# --- statements ----------------------------------------------------------------------------------------

def import_statements(user, data: bytes | IO[bytes], *, skip_invalid: bool = False, source: str = "",
                      mapping: str | dict | None = None) -> ImportReport:
    """Import bank statements. Refuses the whole file when a row is bad, unless `skip_invalid`."""
    if user is not None:
        authz.require(user, "escrow.import")
    report = ImportReport("statements")
    rows = list(_read(data, "statements", mapping, report))
    context = _context(user, source)
    context.load([raw for _, raw in rows])
    seen: dict[tuple, int] = {}
    good = []
    for line, raw in rows:
        institution = _institution(line, raw, context, report)
        clean, problems = rules.parse_statement(raw, today=context.today)
        for name, problem in problems.items():
            report.errors.append(RowError(line, name, translate(problem)))
        if institution is None or problems:
            continue
        escrow = services.escrow_of(institution.id)
        if escrow is None or not escrow.has_account:
            report.errors.append(RowError(line, "credit_code", gettext(
                "No supervised account is recorded for %(name)s.", name=institution.name)))
            continue
        key = (institution.id, clean["period_start"])
        if key in seen:
            report.errors.append(RowError(line, "period_start", gettext(
                "The statement of the same period is on line %(line)s.", line=seen[key])))
            continue
        seen[key] = line
        good.append((line, institution, escrow, clean))

    touched: dict[int, Escrow] = {}
    label = source or "CSV"
    for line, institution, escrow, clean in good:
        statement, outcome = services._upsert_statement(institution.id, clean, source=sources.imported_from(label))
        setattr(report, outcome, getattr(report, outcome) + 1)
        if outcome != "unchanged":
            touched[institution.id] = escrow
    audit.note(db.session, "escrow.statement_import", label)
    db.session.flush()
    for institution_id in touched:
        services.resequence(institution_id)
    audit.note(db.session, "escrow.statement_check")
    figures.refresh_institutions(touched, user=user)
    report.flagged = sum(1 for _, institution, _, clean in good if _statement_flagged(institution.id, clean["period_start"]))
    return _finish(report, skip_invalid)


def _statement_flagged(institution_id: int, period_start) -> bool:
    from registry.escrow.models import Statement

    return bool(db.session.scalar(select(Statement.flag_count).where(
        Statement.institution_id == institution_id, Statement.period_start == period_start)))


# --- charges -------------------------------------------------------------------------------------------

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
