"""The Ray executor on a local Ray started by the test (two CPUs, two CPU actors, the testcard backend).

Jobs come from the database queue and go back through it, so what is checked is the queue's record: each job
completed once, by which actor (the job's lease owner and the result's `executor`), in processes other than the
test's; cancels reach the actor; an actor killed mid-job costs an attempt, never the job.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import av
import pytest

from jobs_support import wait_until
from mutoscope.db import open_database
from mutoscope.errors import PermissionDeniedError
from mutoscope.jobs import JobQueue, JobState
from mutoscope.jobs.ray_executor import RayExecutor
from mutoscope.jobs.video import KIND, CharacterPayload, VideoJob
from mutoscope.server.migrate import upgrade
from mutoscope.settings import Settings
from mutoscope.storage import open_blob_store

pytestmark = [pytest.mark.slow, pytest.mark.services]


@pytest.fixture(scope="module")
def ray() -> Iterator[Any]:
    # Ray swaps a loopback node address for the machine's outward one unless told it is not building a
    # cluster; this keeps every Ray process (and the CLI's driver, which inherits the variable) on 127.0.0.1.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
        ray = pytest.importorskip("ray")
        patch.setattr(ray._private.ray_constants, "ENABLE_RAY_CLUSTER", False)
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, _node_ip_address="127.0.0.1")
        assert ray.get_runtime_context().gcs_address.startswith("127.0.0.1:")
        yield ray
        ray.shutdown()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    settings = Settings(data_dir=tmp_path / "var", jobs={"lease_s": 4.0, "heartbeat_s": 0.3, "poll_s": 0.05})
    upgrade(settings.database_url)
    return settings


@pytest.fixture
def queue(settings: Settings) -> Iterator[JobQueue]:
    db = open_database(settings.database_url)
    yield JobQueue(db, lease_s=settings.jobs.lease_s, max_attempts=3)
    db.dispose()


def _enqueue(
    queue: JobQueue,
    index: int,
    *,
    duration_s: float = 2.0,
    size: tuple[int, int] = (320, 240),
    characters: list[CharacterPayload] | None = None,
) -> str:
    payload = VideoJob(
        characters=characters or [],
        backend="testcard",
        prompt=f"card {index}",
        width=size[0],
        height=size[1],
        duration_s=duration_s,
        seed=index,
        blob_prefix=f"videos/job{index}",
    )
    with queue.db.write_session() as session:
        job_id = queue.enqueue(session, kind=KIND, payload=payload.model_dump(mode="json"))
    return job_id


def _executor(queue: JobQueue, settings: Settings, heard: list[tuple[str, int, JobState]]) -> RayExecutor:
    return RayExecutor(
        queue,
        settings,
        actors=2,
        heartbeat_s=settings.jobs.heartbeat_s,
        poll_s=settings.jobs.poll_s,
        on_progress=lambda *event: heard.append(event),
    )


def test_jobs_spread_over_two_warm_actors(ray: Any, queue: JobQueue, settings: Settings) -> None:
    heard: list[tuple[str, int, JobState]] = []
    executor = _executor(queue, settings, heard)
    executor.start()
    try:
        names = executor.actor_names
        assert len(names) == 2 and executor.device == "cpu"
        job_ids = [_enqueue(queue, index) for index in range(8)]
        wait_until(
            lambda: all((v := queue.get(j)) is not None and v.is_terminal for j in job_ids), timeout_s=180
        )
    finally:
        executor.stop()

    ran_on: dict[str, str] = {}
    pids: set[int] = set()
    for job_id in job_ids:
        view = queue.get(job_id)
        assert view is not None and view.result is not None
        assert (view.state, view.attempts, view.progress) == (JobState.completed, 1, 100), view.error_message
        runner = view.result["executor"]
        assert runner["actor"] == view.lease_owner  # the driver's lease and the actor that ran it agree
        ran_on[job_id] = runner["actor"]
        pids.add(runner["pid"])
    print(f"\njobs per actor: { {name: list(ran_on.values()).count(name) for name in set(ran_on.values())} }")
    assert set(ran_on.values()) == set(names)  # both actors worked
    assert len(pids) == 2 and os.getpid() not in pids  # in two processes that are not the driver

    blobs = open_blob_store(settings)
    first = queue.get(job_ids[0])
    assert first is not None and first.result is not None
    with av.open(io.BytesIO(blobs.read_bytes(first.result["blobs"]["video"]))) as container:
        stream = container.streams.video[0]
        facts = (stream.codec_context.width, stream.codec_context.height, container.streams.audio[0].rate)
        frames = sum(1 for _ in container.decode(video=0))
    assert facts == (320, 240, 48000) and frames == 48

    for job_id in job_ids:  # the driver announced each start and outcome
        states = [state for ident, _p, state in heard if ident == job_id]
        assert states[0] is JobState.in_progress and states[-1] is JobState.completed


def test_actors_put_jobs_with_characters_through_the_permission_guard(
    ray: Any, queue: JobQueue, settings: Settings
) -> None:
    def revoking(actor_settings: Settings) -> Callable[[str], None]:
        # Built inside each actor (Ray sends this function there); it answers as a withdrawn character would.
        def check(job_id: str) -> None:
            raise PermissionDeniedError(
                f"revoked for {job_id} under {actor_settings.data_dir.name}", code="character_revoked"
            )

        return check

    executor = RayExecutor(
        queue,
        settings,
        actors=2,
        heartbeat_s=settings.jobs.heartbeat_s,
        poll_s=settings.jobs.poll_s,
        permission_check_factory=revoking,
    )
    executor.start()
    try:
        with_character = _enqueue(
            queue, 21, characters=[CharacterPayload(id="char_r", name="Rex", handle="rex", kind="pet")]
        )
        without = _enqueue(queue, 22)
        wait_until(
            lambda: all((v := queue.get(j)) is not None and v.is_terminal for j in (with_character, without)),
            timeout_s=120,
        )
    finally:
        executor.stop()
    refused, plain = queue.get(with_character), queue.get(without)
    assert refused is not None and plain is not None
    assert (refused.state, refused.error_code) == (JobState.failed, "character_revoked")
    assert (
        refused.error_message == f"revoked for {with_character} under var"
    )  # asked in the actor, for this job
    assert refused.result is None and open_blob_store(settings).list_keys("videos/job21/") == []
    assert plain.state is JobState.completed  # no character: the guard is not asked


def test_a_cancel_reaches_the_actor(ray: Any, queue: JobQueue, settings: Settings) -> None:
    heard: list[tuple[str, int, JobState]] = []
    executor = _executor(queue, settings, heard)
    executor.start()
    try:
        job_id = _enqueue(queue, 1, duration_s=60.0, size=(1280, 720))
        wait_until(lambda: (v := queue.get(job_id)) is not None and v.progress > 0, timeout_s=60)
        assert queue.cancel(job_id) is JobState.in_progress  # requested; the actor has to stop
        view = wait_until(lambda: (v := queue.get(job_id)) is not None and v.is_terminal and v, timeout_s=30)
    finally:
        executor.stop()
    assert view.state is JobState.cancelled
    assert view.progress < 100 and view.result is None


def test_an_actor_killed_mid_job_costs_an_attempt_not_the_job(
    ray: Any, queue: JobQueue, settings: Settings
) -> None:
    heard: list[tuple[str, int, JobState]] = []
    executor = _executor(queue, settings, heard)
    executor.start()
    try:
        job_id = _enqueue(queue, 7, duration_s=30.0, size=(1280, 720))
        running = wait_until(
            lambda: (v := queue.get(job_id)) is not None and v.progress > 0 and v, timeout_s=60
        )
        victim = executor._slots[executor.actor_names.index(running.lease_owner)].actor
        ray.kill(victim, no_restart=False)  # the process dies; Ray starts a fresh actor in its place
        view = wait_until(lambda: (v := queue.get(job_id)) is not None and v.is_terminal and v, timeout_s=150)
        survivors = executor.actor_names
        follow_up = _enqueue(queue, 8)
        done = wait_until(
            lambda: (v := queue.get(follow_up)) is not None and v.is_terminal and v, timeout_s=60
        )
    finally:
        executor.stop()
    assert (view.state, view.attempts) == (JobState.completed, 2), view.error_message
    assert done.state is JobState.completed and done.result is not None
    assert done.result["executor"]["actor"] in survivors


def test_the_worker_command_feeds_actors_on_a_running_cluster(
    ray: Any, queue: JobQueue, settings: Settings
) -> None:
    address = ray.get_runtime_context().gcs_address
    environment = {
        **os.environ,
        "MUTOSCOPE_DATA_DIR": str(settings.data_dir),
        "MUTOSCOPE_JOBS__POLL_S": "0.05",
    }
    job_ids = [_enqueue(queue, index) for index in range(4)]
    command = [str(Path(sys.executable).parent / "mutoscope"), "worker", "--executor", "ray"]
    driver = subprocess.Popen(
        [*command, "--address", address, "--actors", "2"],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until(
            lambda: all((v := queue.get(j)) is not None and v.is_terminal for j in job_ids), timeout_s=180
        )
    finally:
        driver.send_signal(signal.SIGTERM)  # stops after the current jobs, then releases its actors
        output = driver.communicate(timeout=120)[0].decode(errors="replace")
    assert driver.returncode == 0, output
    assert "feeding 2 Ray cpu actor(s)" in output
    owners = set()
    for job_id in job_ids:
        view = queue.get(job_id)
        assert view is not None and view.state is JobState.completed, (view, output)
        assert view.lease_owner is not None and f"-{driver.pid}-" in view.lease_owner
        owners.add(view.lease_owner)
    assert all(owner.endswith(("-ray0", "-ray1")) for owner in owners), owners
