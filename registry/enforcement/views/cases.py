"""Penalty cases: the list, a case opened, one case and its next step."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext
from flask_login import current_user, login_required

from registry.core import authz
from registry.core.errors import Invalid
from registry.core.forms import choices
from registry.core.models import local_today
from registry.core.web import page_arg
from registry.enforcement import rules, services
from registry.enforcement.forms import CaseForm, SANCTION_LABELS, STEP_HINTS, STEP_LABELS, StepForm
from registry.enforcement.views.common import bp, district_field_choices, form_status, staff_field_choices
from registry.register import services as register


@bp.get("/cases")
@login_required
def cases():
    filters = services.CaseFilters(step=request.args.get("step", ""), open_only=request.args.get("open") == "1",
                                   q=request.args.get("q", "")[:60].strip())
    return render_template("enforcement/cases.html", page=services.list_cases(current_user, filters=filters, page=page_arg()),
                           filters=filters)


@bp.route("/cases/new", methods=["GET", "POST"])
@login_required
def new_case():
    authz.require(current_user, "case.open")
    form = CaseForm()
    form.district.choices = district_field_choices("—")
    form.people.choices = staff_field_choices(getattr(current_user, "department_code", None))
    institution = None
    if (form.institution_id.data or request.args.get("institution_id", "")).isdecimal():
        institution = register.get_institution(current_user, int(form.institution_id.data or request.args["institution_id"]))
    if request.method == "GET":
        form.institution_id.data = institution.id if institution else ""
        form.lead_id.data = request.args.get("lead_id", "")
        form.inspection_id.data = request.args.get("inspection_id", "")
        form.opened_on.data = local_today().isoformat()
        form.people.data = [current_user.username] if current_user.role != "admin" else []
    if form.validate_on_submit():
        try:
            case = services.open_case(current_user, form.values(
                ("institution_id", "lead_id", "inspection_id", "subject_name", "district", "summary", "opened_on",
                 "people", "documents")))
        except Invalid as error:
            form.take_errors(error)
        else:
            flash(gettext("Case %(number)s opened.", number=case.number), "success")
            return redirect(url_for("enforcement.case", case_id=case.id))
    return render_template("enforcement/case_form.html", form=form, institution=institution), form_status(form)


@bp.route("/cases/<int:case_id>", methods=["GET", "POST"])
@login_required
def case(case_id: int):
    record = services.get_case(current_user, case_id)
    form = StepForm()
    form.people.choices = staff_field_choices(record.department_code)
    form.violation_type.choices = choices([("", "—")] + [
        (v.code, f"{v.name_en if str(get_locale()) == 'en' else v.name_zh} · {fine_range_text(v)}")
        for v in services.violation_types()])
    form.sanctions.choices = choices(list(SANCTION_LABELS.items()))
    next_step = rules.next_step(record.step)
    if request.method == "POST":
        authz.require(current_user, "case.step", record)
        if form.validate_on_submit():
            raw = form.values(("step", "on", "people", "documents", "note", "violation_type", "sanctions",
                               "illegal_income", "fine", "confiscation", "refund_order"))
            try:
                services.record_step(current_user, record.id, raw, version=form.version.data)
            except Invalid as error:
                form.take_errors(error)
            else:
                flash(gettext("Step recorded: %(step)s.", step=STEP_LABELS[form.step.data]), "success")
                return redirect(url_for("enforcement.case", case_id=record.id))
    else:
        form.on.data = local_today().isoformat()
        form.people.data = [current_user.username] if current_user.role != "admin" else []
    form.version.data = record.version
    form.step.data = next_step.value if next_step else ""
    return render_template("enforcement/case.html", case=record, form=form, next_step=next_step,
                           step_hint=STEP_HINTS.get(next_step.value, "") if next_step else "",
                           people={u.username: u.label for u in services.staff_choices()},
                           fine=services.fine_of(record.id), can_step=authz.can(current_user, "case.step", record),
                           violation_types=services.violation_types()), form_status(form)


def fine_range_text(vtype) -> str:
    terms = services.checklists.terms_of(vtype)
    if terms.by_income:
        return gettext("fine %(low)s–%(high)s times the illegal income", low=f"{terms.min_times:g}", high=f"{terms.max_times:g}")
    low, high = rules.fine_range(terms, illegal_income=None)
    if high == 0:
        return gettext("no fine")
    return gettext("fine %(low)s–%(high)s", low=rules.format_fen(low), high=rules.format_fen(high))
