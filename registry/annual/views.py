"""The annual inspection's pages: campaigns, a campaign's progress and its lists (CSV too), one institution's review
with the facts the registry knows, its materials, grade, correction, rectification and proposal."""
from __future__ import annotations

import tempfile

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from registry.annual import services
from registry.annual.facts import facts_for
from registry.annual.forms import (EXEMPT_LABELS, FACT_LABELS, GRADE_LABELS, MATERIAL_LABELS, PROPOSAL_LABELS,
                                   PROPOSAL_STATE_LABELS, SHOW_LABELS, STATE_LABELS, CampaignForm, CorrectionForm,
                                   MaterialForm, ProposalForm, RectifiedForm, item_field, review_form_class,
                                   review_values)
from registry.annual.models import AnnualInspection
from registry.annual.rules import MATERIAL_KINDS, Grade, ProposalState, State
from registry.core import authz
from registry.core.errors import Conflict, Invalid
from registry.core.forms import choices
from registry.core.models import local_today
from registry.core.spreadsheet import xlsx_row
from registry.core.web import csv_download, download, page_arg, translated
from registry.extensions import db
from registry.register import services as register

bp = Blueprint("annual", __name__, url_prefix="/annual")


@bp.app_context_processor
def labels():
    return {
        # The institution page's panel (dossier/institution.html): its inspections, when the user may read them.
        "annual_panel": lambda institution: services.inspections_of(current_user, institution),
        **translated(ANNUAL_GRADE_LABELS=GRADE_LABELS, ANNUAL_STATE_LABELS=STATE_LABELS, ANNUAL_SHOW_LABELS=SHOW_LABELS,
                     ANNUAL_MATERIAL_LABELS=MATERIAL_LABELS, ANNUAL_PROPOSAL_LABELS=PROPOSAL_LABELS,
                     ANNUAL_PROPOSAL_STATE_LABELS=PROPOSAL_STATE_LABELS, ANNUAL_EXEMPT_LABELS=EXEMPT_LABELS,
                     ANNUAL_FACT_LABELS=FACT_LABELS),
    }


def _status(form) -> int:
    """422 for a form shown again with errors, so the request rolls back and clients can tell."""
    return 422 if form.errors or form.form_errors else 200


def _district_names() -> dict[str, str]:
    return {d.code: d.name for d in register.districts()}


@bp.get("/")
@login_required
def campaigns():
    return render_template("annual/campaigns.html", campaigns=services.list_campaigns(current_user),
                           districts=_district_names())


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new_campaign():
    authz.require(current_user, "annual.open")
    form = CampaignForm()
    form.area.choices = choices([("", gettext("The whole city"))] + [(d.code, d.name) for d in register.districts()])
    form.department.choices = choices((d.code, d.name_zh) for d in register.departments())
    if request.method == "GET":
        form.year.data = str(local_today().year - 1 if local_today().month < 7 else local_today().year)
        form.department.data = current_user.department_code
    if form.validate_on_submit():
        try:
            campaign = services.open_campaign(current_user, form.values(("year", "materials_deadline", "results_deadline",
                                                                         "area", "department")))
        except Invalid as error:
            form.take_errors(error)
        else:
            flash(gettext("Annual inspection opened: %(due)s due, %(exempt)s exempt.", due=campaign.due_count,
                          exempt=campaign.exempt_count), "success")
            return redirect(url_for("annual.campaign", campaign_id=campaign.id))
    return render_template("annual/campaign_form.html", form=form, admin=current_user.role == "admin"), _status(form)


@bp.get("/campaigns/<int:campaign_id>")
@login_required
def campaign(campaign_id: int):
    record = services.get_campaign(current_user, campaign_id)
    return render_template("annual/progress.html", campaign=record, figures=services.progress(current_user, campaign_id),
                           by_district=services.progress_by_district(current_user, campaign_id),
                           districts=_district_names(), today=local_today())


def _filters(campaign_id: int) -> services.Filters:
    show = request.args.get("show", "all")
    district = request.args.get("district", "")
    return services.Filters(campaign_id=campaign_id, show=show if show in services.SHOWS else "all",
                            district=district if district in _district_names() else None)


