"""The one rule of characters, as a property: nobody generates with a likeness they may not use, by any path.

Hypothesis draws an audience (only me, approved, mutuals, everyone), a relationship between the caller and the
character's owner (self, approved, mutual, follower, stranger, blocked either way) and a path (create by id, by
@handle, by name in the prompt, remix, extend, edit; through the API with a Bearer key, or through the app with
a browser session: /v1 with the cookie, and the app's remix-a-post). The request must succeed exactly when the
rule written out below (independently of the server's code) allows it, and when refused it must say so with
403 `character_not_allowed` (404 where a block hides the post itself) and leave no video behind.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from characters_support import seed_character, seed_video
from live_server import LiveServer, live_server, server_settings
from mutoscope.server.generations.models import Video
from posts_support import Actor, block, follow_each_other, member, post

AUDIENCES = ("only_me", "approved", "mutuals", "everyone")
RELATIONSHIPS = ("self", "approved", "mutual", "follower", "stranger", "blocked")
PATHS = (
    "api_create_by_id",
    "api_create_by_handle",
    "api_create_by_name",
    "api_remix",
    "api_extend",
    "api_edit",
    "app_create_by_id",
    "app_create_by_name",
    "app_remix_post",
)


def allowed(audience: str, relationship: str) -> bool:
    """The rule, as the product states it (C2, C3)."""
    if relationship == "self":
        return True
    if relationship == "blocked":
        return False
    if audience == "everyone":
        return True
    if audience == "approved":
        return relationship == "approved"
    if audience == "mutuals":
        return relationship in ("approved", "mutual")
    return False


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    # No workers: every request is decided at the door, and queued jobs never run (nothing to wait for).
    with live_server(server_settings(tmp_path_factory.mktemp("var")), workers=0) as live:
        yield live


@pytest.fixture(scope="module")
def callers(server: LiveServer) -> dict[str, Actor]:
    return {"api": member(server), "app": member(server, browser=True)}


def _relate(
    server: LiveServer, caller: Actor, owner: Actor, character_id: str, relationship: str, *, flip: bool
) -> None:
    if relationship == "approved":
        response = owner.http.put(f"/api/characters/{character_id}/approvals/{caller.handle}")
        assert response.status_code == 200, response.text
    elif relationship == "mutual":
        follow_each_other(caller, owner)
    elif relationship == "follower":
        assert caller.http.post(f"/api/profiles/{owner.handle}/follow").status_code == 200
    elif relationship == "blocked":
        block(owner, caller) if flip else block(caller, owner)


def _attempt(server: LiveServer, path: str, caller: Actor, owner: Actor, character: Any) -> Any:
    http = caller.http
    if path.endswith("create_by_id"):
        body = {"prompt": "someone waves", "model": "testcard", "characters": [{"id": character.id}]}
        return http.post("/v1/videos", json=body)
    if path == "api_create_by_handle":
        return http.post(
            "/v1/videos", json={"prompt": f"@{character.handle} waves hello", "model": "testcard"}
        )
    if path.endswith("create_by_name"):
        return http.post("/v1/videos", json={"prompt": f"{character.name} waves hello", "model": "testcard"})
    if path == "app_remix_post":
        video = seed_video(server, owner.user_id, [character.id])
        post_id = post(owner, video)
        return http.post(f"/api/posts/{post_id}/remix", json={"prompt": "now at night"})
    # remix, extend, edit: the caller's own earlier video with the character (made while it was shared).
    video = seed_video(server, caller.user_id, [character.id])
    if path == "api_remix":
        return http.post(f"/v1/videos/{video}/remix", json={"prompt": "now at night"})
    if path == "api_extend":
        return http.post(
            "/v1/videos/extensions",
            json={"prompt": "and then it rains", "video": {"id": video}, "seconds": "4", "model": "testcard"},
        )
    return http.post(
        "/v1/videos/edits", json={"prompt": "make it snowy", "video": {"id": video}, "model": "testcard"}
    )


def _videos_with(server: LiveServer, user_id: str, character_id: str) -> int:
    with server.runtime.db.session() as session:
        videos = session.scalars(
            select(Video).where(Video.owner_id == user_id, Video.prompt != "seeded")
        ).all()
        return sum(character_id in v.character_ids for v in videos)


def _with_every_path(test: Any) -> Any:
    """Each path at least once allowed (shared with everyone) and once refused (mutuals only, one-way follower)."""
    for path in PATHS:
        test = example(audience="everyone", relationship="stranger", path=path, flip=False)(test)
        test = example(audience="mutuals", relationship="follower", path=path, flip=False)(test)
    return test


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@_with_every_path
@given(
    audience=st.sampled_from(AUDIENCES),
    relationship=st.sampled_from(RELATIONSHIPS),
    path=st.sampled_from(PATHS),
    flip=st.booleans(),
)
def test_only_allowed_people_generate_with_a_likeness(  # noqa: PLR0917
    server: LiveServer, callers: dict[str, Actor], audience: str, relationship: str, path: str, flip: bool
) -> None:
    caller = callers["app" if path.startswith("app_") else "api"]
    owner = caller if relationship == "self" else member(server)
    character = seed_character(server, owner.user_id, audience=audience)
    _relate(server, caller, owner, character.id, relationship, flip=flip)
    before = _videos_with(server, caller.user_id, character.id)

    response = _attempt(server, path, caller, owner, character)

    after = _videos_with(server, caller.user_id, character.id)
    if allowed(audience, relationship):
        assert response.status_code in (200, 201), (audience, relationship, path, response.text)
        assert after == before + 1  # the video carries the character (its look, voice and rules)
    else:
        assert response.status_code in (403, 404), (audience, relationship, path, response.text)
        if response.status_code == 403:
            assert response.json()["error" if path.startswith(("api_", "app_create")) else "code"] is not None
            assert "character_not_allowed" in response.text
        else:
            assert relationship == "blocked" and path == "app_remix_post"  # the post itself is hidden
        assert after == before


def test_every_combination_is_reachable() -> None:
    """The oracle covers allowed and refused outcomes for every audience (so the property can fail both ways)."""
    for audience in AUDIENCES:
        outcomes = {allowed(audience, relationship) for relationship in RELATIONSHIPS}
        assert outcomes == {True, False}


def test_five_characters_are_refused(server: LiveServer, callers: dict[str, Actor]) -> None:
    caller = callers["api"]
    mine = [seed_character(server, caller.user_id, kind="pet") for _ in range(5)]
    ok = caller.http.post(
        "/v1/videos",
        json={"prompt": "pets play", "model": "testcard", "characters": [{"id": c.id} for c in mine[:4]]},
    )
    assert ok.status_code == 200, ok.text
    too_many = caller.http.post(
        "/v1/videos",
        json={
            "prompt": f"pets play with @{mine[4].handle}",
            "model": "testcard",
            "characters": [{"id": c.id} for c in mine[:4]],
        },
    )
    assert too_many.status_code == 400 and too_many.json()["error"]["param"] == "characters", too_many.text
    with server.runtime.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Video).where(Video.owner_id == caller.user_id))
