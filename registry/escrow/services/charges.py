"""Prepaid charges: recorded with the limits they break, and resolved."""
from __future__ import annotations

from flask_babel import gettext
from sqlalchemy import select

from registry.core import audit
from registry.core.errors import Invalid
from registry.core.models import local_today
from registry.escrow import rules, sources
from registry.escrow.figures import limits, refresh_institutions
from registry.escrow.models import Charge
from registry.escrow.rules import Limits
from registry.escrow.services.common import clean_reason, flush_or_conflict, invalid_fields
from registry.escrow.services.reading import get_charge
from registry.extensions import db
from registry.register import services as register


def parse_charge(raw: dict) -> dict:
    clean, problems = rules.parse_charge(raw, today=local_today())
    if problems:
        raise invalid_fields(problems)
    return clean


def charge_values(clean: dict, lim: Limits) -> dict:
    """The columns of a charge: its natural key and the rules it breaks."""
    violations = rules.charge_violations(charged_on=clean["charged_on"], course_start=clean["course_start"],
                                         amount=clean["amount"], class_hours=clean["class_hours"],
                                         months=clean["months"], limits=lim)
    return {**clean, "violations": violations, "violation_count": len(violations),
            "natural_key": rules.natural_key(charge_ref=clean["charge_ref"], charged_on=clean["charged_on"],
                                             student_ref=clean["student_ref"], amount=clean["amount"])}


def record_charge(user, institution_id: int, raw: dict, *, source: str = "") -> Charge:
    """Record one prepaid charge; the charging rules it breaks are kept with it and make the escrow a violation."""
    institution = register.get_institution(user, institution_id, "escrow.edit")
    values = charge_values(parse_charge(raw), limits())
    existing = db.session.scalar(select(Charge).where(Charge.institution_id == institution.id,
                                                      Charge.natural_key == values["natural_key"]))
    if existing is not None:
        name = "charge_ref" if values["charge_ref"] else "student_ref"
        raise Invalid(gettext("Please correct the marked fields."), {name: [gettext(
            "This charge is already recorded (No. %(id)s).", id=existing.id)]})
    charge = Charge(institution_id=institution.id, source=sources.source_of(source), **values)
    db.session.add(charge)
    audit.note(db.session, "escrow.charge", source or None)
    flush_or_conflict()
    refresh_institutions([institution.id], user=user, create_missing=True)
    return charge


def resolve_charge(user, charge_id: int, *, resolution: str) -> Charge:
    """Record how a charge that broke the rules was dealt with (refunded, rectified); it no longer counts."""
    charge = get_charge(user, charge_id, "escrow.edit")
    if not charge.violating:
        raise Invalid(gettext("This charge breaks no rule, or was already dealt with."), {})
    resolution = clean_reason(resolution)
    if not resolution:
        raise Invalid(gettext("Please correct the marked fields."), {"resolution": [gettext("Say how it was resolved.")]})
    charge.resolution, charge.resolved_on, charge.resolved_by_id = resolution, local_today(), user.id
    audit.note(db.session, "escrow.charge_resolve", resolution)
    flush_or_conflict()
    refresh_institutions([charge.institution_id], user=user)
    return charge
