"""`registry backup` copies a consistent database while the app writes; `registry restore` brings it back."""
import multiprocessing
import shutil
import sqlite3
import time

import pytest
from sqlalchemy import func, select

from registry.core.audit import verify
from registry.extensions import db
from registry.register.models import Institution
from tests.conftest import PG_URL, make_test_app
from tests.holding import workers

pytestmark = pytest.mark.skipif(bool(PG_URL), reason="SQLite's online backup; PostgreSQL uses pg_dump (README)")


def _count(url: str) -> int:
    with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
        return connection.execute("SELECT count(*) FROM institutions").fetchone()[0]


def test_a_backup_taken_while_writing_is_whole_and_restores(app, runner, users, tmp_path, database_url):
    db.session.commit()
    db.engine.dispose()
    backup = tmp_path / "backup.sqlite"
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        writing = pool.apply_async(workers.register_institutions, (database_url, "arts", 40, 1))
        while _count(database_url) < 5:  # the writer is under way
            time.sleep(0.05)
        result = runner.invoke(args=["backup", str(backup)])
        answers = writing.get(timeout=120)
    assert result.exit_code == 0, result.output
    assert all(status == 201 for _, status in answers)

    copy = sqlite3.connect(backup)
    copied = copy.execute("SELECT count(*) FROM institutions").fetchone()[0]
    registered = copy.execute("SELECT count(*) FROM audit_log WHERE action = 'institution.register'").fetchone()[0]
    copy.close()
    assert 5 <= copied <= 40 and copied == registered  # a moment of the database, not a mix of two

    restored_path = tmp_path / "restored.sqlite"
    shutil.copy(database_url.removeprefix("sqlite:///"), restored_path)  # a live database with 40 institutions
    restored = make_test_app(f"sqlite:///{restored_path}")
    with restored.app_context():
        outcome = restored.test_cli_runner().invoke(args=["restore", str(backup), "--yes"])
        assert outcome.exit_code == 0, outcome.output
        assert "audit log intact" in outcome.output
        assert db.session.scalar(select(func.count()).select_from(Institution)) == copied
        assert verify(db.session).ok
        db.session.remove()
        db.engine.dispose()


def test_restore_refuses_what_is_not_a_registry_database(runner, tmp_path):
    stranger = tmp_path / "other.sqlite"
    sqlite3.connect(stranger).execute("CREATE TABLE t (x)").connection.commit()
    result = runner.invoke(args=["restore", str(stranger), "--yes"])
    assert result.exit_code == 1 and "not a registry database" in result.output
    text_file = tmp_path / "notes.txt"
    text_file.write_text("hello")
    result = runner.invoke(args=["restore", str(text_file), "--yes"])
    assert result.exit_code == 1 and "Not a readable SQLite database" in result.output


def test_restore_asks_first(runner, tmp_path):
    backup = tmp_path / "b.sqlite"
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    result = runner.invoke(args=["restore", str(backup)], input="n\n")
    assert result.exit_code == 1 and "will be replaced" in result.output
