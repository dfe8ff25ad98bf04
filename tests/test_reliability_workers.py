"""Workers killed with SIGKILL at random moments lose nothing: 100 jobs, 10 kills, each job completed once.

Standalone `mutoscope worker` processes drain 100 small testcard jobs on PostgreSQL while a killer sends
SIGKILL to a random worker 10 times (a replacement starts at once). Leases are short (2 s) so dead attempts
are retried quickly. Afterwards every accepted job is completed, its result blobs exist, only one attempt's
folder survives per video, and no `.tmp-*` file is left once the store has been swept.
"""

from __future__ import annotations

import random
import signal
import time
from pathlib import Path

import httpx
import pytest

from mutoscope.storage.local import LocalBlobStore
from reliability_support import (
    ADMIN_KEY,
    audit_blobs,
    fresh_database,
    job_rows,
    report,
    service_env,
    serving,
    start_worker,
    stop,
    video_ids,
)

pytestmark = [pytest.mark.services, pytest.mark.slow, pytest.mark.timeout(300)]
JOBS = 100
KILLS = 10
WORKERS = 2


def test_sigkilled_workers_lose_no_job_and_leave_no_orphaned_blob(tmp_path: Path, pg_url: str) -> None:
    fresh_database(pg_url)
    env = service_env(tmp_path, pg_url)
    rng = random.Random(11)
    started = time.monotonic()
    with serving(env, "--workers", "0") as served:
        http = httpx.Client(base_url=served.base_url, headers={"Authorization": f"Bearer {ADMIN_KEY}"}, timeout=30)
        accepted = []
        for index in range(JOBS):
            response = http.post(
                "/v1/videos", data={"prompt": f"bars {index}", "model": "testcard", "size": "720x1280"}
            )
            assert response.status_code == 200, response.text
            accepted.append(response.json()["id"])
        workers = [start_worker(env) for _ in range(WORKERS)]
        kills = 0
        try:
            deadline = time.monotonic() + 200
            while time.monotonic() < deadline:
                if kills < KILLS:
                    time.sleep(rng.uniform(0.3, 2.0))
                    victim = rng.randrange(len(workers))
                    workers[victim].send_signal(signal.SIGKILL)
                    workers[victim].wait(10)
                    workers[victim] = start_worker(env)
                    kills += 1
                    continue
                states = [row["state"] for row in job_rows(pg_url).values()]
                if all(state in ("completed", "failed", "cancelled") for state in states):
                    break
                time.sleep(0.3)
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
        video_id: sorted(p.name for p in (tmp_path / "blobs" / "videos" / video_id).iterdir() if p.name != "inputs")
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
