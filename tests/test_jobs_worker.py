"""Worker: handlers run under a heartbeat; outcomes map to states and codes; lost attempts are discarded."""

from __future__ import annotations

import logging
import statistics
import threading
import time
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from jobs_support import FakeClock, database_fixture, wait_until
from mutoscope.db import Database
from mutoscope.errors import ContentPolicyError, GenerationCancelledError, InvalidRequestError
from mutoscope.jobs import ClaimedJob, JobContext, JobQueue, JobState, Worker

database = database_fixture()
INTERNAL = "The job failed because of an internal error."


def enqueue(queue: JobQueue, payload: dict[str, Any] | None = None, kind: str = "video") -> str:
    with queue.db.session() as session:
        job_id = queue.enqueue(session, kind=kind, payload=payload or {})
    queue.notify()
    return job_id


def state_of(queue: JobQueue, job_id: str) -> tuple[JobState, str | None, str | None]:
    view = queue.get(job_id)
    assert view is not None
    return view.state, view.error_code, view.error_message


def test_a_handler_result_completes_the_job(database: Database) -> None:
    queue = JobQueue(database)
    seen: list[tuple[str, int, str]] = []

    def handler(job: ClaimedJob, ctx: JobContext) -> dict[str, Any]:
        seen.append((job.id, ctx.attempt, ctx.worker_id))
        return {"echo": job.payload["prompt"]}

    worker = Worker(queue, {"video": handler}, worker_id="w-1")
    job_id = enqueue(queue, {"prompt": "a red kite"})
    assert worker.run_once()
    assert not worker.run_once()
    assert seen == [(job_id, 1, "w-1")]
    view = queue.get(job_id)
    assert view is not None and (view.state, view.result, view.progress) == (
        JobState.completed,
        {"echo": "a red kite"},
        100,
    )


def test_a_worker_claims_only_the_kinds_it_handles(database: Database) -> None:
    queue = JobQueue(database)
    other = enqueue(queue, kind="audio")
    worker = Worker(queue, {"video": lambda job, ctx: {}})
    assert not worker.run_once()
    assert state_of(queue, other)[0] is JobState.queued


class _RefusedError(Exception):
    pass


@pytest.mark.parametrize(
    ("error", "code", "message"),
    [
        (
            InvalidRequestError("The prompt is empty.", param="prompt"),
            "invalid_value",
            "The prompt is empty.",
        ),
        (
            ContentPolicyError("Refused by the violence policy.", policy="violence"),
            "moderation_blocked.violence",
            "Refused by the violence policy.",
        ),
        (
            _RefusedError("password=hunter2 in a stack frame"),
            "internal_error",
            "The job failed because of an internal error.",
        ),
        (
            ZeroDivisionError("division by zero"),
            "internal_error",
            "The job failed because of an internal error.",
        ),
    ],
)
def test_handler_errors_map_to_codes(
    database: Database, caplog: pytest.LogCaptureFixture, error: Exception, code: str, message: str
) -> None:
    queue = JobQueue(database)

    def handler(job: ClaimedJob, ctx: JobContext) -> dict[str, Any]:
        raise error

    job_id = enqueue(queue)
    with caplog.at_level(logging.INFO, logger="mutoscope.jobs"):
        assert Worker(queue, {"video": handler}).run_once()
    assert state_of(queue, job_id) == (JobState.failed, code, message)
    if code == "internal_error":
        records = [r for r in caplog.records if r.exc_info is not None and r.exc_info[1] is error]
        assert records, "an unexpected error is logged with its traceback"


def test_a_handler_that_returns_no_dict_fails_as_internal_error(database: Database) -> None:
    queue = JobQueue(database)
    job_id = enqueue(queue)
    assert Worker(queue, {"video": lambda job, ctx: ["not", "a", "dict"]}).run_once()  # type: ignore[dict-item]
    assert state_of(queue, job_id)[:2] == (JobState.failed, "internal_error")


def test_progress_reported_by_a_handler_is_visible_while_it_runs(database: Database) -> None:
    queue = JobQueue(database)
    release = threading.Event()

    def handler(job: ClaimedJob, ctx: JobContext) -> dict[str, Any]:
        ctx.report_progress(40)
        assert release.wait(10)
        return {}

    job_id = enqueue(queue)
    worker = Worker(queue, {"video": handler}, heartbeat_s=0.1)
    thread = threading.Thread(target=worker.run_once)
    thread.start()
    try:
        view = wait_until(
            lambda: (v := queue.get(job_id)) is not None and v.progress == 40 and v, timeout_s=5
        )
        assert view.state is JobState.in_progress
    finally:
        release.set()
        thread.join(10)
    assert state_of(queue, job_id)[0] is JobState.completed


