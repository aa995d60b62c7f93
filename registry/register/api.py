"""The register's JSON API: /api/v1/institutions."""
from __future__ import annotations

from flask import jsonify, request, url_for
from flask_login import current_user, login_required

from registry.core.api import OPENAPI_PATHS, OPENAPI_SCHEMAS, bp, json_body, page_args
from registry.core.messages import shown
from registry.core.openapi import error, json_content, ref
from registry.escrow import services as escrow_services
from registry.enforcement.services.standing import Standing, standing_of
from registry.escrow.rules import EscrowStatus, yuan_text
from registry.register import services
from registry.register.rules import LIMITS, RANGES, Category, Status, TeachingMode


def institution_json(institution) -> dict:
    """One institution, with what other areas add: its successor, escrow status, grid cell."""
    successor = services.successor(institution)
    return {
        **_record_fields(institution),
        "converted_to": successor.id if successor else None,
        "escrow_status": escrow_services.status_of(institution.id).value,
        **_grid_fields(institution.id),
        **_standing_fields(standing_of([institution.id]).get(institution.id, Standing())),
    }


def _list_item_json(result) -> dict:
    """A search result: the record and what the search already joined (no query per institution)."""
    return {**_record_fields(result.institution), "escrow_status": result.escrow_status, "cell": result.cell_code,
            **_standing_fields(result.standing)}


def _standing_fields(standing: Standing) -> dict:
    return {"open_cases": standing.open_cases, "unpaid_fines": yuan_text(standing.unpaid_fen)}


def _record_fields(institution) -> dict:
    return {
        "id": institution.id,
        "name": institution.name,
        "credit_code": institution.credit_code,
        "category": institution.category.value,
        "department": institution.department_code,
        "permit_number": institution.permit_number,
        "address": institution.address,
        "district": institution.district,
        "latitude": institution.latitude,
        "longitude": institution.longitude,
        "legal_representative": institution.legal_representative,
        "contact_phone": institution.contact_phone,
        "floor_area": institution.floor_area,
        "capacity": institution.capacity,
        "teaching_mode": institution.teaching_mode.value,
        "status": institution.status.value,
        "licensed_on": institution.licensed_on.isoformat() if institution.licensed_on else None,
        "status_since": institution.status_since.isoformat() if institution.status_since else None,
        "flags": list(institution.flags or []),
        "converted_from": institution.converted_from_id,
        "version": institution.version,
    }


def _grid_fields(institution_id: int) -> dict:
    from registry.grid.api import institution_cell_fields

    return institution_cell_fields(institution_id)


@bp.get("/institutions")
@login_required
def list_institutions():
    page, per_page = page_args()
    from registry.search.services import SearchQuery, search

    result = search(current_user, SearchQuery.from_args(request.args), page=page, per_page=per_page)
    return jsonify({"items": [_list_item_json(r) for r in result.items],
                    "total": result.total, "total_exact": result.total_exact, "page": result.page,
                    "per_page": result.per_page})


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


@bp.get("/institutions/<int:institution_id>/history")
@login_required
def institution_history(institution_id: int):
    record = services.history(current_user, institution_id)
    return jsonify({"items": [
        {"at": e.at.isoformat() + "Z", "actor": e.actor, "action": e.action, "reason": shown(e.reason),
         "before": e.before_data, "after": e.after_data} for e in record["entries"]]})


# --- the OpenAPI description ------------------------------------------------------------------------------

_text = {"type": "string"}
_nullable_number = {"type": "number", "nullable": True}
# The limits the register's rules enforce (register.rules), declared so a client knows them before it is refused.
def _ranged(name: str, kind: str, *, nullable: bool = False) -> dict:
    low, high = RANGES[name]
    return {"type": kind, "minimum": low, "maximum": high, **({"nullable": True} if nullable else {})}


_latitude, _longitude = _ranged("latitude", "number"), _ranged("longitude", "number")
_floor_area, _capacity = _ranged("floor_area", "number", nullable=True), _ranged("capacity", "integer", nullable=True)


