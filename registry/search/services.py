"""The one search over the register, for the staff list, the API, the exports and the public lookup.

Each term of the query must be found (AND). A term of three characters or more is looked for anywhere in the
institution's search text (name, credit code, permit number, address, legal representative, pinyin); a shorter
one in its name. Both backends find the same institutions: SQLite through FTS5 (trigram for long terms, a
phrase of single characters for short ones), PostgreSQL through LIKE on pg_trgm-indexed columns.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields, replace

from sqlalchemy import case, func, literal_column, or_, select, text
from sqlalchemy.orm import Session

from registry.core import authz
from registry.escrow.models import Escrow
from registry.escrow.rules import EscrowStatus
from registry.extensions import db
from registry.grid.models import Cell, CellAssignment
from registry.register.models import Institution
from registry.register.rules import Category, Status
from registry.register.services import Page, visible_condition
from registry.search.keys import SHORT_TERM, terms

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


# --- matching -----------------------------------------------------------------------------------------------------

def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _fts_ids(table: str, phrase: str, n: int):
    """The ids an FTS5 table matches; each term binds its own parameter."""
    return Institution.id.in_(text(f"SELECT rowid FROM {table} WHERE {table} MATCH :term{n}")
                              .bindparams(**{f"term{n}": _fts_phrase(phrase)}).columns(literal_column("rowid")))


def _term_condition(term: str, n: int, dialect: str):
    like = "%" + _escape_like(term) + "%"
    if len(term) >= SHORT_TERM:
        if dialect == "sqlite":
            return _fts_ids("institution_fts", term, n)
        return Institution.search_text.like(like, escape="\\")
    if dialect == "sqlite" and term.isalnum():
        return _fts_ids("institution_name_fts", " ".join(term), n)  # adjacent one-character tokens: a substring
    return func.lower(Institution.name).like(like, escape="\\")


def match_conditions(query: str) -> list:
    dialect = db.engine.dialect.name
    return [_term_condition(term, n, dialect) for n, term in enumerate(terms(query))]


# --- filters ----------------------------------------------------------------------------------------------------

def _cell_condition(code: str):
    cell = db.session.scalar(select(Cell).where(Cell.code == code))
    if cell is None:
        return Institution.id.is_(None)
    cells_under = select(Cell.id).where(or_(Cell.id == cell.id, Cell.path.startswith(cell.path + "/")))
    return Institution.id.in_(select(CellAssignment.institution_id).where(CellAssignment.cell_id.in_(cells_under)))


def _escrow_condition(status: str):
    if status == EscrowStatus.none:
        return Institution.id.not_in(select(Escrow.institution_id).where(Escrow.status != EscrowStatus.none))
    return Institution.id.in_(select(Escrow.institution_id).where(Escrow.status == status))


def conditions(user, query: SearchQuery) -> list:
    """The WHERE clause: what `user` may see, matching the query and its filters."""
    clauses = [c for c in [visible_condition(user)] if c is not None]
    clauses += match_conditions(query.q)
    for column, value in ((Institution.category, query.category), (Institution.status, query.status),
                          (Institution.district, query.district), (Institution.department_code, query.department)):
        if value:
            clauses.append(column == value)
    if query.cell:
        clauses.append(_cell_condition(query.cell))
    if query.escrow:
        clauses.append(_escrow_condition(query.escrow))
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


def _rows(where: list, query: SearchQuery):
    return (select(Institution, Cell.code, Cell.name, Escrow.status)
            .outerjoin(CellAssignment, CellAssignment.institution_id == Institution.id)
            .outerjoin(Cell, Cell.id == CellAssignment.cell_id)
            .outerjoin(Escrow, Escrow.institution_id == Institution.id)
            .where(*where).order_by(*_order(query)))


def _result(row) -> Result:
    institution, cell_code, cell_name, escrow_status = row
    return Result(institution, cell_code, cell_name, str(escrow_status or EscrowStatus.none))


def search(user, query: SearchQuery, *, page: int = 1, per_page: int = 50) -> Page:
    """One page of the institutions `user` may see that match, with the total."""
    authz.require(user, "institution.list")
    where = conditions(user, query)
    total = db.session.scalar(select(func.count()).select_from(Institution).where(*where))
    rows = db.session.execute(_rows(where, query).limit(per_page).offset((page - 1) * per_page)).all()
    return Page([_result(r) for r in rows], total, page, per_page)


def each_result(user, query: SearchQuery, *, batch: int = 2000) -> Iterator[Result]:
    """Every match, fetched in batches, for exports: memory stays flat however many there are. Read on a
    connection of its own that holds no write lock, so a long export does not stop anyone's saving."""
    authz.require(user, "institution.list")
    statement = _rows(conditions(user, query), query).execution_options(yield_per=batch)
    with db.engine.connect() as connection, Session(bind=connection.execution_options(read_only=True)) as reader:
        for row in reader.execute(statement):
            yield _result(row)
