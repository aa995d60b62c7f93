"""Inspections and re-inspections: who went, what each checklist item showed, and the outcome."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext
from sqlalchemy import exists, or_, select
from sqlalchemy.orm import aliased

from registry.core import audit, authz, storage
from registry.core.errors import NotFound
from registry.core.models import local_today
from registry.core.photos import Upload, clean_photo
from registry.enforcement import rules
from registry.enforcement.models import Inspection, InspectionResult, InspectionStaff
from registry.enforcement.rules import Outcome, Result
from registry.enforcement.services import checklists
from registry.core.versions import check_version, flush_versioned
from registry.enforcement.services.common import (acting_staff, day, get_inspection, invalid, on_behalf,
                                                  names, nothing, paged, record_id, scoped, text,
                                                  user_department)
from registry.extensions import db
from registry.register import services as register
from registry.register.models import Institution
from registry.core.pager import Page


def visible(user):
    """The WHERE clause of the inspections `user` may read (None: all)."""
    if user.role in ("admin", "market"):
        return None
    if user.role != "officer" or not user.department_code:
        return nothing()
    department = user.department_code
    # An alias, so that a query already joining the staff (the staff figure) still correlates this to the inspection.
    member = aliased(InspectionStaff)
    took_part = exists().where(member.inspection_id == Inspection.id, member.department_code == department)
    return or_(Institution.department_code == department, Inspection.department_code == department, took_part)


def get_result(user, inspection_id: int, result_id: int) -> InspectionResult:
    inspection = get_inspection(user, inspection_id)
    result = db.session.get(InspectionResult, result_id)
    if result is None or result.inspection_id != inspection.id or not result.photo_key:
        raise NotFound(gettext("There is no such photo."))
    return result


def follow_ups(inspection_id: int) -> list[Inspection]:
    return list(db.session.scalars(select(Inspection).where(Inspection.follows_id == inspection_id).order_by(Inspection.id)))


def items_to_check(institution: Institution, follows: Inspection | None) -> list:
    """The checklist of the institution's category, or on a re-inspection the earlier inspection's failed items."""
    if follows is not None:
        return [r.item for r in follows.failed_results]
    return checklists.checklist(institution.category.value)


def record_inspection(user, institution_id: int, raw: dict, photos: dict[str, Upload] | None = None) -> Inspection:
    """Record an inspection (or a re-inspection, with `follows`): staff, each item's result, the outcome; a case
    opened as its outcome is opened in the same transaction."""
    authz.require(user, "inspection.create")
    institution = register.get_institution(user, institution_id, "institution.view")
    authz.require(user, "inspection.create", institution)
    photos = photos or {}
    problems: dict = {}
    not_ours = gettext("Not an inspection of this institution.")
    follows_id = record_id(raw, "follows", problems, not_ours)
    follows = get_inspection(user, follows_id) if follows_id else None
    if follows is not None:
        if follows.institution_id != institution.id:
            problems["follows"] = not_ours
        elif not follows.failed_results:
            problems["follows"] = gettext("That inspection found nothing to re-check.")
    named = names(raw.get("staff"))
    staff = acting_staff(user, named, "staff", problems)
    inspected_on = day(raw, "inspected_on", problems)
    deadline = day(raw, "deadline", problems)
    notes = text(raw, "notes", problems)
    summary = text(raw, "case_summary", problems)
    given = raw.get("results") if isinstance(raw.get("results"), dict) else {}
    given_notes = raw.get("item_notes") if isinstance(raw.get("item_notes"), dict) else {}
    items = items_to_check(institution, follows) if "follows" not in problems else []
    keys = [i.key for i in items]
    results = {k: str(given.get(k) or "") for k in keys}
    item_notes = {k: str(given_notes.get(k) or "").strip()[:2000] for k in keys}
    outcome = str(raw.get("outcome") or "")
    if follows is not None and any(v == Result.not_applicable for v in results.values()):
        problems["items"] = gettext("On a re-inspection each item is fixed (pass) or not (fail).")
    for key, problem in rules.check_inspection(staff_count=len(named),
                                               inspected_on=inspected_on, today=local_today(), outcome=outcome,
                                               deadline=deadline, results=results, item_keys=keys, notes=item_notes,
                                               follow_up=follows is not None).items():
        problems.setdefault(key, problem)
    if follows is not None and inspected_on is not None and inspected_on < follows.inspected_on:
        problems["inspected_on"] = gettext("A re-inspection comes after the inspection it follows (%(day)s).",
                                           day=follows.inspected_on.isoformat())
    if outcome == Outcome.case and not summary:
        problems["case_summary"] = gettext("State the facts the case is opened on.")
    unknown_photos = set(photos) - set(keys)
    if unknown_photos:
        problems["items"] = gettext("A photo belongs to an item of this checklist.")
    if problems:
        raise invalid(problems)
    cleaned = {key: clean_photo(upload) for key, upload in photos.items()}

    department = user_department(user, institution.department_code)
    inspection = Inspection(institution=institution, department_code=department, inspected_on=inspected_on,
                            joint=rules.is_joint([s.department_code for s in staff] + [department]),
                            outcome=Outcome(outcome), deadline=deadline if outcome == Outcome.rectification else None,
                            follows=follows, notes=notes, recorded_by_id=getattr(user, "id", None))
    db.session.add(inspection)
    audit.note(db.session, "inspection.reinspect" if follows else "inspection.record", on_behalf(user, staff))
    for person in staff:
        db.session.add(InspectionStaff(inspection=inspection, user_id=person.id, department_code=person.department_code))
    for item in items:
        result = InspectionResult(inspection=inspection, item=item, result=Result(results[item.key]),
                                  note=item_notes[item.key])
        if item.key in cleaned:
            data, kind = cleaned[item.key]
            result.photo_key = storage.save(data, folder=f"inspections/{inspected_on:%Y/%m}", extension=kind.extension)
            result.photo_type = kind.content_type
        db.session.add(result)
    db.session.flush()
    if inspection.outcome is Outcome.case:
        from registry.enforcement.services.cases import open_case

        open_case(user, {"institution_id": institution.id, "inspection_id": inspection.id, "summary": summary,
                         "opened_on": inspected_on.isoformat(),  # the case is the inspecting department's
                         "people": [s.username for s in staff if s.department_code == department],
                         "documents": text(raw, "case_documents", {}) or ""})
    return inspection


def change_notes(user, inspection_id: int, *, notes: str, version) -> Inspection:
    """Add to an inspection's notes (what was found is never rewritten: the notes are appended to)."""
    inspection = get_inspection(user, inspection_id)
    authz.require(user, "inspection.note", inspection)
    check_version(inspection, version)
    addition = (notes or "").strip()
    if not addition:
        raise invalid({"notes": gettext("Write the note to add.")})
    if len(addition) > 4000:
        raise invalid({"notes": gettext("At most %(count)s characters.", count=4000)})
    stamp = f"[{local_today().isoformat()} {getattr(user, 'username', 'system')}] "
    inspection.notes = (inspection.notes + "\n" if inspection.notes else "") + stamp + addition
    audit.note(db.session, "inspection.note")
    flush_versioned(inspection)
    return inspection


