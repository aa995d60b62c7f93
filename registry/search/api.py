"""The register's list as the API gives it: GET /api/v1/institutions, the search with its filters and order."""
from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user, login_required

from registry.core.api import OPENAPI_PATHS, OPENAPI_SCHEMAS, bp, page_args
from registry.core.money import yuan_text
from registry.core.openapi import error, json_content, ref
from registry.enforcement.services.standing import Standing
from registry.escrow.rules import EscrowStatus
from registry.register.api import institution_fields
from registry.register.rules import Category, Status
from registry.search.services import SearchQuery, search


def standing_fields(standing: Standing) -> dict:
    """An institution's open cases and unpaid fines, as its record and the list carry them."""
    return {"open_cases": standing.open_cases, "unpaid_fines": yuan_text(standing.unpaid_fen)}


def _list_item_json(result) -> dict:
    """A search result: the record and what the search already joined (no query per institution)."""
    return {**institution_fields(result.institution), "escrow_status": result.escrow_status, "cell": result.cell_code,
            **standing_fields(result.standing)}


@bp.get("/institutions")
@login_required
def list_institutions():
    page, per_page = page_args()
    result = search(current_user, SearchQuery.from_args(request.args), page=page, per_page=per_page)
    return jsonify({"items": [_list_item_json(r) for r in result.items],
                    "total": result.total, "total_exact": result.total_exact, "page": result.page,
                    "per_page": result.per_page})


# --- the OpenAPI description ------------------------------------------------------------------------------

OPENAPI_SCHEMAS.update({
    "InstitutionList": {
        "type": "object", "required": ["items", "total", "page", "per_page"],
        "properties": {"items": {"type": "array", "items": ref("Institution")},
                       "total": {"type": "integer", "description": "matches, counted up to 10,000"},
                       "total_exact": {"type": "boolean",
                                       "description": "false when more than `total` match; the newest then come first"},
                       "page": {"type": "integer"}, "per_page": {"type": "integer"}},
    },
})

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

OPENAPI_PATHS.setdefault("/institutions", {})["get"] = {
    "summary": "List the institutions the caller may see", "parameters": _filters,
    "responses": {"200": {"description": "a page", **json_content(ref("InstitutionList"))},
                  "401": error("not authenticated"), "422": error("invalid paging")}}
