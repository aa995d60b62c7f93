"""The migrations build exactly what the models describe, on SQLite and on PostgreSQL."""
import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from registry.extensions import db


def _differences(app):
    with db.engine.connect() as connection:
        from registry.search import described_by_models

        context = MigrationContext.configure(connection, opts={"compare_type": True, "include_name": described_by_models})
        return compare_metadata(context, db.metadata)


def test_migrations_match_models(app):
    assert _differences(app) == []


@pytest.mark.skipif(not os.environ.get("REGISTRY_TEST_DATABASE_URL"),
                    reason="REGISTRY_TEST_DATABASE_URL is not set: no PostgreSQL server to migrate")
def test_migrations_match_models_on_postgresql(app):
    assert db.engine.dialect.name == "postgresql"
    assert _differences(app) == []


def test_sqlite_settings(tmp_path):
    from tests.conftest import make_test_app

    app = make_test_app(f"sqlite:///{tmp_path / 'x.sqlite'}")
    with app.app_context():
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        db.engine.dispose()


def test_openapi_document_is_valid_and_complete(app, client):
    from openapi_spec_validator import validate

    document = client.get("/api/v1/openapi.json").json
    validate(document)
    documented = {(path, method) for path, item in document["paths"].items() for method in item if method != "parameters"}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint == "api.openapi":
            continue
        path = rule.rule.removeprefix("/api/v1").replace("<int:", "{").replace("<", "{").replace(">", "}")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method.lower()) in documented, (path, method)
