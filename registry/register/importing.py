"""Importing institutions from a CSV file: every bad row reported by line, all-or-nothing by default.

The credit code is the key: a row whose code is already registered updates that record, so importing the
same file twice creates nothing new. Rows are checked by the same rules as the form and the API.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import IO

from flask import current_app
from flask_babel import gettext
from sqlalchemy import insert, select, update
from sqlalchemy import text as sql

from registry.core import audit, authz
from registry.core.csvfile import ErrorList, RowError, Unreadable, decode, records
from registry.core.errors import Invalid
from registry.core.models import local_today, utcnow
from registry.core.messages import stored
from registry.core.problems import N_, Problem, translate
from registry.extensions import db
from registry.register import places, rules, services
from registry.register.models import Institution, StatusChange
from registry.register.rules import Status
from registry.register.signals import institutions_placed
from registry.register.search_keys import SOURCE_FIELDS as SEARCHED_FIELDS
from registry.register.search_keys import keys as search_keys

COLUMNS = ("name", "credit_code", "category", "permit_number", "address", "district", "latitude", "longitude",
           "legal_representative", "contact_phone", "floor_area", "capacity", "teaching_mode", "status", "licensed_on", "status_on")
REQUIRED_COLUMNS = ("name", "credit_code", "category", "address", "district", "latitude", "longitude")
IGNORED_COLUMNS = ("id", "department", "version", "flags", "cell")  # what an export carries and an import derives
CHUNK = 2000
ANALYZE_AFTER = 10_000  # rows imported at once that call for fresh planner statistics

# Spreadsheets typed by hand carry the Chinese words; the API's codes are accepted too.
CATEGORY_WORDS = {"学科类": "academic", "科技类": "tech", "文化艺术类": "arts", "体育类": "sports"}
STATUS_WORDS = {"申请中": "applied", "已许可": "licensed", "不予许可": "rejected", "停业整顿": "suspended",
                "吊销许可": "revoked", "注销": "deregistered", "转型": "converted", "已转型": "converted"}


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: ErrorList = field(default_factory=ErrorList)  # the first ones, and how many in all
    written: bool = False

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged


class ImportRefused(Invalid):
    """The file has bad rows and nothing was written; `report` lists them."""

    def __init__(self, report: ImportReport):
        super().__init__(gettext("%(count)s rows have errors; nothing was imported.", count=report.errors.lines), {})
        self.report = report


@dataclass
class _Row:
    line: int
    values: dict  # column values of an Institution
    status_given: bool
    status_on: date | None = None  # when the status took effect, when the file says


def import_institutions(user, data: bytes | IO[bytes], *, skip_invalid: bool = False, source: str = "") -> ImportReport:
    """Import a CSV of institutions. Refuses the whole file when a row is bad, unless `skip_invalid`."""
    if user is not None:
        authz.require(user, "institution.import")
    text = decode(data if isinstance(data, bytes) else data.read())
    report = ImportReport()
    try:
        _read(text, report, _Context.load(user, source))
    except Unreadable as error:  # the rest of the file cannot be read: nothing of it is imported
        db.session.rollback()
        report.errors.append(RowError(error.line, "", error.message))
        raise ImportRefused(report) from None

    if report.errors and not skip_invalid:
        db.session.rollback()
        raise ImportRefused(report)
    report.written = True
    if report.created >= ANALYZE_AFTER:
        _refresh_statistics()
    return report


def _read(text: str, report: ImportReport, context: "_Context") -> None:
    """Check the header (refusing the file when it is wrong), then parse and write the rows a chunk at a time."""
    found = records(text)
    names = next((cells for _, cells in found if cells), [])
    _check_header(names, report)
    if report.errors:
        raise ImportRefused(report)
    seen: dict[str, int] = {}
    chunk: list[_Row] = []
    for line, cells in found:
        if not cells:
            continue  # a blank line
        if len(cells) > len(names):
            raw = {None: cells[len(names):]}  # more cells than the header has columns
        else:
            raw = dict(zip(names, cells + [""] * (len(names) - len(cells))))
        row = _parse_row(line, raw, context, seen, report)
        if row is not None:
            chunk.append(row)
        if len(chunk) >= CHUNK:
            _write(chunk, context, report)
            chunk = []
    _write(chunk, context, report)


def _refresh_statistics() -> None:
    """The planner's statistics of the grown table, in this transaction. Without them a search for a rare word in a
    large district is planned district first (seconds) instead of word first (a millisecond)."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sql("ANALYZE institutions"))  # counts this transaction's own new rows
    else:
        db.session.execute(sql("PRAGMA analysis_limit=1000"))  # a sample of each index: well under a second
        db.session.execute(sql("ANALYZE"))


