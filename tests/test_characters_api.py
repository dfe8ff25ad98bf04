"""The characters API on a live server: non-person characters (and their human-face refusal), sharing and its
permissions for every kind of caller, revocation of queued and running jobs, the owners' prohibitions, and
co-ownership of the videos that use a character."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import numpy as np
import pytest
from skimage import data
from sqlalchemy import select

from characters_support import seed_character, seed_video
from live_server import LiveServer, live_server, reset_database, server_settings
from mutoscope.engine.clip import Clip, ClipMetadata
from mutoscope.engine.media import encode_mp4_bytes
from mutoscope.jobs.queue import JobQueue
from mutoscope.jobs.video import KIND, VideoJobs
from mutoscope.jobs.worker import Worker
from mutoscope.server.accounts.models import User
from mutoscope.server.characters.models import CharacterUse
from mutoscope.server.characters.uses import permission_check
from mutoscope.server.generations.models import Video
from posts_support import Actor, admin, anonymous, follow_each_other, member, wait_finished

FAST = "testcard"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(server_settings(tmp_path_factory.mktemp("var"))) as live:
        yield live


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.services)])
def idle(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server without workers: submitted jobs stay queued until a test runs them."""
    url = None
    if request.param == "postgresql":
        url = request.getfixturevalue("pg_url")
        reset_database(url)
    with live_server(server_settings(tmp_path_factory.mktemp("idle"), url), workers=0) as live:
        yield live


def _clip_mp4(image: np.ndarray, seconds: float = 4.0) -> bytes:
    frames = np.repeat(image[None], int(seconds * 24), axis=0)
    frames[:, :8] = frames[:, :8] // 2  # not quite still
    audio = np.zeros((2, int(seconds * 48_000)), np.float32)
    return encode_mp4_bytes(Clip(frames=frames, audio=audio, fps=24, metadata=ClipMetadata("test", "", 0)))


def _ball() -> np.ndarray:
    image = np.full((240, 320, 3), (90, 140, 80), np.uint8)
    yy, xx = np.mgrid[0:240, 0:320]
    image[(yy - 120) ** 2 + (xx - 160) ** 2 < 60**2] = (220, 40, 40)
    return image


def _face() -> np.ndarray:
    return np.ascontiguousarray(data.astronaut()[:320, 96:416])


def problem(response: httpx.Response, status: int, code: str | None = None) -> dict[str, object]:
    assert response.status_code == status, response.text
    body: dict[str, object] = response.json()
    if code is not None:
        assert code in response.text, response.text
    return body


# -- pets, objects, illustrations --------------------------------------------------------------------------


def test_a_clip_with_a_human_face_is_refused_on_both_paths(server: LiveServer) -> None:
    owner = member(server)
    face = _clip_mp4(_face())
    for path in ("/v1/videos/characters", "/api/characters"):
        refused = owner.http.post(
            path, data={"name": "Not a pet", "kind": "pet"}, files={"video": ("c.mp4", face)}
        )
        problem(refused, 400, "human_face_in_clip")
    made = owner.http.post(
        "/api/characters",
        data={"name": "Red Ball", "kind": "object", "species": "ball"},
        files={"video": ("c.mp4", _clip_mp4(_ball()))},
    )
    assert made.status_code == 201, made.text
    ball = made.json()
    assert ball["handle"] == "red_ball" and ball["audience"] == "only_me" and ball["is_owner"]
    assert ball["palette"][0][0] > 150  # the red of the ball, not the green table
    api = owner.http.post(
        "/v1/videos/characters", data={"name": "Red Ball"}, files={"video": ("c.mp4", _clip_mp4(_ball()))}
    )
    assert api.status_code == 200 and api.json()["id"].startswith("char_"), api.text
    assert owner.http.get(f"/api/characters/{api.json()['id']}").json()["handle"] == "red_ball_2"


def test_bad_character_clips_are_refused_clearly(server: LiveServer) -> None:
    owner = member(server)
    short = owner.http.post(
        "/api/characters", data={"name": "Blip"}, files={"video": ("c.mp4", _clip_mp4(_ball(), seconds=2.0))}
    )
    assert "3-10 s" in str(problem(short, 400)["detail"])
    person = owner.http.post(
        "/api/characters",
        data={"name": "Me", "kind": "person"},
        files={"video": ("c.mp4", _clip_mp4(_ball()))},
    )
    assert "liveness" in str(problem(person, 400)["detail"])
    problem(owner.http.post("/api/characters", data={"name": "Nothing"}), 400, "missing_required_parameter")
    taken = owner.http.post(
        "/api/characters",
        data={"name": "Dup", "handle": "red_ball"},
        files={"video": ("c.mp4", _clip_mp4(_ball()))},
    )
    problem(taken, 409) if taken.status_code == 409 else None
    again = owner.http.post(
        "/api/characters",
        data={"name": "Dup", "handle": "dup_handle"},
        files={"video": ("c.mp4", _clip_mp4(_ball()))},
    )
    assert again.status_code == 201, again.text
    dup = owner.http.post(
        "/api/characters",
        data={"name": "Dup", "handle": "dup_handle"},
        files={"video": ("c.mp4", _clip_mp4(_ball()))},
    )
    problem(dup, 409)
    with server.runtime.db.session() as session:  # the refused upload left no character and no use behind
        assert session.scalars(select(CharacterUse)).first() is None


