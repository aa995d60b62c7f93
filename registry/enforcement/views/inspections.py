"""Inspections and re-inspections: the list, the form, one inspection (notes, a finding referred as a lead), photos."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from registry.core import authz
from registry.core import storage
from registry.core.errors import Invalid
from registry.core.forms import choices
from registry.core.models import local_today
from registry.core.photos import MAX_PHOTO_BYTES, Upload
from registry.core.web import page_arg, upload_limit
from registry.enforcement import services
from registry.enforcement.forms import InspectionForm, NoteForm, OUTCOME_LABELS, ReferForm
from registry.enforcement.views.common import bp, day_arg, department_field_choices, form_status, staff_field_choices
from registry.register import services as register


@bp.get("/inspections")
@login_required
def inspections():
    filters = services.InspectionFilters(outcome=request.args.get("outcome", ""), overdue=request.args.get("overdue") == "1",
                                         start=day_arg("start"), end=day_arg("end"))
    page = services.list_inspections(current_user, filters=filters, page=page_arg())
    return render_template("enforcement/inspections.html", page=page, filters=filters)


@bp.route("/institutions/<int:institution_id>/inspect", methods=["GET", "POST"])
@upload_limit(12 * MAX_PHOTO_BYTES)  # a photo for each checklist item
@login_required
def inspect(institution_id: int):
    institution = register.get_institution(current_user, institution_id)
    authz.require(current_user, "inspection.create", institution)
    follows = None
    if request.values.get("follows", "").isdecimal():
        follows = services.get_inspection(current_user, int(request.values["follows"]))
        if follows.institution_id != institution.id:
            abort(404)
    items = services.items_to_check(institution, follows)
    form = InspectionForm()
    form.staff.choices = staff_field_choices()
    form.outcome.choices = choices([("", "—")] + list(OUTCOME_LABELS.items()))
    if request.method == "GET":
        form.inspected_on.data = local_today().isoformat()
        if current_user.role != "admin":
            form.staff.data = [current_user.username]
    answers = {i.key: request.form.get(f"result-{i.key}", "") for i in items}
    notes = {i.key: request.form.get(f"note-{i.key}", "") for i in items}
    if form.validate_on_submit():
        raw = form.values(("inspected_on", "staff", "outcome", "deadline", "notes", "case_summary", "case_documents"))
        raw.update(results=answers, item_notes=notes, follows=follows.id if follows else None)
        photos = {i.key: Upload(f.filename, f.read()) for i in items
                  if (f := request.files.get(f"photo-{i.key}")) and f.filename}
        try:
            inspection = services.record_inspection(current_user, institution.id, raw, photos)
        except Invalid as error:
            form.take_errors(error)
        else:
            flash(gettext("Inspection recorded."), "success")
            return redirect(url_for("enforcement.inspection", inspection_id=inspection.id))
    return render_template("enforcement/inspect.html", form=form, institution=institution, follows=follows, items=items,
                           answers=answers, notes=notes), form_status(form)


@bp.route("/inspections/<int:inspection_id>", methods=["GET", "POST"])
@login_required
def inspection(inspection_id: int):
    record = services.get_inspection(current_user, inspection_id)
    note_form, refer_form = NoteForm(prefix="note"), ReferForm(prefix="refer")
    refer_form.department.choices = department_field_choices()
    can_act = authz.can(current_user, "inspection.create", record.institution)
    can_note = authz.can(current_user, "inspection.note", record)
    if request.method == "POST":
        authz.require(current_user, "inspection.note" if "note-notes" in request.form else "inspection.create",
                      record if "note-notes" in request.form else record.institution)
        try:
            if "note-notes" in request.form and note_form.validate_on_submit():
                services.change_notes(current_user, record.id, notes=note_form.notes.data, version=note_form.version.data)
                flash(gettext("Note added."), "success")
                return redirect(url_for("enforcement.inspection", inspection_id=record.id))
            if "refer-description" in request.form and refer_form.validate_on_submit():
                lead = services.refer_from_inspection(current_user, record.id, refer_form.values(("department", "description")))
                flash(gettext("Referred as lead %(number)s.", number=lead.tracking_number), "success")
                return redirect(url_for("enforcement.inspection", inspection_id=record.id))
        except Invalid as error:
            (note_form if "note-notes" in request.form else refer_form).take_errors(error)
    note_form.version.data = record.version
    status = max(form_status(note_form), form_status(refer_form))
    return render_template("enforcement/inspection.html", inspection=record, note_form=note_form, refer_form=refer_form,
                           can_act=can_act, can_note=can_note, follow_ups=services.follow_ups(record.id),
                           cases=services.cases_from(inspection_id=record.id),
                           overdue=services.rectification_overdue(record)), status


@bp.get("/inspections/<int:inspection_id>/photos/<int:result_id>")
@login_required
def photo(inspection_id: int, result_id: int):
    result = services.get_result(current_user, inspection_id, result_id)
    return storage.send_private(result.photo_key, result.photo_type)
