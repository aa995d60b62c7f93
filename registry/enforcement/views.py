"""Enforcement's pages: inspections and re-inspections, leads (with the public form and tracking), penalty cases and
their steps, fines and payments, checklists, and the records behind the bulletin's figures."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale, gettext
from flask_login import current_user, login_required

from registry.core import authz
from registry.core.errors import Invalid
from registry.core.forms import choices
from registry.core.models import local_today
from registry.core import storage
from registry.core.photos import MAX_PHOTO_BYTES, Upload
from registry.core.web import csv_download, page_arg, translated, upload_limit
from registry.enforcement import exports, indicators, rules, services
from registry.enforcement.forms import (ENFORCEMENT_ACTION_LABELS, FINE_STATE_LABELS, FOLLOW_UP_LABELS, GROUP_LABELS,
                                        INDICATOR_LABELS, INTAKE_LABELS, LEAD_OUTCOME_LABELS, LEAD_STATE_LABELS,
                                        OUTCOME_LABELS, RESULT_LABELS, SANCTION_LABELS, SOURCE_LABELS, STEP_HINTS,
                                        STEP_LABELS, AssignForm, CaseForm, ChecklistItemForm, CloseLeadForm, HandleForm,
                                        HotlineForm, InspectionForm, IntakeForm, NoteForm, PaymentForm, PublicLeadForm,
                                        ReferForm, StepForm, TrackForm, item_label)
from registry.extensions import limiter
from registry.register import services as register
from registry.core.dates import parse_day

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


def _day_arg(name: str) -> date | None:
    try:
        return parse_day(request.args.get(name) or None)
    except ValueError:
        return None


def _status(form) -> int:
    return 422 if form.errors or form.form_errors else 200


def _staff_choices(department: str | None = None):
    """Enforcement staff to tick (of `department` only, for a case), the signed-in user's department first."""
    own = getattr(current_user, "department_code", None)
    people = sorted((u for u in services.staff_choices() if department in (None, u.department_code)),
                    key=lambda u: u.department_code != own)  # sorted() is stable: then by department, as listed
    return choices([(u.username, f"{u.label} · {u.department.name_en if str(get_locale()) == 'en' else u.department.name_zh}")
                    for u in people])


def _district_choices(blank: str):
    return choices([("", blank)] + [(d.code, f"{d.city_name} {d.name}") for d in register.districts()])


def _department_choices():
    return choices([(d.code, d.name_en if str(get_locale()) == "en" else d.name_zh) for d in register.departments()])


def enforcement_panel(institution):
    """What the institution page's enforcement panel shows: its latest inspections, leads, cases and fines (as far as
    the user may see them), or None when the user sees none of them."""
    records = services.panel(current_user, institution.id)
    if records.inspections is None and records.leads is None:
        return None
    return {"records": records, "can_inspect": authz.can(current_user, "inspection.create", institution),
            "can_open_case": authz.can(current_user, "case.open")}


# --- inspections -----------------------------------------------------------------------------------------------------

@bp.get("/inspections")
@login_required
def inspections():
    filters = services.InspectionFilters(outcome=request.args.get("outcome", ""), overdue=request.args.get("overdue") == "1",
                                         start=_day_arg("start"), end=_day_arg("end"))
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
    form.staff.choices = _staff_choices()
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
                           answers=answers, notes=notes), _status(form)


@bp.route("/inspections/<int:inspection_id>", methods=["GET", "POST"])
@login_required
def inspection(inspection_id: int):
    record = services.get_inspection(current_user, inspection_id)
    note_form, refer_form = NoteForm(prefix="note"), ReferForm(prefix="refer")
    refer_form.department.choices = _department_choices()
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
    status = max(_status(note_form), _status(refer_form))
    return render_template("enforcement/inspection.html", inspection=record, note_form=note_form, refer_form=refer_form,
                           can_act=can_act, can_note=can_note, follow_ups=services.follow_ups(record.id),
                           cases=services.cases_from(inspection_id=record.id),
                           overdue=services.rectification_overdue(record)), status