@bp.get("/campaigns/<int:campaign_id>/institutions")
@login_required
def campaign_list(campaign_id: int):
    record = services.get_campaign(current_user, campaign_id)
    filters = _filters(campaign_id)
    return render_template("annual/list.html", campaign=record, filters=filters, districts=_district_names(),
                           page=services.list_inspections(current_user, filters, page=page_arg(), per_page=50))


@bp.get("/campaigns/<int:campaign_id>/institutions.<fmt>")
@login_required
def campaign_export(campaign_id: int, fmt: str):
    """The list as a file for Excel: CSV with a BOM, or XLSX (text cells that cannot run as formulas)."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    campaign, filters = services.get_campaign(current_user, campaign_id), _filters(campaign_id)
    grades, states = translated(g=GRADE_LABELS, s=STATE_LABELS).values()
    names = _district_names()
    header = [gettext("Institution"), gettext("Credit code"), gettext("District"), gettext("Year"),
              gettext("Inspection state"), gettext("Grade"), gettext("Points"), gettext("Reviewed on"),
              gettext("Rectification deadline"), gettext("Rectified on"), gettext("Enrolment stopped")]
    rows = ([i.institution.name, i.institution.credit_code, names.get(i.district, i.district), i.year,
             states[i.state.value], grades[i.grade.value] if i.grade else "", i.points if i.points is not None else "",
             i.reviewed_on or "", i.rectification_deadline or "", i.rectified_on or "",
             gettext("Yes") if i.enrolment_stopped else gettext("No")]
            for i in _in_chunks(services.filtered(current_user, filters)))
    filename = f"annual-{campaign.year}-{campaign.department_code}-{filters.show}.{fmt}"
    if fmt == "csv":
        return csv_download(header, rows, filename)
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(campaign.year))
    sheet.append(xlsx_row(sheet, header))
    for row in rows:
        sheet.append(xlsx_row(sheet, row))
    spool = tempfile.TemporaryFile()
    book.save(spool)
    spool.seek(0)
    return download(send_file(spool, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), filename)


def _in_chunks(query, size: int = 1000):
    """The query's records a chunk at a time by id: a streamed download outlives the request's transaction, so no
    cursor may stay open across chunks."""
    last = 0
    while True:
        chunk = list(db.session.scalars(query.where(AnnualInspection.id > last).order_by(None)
                                        .order_by(AnnualInspection.id).limit(size)))
        yield from chunk
        if len(chunk) < size:
            return
        last = chunk[-1].id


@bp.post("/campaigns/<int:campaign_id>/absentees")
@login_required
def absentees(campaign_id: int):
    try:
        count = services.mark_absentees(current_user, campaign_id)
    except Invalid as error:
        flash(error.message, "error")
        return redirect(url_for("annual.campaign", campaign_id=campaign_id))
    flash(gettext("%(count)s institutions that handed in nothing are graded “did not take part”.", count=count), "success")
    return redirect(url_for("annual.campaign_list", campaign_id=campaign_id, show="absent"))


@bp.post("/campaigns/<int:campaign_id>/publish")
@login_required
def publish(campaign_id: int):
    campaign = services.publish_results(current_user, campaign_id)
    flash(gettext("The results are published on the public page."), "success")
    return redirect(url_for("annual.results", year=campaign.year))


@bp.get("/results")
def results():
    """The public's page: the published results of a year (年检结果公告)."""
    years = services.published_years()
    asked = request.args.get("year", "")
    year = int(asked) if asked.isdecimal() and int(asked) in years else (years[0] if years else None)
    return render_template("annual/results.html", years=years, year=year, districts=_district_names(),
                           page=services.published_results(year, page=page_arg()) if year else None)


# --- one institution's annual inspection -----------------------------------------------------------------------

