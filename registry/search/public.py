"""The public lookup: a parent checks an institution before paying. Name or credit code only; the public record
only (no phone numbers, no amounts, no people but the names of a licensed institution's teaching staff and whether each
holds the qualification the rules require, the public display of the staff area)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, literal_column, or_, select, text

from registry.annual.services import latest_grades
from registry.escrow.models import Escrow
from registry.escrow.rules import EscrowStatus
from registry.extensions import db
from registry.register.models import Institution
from registry.register.rules import Status
from registry.core.pager import Page
from registry.register.search_keys import terms
from registry.staff import services as staff_services

PUBLIC_STATUSES = (Status.licensed, Status.suspended, Status.revoked, Status.deregistered)
LISTS = {
    "white": (Status.licensed,),  # 白名单: licensed and training
    "black": (Status.revoked,),   # 黑名单: permit revoked
}


@dataclass(frozen=True)
class PublicEntry:
    """What the public sees of an institution; nothing else leaves the database."""

    name: str
    category: str
    department: object  # its Department: the name in either language
    status: str
    permit_number: str
    address: str
    district: str
    escrow_status: str
    teaching_staff: tuple = ()  # (name, qualified) of a licensed institution's teaching staff: the public display
    annual_year: int | None = None  # the latest annual inspection graded, and its grade (pass, basic, fail, absent)
    annual_grade: str | None = None


def _name_condition(term: str, n: int):
    if db.engine.dialect.name == "sqlite" and term.isalnum():
        phrase = '"' + " ".join(term) + '"'
        return Institution.id.in_(
            text(f"SELECT rowid FROM institution_name_fts WHERE institution_name_fts MATCH :name{n}")
            .bindparams(**{f"name{n}": phrase}).columns(literal_column("rowid")))
    like = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return func.lower(Institution.name).like(like, escape="\\")


def _conditions(query: str, statuses) -> list:
    clauses = [Institution.status.in_(statuses)]
    words = terms(query)
    code = query.strip().upper()
    if len(words) == 1 and len(code) >= 6 and code.isalnum() and code.isascii():
        # A credit code, whole or its beginning: a range on the code's index.
        clauses.append(or_(Institution.credit_code.between(code, code + "Z"), _name_condition(words[0], 0)))
    else:
        clauses += [_name_condition(word, n) for n, word in enumerate(words)]
    return clauses


def lookup(query: str, *, list_kind: str | None = None, page: int = 1, per_page: int = 20) -> Page:
    statuses = LISTS.get(list_kind, PUBLIC_STATUSES)
    query = " ".join(query.split())[:60]
    if not query and list_kind is None:
        return Page([], 0, page, per_page)
    where = _conditions(query, statuses)
    total = db.session.scalar(select(func.count()).select_from(Institution).where(*where))
    rows = db.session.execute(
        select(Institution, Escrow.status).outerjoin(Escrow, Escrow.institution_id == Institution.id).where(*where)
        .order_by(func.length(Institution.name), Institution.id).limit(per_page).offset((page - 1) * per_page)).all()
    rosters = staff_services.public_rosters([i for i, _ in rows])
    annual = latest_grades(i.id for i, _ in rows)
    return Page([_entry(i, escrow, rosters.get(i.id, ()), annual.get(i.id)) for i, escrow in rows], total, page, per_page)


def _entry(institution: Institution, escrow_status, teaching_staff=(), annual=None) -> PublicEntry:
    return PublicEntry(annual_year=annual[0] if annual else None, annual_grade=str(annual[1]) if annual else None,
                       name=institution.name, category=str(institution.category),
                       department=institution.department, status=str(institution.status),
                       permit_number=institution.permit_number, address=institution.address,
                       district=institution.district_ref.name, escrow_status=str(escrow_status or EscrowStatus.none),
                       teaching_staff=tuple(teaching_staff))
