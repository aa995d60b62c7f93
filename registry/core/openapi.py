"""The OpenAPI 3 document, assembled from what each area's api module declares."""
from __future__ import annotations

from registry.core.api import OPENAPI_PATHS, OPENAPI_SCHEMAS

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
        "paths": OPENAPI_PATHS,
    }
