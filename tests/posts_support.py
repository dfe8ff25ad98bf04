"""Helpers for the posts, messages and export tests: people, and finished videos to post.

`Actor` is someone calling the API with a Bearer key, or, for members made with `browser=True`, signed up
through the API and using the session cookie and CSRF token (`social_support.join`). `real_video` makes a video
the way users do (the `/v1/videos` API and the in-process worker, testcard backend); `VideoSeeder` records a
finished video whose rows and blobs look exactly like a worker's output (blobs copied from a real one) in
milliseconds, for tests about posts rather than pictures.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from live_server import LiveServer, live_server, reset_database, server_settings
from mutoscope.db import utcnow
from mutoscope.ids import new_id
from mutoscope.jobs.models import Job
from mutoscope.jobs.video import KIND
from mutoscope.server.accounts.models import User
from mutoscope.server.generations.models import Video
from social_support import admin_http, fresh_handle, join, years_ago

FAST = "testcard"


def server_fixture(**overrides: Any) -> Any:
    """A module-scoped `server` fixture: a live server with one worker, on SQLite and (for `-m services` runs) on
    a fresh PostgreSQL database; `overrides` are settings sections, as `server_settings` takes them."""

    @pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.services)])
    def server(
        request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
    ) -> Iterator[LiveServer]:
        url = None
        if request.param == "postgresql":
            url = request.getfixturevalue("pg_url")
            reset_database(url)
        with live_server(server_settings(tmp_path_factory.mktemp("var"), url, **overrides)) as live:
            yield live

    return server


def seeder_fixture() -> Any:
    """A module-scoped `seeder` fixture: a `VideoSeeder` for the module's `server`."""

    @pytest.fixture(scope="module")
    def seeder(server: LiveServer) -> VideoSeeder:
        return VideoSeeder(server)

    return seeder


@dataclass
class Actor:
    handle: str
    user_id: str
    http: httpx.Client


def member(server: LiveServer, *, teen: bool = False, browser: bool = False) -> Actor:
    """A member with a birthday (a teen's makes a teen account). `browser`: signed up through the API and using
    the session cookie + CSRF token; otherwise a Bearer key (milliseconds instead of a sign-up's password hash).
    """
    birthday = years_ago(15) if teen else years_ago(30)
    if browser:
        joined = join(server, birthday=birthday)
        return Actor(joined.handle, joined.user_id, joined.http)
    handle = fresh_handle()
    key = server.user(handle)
    with server.runtime.db.write_session() as session:
        user = session.scalars(select(User).where(User.handle == handle)).one()
        user.birthday = date.fromisoformat(birthday)
        user_id = user.id
    return Actor(handle, user_id, server.http(key))


def admin(server: LiveServer) -> Actor:
    http = admin_http(server)
    me = http.get("/api/me")
    assert me.status_code == 200, me.text
    return Actor(me.json()["handle"], me.json()["id"], http)


def anonymous(server: LiveServer) -> httpx.Client:
    return server.http()


def follow_each_other(a: Actor, b: Actor) -> None:
    for one, other in ((a, b), (b, a)):
        response = one.http.post(f"/api/profiles/{other.handle}/follow")
        assert response.status_code == 200, response.text


def block(blocker: Actor, blocked: Actor) -> None:
    response = blocker.http.post(f"/api/profiles/{blocked.handle}/block")
    assert response.status_code == 200, response.text


def real_video(actor: Actor, *, prompt: str = "bars", timeout_s: float = 60) -> str:
    created = actor.http.post("/v1/videos", data={"prompt": prompt, "model": FAST})
    assert created.status_code == 200, created.text
    return wait_finished(actor, created.json()["id"], timeout_s=timeout_s)


def wait_finished(actor: Actor, video_id: str, *, timeout_s: float = 60) -> str:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        status = actor.http.get(f"/v1/videos/{video_id}").json()["status"]
        if status in ("completed", "failed"):
            assert status == "completed", f"video {video_id} {status}"
            return video_id
        time.sleep(0.05)
    raise AssertionError(f"video {video_id} did not finish in {timeout_s} s")


@dataclass
class VideoSeeder:
    """Records finished videos in milliseconds, with blobs copied from one real video (made on first use)."""

    server: LiveServer
    _template: dict[str, bytes] = field(default_factory=dict)

    def video(
        self,
        owner: Actor,
        *,
        state: str = "completed",
        remixed_from: str | None = None,
        announced: bool = True,
    ) -> str:
        """A finished video of `owner`. `announced=False` leaves it for the outbox to announce, as a worker's
        freshly finished video is (webhook event and "generation finished" notification)."""
        video_id = new_id("video")
        keys = {name: f"videos/{video_id}/a1/{name}{suffix}" for name, suffix in _SUFFIXES.items()}
        if state == "completed":  # a failed generation stores nothing
            blobs = self._blobs()
            for name, key in keys.items():
                self.server.runtime.blobs.put_bytes(key, blobs[name])
        now = utcnow()
        with self.server.runtime.db.write_session() as session:
            session.add(
                Video(
                    id=video_id,
                    owner_id=owner.user_id,
                    model=FAST,
                    backend=FAST,
                    mode="remix" if remixed_from else "create",
                    prompt="seeded bars",
                    seconds="4",
                    size="720x1280",
                    seed=7,
                    remixed_from_video_id=remixed_from,
                    source_video_id=remixed_from,
                    created_at=now,
                    notified_at=now if announced else None,
                )
            )
            session.add(
                Job(
                    id=video_id,
                    kind=KIND,
                    owner_id=owner.user_id,
                    state=state,
                    payload={},
                    error_code=None if state == "completed" else "backend_error",
                    error_message=None if state == "completed" else "The backend failed.",
                    result={"blobs": keys, "size_bytes": len(blobs["video"])}
                    if state == "completed"
                    else None,
                    max_attempts=1,
                    created_at=now,
                    finished_at=now + timedelta(seconds=1),
                    updated_at=now,
                )
            )
        return video_id

    def _blobs(self) -> dict[str, bytes]:
        if not self._template:
            video_id = real_video(member(self.server))  # someone of its own, so nobody's drafts change
            with self.server.runtime.db.session() as session:
                job = session.get(Job, video_id)
                assert job is not None and job.result is not None
                keys = job.result["blobs"]
            self._template.update(
                {name: self.server.runtime.blobs.read_bytes(keys[name]) for name in _SUFFIXES}
            )
        return self._template


_SUFFIXES = {"video": ".mp4", "thumbnail": ".webp", "spritesheet": ".jpg", "metadata": ".json"}


def post(actor: Actor, video_id: str, caption: str = "") -> str:
    response = actor.http.post("/api/posts", json={"video_id": video_id, "caption": caption})
    assert response.status_code == 201, response.text
    post_id: str = response.json()["id"]
    return post_id
