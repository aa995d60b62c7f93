"""Accounts: creating and changing users, logging in with throttling."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from registry.accounts.models import LoginFailures, LoginSession, Role, User
from registry.core import audit, authz
from registry.core.audit import SYSTEM_ACTOR
from registry.core.errors import Invalid, NotFound
from registry.core.models import utcnow
from registry.extensions import db

MIN_PASSWORD_LENGTH = 10
# A hash to check against when the username is unknown, so both cases take the same time.
_DUMMY_HASH = generate_password_hash("registry-no-such-user")


def _hash(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["REGISTRY_PASSWORD_HASH"])


def _invalid(field: str, message: str):
    return Invalid(gettext("Please correct the marked fields."), {field: [message]})


def _check_role(role: str, department_code: str | None) -> tuple[Role, str | None]:
    from registry.register.models import Department

    if role not in Role.__members__:
        raise _invalid("role", gettext("Choose one of: %(choices)s.", choices=", ".join(Role.__members__)))
    department_code = department_code or None
    if department_code and db.session.get(Department, department_code) is None:
        raise _invalid("department", gettext("Unknown department “%(code)s”.", code=department_code))
    if role == Role.officer and not department_code:
        raise _invalid("department", gettext("A licensing officer belongs to a department."))
    return Role(role), department_code


def _check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise _invalid("password", gettext("At least %(count)s characters.", count=MIN_PASSWORD_LENGTH))


def create_user(actor, *, username: str, role: str, password: str, department_code: str | None = None,
                display_name: str = "") -> User:
    """Create an account (admins only; `actor` None means the command line's operator)."""
    if actor is not None:
        authz.require(actor, "user.manage")
    username = (username or "").strip()
    if not username or len(username) > 40 or not username.replace("_", "").replace("-", "").replace(".", "").isalnum():
        raise _invalid("username", gettext("Letters, digits, “.”, “-” and “_”, at most 40."))
    if db.session.scalar(select(User).where(User.username == username)):
        raise _invalid("username", gettext("This username is taken."))
    role, department_code = _check_role(role, department_code)
    _check_password(password)
    user = User(username=username, role=role, department_code=department_code, display_name=display_name.strip()[:80],
                password_hash=_hash(password))
    db.session.add(user)
    audit.note(db.session, "user.create")
    db.session.flush()
    return user


def update_user(actor, user_id: int, *, role: str, department_code: str | None, active: bool,
                display_name: str = "", password: str = "") -> User:
    """Change a user's role, department, state or password; sessions and tokens of a changed user end."""
    authz.require(actor, "user.manage")
    user = get_user(actor, user_id)
    role, department_code = _check_role(role, department_code)
    if user.id == actor.id and (not active or role != Role.admin):
        raise _invalid("role", gettext("You cannot remove your own administrator access."))
    ends_sessions = password or not active or role != user.role or department_code != user.department_code
    user.role, user.department_code, user.active = role, department_code, active
    user.display_name = display_name.strip()[:80]
    if password:
        _check_password(password)
        user.password_hash = _hash(password)
    if ends_sessions:
        user.session_generation += 1
    audit.note(db.session, "user.update")
    db.session.flush()
    return user


def change_own_password(user: User, *, current: str, new: str, repeated: str, login_token: str | None) -> None:
    """A user's new password, given their current one and checked as create-user checks it; every other login of
    theirs and every API token they were given ends (this login goes on, re-issued by the caller)."""
    if not check_password_hash(user.password_hash, current or ""):
        raise _invalid("current_password", gettext("This is not your current password."))
    try:
        _check_password(new)
    except Invalid as error:
        raise _invalid("new_password", error.fields["password"][0]) from None
    if new != repeated:
        raise _invalid("repeat_password", gettext("The two new passwords differ."))
    audit.note(db.session, "user.password")
    user.password_hash = _hash(new)
    user.session_generation += 1  # voids every session cookie and API token issued before
    db.session.execute(update(LoginSession).where(
        LoginSession.user_id == user.id, LoginSession.ended_at.is_(None),
        LoginSession.token_hash != _token_hash(login_token or "")).values(ended_at=utcnow()))
    db.session.flush()


def get_user(actor, user_id: int) -> User:
    authz.require(actor, "user.manage")
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(gettext("There is no such user."))
    return user


def shown_name(user_id: int | None, recorded: str = "") -> str:
    """Who did something, as pages name people (display name, else username); the system by that word."""
    user = db.session.get(User, user_id) if user_id else None
    if user is not None:
        return user.label
    return gettext("system") if not recorded or recorded == SYSTEM_ACTOR else recorded


def list_users(actor) -> list[User]:
    authz.require(actor, "user.manage")
    return list(db.session.scalars(select(User).order_by(User.role, User.username)))


def authenticate(username: str, password: str, address: str) -> User:
    """The user whose password this is, or Invalid. Repeated failures for one username from one address lock that
    pair for a while: the owner logging in from elsewhere is not locked out, and the lock (counted for names that
    exist or not) does not tell whether an account exists."""
    username, now = (username or "").strip()[:80], utcnow()
    failures = db.session.scalar(select(LoginFailures).where(LoginFailures.username == username,
                                                             LoginFailures.address == address))
    if failures is not None and failures.locked_until and failures.locked_until > now:
        minutes = max(1, int((failures.locked_until - now).total_seconds() // 60) + 1)
        raise _invalid("password", gettext("Too many failed attempts: try again in %(minutes)s minutes.", minutes=minutes))
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None or not check_password_hash(user.password_hash, password or ""):
        if user is None:
            check_password_hash(_DUMMY_HASH, password or "")
        _count_failure(failures or LoginFailures(username=username, address=address, failures=0), now)
        raise _invalid("password", gettext("Wrong username or password."))
    if not user.active:
        raise _invalid("username", gettext("This account is deactivated."))
    if failures is not None:
        db.session.delete(failures)
    return user


def _count_failure(failures: LoginFailures, now) -> None:
    failures.failures += 1
    if failures.failures >= current_app.config["REGISTRY_LOGIN_MAX_FAILURES"]:
        failures.locked_until = now + timedelta(minutes=current_app.config["REGISTRY_LOGIN_LOCK_MINUTES"])
        failures.failures = 0
    db.session.add(failures)
    try:
        db.session.commit()  # the count must survive the failed request, whose changes are rolled back
    except IntegrityError:  # the same pair's first failure counted at the same moment by another request
        db.session.rollback()


def set_locale(user, locale: str) -> None:
    if user is not None and user.is_authenticated and user.locale != locale:
        user.locale = locale
        audit.note(db.session, "user.locale")
        db.session.flush()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_login_session(user: User) -> str:
    """A new login's token, for the session cookie; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    db.session.add(LoginSession(user_id=user.id, token_hash=_token_hash(token), started_at=utcnow()))
    return token


def log_out(user, token: str | None) -> None:
    """End this login, and every API token the user was given (their logins elsewhere stand)."""
    if token:
        db.session.execute(update(LoginSession).where(LoginSession.token_hash == _token_hash(token),
                                                      LoginSession.ended_at.is_(None)).values(ended_at=utcnow()))
    if user is not None and user.is_authenticated:
        user.tokens_ended_at = utcnow()


def login_session_stands(user_id: int, token: str | None) -> bool:
    if not token:
        return False
    return db.session.scalar(select(LoginSession.id).where(
        LoginSession.token_hash == _token_hash(token), LoginSession.user_id == user_id,
        LoginSession.ended_at.is_(None))) is not None
