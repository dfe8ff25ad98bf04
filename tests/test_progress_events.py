"""Live progress without Redis: the event value, the in-process bus, the worker's `on_progress` seam, and the
`GET /v1/videos/{id}/events` stream on a live server, read as a client reads it."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from jobs_support import FakeClock, database_fixture, wait_until
from live_server import LiveServer, live_server, server_settings
from mutoscope.db import Database
from mutoscope.errors import InvalidRequestError, WorkerLostError
from mutoscope.jobs import ClaimedJob, JobContext, JobQueue, JobState, Worker
from mutoscope.server.progress import InProcessProgressBus, ProgressEvent
from progress_support import SseEvent, sse_events

database = database_fixture()
pytestmark = pytest.mark.filterwarnings(
    "ignore::DeprecationWarning"
)  # the SDK marks the Videos API deprecated
CARD = {"prompt": "bars", "model": "testcard", "seconds": "12", "size": "1280x720"}


# -- the event and the in-process bus ------------------------------------------------------------------------


def test_events_round_trip_and_garbage_is_ignored() -> None:
    event = ProgressEvent(job_id="video_1", state=JobState.in_progress, progress=42)
    assert ProgressEvent.from_json(event.to_json()) == event
    assert ProgressEvent.from_json(event.to_json().encode()) == event
    for garbage in (
        "not json",
        "[]",
        '{"job_id": "v", "state": "sleeping", "progress": 1}',
        '{"job_id": "v", "state": "queued", "progress": 101}',
        '{"job_id": "v", "state": "queued", "progress": true}',
        '{"job_id": "", "state": "queued", "progress": 1}',
        '{"state": "queued", "progress": 1}',
    ):
        assert ProgressEvent.from_json(garbage) is None, garbage


def test_the_in_process_bus_delivers_across_threads_to_the_right_job_only() -> None:
    bus = InProcessProgressBus()

    async def watch() -> list[ProgressEvent | None]:
        with bus.subscribe("job-a") as subscription:
            assert await subscription.ready(1.0)

            def publish() -> None:
                bus.publish(ProgressEvent("job-b", JobState.in_progress, 10))
                for percent in (20, 40):
                    bus.publish(ProgressEvent("job-a", JobState.in_progress, percent))
                bus.publish(ProgressEvent("job-a", JobState.completed, 100))

            threading.Thread(target=publish).start()
            received = [await subscription.next(2.0) for _ in range(3)]
            received.append(await subscription.next(0.05))  # nothing more comes
            return received

    received = asyncio.run(watch())
    assert received == [
        ProgressEvent("job-a", JobState.in_progress, 20),
        ProgressEvent("job-a", JobState.in_progress, 40),
        ProgressEvent("job-a", JobState.completed, 100),
        None,
    ]
    bus.publish(ProgressEvent("job-a", JobState.in_progress, 50))  # no subscriber left: a no-op


def test_a_slow_reader_keeps_the_newest_events() -> None:
    bus = InProcessProgressBus()

    async def watch() -> list[int]:
        with bus.subscribe("j") as subscription:
            for percent in range(100):
                bus.publish(ProgressEvent("j", JobState.in_progress, percent))
            await asyncio.sleep(0.05)
            seen = []
            while (event := await subscription.next(0.01)) is not None:
                seen.append(event.progress)
            return seen

    seen = asyncio.run(watch())
    assert seen == list(range(100 - len(seen), 100)) and 0 < len(seen) < 100


# -- the worker's seam ---------------------------------------------------------------------------------------


def _enqueue(queue: JobQueue) -> str:
    with queue.db.session() as session:
        job_id = queue.enqueue(session, kind="video", payload={})
    return job_id


def test_a_worker_announces_start_progress_and_outcome(database: Database) -> None:
    queue = JobQueue(database)
    heard: list[tuple[str, int, JobState]] = []

    def handler(job: ClaimedJob, ctx: JobContext) -> dict[str, Any]:
        ctx.report_progress(30)
        time.sleep(0.3)  # long enough for the heartbeat to write (and announce) it
        ctx.report_progress(60)
        time.sleep(0.3)
        return {}

    worker = Worker(queue, {"video": handler}, heartbeat_s=0.1, on_progress=lambda *a: heard.append(a))
    job_id = _enqueue(queue)
    assert worker.run_once()
    assert heard == [
        (job_id, 0, JobState.in_progress),
        (job_id, 30, JobState.in_progress),
        (job_id, 60, JobState.in_progress),
        (job_id, 100, JobState.completed),
    ]


def test_a_failure_is_announced_with_its_last_progress(database: Database) -> None:
    queue = JobQueue(database)
    heard: list[tuple[str, int, JobState]] = []

    def handler(job: ClaimedJob, ctx: JobContext) -> dict[str, Any]:
        ctx.report_progress(25)
        raise InvalidRequestError("no such style")

    worker = Worker(queue, {"video": handler}, heartbeat_s=5, on_progress=lambda *a: heard.append(a))
    job_id = _enqueue(queue)
    worker.run_once()
    assert heard[0] == (job_id, 0, JobState.in_progress)
    assert heard[-1] == (job_id, 25, JobState.failed)


def test_a_broken_listener_never_disturbs_the_job(database: Database) -> None:
    queue = JobQueue(database)

    def explode(job_id: str, progress: int, state: JobState) -> None:
        raise RuntimeError("the bus is on fire")

    worker = Worker(queue, {"video": lambda job, ctx: {"ok": True}}, on_progress=explode)
    job_id = _enqueue(queue)
    assert worker.run_once()
    view = queue.get(job_id)
    assert view is not None and view.state is JobState.completed


def test_a_lost_executor_leaves_the_job_to_its_lease(database: Database) -> None:
    clock = FakeClock()
    queue = JobQueue(database, lease_s=30, clock=clock)
    heard: list[tuple[str, int, JobState]] = []

    def actor_died(job: ClaimedJob, ctx: JobContext) -> dict[str, Any]:
        raise WorkerLostError("the actor running it died")

    worker = Worker(queue, {"video": actor_died}, worker_id="w", on_progress=lambda *a: heard.append(a))
    job_id = _enqueue(queue)
    assert worker.run_once()
    view = queue.get(job_id)
    assert view is not None and (view.state, view.attempts) == (JobState.in_progress, 1)  # not failed
    assert heard == [(job_id, 0, JobState.in_progress)]  # no outcome was recorded, so none is announced
    clock.advance(timedelta(seconds=31).total_seconds())
    again = queue.claim("w2")
    assert again is not None and (again.id, again.attempt) == (job_id, 2)


# -- the event stream on a live server -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    settings = server_settings(
        tmp_path_factory.mktemp("var"), jobs={"heartbeat_s": 0.2}, api={"events_resync_s": 0.5}
    )
    with live_server(settings) as live:
        yield live


def _watch(live: LiveServer, key: str, video_id: str, timeout_s: float = 60) -> list[SseEvent]:
    with (
        live.http(key) as http,
        http.stream("GET", f"/v1/videos/{video_id}/events", timeout=timeout_s) as response,
    ):
        assert response.status_code == 200, response.read()
        assert response.headers["content-type"].startswith("text/event-stream")
        return list(sse_events(response))


def test_a_stream_follows_a_video_to_completion(server: LiveServer) -> None:
    key = server.user()
    with server.http(key) as http:
        video_id = http.post("/v1/videos", json=CARD).json()["id"]
        events = _watch(server, key, video_id)
        final = http.get(f"/v1/videos/{video_id}").json()
    assert [e.event for e in events] == ["progress"] * len(events)
    assert [e.id for e in events] == [str(n) for n in range(1, len(events) + 1)]
    progress = [e.data["progress"] for e in events]
    assert progress == sorted(progress), progress
    assert any(0 < p < 100 for p in progress), progress
    assert events[-1].data == final  # the last event is the finished video object
    assert final["status"] == "completed"
    assert all(e.data["status"] in ("queued", "in_progress") for e in events[:-1])


def test_a_client_that_goes_away_releases_its_subscription(server: LiveServer) -> None:
    key = server.user()
    hub = server.runtime.progress._hub
    with server.http(key) as http:
        # On a busy machine the worker can finish a video before its stream starts (then the stream sends
        # the finished video and ends at once, which releases nothing mid-stream): try again with a new one.
        for _ in range(5):
            video_id = http.post("/v1/videos", json=CARD).json()["id"]
            with http.stream("GET", f"/v1/videos/{video_id}/events") as response:
                first = next(sse_events(response))
                assert first.data["id"] == video_id
                if first.data["status"] in ("queued", "in_progress"):
                    assert hub.subscription_count() >= 1
                    break
        else:
            pytest.fail("every video finished before its event stream started")
    # The client hung up mid-stream; the server notices at its next send at the latest.
    wait_until(lambda: hub.subscription_count() == 0, timeout_s=30)


def test_a_finished_video_streams_once_and_ends(server: LiveServer) -> None:
    key = server.user()
    client = server.client(key)
    video = client.videos.create_and_poll(prompt="bars", model="testcard", seconds="4", size="1280x720")
    events = _watch(server, key, video.id, timeout_s=10)
    assert len(events) == 1 and events[0].data["status"] == "completed"


def test_a_cancel_ends_the_stream_with_the_cancelled_video(server: LiveServer) -> None:
    key = server.user()
    with server.http(key) as http:
        video_id = http.post("/v1/videos", json=CARD).json()["id"]
        threading.Timer(0.3, lambda: server.http(key).post(f"/v1/videos/{video_id}/cancel")).start()
        events = _watch(server, key, video_id)
    assert events[-1].data["status"] == "failed"
    assert events[-1].data["error"]["code"] == "cancelled"


def test_streams_need_the_owner_key(server: LiveServer) -> None:
    key = server.user()
    with server.http(key) as http:
        video_id = http.post("/v1/videos", json=CARD).json()["id"]
    with server.http(server.user()) as stranger:
        response = stranger.get(f"/v1/videos/{video_id}/events")
        assert response.status_code == 404
        assert response.json()["error"]["code"] is not None
    with server.http() as anonymous:
        assert anonymous.get(f"/v1/videos/{video_id}/events").status_code == 401
    with server.http(key) as http:
        assert http.get("/v1/videos/video_missing/events").status_code == 404


def test_changes_no_worker_announces_arrive_by_resync(tmp_path: Path) -> None:
    # No workers: the job stays queued until cancelled through the API, which publishes nothing, so only the
    # stream's periodic re-read (0.3 s here) can see the change.
    settings = server_settings(tmp_path / "var", api={"events_resync_s": 0.3})
    with live_server(settings, workers=0) as live:
        key = live.user()
        with live.http(key) as http:
            video_id = http.post("/v1/videos", json=CARD).json()["id"]
            cancelled_at: list[float] = []

            def cancel() -> None:
                cancelled_at.append(time.monotonic())
                live.http(key).post(f"/v1/videos/{video_id}/cancel")

            threading.Timer(0.5, cancel).start()
            events = _watch(live, key, video_id, timeout_s=10)
    assert [e.data["status"] for e in events] == ["queued", "failed"]
    assert events[-1].at_s - cancelled_at[0] < 3.0  # a resync or two (0.3 s each), not the 60 s read timeout
