"""The register's pages: registering, editing, lifecycle, import. Its list is the search's (registry/search/listing.py),
one institution's page the dossier's (registry/dossier/views.py), both on this blueprint."""
from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from registry.core import authz
from registry.core.errors import Invalid, Stale
from registry.core.forms import choices
from registry.core.messages import shown
from registry.core.models import local_today
from registry.core.web import translated
from registry.register import importing, services
from registry.register.forms import ACTION_LABELS, CATEGORY_LABELS, FIELD_LABELS, STATUS_LABELS, TEACHING_MODE_LABELS, TRANSITION_LABELS, ImportForm, InstitutionForm, TransitionForm
from registry.register.rules import FINAL_TRANSITIONS, FLAG_LABELS

bp = Blueprint("register", __name__)

FORM_FIELDS = services.EDITABLE_FIELDS + ("category", "registration_reason", "status", "licensed_on")


@bp.app_context_processor
def labels():
    return {"FLAG_LABELS": FLAG_LABELS,  # message ids, translated where shown
            **translated(CATEGORY_LABELS=CATEGORY_LABELS, STATUS_LABELS=STATUS_LABELS, TEACHING_MODE_LABELS=TEACHING_MODE_LABELS,
                         ACTION_LABELS=ACTION_LABELS, FIELD_LABELS=FIELD_LABELS)}


def _form_choices(form: InstitutionForm) -> InstitutionForm:
    form.district.choices = choices([("", "—")] + [(d.code, f"{d.city_name} {d.name}") for d in services.districts()])
    return form


@bp.route("/institutions/new", methods=["GET", "POST"])
@login_required
def new_institution():
    authz.require(current_user, "institution.create")
    form = _form_choices(InstitutionForm())
    if current_user.role == "officer" and request.method == "GET":
        # Offer the categories the officer's department supervises first.
        own = [c for c, d in services.category_departments().items() if d == current_user.department_code]
        form.category.data = own[0] if len(own) == 1 else ""
    if form.validate_on_submit():
        try:
            institution = services.register_institution(current_user, form.values(FORM_FIELDS))
        except Invalid as error:
            form.take_errors(error)
        else:
            flash(gettext("Registered %(name)s.", name=institution.name), "success")
            _flash_flags(institution)
            return redirect(url_for("register.institution", institution_id=institution.id))
    return render_template("register/form.html", form=form, institution=None), _status(form)


def _status(form) -> int:
    """422 for a form shown again with errors, so the request rolls back and clients can tell."""
    return 422 if form.errors or form.form_errors else 200


def _flash_flags(institution) -> None:
    for flag in institution.flags or []:
        flash(gettext(FLAG_LABELS[flag]), "warning")


@bp.route("/institutions/<int:institution_id>/edit", methods=["GET", "POST"])
@login_required
def edit_institution(institution_id: int):
    record = services.get_institution(current_user, institution_id, "institution.edit")
    form = _form_choices(InstitutionForm(data={**services.editable_values(record), "category": record.category.value,
                                               "registration_reason": shown(record.registration_reason),
                                               "version": record.version}) if request.method == "GET" else InstitutionForm())
    if request.method == "GET":
        form.teaching_mode.data = record.teaching_mode.value
    stale = None
    if form.validate_on_submit():
        try:
            services.update_institution(current_user, record.id, form.values(services.EDITABLE_FIELDS + ("registration_reason",)),
                                        version=form.version.data)
        except Stale as error:
            stale = error.current
            form.version.data = stale.version  # saving again now overwrites knowingly, with the current values in view
            form.form_errors.append(error.message)
        except Invalid as error:
            form.take_errors(error)
        else:
            flash(gettext("Saved."), "success")
            _flash_flags(record)
            return redirect(url_for("register.institution", institution_id=record.id))
    return render_template("register/form.html", form=form, institution=record, stale=stale,
                           current_values=services.editable_values(stale) if stale else None), 409 if stale else _status(form)


@bp.route("/institutions/<int:institution_id>/transition/<to>", methods=["GET", "POST"])
@login_required
def transition(institution_id: int, to: str):
    record = services.get_institution(current_user, institution_id, "institution.transition")
    form = TransitionForm(data={"to": to, "version": record.version, "effective_on": local_today().isoformat()}
                          if request.method == "GET" else None)
    needs_confirmation = to in {s.value for s in FINAL_TRANSITIONS}
    if form.validate_on_submit():
        if needs_confirmation and not form.confirm.data:
            form.confirm.errors = [gettext("Tick the box to confirm.")]
        else:
            try:
                services.transition_institution(
                    current_user, record.id, to=to, reason=form.reason.data or "", version=form.version.data,
                    effective_on=form.effective_on.data, permit_number=form.permit_number.data or "",
                    new_category=form.new_category.data or "")
            except Stale as error:
                flash(error.message, "error")
                return redirect(url_for("register.institution", institution_id=record.id))
            except Invalid as error:
                form.take_errors(error)
            else:
                flash(gettext("%(name)s is now “%(status)s”.", name=record.name, status=STATUS_LABELS[to]), "success")
                successor = services.successor(record)
                if successor is not None:
                    flash(gettext("The new record No. %(id)s waits for its permit.", id=successor.id), "info")
                return redirect(url_for("register.institution", institution_id=record.id))
    return render_template("register/transition.html", form=form, institution=record, to=to,
                           label=TRANSITION_LABELS.get(to, to), needs_confirmation=needs_confirmation), _status(form)


@bp.route("/institutions/import", methods=["GET", "POST"])
@login_required
def import_institutions():
    authz.require(current_user, "institution.import")
    form = ImportForm()
    report = None
    if form.validate_on_submit():
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            form.form_errors.append(gettext("Choose a CSV file."))
        else:
            try:
                report = importing.import_institutions(current_user, upload.read(), skip_invalid=bool(form.skip_invalid.data),
                                                       source=upload.filename)
            except importing.ImportRefused as refused:
                report = refused.report
            except Invalid as error:
                form.form_errors.append(error.message)
    return render_template("register/import.html", form=form, report=report, columns=importing.COLUMNS)


@bp.get("/institutions/import/template.csv")
@login_required
def import_template():
    authz.require(current_user, "institution.import")
    return Response("\ufeff" + importing.template_csv(), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=institutions-template.csv"})
