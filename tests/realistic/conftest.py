"""The demo's data (every lifecycle status, escrow in every state, visits, inspections, leads, cases and fines),
loaded once for this folder, and a crawl of it as every role that the tests here share."""
from __future__ import annotations

import shutil

import pytest
from registry.extensions import db
from tests.conftest import PG_URL, _truncate_postgres, make_test_app
from tests.realistic.crawler import crawl

DEMO_PASSWORD = "registry-demo"
# Who crawls: an admin, a licensing officer of each department, market regulation, a grid worker, the public.
OFFICERS = ("edu", "tech", "arts", "sports")
ROLES = ("admin", *OFFICERS, "market", "grid", "public")


@pytest.fixture(scope="package")
def demo_database(template_database, tmp_path_factory):
    """A migrated database holding the demo's data; read, never written, by the tests of this folder."""
    from registry.commands import load_demo

    if PG_URL:
        url = PG_URL
    else:
        path = tmp_path_factory.mktemp("demo") / "registry.sqlite"
        shutil.copy(template_database, path)
        url = f"sqlite:///{path}"
    app = make_test_app(url)
    with app.app_context():
        load_demo()
        db.session.remove()
        db.engine.dispose()
    yield url
    if PG_URL:  # leave the shared test database as the other folders expect it: reference data only
        _truncate_postgres()


@pytest.fixture(scope="package")
def demo_app(demo_database):
    app = make_test_app(demo_database)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="package")
def crawls(demo_app):
    """Every role's crawl of the app, from the home page, on the Chinese interface."""
    return {role: crawl(demo_app, None if role == "public" else role, DEMO_PASSWORD) for role in ROLES}
