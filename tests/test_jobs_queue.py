"""JobQueue on SQLite and PostgreSQL: claim order, exclusive claims, leases, retries, cancel, wake-up."""

from __future__ import annotations

import threading
import time
from datetime import UTC

import pytest

from jobs_support import FakeClock, database_fixture
from mutoscope.db import Database
from mutoscope.errors import InvalidRequestError, NotFoundError
from mutoscope.jobs import JobQueue, JobState
from mutoscope.jobs.models import Job

database = database_fixture()


def enqueue(
    queue: JobQueue, count: int = 1, *, kind: str = "video", clock: FakeClock | None = None
) -> list[str]:
    ids = []
    for index in range(count):
        with queue.db.session() as session:
            ids.append(queue.enqueue(session, kind=kind, payload={"n": index}, owner_id="user_1"))
        if clock is not None:
            clock.advance(1)
    return ids


def test_enqueue_commits_with_the_callers_transaction(database: Database) -> None:
    queue = JobQueue(database)
    with pytest.raises(RuntimeError), database.session() as session:
        queue.enqueue(session, kind="video", payload={}, job_id="video_rolled_back")
        raise RuntimeError("the caller's transaction fails")
    assert queue.get("video_rolled_back") is None

    with database.session() as session:
        job_id = queue.enqueue(
            session, kind="video", payload={"prompt": "a cat"}, job_id="video_abc", owner_id="u"
        )
    view = queue.get(job_id)
    assert view is not None
    assert (view.id, view.state, view.payload, view.owner_id) == (
        "video_abc",
        JobState.queued,
        {"prompt": "a cat"},
        "u",
    )
    assert (view.attempts, view.progress, view.max_attempts, view.cancel_requested) == (0, 0, 3, False)
    assert view.created_at.tzinfo is UTC


@pytest.mark.parametrize(
    ("arguments", "param"),
    [
        ({"kind": "", "payload": {}}, "kind"),
        ({"kind": "video", "payload": [1, 2]}, "payload"),
        ({"kind": "video", "payload": {"x": float("nan")}}, "payload"),
        ({"kind": "video", "payload": {"x": object()}}, "payload"),
        ({"kind": "video", "payload": {}, "job_id": "bad id/with slash"}, "job_id"),
        ({"kind": "video", "payload": {}, "job_id": "x" * 65}, "job_id"),
        ({"kind": "video", "payload": {}, "max_attempts": 0}, "max_attempts"),
    ],
)
def test_enqueue_refuses_bad_input_and_writes_nothing(
    database: Database, arguments: dict, param: str
) -> None:
    queue = JobQueue(database)
    with pytest.raises(InvalidRequestError) as caught, database.session() as session:
        queue.enqueue(session, **arguments)
    assert caught.value.param == param
    assert sum(queue.count_by_state().values()) == 0


def test_claim_takes_the_oldest_job_first_and_filters_kinds(database: Database) -> None:
    clock = FakeClock()
    queue = JobQueue(database, clock=clock)
    first, second = enqueue(queue, 2, clock=clock)
    (image,) = enqueue(queue, 1, kind="image", clock=clock)
    (third,) = enqueue(queue, 1, clock=clock)

    claimed = [queue.claim("w1", kinds=["video"]) for _ in range(4)]
    assert [job.id if job else None for job in claimed] == [first, second, third, None]
    assert queue.claim("w1", kinds=[]) is None
    image_job = queue.claim("w1")
    assert image_job is not None and image_job.id == image and image_job.kind == "image"
    assert claimed[0] is not None
    assert (claimed[0].attempt, claimed[0].worker_id, claimed[0].payload) == (1, "w1", {"n": 0})
    view = queue.get(first)
    assert view is not None and view.state is JobState.in_progress and view.lease_owner == "w1"
    assert view.started_at is not None and view.lease_expires_at is not None
    assert (view.lease_expires_at - view.started_at).total_seconds() == pytest.approx(queue.lease_s)


def test_two_threads_never_claim_the_same_job(database: Database) -> None:
    queue = JobQueue(database)
    enqueue(queue, 60)
    claims: dict[str, list[str]] = {"a": [], "b": []}
    start = threading.Barrier(2)

    def drain(name: str) -> None:
        start.wait()
        while (job := queue.claim(name)) is not None:
            claims[name].append(job.id)

    threads = [threading.Thread(target=drain, args=(name,)) for name in claims]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not set(claims["a"]) & set(claims["b"])
    assert len(claims["a"]) + len(claims["b"]) == 60
    assert queue.count_by_state()[JobState.in_progress] == 60


