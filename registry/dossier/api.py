"""One institution as the API gives it: the register's record with what each area adds (its successor, escrow status,
grid cell, open cases and unpaid fines), for every route that answers with the record or a list of them."""
from __future__ import annotations

from flask import jsonify, url_for
from flask_login import current_user, login_required

from registry.core.api import CURRENT_JSON, OPENAPI_PATHS, OPENAPI_SCHEMAS, bp, json_body, page_args
from registry.core.openapi import error, json_content, ref
from registry.enforcement.services.standing import Standing, standing_of
from registry.escrow import services as escrow_services
from registry.grid import services as grid_services
from registry.grid.api import CELL_CODE, PAGING, institution_cell_fields
from registry.register import services
from registry.register.api import ID_PARAM, INSTITUTION_ERRORS, institution_fields
from registry.register.models import Institution
from registry.search.api import standing_fields


def institution_json(institution) -> dict:
    """One institution, with what other areas add: its successor, escrow status, grid cell."""
    successor = services.successor(institution)
    return {
        **institution_fields(institution),
        "converted_to": successor.id if successor else None,
        "escrow_status": escrow_services.status_of(institution.id).value,
        **institution_cell_fields(institution.id),
        **standing_fields(standing_of([institution.id]).get(institution.id, Standing())),
    }


CURRENT_JSON[Institution] = institution_json

@bp.post("/institutions")
@login_required
def create_institution():
    institution = services.register_institution(current_user, json_body())
    response = jsonify(institution_json(institution))
    response.headers["Location"] = url_for("api.get_institution", institution_id=institution.id)
    return response, 201


@bp.get("/institutions/<int:institution_id>")
@login_required
def get_institution(institution_id: int):
    return jsonify(institution_json(services.get_institution(current_user, institution_id)))


@bp.patch("/institutions/<int:institution_id>")
@login_required
def patch_institution(institution_id: int):
    body = json_body()
    institution = services.update_institution(current_user, institution_id, body, version=body.get("version"))
    return jsonify(institution_json(institution))


@bp.post("/institutions/<int:institution_id>/transitions")
@login_required
def transition_institution(institution_id: int):
    body = json_body()
    institution = services.transition_institution(
        current_user, institution_id, to=body.get("to"), reason=body.get("reason"), version=body.get("version"),
        effective_on=body.get("effective_on"), permit_number=body.get("permit_number") or "",
        new_category=body.get("new_category") or "")
    return jsonify(institution_json(institution))


@bp.get("/cells/<code>/institutions")
@login_required
def cell_institutions(code: str):
    page, per_page = page_args()
    result = grid_services.cell_institutions(current_user, code, page=page, per_page=per_page)
    return jsonify({"items": [institution_json(i) for i in result.items], "total": result.total,
                    "page": result.page, "per_page": result.per_page})


# --- the OpenAPI description: the fields the other areas add, the routes answering with the record -----------

OPENAPI_SCHEMAS["Institution"]["properties"].update({
    "escrow_status": {"type": "string", "enum": ["none", "opened", "normal", "warning", "violation", "frozen", "closed"],
                      "description": "the prepaid-fee escrow's status; details at /institutions/{id}/escrow"},
    "open_cases": {"type": "integer", "description": "penalty cases not yet closed"},
    "unpaid_fines": {"type": "string", "pattern": r"^\d+\.\d{2}$",
                     "description": "fines and confiscations ordered and not yet paid, yuan (元)"},
})

OPENAPI_PATHS.setdefault("/institutions", {})["post"] = {
    "summary": "Register an institution", "requestBody": {"required": True, **json_content(ref("InstitutionInput"))},
    "responses": {"201": {"description": "registered", **json_content(ref("Institution"))},
                  "401": error("not authenticated"), "403": error("not allowed"), "422": error("invalid fields")}}
OPENAPI_PATHS.update({
    "/cells/{code}/institutions": {"parameters": [CELL_CODE], "get": {
        "summary": "The institutions in a cell and the cells under it (that the caller may see)", "parameters": PAGING,
        "responses": {"200": {"description": "a page", **json_content(ref("InstitutionList"))},
                      "401": error("not authenticated"), "403": error("not allowed"), "404": error("no such cell")}}},
    "/institutions/{institution_id}": {
        "parameters": [ID_PARAM],
        "get": {"summary": "One institution", "responses": {"200": {"description": "the institution", **json_content(ref("Institution"))}, **INSTITUTION_ERRORS}},
        "patch": {"summary": "Change an institution's details (send the version you read)",
                  "requestBody": {"required": True, **json_content(ref("InstitutionPatch"))},
                  "responses": {"200": {"description": "changed", **json_content(ref("Institution"))}, **INSTITUTION_ERRORS,
                                "409": error("stale: `current` holds the record as it is now"), "422": error("invalid fields")}},
    },
    "/institutions/{institution_id}/transitions": {
        "parameters": [ID_PARAM],
        "post": {"summary": "Move an institution along its lifecycle", "requestBody": {"required": True, **json_content(ref("Transition"))},
                 "responses": {"200": {"description": "moved", **json_content(ref("Institution"))}, **INSTITUTION_ERRORS,
                               "409": error("stale"), "422": error("not allowed by the lifecycle, or invalid fields")}},
    },
})
