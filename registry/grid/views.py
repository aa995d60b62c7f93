"""The grid's pages: cells and their import, the map, unassigned institutions, border cases, a grid worker's round,
the visit form, visits and their photos."""
from __future__ import annotations

import dataclasses
import json

import shapely
from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext
from flask_login import current_user, login_required

from registry.core import authz
from registry.core.errors import Invalid
from registry.core.forms import choices
from registry.core.web import page_arg, translated, upload_limit
from registry.core import storage
from registry.core.photos import MAX_PHOTO_BYTES, Upload
from registry.grid import importing, rules, services
from registry.grid.forms import (
    ANSWER_WORDS,
    CHECKLIST_LABELS,
    GRID_ACTION_LABELS,
    LEVEL_NAMES,
    OUTCOME_LABELS,
    VISIT_FLAG_LABELS,
    CellImportForm,
    RemoveWorkerForm,
    VisitForm,
    WorkerForm,
)
from registry.register import services as register

bp = Blueprint("grid", __name__, url_prefix="/grid")


@bp.app_context_processor
def helpers():
    labels = translated(CHECKLIST_LABELS=CHECKLIST_LABELS, VISIT_FLAG_LABELS=VISIT_FLAG_LABELS,
                        ANSWER_WORDS=ANSWER_WORDS, VISIT_OUTCOME_LABELS=OUTCOME_LABELS, LEVEL_NAMES=LEVEL_NAMES)
    levels = labels.pop("LEVEL_NAMES")
    return {**labels, "PROBLEM_ANSWER": rules.PROBLEM_ANSWER, "grid_panel": grid_panel,
            "cell_level": lambda level: levels[rules.level_name(level)]}


@bp.record_once
def _labels(state):
    from registry.register.forms import ACTION_LABELS

    ACTION_LABELS.update(GRID_ACTION_LABELS)



def grid_panel(institution):
    """What the institution page's grid panel shows: the cell and its parents, border mark, latest visits."""
    record, path = services.placement_of(institution.id)
    visits = services.latest_visits(current_user, institution.id) if authz.can(current_user, "visit.list") else None
    return {"assignment": record, "path": path, "linked": services.may_open(current_user, path), "visits": visits,
            "can_visit": authz.can(current_user, "visit.create", institution)}


# --- cells --------------------------------------------------------------------------------------------------------

@bp.get("/cells")
@login_required
def cells():
    parent = request.args.get("parent") or None
    items = services.cells(current_user, parent_code=parent, roots=parent is None and current_user.role != "grid_worker")
    return render_template("grid/cells.html", cells=items, parent=services.get_cell(current_user, parent) if parent else None)


@bp.get("/cells/suggest")
@login_required
def suggest_cells():
    """The register list's cell field asks as the user types (static/grid/cell-field.js): the first cells matching."""
    found = services.suggest_cells(current_user, request.args.get("q", ""))
    return jsonify({"cells": [dataclasses.asdict(s) for s in found]})


@bp.route("/cells/<code>", methods=["GET", "POST"])
@login_required
def cell(code: str):
    record = services.get_cell(current_user, code)
    form = WorkerForm()
    form.username.choices = choices([(u.username, u.label + f" ({u.username})") for u in services.grid_workers()])
    if request.method == "POST":
        authz.require(current_user, "grid.manage")
        if form.validate_on_submit():
            try:
                services.add_worker(current_user, code, form.username.data, leader=bool(form.leader.data))
            except Invalid as error:
                form.take_errors(error)
            else:
                flash(gettext("%(name)s now answers for this cell.", name=form.username.data), "success")
                return redirect(url_for("grid.cell", code=code))
    institutions = services.cell_institutions(current_user, code, page=page_arg())
    path = services.cell_path(record)
    return render_template("grid/cell.html", cell=record, path=path, linked=services.may_open(current_user, path), form=form,
                           remove_form=RemoveWorkerForm(), workers=services.workers_of(record),
                           children=services.cells(current_user, parent_code=code), page=institutions), \
        422 if form.errors or form.form_errors else 200


@bp.post("/cells/<code>/workers/remove")
@login_required
def remove_worker(code: str):
    authz.require(current_user, "grid.manage")
    form = RemoveWorkerForm()
    if form.validate_on_submit():
        services.remove_worker(current_user, code, form.username.data)
        flash(gettext("%(name)s no longer answers for this cell.", name=form.username.data), "success")
    return redirect(url_for("grid.cell", code=code))


@bp.route("/cells/import", methods=["GET", "POST"])
@login_required
def import_cells():
    authz.require(current_user, "grid.manage")
    form = CellImportForm()
    report, refused = None, False
    if form.validate_on_submit():
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            form.form_errors.append(gettext("Choose a GeoJSON file."))
        else:
            try:
                report = importing.import_cells(
                    current_user, upload.read(), code_property=form.code_property.data or "adcode",
                    name_property=form.name_property.data or "name", parent_code=form.parent.data or None,
                    repair=bool(form.repair.data), allow_overlaps=bool(form.allow_overlaps.data), source=upload.filename)
            except importing.CellImportRefused as error:
                report, refused = error.report, True
                form.form_errors.append(error.message)
            except Invalid as error:
                form.take_errors(error)
    status = 422 if refused or form.errors or form.form_errors else 200
    return render_template("grid/import.html", form=form, report=report, refused=refused), status


# --- the map ---------------------------------------------------------------------------------------------------------

@bp.get("/map")
@login_required
def map_page():
    authz.require(current_user, "grid.view")
    return render_template("grid/map.html", tile_url=current_app.config.get("REGISTRY_MAP_TILE_URL", ""))