def test_cancel_stops_a_running_handler(database: Database) -> None:
    queue = JobQueue(database)
    running = threading.Event()

    def handler(job: ClaimedJob, ctx: JobContext) -> dict[str, Any]:
        running.set()
        wait_until(ctx.is_cancelled, timeout_s=10)
        ctx.check_cancelled()
        return {"never": "reached"}

    job_id = enqueue(queue)
    discarded: list[dict[str, Any]] = []
    worker = Worker(
        queue, {"video": handler}, heartbeat_s=0.05, on_discard=lambda job, r: discarded.append(r)
    )
    thread = threading.Thread(target=worker.run_once)
    thread.start()
    assert running.wait(10)
    assert queue.cancel(job_id) is JobState.in_progress
    thread.join(10)
    assert state_of(queue, job_id) == (JobState.cancelled, None, None)
    assert discarded == []


def test_a_result_returned_after_a_cancel_is_discarded(database: Database) -> None:
    queue = JobQueue(database)
    running = threading.Event()

    def handler(job: ClaimedJob, ctx: JobContext) -> dict[str, Any]:
        running.set()
        wait_until(ctx.is_cancelled, timeout_s=10)
        return {"blobs": ["videos/x/a1/video.mp4"]}

    job_id = enqueue(queue)
    discarded: list[tuple[str, int, dict[str, Any]]] = []
    worker = Worker(
        queue,
        {"video": handler},
        heartbeat_s=0.05,
        on_discard=lambda job, result: discarded.append((job.id, job.attempt, result)),
    )
    thread = threading.Thread(target=worker.run_once)
    thread.start()
    assert running.wait(10)
    queue.cancel(job_id)
    thread.join(10)
    view = queue.get(job_id)
    assert view is not None and (view.state, view.result) == (JobState.cancelled, None)
    assert discarded == [(job_id, 1, {"blobs": ["videos/x/a1/video.mp4"]})]


def test_a_zombie_attempt_is_discarded_and_the_retry_wins(database: Database) -> None:
    clock = FakeClock()
    queue = JobQueue(database, lease_s=30, clock=clock)
    release = threading.Event()
    started = threading.Event()
    discarded: list[tuple[int, dict[str, Any]]] = []

    def slow(job: ClaimedJob, ctx: JobContext) -> dict[str, Any]:
        started.set()
        assert release.wait(10)
        return {"attempt": job.attempt}

    def quick(job: ClaimedJob, ctx: JobContext) -> dict[str, Any]:
        return {"attempt": job.attempt}

    on_discard = lambda job, result: discarded.append((job.attempt, result))  # noqa: E731
    # A heartbeat far longer than the lease: the zombie stays silent, as a frozen process would.
    zombie = Worker(queue, {"video": slow}, heartbeat_s=1000, on_discard=on_discard)
    rescuer = Worker(queue, {"video": quick}, on_discard=on_discard)
    job_id = enqueue(queue)
    thread = threading.Thread(target=zombie.run_once)
    thread.start()
    assert started.wait(10)
    clock.advance(31)
    assert rescuer.run_once()
    release.set()
    thread.join(10)
    view = queue.get(job_id)
    assert view is not None and (view.state, view.result, view.attempts) == (
        JobState.completed,
        {"attempt": 2},
        2,
    )
    assert discarded == [(1, {"attempt": 1})]


def test_a_lost_lease_tells_the_handler_to_stop(database: Database) -> None:
    clock = FakeClock()
    queue = JobQueue(database, lease_s=30, clock=clock)
    started = threading.Event()
    stopped: list[bool] = []

    def handler(job: ClaimedJob, ctx: JobContext) -> dict[str, Any]:
        started.set()
        stopped.append(bool(wait_until(ctx.is_cancelled, timeout_s=10)))
        return {}

    job_id = enqueue(queue)
    worker = Worker(queue, {"video": handler}, heartbeat_s=0.05)
    thread = threading.Thread(target=worker.run_once)
    thread.start()
    assert started.wait(10)

    def take_over() -> bool:
        clock.advance(31)  # outruns the zombie's heartbeats, which extend the lease from the current time
        return queue.claim("rescuer") is not None

    wait_until(take_over, timeout_s=10)
    thread.join(10)
    assert stopped == [True]
    view = queue.get(job_id)
    assert view is not None and (view.state, view.lease_owner) == (JobState.in_progress, "rescuer")


