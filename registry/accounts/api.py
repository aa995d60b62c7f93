"""POST /api/v1/auth/token: a bearer token for machine clients; and every API request's caller, by its token."""
from __future__ import annotations

from flask import current_app, g, jsonify, request
from flask_babel import gettext
from flask_login import current_user

from registry.accounts import services
from registry.accounts.identity import issue_token, user_from_token
from registry.core.api import OPENAPI_PATHS, bp, error_response, json_body
from registry.core.audit import set_actor
from registry.core.openapi import error, json_content
from registry.extensions import csrf, db, limiter


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
        set_actor(db.session, user)
    elif request.method not in ("GET", "HEAD", "OPTIONS") and current_user.is_authenticated:
        csrf.protect()  # a browser session writing through the API still needs its CSRF token


@bp.post("/auth/token")
@limiter.limit("10 per minute")
def token():
    body = json_body()
    username, password = body.get("username"), body.get("password")
    if not isinstance(username, str) or not isinstance(password, str):
        username, password = "", ""
    user = services.authenticate(username, password, request.remote_addr or "")
    return jsonify({"token": issue_token(user), "expires_in": current_app.config["REGISTRY_TOKEN_HOURS"] * 3600})


OPENAPI_PATHS["/auth/token"] = {
    "post": {
        "summary": "Exchange a username and password for a bearer token",
        "security": [],
        "requestBody": {"required": True, **json_content({
            "type": "object", "required": ["username", "password"],
            "properties": {"username": {"type": "string"}, "password": {"type": "string"}}})},
        "responses": {
            "200": {"description": "the token", **json_content({
                "type": "object", "required": ["token"],
                "properties": {"token": {"type": "string"}, "expires_in": {"type": "integer"}}})},
            "422": error("wrong username or password, or account locked"),
            "429": error("too many attempts"),
        },
    }
}
