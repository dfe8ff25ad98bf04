"""Opening the database: engines, sessions, and the SQLite settings that make it a safe embedded default.

`open_database(url)` accepts SQLite (`sqlite:///path/to/file.db`, the embedded default) and PostgreSQL
(`postgresql+psycopg://…`; `postgresql://` and `postgres://` are rewritten to psycopg). SQLite runs in WAL mode
with a 30 s busy timeout, foreign keys on and `synchronous=NORMAL`, and SQLAlchemy (not the `sqlite3` module)
emits BEGIN, so `write_session()` can start with `BEGIN IMMEDIATE`: a read-then-write transaction then holds
the write lock from its first statement instead of failing with "database is locked" when it tries to upgrade
a read snapshot another writer has moved past. `translate_operational_errors()` turns an unreachable database
into `ServiceUnavailableError`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, exc
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from mutoscope.errors import InvalidRequestError, ServiceUnavailableError

logger = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_S = 30.0
# An execution option on the write engine: the begin hook reads it to choose SQLite's BEGIN flavour.
_BEGIN_MODE_OPTION = "mutoscope_sqlite_begin"
# sqlite3.OperationalError covers both outages and mistakes ("no such table"); only these mean "try later".
_SQLITE_OUTAGE_MARKERS = ("locked", "busy", "unable to open", "disk i/o", "readonly", "read-only")


@dataclass
class Database:
    """An engine plus its session factories. Create with `open_database`; `dispose()` when done."""

    url: str = field(repr=False)  # may hold a password
    engine: Engine
    sessions: sessionmaker[Session]
    write_sessions: sessionmaker[Session] | None = field(default=None, repr=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in a transaction: committed when the block ends, rolled back if it raises."""
        with self.sessions.begin() as session:
            yield session

    @contextmanager
    def write_session(self) -> Iterator[Session]:
        """Like `session()`, for read-then-write work; on SQLite it holds the write lock from its start."""
        with (self.write_sessions or self.sessions).begin() as session:
            yield session

    def ping(self) -> None:
        """Round-trip to the database; raises `ServiceUnavailableError` when it cannot be reached."""
        with translate_operational_errors(), self.engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def open_database(url: str, *, sqlite_busy_timeout_s: float = SQLITE_BUSY_TIMEOUT_S) -> Database:
    """An engine and session factories for a SQLite or PostgreSQL URL (connections open lazily).

    `sqlite_busy_timeout_s`: how long a SQLite writer waits for the lock before "database is locked".
    """
    parsed = normalize_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = _sqlite_engine(parsed, sqlite_busy_timeout_s)
        write_engine = engine.execution_options(**{_BEGIN_MODE_OPTION: "IMMEDIATE"})
        return Database(
            url=parsed.render_as_string(hide_password=False),
            engine=engine,
            sessions=sessionmaker(bind=engine, expire_on_commit=False),
            write_sessions=sessionmaker(bind=write_engine, expire_on_commit=False),
        )
    engine = create_engine(parsed, pool_pre_ping=True)
    return Database(
        url=parsed.render_as_string(hide_password=False),
        engine=engine,
        sessions=sessionmaker(bind=engine, expire_on_commit=False),
    )


def normalize_url(url: str) -> URL:
    """Parse `url`, pointing PostgreSQL at psycopg 3; anything but SQLite or PostgreSQL is refused."""
    try:
        parsed = make_url(url)
    except exc.ArgumentError as error:
        raise InvalidRequestError(f"Malformed database URL: {error}", param="database.url") from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    backend, driver = parsed.get_backend_name(), parsed.get_driver_name()
    if (backend, driver) not in (("sqlite", "pysqlite"), ("postgresql", "psycopg")):
        raise InvalidRequestError(
            f"Unsupported database URL scheme {parsed.drivername!r}: use sqlite:///path/to/file.db "
            "or postgresql+psycopg://user@host/dbname",
            param="database.url",
        )
    return parsed


@contextmanager
def translate_operational_errors() -> Iterator[None]:
    """Re-raise an unreachable, locked or overloaded database as `ServiceUnavailableError` (HTTP 503)."""
    try:
        yield
    except exc.DBAPIError as error:
        if not is_outage(error):
            raise
        logger.warning("database unavailable: %s", error.orig if error.orig is not None else error)
        raise ServiceUnavailableError("The database is unavailable right now; try again shortly.") from error
    except exc.TimeoutError as error:  # the connection pool stayed exhausted
        logger.warning("database connection pool exhausted: %s", error)
        raise ServiceUnavailableError("The database is overloaded right now; try again shortly.") from error


def is_outage(error: exc.DBAPIError) -> bool:
    """Whether a driver error means "the database cannot serve us now" rather than a mistake in our SQL."""
    if error.connection_invalidated or isinstance(error, exc.InterfaceError):
        return True
    if not isinstance(error, exc.OperationalError):
        return False
    if error.orig is not None and type(error.orig).__module__.startswith("sqlite3"):
        message = str(error.orig).lower()
        return any(marker in message for marker in _SQLITE_OUTAGE_MARKERS)
    return True


def _sqlite_engine(url: URL, busy_timeout_s: float) -> Engine:
    if not busy_timeout_s >= 0:
        raise InvalidRequestError("sqlite_busy_timeout_s must be >= 0", param="sqlite_busy_timeout_s")
    database = url.database or ""
    in_memory = database in ("", ":memory:") or database.startswith("file::memory:")
    options: dict[str, Any] = {"connect_args": {"timeout": busy_timeout_s}}
    if in_memory:
        # Every connection to :memory: is a new empty database, so all threads must share one connection.
        options = {"connect_args": {"check_same_thread": False}, "poolclass": StaticPool}
    else:
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, **options)
    busy_timeout_ms = round(busy_timeout_s * 1000)

    def configure(dbapi_connection: Any, _record: Any) -> None:
        _configure_sqlite_connection(dbapi_connection, busy_timeout_ms)

    event.listen(engine, "connect", configure)
    event.listen(engine, "begin", _begin_sqlite_transaction)
    return engine


def _configure_sqlite_connection(dbapi_connection: Any, busy_timeout_ms: int) -> None:
    # SQLAlchemy's "manual BEGIN" recipe: stop sqlite3 from issuing (or skipping) BEGIN itself.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {busy_timeout_ms}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")  # durable at checkpoints; WAL keeps it consistent
        cursor.execute("PRAGMA foreign_keys = ON")
    finally:
        cursor.close()


def _begin_sqlite_transaction(connection: Connection) -> None:
    mode = connection.get_execution_options().get(_BEGIN_MODE_OPTION, "DEFERRED")
    connection.exec_driver_sql(f"BEGIN {'IMMEDIATE' if mode == 'IMMEDIATE' else 'DEFERRED'}")