def _check_header(header: list[str], report: ImportReport) -> None:
    names = [h.strip() for h in header]
    for column in REQUIRED_COLUMNS:
        if column not in names:
            report.errors.append(RowError(1, column, gettext("The column “%(column)s” is missing.", column=column)))
    for name in names:
        if name not in COLUMNS and name not in IGNORED_COLUMNS:
            report.errors.append(RowError(1, name, gettext("Unknown column “%(column)s”.", column=name)))


@dataclass
class _Context:
    user: object
    source: str
    bounds: tuple
    districts: dict  # rules.district_keys: a district's code or name, to its code
    category_departments: dict
    reason: str = ""
    now: object = None
    placer: object = None  # the district boundaries, taken once for the file (registry.register.places)

    @classmethod
    def load(cls, user, source):
        return cls(user, source, current_app.config["REGISTRY_BOUNDS"], services.district_keys(),
                   services.category_departments(),
                   reason=stored(Problem(N_("Imported from %(source)s"), {"source": source or "CSV"})), now=utcnow(),
                   placer=places.placer())


def _parse_row(line: int, raw: dict, context: _Context, seen: dict, report: ImportReport) -> _Row | None:
    if None in raw:  # more cells than the header has columns
        report.errors.append(RowError(line, "", gettext("This row has more cells than the header.")))
        return None
    raw = {k.strip(): (v or "").strip() for k, v in raw.items() if k and k.strip() in COLUMNS}
    if not any(raw.values()):
        return None  # a blank line
    raw["category"] = CATEGORY_WORDS.get(raw.get("category", ""), raw.get("category", ""))
    clean, problems = rules.parse_institution(raw, bounds=context.bounds, districts=context.districts)
    if context.placer is not None and not problems.keys() & {"district", "latitude", "longitude"}:
        if problem := services.place_problem(clean["district"], clean["longitude"], clean["latitude"], context.placer):
            problems["district"] = problem
    errors = {name: translate(problem) for name, problem in problems.items()}

    status_text = STATUS_WORDS.get(raw.get("status", ""), raw.get("status", "")) or "licensed"
    if status_text not in Status.__members__:
        errors["status"] = gettext("Choose one of: %(choices)s.", choices=", ".join(Status.__members__))
    try:
        licensed_on = rules.parse_date(raw.get("licensed_on"))
        if licensed_on and licensed_on > local_today():
            errors["licensed_on"] = gettext("The licence date cannot be in the future.")
    except ValueError:
        licensed_on = None
        errors["licensed_on"] = gettext("Enter a date as YYYY-MM-DD.")
    try:
        # the day the row's status took effect (a deregistration years ago), so old records carry their real history
        status_on = rules.parse_date(raw.get("status_on"))
        if status_on and (problem := rules.check_effective_on(status_on, previous_on=licensed_on, today=local_today())):
            errors["status_on"] = translate(problem)
    except ValueError:
        status_on = None
        errors["status_on"] = gettext("Enter a date as YYYY-MM-DD.")
    if status_text == Status.converted and clean.get("category") and "status" not in errors:
        problem = rules.check_transition(Status.licensed, Status.converted, rules.Category(clean["category"]))
        if problem:
            errors["status"] = translate(problem)
    code = clean.get("credit_code")
    if code and "credit_code" not in errors:
        if code in seen:
            errors["credit_code"] = gettext("The same credit code is on line %(line)s.", line=seen[code])
        else:
            seen[code] = line
    for name, message in errors.items():
        report.errors.append(RowError(line, name, message))
    if errors:
        return None

    values = {name: clean.get(name) for name in services.EDITABLE_FIELDS}
    for name in ("permit_number", "legal_representative", "contact_phone"):
        values[name] = values[name] or ""
    values["teaching_mode"] = values["teaching_mode"] or rules.TeachingMode.offline  # a file without the column
    values.update(category=clean["category"], status=Status(status_text), licensed_on=licensed_on,
                  department_code=context.category_departments[clean["category"]])
    return _Row(line, values, bool(raw.get("status")), status_on)