class FlakyQueue(JobQueue):
    """A queue whose database "goes away" for the first few claims, and whose first complete() commits but
    loses its reply."""

    def __init__(self, db: Database, *, failing_claims: int) -> None:
        super().__init__(db)
        self.failing_claims = failing_claims
        self.complete_calls = 0

    def claim(self, worker_id: str, kinds: Any = None) -> ClaimedJob | None:
        if self.failing_claims > 0:
            self.failing_claims -= 1
            raise OperationalError("SELECT 1", {}, ConnectionError("server closed the connection"))
        return super().claim(worker_id, kinds)

    def complete(
        self, job_id: str, worker_id: str, result: dict[str, Any], *, attempt: int | None = None
    ) -> bool:
        self.complete_calls += 1
        settled = super().complete(job_id, worker_id, result, attempt=attempt)
        if self.complete_calls == 1:
            raise OperationalError("UPDATE jobs", {}, ConnectionError("connection reset after commit"))
        return settled


def test_run_survives_database_hiccups(database: Database, caplog: pytest.LogCaptureFixture) -> None:
    queue = FlakyQueue(database, failing_claims=3)
    discarded: list[Any] = []
    worker = Worker(queue, {"video": lambda job, ctx: {"ok": True}}, poll_s=0.01, on_discard=discarded.append)
    job_id = enqueue(queue)
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,))
    with caplog.at_level(logging.WARNING, logger="mutoscope.jobs"):
        thread.start()
        try:
            wait_until(lambda: state_of(queue, job_id)[0] is JobState.completed, timeout_s=10)
        finally:
            stop.set()
            thread.join(10)
    assert not thread.is_alive()
    assert queue.failing_claims == 0
    assert sum("job loop failed" in r.getMessage() for r in caplog.records) == 3
    assert queue.complete_calls == 2  # retried after the lost reply, then recognised its own completion
    view = queue.get(job_id)
    assert view is not None and view.result == {"ok": True}
    assert discarded == []  # a completed job's media must never be thrown away


def test_an_idle_worker_starts_a_job_within_milliseconds_of_notify(database: Database) -> None:
    queue = JobQueue(database)
    started: list[float] = []
    done = threading.Semaphore(0)

    def handler(job: ClaimedJob, ctx: JobContext) -> dict[str, Any]:
        started.append(time.perf_counter())
        done.release()
        return {}

    # A 10 s poll: only the in-process wake-up can explain a start within milliseconds.
    worker = Worker(queue, {"video": handler}, poll_s=10.0)
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,))
    thread.start()
    notified: list[float] = []
    try:
        time.sleep(0.05)  # let the worker go idle
        for _ in range(50):
            with database.session() as session:
                queue.enqueue(session, kind="video", payload={})
            notified.append(time.perf_counter())  # "the POST returned"
            queue.notify()
            assert done.acquire(timeout=5), "the worker did not start the job"
            time.sleep(0.002)  # let it settle the job and go back to waiting
    finally:
        stop.set()
        queue.notify()
        thread.join(10)
    latencies_ms = sorted((s - n) * 1000 for s, n in zip(started, notified, strict=True))
    p50 = statistics.median(latencies_ms)
    name = database.engine.dialect.name
    p90, worst = latencies_ms[44], latencies_ms[-1]
    print(f"\nin-process wake-up on {name}: p50 {p50:.1f} ms, p90 {p90:.1f} ms, max {worst:.1f} ms")
    assert p50 < 250


def test_progress_outside_0_to_100_is_a_handler_bug(database: Database) -> None:
    queue = JobQueue(database)
    job_id = enqueue(queue)

    def handler(job: ClaimedJob, ctx: JobContext) -> dict[str, Any]:
        ctx.report_progress(140)
        return {}

    assert Worker(queue, {"video": handler}).run_once()
    assert state_of(queue, job_id)[:2] == (JobState.failed, "internal_error")


def test_cancelled_error_raised_without_a_cancel_request_still_cancels(database: Database) -> None:
    queue = JobQueue(database)
    job_id = enqueue(queue)

    def handler(job: ClaimedJob, ctx: JobContext) -> dict[str, Any]:
        raise GenerationCancelledError("the backend gave up on request")

    assert Worker(queue, {"video": handler}).run_once()
    assert state_of(queue, job_id)[0] is JobState.cancelled
