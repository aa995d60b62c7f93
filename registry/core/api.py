"""The JSON API's blueprint: token authentication, error bodies, paging, the OpenAPI document."""
from __future__ import annotations

from flask import Blueprint, g, jsonify, request
from flask_babel import gettext

from registry.core.errors import Invalid, ServiceError, Stale
from registry.core.models import MAX_ID

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# Filled by each area's api module: path → {method: operation}; components merged likewise.
OPENAPI_PATHS: dict = {}
OPENAPI_SCHEMAS: dict = {}
# A record's class → its JSON, for the `current` of a 409 (stale) answer; filled by each area's api module.
CURRENT_JSON: dict = {}


def error_response(status: int, code: str, message: str, **extra):
    body = {"error": {"code": code, "message": message, **extra}}
    return jsonify(body), status


def service_error_response(error: ServiceError):
    extra = {}
    if isinstance(error, Invalid):
        extra["fields"] = error.fields
    if isinstance(error, Stale):
        extra["current"] = CURRENT_JSON[type(error.current)](error.current)
    return error_response(error.status, error.code, error.message, **extra)


@bp.after_request
def no_session_cookie(response):
    if g.get("token_auth"):
        from flask import session

        session.modified = False
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def json_body() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise Invalid(gettext("Send a JSON object."), {})
    return data


def page_args() -> tuple[int, int]:
    def number(name, default, high):
        value = request.args.get(name, "")
        if value == "":
            return default
        if not value.isdecimal() or not 1 <= int(value) <= high:
            raise Invalid(gettext("Invalid paging."), {name: [gettext("Enter a whole number between 1 and %(high)s.", high=high)]})
        return int(value)

    return number("page", 1, 1_000_000), number("per_page", 50, 500)


def flag_arg(name: str) -> bool | None:
    """A true/false filter of the query string; None when absent."""
    value = request.args.get(name, "")
    if value == "":
        return None
    if value in ("1", "true"):
        return True
    if value in ("0", "false"):
        return False
    raise Invalid(gettext("Invalid filter."), {name: [gettext("Use true or false.")]})


def id_arg(name: str) -> int | None:
    """A record id filter of the query string; None when absent."""
    value = request.args.get(name, "")
    if value == "":
        return None
    if not value.isdecimal() or not 1 <= int(value) <= MAX_ID:
        raise Invalid(gettext("Invalid filter."), {name: [gettext("Enter a whole number.")]})
    return int(value)


def body_id(body: dict, name: str) -> int:
    """A record id a JSON body must carry."""
    value = body.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ID:
        raise Invalid(gettext("Please correct the marked fields."), {name: [gettext("Enter a whole number.")]})
    return value