def _write(chunk: list[_Row], context: _Context, report: ImportReport) -> None:
    if not chunk:
        return
    codes = [row.values["credit_code"] for row in chunk]
    live, converted = {}, {}
    for inst in db.session.scalars(select(Institution).where(Institution.credit_code.in_(codes)).order_by(Institution.id)):
        (converted if inst.status is Status.converted else live)[inst.credit_code] = inst  # the latest conversion
    new_rows, changed = [], []
    for row in chunk:
        # A converted row is the record a conversion closed (its successor, if registered, holds the code live).
        current = converted.get(row.values["credit_code"]) if row.values["status"] is Status.converted else None
        current = current or live.get(row.values["credit_code"])
        if current is None:
            new_rows.append(row)
            continue
        difference = _difference(current, row)
        if difference is None:
            report.unchanged += 1
        elif isinstance(difference, RowError):
            report.errors.append(difference)
        else:
            changed.append((current, difference, row.status_on))
    _insert(new_rows, context)
    _update(changed, context)
    report.created += len(new_rows)
    report.updated += len(changed)
    db.session.expunge_all()  # keep memory flat over a large file


def _difference(current: Institution, row: _Row) -> dict | RowError | None:
    """The values of `row` that differ from `current`, or a RowError for a change the lifecycle forbids."""
    values = dict(row.values)
    if not row.status_given:
        values["status"] = current.status
    if values["category"] != current.category:
        return RowError(row.line, "category", gettext(
            "Already registered as %(category)s: a change of category is a conversion, not an import.",
            category=current.category.value))
    if values["status"] != current.status:
        problem = rules.check_transition(current.status, values["status"], current.category)
        if problem and values["status"] is not Status.converted:
            return RowError(row.line, "status", translate(problem))
    if values["licensed_on"] is None:
        values["licensed_on"] = current.licensed_on
    changes = {k: v for k, v in values.items() if getattr(current, k) != v}
    return changes or None


def _flags(values: dict) -> list[str]:
    return rules.institution_flags(category=values["category"], credit_code=values["credit_code"],
                                   floor_area=values["floor_area"], capacity=values["capacity"])


