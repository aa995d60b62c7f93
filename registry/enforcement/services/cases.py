"""Penalty cases (行政处罚案件): numbered per department and year, moving through their steps in order; the decision is
checked against its violation type's fine range, and suspension or revocation moves the institution through the
register's lifecycle in the same transaction."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask_babel import gettext
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from registry.core import audit, authz
from registry.core.errors import Conflict, NotFound
from registry.core.messages import in_each_language, stored
from registry.core.models import local_today
from registry.core.problems import N_, Problem
from registry.enforcement import rules
from registry.enforcement.models import CaseStep, Fine, PenaltyCase
from registry.enforcement.rules import Sanction, Step
from registry.enforcement.services import checklists
from registry.core.versions import check_version, flush_versioned
from registry.enforcement.services.common import (acting_staff, day, get_inspection, get_lead, invalid, like,
                                                  money, names, nothing, on_behalf, paged, record_id, scoped, text)
from registry.extensions import db
from registry.register import services as register
from registry.register.models import Institution
from registry.core.pager import Page

STEP_FIELDS = ("step", "on", "people", "documents", "note")


def visible(user):
    """The WHERE clause of the cases (and fines) `user` may read (None: all)."""
    if user.role in ("admin", "market"):
        return None
    if user.role == "officer" and user.department_code:
        return PenaltyCase.department_code == user.department_code
    return nothing()


def get_case(user, case_id: int) -> PenaltyCase:
    """The case, or NotFound; Forbidden when `user` may not read it."""
    case = db.session.get(PenaltyCase, case_id)
    if case is None:
        raise NotFound(gettext("There is no case with id %(id)s.", id=case_id))
    authz.require(user, "case.view", case)
    return case


def fine_of(case_id: int) -> Fine | None:
    return db.session.scalar(select(Fine).where(Fine.case_id == case_id))


def cases_from(*, lead_id: int | None = None, inspection_id: int | None = None) -> list[PenaltyCase]:
    """The cases opened from a lead or an inspection (shown on its page to whoever may read it)."""
    condition = PenaltyCase.lead_id == lead_id if lead_id is not None else PenaltyCase.inspection_id == inspection_id
    return list(db.session.scalars(select(PenaltyCase).where(condition).order_by(PenaltyCase.id)))


def _department(user, *, lead, inspection, institution) -> str:
    if getattr(user, "department_code", None):
        return user.department_code
    if lead is not None:
        return lead.department_code
    if inspection is not None:
        return inspection.department_code
    return institution.department_code if institution is not None else rules.MARKET


def _next_serial(department: str, year: int) -> int:
    return (db.session.scalar(select(func.max(PenaltyCase.serial)).where(PenaltyCase.department_code == department,
                                                                         PenaltyCase.year == year)) or 0) + 1


def open_case(user, raw: dict) -> PenaltyCase:
    """Open a case (立案) about an institution or an unregistered operator, from a lead or an inspection or directly."""
    authz.require(user, "case.open")
    problems: dict = {}
    lead_id = record_id(raw, "lead_id", problems, gettext("There is no such lead."))
    inspection_id = record_id(raw, "inspection_id", problems, gettext("There is no such inspection."))
    institution_id = record_id(raw, "institution_id", problems, gettext("There is no such institution."))
    lead = get_lead(user, lead_id) if lead_id else None
    inspection = get_inspection(user, inspection_id) if inspection_id else None
    institution = register.get_institution(user, institution_id) if institution_id else None
    subject_name = text(raw, "subject_name", problems, limit=200)
    district = text(raw, "district", problems, limit=12) or None
    if institution is None and not subject_name and "institution_id" not in problems:
        problems["subject_name"] = gettext("Name the institution or the operator.")
    if district and district not in register.district_codes():
        problems["district"] = gettext("Unknown district.")
    summary = text(raw, "summary", problems, required=gettext("State the facts the case is opened on."))
    opened_on = day(raw, "opened_on", problems) or (None if "opened_on" in problems else local_today())
    people_names = names(raw.get("people")) or [getattr(user, "username", "")]
    department = _department(user, lead=lead, inspection=inspection, institution=institution)
    people = acting_staff(user, people_names, "people", problems, department=department)
    documents = text(raw, "documents", problems, limit=1000)
    for key, problem in rules.check_step(None, Step.opened, on=opened_on, previous_on=None, today=local_today(),
                                         people=len(people), documents=documents).items():
        problems.setdefault({"on": "opened_on"}.get(key, key), problem)
    authz.require(user, "case.open", department)
    if problems:
        raise invalid(problems)
    for _ in range(5):
        serial = _next_serial(department, opened_on.year)
        case = PenaltyCase(number=rules.case_number(department, opened_on.year, serial), department_code=department,
                           year=opened_on.year, serial=serial, institution=institution,
                           subject_name="" if institution else subject_name,
                           district=institution.district if institution else district, lead_id=lead.id if lead else None,
                           inspection_id=inspection.id if inspection else None, summary=summary, step=Step.opened)
        audit.note(db.session, "case.open", on_behalf(user, people, summary))
        try:
            with db.session.begin_nested():
                db.session.add(case)
        except IntegrityError:  # another officer took this serial at the same moment: take the next
            continue
        break
    else:
        raise Conflict(gettext("The case number could not be given; please try again."))
    db.session.add(CaseStep(case=case, step=Step.opened, done_on=opened_on, people=[p.username for p in people],
                            documents=documents, note=summary, recorded_by_id=getattr(user, "id", None)))
    db.session.flush()
    return case


def record_step(user, case_id: int, raw: dict, *, version) -> PenaltyCase:
    """Record the case's next step with its date, officers and documents; the decision carries the sanctions."""
    case = get_case(user, case_id)
    authz.require(user, "case.step", case)
    check_version(case, version)
    problems: dict = {}
    requested = text(raw, "step", problems, limit=20)
    on = day(raw, "on", problems)
    people = acting_staff(user, names(raw.get("people")), "people", problems, department=case.department_code)
    documents = text(raw, "documents", problems, limit=1000)
    note = text(raw, "note", problems)
    previous = case.steps[-1] if case.steps else None
    for key, problem in rules.check_step(case.step.value, requested, on=on, previous_on=previous.done_on if previous else None,
                                         today=local_today(), people=len(names(raw.get("people"))),
                                         documents=documents).items():
        if "expected" in problem.params:  # the step's name in the user's language
            problem = gettext(problem.msgid, expected=gettext(rules.STEP_NAMES[problem.params["expected"]]))
        problems.setdefault(key, problem)
    decision = None
    if requested == Step.decided and "step" not in problems:
        decision = _decision(user, case, raw, problems)
    fine = fine_of(case.id)
    if requested == Step.executed and fine is not None and fine.outstanding:
        problems["step"] = gettext("The fine is not paid in full (%(amount)s outstanding): record the payments first.",
                                   amount=rules.format_fen(fine.outstanding))
    if problems:
        raise invalid(problems)

    case.step = Step(requested)
    audit.note(db.session, f"case.{requested}", on_behalf(user, people, note))
    db.session.add(CaseStep(case=case, step=case.step, done_on=on, people=[p.username for p in people],
                            documents=documents, note=note, recorded_by_id=getattr(user, "id", None)))
    if decision is not None:
        _apply_decision(user, case, decision, on)
    if case.step is Step.served and fine is not None and not fine.paid_on:
        fine.due_on = on + timedelta(days=rules.PAYMENT_DAYS)  # payable within 15 days of service
    flush_versioned(case)
    return case