@bp.get("/map/data.json")
@login_required
def map_data():
    """The map's layers: the cells (finest first drawn last) with their counts, and the institutions as markers."""
    data = services.map_layers(current_user)
    parents = {c.parent_id for c in data.cells}
    features = [{"type": "Feature", "id": c.code,
                 "geometry": json.loads(shapely.to_geojson(shapely.from_wkb(c.geometry))),
                 "properties": {"code": c.code, "name": c.name, "level": c.level, "leaf": c.id not in parents,
                                "institutions": data.counts.get(c.id, 0), "overdue": data.overdue.get(c.id, 0),
                                "url": url_for("grid.cell", code=c.code)}} for c in data.cells]
    markers = [{"id": i.id, "name": i.name, "lat": i.latitude, "lon": i.longitude, "category": i.category.value,
                "url": url_for("register.institution", institution_id=i.id)} for i in data.institutions]
    return jsonify({"cells": {"type": "FeatureCollection", "features": features}, "institutions": markers,
                    "tile_url": current_app.config.get("REGISTRY_MAP_TILE_URL", "")})


# --- unassigned and border cases -----------------------------------------------------------------------------------

@bp.get("/unassigned")
@login_required
def unassigned():
    return render_template("grid/unassigned.html", page=services.unassigned(current_user, page=page_arg()))


@bp.get("/border")
@login_required
def border():
    return render_template("grid/border.html", page=services.border_cases(current_user, page=page_arg()))


@bp.post("/border/<int:institution_id>")
@login_required
def confirm(institution_id: int):
    code = request.form.get("cell", "")
    try:
        services.confirm_assignment(current_user, institution_id, code)
    except Invalid as error:
        flash(" ".join(m for messages in error.fields.values() for m in messages) or error.message, "error")
        return redirect(url_for("grid.border"))
    flash(gettext("Confirmed: cell %(code)s.", code=code), "success")
    return redirect(url_for("grid.border"))


# --- a grid worker's round and visits ------------------------------------------------------------------------------

@bp.get("/round")
@login_required
def round_page():
    overdue_only = request.args.get("overdue") == "1"
    q = request.args.get("q", "")
    return render_template("grid/round.html", rounds=services.rounds(current_user, overdue_only=overdue_only, q=q),
                           overdue_only=overdue_only, q=q, scope=authz.institution_scope(current_user))


@bp.route("/institutions/<int:institution_id>/visit", methods=["GET", "POST"])
@upload_limit(services.MAX_PHOTOS * MAX_PHOTO_BYTES + 1024 * 1024)  # room for six full-size photos
@login_required
def visit_form(institution_id: int):
    institution = register.get_institution(current_user, institution_id)
    authz.require(current_user, "visit.create", institution)
    form = VisitForm()
    answers = {key: request.form.get(f"checklist-{key}", "") for key in rules.CHECKLIST_KEYS}
    checklist_errors: list[str] = []
    if form.validate_on_submit():
        raw = form.values(("client_id", "position_source", "latitude", "longitude", "accuracy", "visited_at", "outcome",
                           "outcome_reason", "notes", "report"))
        raw["institution_id"] = institution.id
        # The answers stay in the form when the worker then picks "could not inspect": that choice is what counts.
        if form.outcome.data == rules.INSPECTED:
            raw["checklist"] = {k: v == "yes" for k, v in answers.items() if v in ("yes", "no")}
        uploads = [Upload(f.filename, f.read()) for f in request.files.getlist("photos") if f and f.filename]
        try:
            recorded = services.record_visit(current_user, raw, uploads)
        except Invalid as error:
            checklist_errors = error.fields.pop("checklist", [])
            form.take_errors(error)
        else:
            flash_saved(recorded.visit)
            target = url_for("grid.visit", visit_id=recorded.visit.id)
            if request.headers.get("X-Visit-Draft"):  # visit.js sends the draft and goes there itself
                return jsonify({"url": target})
            return redirect(target)
    failed = bool(form.errors or form.form_errors or checklist_errors)
    return render_template("grid/visit_form.html", form=form, institution=institution, answers=answers,
                           checklist_errors=checklist_errors, max_photos=services.MAX_PHOTOS,
                           max_distance=current_app.config.get("REGISTRY_VISIT_MAX_DISTANCE_M", 200)), \
        422 if failed else 200


def flash_saved(visit) -> None:
    """What the worker is told once a visit is stored: saved (or saved but flagged), and to whom it was reported."""
    if visit.flagged:
        flash(gettext("Visit saved, but flagged: %(why)s.", why="; ".join(
            str(VISIT_FLAG_LABELS[f]) for f in visit.flag_reason.split(","))), "warning")
    else:
        flash(gettext("Visit saved."), "success")
    if visit.report is not None:
        department = visit.report.department
        flash(gettext("Reported to %(department)s.",
                      department=department.name_en if str(get_locale()) == "en" else department.name_zh), "info")


@bp.get("/visits")
@login_required
def visits():
    flagged = {"1": True, "0": False}.get(request.args.get("flagged", ""))
    cell = request.args.get("cell", "")
    page = services.list_visits(current_user, filters=services.VisitFilters(flagged=flagged, cell=cell), page=page_arg())
    return render_template("grid/visits.html", page=page, flagged=flagged, cell=cell)


@bp.get("/visits/<int:visit_id>")
@login_required
def visit(visit_id: int):
    return render_template("grid/visit.html", visit=services.get_visit(current_user, visit_id))


@bp.get("/visits/<int:visit_id>/photos/<int:photo_id>")
@login_required
def photo(visit_id: int, photo_id: int):
    record = services.get_photo(current_user, visit_id, photo_id)
    return storage.send_private(record.storage_key, record.content_type)