def _limited(name: str) -> dict:
    return {"type": "string", "maxLength": LIMITS[name]}

OPENAPI_SCHEMAS.update({
    "Institution": {
        "type": "object",
        "required": ["id", "name", "credit_code", "category", "department", "permit_number", "address", "district",
                     "latitude", "longitude", "status", "version"],
        "properties": {
            "id": {"type": "integer"}, "name": _text,
            "credit_code": {"type": "string", "description": "统一社会信用代码, 18 characters with its check character"},
            "category": {"type": "string", "enum": [c.value for c in Category]},
            "department": {"type": "string", "description": "supervising department, derived from the category"},
            "permit_number": _text, "address": _text, "district": {"type": "string", "description": "district code"},
            "latitude": {"type": "number"}, "longitude": {"type": "number"},
            "legal_representative": _text, "contact_phone": _text,
            "floor_area": _nullable_number, "capacity": {"type": "integer", "nullable": True},
            "teaching_mode": {"type": "string", "enum": [m.value for m in TeachingMode]},
            "status": {"type": "string", "enum": [s.value for s in Status]},
            "licensed_on": {"type": "string", "format": "date", "nullable": True},
            "status_since": {"type": "string", "format": "date", "nullable": True},
            "flags": {"type": "array", "items": _text},
            "converted_from": {"type": "integer", "nullable": True},
            "converted_to": {"type": "integer", "nullable": True},
            "version": {"type": "integer"},
            "escrow_status": {"type": "string", "enum": ["none", "opened", "normal", "warning", "violation", "frozen", "closed"],
                              "description": "the prepaid-fee escrow's status; details at /institutions/{id}/escrow"},
            "open_cases": {"type": "integer", "description": "penalty cases not yet closed"},
            "unpaid_fines": {"type": "string", "pattern": r"^\d+\.\d{2}$",
                             "description": "fines and confiscations ordered and not yet paid, yuan (元)"},
        },
    },
    "InstitutionInput": {
        "type": "object",
        "required": ["name", "credit_code", "category", "address", "district", "latitude", "longitude"],
        "properties": {
            "name": _limited("name"), "credit_code": _text,
            "category": {"type": "string", "enum": [c.value for c in Category]},
            "permit_number": _text, "address": _limited("address"), "district": _text,
            "latitude": _latitude, "longitude": _longitude,
            "legal_representative": _limited("legal_representative"), "contact_phone": _text,
            "floor_area": _floor_area, "capacity": _capacity,
            "teaching_mode": {"type": "string", "enum": [m.value for m in TeachingMode]},
            "status": {"type": "string", "enum": ["applied", "licensed"]},
            "licensed_on": {"type": "string", "format": "date"},
            "registration_reason": {**_limited("registration_reason"), "description": "required for an academic institution"},
        },
    },
    "InstitutionPatch": {
        "type": "object", "required": ["version"],
        "properties": {"version": {"type": "integer"}, "registration_reason": _limited("registration_reason"),
                       **{k: v for k, v in [("name", _limited("name")), ("credit_code", _text), ("permit_number", _text),
                                            ("address", _limited("address")), ("district", _text), ("latitude", _latitude),
                                            ("longitude", _longitude), ("legal_representative", _limited("legal_representative")),
                                            ("contact_phone", _text), ("floor_area", _floor_area), ("capacity", _capacity),
                                            ("teaching_mode", {"type": "string", "enum": [m.value for m in TeachingMode]})]}},
    },
    "Transition": {
        "type": "object", "required": ["to", "reason"],
        "properties": {"to": {"type": "string", "enum": [s.value for s in Status]}, "reason": _text,
                       "version": {"type": "integer"}, "effective_on": {"type": "string", "format": "date"},
                       "permit_number": _text,
                       "new_category": {"type": "string", "enum": ["tech", "arts", "sports"],
                                        "description": "for a conversion: the category of the new record"}},
    },
    "InstitutionList": {
        "type": "object", "required": ["items", "total", "page", "per_page"],
        "properties": {"items": {"type": "array", "items": ref("Institution")},
                       "total": {"type": "integer", "description": "matches, counted up to 10,000"},
                       "total_exact": {"type": "boolean",
                                       "description": "false when more than `total` match; the newest then come first"},
                       "page": {"type": "integer"}, "per_page": {"type": "integer"}},
    },
    "History": {
        "type": "object", "required": ["items"],
        "properties": {"items": {"type": "array", "items": {"type": "object", "properties": {
            "at": _text, "actor": _text, "action": _text, "reason": {"type": "string", "nullable": True},
            "before": {"type": "object", "nullable": True}, "after": {"type": "object", "nullable": True}}}}},
    },
})

