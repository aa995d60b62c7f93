"""The staff area's actions: one function per thing a user does. Each checks rights, validates, writes, audits,
flushes. Reading a roster gives its findings, computed by the rules as of today (registry/staff/findings.py)."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from registry.core import audit, authz
from registry.core.errors import Conflict, Invalid, NotFound
from registry.core.models import MAX_ID, local_today
from registry.core.pager import Page
from registry.core.problems import translate
from registry.extensions import db
from registry.register import services as register
from registry.register.models import Institution
from registry.register.rules import Status
from registry.staff import fields, findings, listing, matching, rules
from registry.staff.models import StaffMember, TeacherMatch
from registry.staff.rules import TEACHING_ROLES, FindingKind


def invalid(problems: dict) -> Invalid:
    return Invalid(gettext("Please correct the marked fields."),
                   {name: [translate(p) if isinstance(p, rules.Problem) else p] for name, p in problems.items()})


def digest_key() -> str:
    """REGISTRY_STAFF_DIGEST_KEY, or the secret key when it is not set."""
    return current_app.config.get("REGISTRY_STAFF_DIGEST_KEY") or current_app.config["SECRET_KEY"]


def digest(number: str) -> str:
    return rules.id_digest(digest_key(), number)


# --- reading -------------------------------------------------------------------------------------------------

@dataclass
class Roster:
    """An institution's staff as its page and panel show them."""

    institution: Institution
    current: list[StaffMember]
    past: list[StaffMember]
    findings: list  # findings.Row, most serious first
    matches: list[TeacherMatch]

    @property
    def teaching(self) -> int:
        return sum(1 for m in self.current if m.role in TEACHING_ROLES)

    @property
    def full_time_teaching(self) -> int:
        return sum(1 for m in self.current if m.role in TEACHING_ROLES and m.full_time)

    @property
    def full_time_pct(self) -> int | None:
        return round(100 * self.full_time_teaching / self.teaching) if self.teaching else None

    def findings_of(self, member: StaffMember) -> list:
        return [row for row in self.findings if row.member is not None and row.member.id == member.id]


def roster(user, institution_id: int) -> Roster:
    """An institution's staff, now and in the past, with its findings; Forbidden unless `user` may read it."""
    institution = register.get_institution(user, institution_id, "staff.view")
    members = list(db.session.scalars(select(StaffMember).where(StaffMember.institution_id == institution.id)
                                      .order_by(StaffMember.left_on.is_not(None), StaffMember.name, StaffMember.id)))
    matches = list(db.session.scalars(select(TeacherMatch).where(TeacherMatch.institution_id == institution.id)
                                      .order_by(TeacherMatch.id)))
    return Roster(institution, [m for m in members if m.current], [m for m in members if not m.current],
                  findings.for_institution(institution.id), matches)


def get_member(user, staff_id: int, action: str = "staff.view") -> StaffMember:
    """The staff member, or NotFound; Forbidden unless `user` may do `action` to their institution."""
    member = db.session.get(StaffMember, staff_id) if 0 < staff_id <= MAX_ID else None
    if member is None:
        raise NotFound(gettext("There is no staff member with id %(id)s.", id=staff_id))
    authz.require(user, action, member.institution)
    return member


def member_findings(member: StaffMember) -> list:
    if not member.current:
        return []
    return [row for row in findings.for_institution(member.institution_id)
            if row.member is not None and row.member.id == member.id]


def match_of(member: StaffMember) -> TeacherMatch | None:
    return db.session.scalar(select(TeacherMatch).where(TeacherMatch.staff_id == member.id))


def history(member: StaffMember) -> list:
    """The audit entries of a staff member (ID numbers masked), newest last."""
    return audit.entries_for(db.session, "staff_member", member.id)


def list_findings(user, *, kind: str | None = None, department: str | None = None, district: str | None = None,
                  page: int = 1, per_page: int = 50) -> tuple[Page, dict[str, int]]:
    """The findings of every institution `user` may read, most serious first; with the count of each kind."""
    authz.require(user, "staff.list")
    if kind and kind not in {k.value for k in FindingKind}:
        raise Invalid(gettext("Invalid filter."), {"kind": [gettext("Unknown kind of finding.")]})
    conditions = [findings.visible(user), Institution.status.in_((Status.licensed, Status.suspended, Status.applied))]
    if department:
        conditions.append(Institution.department_code == department)
    if district:
        conditions.append(Institution.district == district)
    rows, total, counts = listing.page_of_findings(conditions, kind=kind, page=page, per_page=per_page)
    return Page(rows, total, page, per_page), counts


def list_matches(user, *, page: int = 1, per_page: int = 50) -> Page:
    """The in-service teachers found on the staff of the institutions `user` may read, newest first."""
    authz.require(user, "staff.list")
    conditions = [c for c in [findings.visible(user)] if c is not None]
    query = select(TeacherMatch).join(Institution, Institution.id == TeacherMatch.institution_id).where(*conditions)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    items = db.session.scalars(query.order_by(TeacherMatch.found_at.desc(), TeacherMatch.id.desc())
                               .limit(per_page).offset((page - 1) * per_page)).all()
    return Page(list(items), total, page, per_page)


