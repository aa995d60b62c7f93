"""Engine settings per backend: SQLite gets WAL, foreign keys and a busy timeout."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

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


def engine_options(config: dict) -> dict:
    """The engine's options with the database timeouts. PostgreSQL: a connection not made within
    REGISTRY_DATABASE_CONNECT_TIMEOUT seconds (a server down, or one that accepts and never answers) fails, and a
    statement running longer than REGISTRY_DATABASE_STATEMENT_TIMEOUT seconds is cancelled by the server; either
    answers 503. SQLite is a local file: waiting for its one write lock is bounded by the busy timeout."""
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if str(config.get("SQLALCHEMY_DATABASE_URI", "")).startswith("postgresql"):
        connect_args = dict(options.get("connect_args") or {})
        connect_args.setdefault("connect_timeout", config["REGISTRY_DATABASE_CONNECT_TIMEOUT"])
        statement_ms = int(config["REGISTRY_DATABASE_STATEMENT_TIMEOUT"] * 1000)
        connect_args.setdefault("options", f"-c statement_timeout={statement_ms}")
        options["connect_args"] = connect_args
    return options


def configure_engines(app: Flask) -> None:
    with app.app_context():
        from registry.extensions import db

        engine: Engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
            # Let SQLAlchemy, not pysqlite, decide when transactions begin.
            event.listen(engine, "connect", lambda dbapi_conn, rec: setattr(dbapi_conn, "isolation_level", None))
            event.listen(engine, "begin", _sqlite_begin_immediate)


def read_later(statement, *, engine: Engine | None = None) -> Iterator:
    """The rows of `statement`, read when first asked for on a read-only connection of their own, for a streamed
    download. Build the statement and check the rights before calling this: on a real server the rows are read after
    the request's session is gone (its user and records detached), so nothing here may touch it."""
    if engine is None:
        from registry.extensions import db

        engine = db.engine  # taken now, while the app is current

    def rows() -> Iterator:
        with engine.connect() as connection:
            yield from connection.execution_options(read_only=True).execute(statement)

    return rows()


@contextmanager
def reading_session(engine: Engine) -> Iterator[Session]:
    """A session of its own on a read-only connection, for a streamed download that loads records as it goes (see
    `read_later`); closed when the download ends."""
    with engine.connect() as connection, Session(bind=connection.execution_options(read_only=True)) as session:
        yield session