_id_param = {"name": "institution_id", "in": "path", "required": True, "schema": {"type": "integer"}}
_common_errors = {"401": error("not authenticated"), "403": error("not allowed"), "404": error("no such institution")}
_filters = [{"name": name, "in": "query", "required": False, "schema": schema} for name, schema in [
    ("category", {"type": "string", "enum": [c.value for c in Category]}),
    ("status", {"type": "string", "enum": [s.value for s in Status]}),
    ("department", {"type": "string"}), ("district", {"type": "string"}),
    ("q", {"type": "string", "maxLength": 100, "description": "words each found in the name (any part, one character "
           "or more), credit code, permit number, address, legal representative, or the name's pinyin or initials"}),
    ("cell", {"type": "string", "description": "a grid cell's code: institutions in it or in the cells under it"}),
    ("escrow", {"type": "string", "enum": [s.value for s in EscrowStatus]}),
    ("open_cases", {"type": "boolean", "description": "true: only institutions with a penalty case not yet closed"}),
    ("unpaid_fines", {"type": "boolean", "description": "true: only institutions owing some of a fine"}),
    ("sort", {"type": "string", "enum": ["relevance", "name", "licensed_on"]}),
    ("page", {"type": "integer", "minimum": 1}), ("per_page", {"type": "integer", "minimum": 1, "maximum": 500})]]

OPENAPI_PATHS.update({
    "/institutions": {
        "get": {"summary": "List the institutions the caller may see", "parameters": _filters,
                "responses": {"200": {"description": "a page", **json_content(ref("InstitutionList"))},
                              "401": error("not authenticated"), "422": error("invalid paging")}},
        "post": {"summary": "Register an institution", "requestBody": {"required": True, **json_content(ref("InstitutionInput"))},
                 "responses": {"201": {"description": "registered", **json_content(ref("Institution"))},
                               "401": error("not authenticated"), "403": error("not allowed"),
                               "422": error("invalid fields")}},
    },
    "/institutions/{institution_id}": {
        "parameters": [_id_param],
        "get": {"summary": "One institution", "responses": {"200": {"description": "the institution", **json_content(ref("Institution"))}, **_common_errors}},
        "patch": {"summary": "Change an institution's details (send the version you read)",
                  "requestBody": {"required": True, **json_content(ref("InstitutionPatch"))},
                  "responses": {"200": {"description": "changed", **json_content(ref("Institution"))}, **_common_errors,
                                "409": error("stale: `current` holds the record as it is now"), "422": error("invalid fields")}},
    },
    "/institutions/{institution_id}/transitions": {
        "parameters": [_id_param],
        "post": {"summary": "Move an institution along its lifecycle", "requestBody": {"required": True, **json_content(ref("Transition"))},
                 "responses": {"200": {"description": "moved", **json_content(ref("Institution"))}, **_common_errors,
                               "409": error("stale"), "422": error("not allowed by the lifecycle, or invalid fields")}},
    },
    "/institutions/{institution_id}/history": {
        "parameters": [_id_param],
        "get": {"summary": "The audit entries of an institution", "responses": {"200": {"description": "history", **json_content(ref("History"))}, **_common_errors}},
    },
})
