"""Leads (线索) through the closed loop: received → assigned → handling → closed with an outcome and a reply.

A lead comes from a grid worker's visit report (the grid's `visit_reported` signal), from an inspection's finding,
from the hotline (typed by an officer) or from the public form, and is routed to the supervising department of the
institution's category, or to market regulation when the operator is unlicensed or unknown."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from flask_babel import gettext
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from registry.accounts.models import User
from registry.core import audit, authz
from registry.core.messages import stored
from registry.core.models import local_date, local_today
from registry.core.problems import N_, Problem
from registry.enforcement import rules
from registry.enforcement.models import Lead
from registry.enforcement.rules import LeadOutcome, LeadSource, LeadState
from registry.core.versions import check_version, flush_versioned
from registry.enforcement.services.common import (day, enforcement_staff, get_inspection, get_lead, invalid,
                                                  like, nothing, paged, record_id, scoped, staff_choices, text)
from registry.extensions import db
from registry.grid.signals import visit_reported
from registry.register import services as register
from registry.register.models import Institution
from registry.register.rules import Status
from registry.core.pager import Page

PHONE_DIGITS = (7, 15)


def visible(user):
    """The WHERE clause of the leads `user` may read (None: all)."""
    if user.role in ("admin", "market"):
        return None
    if user.role == "officer" and user.department_code:
        return Lead.department_code == user.department_code
    if user.role == "grid_worker":
        return Lead.reported_by_id == user.id
    return nothing()


def lead_days() -> int:
    return current_app.config.get("REGISTRY_LEAD_DAYS", 15)


def route(institution: Institution | None) -> str:
    if institution is None:
        return rules.route_lead(supervising_department=None, institution_status=None)
    return rules.route_lead(supervising_department=institution.department_code, institution_status=institution.status.value)


def _new_tracking_number() -> str:
    return rules.tracking_number("".join(secrets.choice(rules.TRACKING_ALPHABET) for _ in range(12)))


def _add(lead: Lead) -> Lead:
    """Store a new lead under a fresh tracking number (drawn again in the unlikely case it is taken)."""
    for _ in range(5):
        lead.tracking_number = _new_tracking_number()
        try:
            with db.session.begin_nested():
                db.session.add(lead)
            return lead
        except IntegrityError:
            continue
    raise RuntimeError("no free tracking number")


def _new(source: LeadSource, *, institution: Institution | None, description: str, received_on: date | None = None,
         **values) -> Lead:
    received = received_on or local_today()
    district = institution.district if institution is not None else values.pop("district", None) or None
    values.pop("district", None)
    return Lead(source=source, institution=institution, description=description, district=district,
                department_code=values.pop("department_code", None) or route(institution), state=LeadState.received,
                received_on=received, deadline=rules.lead_deadline(received, lead_days()), **values)


def _subject(raw: dict, problems: dict) -> tuple[Institution | None, str, str, str | None]:
    """The institution a lead is about (by id), or the operator's name, address and district when not registered."""
    no_such = gettext("There is no such institution.")
    institution_id = record_id(raw, "institution_id", problems, no_such)
    institution = db.session.get(Institution, institution_id) if institution_id else None
    if institution_id and institution is None:
        problems["institution_id"] = no_such
    credit_code = text(raw, "institution", problems, limit=18).upper()  # as the form's suggestions give it
    if credit_code and institution is None and "institution_id" not in problems:
        institution = db.session.scalar(select(Institution).where(Institution.credit_code == credit_code,
                                                                  Institution.status != Status.converted))
        if institution is None:
            problems["institution"] = gettext("No institution in the register has the credit code %(code)s: choose "
                                              "one of the suggestions, or name the operator below.", code=credit_code)
    name = text(raw, "subject_name", problems, limit=200)
    address = text(raw, "subject_address", problems, limit=300)
    district = text(raw, "district", problems, limit=12) or None
    if district and district not in register.district_codes():
        problems["district"] = gettext("Unknown district.")
    if institution is None and not problems.keys() & {"institution_id", "institution"} and not name:
        problems["subject_name"] = gettext("Name the institution or the operator.")
    return institution, name, address, district