# -- sharing and who may do what ----------------------------------------------------------------------------


def test_sharing_endpoints_answer_each_kind_of_caller(server: LiveServer) -> None:
    owner, other, teen, boss = member(server), member(server), member(server, teen=True), admin(server)
    character = seed_character(server, owner.user_id, kind="pet")
    path = f"/api/characters/{character.id}"
    assert anonymous(server).get(path).status_code == 401
    assert anonymous(server).patch(path, json={"audience": "everyone"}).status_code == 401
    for outsider in (
        other,
        teen,
        boss,
    ):  # a private character does not exist for anyone else, admins included
        problem(outsider.http.get(path), 404)
        problem(outsider.http.patch(path, json={"audience": "everyone"}), 404)
        problem(outsider.http.delete(path), 404)
    shared = owner.http.patch(path, json={"audience": "everyone", "preferences": ["never smokes"]})
    assert shared.status_code == 200 and shared.json()["character"]["audience"] == "everyone", shared.text
    seen = other.http.get(path).json()
    assert seen["audience"] is None and not seen["is_owner"] and seen["preferences"] == ["never smokes"]
    problem(other.http.patch(path, json={"audience": "only_me"}), 403)
    problem(other.http.put(f"{path}/approvals/{teen.handle}"), 403)
    problem(other.http.get(f"{path}/videos"), 403)
    assert character.id in {c["id"] for c in other.http.get("/api/characters?scope=usable").json()["data"]}
    assert character.id not in {c["id"] for c in other.http.get("/api/characters").json()["data"]}
    assert problem(owner.http.patch(path, json={"audience": "friends"}), 400)["param"] == "audience"
    problem(owner.http.patch(path, json={"preferences": ["x" * 500]}), 400)
    approved = owner.http.put(f"{path}/approvals/{other.handle}")
    assert [a["handle"] for a in approved.json()["data"]] == [other.handle]
    problem(owner.http.put(f"{path}/approvals/nobody_at_all"), 404)


def test_prompts_that_break_an_owners_rule_are_refused_with_the_rule_quoted(server: LiveServer) -> None:
    owner, user = member(server), member(server)
    character = seed_character(
        server,
        owner.user_id,
        audience="everyone",
        preferences=["never in skinny jeans", "no political content"],
    )
    refused = user.http.post(
        "/v1/videos", json={"prompt": f"@{character.handle} gives a speech about the election", "model": FAST}
    )
    assert refused.status_code == 400, refused.text
    error = refused.json()["error"]
    assert error["code"] == "moderation_blocked.character_preferences"
    assert '"no political content"' in error["message"] and "election" in error["message"]
    by_name = user.http.post(
        "/v1/videos", json={"prompt": f"{character.name} in skinny jeans dances", "model": FAST}
    )
    assert '"never in skinny jeans"' in by_name.json()["error"]["message"]
    fine = user.http.post(
        "/v1/videos", json={"prompt": f"{character.name} dances in the rain", "model": FAST}
    )
    assert fine.status_code == 200, fine.text


# -- co-ownership -----------------------------------------------------------------------------------------


def test_the_owner_sees_and_deletes_any_video_using_their_character(server: LiveServer) -> None:
    owner, user = member(server), member(server)
    character = seed_character(server, owner.user_id, kind="pet", audience="everyone")
    created = user.http.post(
        "/v1/videos", json={"prompt": "bars", "model": FAST, "characters": [{"id": character.id}]}
    )
    assert created.status_code == 200, created.text
    video_id = wait_finished(user, created.json()["id"])
    used = [n for n in owner.http.get("/api/notifications").json()["data"] if n["kind"] == "character_used"]
    assert [n["subject_id"] for n in used] == [video_id]

    listed = owner.http.get(f"/api/characters/{character.id}/videos").json()["data"]
    assert [(u["video_id"], u["creator"], u["posted"]) for u in listed] == [(video_id, user.handle, False)]
    content = owner.http.get(f"/api/characters/{character.id}/videos/{video_id}/content")
    assert content.status_code == 200 and content.content[4:8] == b"ftyp"  # someone else's draft, as an MP4
    problem(user.http.delete(f"/api/characters/{character.id}/videos/{video_id}"), 403)

    deleted = owner.http.delete(f"/api/characters/{character.id}/videos/{video_id}")
    assert deleted.status_code == 200, deleted.text
    assert user.http.get(f"/v1/videos/{video_id}").status_code == 404
    assert not server.runtime.blobs.exists(f"videos/{video_id}/a1/video.mp4")
    assert list(server.runtime.blobs.list_keys(f"videos/{video_id}/")) == []
    told = [
        n
        for n in user.http.get("/api/notifications").json()["data"]
        if n["kind"] == "character_video_deleted"
    ]
    assert [n["subject_id"] for n in told] == [video_id]
    assert owner.http.get(f"/api/characters/{character.id}/videos").json()["data"] == []


