"""An import killed in the middle leaves the database as it was before the import began."""
import csv
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, func, select, text

from registry.config import PROJECT_ROOT
from registry.core.audit import verify
from registry.extensions import db
from registry.register.models import Institution
from registry.register.samples import generate_institutions, load_districts

ROWS = 30_000


def _write_csv(path: Path) -> None:
    districts = load_districts(PROJECT_ROOT / "fixtures" / "geo" / "330300_full.json")
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        rows = generate_institutions(ROWS, seed=8, districts=districts, status_mix="register")
        first = next(rows)
        writer = csv.DictWriter(handle, fieldnames=list(first))
        writer.writeheader()
        writer.writerow(first)
        writer.writerows(rows)


def _import_is_writing(url: str) -> bool:
    """Whether another connection holds a write transaction on the database."""
    if url.startswith("sqlite"):
        connection = sqlite3.connect(url.removeprefix("sqlite:///"), timeout=0, isolation_level=None)
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError:
            return True
        finally:
            connection.close()
    engine = create_engine(url)
    with engine.connect() as connection:
        held = connection.execute(text(
            "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "WHERE c.relname = 'institutions' AND l.mode = 'RowExclusiveLock' AND l.pid <> pg_backend_pid()")).scalar()
    engine.dispose()
    return held > 0


def test_killing_an_import_midway_writes_nothing(app, users, make_institution, database_url, tmp_path):
    make_institution(name="鹿城区原有艺术培训学校")
    db.session.commit()
    before = db.session.scalar(select(func.count()).select_from(Institution))
    db.session.remove()
    db.engine.dispose()
    path = tmp_path / "big.csv"
    _write_csv(path)

    env = {**os.environ, "REGISTRY_DATABASE_URL": database_url, "REGISTRY_SECRET_KEY": "test",
           "REGISTRY_BOUNDS": "73.4,18.1,135.1,53.6"}
    command = [str(Path(sys.executable).parent / "registry"), "import", "institutions", str(path)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while not _import_is_writing(database_url):
        assert process.poll() is None, process.stdout.read()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    time.sleep(1.0)  # well into the rows
    assert process.poll() is None, "the import finished before it could be interrupted"
    process.send_signal(signal.SIGKILL)
    process.wait()

    assert db.session.scalar(select(func.count()).select_from(Institution)) == before
    assert verify(db.session).ok
