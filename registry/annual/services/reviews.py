"""One institution's annual inspection: materials received, the review and its grade (signed by two officers), the
grade corrected with a reason, the rectification done, and the proposal to the register confirmed or declined."""
from __future__ import annotations

from flask_babel import gettext
from sqlalchemy import select

from registry.accounts.models import User
from registry.annual import rules
from registry.annual.models import AnnualInspection, Campaign, GradeCorrection, ItemResult, Material
from registry.annual.rules import Grade, Proposal, ProposalState, State
from registry.annual.services.common import day, invalid, standard, text, thresholds
from registry.core import audit, authz
from registry.core.errors import Conflict, Invalid, NotFound
from registry.core.models import MAX_ID, local_today
from registry.core.versions import check_version, flush_versioned
from registry.extensions import db
from registry.register import services as register
from registry.register.rules import Status

PROPOSED_STATUS = {Proposal.suspend: Status.suspended, Proposal.revoke: Status.revoked}


def get_inspection(user, inspection_id: int, action: str = "annual.view") -> AnnualInspection:
    """The annual inspection, or NotFound; Forbidden when `user` may not do `action` to it."""
    inspection = db.session.get(AnnualInspection, inspection_id) if 0 < inspection_id <= MAX_ID else None
    if inspection is None:
        raise NotFound(gettext("There is no annual inspection with id %(id)s.", id=inspection_id))
    authz.require(user, action, inspection)
    return inspection


def previous_grade(inspection: AnnualInspection) -> Grade | None:
    """The institution's grade of the year before (the second 不合格 in a row is what proposes suspension)."""
    return db.session.scalar(select(AnnualInspection.grade).where(
        AnnualInspection.institution_id == inspection.institution_id, AnnualInspection.year == inspection.year - 1,
        AnnualInspection.state == State.reviewed))


def _open(inspection: AnnualInspection) -> None:
    if inspection.state is State.exempt:
        raise Conflict(gettext("This institution is exempt from this year's annual inspection."))
    if inspection.state is State.closed:
        raise Conflict(gettext("This annual inspection was closed: %(reason)s", reason=inspection.closed_reason))


def material_values(raw: dict, problems: dict) -> tuple[str | None, object, str]:
    """A material's kind, day received (never in the future) and note, as the form and the import check them."""
    kind = raw.get("kind")
    if kind not in rules.MATERIAL_KINDS:
        problems["kind"] = gettext("Choose what was received.")
    received_on = day(raw, "received_on", problems, required=True, not_after=local_today())
    return kind, received_on, text(raw, "note", problems, limit=500)


def record_material(user, inspection_id: int, raw: dict) -> tuple[Material, bool]:
    """Record a material received and when; the same kind again changes its date. Returns it and whether it changed."""
    inspection = get_inspection(user, inspection_id, "annual.review")
    _open(inspection)
    problems: dict = {}
    kind, received_on, note = material_values(raw, problems)
    if problems:
        raise invalid(problems)
    material = db.session.scalar(select(Material).where(Material.inspection_id == inspection.id, Material.kind == kind))
    changed = put_material(material, inspection.id, kind, received_on, note)
    if changed:
        audit.note(db.session, "annual.material")
        db.session.flush()
    return changed or material, bool(changed)


def put_material(material: Material | None, inspection_id: int, kind: str, received_on, note: str) -> Material | None:
    """The material added or changed in the session; None when it is recorded so already."""
    if material is not None and (material.received_on, material.note) == (received_on, note or material.note):
        return None
    if material is None:
        material = Material(inspection_id=inspection_id, kind=kind, received_on=received_on, note=note)
        db.session.add(material)
    else:
        material.received_on, material.note = received_on, note or material.note
    return material


def _signers(user, inspection: AnnualInspection, raw: dict, problems: dict) -> list[User]:
    """Two officers of the inspection's department sign; whoever records is one of them (an admin records for them)."""
    names = [str(raw.get(name) or "").strip() for name in ("signed_by", "cosigned_by")]
    found = {u.username: u for u in db.session.scalars(select(User).where(User.username.in_([n for n in names if n])))}
    signers = []
    for field, name in zip(("signed_by", "cosigned_by"), names):
        signer = found.get(name)
        if not name:
            problems[field] = gettext("Two officers sign the result.")
        elif signer is None or signer.role != "officer" or signer.department_code != inspection.department_code:
            problems[field] = gettext("An officer of the supervising department.")
        else:
            signers.append(signer)
    if len(signers) == 2 and signers[0].id == signers[1].id:
        problems["cosigned_by"] = gettext("Two different officers sign the result.")
    elif len(signers) == 2 and user.role != "admin" and user.id not in {s.id for s in signers}:
        problems["signed_by"] = gettext("You are one of the two officers who sign.")
    return signers


