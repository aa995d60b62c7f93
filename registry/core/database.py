"""Engine settings per backend: SQLite gets WAL, foreign keys and a busy timeout."""
from __future__ import annotations

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

SQLITE_BUSY_TIMEOUT_MS = 15_000


SQLITE_MMAP_BYTES = 1 << 30  # address space, not memory: the OS page cache holds what is read


def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Searches at a national register's scale read pages all over the file: map it rather than copy each page.
    cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
    cursor.close()


def _sqlite_begin_immediate(connection) -> None:
    # Take the write lock when the transaction starts, so two writers queue behind the busy timeout
    # instead of failing when a read transaction tries to become a write one. A connection marked
    # `read_only` (requests that only read, long reads such as exports) takes no lock: in WAL mode
    # readers and the one writer go on side by side.
    if connection.get_execution_options().get("read_only"):
        connection.exec_driver_sql("BEGIN")
    else:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def configure_engines(app: Flask) -> None:
    with app.app_context():
        from registry.extensions import db

        engine: Engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
            # Let SQLAlchemy, not pysqlite, decide when transactions begin.
            event.listen(engine, "connect", lambda dbapi_conn, rec: setattr(dbapi_conn, "isolation_level", None))
            event.listen(engine, "begin", _sqlite_begin_immediate)
