"""The annual inspection's JSON API: /api/v1/annual-inspections (filters: year, department, district, state, grade),
one inspection, and its review."""
from __future__ import annotations

from flask import jsonify, request
from flask_babel import gettext
from flask_login import current_user, login_required

from registry.annual import services
from registry.annual.rules import Grade, State
from registry.core.api import CURRENT_JSON, OPENAPI_PATHS, OPENAPI_SCHEMAS, bp, json_body, page_args
from registry.core.errors import Invalid
from registry.core.openapi import error, json_content, ref
from registry.annual.models import AnnualInspection


def _day(value) -> str | None:
    return value.isoformat() if value else None


def inspection_json(inspection: AnnualInspection) -> dict:
    return {
        "id": inspection.id, "campaign_id": inspection.campaign_id, "institution_id": inspection.institution_id,
        "institution_name": inspection.institution.name, "year": inspection.year,
        "department": inspection.department_code, "district": inspection.district, "state": inspection.state.value,
        "exempt_reason": inspection.exempt_reason or None, "grade": inspection.grade.value if inspection.grade else None,
        "points": inspection.points, "reviewed_on": _day(inspection.reviewed_on), "late": inspection.late,
        "materials": {m.kind: m.received_on.isoformat() for m in inspection.materials},
        "items": [{"item": r.item_key, "points_lost": r.points_lost, "fails_whole": r.fails_whole, "reason": r.reason}
                  for r in inspection.item_results],
        "rectification": inspection.rectification or None,
        "rectification_deadline": _day(inspection.rectification_deadline),
        "rectified_on": _day(inspection.rectified_on), "enrolment_stopped": inspection.enrolment_stopped,
        "proposal": inspection.proposal.value if inspection.proposal else None,
        "proposal_state": inspection.proposal_state.value if inspection.proposal_state else None,
        "version": inspection.version,
    }


CURRENT_JSON[AnnualInspection] = inspection_json


def _choice(name: str, allowed) -> str | None:
    value = request.args.get(name, "")
    if value == "":
        return None
    if value not in allowed:
        raise Invalid(gettext("Invalid filter."), {name: [gettext("Use one of: %(values)s.", values=", ".join(allowed))]})
    return value


def _year() -> int | None:
    value = request.args.get("year", "")
    if value == "":
        return None
    if not value.isdecimal() or not 2000 <= int(value) <= 2100:
        raise Invalid(gettext("Invalid filter."), {"year": [gettext("A year such as 2026.")]})
    return int(value)


@bp.get("/annual-inspections")
@login_required
def annual_inspections():
    page, per_page = page_args()
    filters = services.Filters(year=_year(), department=request.args.get("department") or None,
                               district=request.args.get("district") or None,
                               state=_choice("state", [s.value for s in State]),
                               grade=_choice("grade", [g.value for g in Grade]))
    result = services.list_inspections(current_user, filters, page=page, per_page=per_page)
    return jsonify({"items": [inspection_json(i) for i in result.items], "total": result.total, "page": result.page,
                    "per_page": result.per_page})


@bp.get("/annual-inspections/<int:inspection_id>")
@login_required
def get_annual_inspection(inspection_id: int):
    return jsonify(inspection_json(services.get_inspection(current_user, inspection_id)))


@bp.post("/annual-inspections/<int:inspection_id>/review")
@login_required
def review_annual_inspection(inspection_id: int):
    body = json_body()
    inspection = services.review(current_user, inspection_id, body, version=body.get("version"))
    return jsonify(inspection_json(inspection))


# --- the OpenAPI description ------------------------------------------------------------------------------------