@bp.get("/inspections/<int:inspection_id>/photos/<int:result_id>")
@login_required
def photo(inspection_id: int, result_id: int):
    result = services.get_result(current_user, inspection_id, result_id)
    return storage.send_private(result.photo_key, result.photo_type)


# --- leads -----------------------------------------------------------------------------------------------------------

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
    form.district.choices = _district_choices("—")
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
    return render_template("enforcement/lead_form.html", form=form), _status(form)


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
                           cases=services.cases_from(lead_id=record.id)), max(_status(f) for f in forms.values())


# --- cases -----------------------------------------------------------------------------------------------------------

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
    form.district.choices = _district_choices("—")
    form.people.choices = _staff_choices(getattr(current_user, "department_code", None))
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
    return render_template("enforcement/case_form.html", form=form, institution=institution), _status(form)


@bp.route("/cases/<int:case_id>", methods=["GET", "POST"])
@login_required
def case(case_id: int):
    record = services.get_case(current_user, case_id)
    form = StepForm()
    form.people.choices = _staff_choices(record.department_code)
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
                           violation_types=services.violation_types()), _status(form)


def fine_range_text(vtype) -> str:
    terms = services.checklists.terms_of(vtype)
    if terms.by_income:
        return gettext("fine %(low)s–%(high)s times the illegal income", low=f"{terms.min_times:g}", high=f"{terms.max_times:g}")
    low, high = rules.fine_range(terms, illegal_income=None)
    if high == 0:
        return gettext("no fine")
    return gettext("fine %(low)s–%(high)s", low=rules.format_fen(low), high=rules.format_fen(high))


# --- fines -----------------------------------------------------------------------------------------------------------

@bp.get("/fines")
@login_required
def fines():
    filters = services.FineFilters(state=request.args.get("state", ""), department=request.args.get("department", ""),
                                   district=request.args.get("district", ""), start=_day_arg("start"), end=_day_arg("end"))
    page, totals = services.list_fines(current_user, filters=filters, page=page_arg())
    return render_template("enforcement/fines.html", page=page, totals=totals, filters=filters,
                           districts=register.districts(), departments=register.departments())


@bp.route("/fines/<int:fine_id>", methods=["GET", "POST"])
@login_required
def fine(fine_id: int):
    record = services.get_fine(current_user, fine_id)
    form = PaymentForm()
    if request.method == "POST":
        authz.require(current_user, "fine.pay", record)
        if form.validate_on_submit():
            try:
                services.record_payment(current_user, record.id, form.values(("amount", "paid_on", "receipt_number")),
                                        version=form.version.data)
            except Invalid as error:
                form.take_errors(error)
            else:
                flash(gettext("Payment recorded."), "success")
                return redirect(url_for("enforcement.fine", fine_id=record.id))
    else:
        form.paid_on.data = local_today().isoformat()
    form.version.data = record.version
    return render_template("enforcement/fine.html", fine=record, form=form,
                           can_pay=authz.can(current_user, "fine.pay", record) and record.outstanding > 0), _status(form)


# --- checklists (administrators) -----------------------------------------------------------------------------------

@bp.get("/checklists")
@login_required
def checklists():
    authz.require(current_user, "checklist.manage")
    return render_template("enforcement/checklists.html", items=services.all_items())