def public_rosters(institutions: list[Institution]) -> dict[int, list[tuple[str, bool]]]:
    """What the public may see of licensed institutions' staff: each teaching staff member's name and whether they hold
    the qualification the category asks; nothing else (no ID numbers, no other roles). One query for the list."""
    licensed = {i.id: i for i in institutions if i.status is Status.licensed}
    if not licensed:
        return {}
    lim = findings.limits()
    found: dict[int, list[tuple[str, bool]]] = {}
    for member in db.session.scalars(select(StaffMember).where(
            StaffMember.institution_id.in_(list(licensed)), StaffMember.left_on.is_(None),
            StaffMember.role.in_(tuple(TEACHING_ROLES))).order_by(StaffMember.institution_id, StaffMember.name)):
        category = licensed[member.institution_id].category.value
        found.setdefault(member.institution_id, []).append((member.name, rules.qualified(
            category=category, role=member.role, teacher_cert=member.teacher_cert,
            professional_cert=member.professional_cert, limits=lim)))
    return found


# --- acting --------------------------------------------------------------------------------------------------

def _flush() -> None:
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(gettext("Another change was saved at the same time. Nothing was saved; please try again."))


def add_member(user, institution_id: int, raw: dict) -> StaffMember:
    """Put a person on an institution's staff (again, when they had left); checked at once against the in-service
    teachers' roster."""
    institution = register.get_institution(user, institution_id, "staff.edit")
    clean, problems = fields.parse_member(raw, today=local_today())
    if problems:
        raise invalid(problems)
    key = digest(clean["id_number"])
    member = db.session.scalar(select(StaffMember).where(StaffMember.institution_id == institution.id,
                                                         StaffMember.id_digest == key))
    if member is not None and member.current:
        raise invalid({"id_number": gettext("%(name)s is already on the staff (No. %(id)s).", name=member.name,
                                            id=member.id)})
    if member is None:
        member = StaffMember(institution_id=institution.id, id_digest=key, version=1, left_reason="", **clean)
        db.session.add(member)
        audit.note(db.session, "staff.add")
    else:  # hired again: the same record, its last employment in the history
        for name, value in clean.items():
            setattr(member, name, value)
        member.left_on, member.left_reason = None, ""
        member.version += 1
        audit.note(db.session, "staff.rehire")
    _flush()
    matching.cross_check(staff_ids=[member.id])
    return member


def update_member(user, staff_id: int, raw: dict, *, version=None) -> StaffMember:
    """Correct a staff member's record or record what changed (a new background check, a certificate, part time)."""
    member = get_member(user, staff_id, "staff.edit")
    _check_version(member, version)
    clean, problems = fields.parse_member(raw, today=local_today())
    if problems:
        raise invalid(problems)
    key = digest(clean["id_number"])
    if key != member.id_digest:
        holder = db.session.scalar(select(StaffMember).where(StaffMember.institution_id == member.institution_id,
                                                             StaffMember.id_digest == key))
        if holder is not None:
            raise invalid({"id_number": gettext("This ID number is recorded for %(name)s (No. %(id)s).",
                                                name=holder.name, id=holder.id)})
    if key == member.id_digest and all(getattr(member, name) == value for name, value in clean.items()):
        return member  # nothing changed
    for name, value in clean.items():
        setattr(member, name, value)
    member.id_digest = key
    member.version += 1
    audit.note(db.session, "staff.update")
    _flush()
    matching.cross_check(staff_ids=[member.id])
    return member


def _check_version(member: StaffMember, version) -> None:
    if version not in (None, "") and str(version) != str(member.version):
        raise Conflict(gettext("Someone else changed this record after you opened it. Look at it again."))


def end_member(user, staff_id: int, *, left_on, reason: str = "", version=None) -> StaffMember:
    """Record the last day of a staff member's employment; they stay in the roster's past."""
    member = get_member(user, staff_id, "staff.edit")
    if not member.current:
        raise Invalid(gettext("This person has already left."), {})
    _check_version(member, version)
    day, problem = fields.parse_left_on(left_on, hired_on=member.hired_on, today=local_today())
    if problem:
        raise invalid({"left_on": problem})
    member.left_on, member.left_reason = day, " ".join((reason or "").split())[:500]
    member.version += 1
    audit.note(db.session, "staff.end", member.left_reason or None)
    _flush()
    return member


def reveal_id(user, staff_id: int) -> str:
    """The whole ID number, for the supervising office only; each reveal is written to the audit log."""
    member = get_member(user, staff_id, "staff.reveal")
    change = audit.Change("staff_member", str(member.id), None, None,
                          reason=gettext("ID number %(masked)s shown in full", masked=member.masked_id))
    actor = (user.id, user.username) if getattr(user, "id", None) is not None else db.session.info.get("actor")
    audit.append(db.session.connection(), [change], actor=actor or (None, audit.SYSTEM_ACTOR), action="staff.reveal",
                 reason=None)
    return member.id_number