def test_complete_happens_once_and_only_for_the_lease_holder(database: Database) -> None:
    queue = JobQueue(database)
    (job_id,) = enqueue(queue)
    job = queue.claim("w1")
    assert job is not None
    assert not queue.complete(job_id, "someone-else", {"x": 1})
    assert not queue.fail(job_id, "someone-else", "boom", "no")
    assert queue.complete(job_id, "w1", {"video": "videos/a.mp4"}, attempt=1)
    assert not queue.complete(job_id, "w1", {"video": "other"})
    assert not queue.fail(job_id, "w1", "late", "too late")
    view = queue.get(job_id)
    assert view is not None
    assert (view.state, view.result, view.progress, view.error_code) == (
        JobState.completed,
        {"video": "videos/a.mp4"},
        100,
        None,
    )
    assert view.finished_at is not None and view.lease_expires_at is None
    with pytest.raises(InvalidRequestError):
        queue.complete(job_id, "w1", {"bad": {1, 2}})  # type: ignore[dict-item]


def test_expired_lease_is_retried_by_another_worker_and_the_zombie_is_refused(database: Database) -> None:
    clock = FakeClock()
    queue = JobQueue(database, lease_s=30, clock=clock)
    (job_id,) = enqueue(queue)
    zombie = queue.claim("zombie")
    assert zombie is not None and zombie.attempt == 1
    assert queue.heartbeat(job_id, "zombie", progress=40) == "ok"

    clock.advance(29)
    assert queue.claim("rescuer") is None  # the heartbeat at t=0 leased it until t=30
    clock.advance(2)
    retry = queue.claim("rescuer")
    assert retry is not None and (retry.id, retry.attempt) == (job_id, 2)
    view = queue.get(job_id)
    assert view is not None and (view.lease_owner, view.progress) == ("rescuer", 0)

    assert queue.heartbeat(job_id, "zombie", progress=90) == "lost"
    assert not queue.complete(job_id, "zombie", {"by": "zombie"})
    assert not queue.fail(job_id, "zombie", "x", "y")
    assert not queue.mark_cancelled(job_id, "zombie")
    assert queue.complete(job_id, "rescuer", {"by": "rescuer"}, attempt=2)
    view = queue.get(job_id)
    assert view is not None and (view.state, view.result, view.attempts) == (
        JobState.completed,
        {"by": "rescuer"},
        2,
    )


def test_the_same_worker_id_cannot_settle_an_older_attempt(database: Database) -> None:
    clock = FakeClock()
    queue = JobQueue(database, lease_s=10, clock=clock)
    (job_id,) = enqueue(queue)
    assert queue.claim("w") is not None
    clock.advance(11)
    again = queue.claim("w")
    assert again is not None and again.attempt == 2
    assert queue.heartbeat(job_id, "w", attempt=1) == "lost"
    assert not queue.complete(job_id, "w", {"old": True}, attempt=1)
    assert queue.complete(job_id, "w", {"new": True}, attempt=2)


def test_heartbeats_keep_a_job_alive_past_its_first_lease(database: Database) -> None:
    clock = FakeClock()
    queue = JobQueue(database, lease_s=10, clock=clock)
    (job_id,) = enqueue(queue)
    assert queue.claim("w") is not None
    for _ in range(5):
        clock.advance(8)
        assert queue.heartbeat(job_id, "w") == "ok"
        assert queue.claim("other") is None
    assert queue.complete(job_id, "w", {})


def test_a_job_whose_workers_keep_dying_fails_with_worker_lost(database: Database) -> None:
    clock = FakeClock()
    queue = JobQueue(database, lease_s=5, max_attempts=2, clock=clock)
    (job_id,) = enqueue(queue)
    for attempt in (1, 2):
        job = queue.claim(f"w{attempt}")
        assert job is not None and job.attempt == attempt
        clock.advance(6)
    assert queue.claim("w3") is None
    view = queue.get(job_id)
    assert view is not None
    assert (view.state, view.error_code, view.attempts) == (JobState.failed, "worker_lost", 2)
    assert view.error_message and "2 attempts" in view.error_message
    assert view.finished_at == clock()