def _results(raw: dict, problems: dict) -> tuple[dict[str, int], dict[str, str], set[str]]:
    lost: dict[str, int] = {}
    for name, kind in (("lost", dict), ("reasons", dict), ("failing", list)):
        if not isinstance(raw.get(name) or kind(), kind):
            problems[name] = gettext("Please correct the marked fields.")
            raw = {**raw, name: kind()}
    for key, value in (raw.get("lost") or {}).items():
        text_value = str(value).strip()
        if text_value in ("", "0"):
            continue
        if not text_value.isdecimal():
            problems[key] = gettext("Points lost are a whole number.")
        else:
            lost[key] = int(text_value)
    reasons = {k: " ".join(str(v).split())[:500] for k, v in (raw.get("reasons") or {}).items() if v}
    failing = {str(k) for k in (raw.get("failing") or [])}
    for key, problem in rules.check_results(standard(), lost, reasons, failing).items():
        problems.setdefault(key, problem)
    return lost, reasons, failing


def review(user, inspection_id: int, raw: dict, *, version) -> AnnualInspection:
    """Grade an annual inspection from its item results (or record that the institution did not take part), with
    the rectification its grade requires; a second 不合格 in a row, or a refusal, proposes suspension."""
    inspection = get_inspection(user, inspection_id, "annual.review")
    check_version(inspection, version)
    _open(inspection)
    if inspection.state is State.reviewed:
        raise Conflict(gettext("This annual inspection is graded already: correct its grade with a reason."))
    problems: dict = {}
    today = local_today()
    reviewed_on = day(raw, "reviewed_on", problems, required=True, not_after=today)
    signers = _signers(user, inspection, raw, problems)
    absent = raw.get("absent") in (True, "y", "1", "true", "on")
    lost, reasons, failing = ({}, {}, set()) if absent else _results(raw, problems)
    score = None if absent else rules.points(standard(), lost)
    grade = Grade.absent if absent else rules.grade(score, failing_items=bool(failing), thresholds=thresholds())
    rectification, deadline = _rectification(grade, raw, problems, reviewed_on)
    if problems:  # nothing of the inspection changed: the form shows it again as it stands
        raise invalid(problems)
    inspection.rectification, inspection.rectification_deadline = rectification, deadline
    inspection.enrolment_stopped = rules.stops_enrolment(grade)
    for key in sorted(set(lost) | failing):
        db.session.add(ItemResult(inspection_id=inspection.id, item_key=key, points_lost=lost.get(key, 0),
                                  fails_whole=key in failing, reason=reasons.get(key, "")))
    inspection.state, inspection.grade, inspection.points = State.reviewed, grade, score
    inspection.refused = absent and raw.get("refused") in (True, "y", "1", "true", "on")
    inspection.reviewed_on = reviewed_on
    inspection.late = rules.is_late(reviewed_on, inspection.campaign.results_deadline)
    inspection.signed_by_id, inspection.cosigned_by_id = signers[0].id, signers[1].id
    _propose(inspection)
    audit.note(db.session, "annual.review")
    flush_versioned(inspection)
    return inspection


def _rectification(grade: Grade, raw: dict, problems: dict, reviewed_on) -> tuple[str, object]:
    """A grade below 合格 requires a rectification with a deadline (and 不合格 and 未参检 stop enrolment until
    rectified): (what must be rectified, by when), or ("", None)."""
    if not rules.needs_rectification(grade):
        return "", None
    rectification = text(raw, "rectification", problems, required=gettext("Say what must be rectified."))
    deadline = day(raw, "rectification_deadline", problems, required=True)
    if deadline and reviewed_on and deadline <= reviewed_on:
        problems["rectification_deadline"] = gettext("The deadline comes after the review.")
    return rectification, deadline


def _propose(inspection: AnnualInspection) -> None:
    proposal = rules.proposal(inspection.grade, previous_grade(inspection), refused=inspection.refused,
                              suspended=inspection.institution.status is Status.suspended)
    inspection.proposal = proposal
    inspection.proposal_state = ProposalState.proposed if proposal else None