@dataclass
class Decision:
    vtype: object
    sanctions: list[str]
    illegal_income: int | None
    fine: int
    confiscation: int
    refund_order: str


def _decision(user, case: PenaltyCase, raw: dict, problems: dict) -> Decision | None:
    vtype = checklists.violation_type(str(raw.get("violation_type") or ""))
    if vtype is None:
        problems["violation_type"] = gettext("Choose the violation type.")
    sanctions = raw.get("sanctions")
    sanctions = [str(s) for s in sanctions] if isinstance(sanctions, (list, tuple)) else names(sanctions or "")
    illegal_income = money(raw, "illegal_income", problems)
    fine = money(raw, "fine", problems)
    confiscation = money(raw, "confiscation", problems)
    refund_order = text(raw, "refund_order", problems, limit=2000)
    if vtype is None or problems.keys() & {"illegal_income", "fine", "confiscation"}:
        return None
    found = rules.check_decision(sanctions=sanctions, fine=fine, confiscation=confiscation, illegal_income=illegal_income,
                                 terms=checklists.terms_of(vtype), refund_order=refund_order,
                                 institution_status=case.institution.status.value if case.institution else None)
    if not found and {Sanction.suspension, Sanction.revocation} & set(sanctions) \
            and not authz.can(user, "institution.transition", case.institution):
        found["sanctions"] = gettext("Only the supervising department can suspend an institution or revoke its permit.")
    for key, problem in found.items():
        problems.setdefault(key, problem)
    return Decision(vtype, sanctions, illegal_income, fine or 0, confiscation or 0, refund_order)


