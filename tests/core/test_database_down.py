"""When the database is down or does not answer: a 503 page (JSON under /api) saying so, with Retry-After; the
OpenAPI document needs no database at all."""
import socket
import threading

import pytest

from tests.conftest import make_test_app, page

UNAVAILABLE = "服务暂时不可用：数据库没有响应。"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # free again when closed: nothing listens there


def _check_unavailable(app):
    client = app.test_client()
    for path in ("/public", "/login", "/institutions"):
        response = client.get(path)
        assert response.status_code == 503, path
        assert response.headers["Retry-After"] == "60"
        assert UNAVAILABLE in page(response).find("main").get_text()
    api = client.get("/api/v1/institutions", headers={"Authorization": "Bearer x"})
    assert api.status_code == 503 and api.headers["Retry-After"] == "60"
    assert api.json["error"]["code"] == "unavailable" and UNAVAILABLE in api.json["error"]["message"]
    english = client.get("/api/v1/institutions", headers={"Accept-Language": "en"})
    assert english.status_code == 503 and "database does not answer" in english.json["error"]["message"]
    document = client.get("/api/v1/openapi.json")
    assert document.status_code == 200 and "/institutions" in document.json["paths"]


def test_postgresql_on_a_closed_port(tmp_path):
    pytest.importorskip("psycopg")
    app = make_test_app(f"postgresql+psycopg://postgres@127.0.0.1:{_closed_port()}/registry")
    _check_unavailable(app)


def test_postgresql_that_accepts_and_never_answers():
    """A server that takes the connection and says nothing: the connect timeout ends the wait."""
    pytest.importorskip("psycopg")
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held, stop = [], threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])  # kept open, never written to
            except OSError:
                pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        app = make_test_app(f"postgresql+psycopg://postgres@127.0.0.1:{server.getsockname()[1]}/registry",
                            REGISTRY_DATABASE_CONNECT_TIMEOUT=1)
        response = app.test_client().get("/public")
        assert response.status_code == 503 and response.headers["Retry-After"] == "60"
        assert held  # it did connect
    finally:
        stop.set()
        thread.join()
        for connection in held:
            connection.close()
        server.close()


def test_sqlite_file_that_cannot_be_opened(tmp_path):
    app = make_test_app(f"sqlite:///{tmp_path / 'no-such-folder' / 'registry.sqlite'}")
    _check_unavailable(app)


def test_postgresql_gets_connect_and_statement_timeouts():
    from registry.core.database import engine_options

    options = engine_options({"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://db/registry",
                              "REGISTRY_DATABASE_CONNECT_TIMEOUT": 5, "REGISTRY_DATABASE_STATEMENT_TIMEOUT": 30})
    assert options["connect_args"] == {"connect_timeout": 5, "options": "-c statement_timeout=30000"}
