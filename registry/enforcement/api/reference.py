"""/api/v1/checklists and /api/v1/violation-types: the reference data inspections and cases use."""
from __future__ import annotations

from flask import jsonify
from flask_login import login_required

from registry.core.api import OPENAPI_PATHS, OPENAPI_SCHEMAS, bp
from registry.core.openapi import error
from registry.enforcement import services
from registry.enforcement.api.common import NULL_YUAN, TEXT, ok, param, yuan_or_none
from registry.enforcement.rules import BulletinGroup


@bp.get("/checklists/<category>")
@login_required
def get_checklist(category: str):
    return jsonify({"category": category, "items": [
        {"key": i.key, "label_zh": i.label_zh, "label_en": i.label_en, "legal_basis": i.legal_basis,
         "bulletin_group": i.bulletin_group or None} for i in services.checklist(category)]})


@bp.get("/violation-types")
@login_required
def list_violation_types():
    return jsonify({"items": [
        {"code": v.code, "name_zh": v.name_zh, "name_en": v.name_en, "legal_basis": v.legal_basis,
         "fine_min": yuan_or_none(v.fine_min), "fine_max": yuan_or_none(v.fine_max), "income_times_min": v.income_times_min,
         "income_times_max": v.income_times_max, "bulletin_group": v.bulletin_group.value}
        for v in services.violation_types()]})


OPENAPI_SCHEMAS.update({
    "Checklist": {"type": "object", "properties": {"category": TEXT, "items": {"type": "array", "items": {
        "type": "object", "properties": {"key": TEXT, "label_zh": TEXT, "label_en": TEXT, "legal_basis": TEXT,
                                         "bulletin_group": {"type": "string", "nullable": True}}}}}},
    "ViolationTypes": {"type": "object", "properties": {"items": {"type": "array", "items": {"type": "object", "properties": {
        "code": TEXT, "name_zh": TEXT, "name_en": TEXT, "legal_basis": TEXT, "fine_min": NULL_YUAN, "fine_max": NULL_YUAN,
        "income_times_min": {"type": "number", "nullable": True}, "income_times_max": {"type": "number", "nullable": True},
        "bulletin_group": {"type": "string", "enum": [g.value for g in BulletinGroup]}}}}}},
})


OPENAPI_PATHS.update({
    "/checklists/{category}": {
        "parameters": [param("category", {"type": "string", "enum": ["academic", "tech", "arts", "sports"]}, "path", True)],
        "get": {"summary": "A category's inspection checklist (items in use)", "responses": {
            "200": ok("the checklist", "Checklist"), "401": error("not authenticated")}},
    },
    "/violation-types": {"get": {"summary": "Violation types with legal basis and fine range",
                                 "responses": {"200": ok("the types", "ViolationTypes"), "401": error("not authenticated")}}},
})
