"""The job state graph: its shape, and (hypothesis) that no sequence of queue operations leaves it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobs_support import FakeClock
from mutoscope.db import Base, open_database
from mutoscope.errors import ConflictError, InvalidJobTransitionError
from mutoscope.jobs import TERMINAL, TRANSITIONS, JobQueue, JobState, check_transition
from mutoscope.jobs.models import Job

STATES = list(JobState)


def test_the_graph_is_the_declared_one() -> None:
    assert {state.value for state in JobState} == {
        "queued",
        "in_progress",
        "completed",
        "failed",
        "cancelled",
    }
    assert set(TERMINAL) == {JobState.completed, JobState.failed, JobState.cancelled}
    assert TRANSITIONS[JobState.queued] == {JobState.in_progress, JobState.cancelled}
    assert TRANSITIONS[JobState.in_progress] == {
        JobState.completed,
        JobState.failed,
        JobState.cancelled,
        JobState.queued,  # the lease-expiry retry
    }
    with pytest.raises(TypeError):
        TRANSITIONS[JobState.completed] = frozenset({JobState.queued})  # type: ignore[index]


def test_every_state_can_still_finish() -> None:
    for start in STATES:
        seen, frontier = {start}, [start]
        while frontier:
            for target in TRANSITIONS[frontier.pop()]:
                if target not in seen:
                    seen.add(target)
                    frontier.append(target)
        assert seen & TERMINAL, f"{start} can never reach a terminal state"


@given(st.sampled_from(STATES), st.sampled_from(STATES))
def test_check_transition_accepts_exactly_the_edges(current: JobState, target: JobState) -> None:
    if target in TRANSITIONS[current]:
        check_transition(current, target)
    else:
        with pytest.raises(InvalidJobTransitionError) as caught:
            check_transition(current, target)
        assert isinstance(caught.value, ConflictError)
        assert caught.value.code == "invalid_job_transition"


@given(st.sampled_from(sorted(TERMINAL)), st.lists(st.sampled_from(STATES), max_size=10))
def test_terminal_states_are_absorbing(terminal: JobState, attempts: list[JobState]) -> None:
    for target in attempts:
        with pytest.raises(InvalidJobTransitionError):
            check_transition(terminal, target)


@given(st.lists(st.sampled_from(STATES), max_size=30))
def test_walks_that_follow_check_transition_stay_on_the_graph(targets: list[JobState]) -> None:
    state = JobState.queued
    for target in targets:
        try:
            check_transition(state, target)
        except InvalidJobTransitionError:
            continue
        assert target in TRANSITIONS[state]
        state = target
    if state in TERMINAL:
        assert not TRANSITIONS[state]


# -- the real queue under random operations -----------------------------------------------------------------

WORKERS = ("w1", "w2")


@dataclass(frozen=True)
class Op:
    name: str
    job: int = 0
    worker: str = "w1"
    seconds: float = 0.0


operations = st.one_of(
    st.builds(Op, name=st.just("claim"), worker=st.sampled_from(WORKERS)),
    st.builds(
        Op,
        name=st.sampled_from(["heartbeat", "complete", "fail", "mark_cancelled"]),
        job=st.integers(0, 1),
        worker=st.sampled_from(WORKERS),
    ),
    st.builds(Op, name=st.just("cancel"), job=st.integers(0, 1)),
    st.builds(Op, name=st.just("wait"), seconds=st.sampled_from([1.0, 11.0, 25.0])),
)


@pytest.fixture(scope="module")
def memory_queue() -> Iterator[tuple[JobQueue, FakeClock]]:
    db = open_database("sqlite://")
    Base.metadata.create_all(db.engine, tables=[Job.__table__])
    clock = FakeClock()
    try:
        yield JobQueue(db, lease_s=10, max_attempts=2, clock=clock), clock
    finally:
        db.dispose()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(operations, min_size=1, max_size=25))
def test_random_operations_never_leave_the_graph(
    memory_queue: tuple[JobQueue, FakeClock], ops: list[Op]
) -> None:
    queue, clock = memory_queue
    with queue.db.session() as session:
        session.query(Job).delete()
        ids = [queue.enqueue(session, kind="k", payload={"n": n}) for n in range(2)]
    attempt_of: dict[tuple[str, str], int] = {}
    completions: dict[str, list[dict[str, int]]] = {job_id: [] for job_id in ids}
    before = {job_id: queue.get(job_id) for job_id in ids}

    for step, op in enumerate(ops):
        job_id = ids[op.job]
        attempt = attempt_of.get((job_id, op.worker))
        if op.name == "claim":
            claimed = queue.claim(op.worker)
            if claimed is not None:
                attempt_of[(claimed.id, op.worker)] = claimed.attempt
        elif op.name == "wait":
            clock.advance(op.seconds)
        elif op.name == "cancel":
            queue.cancel(job_id)
        elif op.name == "heartbeat":
            queue.heartbeat(job_id, op.worker, progress=step % 101, attempt=attempt)
        elif op.name == "complete":
            result = {"step": step}
            if queue.complete(job_id, op.worker, result, attempt=attempt):
                completions[job_id].append(result)
        elif op.name == "fail":
            queue.fail(job_id, op.worker, "boom", "failed on purpose", attempt=attempt)
        elif op.name == "mark_cancelled":
            queue.mark_cancelled(job_id, op.worker, attempt=attempt)

        for checked in ids:
            old, new = before[checked], queue.get(checked)
            assert old is not None and new is not None
            if old.state in TERMINAL:
                assert new == old, f"{op}: the terminal job {checked} changed"
            elif new.state != old.state:
                assert new.state in TRANSITIONS[old.state], f"{op}: {old.state} → {new.state}"
            elif new.attempts != old.attempts:
                # Re-claimed after its lease expired: in_progress → queued → in_progress, two legal edges.
                assert new.state is JobState.in_progress and new.attempts == old.attempts + 1
            assert 0 <= new.attempts <= new.max_attempts
            assert (new.state is JobState.in_progress) == (new.lease_expires_at is not None)
            before[checked] = new

    for job_id in ids:
        view = before[job_id]
        assert view is not None
        assert len(completions[job_id]) <= 1, "a job completed twice"
        if view.state is JobState.completed:
            assert completions[job_id] == [view.result]
        else:
            assert not completions[job_id] and view.result is None
