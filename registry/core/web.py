"""What every HTML page shares: the logged-in user, error pages, template helpers, security headers."""
from __future__ import annotations

import re

from flask import Flask, Request, Response, g, make_response, redirect, render_template, request, stream_with_context, url_for
from flask_babel import get_locale, gettext, refresh
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import InternalServerError

from registry.core import authz
from registry.core.audit import set_actor
from registry.core.errors import Invalid, ServiceError
from registry.core.messages import shown
from registry.core.spreadsheet import csv_lines
from registry.extensions import db, login

LONE_SURROGATE = re.compile("[\ud800-\udfff]")
CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'"


_TRANSLATED: dict[tuple[int, str], tuple[dict, dict]] = {}


def translated(**labels: dict) -> dict[str, dict]:
    """Modules' label dicts (lazy strings) for templates, as plain text in the request's language, worked out once per
    language and process: a lazy string looks itself up in the catalogue each time a page shows it, and a list of
    fifty institutions shows hundreds. The catalogues do not change while the app runs."""
    locale = str(get_locale())
    return {name: _translated(mapping, locale) for name, mapping in labels.items()}


def _translated(mapping: dict, locale: str) -> dict:
    cached = _TRANSLATED.get((id(mapping), locale))
    if cached is None or cached[0] is not mapping:
        cached = _TRANSLATED[id(mapping), locale] = (mapping, {code: str(label) for code, label in mapping.items()})
    return cached[1]


def init_app(app: Flask) -> None:
    app.request_class = JSONRequest
    login.login_view = "accounts.login"
    login.login_message = None

    @login.unauthorized_handler
    def unauthorized():
        if request.path.startswith("/api/"):
            from registry.core.api import error_response

            return error_response(401, "unauthenticated", gettext("Log in or send a valid API token."))
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))

    @app.before_request
    def forget_previous_user():
        # Flask-Login caches the user on `g`, which lives as long as the app context; where a context
        # outlives one request (tests, scripts), the next request must load its own user.
        g.pop("_login_user", None)
        g.pop("token_auth", None)
        refresh()  # Flask-Babel caches the locale on the context likewise

    @app.before_request
    def refuse_nul_characters():
        """A NUL character is never meaningful text, and PostgreSQL refuses it in any text: say so up front."""
        limit = getattr(app.view_functions.get(request.endpoint), "upload_limit", None)
        if limit:  # set before anything reads the form
            request.max_content_length = max(app.config.get("MAX_CONTENT_LENGTH") or 0, limit)
        texts = [request.path, *request.args.values()]
        if request.path.startswith("/api/"):  # pages' forms say it beside the field (core.forms.BaseForm)
            texts.extend(request.form.values())
        if request.is_json:
            texts.extend(_strings_in(request.get_json(silent=True)))
        if any("\x00" in text for text in texts):
            raise Invalid(gettext("The request contains a NUL character, which no field accepts."), {})
        if any(LONE_SURROGATE.search(text) for text in texts):  # only JSON's \ud800 escapes make one
            raise Invalid(gettext("The request contains half of a UTF-16 character pair (a lone surrogate), which no "
                                  "field accepts."), {})

    @app.before_request
    def read_without_locking():
        """A request that only reads begins its transaction without SQLite's write lock, so that many officers
        reading run side by side and beside the one writer (WAL); every other request takes the lock up front
        (core.database). Should a read ever write, SQLite takes the lock then, or answers busy: 503, retryable."""
        if request.method in ("GET", "HEAD") and request.endpoint not in NO_DATABASE and not db.session().in_transaction():
            db.session.connection(execution_options={"read_only": True})

    @app.before_request
    def note_actor():
        if request.endpoint not in NO_DATABASE and current_user.is_authenticated:  # a file needs no user
            set_actor(db.session, current_user._get_current_object())

    app.jinja_env.filters["shown"] = shown  # a stored reason in the reader's language (core.messages)

    @app.context_processor
    def helpers():
        return {"can": lambda action, obj=None: authz.can(current_user, action, obj),
                "languages": app.config["LANGUAGES"], "locale": str(get_locale())}

    @app.after_request
    def commit_on_success(response):
        """The request's one commit, only when it succeeded; anything else is rolled back."""
        if response.status_code >= 400:
            db.session.rollback()
            return response
        try:
            db.session.commit()
        except OperationalError:
            db.session.rollback()
            return _busy_response()
        return response

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        user = g.get("_login_user")  # only when the request loaded one: a static file needs no user
        if user is not None and user.is_authenticated:
            # What a signed-in user sees holds personal data: no copy in a shared computer's cache or a proxy's.
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.errorhandler(ServiceError)
    def service_error(error: ServiceError):
        if request.path.startswith("/api/"):
            from registry.core.api import service_error_response

            return service_error_response(error)
        return render_template("errors/error.html", status=error.status, message=error.message), error.status

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        if request.path.startswith("/api/"):
            from registry.core.api import error_response

            return error_response(400, "csrf", gettext("Send the CSRF token in the X-CSRFToken header, or use a bearer token."))
        return render_template("errors/error.html", status=400, message=gettext("The form expired. Please go back and submit it again.")), 400

    @app.errorhandler(OperationalError)
    def database_busy(error: OperationalError):
        """A lock not granted in time (SQLite's one writer, PostgreSQL's deadlocks and serialisation failures)
        is retryable: say so, with nothing saved. Anything else is a server error."""
        db.session.rollback()
        if _retryable(error):
            return _busy_response()
        if _unavailable(error):
            app.logger.error("database unavailable: %s", error.orig)
            return _unavailable_response()
        app.logger.exception("database error", exc_info=error)
        return _http_error(InternalServerError())

    for status in (403, 404, 405, 413, 429, 500):
        app.register_error_handler(status, _http_error)


