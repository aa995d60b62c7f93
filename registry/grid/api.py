"""The grid's JSON API: /api/v1/cells, /api/v1/visits; institution records gain `cell` and `cell_path`."""
from __future__ import annotations

import json

import shapely
from flask import jsonify, request, url_for
from flask_login import current_user, login_required

from registry.core.api import (
    OPENAPI_PATHS,
    OPENAPI_SCHEMAS,
    bp,
    flag_arg,
    id_arg,
    json_body,
    page_args,
)
from registry.core.openapi import error, json_content, ref
from registry.grid import rules, services


def cell_json(cell, *, geometry: bool = False) -> dict:
    data = {"code": cell.code, "name": cell.name, "level": cell.level,
            "parent": cell.parent.code if cell.parent_id else None,
            "bbox": [cell.min_lon, cell.min_lat, cell.max_lon, cell.max_lat], "area_m2": round(cell.area_m2)}
    if geometry:
        data["path"] = [{"code": c.code, "name": c.name} for c in services.cell_path(cell)]
    return data


def feature(cell, extra: dict | None = None) -> dict:
    return {"type": "Feature", "id": cell.code,
            "geometry": json.loads(shapely.to_geojson(shapely.from_wkb(cell.geometry))),
            "properties": {**cell_json(cell), **(extra or {})}}


def institution_cell_fields(institution_id: int) -> dict:
    """`cell` (code or null) and `cell_path` (top first) of an institution's record."""
    record, path = services.placement_of(institution_id)
    return {"cell": path[-1].code if path else None,
            "cell_path": [{"code": c.code, "name": c.name} for c in path],
            "near_cell_border": bool(record and record.near_border and not record.confirmed_by_id)}


def visit_json(visit) -> dict:
    return {
        "id": visit.id, "institution_id": visit.institution_id, "worker": visit.worker.username,
        "cell": visit.cell.code if visit.cell else None, "visited_at": visit.visited_at.isoformat() + "Z",
        "latitude": visit.latitude, "longitude": visit.longitude, "accuracy": visit.accuracy_m,
        "position_source": visit.position_source, "distance_m": visit.distance_m, "flagged": visit.flagged,
        "flag_reason": visit.flag_reason or None, "outcome": visit.outcome, "outcome_reason": visit.outcome_reason,
        "checklist": visit.checklist or {}, "notes": visit.notes,
        "client_id": visit.client_id,
        "photos": [url_for("grid.photo", visit_id=visit.id, photo_id=p.id) for p in visit.photos],
        "reported_to": visit.report.department_code if visit.report else None,
        "findings": list(visit.report.findings) if visit.report else [],
    }


@bp.get("/cells")
@login_required
def list_cells():
    parent = request.args.get("parent") or None
    cells = services.cells(current_user, parent_code=parent)
    return jsonify({"type": "FeatureCollection", "features": [feature(c) for c in cells]})


@bp.get("/cells/<code>")
@login_required
def get_cell(code: str):
    cell = services.get_cell(current_user, code)
    return jsonify(feature(cell, {"path": [{"code": c.code, "name": c.name} for c in services.cell_path(cell)],
                                  "children": services.children_count(cell),
                                  "workers": [w.user.username for w in services.workers_of(cell)]}))


@bp.post("/visits")
@login_required
def create_visit():
    recorded = services.record_visit(current_user, json_body())
    response = jsonify(visit_json(recorded.visit))
    response.headers["Location"] = url_for("api.get_visit", visit_id=recorded.visit.id)
    return response, 201 if recorded.created else 200


@bp.get("/visits")
@login_required
def list_visits():
    page, per_page = page_args()
    filters = services.VisitFilters(institution_id=id_arg("institution_id"), cell=request.args.get("cell", ""),
                                    flagged=flag_arg("flagged"))
    result = services.list_visits(current_user, filters=filters, page=page, per_page=per_page)
    return jsonify({"items": [visit_json(v) for v in result.items], "total": result.total,
                    "page": result.page, "per_page": result.per_page})


@bp.get("/visits/<int:visit_id>")
@login_required
def get_visit(visit_id: int):
    return jsonify(visit_json(services.get_visit(current_user, visit_id)))


# --- the OpenAPI description ------------------------------------------------------------------------------

