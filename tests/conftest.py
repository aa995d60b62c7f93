"""Shared fixtures: an app on a migrated database (SQLite, or PostgreSQL when REGISTRY_TEST_DATABASE_URL is
set), the test client and CLI runner, and small factories for users and institutions."""
from __future__ import annotations

import itertools
import os
import shutil
import threading
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import create_engine, text
from stdnum.cn import uscc

from registry import create_app
from registry.extensions import db

PASSWORD = "correct-horse-battery"
PG_URL = os.environ.get("REGISTRY_TEST_DATABASE_URL")
KEEP_TABLES = {"alembic_version", "departments", "categories", "districts", "checklist_items", "violation_types"}  # reference data, loaded once

BASE_CONFIG = {
    "SECRET_KEY": "test-secret",
    "TESTING": True,
    "WTF_CSRF_ENABLED": False,
    "RATELIMIT_ENABLED": False,
    "REGISTRY_PASSWORD_HASH": "pbkdf2:sha256:1000",  # fast in tests; production uses scrypt
    "REGISTRY_BOUNDS": (73.4, 18.1, 135.1, 53.6),
}


def make_test_app(url: str, **config):
    return create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url, **config})


def migrate_and_seed(app) -> None:
    from registry.commands import initialise

    with app.app_context():
        initialise()
        db.engine.dispose()


def reset_postgres_schema(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def template_database(tmp_path_factory):
    """A database migrated once per session: a SQLite file to copy, or the PostgreSQL test database."""
    if PG_URL:
        reset_postgres_schema(PG_URL)
        migrate_and_seed(make_test_app(PG_URL))
        return PG_URL
    path = tmp_path_factory.mktemp("template") / "registry.sqlite"
    migrate_and_seed(make_test_app(f"sqlite:///{path}"))
    return path


@pytest.fixture
def database_url(template_database, tmp_path):
    if PG_URL:
        yield PG_URL
        _truncate_postgres()
    else:
        path = tmp_path / "registry.sqlite"
        shutil.copy(template_database, path)
        yield f"sqlite:///{path}"


def _truncate_postgres() -> None:
    engine = create_engine(PG_URL)
    with engine.begin() as connection:
        tables = [t.name for t in db.metadata.sorted_tables if t.name not in KEEP_TABLES]
        connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def app(database_url):
    app = make_test_app(database_url)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def live_server(app):
    """The app served by werkzeug on a loopback port, in a thread: its requests run outside the test's app context,
    as on a real server, where a streamed download is read after its request's context and session are gone."""
    from werkzeug.serving import make_server

    db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=30)


def fetch_as(server_url: str, username: str, path: str) -> tuple[int, bytes]:
    """(status, body) of `path` fetched from a live server by `username`, signed in, the body read to its end."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    form = urllib.parse.urlencode({"username": username, "password": PASSWORD}).encode()
    opener.open(server_url + "/login", data=form, timeout=30).read()
    try:
        with opener.open(server_url + urllib.parse.quote(path, safe="/?=&%"), timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# --- factories --------------------------------------------------------------------------------------------

_serial = itertools.count(1)


def credit_code(kind: str = "52", region: str = "330302") -> str:
    """A valid credit code, different on every call."""
    body = f"{kind}{region}{next(_serial):08d}X"[:17]
    body = body[:8] + "".join(c if c in uscc._alphabet else "A" for c in body[8:])
    return body + uscc.calc_check_digit(body)


@pytest.fixture
def make_user(app):
    from registry.accounts.services import create_user

    def make(username: str, role: str = "officer", department: str | None = None, **kwargs):
        if role == "officer" and department is None:
            department = "edu"
        if role == "market" and department is None:
            department = "market"
        user = create_user(None, username=username, role=role, department_code=department, password=PASSWORD, **kwargs)
        db.session.commit()
        return user

    return make


@pytest.fixture
def users(make_user):
    """One user of each kind: an admin, an officer per department, a grid worker, market staff."""
    return {
        "admin": make_user("admin", "admin"),
        "edu": make_user("edu", "officer", "edu"),
        "tech": make_user("tech", "officer", "tech"),
        "arts": make_user("arts", "officer", "culture"),
        "sports": make_user("sports", "officer", "sports"),
        "grid": make_user("grid", "grid_worker"),
        "market": make_user("market", "market"),
    }


def institution_data(**overrides) -> dict:
    data = {
        "name": "鹿城区新华艺术培训学校",
        "credit_code": credit_code(),
        "category": "arts",
        "permit_number": "",
        "address": "浙江省温州市鹿城区五马街道解放街128号3楼",
        "district": "330302",
        "latitude": 28.0123,
        "longitude": 120.6543,
        "legal_representative": "王丽",
        "contact_phone": "13905771234",
        "floor_area": 300,
        "capacity": 60,
        "teaching_mode": "offline",
    }
    data.update(overrides)
    return data


@pytest.fixture
def make_institution(app, users):
    from registry.register import services

    def make(**overrides):
        status = overrides.pop("status", "licensed")
        data = institution_data(**overrides)
        if data["category"] == "academic":
            data.setdefault("registration_reason", "重新登记")
        if status == "licensed":
            data.update(status="licensed", permit_number=data["permit_number"] or "教民3303027000001",
                        licensed_on="2021-03-01")
        institution = services.register_institution(users["admin"], data)
        db.session.commit()
        return institution

    return make


# --- acting as a user ---------------------------------------------------------------------------------------

def login(client, username: str, password: str = PASSWORD):
    return client.post("/login", data={"username": username, "password": password})


@pytest.fixture
def as_user(client):
    def act(username: str):
        client.post("/logout")
        response = login(client, username)
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return act


@pytest.fixture
def token_for(client):
    def make(username: str, password: str = PASSWORD) -> dict:
        response = client.post("/api/v1/auth/token", json={"username": username, "password": password})
        assert response.status_code == 200, response.json
        return {"Authorization": f"Bearer {response.json['token']}"}

    return make


def page(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def field_errors(response, name: str) -> list[str]:
    """The error messages shown beside a form field."""
    soup = page(response)
    field = soup.find(id=name)
    container = field.find_parent(class_="field") if field else None
    return [p.get_text(strip=True) for p in container.select(".error")] if container else []
