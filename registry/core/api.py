"""The JSON API's blueprint: token authentication, error bodies, paging, the OpenAPI document."""
from __future__ import annotations

from datetime import timezone

from flask import Blueprint, current_app, g, jsonify, request
from flask_babel import gettext
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer

from registry.core.errors import Invalid, ServiceError, Stale
from registry.core.models import MAX_ID, utcnow

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# Filled by each area's api module: path → {method: operation}; components merged likewise.
OPENAPI_PATHS: dict = {}
OPENAPI_SCHEMAS: dict = {}
# A record's class → its JSON, for the `current` of a 409 (stale) answer; institutions when not listed.
CURRENT_JSON: dict = {}


def error_response(status: int, code: str, message: str, **extra):
    body = {"error": {"code": code, "message": message, **extra}}
    return jsonify(body), status


def service_error_response(error: ServiceError):
    extra = {}
    if isinstance(error, Invalid):
        extra["fields"] = error.fields
    if isinstance(error, Stale):
        from registry.register.api import institution_json

        extra["current"] = CURRENT_JSON.get(type(error.current), institution_json)(error.current)
    return error_response(error.status, error.code, error.message, **extra)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="registry-api-token")


def issue_token(user) -> str:
    return _serializer().dumps({"uid": user.id, "gen": user.session_generation, "iat": _epoch(utcnow())})


def _epoch(moment) -> float:
    return moment.replace(tzinfo=timezone.utc).timestamp()


def user_from_token(token: str):
    from registry.accounts.models import User
    from registry.extensions import db

    max_age = current_app.config["REGISTRY_TOKEN_HOURS"] * 3600
    try:
        data = _serializer().loads(token, max_age=max_age)
    except BadSignature:
        return None
    user = db.session.get(User, data.get("uid"))
    if user is None or not user.active or user.session_generation != data.get("gen"):
        return None
    if user.tokens_ended_at and not data.get("iat", 0) > _epoch(user.tokens_ended_at):
        return None  # issued before the user logged out
    return user


@bp.before_request
def authenticate():
    """A Bearer token, when sent, decides who the caller is; otherwise the login session does."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        user = user_from_token(header[7:].strip())
        if user is None:
            return error_response(401, "unauthenticated", gettext("The API token is invalid or has expired."))
        g._login_user = user  # Flask-Login's current user, for this request only: no session is written
        g.token_auth = True
        from registry.core.audit import set_actor
        from registry.extensions import db

        set_actor(db.session, user)
    elif request.method not in ("GET", "HEAD", "OPTIONS") and current_user.is_authenticated:
        from registry.extensions import csrf

        csrf.protect()  # a browser session writing through the API still needs its CSRF token


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


@bp.get("/openapi.json")
def openapi():
    from registry.core.openapi import document

    return jsonify(document())
