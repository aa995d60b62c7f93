"""What the statement and charge imports share (their columns are escrow.columns): reading the file (core.csvfile) a row at a time, which institution a row names, and the report."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO, Iterator

from flask_babel import gettext
from sqlalchemy import select

from registry.core import authz
from registry.core.csvfile import ErrorList, RowError, Unreadable, decode, records
from registry.core.errors import Invalid
from registry.core.models import local_today
from registry.escrow import figures, rules
from registry.escrow.columns import ALIASES, COLUMNS, KEY_COLUMNS, REQUIRED, parse_mapping
from registry.escrow.models import Escrow
from registry.extensions import db
from registry.register.models import Institution
from registry.register.rules import Status

CHUNK = 2000


@dataclass
class ImportReport:
    kind: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    flagged: int = 0  # statements that do not add up or leave a gap; charges that break a rule
    errors: ErrorList = field(default_factory=ErrorList)  # the first ones, and how many in all
    ignored_columns: list[str] = field(default_factory=list)
    written: bool = False

    @property
    def bad_rows(self) -> int:
        return self.errors.lines


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
    found = records(text)
    try:
        names = next(cells for _, cells in found)
    except StopIteration:
        raise Invalid(gettext("The file is empty."), {"file": [gettext("The file is empty.")]})
    except Unreadable as error:
        report.errors.append(RowError(error.line, "", error.message))
        raise ImportRefused(report) from None
    columns = _header(names, kind, parse_mapping(mapping, kind), report)
    if report.errors:
        raise ImportRefused(report)
    read = [(i, ours) for i, ours in enumerate(columns.get(n) for n in names) if ours]

    def rows():
        try:
            for line, cells in found:
                if not any(c.strip() for c in cells):
                    continue  # a blank line
                if len(cells) > len(names) and any(c.strip() for c in cells[len(names):]):
                    report.errors.append(RowError(line, "", gettext("This row has more cells than the header.")))
                    continue
                yield line, {ours: (cells[i].strip() if i < len(cells) else "") for i, ours in read}
        except Unreadable as error:  # the rest of the file cannot be read: nothing of it is imported
            db.session.rollback()
            report.errors.append(RowError(error.line, "", error.message))
            raise ImportRefused(report) from None

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
