"""POST /api/v1/auth/token: a bearer token for machine clients."""
from __future__ import annotations

from flask import current_app, jsonify, request

from registry.accounts import services
from registry.core.api import OPENAPI_PATHS, bp, issue_token, json_body
from registry.core.openapi import error, json_content
from registry.extensions import limiter


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
