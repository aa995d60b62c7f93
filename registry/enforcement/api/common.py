"""What the endpoints of every enforcement record share: dates and money as JSON, a page of records, a date
filter, a 201 with its Location, and the parts the OpenAPI description is built of."""
from __future__ import annotations

from flask import jsonify, request, url_for
from flask_babel import gettext

from registry.core.dates import parse_day
from registry.core.errors import Invalid
from registry.core.money import yuan_text
from registry.core.openapi import error, json_content, ref


def iso_day(value) -> str | None:
    return value.isoformat() if value else None


def yuan_or_none(fen) -> str | None:
    return yuan_text(fen) if fen is not None else None


def page_json(result, serialise) -> dict:
    return {"items": [serialise(i) for i in result.items], "total": result.total, "page": result.page,
            "per_page": result.per_page}


def day_arg(name: str):
    try:
        return parse_day(request.args.get(name) or None)
    except ValueError:
        raise Invalid(gettext("Invalid filter."), {name: [gettext("Enter a date as YYYY-MM-DD.")]})


def created(body: dict, endpoint: str, **ids):
    response = jsonify(body)
    response.headers["Location"] = url_for(endpoint, **ids)
    return response, 201


# --- the parts of the OpenAPI description ------------------------------------------------------------------------

TEXT = {"type": "string"}
INT = {"type": "integer"}
DATE = {"type": "string", "format": "date"}
NULL_DATE = {"type": "string", "format": "date", "nullable": True}
NULL_INT = {"type": "integer", "nullable": True}
YUAN = {"type": "string", "description": "yuan with two decimals, e.g. \"5000.00\""}
NULL_YUAN = {**YUAN, "nullable": True}
USERNAMES = {"type": "array", "items": TEXT, "description": "usernames of officers or market staff"}
MONEY_IN = {"oneOf": [{"type": "string"}, {"type": "number"}], "description": "yuan, e.g. 5000 or \"5,000.50\""}


def list_of(name: str) -> dict:
    return {"type": "object", "required": ["items", "total", "page", "per_page"],
            "properties": {"items": {"type": "array", "items": ref(name)}, "total": INT, "page": INT, "per_page": INT}}


def param(name: str, schema=None, where: str = "query", required: bool = False, description: str = "") -> dict:
    out = {"name": name, "in": where, "required": required, "schema": schema or TEXT}
    return {**out, "description": description} if description else out


def id_param(name: str) -> dict:
    return param(name, INT, "path", True)


PAGING = [param("page", {"type": "integer", "minimum": 1}), param("per_page", {"type": "integer", "minimum": 1, "maximum": 500})]
READ_ERRORS = {"401": error("not authenticated"), "403": error("not allowed"), "404": error("no such record")}
WRITE_ERRORS = {**READ_ERRORS, "409": error("stale: `current` holds the record as it is now"), "422": error("invalid fields")}


def ok(description: str, schema: str) -> dict:
    return {"description": description, **json_content(ref(schema))}