def correct_grade(user, inspection_id: int, raw: dict, *, version) -> AnnualInspection:
    """Correct a grade with a reason; the grade before is kept with the correction, and the consequences follow."""
    inspection = get_inspection(user, inspection_id, "annual.review")
    check_version(inspection, version)
    if inspection.state is not State.reviewed:
        raise Conflict(gettext("Only a graded annual inspection can be corrected."))
    problems: dict = {}
    to = raw.get("grade")
    grade = Grade(to) if to in {g.value for g in Grade} else None
    if grade is None:
        problems["grade"] = gettext("Choose the grade.")
    elif grade is inspection.grade:
        problems["grade"] = gettext("This is the grade already.")
    reason = text(raw, "reason", problems, required=gettext("Give the reason for the correction."), limit=rules.MAX_REASON)
    if grade is not None:
        rectification, deadline = _rectification(grade, raw, problems, local_today())
    if problems:  # nothing of the inspection changed
        raise invalid(problems)
    inspection.rectification, inspection.rectification_deadline = rectification, deadline
    inspection.enrolment_stopped = rules.stops_enrolment(grade)
    db.session.add(GradeCorrection(inspection_id=inspection.id, from_grade=inspection.grade, to_grade=grade,
                                   from_points=inspection.points, to_points=inspection.points, reason=reason,
                                   actor_id=getattr(user, "id", None)))
    inspection.grade = grade
    if inspection.proposal_state is not ProposalState.confirmed:
        _propose(inspection)
    audit.note(db.session, "annual.correct", reason)
    flush_versioned(inspection)
    return inspection


def record_rectified(user, inspection_id: int, raw: dict, *, version) -> AnnualInspection:
    """The rectification was done (checked by the officer): the stop on enrolment ends."""
    inspection = get_inspection(user, inspection_id, "annual.review")
    check_version(inspection, version)
    if not inspection.rectification_deadline or inspection.rectified_on:
        raise Conflict(gettext("There is no open rectification."))
    problems: dict = {}
    rectified_on = day(raw, "rectified_on", problems, required=True, not_after=local_today())
    if problems:
        raise invalid(problems)
    inspection.rectified_on, inspection.enrolment_stopped = rectified_on, False
    audit.note(db.session, "annual.rectified")
    flush_versioned(inspection)
    return inspection


def decide_proposal(user, inspection_id: int, raw: dict, *, version) -> AnnualInspection:
    """Confirm (through the register's lifecycle) or decline the proposed suspension or revocation, with a reason.
    Nothing changes the register without this."""
    inspection = get_inspection(user, inspection_id, "annual.review")
    check_version(inspection, version)
    if inspection.proposal_state is not ProposalState.proposed:
        raise Conflict(gettext("Nothing is proposed for this institution."))
    problems: dict = {}
    decision = raw.get("decision")
    if decision not in ("confirm", "decline"):
        problems["decision"] = gettext("Confirm or decline the proposal.")
    reason = text(raw, "reason", problems, required=gettext("Give the reason for this decision."), limit=rules.MAX_REASON)
    if problems:
        raise invalid(problems)
    if decision == "confirm":
        try:
            register.transition_institution(user, inspection.institution_id, to=PROPOSED_STATUS[inspection.proposal].value,
                                            reason=reason)
        except Invalid as refused:  # the register's lifecycle refuses (e.g. the institution was revoked meanwhile)
            raise Invalid(refused.message, {"decision": [m for ms in refused.fields.values() for m in ms]})
    inspection.proposal_state = ProposalState.confirmed if decision == "confirm" else ProposalState.declined
    inspection.proposal_reason = reason
    audit.note(db.session, f"annual.proposal_{decision}", reason)
    flush_versioned(inspection)
    return inspection


def inspections_of(user, institution) -> list[AnnualInspection]:
    """An institution's annual inspections, newest year first, when `user` may read them (its page's panel)."""
    if not authz.can(user, "annual.view", institution):
        return []
    return list(db.session.scalars(select(AnnualInspection).where(AnnualInspection.institution_id == institution.id)
                                   .order_by(AnnualInspection.year.desc())))


def latest_grades(institution_ids) -> dict[int, tuple[int, Grade]]:
    """Each institution's latest published year and grade (what the public lookup shows): a result is public once
    its campaign's results are published."""
    ids = list(institution_ids)
    if not ids:
        return {}
    rows = db.session.execute(select(AnnualInspection.institution_id, AnnualInspection.year, AnnualInspection.grade)
                              .join(Campaign, Campaign.id == AnnualInspection.campaign_id)
                              .where(AnnualInspection.institution_id.in_(ids), AnnualInspection.state == State.reviewed,
                                     Campaign.published_on.is_not(None))
                              .order_by(AnnualInspection.year)).all()
    return {row.institution_id: (row.year, row.grade) for row in rows}
