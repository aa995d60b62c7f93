"""Leads: the list, a tip from the hotline, one lead assigned, handled and closed."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext
from flask_login import current_user, login_required

from registry.core import authz
from registry.core.errors import Invalid
from registry.core.forms import choices
from registry.core.models import local_today
from registry.core.web import page_arg
from registry.enforcement import rules, services
from registry.enforcement.forms import (AssignForm, CloseLeadForm, HandleForm, HotlineForm, INTAKE_LABELS, IntakeForm,
                                        LEAD_OUTCOME_LABELS)
from registry.enforcement.views.common import bp, district_field_choices, form_status
from registry.register import services as register


@bp.get("/leads")
@login_required
def leads():
    filters = services.LeadFilters(state=request.args.get("state", ""), source=request.args.get("source", ""),
                                   overdue=request.args.get("overdue") == "1", q=request.args.get("q", "")[:60].strip())
    page = services.list_leads(current_user, filters=filters, page=page_arg())
    return render_template("enforcement/leads.html", page=page, filters=filters,
                           lead_days=current_app.config["REGISTRY_LEAD_DAYS"])


@bp.route("/leads/new", methods=["GET", "POST"])
@login_required
def new_lead():
    authz.require(current_user, "lead.create")
    form = HotlineForm()
    form.district.choices = district_field_choices("—")
    if request.method == "GET":
        form.received_on.data = local_today().isoformat()
        if request.args.get("institution_id", "").isdecimal():  # recorded from the institution's page
            form.institution.data = register.get_institution(current_user, int(request.args["institution_id"])).credit_code
    if form.validate_on_submit():
        try:
            lead = services.record_hotline_lead(current_user, form.values(
                ("institution", "subject_name", "subject_address", "district", "description", "reporter_name",
                 "reporter_phone", "received_on")))
        except Invalid as error:
            form.take_errors(error)
        else:
            department = lead.department
            flash(gettext("Lead %(number)s recorded and routed to %(department)s.", number=lead.tracking_number,
                          department=department.name_en if str(get_locale()) == "en" else department.name_zh), "success")
            return redirect(url_for("enforcement.lead", lead_id=lead.id))
    return render_template("enforcement/lead_form.html", form=form), form_status(form)


@bp.route("/leads/<int:lead_id>", methods=["GET", "POST"])
@login_required
def lead(lead_id: int):
    record = services.get_lead(current_user, lead_id)
    forms = {"assign": AssignForm(prefix="assign"), "handle": HandleForm(prefix="handle"), "close": CloseLeadForm(prefix="close"),
             "intake": IntakeForm(prefix="intake")}
    forms["assign"].assignee.choices = choices([(u.username, u.label) for u in services.department_people(record.department_code)])
    forms["close"].outcome.choices = choices([("", "—")] + list(LEAD_OUTCOME_LABELS.items()))
    forms["intake"].outcome.choices = choices([("", "—")] + list(INTAKE_LABELS.items()))
    action = request.form.get("action", "")
    if request.method == "POST":
        authz.require(current_user, "lead.handle", record)
        form = forms.get(action)
        if form is None:
            abort(400)
        if form.validate_on_submit():
            try:
                if action == "assign":
                    services.assign_lead(current_user, record.id, assignee=form.assignee.data or "",
                                         version=form.version.data, note=form.note.data or "")
                elif action == "handle":
                    services.handle_lead(current_user, record.id, version=form.version.data, note=form.note.data or "")
                elif action == "intake":
                    services.close_lead(current_user, record.id, outcome=form.outcome.data or "", reply=form.reply.data or "",
                                        version=form.version.data)
                else:
                    services.close_lead(current_user, record.id, outcome=form.outcome.data or "", reply=form.reply.data or "",
                                        version=form.version.data, closed_on=form.closed_on.data,
                                        case_summary=form.case_summary.data or "")
            except Invalid as error:
                form.take_errors(error)
            else:
                flash(gettext("Lead updated."), "success")
                return redirect(url_for("enforcement.lead", lead_id=record.id))
    for form in forms.values():
        form.version.data = record.version
    if not forms["close"].closed_on.data:
        forms["close"].closed_on.data = local_today().isoformat()
    return render_template("enforcement/lead.html", lead=record, forms=forms, moves=rules.LEAD_MOVES[record.state],
                           can_handle=authz.can(current_user, "lead.handle", record), history=services.timeline(record),
                           cases=services.cases_from(lead_id=record.id)), max(form_status(f) for f in forms.values())