_text = {"type": "string"}
_path = {"type": "array", "items": {"type": "object", "properties": {"code": _text, "name": _text}}}
_cell_properties = {
    "type": "object",
    "properties": {"code": _text, "name": _text, "level": {"type": "integer"}, "parent": {"type": "string", "nullable": True},
                   "bbox": {"type": "array", "items": {"type": "number"}}, "area_m2": {"type": "number"},
                   "path": _path, "children": {"type": "integer"}, "workers": {"type": "array", "items": _text}},
}
OPENAPI_SCHEMAS.update({
    "Cell": {"type": "object", "required": ["type", "geometry", "properties"],
             "properties": {"type": {"type": "string", "enum": ["Feature"]}, "id": _text,
                            "geometry": {"type": "object", "description": "GeoJSON Polygon or MultiPolygon (WGS-84)"},
                            "properties": _cell_properties}},
    "CellCollection": {"type": "object", "required": ["type", "features"],
                       "properties": {"type": {"type": "string", "enum": ["FeatureCollection"]},
                                      "features": {"type": "array", "items": ref("Cell")}}},
    "VisitInput": {
        "type": "object", "required": ["institution_id"],
        "properties": {
            "institution_id": {"type": "integer"},
            "latitude": {"type": "number"}, "longitude": {"type": "number"},
            "accuracy": {"type": "number", "description": "metres, as the browser's geolocation reports it"},
            "position_source": {"type": "string", "enum": ["gps", "manual"],
                                "description": "manual: typed by hand (flagged); latitude/longitude may then be left out"},
            "visited_at": {"type": "string", "format": "date-time", "description": "default now; within the last month"},
            "outcome": {"type": "string", "enum": list(rules.OUTCOME_LABELS), "default": rules.INSPECTED,
                        "description": "inspected, or could not inspect: closed, refused (entry refused); a visit "
                                       "that could not inspect leaves the institution due a visit"},
            "outcome_reason": {**_text, "description": "required when the outcome is not inspected"},
            "checklist": {"type": "object", "properties": {k: {"type": "boolean"} for k in rules.CHECKLIST_KEYS},
                          "additionalProperties": False,
                          "description": "every item answered when inspected, none otherwise"},
            "notes": _text, "report": {"type": "boolean", "description": "report to the supervising department even "
                                                                         "when no checklist item found a problem"},
            "client_id": {"type": "string", "description": "8-64 letters, digits, - or _; the same again returns "
                                                           "the visit already stored (200 instead of 201)"},
        },
    },
    "Visit": {
        "type": "object", "required": ["id", "institution_id", "distance_m", "flagged", "flag_reason"],
        "properties": {
            "id": {"type": "integer"}, "institution_id": {"type": "integer"}, "worker": _text,
            "cell": {"type": "string", "nullable": True}, "visited_at": {"type": "string", "format": "date-time"},
            "latitude": {"type": "number", "nullable": True}, "longitude": {"type": "number", "nullable": True},
            "accuracy": {"type": "number", "nullable": True}, "position_source": _text,
            "distance_m": {"type": "number", "nullable": True, "description": "geodesic metres to the institution"},
            "flagged": {"type": "boolean", "description": "off-site: too far, too imprecise, or typed by hand"},
            "flag_reason": {"type": "string", "nullable": True, "description": "comma-separated: distance, accuracy, manual"},
            "outcome": {"type": "string", "enum": list(rules.OUTCOME_LABELS)}, "outcome_reason": _text,
            "checklist": {"type": "object"}, "notes": _text, "client_id": {"type": "string", "nullable": True},
            "photos": {"type": "array", "items": _text},
            "reported_to": {"type": "string", "nullable": True, "description": "department the problem was reported to"},
            "findings": {"type": "array", "items": _text},
        },
    },
    "VisitList": {"type": "object", "required": ["items", "total", "page", "per_page"],
                  "properties": {"items": {"type": "array", "items": ref("Visit")}, "total": {"type": "integer"},
                                 "page": {"type": "integer"}, "per_page": {"type": "integer"}}},
})
# Institution records carry their cell.
OPENAPI_SCHEMAS["Institution"]["properties"].update({
    "cell": {"type": "string", "nullable": True, "description": "code of the finest cell holding the institution"},
    "cell_path": {**_path, "description": "the cell's ancestors from the top, then the cell"},
    "near_cell_border": {"type": "boolean", "description": "close to a cell border, awaiting a grid leader's confirmation"},
})

CELL_CODE = {"name": "code", "in": "path", "required": True, "schema": _text}
PAGING = [{"name": n, "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1}} for n in ("page", "per_page")]
OPENAPI_PATHS.update({
    "/cells": {"get": {"summary": "Grid cells as GeoJSON (a grid worker: their own)",
                       "parameters": [{"name": "parent", "in": "query", "required": False, "schema": _text,
                                       "description": "only the cells directly under this code"}],
                       "responses": {"200": {"description": "cells", **json_content(ref("CellCollection"))},
                                     "401": error("not authenticated"), "404": error("no such parent")}}},
    "/cells/{code}": {"parameters": [CELL_CODE], "get": {
        "summary": "One cell, with its path, number of cells under it and workers",
        "responses": {"200": {"description": "the cell", **json_content(ref("Cell"))}, "401": error("not authenticated"),
                      "403": error("not one of the grid worker's cells"), "404": error("no such cell")}}},
    "/visits": {
        "get": {"summary": "Visits of the institutions the caller may see, newest first",
                "parameters": [{"name": "institution_id", "in": "query", "required": False, "schema": {"type": "integer"}},
                               {"name": "cell", "in": "query", "required": False, "schema": _text},
                               {"name": "flagged", "in": "query", "required": False, "schema": {"type": "boolean"}}, *PAGING],
                "responses": {"200": {"description": "a page", **json_content(ref("VisitList"))},
                              "401": error("not authenticated"), "403": error("not allowed"), "404": error("no cell with that code"),
                              "422": error("invalid filter")}},
        "post": {"summary": "Log a site visit (grid workers, for the institutions of their cells)",
                 "requestBody": {"required": True, **json_content(ref("VisitInput"))},
                 "responses": {"201": {"description": "recorded", **json_content(ref("Visit"))},
                               "200": {"description": "this client_id was already recorded: that visit", **json_content(ref("Visit"))},
                               "401": error("not authenticated"), "403": error("not one of the worker's institutions"),
                               "404": error("no such institution"), "422": error("invalid fields")}},
    },
    "/visits/{visit_id}": {"parameters": [{"name": "visit_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                           "get": {"summary": "One visit", "responses": {
                               "200": {"description": "the visit", **json_content(ref("Visit"))},
                               "401": error("not authenticated"), "403": error("not allowed"), "404": error("no such visit")}}},
})