def _phone(raw: dict, problems: dict, *, required: bool) -> str:
    phone = text(raw, "reporter_phone", problems, limit=30).replace(" ", "").replace("-", "")
    if phone and not (phone.isdigit() and PHONE_DIGITS[0] <= len(phone) <= PHONE_DIGITS[1]):
        problems["reporter_phone"] = gettext("Enter a phone number (digits only).")
    elif required and not phone:
        problems["reporter_phone"] = gettext("Leave a phone number so the department can call you back.")
    return phone


def record_hotline_lead(user, raw: dict) -> Lead:
    """Type in a tip taken on the hotline; routed by the institution's category (market regulation when unknown)."""
    authz.require(user, "lead.create")
    problems: dict = {}
    institution, name, address, district = _subject(raw, problems)
    description = text(raw, "description", problems, required=gettext("Describe what was reported."))
    reporter = text(raw, "reporter_name", problems, limit=50)
    phone = _phone(raw, problems, required=False)
    received = day(raw, "received_on", problems)  # a call logged the day after it came in keeps its own day
    if received is not None and received > local_today():
        problems["received_on"] = gettext("The date cannot be in the future.")
    if problems:
        raise invalid(problems)
    lead = _new(LeadSource.hotline, institution=institution, description=description, subject_name=name,
                subject_address=address, district=district, reporter_name=reporter, reporter_phone=phone,
                reported_by_id=user.id, received_on=received)
    audit.note(db.session, "lead.hotline")
    _add(lead)
    db.session.flush()
    return lead


def submit_public_lead(raw: dict) -> Lead:
    """A tip from the public form: the operator as the parent knows it; a registered name routes it to its department."""
    problems: dict = {}
    name = text(raw, "subject_name", problems, limit=200, required=gettext("Name the institution or the operator."))
    address = text(raw, "subject_address", problems, limit=300, required=gettext("Say where it is."))
    district = text(raw, "district", problems, limit=12) or None
    if district and district not in register.district_codes():
        problems["district"] = gettext("Unknown district.")
    description = text(raw, "description", problems, limit=2000, required=gettext("Describe what you saw."))
    reporter = text(raw, "reporter_name", problems, limit=50)
    phone = _phone(raw, problems, required=True)
    if problems:
        raise invalid(problems)
    # The register's live record of that exact name, if any: the tip goes to its department.
    institution = db.session.scalars(select(Institution).where(
        Institution.name == name, Institution.status.in_((Status.licensed, Status.suspended))).limit(2)).all()
    institution = institution[0] if len(institution) == 1 else None
    lead = _new(LeadSource.public, institution=institution, description=description, subject_name=name,
                subject_address=address, district=district, reporter_name=reporter, reporter_phone=phone)
    audit.note(db.session, "lead.public")
    _add(lead)
    db.session.flush()
    return lead


def lead_from_visit_report(report) -> Lead:
    """The lead a grid worker's report (上报) becomes, in the report's own transaction."""
    visit = report.visit
    # Kept as messages, so each reader sees the findings in their own language; the worker's notes as typed.
    parts = [Problem(label) for label in report.finding_labels()] + ([report.notes] if report.notes else [])
    description = stored(*(parts or [Problem(N_("Reported from a site visit."))]))
    received = local_date(visit.visited_at) or local_today()
    lead = _new(LeadSource.grid, institution=report.institution or db.session.get(Institution, report.institution_id),
                description=description, received_on=min(received, local_today()), reported_by_id=visit.worker_id,
                visit_report_id=report.id, department_code=report.department_code)
    audit.note(db.session, "lead.from_visit")
    _add(lead)
    db.session.flush()
    return lead


def _on_visit_reported(sender, report, **extra) -> None:
    lead_from_visit_report(report)


visit_reported.connect(_on_visit_reported)


