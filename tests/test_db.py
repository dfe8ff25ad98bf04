"""The database core: URLs, SQLite settings, BEGIN IMMEDIATE write sessions, UTC timestamps, outages."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import MetaData, String, inspect, select, text
from sqlalchemy.exc import OperationalError, StatementError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from jobs_support import pg_schema_url
from mutoscope.db import Base, Database, normalize_url, open_database, translate_operational_errors
from mutoscope.errors import InvalidRequestError, ServiceUnavailableError
from mutoscope.jobs.models import Job


class _TestBase(DeclarativeBase):
    """Test tables stay off `Base.metadata` (migration checks compare it with the schema), but map types the
    way `Base` does."""

    metadata = MetaData(naming_convention=Base.metadata.naming_convention)
    type_annotation_map = Base.type_annotation_map


class Stamp(_TestBase):
    __tablename__ = "test_db_stamps"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    at: Mapped[datetime]


class Counter(_TestBase):
    __tablename__ = "test_db_counters"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    value: Mapped[int]


def create_tables(db: Database) -> None:
    _TestBase.metadata.create_all(db.engine)
    Base.metadata.create_all(db.engine, tables=[Job.__table__])


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.services)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "postgresql":
        with pg_schema_url(request.getfixturevalue("pg_url")) as url:
            db = open_database(url)
            create_tables(db)
            yield db
            db.dispose()
    else:
        db = open_database(f"sqlite:///{tmp_path / 'nested' / 'folders' / 'db.sqlite'}")
        create_tables(db)
        yield db
        db.dispose()


def test_sqlite_is_configured_for_concurrent_use(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "mutoscope.db"
    db = open_database(f"sqlite:///{path}")
    try:
        assert db.is_sqlite
        with db.session() as session:
            pragma = {
                name: session.execute(text(f"PRAGMA {name}")).scalar()
                for name in ("journal_mode", "busy_timeout", "foreign_keys", "synchronous")
            }
        assert pragma == {"journal_mode": "wal", "busy_timeout": 30000, "foreign_keys": 1, "synchronous": 1}
        assert path.exists()
    finally:
        db.dispose()


def test_write_session_holds_the_write_lock_from_its_first_read(tmp_path: Path) -> None:
    path = tmp_path / "lock.db"
    db = open_database(f"sqlite:///{path}")
    create_tables(db)
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        with db.session() as session:
            session.execute(select(Counter)).all()
            other.execute("BEGIN IMMEDIATE")  # a plain session's read leaves the write lock free
            other.execute("ROLLBACK")
        with db.write_session() as session:
            session.execute(select(Counter)).all()
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # released at commit
        other.execute("ROLLBACK")
    finally:
        other.close()
        db.dispose()


def test_concurrent_read_then_write_sessions_never_hit_database_is_locked(database: Database) -> None:
    with database.session() as session:
        session.add(Counter(id="c", value=0))
    errors: list[BaseException] = []

    def bump() -> None:
        try:
            for _ in range(25):
                with database.write_session() as session:
                    row = session.get(Counter, "c", with_for_update=not database.is_sqlite)
                    assert row is not None
                    row.value += 1
        except Exception as error:  # noqa: BLE001  (reported by the main thread)
            errors.append(error)

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    with database.session() as session:
        row = session.get(Counter, "c")
        assert row is not None and row.value == 100  # no lost update either


def test_session_rolls_back_when_the_block_raises(database: Database) -> None:
    with pytest.raises(KeyError), database.session() as session:
        session.add(Counter(id="gone", value=1))
        session.flush()
        raise KeyError("boom")
    with database.session() as session:
        assert session.get(Counter, "gone") is None


def test_timestamps_come_back_as_aware_utc(database: Database) -> None:
    paris_summer = timezone(timedelta(hours=2))
    written = datetime(2031, 7, 1, 12, 30, 15, 123456, tzinfo=paris_summer)
    with database.session() as session:
        session.add(Stamp(id="a", at=written))
        session.add(Stamp(id="b", at=written + timedelta(microseconds=1)))
    with database.session() as session:
        read = session.get(Stamp, "a")
        assert read is not None
        assert read.at == written and read.at.tzinfo is UTC and read.at.hour == 10
        # Comparisons in SQL use the instant, whatever zone the parameter is in.
        later = session.scalars(select(Stamp.id).where(Stamp.at > written.astimezone(UTC))).all()
        assert later == ["b"]


def test_naive_timestamps_are_refused(database: Database) -> None:
    with pytest.raises(StatementError, match="naive"), database.session() as session:
        session.add(Stamp(id="n", at=datetime(2031, 1, 1)))
        session.flush()


def test_constraint_names_follow_the_naming_convention(database: Database) -> None:
    inspector = inspect(database.engine)
    assert inspector.get_pk_constraint("jobs")["name"] in ("pk_jobs", None)  # SQLite does not keep pk names
    checks = {check["name"] for check in inspector.get_check_constraints("jobs")}
    assert {"ck_jobs_state", "ck_jobs_progress", "ck_jobs_attempts", "ck_jobs_max_attempts"} <= checks
    indexes = {index["name"] for index in inspector.get_indexes("jobs")}
    assert {"ix_jobs_owner_id", "ix_jobs_state_created_at"} <= indexes


@pytest.mark.parametrize(
    ("url", "driver"),
    [
        ("postgresql://u@db.example/mutoscope", "postgresql+psycopg"),
        ("postgres://u@db.example/mutoscope", "postgresql+psycopg"),
        ("postgresql+psycopg://u@db.example/mutoscope", "postgresql+psycopg"),
        ("sqlite:///var/mutoscope.db", "sqlite"),
    ],
)
def test_urls_are_normalized_to_psycopg(url: str, driver: str) -> None:
    assert normalize_url(url).drivername == driver


@pytest.mark.parametrize("url", ["mysql://u@h/db", "postgresql+asyncpg://u@h/db", "not a url", ""])
def test_unsupported_urls_are_refused(url: str) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        open_database(url)
    assert caught.value.param == "database.url"


def test_the_url_is_kept_but_its_password_is_not_shown() -> None:
    db = open_database("postgresql://mutoscope:s3cret@127.0.0.1:1/mutoscope")
    try:
        assert db.url == "postgresql+psycopg://mutoscope:s3cret@127.0.0.1:1/mutoscope"
        assert "s3cret" not in repr(db)
    finally:
        db.dispose()


def test_an_unreachable_database_is_service_unavailable() -> None:
    db = open_database("postgresql://postgres@127.0.0.1:1/nothing?connect_timeout=2")
    try:
        with pytest.raises(ServiceUnavailableError) as caught:
            db.ping()
        assert caught.value.code == "service_unavailable"
        with pytest.raises(ServiceUnavailableError), translate_operational_errors(), db.session() as session:
            session.execute(text("SELECT 1"))
    finally:
        db.dispose()


def test_mistakes_in_sql_are_not_disguised_as_outages(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        with (
            pytest.raises(OperationalError, match="no such table"),
            translate_operational_errors(),
            db.session() as session,
        ):
            session.execute(text("SELECT * FROM no_such_table"))
    finally:
        db.dispose()


def test_a_locked_sqlite_database_is_service_unavailable(tmp_path: Path) -> None:
    path = tmp_path / "busy.db"
    db = open_database(f"sqlite:///{path}", sqlite_busy_timeout_s=0.05)
    create_tables(db)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with (
            pytest.raises(ServiceUnavailableError),
            translate_operational_errors(),
            db.write_session() as session,
        ):
            session.add(Counter(id="x", value=1))
            session.flush()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        db.dispose()


def test_an_in_memory_database_is_shared_by_threads() -> None:
    db = open_database("sqlite://")
    try:
        create_tables(db)
        thread = threading.Thread(target=lambda: _add_counter(db))
        thread.start()
        thread.join(10)
        with db.session() as session:
            assert session.get(Counter, "t") is not None
    finally:
        db.dispose()


def _add_counter(db: Database) -> None:
    with db.session() as session:
        session.add(Counter(id="t", value=1))
