"""/api/v1/inspections: inspections and re-inspections, and their notes (a finding is referred as a lead in `leads`)."""
from __future__ import annotations

from flask import jsonify, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from registry.core.api import CURRENT_JSON, OPENAPI_PATHS, OPENAPI_SCHEMAS, bp, id_arg, json_body, page_args
from registry.core.errors import Invalid
from registry.core.openapi import error, json_content, ref
from registry.enforcement import services
from registry.enforcement.api.common import (DATE, INT, NULL_DATE, NULL_INT, PAGING, READ_ERRORS, TEXT, USERNAMES,
                                             WRITE_ERRORS, created, day_arg, id_param, iso_day, list_of, ok, page_json,
                                             param)
from registry.enforcement.models import Inspection
from registry.enforcement.rules import Outcome, Result


def inspection_json(inspection: Inspection) -> dict:
    return {
        "id": inspection.id, "institution_id": inspection.institution_id, "department": inspection.department_code,
        "inspected_on": iso_day(inspection.inspected_on), "joint": inspection.joint,
        "staff": [{"username": s.user.username, "name": s.user.label, "department": s.department_code} for s in inspection.staff],
        "results": [{"item": r.item.key, "label": r.item.label_zh, "legal_basis": r.item.legal_basis,
                     "result": r.result.value, "note": r.note,
                     "photo": url_for("enforcement.photo", inspection_id=inspection.id, result_id=r.id) if r.photo_key else None}
                    for r in inspection.results],
        "outcome": inspection.outcome.value, "deadline": iso_day(inspection.deadline),
        "rectification_overdue": services.rectification_overdue(inspection),
        "follows": inspection.follows_id, "followed_by": [i.id for i in services.follow_ups(inspection.id)],
        "notes": inspection.notes, "version": inspection.version,
    }


CURRENT_JSON[Inspection] = inspection_json


@bp.get("/inspections")
@login_required
def list_inspections():
    page, per_page = page_args()
    filters = services.InspectionFilters(institution_id=id_arg("institution_id"), outcome=request.args.get("outcome", ""),
                                         overdue=request.args.get("overdue") in ("1", "true"),
                                         start=day_arg("start"), end=day_arg("end"))
    return jsonify(page_json(services.list_inspections(current_user, filters=filters, page=page, per_page=per_page),
                         inspection_json))


@bp.post("/inspections")
@login_required
def create_inspection():
    body = json_body()
    try:
        institution_id = int(body.get("institution_id"))
    except (TypeError, ValueError):
        raise Invalid(gettext("Please correct the marked fields."), {"institution_id": [gettext("Enter a whole number.")]})
    inspection = services.record_inspection(current_user, institution_id, body)
    return created(inspection_json(inspection), "api.get_inspection", inspection_id=inspection.id)


@bp.get("/inspections/<int:inspection_id>")
@login_required
def get_inspection(inspection_id: int):
    return jsonify(inspection_json(services.get_inspection(current_user, inspection_id)))


@bp.patch("/inspections/<int:inspection_id>")
@login_required
def patch_inspection(inspection_id: int):
    body = json_body()
    inspection = services.change_notes(current_user, inspection_id, notes=str(body.get("notes") or ""),
                                       version=body.get("version"))
    return jsonify(inspection_json(inspection))


OPENAPI_SCHEMAS.update({
    "Inspection": {"type": "object", "required": ["id", "institution_id", "inspected_on", "staff", "results", "outcome", "version"],
                   "properties": {
                       "id": INT, "institution_id": INT, "department": {**TEXT, "description": "the leading department"},
                       "inspected_on": DATE, "joint": {"type": "boolean", "description": "staff of more than one department"},
                       "staff": {"type": "array", "items": {"type": "object", "properties": {"username": TEXT, "name": TEXT, "department": TEXT}}},
                       "results": {"type": "array", "items": {"type": "object", "properties": {
                           "item": TEXT, "label": TEXT, "legal_basis": TEXT,
                           "result": {"type": "string", "enum": [r.value for r in Result]}, "note": TEXT,
                           "photo": {"type": "string", "nullable": True}}}},
                       "outcome": {"type": "string", "enum": [o.value for o in Outcome]}, "deadline": NULL_DATE,
                       "rectification_overdue": {"type": "boolean"}, "follows": NULL_INT,
                       "followed_by": {"type": "array", "items": INT}, "notes": TEXT, "version": INT}},
    "InspectionInput": {"type": "object", "required": ["institution_id", "inspected_on", "staff", "results", "outcome"],
                        "properties": {
                            "institution_id": INT, "inspected_on": DATE, "staff": {**USERNAMES, "minItems": 2},
                            "results": {"type": "object", "additionalProperties": {"type": "string", "enum": [r.value for r in Result]},
                                        "description": "checklist item key → pass/fail/na (a re-inspection: the failed items, pass = fixed)"},
                            "item_notes": {"type": "object", "additionalProperties": TEXT, "description": "a note for each failed item"},
                            "outcome": {"type": "string", "enum": [o.value for o in Outcome]},
                            "deadline": {**DATE, "description": "for a rectification order"},
                            "follows": {**INT, "description": "the inspection this re-inspects"}, "notes": TEXT,
                            "case_summary": {**TEXT, "description": "outcome case: the facts the case is opened on"},
                            "case_documents": TEXT}},
    "InspectionPatch": {"type": "object", "required": ["version", "notes"],
                        "properties": {"version": INT, "notes": {**TEXT, "description": "appended, dated and signed"}}},
    "InspectionList": list_of("Inspection"),
})


OPENAPI_PATHS.update({
    "/inspections": {
        "get": {"summary": "Inspections the caller may see (an officer: their department's, and joint ones they took part in)",
                "parameters": [param("institution_id", INT), param("outcome", {"type": "string", "enum": [o.value for o in Outcome]}),
                               param("overdue", {"type": "boolean"}, description="rectifications past their deadline without a re-inspection"),
                               param("start", DATE), param("end", DATE), *PAGING],
                "responses": {"200": ok("a page", "InspectionList"), "401": error("not authenticated"),
                              "403": error("not allowed"), "422": error("invalid filter")}},
        "post": {"summary": "Record an inspection or, with `follows`, a re-inspection",
                 "requestBody": {"required": True, **json_content(ref("InspectionInput"))},
                 "responses": {"201": ok("recorded", "Inspection"), **READ_ERRORS, "422": error("invalid fields")}},
    },
    "/inspections/{inspection_id}": {
        "parameters": [id_param("inspection_id")],
        "get": {"summary": "One inspection", "responses": {"200": ok("the inspection", "Inspection"), **READ_ERRORS}},
        "patch": {"summary": "Add to an inspection's notes (send the version you read)",
                  "requestBody": {"required": True, **json_content(ref("InspectionPatch"))},
                  "responses": {"200": ok("changed", "Inspection"), **WRITE_ERRORS}},
    },
})
