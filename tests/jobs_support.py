"""Helpers for the jobs tests: databases on SQLite and PostgreSQL, a fake clock, and a waiting helper.

`database` (made by `database_fixture()`) is parametrized: every test that takes it runs on a fresh SQLite
file and, marked `services`, on PostgreSQL in a schema of its own (so it never meets the server tests' tables).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import make_url

from mutoscope.db import Base, Database, open_database
from mutoscope.jobs.models import Job

__all__ = ["FakeClock", "database_fixture", "job_database_url", "pg_schema_url", "wait_until"]


class FakeClock:
    """A clock the test moves by hand; thread-safe."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2030, 1, 1, tzinfo=UTC)
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += timedelta(seconds=seconds)


def wait_until(predicate: Callable[[], Any], timeout_s: float = 10.0, interval_s: float = 0.01) -> Any:
    """Poll `predicate` until it returns something truthy (returned) or fail after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout_s} s")
        time.sleep(interval_s)


@contextmanager
def pg_schema_url(base_url: str) -> Iterator[str]:
    """A URL whose every connection works in a new schema of the database at `base_url` (dropped after)."""
    schema = f"jobs_{secrets.token_hex(5)}"
    admin = open_database(base_url)
    try:
        with admin.engine.begin() as connection:
            connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        # psycopg hands `options` to the server, so the schema holds for every pooled connection.
        url = make_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
        with admin.engine.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    finally:
        admin.dispose()


@contextmanager
def job_database_url(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database URL of `kind` ("sqlite" or "postgresql", the latter from the `pg_url` fixture)."""
    if kind == "postgresql":
        with pg_schema_url(str(request.getfixturevalue("pg_url"))) as url:
            yield url
    else:
        yield f"sqlite:///{(tmp_path / 'jobs.db').as_posix()}"


def database_fixture() -> Any:
    """A `database` fixture for a test module: a `Database` with the jobs table, on SQLite and PostgreSQL."""

    @pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.services)])
    def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
        with job_database_url(request.param, request, tmp_path) as url:
            db = open_database(url)
            Base.metadata.create_all(db.engine, tables=[Job.__table__])
            try:
                yield db
            finally:
                db.dispose()

    return database


def drain_in_process(url: str, worker_id: str, out_path: str, start: Any) -> None:
    """Body of a spawned worker process: wait for `start` (a Barrier), run jobs of kind "count" until none
    is queued or running, and write the ids this process ran and settled to `out_path` as JSON."""
    import json

    from mutoscope.jobs import ClaimedJob, JobContext, JobQueue, JobState, Worker

    db = open_database(url)
    queue = JobQueue(db, lease_s=60)
    ran: list[str] = []

    def handler(job: ClaimedJob, ctx: JobContext) -> dict[str, Any]:
        ran.append(job.id)
        time.sleep(0.002)  # a little work, so the processes interleave
        return {"worker": worker_id}

    worker = Worker(queue, {"count": handler}, worker_id=worker_id, heartbeat_s=10, poll_s=0.05)
    start.wait(60)
    while True:
        if worker.run_once():
            continue
        counts = queue.count_by_state()
        if counts[JobState.queued] == 0 and counts[JobState.in_progress] == 0:
            break
        time.sleep(0.01)
    db.dispose()
    Path(out_path).write_text(json.dumps(ran))