def _apply_decision(user, case: PenaltyCase, decision: Decision, on) -> None:
    case.violation_type_code = decision.vtype.code
    case.sanctions = list(decision.sanctions)
    case.illegal_income = decision.illegal_income
    case.fine_amount = decision.fine if Sanction.fine in decision.sanctions else 0
    case.confiscation_amount = decision.confiscation if Sanction.confiscation in decision.sanctions else 0
    case.refund_order = decision.refund_order
    case.decided_on = on
    total = case.fine_amount + case.confiscation_amount
    if total:
        db.session.add(Fine(case=case, institution_id=case.institution_id, department_code=case.department_code,
                            fine_amount=case.fine_amount, confiscation_amount=case.confiscation_amount, amount=total,
                            decided_on=on, due_on=on + timedelta(days=rules.PAYMENT_DAYS)))
    target = "suspended" if Sanction.suspension in decision.sanctions else \
        "revoked" if Sanction.revocation in decision.sanctions else None
    if target is not None:
        db.session.flush()
        register.transition_institution(user, case.institution_id, to=target, effective_on=on.isoformat(),
                                        reason=stored(Problem(N_("Penalty decision %(number)s: %(type)s"), {
                                            "number": case.number,
                                            "type": in_each_language(zh=decision.vtype.name_zh, en=decision.vtype.name_en)})))
        audit.note(db.session, "case.decided")


@dataclass
class CaseFilters:
    step: str = ""
    open_only: bool = False
    institution_id: int | None = None
    department: str = ""
    q: str = ""


def list_cases(user, *, filters: CaseFilters, page: int = 1, per_page: int = 50) -> Page:
    authz.require(user, "case.list")
    return paged(filtered(user, filters), PenaltyCase.id.desc(), page=page, per_page=per_page)


def filtered(user, filters: CaseFilters):
    """The cases matching `filters` that `user` may read."""
    query = scoped(select(PenaltyCase), visible(user))
    if filters.step in Step.__members__:
        query = query.where(PenaltyCase.step == Step(filters.step))
    if filters.open_only:
        query = query.where(PenaltyCase.step != Step.closed)
    if filters.institution_id is not None:
        query = query.where(PenaltyCase.institution_id == filters.institution_id)
    if filters.department:
        query = query.where(PenaltyCase.department_code == filters.department)
    if filters.q:
        pattern = like(filters.q)
        query = query.outerjoin(Institution, Institution.id == PenaltyCase.institution_id).where(or_(
            PenaltyCase.number.like(pattern.upper(), escape="\\"), PenaltyCase.subject_name.like(pattern, escape="\\"),
            Institution.name.like(pattern, escape="\\")))
    return query
