"""Who is asking: the user of a login session (Flask-Login's loader) or of an API bearer token."""
from __future__ import annotations

from datetime import timezone

from flask import current_app, session
from itsdangerous import BadSignature, URLSafeTimedSerializer

from registry.accounts.models import User
from registry.accounts.services import login_session_stands
from registry.core.models import utcnow
from registry.extensions import db, login


@login.user_loader
def load_user(session_id: str):
    """Sessions carry `id:generation` and the login's token; a bumped generation (new password, deactivation)
    or an ended login (logout) logs the user out."""
    user_id, _, generation = session_id.partition(":")
    if not user_id.isdecimal():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or str(user.session_generation) != generation or not user.active:
        return None
    if not login_session_stands(user.id, session.get("login")):
        return None
    return user


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="registry-api-token")


def issue_token(user) -> str:
    return _serializer().dumps({"uid": user.id, "gen": user.session_generation, "iat": _epoch(utcnow())})


def _epoch(moment) -> float:
    return moment.replace(tzinfo=timezone.utc).timestamp()


def user_from_token(token: str):
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
