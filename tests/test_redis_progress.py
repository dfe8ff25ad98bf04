"""Progress fan-out through Redis: a worker in one process publishes, an event stream in another delivers.

The streams here re-read the database only every 10 minutes, so every intermediate event they deliver must have
come over Redis pub/sub.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import redis

from live_server import LiveServer, free_port, live_server, reset_database, server_settings
from mutoscope.jobs.states import JobState
from mutoscope.server.coordination import connect_redis
from mutoscope.server.progress import ProgressEvent
from mutoscope.server.progress.redis_bus import RedisProgressBus
from progress_support import SseEvent, key_prefix, redis_url_or_skip, sse_events

pytestmark = pytest.mark.services
CARD = {"prompt": "bars", "model": "testcard", "seconds": "12", "size": "1280x720"}
NO_RESYNC = {"events_resync_s": 600.0}


@pytest.fixture
def redis_url() -> str:
    return redis_url_or_skip()


def _bus(url: str, channel: str, name: str) -> RedisProgressBus:
    return RedisProgressBus(redis.Redis.from_url(url, client_name=name, socket_timeout=2), channel=channel)


def test_events_cross_between_buses_and_strangers_are_ignored(redis_url: str) -> None:
    channel = f"{key_prefix()}progress"
    publisher, listener = _bus(redis_url, channel, "pub"), _bus(redis_url, channel, "sub")

    async def watch() -> list[ProgressEvent | None]:
        with listener.subscribe("video_a") as subscription:
            assert await subscription.ready(5.0)
            raw = connect_redis(redis_url)
            raw.publish(channel, b"\xff not json")
            raw.publish(channel, b'{"job_id": "video_a", "state": "exploded", "progress": 5}')
            publisher.publish(ProgressEvent("video_b", JobState.in_progress, 10))
            publisher.publish(ProgressEvent("video_a", JobState.in_progress, 20))
            publisher.publish(ProgressEvent("video_a", JobState.completed, 100))
            received = [await subscription.next(5.0) for _ in range(2)]
            received.append(await subscription.next(0.2))
            return received

    try:
        received = asyncio.run(watch())
    finally:
        publisher.close()
        listener.close()
    assert received == [
        ProgressEvent("video_a", JobState.in_progress, 20),
        ProgressEvent("video_a", JobState.completed, 100),
        None,
    ]


def test_the_listener_reconnects_after_losing_redis(redis_url: str) -> None:
    channel = f"{key_prefix()}progress"
    name = f"mutoscope-test-{os.getpid()}-{threading.get_ident()}"
    publisher, listener = _bus(redis_url, channel, "pub"), _bus(redis_url, channel, name)
    admin = connect_redis(redis_url)

    async def watch() -> tuple[ProgressEvent | None, ProgressEvent | None]:
        with listener.subscribe("video_r") as subscription:
            assert await subscription.ready(5.0)
            publisher.publish(ProgressEvent("video_r", JobState.in_progress, 10))
            before = await subscription.next(5.0)
            # Drop only our own pub/sub connection, by the name we gave it.
            ours = [c for c in admin.client_list(_type="pubsub") if c.get("name") == name]
            assert len(ours) == 1
            admin.client_kill_filter(_id=ours[0]["id"])
            await asyncio.sleep(0.2)
            assert await subscription.ready(15.0)  # back on the channel
            publisher.publish(ProgressEvent("video_r", JobState.in_progress, 60))
            return before, await subscription.next(5.0)

    try:
        before, after = asyncio.run(watch())
    finally:
        publisher.close()
        listener.close()
    assert before == ProgressEvent("video_r", JobState.in_progress, 10)
    assert after == ProgressEvent("video_r", JobState.in_progress, 60)


def test_publishing_without_redis_neither_raises_nor_blocks() -> None:
    bus = RedisProgressBus(connect_redis(f"redis://127.0.0.1:{free_port()}/0"), channel="x")
    started = time.monotonic()
    for percent in range(50):
        bus.publish(ProgressEvent("v", JobState.in_progress, percent))
    assert time.monotonic() - started < 0.1
    bus.close()


# -- across API processes ------------------------------------------------------------------------------------


@pytest.fixture
def shared(pg_url: str, redis_url: str, tmp_path: Path) -> Iterator[dict[str, Any]]:
    reset_database(pg_url)
    yield {
        "data_dir": tmp_path / "var",
        "database_url": pg_url,
        "redis": {"url": redis_url, "key_prefix": key_prefix()},
    }


def _follow(live: LiveServer, key: str, video_id: str) -> list[SseEvent]:
    with live.http(key) as http, http.stream("GET", f"/v1/videos/{video_id}/events", timeout=120) as response:
        assert response.status_code == 200
        return list(sse_events(response))


def _check_live_progress(events: list[SseEvent], finished_at: datetime) -> None:
    statuses = [event.data["status"] for event in events]
    intermediate = [
        e.data["progress"] for e in events if e.data["status"] == "in_progress" and e.data["progress"]
    ]
    print(f"\n{len(events)} events, progress {[e.data['progress'] for e in events]}")
    assert statuses[-1] == "completed" and events[-1].data["progress"] == 100
    assert len(intermediate) >= 3, statuses  # only Redis could have carried these (no resync for 10 min)
    assert intermediate == sorted(intermediate) and 0 < intermediate[0] < 100
    arrived_at = time.time() - (time.monotonic() - events[-1].at_s)
    assert arrived_at - finished_at.timestamp() < 5.0  # as it happens, not at a resync (600 s)


def test_a_worker_in_one_server_streams_to_a_client_of_another(shared: dict[str, Any]) -> None:
    data_dir, url, redis_section = shared["data_dir"], shared["database_url"], shared["redis"]
    working = server_settings(data_dir, url, redis=redis_section, api=NO_RESYNC, jobs={"heartbeat_s": 0.2})
    watching = server_settings(data_dir, url, redis=redis_section, api=NO_RESYNC)
    with live_server(working, workers=1) as worker_side, live_server(watching, workers=0) as watcher:
        key = worker_side.user()
        with worker_side.http(key) as http:
            video_id = http.post("/v1/videos", json=CARD).json()["id"]
        events = _follow(watcher, key, video_id)
        finished = worker_side.runtime.queue.get(video_id)
    assert finished is not None and finished.finished_at is not None
    _check_live_progress(events, finished.finished_at)


@pytest.mark.slow
def test_a_standalone_worker_process_streams_to_an_api_server(shared: dict[str, Any]) -> None:
    data_dir, url, redis_section = shared["data_dir"], shared["database_url"], shared["redis"]
    settings = server_settings(data_dir, url, redis=redis_section, api=NO_RESYNC)
    environment = {
        **os.environ,
        "MUTOSCOPE_DATA_DIR": str(data_dir),
        "MUTOSCOPE_DATABASE__URL": str(url),
        "MUTOSCOPE_REDIS__URL": redis_section["url"],
        "MUTOSCOPE_REDIS__KEY_PREFIX": redis_section["key_prefix"],
        "MUTOSCOPE_JOBS__HEARTBEAT_S": "0.2",
        "MUTOSCOPE_JOBS__POLL_S": "0.05",
    }
    with live_server(settings, workers=0) as api:
        key = api.user()
        worker = subprocess.Popen(
            [str(Path(sys.executable).parent / "mutoscope"), "worker"],
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            with api.http(key) as http:
                video_id = http.post("/v1/videos", json=CARD).json()["id"]
            events = _follow(api, key, video_id)
        finally:
            worker.terminate()
            output = worker.communicate(timeout=60)[0].decode(errors="replace")
        view = api.runtime.queue.get(video_id)
    assert view is not None and view.lease_owner is not None and view.finished_at is not None
    assert f"-{worker.pid}-" in view.lease_owner, output  # run by the other process
    _check_live_progress(events, view.finished_at)
