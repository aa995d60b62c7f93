"""The off-campus training institution regulatory registry (校外培训机构监管登记系统)."""
from __future__ import annotations

from flask import Flask, g, has_request_context, request, session
from werkzeug.exceptions import NotFound
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from registry import config as settings
from registry.config import PROJECT_ROOT
from registry.extensions import babel, csrf, db, limiter, login, migrate


def create_app(config: dict | None = None, *, demo: bool = False) -> Flask:
    app = Flask(__name__, template_folder=str(PROJECT_ROOT / "templates"), instance_relative_config=True,
                instance_path=settings.instance_folder())
    app.config.update(settings.DEFAULTS)
    overrides = config or {}
    # A caller that passes its own secret (tests, scripts) is not refused for a missing environment one.
    app.config.update(settings.from_environment(app.instance_path, demo=demo or "SECRET_KEY" in overrides))
    app.config.update(overrides)
    app.url_map.converters["int"] = DatabaseId
    if app.config["REGISTRY_PROXY_COUNT"]:
        # Behind that many proxies, the client is the address they forwarded (rate limits, login locks), and the
        # scheme the one it used; with none, a forwarded header is the client's own word and is ignored.
        count = app.config["REGISTRY_PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)
    _init_extensions(app)
    _register_areas(app)
    return app


class DatabaseId(IntegerConverter):
    """`<int:...>` in every route: an id the database's INTEGER can hold, else 404 (not an overflow, a 500). Said
    as a 404 here: refusing the value would let the router try the path's other routes and answer 405 for a POST
    to a GET-only one."""

    def to_python(self, value: str) -> int:
        from registry.core.models import MAX_ID

        number = super().to_python(value)
        if number > MAX_ID:
            raise NotFound()
        return number


def select_locale() -> str:
    from flask_login import current_user

    if not has_request_context():
        return "zh_CN"  # commands speak the users' language
    choice = session.get("locale")
    # With the database down the user cannot be loaded: the error page speaks the default or the chosen language.
    if not choice and not g.get("database_unavailable") and current_user and current_user.is_authenticated:
        choice = current_user.locale
    if choice in settings.DEFAULTS["LANGUAGES"]:
        return choice
    if request.path.startswith("/api/"):
        return request.accept_languages.best_match(["zh_CN", "zh", "en"]) or "zh_CN"
    return "zh_CN"


def _init_extensions(app: Flask) -> None:
    from registry.core import database

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = database.engine_options(app.config)
    db.init_app(app)
    database.configure_engines(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    login.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    redis_url = app.config.get("REGISTRY_REDIS_URL")
    app.config.setdefault("RATELIMIT_STORAGE_URI", redis_url or "memory://")
    limiter.init_app(app)


def _register_areas(app: Flask) -> None:
    # Lowest layer first: an API module extends the schemas of those below it (the register's "Institution").
    from registry.accounts import api as account_api  # noqa: F401  (adds routes to the API blueprint)
    from registry.accounts import identity  # noqa: F401  (who a session or token is)
    from registry.accounts import views as account_views
    from registry.commands import add_commands
    from registry.core import api, authz, openapi, web  # noqa: F401  (openapi: serves the document)
    from registry.register import api as register_api  # noqa: F401  (adds routes to the API blueprint)
    from registry.register import places
    from registry.register import views as register_views
    from registry.enforcement import api as enforcement_api  # noqa: F401  (adds routes to the API blueprint)
    from registry.enforcement import views as enforcement_views
    from registry.escrow import api as escrow_api  # noqa: F401  (adds routes to the API blueprint)
    from registry.escrow import views as escrow_views
    from registry.annual import api as annual_api  # noqa: F401  (adds routes to the API blueprint)
    from registry.annual import facts as annual_facts
    from registry.annual import views as annual_views
    from registry.grid import api as grid_api  # noqa: F401  (adds routes to the API blueprint)
    from registry.grid import districts as grid_districts
    from registry.grid import services as grid_services
    from registry.grid import views as grid_views
    from registry.search import api as search_api  # noqa: F401  (adds routes to the API blueprint)
    from registry.search import index as search_index  # noqa: F401  (keeps the search columns in step)
    from registry.search import listing as search_listing  # noqa: F401  (adds the register's list to the register's pages)
    from registry.search import views as search_views
    from registry.reports import views as report_views
    from registry.staff import api as staff_api  # noqa: F401  (adds routes to the API blueprint)
    from registry.staff import views as staff_views
    from registry.dossier import api as dossier_api  # noqa: F401  (adds routes to the API blueprint)
    from registry.dossier import views as dossier_views  # noqa: F401  (adds the institution page to the register's)
    from registry.dossier.annual_facts import PROVIDERS as annual_fact_providers

    authz.init_app(app, worker_scope=grid_services.worker_scope)
    places.init_app(app, boundaries=grid_districts.boundaries)  # the register checks a district against its boundary
    web.init_app(app)
    annual_facts.init_app(app, annual_fact_providers)  # what the other areas know, read from above them
    app.register_blueprint(account_views.bp)
    app.register_blueprint(register_views.bp)
    app.register_blueprint(escrow_views.bp)
    app.register_blueprint(grid_views.bp)
    app.register_blueprint(search_views.bp)
    app.register_blueprint(enforcement_views.bp)
    app.register_blueprint(enforcement_views.public_bp)
    app.register_blueprint(report_views.bp)
    app.register_blueprint(staff_views.bp)
    app.register_blueprint(annual_views.bp)
    app.register_blueprint(api.bp)
    csrf.exempt(api.bp)
    add_commands(app.cli)  # also on the app's own group, which `app.test_cli_runner()` invokes
