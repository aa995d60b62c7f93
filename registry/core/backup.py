"""Consistent copies of the database, taken while the app keeps writing, and bringing one back.

SQLite: the online backup API copies a consistent snapshot in one step; in WAL mode that step is a read
transaction, so writers go on while it copies. PostgreSQL has its own tools for this, and they are better than anything
we would write: `pg_dump` / `pg_restore` (README.md, "Backups").
"""
from __future__ import annotations

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


def backup_sqlite(engine: Engine, target: Path) -> BackupResult:
    """Copy the live database to `target` (written beside it first, then renamed: never half a file)."""
    source_path = _sqlite_path(engine)
    target = Path(target)
    if target.resolve() == Path(source_path).resolve():
        raise BackupRefused("The backup file cannot be the database itself.")
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
    """Replace the live database's content with the backup's, in one step that readers see whole."""
    target_path = _sqlite_path(engine)
    source = Path(source)
    if not source.is_file():
        raise BackupRefused(f"No such file: {source}.")
    backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        entries = _check(backup)
        engine.dispose()  # the app's pooled connections must not keep pages of the old content
        live = sqlite3.connect(target_path, timeout=30)
        try:
            backup.backup(live)
        finally:
            live.close()
    finally:
        backup.close()
    return BackupResult(source, source.stat().st_size, entries)
