"""The register's part of the JSON API: an institution's own fields and their schemas, its history. The record as a
whole (with every area's fields) is composed in registry/dossier/api.py, the list in registry/search/api.py."""
from __future__ import annotations

from flask import jsonify
from flask_login import current_user, login_required

from registry.core.api import OPENAPI_PATHS, OPENAPI_SCHEMAS, bp
from registry.core.messages import shown
from registry.core.openapi import error, json_content, ref
from registry.register import services
from registry.register.rules import LIMITS, RANGES, Category, Status, TeachingMode


def institution_fields(institution) -> dict:
    """The register's own fields of an institution, as its API record carries them."""
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
    "History": {
        "type": "object", "required": ["items"],
        "properties": {"items": {"type": "array", "items": {"type": "object", "properties": {
            "at": _text, "actor": _text, "action": _text, "reason": {"type": "string", "nullable": True},
            "before": {"type": "object", "nullable": True}, "after": {"type": "object", "nullable": True}}}}},
    },
})

ID_PARAM = {"name": "institution_id", "in": "path", "required": True, "schema": {"type": "integer"}}
INSTITUTION_ERRORS = {"401": error("not authenticated"), "403": error("not allowed"), "404": error("no such institution")}
OPENAPI_PATHS.update({
    "/institutions/{institution_id}/history": {
        "parameters": [ID_PARAM],
        "get": {"summary": "The audit entries of an institution", "responses": {"200": {"description": "history", **json_content(ref("History"))}, **INSTITUTION_ERRORS}},
    },
})
