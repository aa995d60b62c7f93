"""Importing staff rosters and the in-service school teachers' roster from CSV (UTF-8 with or without BOM, GBK or
GB18030, read by core.csvfile within the imports' limits). Every bad row is reported by its line; nothing is
written while a row is bad unless `skip_invalid`. The ID number is the key. After either import the cross-check runs
in the database (registry/staff/matching.py) and its new matches are in the report.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO

from flask_babel import gettext
from sqlalchemy import delete, insert, select, update

from registry.core import audit, authz
from registry.core.csvfile import RowError, decode, records
from registry.core.errors import Invalid
from registry.core.models import local_today, utcnow
from registry.core.problems import translate
from registry.extensions import db
from registry.register.models import Institution
from registry.register.rules import Status
from registry.staff import fields, matching, rules
from registry.staff.models import SchoolTeacher, StaffMember
from registry.staff.services import digest

STAFF_COLUMNS = ("credit_code", *fields.FIELDS, "left_on")
STAFF_REQUIRED = ("credit_code", "name", "id_number", "role", "full_time", "hired_on")
TEACHER_COLUMNS = ("id_number", "name", "school", "district")
TEACHER_REQUIRED = ("id_number", "name")
CHUNK = 2000

# The headers HR systems and hand-made spreadsheets commonly use.
ALIASES = {
    "统一社会信用代码": "credit_code", "信用代码": "credit_code", "姓名": "name", "身份证号": "id_number",
    "身份证号码": "id_number", "证件号码": "id_number", "岗位": "role", "人员类别": "role", "类别": "role",
    "任教科目": "subjects", "科目": "subjects", "专兼职": "full_time", "用工形式": "full_time", "入职日期": "hired_on",
    "离职日期": "left_on", "国籍": "nationality", "教师资格证号": "teacher_cert", "教师资格证": "teacher_cert",
    "专业证书": "professional_cert", "职业资格证书": "professional_cert", "无犯罪记录证明日期": "certificate_on",
    "审查结果": "check_result", "审查日期": "checked_on", "学校": "school", "任教学校": "school", "所在学校": "school",
    "区县": "district", "所在区县": "district", "学校所在区县": "district",
}


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    ended: int = 0     # staff missing from the file whose employment was ended (--end-missing)
    removed: int = 0   # teachers no longer on the in-service roster
    matches: list = field(default_factory=list)  # TeacherMatch found by this import's cross-check
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


def _rows(data: bytes | IO[bytes], columns: tuple, required: tuple, report: ImportReport):
    """Check the header (refusing the file when it lacks a column), then yield (line, {our column: text})."""
    reader = records(decode(data if isinstance(data, bytes) else data.read()))  # the imports' limits, core.csvfile
    try:
        names = [n.strip().lstrip("\ufeff") for n in next(reader)[1]]
    except StopIteration:
        raise Invalid(gettext("The file is empty."), {"file": [gettext("The file is empty.")]})
    ours = [n if n in columns else ALIASES.get(n) if ALIASES.get(n) in columns else None for n in names]
    for column in required:
        if column not in ours:
            report.errors.append(RowError(1, column, gettext("The column “%(column)s” is missing.", column=column)))
    if report.errors:
        raise ImportRefused(report)
    for line, cells in reader:
        if not any(c.strip() for c in cells):
            continue
        yield line, {name: (cells[i].strip() if i < len(cells) else "")
                                for i, name in enumerate(ours) if name}


def _problems(line: int, problems: dict, report: ImportReport) -> None:
    for name, problem in problems.items():
        report.errors.append(RowError(line, name, translate(problem) if isinstance(problem, rules.Problem) else problem))


def _finish(report: ImportReport, skip_invalid: bool) -> None:
    report.errors.sort(key=lambda e: e.line)
    if report.errors and not skip_invalid:
        db.session.rollback()
        raise ImportRefused(report)


# --- staff rosters ---------------------------------------------------------------------------------------------

def import_staff(user, data: bytes | IO[bytes], *, skip_invalid: bool = False, end_missing: bool = False,
                 source: str = "") -> ImportReport:
    """Import staff rosters: a row per person and institution (by credit code); the ID number is the key, so a row
    again updates the person's record. `end_missing` ends the employment of the current staff of each institution in
    the file who are not in it."""
    if user is not None:
        authz.require(user, "staff.import")
    report = ImportReport()
    today = local_today()
    rows = list(_rows(data, STAFF_COLUMNS, STAFF_REQUIRED, report))
    institutions = _institutions({raw.get("credit_code", "").upper() for _, raw in rows})
    parsed: dict[tuple[int, str], tuple[int, dict]] = {}
    for line, raw in rows:
        code = raw.get("credit_code", "").upper()
        institution = institutions.get(code)
        clean, problems = fields.parse_member(raw, today=today)
        if institution is None:
            problems["credit_code"] = gettext("No institution in the register has the credit code %(code)s.", code=code)
        elif user is not None and not authz.can(user, "staff.edit", institution):
            problems["credit_code"] = gettext("%(name)s is not supervised by your department.", name=institution.name)
        left_on = None
        if raw.get("left_on"):
            left_on, problem = fields.parse_left_on(raw["left_on"], hired_on=clean.get("hired_on"), today=today)
            if problem:
                problems["left_on"] = problem
        if problems:
            _problems(line, problems, report)
            continue
        key = (institution.id, digest(clean["id_number"]))
        if key in parsed:
            report.errors.append(RowError(line, "id_number", gettext(
                "This person is already on line %(line)s for the same institution.", line=parsed[key][0])))
            continue
        parsed[key] = (line, {**clean, "left_on": left_on})
    _finish(report, skip_invalid)
    audit.note(db.session, "staff.import", source or None)
    _write_staff(parsed, report, end_missing=end_missing, today=today, source=source)
    report.matches = matching.cross_check()
    report.written = True
    return report


def _institutions(codes: set[str]) -> dict[str, Institution]:
    """The live institutions of these credit codes, a chunk of codes per query."""
    found: dict[str, Institution] = {}
    ordered = sorted(codes)
    for start in range(0, len(ordered), CHUNK):
        for institution in db.session.scalars(select(Institution).where(
                Institution.credit_code.in_(ordered[start:start + CHUNK]), Institution.status != Status.converted)):
            found[institution.credit_code] = institution
    return found


def _write_staff(parsed: dict, report: ImportReport, *, end_missing: bool, today, source: str) -> None:
    institution_ids = sorted({institution_id for institution_id, _ in parsed})
    for start in range(0, len(institution_ids), CHUNK):
        ids = institution_ids[start:start + CHUNK]
        chosen = set(ids)
        existing = {(m.institution_id, m.id_digest): m for m in db.session.scalars(
            select(StaffMember).where(StaffMember.institution_id.in_(ids)))}
        new = []
        for key, (_, values) in ((k, v) for k, v in parsed.items() if k[0] in chosen):
            member = existing.get(key)
            if member is None:
                new.append({"institution_id": key[0], "id_digest": key[1], "version": 1, "left_reason": "", **values})
            elif any(getattr(member, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(member, name, value)
                member.version += 1
                report.updated += 1
            else:
                report.unchanged += 1
        if end_missing:
            reason = gettext("Not on the roster imported from %(source)s.", source=source or gettext("a file"))
            for (institution_id, key), member in existing.items():
                if member.left_on is None and (institution_id, key) not in parsed:
                    member.left_on, member.left_reason = max(today, member.hired_on), reason
                    member.version += 1
                    report.ended += 1
        db.session.flush()
        _insert(new, source)
        report.created += len(new)


def _insert(records: list[dict], source: str) -> None:
    """New staff members in one executemany, then their ids in one query, and their audit entries (ID numbers
    masked, as the flush hook records them): much faster than one ORM object each."""
    if not records:
        return
    connection = db.session.connection()
    connection.execute(insert(StaffMember.__table__), records)
    ids = {}
    institution_ids = sorted({r["institution_id"] for r in records})
    for start in range(0, len(institution_ids), CHUNK):
        ids.update({(i, d): n for n, i, d in connection.execute(
            select(StaffMember.id, StaffMember.institution_id, StaffMember.id_digest)
            .where(StaffMember.institution_id.in_(institution_ids[start:start + CHUNK]))).all()})
    excluded = StaffMember.__audit_exclude__

    def audited(record: dict, staff_id: int) -> dict:
        values = {k: v for k, v in record.items() if k not in excluded}
        values["id_number"] = rules.mask_id(values["id_number"])
        return {"id": staff_id, **values}

    audit.append(connection, [audit.Change("staff_member", str(ids[(r["institution_id"], r["id_digest"])]), None,
                                           audited(r, ids[(r["institution_id"], r["id_digest"])])) for r in records],
                 actor=db.session.info.get("actor") or (None, audit.SYSTEM_ACTOR), action="staff.import",
                 reason=source or None)


# --- the in-service teachers' roster ----------------------------------------------------------------------------

def import_teachers(user, data: bytes | IO[bytes], *, skip_invalid: bool = False, source: str = "") -> ImportReport:
    """Replace the in-service school teachers' roster with the file's (kept as digests: the numbers are not stored);
    teachers no longer in it leave the roster, the matches already found stay."""
    if user is not None:
        authz.require(user, "teacher.import")
    report = ImportReport()
    rows: dict[str, tuple[int, dict]] = {}
    for line, raw in _rows(data, TEACHER_COLUMNS, TEACHER_REQUIRED, report):
        number = rules.normalise_id(raw.get("id_number"))
        problems = {}
        if problem := rules.check_id_number(number):
            problems["id_number"] = problem
        values = {name: " ".join(raw.get(name, "").split()) for name in ("name", "school", "district")}
        if not values["name"]:
            problems["name"] = rules.Problem(rules.N_("Required."))
        for name, limit in (("name", 50), ("school", 200), ("district", 40)):
            if len(values[name]) > limit:
                problems[name] = gettext("At most %(limit)s characters.", limit=limit)
        if problems:
            _problems(line, problems, report)
            continue
        key = digest(number)
        if key in rows:
            report.errors.append(RowError(line, "id_number", gettext("The same ID number is on line %(line)s.",
                                                                     line=rows[key][0])))
            continue
        rows[key] = (line, values)
    _finish(report, skip_invalid)
    _write_teachers(rows, report)
    audit.append(db.session.connection(), [audit.Change("school_teachers", "roster", None, {
        "created": report.created, "updated": report.updated, "removed": report.removed, "source": source})],
        actor=db.session.info.get("actor") or (None, audit.SYSTEM_ACTOR), action="staff.teachers_import", reason=None)
    report.matches = matching.cross_check()
    report.written = True
    return report


def _write_teachers(rows: dict, report: ImportReport) -> None:
    now = utcnow()
    existing = dict(db.session.execute(select(SchoolTeacher.id_digest, SchoolTeacher.id)).all())
    stored = {d: (n, s, t) for d, n, s, t in db.session.execute(
        select(SchoolTeacher.id_digest, SchoolTeacher.name, SchoolTeacher.school, SchoolTeacher.district)).all()}
    new = [{"id_digest": key, "imported_at": now, **values} for key, (_, values) in rows.items() if key not in existing]
    changed = [{"id": existing[key], "imported_at": now, **values} for key, (_, values) in rows.items()
               if key in existing]
    report.created = len(new)
    report.updated = sum(1 for key, (_, v) in rows.items()
                         if key in stored and stored[key] != (v["name"], v["school"], v["district"]))
    report.unchanged = len(changed) - report.updated
    gone = [teacher_id for key, teacher_id in existing.items() if key not in rows]
    report.removed = len(gone)
    for start in range(0, len(new), CHUNK):
        db.session.execute(insert(SchoolTeacher), new[start:start + CHUNK])
    for start in range(0, len(changed), CHUNK):
        db.session.execute(update(SchoolTeacher), changed[start:start + CHUNK])
    for start in range(0, len(gone), CHUNK):
        db.session.execute(delete(SchoolTeacher).where(SchoolTeacher.id.in_(gone[start:start + CHUNK])))