ID = {"name": "inspection_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}
DAY = {"type": "string", "format": "date", "nullable": True}
OPENAPI_SCHEMAS.update({
    "AnnualInspection": {"type": "object", "properties": {
        "id": {"type": "integer"}, "campaign_id": {"type": "integer"}, "institution_id": {"type": "integer"},
        "institution_name": {"type": "string"}, "year": {"type": "integer"}, "department": {"type": "string"},
        "district": {"type": "string"}, "state": {"type": "string", "enum": [s.value for s in State]},
        "exempt_reason": {"type": "string", "nullable": True},
        "grade": {"type": "string", "enum": [g.value for g in Grade], "nullable": True,
                  "description": "pass 合格, basic 基本合格, fail 不合格, absent 未参检"},
        "points": {"type": "integer", "nullable": True}, "reviewed_on": DAY, "late": {"type": "boolean"},
        "materials": {"type": "object", "additionalProperties": {"type": "string", "format": "date"}},
        "items": {"type": "array", "items": {"type": "object", "properties": {
            "item": {"type": "string"}, "points_lost": {"type": "integer"}, "fails_whole": {"type": "boolean"},
            "reason": {"type": "string"}}}},
        "rectification": {"type": "string", "nullable": True}, "rectification_deadline": DAY, "rectified_on": DAY,
        "enrolment_stopped": {"type": "boolean"},
        "proposal": {"type": "string", "enum": ["suspend", "revoke"], "nullable": True},
        "proposal_state": {"type": "string", "enum": ["proposed", "confirmed", "declined"], "nullable": True},
        "version": {"type": "integer"}}},
    "AnnualInspectionList": {"type": "object", "properties": {
        "items": {"type": "array", "items": ref("AnnualInspection")}, "total": {"type": "integer"},
        "page": {"type": "integer"}, "per_page": {"type": "integer"}}},
    "AnnualReview": {"type": "object", "required": ["version", "reviewed_on", "signed_by", "cosigned_by"], "properties": {
        "version": {"type": "integer"}, "reviewed_on": {"type": "string", "format": "date"},
        "signed_by": {"type": "string"}, "cosigned_by": {"type": "string"},
        "lost": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0},
                 "description": "points lost per item of the standard"},
        "reasons": {"type": "object", "additionalProperties": {"type": "string"}},
        "failing": {"type": "array", "items": {"type": "string"}, "description": "items that fail the inspection"},
        "absent": {"type": "boolean"}, "refused": {"type": "boolean"}, "rectification": {"type": "string"},
        "rectification_deadline": {"type": "string", "format": "date"}}},
})
FILTERS = [{"name": "year", "in": "query", "required": False, "schema": {"type": "integer"}},
           {"name": "department", "in": "query", "required": False, "schema": {"type": "string"}},
           {"name": "district", "in": "query", "required": False, "schema": {"type": "string"}},
           {"name": "state", "in": "query", "required": False, "schema": {"type": "string", "enum": [s.value for s in State]}},
           {"name": "grade", "in": "query", "required": False, "schema": {"type": "string", "enum": [g.value for g in Grade]}},
           *[{"name": n, "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1}} for n in ("page", "per_page")]]
OPENAPI_PATHS.update({
    "/annual-inspections": {"get": {
        "summary": "Annual inspections the caller may read, newest year first", "parameters": FILTERS,
        "responses": {"200": {"description": "a page", **json_content(ref("AnnualInspectionList"))},
                      "403": error("not allowed"), "422": error("invalid filter")}}},
    "/annual-inspections/{inspection_id}": {"parameters": [ID], "get": {
        "summary": "One annual inspection", "responses": {
            "200": {"description": "the inspection", **json_content(ref("AnnualInspection"))},
            "403": error("not allowed"), "404": error("no such inspection")}}},
    "/annual-inspections/{inspection_id}/review": {"parameters": [ID], "post": {
        "summary": "Grade an annual inspection (two officers sign)",
        "requestBody": {"required": True, **json_content(ref("AnnualReview"))},
        "responses": {"200": {"description": "graded", **json_content(ref("AnnualInspection"))},
                      "403": error("not allowed"), "404": error("no such inspection"),
                      "409": error("graded already, exempt or closed; or stale"), "422": error("invalid fields")}}},
})
