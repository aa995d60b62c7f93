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


def test_backup_does_not_overwrite_and_says_when_the_folder_is_missing(runner, tmp_path):
    backup = tmp_path / "b.sqlite"
    backup.write_text("last week's backup")
    refused = runner.invoke(args=["backup", str(backup)])
    assert refused.exit_code == 1 and "already exists" in refused.output and "--force" in refused.output
    assert backup.read_text() == "last week's backup"
    assert runner.invoke(args=["backup", str(backup), "--force"]).exit_code == 0
    assert sqlite3.connect(backup).execute("SELECT count(*) FROM audit_log").fetchone()[0] >= 0
    missing = runner.invoke(args=["backup", str(tmp_path / "no-such-folder" / "b.sqlite")])
    assert missing.exit_code == 1
    assert missing.output.strip().splitlines() == [f"There is no folder {tmp_path / 'no-such-folder'}: create it first, or name another."]


def _database_file(database_url):
    return database_url.removeprefix("sqlite:///")


def test_restore_checks_the_backup_before_replacing_anything(runner, users, tmp_path, database_url):
    db.session.commit()
    backup = tmp_path / "b.sqlite"
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    before = _count(database_url), sqlite3.connect(_database_file(database_url)).execute(
        "SELECT count(*) FROM audit_log").fetchone()[0]

    tampered = tmp_path / "tampered.sqlite"
    shutil.copy(backup, tampered)
    with sqlite3.connect(tampered) as connection:  # edited by someone who drops the append-only triggers
        for (trigger,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'").fetchall():
            connection.execute(f"DROP TRIGGER {trigger}")
        connection.execute("UPDATE audit_log SET actor = 'someone else' WHERE id = (SELECT min(id) FROM audit_log)")
    result = runner.invoke(args=["restore", str(tampered), "--yes"])
    assert result.exit_code == 1 and "audit log is broken" in result.output and "Nothing was replaced" in result.output

    older = tmp_path / "older.sqlite"
    shutil.copy(backup, older)
    with sqlite3.connect(older) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0009'")
    result = runner.invoke(args=["restore", str(older), "--yes"])
    assert result.exit_code == 1 and "revision 0009" in result.output

    db.session.remove()
    db.engine.dispose()
    with sqlite3.connect(_database_file(database_url)) as live:
        assert (live.execute("SELECT count(*) FROM institutions").fetchone()[0],
                live.execute("SELECT count(*) FROM audit_log").fetchone()[0]) == before


def test_restore_refuses_while_another_process_has_the_database_open(runner, users, tmp_path, database_url):
    import subprocess
    import sys

    db.session.commit()
    backup = tmp_path / "b.sqlite"
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    db.session.remove()
    db.engine.dispose()
    app_like = subprocess.Popen([sys.executable, "-c", (
        "import sqlite3, sys, time\n"
        f"c = sqlite3.connect({_database_file(database_url)!r})\n"
        "c.execute('PRAGMA journal_mode=WAL'); c.execute('SELECT count(*) FROM institutions').fetchall()\n"
        "print('open', flush=True); time.sleep(60)\n")], stdout=subprocess.PIPE, text=True)
    try:
        assert app_like.stdout.readline().strip() == "open"
        result = runner.invoke(args=["restore", str(backup), "--yes"])
        assert result.exit_code == 1 and "Another process has the database open" in result.output
    finally:
        app_like.kill()
        app_like.wait()
    assert runner.invoke(args=["restore", str(backup), "--yes"]).exit_code == 0
