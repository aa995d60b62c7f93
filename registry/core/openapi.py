"""The OpenAPI 3 document, assembled from what each area's api module declares."""
from __future__ import annotations

from flask import jsonify

from registry.core.api import OPENAPI_PATHS, OPENAPI_SCHEMAS, bp

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
                "current": {"type": "object"},
            },
        }
    },
}


def error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def json_content(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable_ref(name: str) -> dict:
    """A reference that may be null: OpenAPI 3.0 ignores `nullable` beside a bare `$ref` or `allOf`."""
    return {"anyOf": [ref(name), {"type": "object", "nullable": True, "enum": [None]}]}


def document() -> dict:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Registry of off-campus training institutions (校外培训机构监管登记系统)",
            "version": "1",
            "description": "Authenticate with POST /auth/token, then send `Authorization: Bearer <token>`.",
        },
        "servers": [{"url": "/api/v1"}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": ERROR_SCHEMA, **OPENAPI_SCHEMAS},
        },
        "security": [{"bearer": []}],
        "paths": {path: _with_common_errors(item) for path, item in OPENAPI_PATHS.items()},
    }


METHODS = ("get", "post", "put", "patch", "delete")


def _with_common_errors(item: dict) -> dict:
    """The answers any operation may give besides its own, documented once here rather than in every area: 401
    without a valid token (where a token is asked for), 422 for input the server refuses (a NUL character, an
    out-of-range page, a body that is not a JSON object), 503 when the database is busy (nothing saved; retry)."""
    completed = dict(item)
    for method in METHODS:
        if method not in item:
            continue
        operation = {**item[method], "responses": dict(item[method]["responses"])}
        responses = operation["responses"]
        if operation.get("security") != []:
            responses.setdefault("401", error("No valid token was sent"))
        if item.get("parameters") or operation.get("parameters") or "requestBody" in operation:
            responses.setdefault("422", error("The input was refused: the message, and each field's errors"))
        responses.setdefault("503", error("The database is busy: nothing was saved; send it again"))
        completed[method] = operation
    return completed


@bp.get("/openapi.json")
def openapi():
    return jsonify(document())
