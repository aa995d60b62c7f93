"""Consistent copies of the database, taken while the app keeps writing, and bringing one back.

SQLite: the online backup API copies a consistent snapshot in one step; in WAL mode that step is a read
transaction, so writers go on while it copies. PostgreSQL has its own tools for this, and they are better than anything
we would write: `pg_dump` / `pg_restore` (README.md, "Backups").
"""
from __future__ import annotations

import fcntl
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine

PG_DUMP_ADVICE = (
    "PostgreSQL is backed up with its own tools, consistently while the app writes:\n"
    "  pg_dump --format=custom --file=registry.dump \"$DATABASE_URL\"\n"
    "and restored into an empty database with:\n"
    "  pg_restore --clean --if-exists --no-owner --dbname=\"$DATABASE_URL\" registry.dump\n"
    "($DATABASE_URL as a postgresql:// URL, without the +psycopg driver part.)"
)


class BackupRefused(RuntimeError):
    """The backup or restore cannot be done as asked; the message says what to do instead."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    audit_entries: int


def _sqlite_path(engine: Engine) -> str:
    if engine.dialect.name != "sqlite":
        raise BackupRefused(PG_DUMP_ADVICE)
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupRefused("An in-memory database cannot be backed up.")
    return database


def backup_sqlite(engine: Engine, target: Path, *, force: bool = False) -> BackupResult:
    """Copy the live database to `target` (written beside it first, then renamed: never half a file)."""
    source_path = _sqlite_path(engine)
    target = Path(target)
    if target.resolve() == Path(source_path).resolve():
        raise BackupRefused("The backup file cannot be the database itself.")
    if not target.parent.is_dir():
        raise BackupRefused(f"There is no folder {target.parent}: create it first, or name another.")
    if target.exists() and not force:
        raise BackupRefused(f"{target} already exists: name another file, or add --force to replace it.")
    partial = target.with_name(target.name + ".part")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(source_path, timeout=30)
    try:
        destination = sqlite3.connect(partial)
        try:
            source.backup(destination)
            destination.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
            entries = _check(destination)
        finally:
            destination.close()
    finally:
        source.close()
    os.replace(partial, target)
    return BackupResult(target, target.stat().st_size, entries)


def _check(connection: sqlite3.Connection) -> int:
    """Refuse a file that is damaged or is not a registry database; return its audit entry count."""
    try:
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as error:
        raise BackupRefused(f"Not a readable SQLite database: {error}.") from error
    if integrity != "ok":
        raise BackupRefused(f"The database is damaged: {integrity}.")
    if not {"alembic_version", "institutions", "audit_log"} <= tables:
        raise BackupRefused("This is not a registry database (no institutions or audit log).")
    return connection.execute("SELECT count(*) FROM audit_log").fetchone()[0]


def restore_sqlite(engine: Engine, source: Path) -> BackupResult:
    """Replace the live database's content with the backup's, in one step that readers see whole; only once the
    backup is found whole, of this version's schema, with an intact audit chain, and no app has the database open."""
    target_path = _sqlite_path(engine)
    source = Path(source)
    if not source.is_file():
        raise BackupRefused(f"No such file: {source}.")
    if in_use(target_path):
        raise BackupRefused("Another process has the database open (the app is running?): stop it first, then restore.")
    backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        entries = _check(backup)
        _check_schema(backup)
        _check_audit_chain(source)
        engine.dispose()  # the app's pooled connections must not keep pages of the old content
        live = sqlite3.connect(target_path, timeout=30)
        try:
            backup.backup(live)
        finally:
            live.close()
    finally:
        backup.close()
    return BackupResult(source, source.stat().st_size, entries)


def in_use(database: str) -> bool:
    """Whether another process has the SQLite database open. In WAL mode every open connection holds a shared lock
    on one byte of the `-shm` file (SQLite's own test for being the last connection); a process of ours that cannot
    lock it exclusively is not alone. Call it before this process opens the database: closing the descriptor drops
    this process's locks on the file."""
    try:
        descriptor = os.open(f"{database}-shm", os.O_RDWR)
    except FileNotFoundError:
        return False  # no WAL index: no connection open
    try:
        fcntl.lockf(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, SHM_DEAD_MAN_SWITCH)
    except OSError:
        return True
    else:
        fcntl.lockf(descriptor, fcntl.LOCK_UN, 1, SHM_DEAD_MAN_SWITCH)
        return False
    finally:
        os.close(descriptor)


SHM_DEAD_MAN_SWITCH = 128  # the byte past the WAL index's eight locks (sqlite's os_unix.c, UNIX_SHM_DMS)


def _check_schema(connection: sqlite3.Connection) -> None:
    """The backup must be of the schema this version of the registry runs on."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from registry.config import PROJECT_ROOT

    config = Config()
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    heads = set(ScriptDirectory.from_config(config).get_heads())
    versions = {row[0] for row in connection.execute("SELECT version_num FROM alembic_version")}
    if versions != heads:
        raise BackupRefused(f"The backup's schema is revision {', '.join(sorted(versions)) or 'none'}; this version "
                            f"of the registry runs on {', '.join(sorted(heads))}. Nothing was replaced.")


def _check_audit_chain(source: Path) -> None:
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from registry.core.audit import verify

    engine = create_engine(f"sqlite:///file:{source}?mode=ro&uri=true")
    try:
        with Session(engine) as session:
            result = verify(session)
    finally:
        engine.dispose()
    if not result.ok:
        raise BackupRefused(f"The backup's audit log is broken at entry {result.bad_id}: {result.problem}. "
                            "Nothing was replaced.")
