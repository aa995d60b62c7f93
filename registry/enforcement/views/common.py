"""Enforcement's blueprints (the staff's pages under /enforcement, the public's at the top), what their templates
are given, and the helpers of its pages: form choices, a date argument, the status of a form's response."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, request
from flask_babel import get_locale
from flask_login import current_user

from registry.core import authz
from registry.core.dates import parse_day
from registry.core.forms import choices
from registry.core.web import translated
from registry.enforcement import services
from registry.enforcement.forms import (ENFORCEMENT_ACTION_LABELS, FINE_STATE_LABELS, FOLLOW_UP_LABELS, GROUP_LABELS,
                                        LEAD_OUTCOME_LABELS, LEAD_STATE_LABELS, OUTCOME_LABELS, RESULT_LABELS,
                                        SANCTION_LABELS, SOURCE_LABELS, STEP_LABELS, item_label)
from registry.register import services as register


bp = Blueprint("enforcement", __name__, url_prefix="/enforcement")
public_bp = Blueprint("enforcement_public", __name__)


@bp.app_context_processor
def helpers():
    return {**translated(RESULT_LABELS=RESULT_LABELS, FOLLOW_UP_LABELS=FOLLOW_UP_LABELS, OUTCOME_LABELS=OUTCOME_LABELS,
                         SOURCE_LABELS=SOURCE_LABELS, LEAD_STATE_LABELS=LEAD_STATE_LABELS,
                         LEAD_OUTCOME_LABELS=LEAD_OUTCOME_LABELS, STEP_LABELS=STEP_LABELS, SANCTION_LABELS=SANCTION_LABELS,
                         GROUP_LABELS=GROUP_LABELS, FINE_STATE_LABELS=FINE_STATE_LABELS),
            "enforcement_panel": enforcement_panel,
            "fine_state": services.state_of, "lead_overdue": services.lead_overdue,
            "rectification_overdue": services.rectification_overdue, "item_label": item_label}


@bp.record_once
def _labels(state):
    from registry.register.forms import ACTION_LABELS

    ACTION_LABELS.update(ENFORCEMENT_ACTION_LABELS)


def day_arg(name: str) -> date | None:
    try:
        return parse_day(request.args.get(name) or None)
    except ValueError:
        return None


def form_status(form) -> int:
    return 422 if form.errors or form.form_errors else 200


def staff_field_choices(department: str | None = None):
    """Enforcement staff to tick (of `department` only, for a case), the signed-in user's department first."""
    own = getattr(current_user, "department_code", None)
    people = sorted((u for u in services.staff_choices() if department in (None, u.department_code)),
                    key=lambda u: u.department_code != own)  # sorted() is stable: then by department, as listed
    return choices([(u.username, f"{u.label} · {u.department.name_en if str(get_locale()) == 'en' else u.department.name_zh}")
                    for u in people])


def district_field_choices(blank: str):
    return choices([("", blank)] + [(d.code, f"{d.city_name} {d.name}") for d in register.districts()])


def department_field_choices():
    return choices([(d.code, d.name_en if str(get_locale()) == "en" else d.name_zh) for d in register.departments()])


def enforcement_panel(institution):
    """What the institution page's enforcement panel shows: its latest inspections, leads, cases and fines (as far as
    the user may see them), or None when the user sees none of them."""
    records = services.panel(current_user, institution.id)
    if records.inspections is None and records.leads is None:
        return None
    return {"records": records, "can_inspect": authz.can(current_user, "inspection.create", institution),
            "can_open_case": authz.can(current_user, "case.open")}
