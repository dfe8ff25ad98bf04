"""Workers killed with SIGKILL at random moments lose nothing: JOBS jobs, KILLS kills, each job completed once.

Standalone `mutoscope worker` processes drain small testcard jobs on PostgreSQL while a killer sends SIGKILL
KILLS times to a worker that holds a lease, 0-0.8 s into the job (a replacement starts at once). Leases
are short (2 s) so dead attempts are retried quickly. Afterwards every accepted job is completed, its result
blobs exist, only one attempt's folder survives per video, and no `.tmp-*` file is left once the store has
been swept.
"""

from __future__ import annotations

import random
import signal
import time
from pathlib import Path

import httpx
import pytest

from mutoscope.jobs.queue import ClaimedJob
from mutoscope.jobs.video import VideoJob, VideoJobs
from mutoscope.jobs.worker import JobContext
from mutoscope.storage.local import LocalBlobStore
from reliability_support import (
    ADMIN_KEY,
    audit_blobs,
    fresh_database,
    job_rows,
    query,
    report,
    service_env,
    serving,
    start_worker,
    stop,
    video_ids,
)

# The counts: 100 jobs, 10 kills. Measured on the shared 2-core machine: about 5.6 min in all
# (100 testcard clips over 3 workers, plus 10 replacement workers starting); the limits leave 3x that.
pytestmark = [pytest.mark.services, pytest.mark.slow, pytest.mark.timeout(1200)]
JOBS = 100
KILLS = 10
DRAIN_S = 900  # how long the jobs may take to drain, kills included
WORKERS = 3


def _busy_pids(database_url: str) -> set[int]:
    """The process ids of workers holding a lease now (worker ids are `<host>-<pid>-<random>`)."""
    owners = query(
        database_url, "SELECT lease_owner FROM jobs WHERE state = 'in_progress' AND lease_owner IS NOT NULL"
    )
    return {int(owner[0].rsplit("-", 2)[1]) for owner in owners}


def test_sigkilled_workers_lose_no_job_and_leave_no_orphaned_blob(tmp_path: Path, pg_url: str) -> None:
    fresh_database(pg_url)
    env = service_env(tmp_path, pg_url)
    rng = random.Random(11)
    started = time.monotonic()
    with serving(env, "--workers", "0") as served:
        http = httpx.Client(
            base_url=served.base_url, headers={"Authorization": f"Bearer {ADMIN_KEY}"}, timeout=30
        )
        accepted = []
        for index in range(JOBS):
            response = http.post(
                "/v1/videos",
                data={"prompt": f"bars {index}", "model": "testcard", "size": "720x1280", "seconds": "4"},
            )
            assert response.status_code == 200, response.text
            accepted.append(response.json()["id"])
        workers = [start_worker(env) for _ in range(WORKERS)]
        kills = 0
        try:
            deadline = time.monotonic() + DRAIN_S
            while time.monotonic() < deadline:
                busy = _busy_pids(pg_url)
                targets = [i for i, worker in enumerate(workers) if worker.pid in busy]
                if kills < KILLS and targets:
                    # A random moment inside a running job: after the claim, before or while blobs are written.
                    time.sleep(rng.uniform(0.0, 0.8))
                    victim = rng.choice(targets)
                    workers[victim].send_signal(signal.SIGKILL)
                    workers[victim].wait(10)
                    workers[victim] = start_worker(env)
                    kills += 1
                    time.sleep(rng.uniform(1.0, 4.0))  # let other jobs finish between kills
                    continue
                states = [row["state"] for row in job_rows(pg_url).values()]
                if kills == KILLS and all(state in ("completed", "failed", "cancelled") for state in states):
                    break
                time.sleep(0.1)
            api_statuses = [http.get(f"/v1/videos/{video_id}").json()["status"] for video_id in accepted]
        finally:
            for worker in workers:
                stop(worker)
            http.close()
    jobs = job_rows(pg_url)
    blobs = LocalBlobStore(tmp_path / "blobs")
    before = audit_blobs(tmp_path / "blobs", jobs, video_ids(pg_url))
    swept = blobs.sweep_temp(0)
    after = audit_blobs(tmp_path / "blobs", jobs, video_ids(pg_url))
    attempt_dirs = {
        video_id: sorted(
            p.name for p in (tmp_path / "blobs" / "videos" / video_id).iterdir() if p.name != "inputs"
        )
        for video_id in accepted
    }
    retried = sum(1 for job in jobs.values() if job["attempts"] > 1)
    report(
        "worker_sigkill",
        jobs=JOBS,
        kills=kills,
        completed=sum(1 for job in jobs.values() if job["state"] == "completed"),
        retried_jobs=retried,
        blob_files=after.files,
        temp_files_before_sweep=before.temp_files,
        swept=swept,
        orphans=len(after.orphans),
        missing=len(after.missing),
        seconds=round(time.monotonic() - started, 1),
    )
    assert kills == KILLS
    assert set(jobs) == set(accepted)
    assert api_statuses == ["completed"] * JOBS
    assert all(job["state"] == "completed" for job in jobs.values())
    # Completed exactly once: one attempt's folder per video, the one its result points at.
    for video_id in accepted:
        result = jobs[video_id]["result"]
        assert attempt_dirs[video_id] == [result["blobs"]["video"].split("/")[2]], (video_id, attempt_dirs)
    assert after.orphans == [] and after.missing == []
    assert after.temp_files == 0


def test_a_retry_removes_what_a_killed_attempt_half_stored(tmp_path: Path) -> None:
    """A worker SIGKILLed inside `_store` never reaches `discard`: the next attempt clears its folder."""
    blobs = LocalBlobStore(tmp_path)
    blobs.put_bytes("videos/video_k/a1/thumbnail.webp", b"half of attempt 1")
    payload = VideoJob(
        backend="testcard",
        prompt="bars",
        width=720,
        height=1280,
        duration_s=4.0,
        seed=1,
        blob_prefix="videos/video_k",
    ).model_dump()
    job = ClaimedJob(id="video_k", kind="video", payload=payload, attempt=2, worker_id="w")
    result = VideoJobs(blobs).handle(job, JobContext(job))
    assert blobs.list_keys("videos/video_k/") == sorted(result["blobs"].values())
    assert all(key.startswith("videos/video_k/a2/") for key in result["blobs"].values())