def test_an_expired_lease_goes_back_to_queued_until_claimed(database: Database) -> None:
    clock = FakeClock()
    queue = JobQueue(database, lease_s=5, clock=clock)
    (job_id,) = enqueue(queue)
    assert queue.claim("w1", kinds=["video"]) is not None
    clock.advance(6)
    assert queue.claim("w2", kinds=["image"]) is None  # settles expired leases even when it takes nothing
    view = queue.get(job_id)
    assert view is not None and (view.state, view.lease_owner, view.attempts) == (JobState.queued, None, 1)


def test_cancel_a_queued_job_at_once(database: Database) -> None:
    queue = JobQueue(database)
    (job_id,) = enqueue(queue)
    assert queue.cancel(job_id) is JobState.cancelled
    assert queue.claim("w") is None
    view = queue.get(job_id)
    assert view is not None and view.state is JobState.cancelled and view.finished_at is not None
    assert queue.cancel(job_id) is JobState.cancelled  # terminal states are unchanged
    with pytest.raises(NotFoundError):
        queue.cancel("job_missing")


def test_cancel_a_running_job_through_its_worker(database: Database) -> None:
    queue = JobQueue(database)
    (job_id,) = enqueue(queue)
    assert queue.claim("w") is not None
    assert queue.cancel(job_id) is JobState.in_progress
    view = queue.get(job_id)
    assert view is not None and view.state is JobState.in_progress and view.cancel_requested
    assert queue.heartbeat(job_id, "w", progress=50) == "cancelled"
    assert not queue.complete(job_id, "w", {"too": "late"})  # a requested cancel wins over a late result
    assert queue.mark_cancelled(job_id, "w")
    view = queue.get(job_id)
    assert view is not None and (view.state, view.result) == (JobState.cancelled, None)


def test_cancel_of_a_job_whose_worker_died_is_immediate(database: Database) -> None:
    clock = FakeClock()
    queue = JobQueue(database, lease_s=5, clock=clock)
    first, second = enqueue(queue, 2)
    assert queue.claim("w") is not None and queue.claim("w") is not None
    assert queue.cancel(second) is JobState.in_progress
    clock.advance(6)
    assert queue.cancel(first) is JobState.cancelled
    assert queue.claim("w2") is None  # the expired job with a pending cancel ends cancelled, not retried
    view = queue.get(second)
    assert view is not None and view.state is JobState.cancelled


def test_completed_and_failed_jobs_cannot_be_cancelled(database: Database) -> None:
    queue = JobQueue(database)
    done, broken = enqueue(queue, 2)
    assert queue.claim("w") is not None and queue.claim("w") is not None
    assert queue.complete(done, "w", {})
    assert queue.fail(broken, "w", "invalid_value", "bad prompt")
    assert queue.cancel(done) is JobState.completed
    assert queue.cancel(broken) is JobState.failed
    view = queue.get(broken)
    assert view is not None and (view.state, view.error_code, view.error_message) == (
        JobState.failed,
        "invalid_value",
        "bad prompt",
    )


def test_heartbeat_progress_is_visible_to_readers(database: Database) -> None:
    queue = JobQueue(database)
    (job_id,) = enqueue(queue)
    assert queue.claim("w") is not None
    for percent in (10, 55):
        assert queue.heartbeat(job_id, "w", progress=percent) == "ok"
        with database.session() as session:
            row = session.get(Job, job_id)
            assert row is not None and row.progress == percent
    with pytest.raises(ValueError, match="0-100"):
        queue.heartbeat(job_id, "w", progress=101)


def test_count_by_state_lists_every_state(database: Database) -> None:
    queue = JobQueue(database)
    enqueue(queue, 3)
    queue.claim("w")
    counts = queue.count_by_state()
    assert counts == {
        JobState.queued: 2,
        JobState.in_progress: 1,
        JobState.completed: 0,
        JobState.failed: 0,
        JobState.cancelled: 0,
    }


def test_wait_for_work_remembers_a_notify_that_came_first(database: Database) -> None:
    queue = JobQueue(database)
    queue.notify()
    began = time.monotonic()
    assert queue.wait_for_work(5.0)
    assert time.monotonic() - began < 1.0
    assert not queue.wait_for_work(0.05)


def test_claim_refuses_an_empty_worker_id(database: Database) -> None:
    queue = JobQueue(database)
    with pytest.raises(InvalidRequestError):
        queue.claim("")