def _page(inspection, *, status: int = 200, **forms):
    standard = services.standard()
    may_review = authz.can(current_user, "annual.review", inspection)
    if may_review:
        forms.setdefault("material_form", MaterialForm(formdata=None, received_on=local_today().isoformat()))
        forms["material_form"].kind.choices = choices((k, str(MATERIAL_LABELS[k])) for k in MATERIAL_KINDS)
        if inspection.state is State.due:
            forms.setdefault("review_form", review_form_class(standard)(
                formdata=None, version=inspection.version, reviewed_on=local_today().isoformat(),
                signed_by=current_user.username if current_user.role != "admin" else ""))
        if inspection.state is State.reviewed:
            forms.setdefault("correction_form", CorrectionForm(formdata=None, version=inspection.version))
            forms["correction_form"].grade.choices = choices((g.value, str(GRADE_LABELS[g.value])) for g in Grade)
        if inspection.rectification_deadline and not inspection.rectified_on:
            forms.setdefault("rectified_form", RectifiedForm(formdata=None, version=inspection.version))
        if inspection.proposal_state is ProposalState.proposed:
            forms.setdefault("proposal_form", ProposalForm(formdata=None, version=inspection.version))
    received = {m.kind: m for m in inspection.materials}
    return render_template("annual/inspection.html", inspection=inspection, standard=standard, may_review=may_review,
                           facts=facts_for(inspection.institution_id, inspection.year), received=received,
                           missing=[k for k in MATERIAL_KINDS if k not in received],
                           results={r.item_key: r for r in inspection.item_results}, districts=_district_names(),
                           previous=services.previous_grade(inspection), today=local_today(), **forms), status


@bp.get("/inspections/<int:inspection_id>")
@login_required
def inspection(inspection_id: int):
    return _page(services.get_inspection(current_user, inspection_id))


def _act(inspection_id: int, form, action, message: str, form_name: str, *, field=None):
    """Run a service action from a form on the review page; on refusal the page again with the errors beside the
    fields and what was typed kept."""
    record = services.get_inspection(current_user, inspection_id, "annual.review")
    if form.validate_on_submit():
        try:
            action(record)
        except Invalid as error:
            if field is not None:
                error = Invalid(error.message, {field(name): messages for name, messages in error.fields.items()})
            form.take_errors(error)
        except Conflict as error:
            form.form_errors = [error.message]
        else:
            flash(message, "success")
            return redirect(url_for("annual.inspection", inspection_id=inspection_id))
    return _page(record, status=422, **{form_name: form})


@bp.post("/inspections/<int:inspection_id>/materials")
@login_required
def material(inspection_id: int):
    form = MaterialForm()
    form.kind.choices = choices((k, str(MATERIAL_LABELS[k])) for k in MATERIAL_KINDS)
    return _act(inspection_id, form, lambda r: services.record_material(
        current_user, r.id, form.values(("kind", "received_on", "note"))), gettext("Material recorded."), "material_form")


@bp.post("/inspections/<int:inspection_id>/review")
@login_required
def review(inspection_id: int):
    standard = services.standard()
    form = review_form_class(standard)()
    return _act(inspection_id, form, lambda r: services.review(current_user, r.id, review_values(form, standard),
                                                               version=form.version.data),
                gettext("Review recorded."), "review_form", field=lambda name: item_field(name, standard))


@bp.post("/inspections/<int:inspection_id>/correction")
@login_required
def correct(inspection_id: int):
    form = CorrectionForm()
    form.grade.choices = choices((g.value, str(GRADE_LABELS[g.value])) for g in Grade)
    return _act(inspection_id, form, lambda r: services.correct_grade(
        current_user, r.id, form.values(("grade", "reason", "rectification", "rectification_deadline")),
        version=form.version.data), gettext("Grade corrected."), "correction_form")


@bp.post("/inspections/<int:inspection_id>/rectified")
@login_required
def rectified(inspection_id: int):
    form = RectifiedForm()
    return _act(inspection_id, form, lambda r: services.record_rectified(
        current_user, r.id, form.values(("rectified_on",)), version=form.version.data),
        gettext("Rectification recorded."), "rectified_form")


@bp.post("/inspections/<int:inspection_id>/proposal")
@login_required
def proposal(inspection_id: int):
    form = ProposalForm()
    return _act(inspection_id, form, lambda r: services.decide_proposal(
        current_user, r.id, form.values(("decision", "reason")), version=form.version.data),
        gettext("Decision recorded."), "proposal_form")