# -- revocation -----------------------------------------------------------------------------------------------


def _queued(server: LiveServer, actor: Actor, character_id: str) -> str:
    created = actor.http.post(
        "/v1/videos", json={"prompt": "bars", "model": FAST, "characters": [{"id": character_id}]}
    )
    assert created.status_code == 200, created.text
    return str(created.json()["id"])


def test_narrowing_the_audience_fails_other_peoples_queued_jobs_with_a_clear_error(idle: LiveServer) -> None:
    owner, user, friend = member(idle), member(idle), member(idle)
    character = seed_character(idle, owner.user_id, kind="pet", audience="everyone")
    approve = owner.http.put(f"/api/characters/{character.id}/approvals/{friend.handle}")
    assert approve.status_code == 200
    theirs, friends, mine = (_queued(idle, a, character.id) for a in (user, friend, owner))
    finished = seed_video(idle, user.user_id, [character.id])

    changed = owner.http.patch(f"/api/characters/{character.id}", json={"audience": "approved"})
    assert changed.status_code == 200 and changed.json()["jobs_stopped"] == 1, changed.text
    stopped = user.http.get(f"/v1/videos/{theirs}").json()
    assert stopped["status"] == "failed" and stopped["error"]["code"] == "character_revoked"
    assert f"@{character.handle}" in stopped["error"]["message"]
    assert friend.http.get(f"/v1/videos/{friends}").json()["status"] == "queued"  # still approved
    assert owner.http.get(f"/v1/videos/{mine}").json()["status"] == "queued"
    assert user.http.get(f"/v1/videos/{finished}").status_code == 200  # kept: the owner chose "keep"

    removed = owner.http.delete(f"/api/characters/{character.id}/approvals/{friend.handle}")
    assert removed.status_code == 200
    assert friend.http.get(f"/v1/videos/{friends}").json()["error"]["code"] == "character_revoked"
    again = owner.http.patch(
        f"/api/characters/{character.id}", json={"audience": "only_me", "existing_videos": "delete"}
    )
    assert again.json()["videos_deleted"] == 3  # other people's: the finished one and the two stopped ones
    assert user.http.get(f"/v1/videos/{finished}").status_code == 404
    assert owner.http.get(f"/v1/videos/{mine}").json()["status"] == "queued"  # the owner's own stays


def test_a_worker_refuses_a_job_whose_character_was_withdrawn_elsewhere(idle: LiveServer) -> None:
    """An unfollow ends a mutual: the worker's own check stops the job, though no character was edited."""
    owner, user = member(idle), member(idle)
    follow_each_other(owner, user)
    character = seed_character(idle, owner.user_id, kind="pet", audience="mutuals")
    video_id = _queued(idle, user, character.id)
    assert user.http.delete(f"/api/profiles/{owner.handle}/follow").status_code == 200

    queue: JobQueue = idle.runtime.queue
    videos = VideoJobs(idle.runtime.blobs, permission_check=permission_check(idle.runtime.db))
    worker = Worker(queue, {KIND: videos.handle}, heartbeat_s=0.5, poll_s=0.05)
    while worker.run_once():  # drain: earlier tests left other jobs queued
        pass
    failed = user.http.get(f"/v1/videos/{video_id}").json()
    assert failed["status"] == "failed" and failed["error"]["code"] == "character_revoked", failed
    assert list(idle.runtime.blobs.list_keys(f"videos/{video_id}/")) == []  # nothing was stored


def test_naming_the_person_by_display_name_or_handle_is_refused_without_permission(
    server: LiveServer,
) -> None:
    owner, stranger, friend = member(server), member(server), member(server)
    character = seed_character(server, owner.user_id, audience="approved")
    assert owner.http.put(f"/api/characters/{character.id}/approvals/{friend.handle}").status_code == 200
    with server.runtime.db.write_session() as session:
        user = session.get(User, owner.user_id)
        assert user is not None
        user.display_name = "Marguerite Okonkwo-Lind"
    for prompt in (
        "marguerite okonkwo-lind sings in the rain",  # the owner's display name, any case
        f"a picnic in the park with @{owner.handle}",  # the owner's handle
        f"{character.name} waves",  # the character's own name
    ):
        refused = stranger.http.post("/v1/videos", json={"prompt": prompt, "model": FAST})
        assert refused.status_code == 403, (prompt, refused.text)
        assert refused.json()["error"]["code"] == "character_not_allowed"
        assert refused.json()["error"]["param"] == "prompt"
        allowed = friend.http.post("/v1/videos", json={"prompt": prompt, "model": FAST})
        assert allowed.status_code == 200, (prompt, allowed.text)
        with server.runtime.db.session() as session:
            video = session.get(Video, allowed.json()["id"])
            assert video is not None and video.character_ids == [
                character.id
            ]  # cast, with its look and rules
    unrelated = stranger.http.post("/v1/videos", json={"prompt": "Marguerite bakes bread", "model": FAST})
    assert unrelated.status_code == 200  # a first name alone is not the person's name
