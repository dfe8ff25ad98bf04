"""`JobQueue`: durable jobs in the `jobs` table, claimed under leases, settled exactly once.

- `enqueue` adds a row inside the caller's transaction, so a video row and its job commit together; the
  caller then calls `notify()` to wake an idle in-process worker at once.
- `claim` first settles expired leases (back to `queued` for another attempt; `failed` with `worker_lost`
  once `max_attempts` attempts have died; `cancelled` if a cancel was pending), then takes the oldest queued
  job. On PostgreSQL rows are locked with `FOR UPDATE SKIP LOCKED`, so concurrent workers never wait on or
  take the same row; on SQLite the whole claim runs in a `BEGIN IMMEDIATE` transaction (one writer at a time).
- `heartbeat`, `complete`, `fail` and `mark_cancelled` are conditional UPDATEs that match only while the job
  is `in_progress` under this worker's lease (and attempt): a zombie worker whose job was taken over changes
  nothing and learns so from the return value.

All times come from the `clock` given to the queue (UTC-aware), never from the database server, so tests can
drive lease expiry. Every state change is an edge of the graph in states.py.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import ColumnElement, Update, and_, false, func, or_, select, update
from sqlalchemy.orm import Session

from mutoscope.db import Database, utcnow
from mutoscope.errors import InvalidRequestError, NotFoundError
from mutoscope.ids import new_id
from mutoscope.jobs.models import MAX_JOB_ID_LENGTH, Job
from mutoscope.jobs.states import TERMINAL, JobState, check_transition

logger = logging.getLogger(__name__)

HeartbeatStatus = Literal["ok", "cancelled", "lost"]
Clock = Callable[[], datetime]

WORKER_LOST = "worker_lost"
_JOB_ID = re.compile(rf"^[A-Za-z0-9_.:-]{{1,{MAX_JOB_ID_LENGTH}}}$")
_MAX_KIND_LENGTH = 64
_MAX_WORKER_ID_LENGTH = 128
_MAX_OWNER_ID_LENGTH = 64
# Expired leases settled per claim: bounds one claim's work after a crash of many workers.
_EXPIRY_BATCH = 100


@dataclass(frozen=True, slots=True)
class ClaimedJob:
    """A job a worker now holds the lease on, for attempt number `attempt` (1-based)."""

    id: str
    kind: str
    payload: dict[str, Any]
    attempt: int
    worker_id: str
    owner_id: str | None = None


@dataclass(frozen=True, slots=True)
class JobView:
    """A snapshot of a `jobs` row."""

    id: str
    kind: str
    owner_id: str | None
    state: JobState
    payload: dict[str, Any]
    result: dict[str, Any] | None
    progress: int
    attempts: int
    max_attempts: int
    lease_owner: str | None
    lease_expires_at: datetime | None
    heartbeat_at: datetime | None
    cancel_requested: bool
    error_code: str | None
    error_message: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    updated_at: datetime

    @property
    def is_terminal(self) -> bool:
        return self.state in TERMINAL

    @classmethod
    def from_row(cls, job: Job) -> JobView:
        return cls(
            id=job.id,
            kind=job.kind,
            owner_id=job.owner_id,
            state=JobState(job.state),
            payload=dict(job.payload),
            result=None if job.result is None else dict(job.result),
            progress=job.progress,
            attempts=job.attempts,
            max_attempts=job.max_attempts,
            lease_owner=job.lease_owner,
            lease_expires_at=job.lease_expires_at,
            heartbeat_at=job.heartbeat_at,
            cancel_requested=job.cancel_requested,
            error_code=job.error_code,
            error_message=job.error_message,
            created_at=job.created_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
            updated_at=job.updated_at,
        )


class JobQueue:
    """The durable job queue over a `Database`; safe to share between threads and processes."""

    def __init__(
        self,
        db: Database,
        *,
        lease_s: float = 30.0,
        max_attempts: int = 3,
        clock: Clock = utcnow,
    ) -> None:
        if not lease_s > 0:
            raise ValueError(f"lease_s must be > 0, got {lease_s}")
        if max_attempts < 1:
            raise ValueError(f"max_attempts must be >= 1, got {max_attempts}")
        self.db = db
        self.lease_s = lease_s
        self.max_attempts = max_attempts
        self.clock = clock
        self._wake = threading.Condition()
        self._wake_generation = 0
        self._wake_pending = False

    # -- producing -------------------------------------------------------------------------------------------

    def enqueue(
        self,
        session: Session,
        *,
        kind: str,
        payload: dict[str, Any],
        owner_id: str | None = None,
        job_id: str | None = None,
        max_attempts: int | None = None,
    ) -> str:
        """Add a queued job in the caller's `session` (committed with it) and return its id.

        Call `notify()` after the commit. A reused `job_id` fails at flush/commit with an IntegrityError.
        """
        _check_text(kind, "kind", _MAX_KIND_LENGTH)
        if owner_id is not None:
            _check_text(owner_id, "owner_id", _MAX_OWNER_ID_LENGTH)
        if job_id is None:
            job_id = new_id("job")
        elif not isinstance(job_id, str) or not _JOB_ID.match(job_id):
            raise InvalidRequestError(
                f"A job id is 1-{MAX_JOB_ID_LENGTH} characters of A-Z a-z 0-9 _ . : -, got {job_id!r}",
                param="job_id",
            )
        attempts_allowed = self.max_attempts if max_attempts is None else max_attempts
        if attempts_allowed < 1:
            raise InvalidRequestError("max_attempts must be at least 1", param="max_attempts")
        now = self.clock()
        session.add(
            Job(
                id=job_id,
                kind=kind,
                owner_id=owner_id,
                state=JobState.queued.value,
                payload=_json_object(payload, "payload"),
                progress=0,
                attempts=0,
                max_attempts=attempts_allowed,
                cancel_requested=False,
                created_at=now,
                updated_at=now,
            )
        )
        return job_id

    def notify(self) -> None:
        """Wake in-process workers waiting in `wait_for_work` (call after committing an enqueue)."""
        with self._wake:
            self._wake_generation += 1
            self._wake_pending = True
            self._wake.notify_all()

    def wait_for_work(self, timeout_s: float) -> bool:
        """Block until `notify()` or `timeout_s`; True when woken. A notify since the last wait counts, so a
        wake-up that lands between a worker's empty claim and its wait is not lost."""
        with self._wake:
            if self._wake_pending:
                self._wake_pending = False
                return True
            generation = self._wake_generation
            woken = self._wake.wait_for(lambda: self._wake_generation != generation, timeout=timeout_s)
            self._wake_pending = False
            return woken

    # -- consuming -------------------------------------------------------------------------------------------

    def claim(self, worker_id: str, kinds: Collection[str] | None = None) -> ClaimedJob | None:
        """Take the oldest claimable job (of `kinds`, if given) under a fresh lease, or None."""
        _check_text(worker_id, "worker_id", _MAX_WORKER_ID_LENGTH)
        wanted = None if kinds is None else sorted(set(kinds))
        if wanted is not None and not wanted:
            return None
        now = self.clock()
        if not self._anything_to_claim(now, wanted):
            return (
                None  # idle polls stay read-only: no write lock taken on SQLite, no row locks on PostgreSQL
            )
        with self.db.write_session() as session:
            self._settle_expired_leases(session, now)
            query = select(Job).where(Job.state == JobState.queued.value)
            if wanted is not None:
                query = query.where(Job.kind.in_(wanted))
            query = query.order_by(Job.created_at, Job.id).limit(1)
            if not self.db.is_sqlite:
                query = query.with_for_update(skip_locked=True)
            job = session.scalars(query).first()
            if job is None:
                return None
            _move(job, JobState.in_progress, now)
            job.attempts += 1
            job.lease_owner = worker_id
            job.lease_expires_at = now + timedelta(seconds=self.lease_s)
            job.heartbeat_at = now
            job.started_at = now
            job.progress = 0
            job.cancel_requested = False
            return ClaimedJob(
                id=job.id,
                kind=job.kind,
                payload=dict(job.payload),
                attempt=job.attempts,
                worker_id=worker_id,
                owner_id=job.owner_id,
            )

    def heartbeat(
        self, job_id: str, worker_id: str, progress: int | None = None, *, attempt: int | None = None
    ) -> HeartbeatStatus:
        """Extend the lease (and record `progress`) if this worker still holds it.

        "cancelled": a cancel was requested (the lease is still extended so the worker can wind down);
        "lost": the job was taken over or is no longer in progress; stop and discard the work.
        """
        now = self.clock()
        values: dict[str, Any] = {
            "lease_expires_at": now + timedelta(seconds=self.lease_s),
            "heartbeat_at": now,
            "updated_at": now,
        }
        if progress is not None:
            values["progress"] = _check_progress(progress)
        statement = _owned_update(job_id, worker_id, attempt).values(**values).returning(Job.cancel_requested)
        with self.db.write_session() as session:
            row = session.execute(statement, execution_options={"synchronize_session": False}).first()
        if row is None:
            return "lost"
        return "cancelled" if row[0] else "ok"

    def complete(
        self, job_id: str, worker_id: str, result: dict[str, Any], *, attempt: int | None = None
    ) -> bool:
        """Mark the job completed with `result`; False (nothing changed) when this worker no longer holds it
        or a cancel was requested (then call `mark_cancelled`)."""
        document = _json_object(result, "result")
        check_transition(JobState.in_progress, JobState.completed)
        now = self.clock()
        statement = (
            _owned_update(job_id, worker_id, attempt)
            .where(Job.cancel_requested == false())
            .values(
                state=JobState.completed.value,
                result=document,
                progress=100,
                error_code=None,
                error_message=None,
                lease_expires_at=None,
                finished_at=now,
                updated_at=now,
            )
        )
        return self._apply(statement)

    def fail(
        self, job_id: str, worker_id: str, code: str, message: str, *, attempt: int | None = None
    ) -> bool:
        """Mark the job failed with an error `code` and `message`; False as for `complete`."""
        _check_text(code, "code", 128)
        check_transition(JobState.in_progress, JobState.failed)
        now = self.clock()
        statement = (
            _owned_update(job_id, worker_id, attempt)
            .where(Job.cancel_requested == false())
            .values(
                state=JobState.failed.value,
                error_code=code,
                error_message=str(message),
                lease_expires_at=None,
                finished_at=now,
                updated_at=now,
            )
        )
        return self._apply(statement)

    def mark_cancelled(self, job_id: str, worker_id: str, *, attempt: int | None = None) -> bool:
        """The worker acknowledges a cancel: the job becomes cancelled; False when it no longer holds it."""
        check_transition(JobState.in_progress, JobState.cancelled)
        now = self.clock()
        statement = _owned_update(job_id, worker_id, attempt).values(
            state=JobState.cancelled.value,
            cancel_requested=True,
            lease_expires_at=None,
            finished_at=now,
            updated_at=now,
        )
        return self._apply(statement)

    # -- managing --------------------------------------------------------------------------------------------

    def cancel(self, job_id: str, *, code: str | None = None, message: str | None = None) -> JobState:
        """Cancel a job and return its state afterwards.

        queued → cancelled at once; in_progress → stays in_progress with `cancel_requested` set until its
        worker acknowledges (or at once, if its lease has already expired); terminal states are unchanged.
        `code` and `message` record why, when the system (not the owner) cancels it.
        """
        now = self.clock()
        with self.db.write_session() as session:
            job = session.get(Job, job_id, with_for_update=not self.db.is_sqlite)
            if job is None:
                raise NotFoundError(f"No job {job_id!r}.", param="job_id")
            state = JobState(job.state)
            if code is not None and state not in TERMINAL:
                job.error_code, job.error_message = code, message
            lease_dead = job.lease_expires_at is None or job.lease_expires_at < now
            if state is JobState.queued or (state is JobState.in_progress and lease_dead):
                job.cancel_requested = True
                _move(job, JobState.cancelled, now)
                return JobState.cancelled
            if state is JobState.in_progress:
                job.cancel_requested = True
                job.updated_at = now
            return state

    def get(self, job_id: str) -> JobView | None:
        with self.db.session() as session:
            job = session.get(Job, job_id)
            return None if job is None else JobView.from_row(job)

    def count_by_state(self, kinds: Collection[str] | None = None) -> dict[JobState, int]:
        """How many jobs are in each state (every state present, zeros included)."""
        query = select(Job.state, func.count()).group_by(Job.state)
        if kinds is not None:
            query = query.where(Job.kind.in_(sorted(set(kinds))))
        counts = dict.fromkeys(JobState, 0)
        with self.db.session() as session:
            for state, count in session.execute(query):
                counts[JobState(state)] = count
        return counts

    def _anything_to_claim(self, now: datetime, kinds: list[str] | None) -> bool:
        queued = Job.state == JobState.queued.value
        if kinds is not None:
            queued = and_(queued, Job.kind.in_(kinds))
        expired = and_(Job.state == JobState.in_progress.value, Job.lease_expires_at < now)
        query = select(Job.id).where(or_(queued, expired)).limit(1)
        with self.db.session() as session:
            return session.execute(query).first() is not None

    def _settle_expired_leases(self, session: Session, now: datetime) -> None:
        query = (
            select(Job)
            .where(Job.state == JobState.in_progress.value, Job.lease_expires_at < now)
            .order_by(Job.lease_expires_at)
            .limit(_EXPIRY_BATCH)
        )
        if not self.db.is_sqlite:
            query = query.with_for_update(skip_locked=True)
        for job in session.scalars(query):
            lost_worker = job.lease_owner
            if job.cancel_requested:
                _move(job, JobState.cancelled, now)
            elif job.attempts >= job.max_attempts:
                _move(job, JobState.failed, now)
                job.error_code = WORKER_LOST
                job.error_message = (
                    f"The worker running this job stopped responding on each of its {job.attempts} attempts."
                )
            else:
                _move(job, JobState.queued, now)
                job.lease_owner = None
                job.lease_expires_at = None
                job.progress = 0
            logger.warning(
                "job %s: lease of worker %s expired on attempt %d/%d; now %s",
                job.id,
                lost_worker,
                job.attempts,
                job.max_attempts,
                job.state,
            )

    def _apply(self, statement: Update) -> bool:
        with self.db.write_session() as session:
            result = session.execute(statement, execution_options={"synchronize_session": False})
            return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def _owned_update(job_id: str, worker_id: str, attempt: int | None) -> Update:
    conditions: list[ColumnElement[bool]] = [
        Job.id == job_id,
        Job.state == JobState.in_progress.value,
        Job.lease_owner == worker_id,
    ]
    if attempt is not None:
        conditions.append(Job.attempts == attempt)
    return update(Job).where(*conditions)


def _move(job: Job, target: JobState, now: datetime) -> None:
    check_transition(JobState(job.state), target)
    job.state = target.value
    job.updated_at = now
    if target in TERMINAL:
        job.finished_at = now
        job.lease_expires_at = None


def _json_object(value: Any, param: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidRequestError(
            f"A job {param} must be a JSON object, got {type(value).__name__}", param=param
        )
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise InvalidRequestError(f"A job {param} must be JSON-serialisable: {error}", param=param) from None
    return value


def _check_text(value: str, param: str, max_length: int) -> None:
    if not isinstance(value, str) or not value or len(value) > max_length:
        raise InvalidRequestError(f"{param} must be a string of 1-{max_length} characters", param=param)


def _check_progress(progress: int) -> int:
    if isinstance(progress, bool) or not isinstance(progress, int) or not 0 <= progress <= 100:
        raise ValueError(f"progress must be an integer percentage 0-100, got {progress!r}")
    return progress