RETRYABLE_SQLSTATES = {"40001", "40P01", "55P03"}  # serialization failure, deadlock, lock not available


# Connection exceptions, a statement cancelled by statement_timeout, a server shutting down or starting up.
UNAVAILABLE_SQLSTATES = {"57014", "57P01", "57P02", "57P03"}
# What answers without the database: files, and the API's description.
NO_DATABASE = {"static", "api.openapi"}


def _unavailable(error: OperationalError) -> bool:
    """The database cannot be reached or did not answer in time (not a fault of this request)."""
    sqlstate = getattr(error.orig, "sqlstate", None)
    if error.connection_invalidated or (sqlstate or "").startswith("08") or sqlstate in UNAVAILABLE_SQLSTATES:
        return True
    if "sqlite" in type(error.orig).__module__:
        return "unable to open database file" in str(error.orig) or "disk I/O error" in str(error.orig)
    return sqlstate is None  # psycopg's failures to connect (refused, timed out) carry no SQLSTATE


def _unavailable_response():
    """503 with Retry-After, its page rendered for an anonymous visitor: the user cannot be loaded either."""
    g._login_user = login.anonymous_user()
    g.database_unavailable = True
    return _retry_later("unavailable", gettext("The service is unavailable for a moment: the database does not "
                                               "answer. Nothing was saved; please try again in a minute."), seconds=60)


def _retryable(error: OperationalError) -> bool:
    sqlstate = getattr(error.orig, "sqlstate", None)
    return sqlstate in RETRYABLE_SQLSTATES or "database is locked" in str(error.orig) or "database is busy" in str(error.orig)


def upload_limit(limit: int):
    """Let one view (put right under its route) take a request larger than the app's usual limit."""
    def mark(view):
        view.upload_limit = limit
        return view

    return mark


def download(response: Response, filename: str) -> Response:
    """`response` as a file to save under `filename`."""
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_download(header: list[str], rows, filename: str) -> Response:
    """Rows streamed as a CSV file for Excel (BOM, formulas neutralised): memory stays flat however many."""
    return download(Response(stream_with_context(csv_lines(header, rows)), mimetype="text/csv; charset=utf-8"), filename)


def page_arg() -> int:
    """The page number a list page was asked for; 1 when absent or not a page number."""
    page = request.args.get("page", "1")
    return int(page) if page.isdecimal() and 0 < int(page) < 100_000 else 1


def _strings_in(value):
    """Every key and string inside a parsed JSON value (without recursion: the value may be nested deep)."""
    pending = [value]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)


class JSONRequest(Request):
    """A request whose JSON body nested too deep to parse is refused as invalid input (Python's parser gives up
    with a RecursionError, not the ValueError Flask turns into a 400)."""

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True):
        try:
            return super().get_json(force=force, silent=silent, cache=cache)
        except RecursionError:
            raise Invalid(gettext("The JSON is nested too deeply."), {}) from None


def _busy_response():
    return _retry_later("busy", gettext("The database is busy. Nothing was saved; please try again in a moment."),
                        seconds=1)


def _retry_later(code: str, message: str, *, seconds: int):
    """503 with Retry-After: a page, or the API's error body."""
    if request.path.startswith("/api/"):
        from registry.core.api import error_response

        response, _ = error_response(503, code, message)
    else:
        response = make_response(render_template("errors/error.html", status=503, message=message))
    response.status_code = 503
    response.headers["Retry-After"] = str(seconds)
    return response


def _http_error(error):
    status = getattr(error, "code", 500) or 500
    messages = {
        403: gettext("You are not allowed to see this page."),
        404: gettext("There is no such page or record."),
        405: gettext("This address does not accept that request."),
        413: gettext("The upload is too large."),
        429: gettext("Too many attempts. Please wait a moment and try again."),
        500: gettext("Something went wrong on our side. Nothing was saved; please try again."),
    }
    if request.path.startswith("/api/"):
        from registry.core.api import error_response

        response, _ = error_response(status, {403: "forbidden", 404: "not_found", 405: "method_not_allowed",
                                              413: "too_large", 429: "rate_limited"}.get(status, "server_error"),
                                     messages.get(status, str(error)))
    else:
        response = make_response(render_template("errors/error.html", status=status,
                                                 message=messages.get(status, str(error))))
    response.status_code = status
    if getattr(error, "valid_methods", None):  # a 405 names the methods the address takes
        response.headers["Allow"] = ", ".join(sorted(error.valid_methods))
    return response