def _insert(rows: list[_Row], context: _Context) -> None:
    if not rows:
        return
    today = local_today()
    records = [{**row.values, "flags": _flags(row.values), "version": 1, "registration_reason": "",
                "status_since": row.status_on or row.values["licensed_on"] or today, **search_keys(row.values)} for row in rows]
    connection = db.session.connection()
    # A plain executemany, then one query for the new ids: much faster than INSERT ... RETURNING per batch.
    connection.execute(insert(Institution.__table__), records)
    codes = [r["credit_code"] for r in records]
    # The newest record of each code is the one just inserted (a converted row's code may be held live by another).
    ids = dict(connection.execute(select(Institution.credit_code, Institution.id).where(
        Institution.credit_code.in_(codes)).order_by(Institution.id)).all())
    connection.execute(insert(StatusChange.__table__), [
        {"institution_id": ids[r["credit_code"]], "from_status": from_status, "to_status": to_status,
         "effective_on": effective_on, "reason": context.reason, "actor_id": getattr(context.user, "id", None),
         "recorded_at": context.now} for r in records for from_status, to_status, effective_on in _history(r)])
    audit.append(connection, [audit.Change("institution", str(ids[r["credit_code"]]), None,
                                           _audited({**r, "id": ids[r["credit_code"]]})) for r in records],
                 actor=_actor(context), action="institution.import", reason=context.source or None)
    _placed(connection, [(ids[r["credit_code"]], r["longitude"], r["latitude"]) for r in records])


def _placed(connection, placed: list[tuple[int, float, float]]) -> None:
    """Tell the areas that watch the register where the batch's new or moved institutions stand (the grid assigns
    their cells), in this transaction."""
    if placed:
        ids, longitudes, latitudes = (list(column) for column in zip(*placed))
        institutions_placed.send(current_app._get_current_object(), connection=connection, ids=ids,
                                 longitudes=longitudes, latitudes=latitudes)


def _history(record: dict) -> list[tuple]:
    """The lifecycle a new row's dates tell: licensed on `licensed_on`, then its status from `status_since` (a
    deregistration years ago stays years ago, so the register as of an old date counts it as it was)."""
    status, licensed_on, since = record["status"], record["licensed_on"], record["status_since"]
    if licensed_on and status not in (Status.licensed, Status.applied, Status.rejected) and since > licensed_on:
        return [(None, Status.licensed, licensed_on), (Status.licensed, status, since)]
    return [(None, status, since)]


def _update(changed: list[tuple[Institution, dict, date | None]], context: _Context) -> None:
    if not changed:
        return
    connection = db.session.connection()
    audit_changes, status_rows, moved = [], [], []
    for current, changes, status_on in changed:
        before = {k: getattr(current, k) for k in changes}
        merged = {name: changes.get(name, getattr(current, name)) for name in
                  ("category", "credit_code", "floor_area", "capacity")}
        changes = {**changes, "flags": _flags(merged), "version": current.version + 1}
        if set(SEARCHED_FIELDS) & changes.keys():
            changes.update(search_keys({f: changes.get(f, getattr(current, f)) for f in SEARCHED_FIELDS}))
        if "status" in changes:
            changes["status_since"] = status_on or local_today()
        before.update(flags=current.flags, version=current.version)
        result = connection.execute(
            update(Institution).where(Institution.id == current.id, Institution.version == current.version)
            .values(**changes))
        if result.rowcount != 1:
            raise Invalid(gettext("A record changed while the file was being imported; import it again."), {})
        audit_changes.append(audit.Change("institution", str(current.id), before, _audited(changes)))
        if "latitude" in changes or "longitude" in changes:
            moved.append((current.id, changes.get("longitude", current.longitude), changes.get("latitude", current.latitude)))
        if "status" in changes:
            status_rows.append({"institution_id": current.id, "from_status": current.status, "to_status": changes["status"],
                                "effective_on": status_on or local_today(), "actor_id": getattr(context.user, "id", None),
                                "reason": context.reason, "recorded_at": context.now})
    if status_rows:
        connection.execute(insert(StatusChange), status_rows)
    audit.append(connection, audit_changes, actor=_actor(context), action="institution.import", reason=context.source or None)
    _placed(connection, moved)


def _audited(values: dict) -> dict:
    return {k: v for k, v in values.items() if k not in Institution.__audit_exclude__}


def _actor(context: _Context) -> tuple:
    user = context.user
    return (user.id, user.username) if user is not None else (None, "cli")


def template_csv() -> str:
    """An empty file with the expected header, for users to fill in."""
    return ",".join(COLUMNS) + "\r\n"