@bp.route("/checklists/new", methods=["GET", "POST"], defaults={"item_id": None})
@bp.route("/checklists/<int:item_id>", methods=["GET", "POST"])
@login_required
def checklist_item(item_id: int | None):
    authz.require(current_user, "checklist.manage")
    item = services.get_item(item_id) if item_id is not None else None
    form = ChecklistItemForm(obj=item if request.method == "GET" else None)
    from registry.register.forms import CATEGORY_LABELS

    form.category.choices = choices(list(CATEGORY_LABELS.items()))
    form.bulletin_group.choices = choices([("", gettext("Not counted"))] + list(GROUP_LABELS.items()))
    if form.validate_on_submit():
        raw = form.values(("category", "key", "label_zh", "label_en", "legal_basis", "bulletin_group", "position"))
        raw["active"] = bool(form.active.data)
        try:
            saved = services.save_item(current_user, raw, item_id=item_id)
        except Invalid as error:
            form.take_errors(error)
        else:
            flash(gettext("Checklist item saved: %(item)s.", item=item_label(saved)), "success")
            return redirect(url_for("enforcement.checklists"))
    return render_template("enforcement/checklist_item.html", form=form, item=item), _status(form)


# --- the records behind a figure -------------------------------------------------------------------------------------

def _indicator_filters(key: str) -> dict:
    """The period and district of a figure's records (page or download), once the user may read them."""
    if key not in indicators.KEYS:
        abort(404)
    if not (authz.can(current_user, "inspection.list") or authz.can(current_user, "lead.list")):
        abort(403)
    start, end = _day_arg("start"), _day_arg("end")
    if start is None or end is None or start > end:
        end = end or local_today()
        start = start if start and start <= end else end.replace(day=1)
    district = request.args.get("district") or None  # None: every district; NO_DISTRICT: records without one
    return {"start": start, "end": end, "district": "" if district == NO_DISTRICT else district}


NO_DISTRICT = "none"


@bp.get("/indicators/<key>")
@login_required
def indicator_records(key: str):
    filters = _indicator_filters(key)
    found = indicators.records(current_user, key, **filters)
    return render_template("enforcement/indicator_records.html", key=key, label=INDICATOR_LABELS[key], **filters,
                           records=indicators.shown(found), total=indicators.total(key, found),
                           districts=register.districts(), no_district=NO_DISTRICT)


@bp.get("/indicators/<key>.csv")
@login_required
def indicator_records_csv(key: str):
    """Every record behind the figure (the page shows up to 500 of each kind), streamed as CSV with a BOM for Excel."""
    filters = _indicator_filters(key)
    rows = exports.rows(indicators.each_shown(current_user, key, **filters))
    return csv_download(exports.header(), rows, f"records-{key}-{filters['start']:%Y%m%d}-{filters['end']:%Y%m%d}.csv")


# --- the public's pages ----------------------------------------------------------------------------------------------

@public_bp.route("/report", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config.get("REGISTRY_PUBLIC_LEAD_LIMIT", "5 per hour"), methods=["POST"])
def public_report():
    form = PublicLeadForm()
    form.district.choices = _district_choices(gettext("Not sure"))
    if form.validate_on_submit():
        try:
            lead = services.submit_public_lead(form.values(("subject_name", "subject_address", "district", "description",
                                                            "reporter_name", "reporter_phone")))
        except Invalid as error:
            form.take_errors(error)
        else:
            # Redirect after the POST, so that refreshing the thanks page does not file the report again; the number
            # goes to the next page in the session, not in its address.
            session["reported"] = {"number": lead.tracking_number, "deadline": lead.deadline.isoformat()}
            return redirect(url_for("enforcement_public.public_thanks"), 303)
    return render_template("enforcement/public_report.html", form=form), _status(form)


@public_bp.get("/report/thanks")
def public_thanks():
    """The tracking number of the report just filed, shown once."""
    return render_template("enforcement/public_thanks.html", reported=session.pop("reported", None))


@public_bp.get("/report/track")
@limiter.limit("20 per minute")
def public_track():
    form = TrackForm(request.args)
    lead, asked = None, bool(request.args.get("number"))
    if asked:
        lead = services.track(form.number.data or "", form.phone.data or "")
    return render_template("enforcement/public_track.html", form=form, lead=lead, asked=asked), 404 if asked and lead is None else 200