@dataclass
class InspectionFilters:
    institution_id: int | None = None
    outcome: str = ""
    overdue: bool = False
    joint: bool | None = None
    start: date | None = None
    end: date | None = None


def filtered(user, filters: InspectionFilters):
    query = scoped(select(Inspection).join(Institution, Institution.id == Inspection.institution_id), visible(user))
    if filters.institution_id is not None:
        query = query.where(Inspection.institution_id == filters.institution_id)
    if filters.outcome in Outcome.__members__:
        query = query.where(Inspection.outcome == Outcome(filters.outcome))
    if filters.joint is not None:
        query = query.where(Inspection.joint.is_(filters.joint))
    if filters.start:
        query = query.where(Inspection.inspected_on >= filters.start)
    if filters.end:
        query = query.where(Inspection.inspected_on <= filters.end)
    if filters.overdue:
        follow = Inspection.__table__.alias("follow")
        query = query.where(Inspection.outcome == Outcome.rectification, Inspection.deadline < local_today(),
                            ~exists().where(follow.c.follows_id == Inspection.id))
    return query


def list_inspections(user, *, filters: InspectionFilters, page: int = 1, per_page: int = 50) -> Page:
    authz.require(user, "inspection.list")
    return paged(filtered(user, filters), Inspection.inspected_on.desc(), Inspection.id.desc(), page=page,
                 per_page=per_page)


def overdue(inspection: Inspection) -> bool:
    return rules.rectification_overdue(outcome=inspection.outcome, deadline=inspection.deadline,
                                       followed_up=bool(follow_ups(inspection.id)), today=local_today())
