"""The one search over the register, for the staff list, the API, the exports and the public lookup.

Each term of the query must be found (AND). A term of three characters or more is looked for anywhere in the
institution's search text (name, credit code, permit number, address, legal representative, pinyin); a shorter
one in its name. Both backends find the same institutions: SQLite through FTS5 (trigram for long terms, a
phrase of single characters for short ones), PostgreSQL through LIKE on pg_trgm-indexed columns.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields, replace

from sqlalchemy import Text, and_, case, cast, func, literal_column, or_, select, table, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from registry.core import authz
from registry.core.database import read_later
from registry.enforcement.services import standing
from registry.enforcement.services.standing import Standing
from registry.escrow.models import Escrow
from registry.escrow.rules import EscrowStatus
from registry.extensions import db
from registry.grid.models import Cell, CellAssignment
from registry.register.models import Department, District, Institution
from registry.register.rules import Category, Status
from registry.core.pager import Page
from registry.register.services import visible_condition
from registry.register.search_keys import SHORT_TERM, terms

SORTS = ("relevance", "name", "licensed_on")
MAX_QUERY = 100


@dataclass(frozen=True)
class SearchQuery:
    q: str = ""
    category: str = ""
    status: str = ""
    district: str = ""
    department: str = ""
    cell: str = ""
    escrow: str = ""
    open_cases: str = ""  # "1": only institutions with a penalty case not yet closed
    unpaid_fines: str = ""  # "1": only institutions owing some of a fine
    sort: str = ""

    @classmethod
    def from_args(cls, args) -> "SearchQuery":
        return cls(**{f.name: str(args.get(f.name, "") or "") for f in fields(cls)}).clean()

    def clean(self) -> "SearchQuery":
        """Drop values that name nothing, so a stale bookmark shows everything rather than an error."""
        return replace(
            self,
            q=" ".join(self.q.split())[:MAX_QUERY],
            category=self.category if self.category in Category.__members__ else "",
            status=self.status if self.status in Status.__members__ else "",
            district=self.district[:12],
            department=self.department[:20],
            cell=self.cell[:40],
            escrow=self.escrow if self.escrow in EscrowStatus.__members__ else "",
            open_cases="1" if self.open_cases in ("1", "true") else "",
            unpaid_fines="1" if self.unpaid_fines in ("1", "true") else "",
            sort=self.sort if self.sort in SORTS else "",
        )

    def as_args(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name)}


@dataclass(frozen=True)
class Result:
    """One line of a result: the institution and what the list shows beside it."""

    institution: Institution
    cell_code: str | None
    cell_name: str | None
    escrow_status: str
    standing: Standing = Standing()


# --- matching -----------------------------------------------------------------------------------------------------

COUNT_LIMIT = 10_000  # a search counts its matches this far; beyond, it says "more than" and lists newest first


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _like_condition(term: str):
    """The term found by LIKE: anywhere in the search text when long enough, else in the name. On PostgreSQL a short
    term first narrows to the names holding each of its characters (a GIN index), too short for trigrams."""
    like = "%" + _escape_like(term) + "%"
    if len(term) >= SHORT_TERM:
        return Institution.search_text.like(like, escape="\\")
    in_name = func.lower(Institution.name).like(like, escape="\\")
    if db.engine.dialect.name != "postgresql":
        return in_name
    # The very expression of the index ix_institutions_name_chars, separator inlined, so the planner matches it.
    characters = func.string_to_array(Institution.name_chars, literal_column("' '"), type_=postgresql.ARRAY(Text))
    return and_(characters.op("@>")(cast(postgresql.array(list(term)), postgresql.ARRAY(Text))), in_name)


@dataclass(frozen=True)
class FtsDriver:
    """The FTS5 table that leads an SQLite search: its matches come out in rowid order and can stop early, where an
    `IN (SELECT rowid ...)` list would be built whole first (half a million ids for a common word)."""

    table: str
    phrase: str

    @property
    def rowid(self):
        return literal_column(f"{self.table}.rowid")


def _fts_driver(term: str) -> FtsDriver | None:
    if len(term) >= SHORT_TERM:
        return FtsDriver("institution_fts", term)
    if term.isalnum():
        return FtsDriver("institution_name_fts", " ".join(term))  # adjacent one-character tokens: a substring
    return None


def _fts_matches(driver: FtsDriver) -> int:
    """How many institutions the word matches, counted no further than COUNT_LIMIT: the rarest word leads."""
    inner = f"SELECT rowid FROM {driver.table} WHERE {driver.table} MATCH :lead LIMIT {COUNT_LIMIT + 1}"
    return db.session.scalar(text(f"SELECT count(*) FROM ({inner})").bindparams(lead=_fts_phrase(driver.phrase)))


def _matches(where: list, words: list[str]):
    """SELECT institutions.id of the matches, and the column that orders them newest first: on SQLite led by the FTS5
    table of the rarest word (the longest among equals), the other words checked on each candidate by LIKE; on
    PostgreSQL every word by LIKE on its indexed column."""
    driver = None
    if words and db.engine.dialect.name == "sqlite":
        drivers = {word: d for word in words if (d := _fts_driver(word)) is not None}
        if drivers:
            lead = min(drivers, key=lambda word: (_fts_matches(drivers[word]) if len(drivers) > 1 else 0, -len(word)))
            driver = drivers[lead]
            words = [w for w in words if w is not lead]
    statement = select(Institution.id).where(*where, *(_like_condition(w) for w in words))
    if driver is None:
        return statement, Institution.id
    match = text(f"{driver.table} MATCH :lead").bindparams(lead=_fts_phrase(driver.phrase))
    statement = statement.join(table(driver.table), driver.rowid == Institution.id).where(match)
    return statement, driver.rowid


# --- filters ----------------------------------------------------------------------------------------------------

def _cell_condition(code: str):
    """The institutions in the cell and the cells under it: their paths start with its path (which ends in "/")."""
    path = db.session.scalar(select(Cell.path).where(Cell.code == code))
    if path is None:
        return Institution.id.is_(None)
    cells_under = select(Cell.id).where(Cell.path.startswith(path))
    return Institution.id.in_(select(CellAssignment.institution_id).where(CellAssignment.cell_id.in_(cells_under)))


def _escrow_condition(status: str):
    if status == EscrowStatus.none:
        return Institution.id.not_in(select(Escrow.institution_id).where(Escrow.status != EscrowStatus.none))
    return Institution.id.in_(select(Escrow.institution_id).where(Escrow.status == status))


def conditions(user, query: SearchQuery) -> list:
    """The WHERE clause of the filters, within what `user` may see (the words are matched by `_matches`)."""
    clauses = [c for c in [visible_condition(user)] if c is not None]
    for column, value in ((Institution.category, query.category), (Institution.status, query.status),
                          (Institution.district, query.district), (Institution.department_code, query.department)):
        if value:
            clauses.append(column == value)
    if query.cell:
        clauses.append(_cell_condition(query.cell))
    if query.escrow:
        clauses.append(_escrow_condition(query.escrow))
    if query.open_cases:
        clauses.append(Institution.id.in_(standing.with_open_cases()))
    if query.unpaid_fines:
        clauses.append(Institution.id.in_(standing.with_unpaid_fines()))
    return clauses


def _order(query: SearchQuery) -> list:
    name = Institution.name.collate("C") if db.engine.dialect.name == "postgresql" else Institution.name
    if query.sort == "name":
        return [name, Institution.id]
    if query.sort == "licensed_on":
        return [Institution.licensed_on.desc().nulls_last(), Institution.id.desc()]
    words = terms(query.q)
    if not words:
        return [Institution.id.desc()]  # newest first, as the register always listed
    first = _escape_like(words[0])
    lower_name = func.lower(Institution.name)
    closeness = case((lower_name == words[0], 0), (lower_name.like(first + "%", escape="\\"), 1),
                     (lower_name.like("%" + first + "%", escape="\\"), 2),
                     (func.lower(Institution.credit_code).like(first + "%", escape="\\"), 3), else_=4)
    return [closeness, func.length(Institution.name), name, Institution.id]


def _count(user, query: SearchQuery) -> int:
    """The number of matches, counted no further than COUNT_LIMIT + 1."""
    matches, _ = _matches(conditions(user, query), terms(query.q))
    return db.session.scalar(select(func.count()).select_from(matches.limit(COUNT_LIMIT + 1).subquery()))


def _ordered_ids(user, query: SearchQuery, *, exact: bool):
    """SELECT of the matching ids in the order the list shows them. Relevance is worked out over every match, so
    past COUNT_LIMIT matches (a word in half the register) the newest come first instead."""
    ids, newest = _matches(conditions(user, query), terms(query.q))
    if query.sort in ("name", "licensed_on") or (exact and terms(query.q)):
        return ids.order_by(*_order(query))
    return ids.order_by(newest.desc())


def _rows(ids: list[int], session: Session | None = None) -> list[Result]:
    """The institutions of `ids`, in that order, with what the list shows beside each."""
    rows = (session or db.session).execute(
        select(Institution, Cell.code, Cell.name, Escrow.status)
        .outerjoin(CellAssignment, CellAssignment.institution_id == Institution.id)
        .outerjoin(Cell, Cell.id == CellAssignment.cell_id)
        .outerjoin(Escrow, Escrow.institution_id == Institution.id)
        .where(Institution.id.in_(ids))).all()
    by_id = {row[0].id: row for row in rows}
    standings = standing.standing_of(ids, session)
    return [_result(by_id[i], standings.get(i, Standing())) for i in ids if i in by_id]


def _result(row, of: Standing) -> Result:
    institution, cell_code, cell_name, escrow_status = row
    return Result(institution, cell_code, cell_name, str(escrow_status or EscrowStatus.none), of)


def search(user, query: SearchQuery, *, page: int = 1, per_page: int = 50) -> Page:
    """One page of the institutions `user` may see that match, with the total (exact up to COUNT_LIMIT)."""
    authz.require(user, "institution.list")
    counted = _count(user, query)
    exact = counted <= COUNT_LIMIT
    ids = list(db.session.scalars(_ordered_ids(user, query, exact=exact).limit(per_page).offset((page - 1) * per_page)))
    return Page(_rows(ids), min(counted, COUNT_LIMIT), page, per_page, total_exact=exact)


EXPORT_COLUMNS = (Institution.id, Institution.name, Institution.credit_code, Institution.category,
                  Department.name_zh.label("department_name"), Institution.status, Institution.permit_number,
                  Institution.licensed_on, Institution.address, District.name.label("district_name"),
                  Cell.name.label("cell_name"), Escrow.status.label("escrow_status"),
                  standing.open_case_count(Institution.id).label("open_cases"),
                  standing.unpaid_fen(Institution.id).label("unpaid_fen"), Institution.legal_representative,
                  Institution.contact_phone)


def each_row(user, query: SearchQuery, *, batch: int = 2000) -> Iterator:
    """Every match as a row of EXPORT_COLUMNS, in the list's order, in one statement read in batches of plain rows
    (no records built): memory stays flat however many there are. The rights are checked and the statement built
    now; the rows are read when the download asks for them, on a connection of their own that holds no write lock
    (a long export does not stop anyone's saving) and needs nothing of the request, gone by then on a real server."""
    authz.require(user, "institution.list")
    exact = _count(user, query) <= COUNT_LIMIT
    # Outer joins throughout (every institution has its department and district): SQLite then keeps the
    # institutions in their order and streams them, where an inner join would let it start elsewhere and sort.
    statement = (_ordered_ids(user, query, exact=exact).with_only_columns(*EXPORT_COLUMNS)
                 .outerjoin(Department, Department.code == Institution.department_code)
                 .outerjoin(District, District.code == Institution.district)
                 .outerjoin(CellAssignment, CellAssignment.institution_id == Institution.id)
                 .outerjoin(Cell, Cell.id == CellAssignment.cell_id)
                 .outerjoin(Escrow, Escrow.institution_id == Institution.id)
                 .execution_options(yield_per=batch))
    return read_later(statement)