def refer_from_inspection(user, inspection_id: int, raw: dict) -> Lead:
    """Refer a finding of an inspection as a lead, to the department it belongs to (e.g. fees to market regulation)."""
    inspection = get_inspection(user, inspection_id)
    authz.require(user, "inspection.create", inspection.institution)
    problems: dict = {}
    department = text(raw, "department", problems, limit=20)
    if department not in {d.code for d in register.departments()}:
        problems["department"] = gettext("Choose the department.")
    description = text(raw, "description", problems, required=gettext("Describe the finding."))
    if problems:
        raise invalid(problems)
    lead = _new(LeadSource.inspection, institution=inspection.institution, description=description,
                inspection_id=inspection.id, reported_by_id=user.id, department_code=department)
    audit.note(db.session, "lead.from_inspection")
    _add(lead)
    db.session.flush()
    return lead


# --- the closed loop ------------------------------------------------------------------------------------------------

def _move(user, lead_id: int, target: LeadState, version, *, outcome: str | None = None) -> Lead:
    lead = get_lead(user, lead_id)
    authz.require(user, "lead.handle", lead)
    check_version(lead, version)
    problem = rules.check_lead_move(lead.state.value, target.value, outcome=outcome)
    if problem:
        raise invalid({"state": problem})
    return lead


def assign_lead(user, lead_id: int, *, assignee: str, version, note: str = "") -> Lead:
    """Give a lead to a person of the department it is routed to (交办)."""
    lead = _move(user, lead_id, LeadState.assigned, version)
    problems: dict = {}
    people = enforcement_staff([assignee] if assignee else [], "assignee", problems)
    if not assignee:
        problems["assignee"] = gettext("Choose the person.")
    elif people and people[0].department_code != lead.department_code:
        problems["assignee"] = gettext("Assign it to someone of the department it is routed to.")
    if problems:
        raise invalid(problems)
    lead.assignee_id = people[0].id
    lead.state = LeadState.assigned
    audit.note(db.session, "lead.assign", (note or "").strip() or None)
    flush_versioned(lead)
    return lead


def handle_lead(user, lead_id: int, *, version, note: str = "") -> Lead:
    """The assignee starts handling the lead (处置)."""
    lead = _move(user, lead_id, LeadState.handling, version)
    lead.state = LeadState.handling
    audit.note(db.session, "lead.handle", (note or "").strip() or None)
    flush_versioned(lead)
    return lead


def close_lead(user, lead_id: int, *, outcome: str, reply: str, version, closed_on=None, case_summary: str = "") -> Lead:
    """Close a handled lead with its outcome and the reply given (办结), or one just received as not accepted or
    transferred with the reason (rules.INTAKE_OUTCOMES); “case opened” opens the penalty case with it."""
    lead = _move(user, lead_id, LeadState.closed, version, outcome=outcome)
    problems: dict = {}
    if outcome not in LeadOutcome.__members__:
        problems["outcome"] = gettext("Choose the outcome.")
    reply = (reply or "").strip()
    if not reply:
        problems["reply"] = gettext("Write the reply given.")
    elif len(reply) > 4000:
        problems["reply"] = gettext("At most %(count)s characters.", count=4000)
    on = day({"closed_on": closed_on}, "closed_on", problems) or local_today()
    if on > local_today():
        problems["closed_on"] = gettext("The date cannot be in the future.")
    elif on < lead.received_on:
        problems["closed_on"] = gettext("A lead cannot be closed before it was received (%(day)s).", day=lead.received_on.isoformat())
    if outcome == LeadOutcome.case_opened and not (case_summary or "").strip():
        problems["case_summary"] = gettext("State the facts the case is opened on.")
    if problems:
        raise invalid(problems)
    lead.state = LeadState.closed
    lead.outcome = LeadOutcome(outcome)
    lead.reply = reply
    lead.closed_on = on
    audit.note(db.session, "lead.close", reply)
    flush_versioned(lead)
    if lead.outcome is LeadOutcome.case_opened:
        from registry.enforcement.services.cases import open_case

        open_case(user, {"institution_id": lead.institution_id, "lead_id": lead.id, "summary": case_summary,
                         "subject_name": lead.subject_name, "district": lead.district, "opened_on": on.isoformat(),
                         "people": _case_people(user, lead)})
    return lead


