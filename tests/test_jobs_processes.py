"""Four worker processes drain 200 jobs from one database: every job runs and completes exactly once."""

from __future__ import annotations

import collections
import json
import multiprocessing
import time
from pathlib import Path

import pytest

from jobs_support import database_fixture, drain_in_process
from mutoscope.db import Database
from mutoscope.jobs import JobQueue, JobState

database = database_fixture()

WORKERS = 4
JOBS = 200


def test_four_processes_complete_each_of_200_jobs_once(database: Database, tmp_path: Path) -> None:
    queue = JobQueue(database)
    with database.session() as session:
        ids = [queue.enqueue(session, kind="count", payload={"n": n}) for n in range(JOBS)]

    context = multiprocessing.get_context("spawn")
    start = context.Barrier(WORKERS + 1)
    outputs = [tmp_path / f"worker-{index}.json" for index in range(WORKERS)]
    processes = [
        context.Process(target=drain_in_process, args=(database.url, f"proc-{index}", str(out), start))
        for index, out in enumerate(outputs)
    ]
    for process in processes:
        process.start()
    try:
        start.wait(120)
        began = time.perf_counter()
        for process in processes:
            process.join(120)
        elapsed_s = time.perf_counter() - began
    finally:
        for process in processes:
            if process.is_alive():
                process.kill()
    assert [process.exitcode for process in processes] == [0] * WORKERS

    runs = {f"proc-{index}": json.loads(out.read_text()) for index, out in enumerate(outputs)}
    executions = collections.Counter(job_id for ran in runs.values() for job_id in ran)
    assert set(executions) == set(ids)
    assert set(executions.values()) == {1}, "a job ran twice"
    assert sum(1 for ran in runs.values() if ran) >= 2, "the work was not shared between processes"

    for worker_id, ran in runs.items():
        for job_id in ran:
            view = queue.get(job_id)
            assert view is not None
            assert (view.state, view.result, view.attempts) == (JobState.completed, {"worker": worker_id}, 1)
    assert queue.count_by_state()[JobState.completed] == JOBS
    shares = ", ".join(f"{name}: {len(ran)}" for name, ran in sorted(runs.items()))
    name = database.engine.dialect.name
    print(f"\n{JOBS} jobs on {name} by {WORKERS} processes in {elapsed_s:.2f} s ({shares})")


# Spawning four interpreters costs several seconds before any job runs.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]