def _case_people(user, lead: Lead) -> list[str]:
    """The officers a case opened on closing a lead starts with: the one closing it and the lead's assignee."""
    people = [] if user.role == "admin" else [user.username]
    if lead.assignee and lead.assignee.username not in people:
        people.append(lead.assignee.username)
    return people


# --- lists ----------------------------------------------------------------------------------------------------------

@dataclass
class LeadFilters:
    state: str = ""
    source: str = ""
    overdue: bool = False
    due_within_days: int | None = None  # open leads due within so many days, not yet overdue (see `overdue`)
    institution_id: int | None = None
    department: str = ""
    q: str = ""


def list_leads(user, *, filters: LeadFilters, page: int = 1, per_page: int = 50) -> Page:
    authz.require(user, "lead.list")
    soonest_first = filters.overdue or filters.due_within_days is not None
    order = (Lead.deadline, Lead.id) if soonest_first else NEWEST_FIRST
    return paged(filtered(user, filters), *order, page=page, per_page=per_page)


NEWEST_FIRST = (Lead.received_on.desc(), Lead.id.desc())


def filtered(user, filters: LeadFilters):
    """The leads matching `filters` that `user` may read."""
    query = scoped(select(Lead), visible(user))
    if filters.state in LeadState.__members__:
        query = query.where(Lead.state == LeadState(filters.state))
    elif filters.state == "open":
        query = query.where(Lead.state.in_(rules.OPEN_STATES))
    if filters.source in LeadSource.__members__:
        query = query.where(Lead.source == LeadSource(filters.source))
    if filters.overdue:
        query = query.where(Lead.state.in_(rules.OPEN_STATES), Lead.deadline < local_today())
    if filters.due_within_days is not None:
        query = query.where(Lead.state.in_(rules.OPEN_STATES), Lead.deadline >= local_today(),
                            Lead.deadline <= local_today() + timedelta(days=filters.due_within_days))
    if filters.institution_id is not None:
        query = query.where(Lead.institution_id == filters.institution_id)
    if filters.department:
        query = query.where(Lead.department_code == filters.department)
    if filters.q:
        pattern, part = like(filters.q), rules.tracking_part(filters.q)
        matches = [Lead.subject_name.like(pattern, escape="\\"), Institution.name.like(pattern, escape="\\")]
        if part:  # a part of a tracking number, typed with or without its dashes
            matches.append(func.replace(Lead.tracking_number, "-", "").like(like(part), escape="\\"))
        query = query.outerjoin(Institution, Institution.id == Lead.institution_id).where(or_(*matches))
    return query


def timeline(lead: Lead) -> list[tuple]:
    """The lead's steps as audited, each with who took it by the name pages show (None: the system)."""
    entries = audit.entries_for(db.session, "lead", lead.id)
    ids = {e.actor_id for e in entries if e.actor_id}
    names = {u.id: u.label for u in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    return [(entry, names.get(entry.actor_id)) for entry in entries]


def overdue(lead: Lead) -> bool:
    return rules.lead_overdue(state=lead.state, deadline=lead.deadline, today=local_today())


def department_people(department_code: str) -> list[User]:
    return [u for u in staff_choices() if u.department_code == department_code]


def track(number: str, phone_tail: str) -> Lead | None:
    """The public's view of its own lead: by tracking number and the last four digits of the phone it left."""
    number = rules.normalise_tracking(number)
    tail = "".join(ch for ch in (phone_tail or "") if ch.isdigit())
    if not rules.tracking_looks_valid(number) or len(tail) != 4:
        return None
    lead = db.session.scalar(select(Lead).where(Lead.tracking_number == number, Lead.source == LeadSource.public))
    if lead is None or not lead.reporter_phone.endswith(tail):
        return None
    return lead
