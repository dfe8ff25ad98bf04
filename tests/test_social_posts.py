"""Drafts, posts, likes, comments, remixes, reports, share links and notifications, on a live server.

Every endpoint is called as an anonymous visitor, another member, a teen and an admin; members use browser
sessions (cookie + CSRF), admins Bearer keys. Counters are checked against the rows they count after random
sequences of actions (hypothesis), and remix lineage on a chain of real remixes.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from live_server import LiveServer
from mutoscope.server.posts.models import Comment, Like, Post
from posts_support import (
    Actor,
    VideoSeeder,
    admin,
    anonymous,
    block,
    member,
    post,
    seeder_fixture,
    server_fixture,
    wait_finished,
)

server = server_fixture()
seeder = seeder_fixture()


def problem(
    response: httpx.Response, status: int, *, param: str | None = None, code: str | None = None
) -> None:
    """The response is an RFC 9457 problem with this status (and param/code when given) and a clear detail."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status and body["detail"]
    if param is not None:
        assert body.get("param") == param, body
    if code is not None:
        assert body["code"] == code, body


def posted(seeder: VideoSeeder, author: Actor, caption: str = "a post") -> str:
    return post(author, seeder.video(author), caption)


# -- drafts and publishing ------------------------------------------------------------------------------------


def test_a_finished_generation_is_a_draft_until_it_is_posted(server: LiveServer, seeder: VideoSeeder) -> None:
    alice = member(server, browser=True)
    first, second = seeder.video(alice), seeder.video(alice)
    drafts = alice.http.get("/api/drafts").json()
    assert [d["video_id"] for d in drafts["data"]] == [second, first]
    assert drafts["data"][0]["status"] == "completed" and drafts["data"][0]["thumbnail_url"].endswith(
        "thumbnail"
    )

    created = alice.http.post("/api/posts", json={"video_id": first, "caption": "  my first  "})
    assert created.status_code == 201, created.text
    shown = created.json()
    assert shown["caption"] == "my first" and shown["author"]["handle"] == alice.handle
    assert (shown["like_count"], shown["comment_count"], shown["remix_count"]) == (0, 0, 0)
    assert (
        shown["is_mine"] and not shown["liked_by_me"] and shown["parent"] is None and shown["lineage"] == []
    )
    assert [d["video_id"] for d in alice.http.get("/api/drafts").json()["data"]] == [second]

    again = alice.http.post("/api/posts", json={"video_id": first})
    problem(again, 409, param="video_id", code="already_posted")


def test_drafts_page_with_a_cursor(server: LiveServer, seeder: VideoSeeder) -> None:
    alice = member(server)
    made = [seeder.video(alice) for _ in range(3)]
    page = alice.http.get("/api/drafts", params={"limit": 2}).json()
    assert [d["video_id"] for d in page["data"]] == made[:0:-1] and page["has_more"]
    rest = alice.http.get("/api/drafts", params={"limit": 2, "before": page["next_before"]}).json()
    assert [d["video_id"] for d in rest["data"]] == [made[0]] and not rest["has_more"]
    problem(alice.http.get("/api/drafts", params={"limit": 0}), 400, param="limit")
    problem(alice.http.get("/api/drafts", params={"before": "video_nope"}), 400, param="before")
    other = member(server)
    problem(other.http.get("/api/drafts", params={"before": made[0]}), 400, param="before")


def test_publishing_permissions(server: LiveServer, seeder: VideoSeeder) -> None:
    alice, bob, teen, boss = member(server), member(server), member(server, teen=True), admin(server)
    video = seeder.video(alice)
    problem(anonymous(server).post("/api/posts", json={"video_id": video}), 401)
    problem(anonymous(server).get("/api/drafts"), 401)
    for stranger in (bob, teen, boss):  # someone else's video does not exist, as far as they can tell
        problem(stranger.http.post("/api/posts", json={"video_id": video}), 404, param="video_id")
        assert video not in [d["video_id"] for d in stranger.http.get("/api/drafts").json()["data"]]
    teen_post = teen.http.post("/api/posts", json={"video_id": seeder.video(teen), "caption": "teen"})
    assert teen_post.status_code == 201, teen_post.text
    admin_post = boss.http.post("/api/posts", json={"video_id": seeder.video(boss)})
    assert admin_post.status_code == 201, admin_post.text


def test_only_a_completed_video_can_be_posted(server: LiveServer, seeder: VideoSeeder) -> None:
    alice = member(server)
    failed = seeder.video(alice, state="failed")
    problem(
        alice.http.post("/api/posts", json={"video_id": failed}),
        400,
        param="video_id",
        code="video_not_ready",
    )
    assert alice.http.get("/api/users/" + alice.handle + "/posts").json()["data"] == []


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({}, "video_id"),
        ({"video_id": 5}, "video_id"),
        ({"video_id": "video_x", "caption": 3}, "caption"),
        ({"video_id": "video_x", "caption": "x" * 2201}, "caption"),
        ({"video_id": "video_x", "colour": "red"}, "colour"),
    ],
)
def test_bad_publish_requests_name_the_field(server: LiveServer, body: dict[str, Any], param: str) -> None:
    response = member(server).http.post("/api/posts", json=body)
    problem(response, 400, param=param)


def test_a_malformed_json_body_is_a_400(server: LiveServer) -> None:
    alice = member(server)
    response = alice.http.post(
        "/api/posts", content=b"{not json", headers={"content-type": "application/json"}
    )
    problem(response, 400)


# -- reading, sharing, visibility -----------------------------------------------------------------------------


def test_anyone_can_open_a_share_link_and_its_media(server: LiveServer, seeder: VideoSeeder) -> None:
    alice = member(server)
    post_id = posted(seeder, alice, "look")
    shown = alice.http.get(f"/api/posts/{post_id}").json()
    assert shown["share_url"].endswith(f"/p/{post_id}")
    visitor = anonymous(server)
    shared = visitor.get(shown["share_url"])
    assert shared.status_code == 200 and shared.json()["caption"] == "look"
    assert not shared.json()["is_mine"] and not shared.json()["liked_by_me"]
    video = visitor.get(shown["video_url"])
    assert video.status_code == 200 and video.headers["content-type"] == "video/mp4"
    assert video.content[4:8] == b"ftyp"
    thumbnail = visitor.get(shown["thumbnail_url"])
    assert thumbnail.status_code == 200 and thumbnail.content[8:12] == b"WEBP"
    problem(visitor.get("/p/post_0000"), 404, param="post_id")
    problem(visitor.get("/api/posts/post_0000/video"), 404)


def test_blocked_either_way_the_post_is_not_found(server: LiveServer, seeder: VideoSeeder) -> None:
    alice, bob, carol = member(server), member(server), member(server)
    post_id = posted(seeder, alice)
    post(bob, seeder.video(bob))
    block(alice, bob)  # alice blocked bob: neither sees the other's posts
    for viewer, author in ((bob, alice), (alice, bob)):
        own = post_id if author is alice else None
        if own is not None:
            problem(viewer.http.get(f"/api/posts/{own}"), 404)
            problem(viewer.http.get(f"/p/{own}"), 404)
            problem(viewer.http.post(f"/api/posts/{own}/like"), 404)
            problem(viewer.http.post(f"/api/posts/{own}/comments", json={"body": "hi"}), 404)
            problem(viewer.http.post(f"/api/posts/{own}/remix", json={"prompt": "x"}), 404)
            problem(viewer.http.get(f"/api/posts/{own}/video"), 404)
        problem(viewer.http.get(f"/api/users/{author.handle}/posts"), 404, param="handle")
    assert carol.http.get(f"/api/posts/{post_id}").status_code == 200


def test_hidden_posts_are_seen_only_by_their_author_and_admins(
    server: LiveServer, seeder: VideoSeeder
) -> None:
    alice, bob, teen, boss = member(server), member(server), member(server, teen=True), admin(server)
    post_id = posted(seeder, alice)
    reported = boss.http.post(
        "/api/reports", json={"target_type": "post", "target_id": post_id, "reason": "spam"}
    )
    assert reported.status_code == 201, reported.text  # an admin's report hides the post at once
    for viewer in (bob.http, teen.http, anonymous(server)):
        problem(viewer.get(f"/api/posts/{post_id}"), 404)
        assert post_id not in [p["id"] for p in viewer.get(f"/api/users/{alice.handle}/posts").json()["data"]]
    assert alice.http.get(f"/api/posts/{post_id}").json()["hidden"] is True
    assert boss.http.get(f"/api/posts/{post_id}").json()["hidden"] is True


def test_a_creators_posts_page_newest_first(server: LiveServer, seeder: VideoSeeder) -> None:
    alice = member(server)
    ids = [posted(seeder, alice, f"#{i}") for i in range(3)]
    first = anonymous(server).get(f"/api/users/{alice.handle}/posts", params={"limit": 2}).json()
    assert [p["id"] for p in first["data"]] == ids[:0:-1] and first["has_more"]
    rest = anonymous(server).get(
        f"/api/profiles/{alice.handle}/posts", params={"limit": 2, "before": first["next_before"]}
    )
    assert [p["id"] for p in rest.json()["data"]] == [ids[0]] and not rest.json()["has_more"]
    problem(anonymous(server).get("/api/users/nobody_here_at_all/posts"), 404, param="handle")
    problem(anonymous(server).get("/api/users/Not A Handle!/posts"), 400, param="handle")


# -- deleting -------------------------------------------------------------------------------------------------


def test_deleting_a_post(server: LiveServer, seeder: VideoSeeder) -> None:
    alice, bob, teen, boss = member(server), member(server), member(server, teen=True), admin(server)
    post_id = posted(seeder, alice)
    problem(anonymous(server).delete(f"/api/posts/{post_id}"), 401)
    problem(bob.http.delete(f"/api/posts/{post_id}"), 403, param="post_id")
    problem(teen.http.delete(f"/api/posts/{post_id}"), 403, param="post_id")
    video_id = alice.http.get(f"/api/posts/{post_id}").json()["video_id"]
    deleted = alice.http.delete(f"/api/posts/{post_id}")
    assert deleted.status_code == 200 and deleted.json() == {
        "object": "post.deleted",
        "id": post_id,
        "deleted": True,
    }
    problem(alice.http.get(f"/api/posts/{post_id}"), 404)
    assert video_id in [d["video_id"] for d in alice.http.get("/api/drafts").json()["data"]]  # back to drafts
    problem(alice.http.delete(f"/api/posts/{post_id}"), 404)

    other = posted(seeder, teen)
    assert boss.http.delete(f"/api/posts/{other}").status_code == 200  # admins may take any post down
    problem(teen.http.get(f"/api/posts/{other}"), 404)


# -- likes and comments ---------------------------------------------------------------------------------------


def test_likes_are_idempotent_and_counted(server: LiveServer, seeder: VideoSeeder) -> None:
    alice, bob, teen, boss = (
        member(server),
        member(server, browser=True),
        member(server, teen=True),
        admin(server),
    )
    post_id = posted(seeder, alice)
    problem(anonymous(server).post(f"/api/posts/{post_id}/like"), 401)
    for liker in (bob, bob, teen, boss):
        assert liker.http.post(f"/api/posts/{post_id}/like").status_code == 200
    assert bob.http.get(f"/api/posts/{post_id}").json()["liked_by_me"] is True
    assert alice.http.get(f"/api/posts/{post_id}").json()["like_count"] == 3
    undone = bob.http.delete(f"/api/posts/{post_id}/like")
    assert undone.json() == {"object": "like", "post_id": post_id, "liked": False, "like_count": 2}
    assert bob.http.delete(f"/api/posts/{post_id}/like").json()["like_count"] == 2
    problem(bob.http.post("/api/posts/post_nope/like"), 404, param="post_id")


def test_comments_and_who_may_delete_them(server: LiveServer, seeder: VideoSeeder) -> None:
    alice, bob, carol, teen, boss = (
        member(server),
        member(server, browser=True),
        member(server),
        member(server, teen=True, browser=True),
        admin(server),
    )
    post_id = posted(seeder, alice)
    problem(anonymous(server).post(f"/api/posts/{post_id}/comments", json={"body": "hi"}), 401)
    ids = {}
    for who in (bob, carol, teen, boss):
        made = who.http.post(f"/api/posts/{post_id}/comments", json={"body": f"from {who.handle}"})
        assert made.status_code == 201, made.text
        ids[who.handle] = made.json()["id"]
    listed = anonymous(server).get(f"/api/posts/{post_id}/comments").json()
    assert [c["id"] for c in listed["data"]] == list(ids.values())  # oldest first
    assert not any(c["can_delete"] for c in listed["data"])

    problem(anonymous(server).delete(f"/api/comments/{ids[bob.handle]}"), 401)
    problem(carol.http.delete(f"/api/comments/{ids[bob.handle]}"), 403, param="comment_id")
    problem(teen.http.delete(f"/api/comments/{ids[bob.handle]}"), 403, param="comment_id")
    assert bob.http.delete(f"/api/comments/{ids[bob.handle]}").status_code == 200  # its author
    assert alice.http.delete(f"/api/comments/{ids[carol.handle]}").status_code == 200  # the post's author
    assert boss.http.delete(f"/api/comments/{ids[teen.handle]}").status_code == 200  # an admin
    problem(bob.http.delete(f"/api/comments/{ids[bob.handle]}"), 404, param="comment_id")
    remaining = alice.http.get(f"/api/posts/{post_id}/comments").json()["data"]
    assert [c["id"] for c in remaining] == [ids[boss.handle]] and remaining[0]["can_delete"]
    assert alice.http.get(f"/api/posts/{post_id}").json()["comment_count"] == 1


def test_comments_from_blocked_people_are_left_out(server: LiveServer, seeder: VideoSeeder) -> None:
    alice, bob, carol = member(server), member(server), member(server)
    post_id = posted(seeder, alice)
    for who in (bob, carol):
        who.http.post(f"/api/posts/{post_id}/comments", json={"body": "hello"})
    block(carol, bob)
    seen_by_carol = carol.http.get(f"/api/posts/{post_id}/comments").json()["data"]
    assert [c["author"]["handle"] for c in seen_by_carol] == [carol.handle]
    assert len(alice.http.get(f"/api/posts/{post_id}/comments").json()["data"]) == 2


@pytest.mark.parametrize(
    ("body", "param"),
    [({}, "body"), ({"body": "   "}, "body"), ({"body": "x" * 2001}, "body"), ({"body": "ok", "x": 1}, "x")],
)
def test_bad_comments_name_the_field(
    server: LiveServer, seeder: VideoSeeder, body: dict[str, Any], param: str
) -> None:
    alice = member(server)
    post_id = posted(seeder, alice)
    problem(alice.http.post(f"/api/posts/{post_id}/comments", json=body), 400, param=param)
    assert alice.http.get(f"/api/posts/{post_id}").json()["comment_count"] == 0


_ACTIONS = st.lists(
    st.tuples(st.sampled_from(["like", "unlike", "comment", "uncomment"]), st.integers(0, 2)),
    max_size=12,
)


def test_counters_equal_the_rows_after_any_sequence(server: LiveServer, seeder: VideoSeeder) -> None:
    author = member(server)
    people = [member(server) for _ in range(3)]
    post_id = posted(seeder, author)

    @settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(_ACTIONS)
    def run(actions: list[tuple[str, int]]) -> None:
        for action, who in actions:
            http = people[who].http
            if action == "like":
                assert http.post(f"/api/posts/{post_id}/like").status_code == 200
            elif action == "unlike":
                assert http.delete(f"/api/posts/{post_id}/like").status_code == 200
            elif action == "comment":
                assert http.post(f"/api/posts/{post_id}/comments", json={"body": "c"}).status_code == 201
            else:
                mine = [
                    c["id"]
                    for c in http.get(f"/api/posts/{post_id}/comments", params={"limit": 100}).json()["data"]
                    if c["author"]["handle"] == people[who].handle
                ]
                if mine:
                    assert http.delete(f"/api/comments/{mine[0]}").status_code == 200
        shown = author.http.get(f"/api/posts/{post_id}").json()
        likes, comments = _row_counts(server, post_id)
        assert (shown["like_count"], shown["comment_count"]) == (likes, comments)

    run()


def test_concurrent_likes_and_comments_keep_the_counters_right(
    server: LiveServer, seeder: VideoSeeder
) -> None:
    author = member(server)
    fans = [member(server) for _ in range(4)]
    post_id = posted(seeder, author)

    def hammer(fan: Actor) -> None:  # two of these per fan run at once: double likes, racing unlikes
        for step in range(6):
            if step % 3 == 2:
                fan.http.delete(f"/api/posts/{post_id}/like")
            else:
                fan.http.post(f"/api/posts/{post_id}/like")
            fan.http.post(f"/api/posts/{post_id}/comments", json={"body": f"#{step}"})

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(hammer, fans + fans))
    shown = author.http.get(f"/api/posts/{post_id}").json()
    assert (shown["like_count"], shown["comment_count"]) == _row_counts(server, post_id)
    assert shown["comment_count"] == 48


def _row_counts(server: LiveServer, post_id: str) -> tuple[int, int]:
    with server.runtime.db.session() as session:
        likes = session.scalar(select(func.count()).select_from(Like).where(Like.post_id == post_id))
        comments = session.scalar(select(func.count()).select_from(Comment).where(Comment.post_id == post_id))
    return likes or 0, comments or 0


# -- remixes and lineage --------------------------------------------------------------------------------------


def test_a_three_level_remix_chain_shows_its_lineage(server: LiveServer, seeder: VideoSeeder) -> None:
    alice, bob, carol = member(server), member(server), member(server)
    root_video = seeder.video(alice)
    root = post(alice, root_video, "root")
    middle = post(bob, seeder.video(bob, remixed_from=root_video), "middle")
    middle_video = bob.http.get(f"/api/posts/{middle}").json()["video_id"]
    # A remix of a remix kept in drafts still descends from the nearest posted ancestor.
    draft = seeder.video(carol, remixed_from=middle_video)
    leaf = post(carol, seeder.video(carol, remixed_from=draft), "leaf")

    shown = carol.http.get(f"/api/posts/{leaf}").json()
    assert shown["remix_of_post_id"] == middle and shown["root_post_id"] == root
    assert shown["parent"]["id"] == middle
    assert [p["id"] for p in shown["lineage"]] == [root, middle]
    assert [p["author"]["handle"] for p in shown["lineage"]] == [alice.handle, bob.handle]
    mid = anonymous(server).get(f"/api/posts/{middle}").json()
    assert (
        [p["id"] for p in mid["remixes"]] == [leaf]
        and mid["remix_count"] == 1
        and mid["parent"]["id"] == root
    )
    top = anonymous(server).get(f"/api/posts/{root}").json()
    assert [p["id"] for p in top["remixes"]] == [middle] and top["remix_count"] == 1 and top["lineage"] == []
    listed = anonymous(server).get(f"/api/posts/{root}/remixes").json()
    assert [p["id"] for p in listed["data"]] == [middle]

    # Deleting the middle post leaves a gap in the chain; the root is still known.
    assert bob.http.delete(f"/api/posts/{middle}").status_code == 200
    shown = carol.http.get(f"/api/posts/{leaf}").json()
    assert shown["parent"] is None
    assert [(p["available"], p["id"]) for p in shown["lineage"]] == [(True, root), (False, None)]
    assert anonymous(server).get(f"/api/posts/{root}").json()["remix_count"] == 0

    # Someone who cannot see the root sees a placeholder in its place.
    block(alice, carol)
    hidden_root = carol.http.get(f"/api/posts/{leaf}").json()
    assert [p["available"] for p in hidden_root["lineage"]] == [False, False]
    assert hidden_root["root_post_id"] is None  # not even its id


def test_remixing_a_post(server: LiveServer, seeder: VideoSeeder) -> None:
    alice, bob, teen, boss = member(server), member(server), member(server, teen=True), admin(server)
    post_id = posted(seeder, alice)
    parent_video = alice.http.get(f"/api/posts/{post_id}").json()["video_id"]
    problem(anonymous(server).post(f"/api/posts/{post_id}/remix", json={"prompt": "x"}), 401)
    made = {}
    for who in (bob, teen, boss):
        response = who.http.post(
            f"/api/posts/{post_id}/remix", json={"prompt": "make it an ad for a top hat"}
        )
        assert response.status_code == 201, response.text
        assert response.json()["remixed_from_video_id"] == parent_video
        assert response.json()["id"] in [d["video_id"] for d in who.http.get("/api/drafts").json()["data"]]
        made[who.handle] = response.json()["id"]
    for who in (teen, boss):  # only bob's needs to run; the worker is shared with the rest of the module
        assert who.http.post(f"/v1/videos/{made[who.handle]}/cancel").status_code == 200
    # The remixes are drafts: nobody is told and no count moves until one is posted.
    assert alice.http.get(f"/api/posts/{post_id}").json()["remix_count"] == 0
    remix = post(bob, wait_finished(bob, made[bob.handle]), "hat")
    shown = anonymous(server).get(f"/api/posts/{remix}").json()
    assert shown["parent"]["id"] == post_id and shown["root_post_id"] == post_id
    assert anonymous(server).get(f"/api/posts/{post_id}").json()["remix_count"] == 1
    downloaded = anonymous(server).get(shown["video_url"])
    assert downloaded.status_code == 200 and downloaded.content[4:8] == b"ftyp"

    problem(bob.http.post(f"/api/posts/{post_id}/remix", json={}), 400, param="prompt")
    problem(bob.http.post(f"/api/posts/{post_id}/remix", json={"prompt": " "}), 400, param="prompt")
    problem(bob.http.post("/api/posts/post_missing/remix", json={"prompt": "x"}), 404, param="post_id")


# -- reports --------------------------------------------------------------------------------------------------


def test_reports(server: LiveServer, seeder: VideoSeeder) -> None:
    alice, teen = member(server), member(server, teen=True)
    post_id = posted(seeder, alice)
    body = {"target_type": "post", "target_id": post_id, "reason": "spam", "details": "bought followers"}
    problem(anonymous(server).post("/api/reports", json=body), 401)
    first = teen.http.post("/api/reports", json=body)
    assert first.status_code == 201 and first.json()["status"] == "open"
    assert teen.http.post("/api/reports", json=body).json()["id"] == first.json()["id"]  # no duplicates
    problem(alice.http.post("/api/reports", json=body), 400, param="target_id")  # not your own
    assert teen.http.get(f"/api/posts/{post_id}").status_code == 200  # one report hides nothing

    # A third different reporter hides the post from everyone but its author and admins.
    member(server).http.post("/api/reports", json=body)
    assert anonymous(server).get(f"/api/posts/{post_id}").status_code == 200
    member(server).http.post("/api/reports", json=body)
    problem(anonymous(server).get(f"/api/posts/{post_id}"), 404)
    assert alice.http.get(f"/api/posts/{post_id}").status_code == 200

    comment = teen.http.post(f"/api/posts/{posted(seeder, alice)}/comments", json={"body": "hm"}).json()
    made = alice.http.post(
        "/api/reports", json={"target_type": "comment", "target_id": comment["id"], "reason": "harassment"}
    )
    assert made.status_code == 201
    profile = teen.http.post(
        "/api/reports", json={"target_type": "profile", "target_id": alice.user_id, "reason": "impersonation"}
    )
    assert profile.status_code == 201


@pytest.mark.parametrize(
    ("body", "status", "param"),
    [
        ({"target_type": "post", "target_id": "post_x", "reason": "spam"}, 404, "target_id"),
        ({"target_type": "video", "target_id": "post_x", "reason": "spam"}, 400, "target_type"),
        ({"target_type": "post", "target_id": "post_x", "reason": "meh"}, 400, "reason"),
        ({"target_type": "post", "reason": "spam"}, 400, "target_id"),
        ({"target_type": "comment", "target_id": "cmt_x", "reason": "spam"}, 404, "target_id"),
        ({"target_type": "profile", "target_id": "user_x", "reason": "spam"}, 404, "target_id"),
        ({"target_type": "character", "target_id": "char_x", "reason": "spam"}, 404, "target_id"),
        ({"target_type": "post", "target_id": "p", "reason": "spam", "details": "x" * 2001}, 400, "details"),
    ],
)
def test_bad_reports(server: LiveServer, body: dict[str, Any], status: int, param: str) -> None:
    problem(member(server).http.post("/api/reports", json=body), status, param=param)


# -- notifications --------------------------------------------------------------------------------------------


def _kinds(actor: Actor, **params: Any) -> list[str]:
    response = actor.http.get("/api/notifications", params=params)
    assert response.status_code == 200, response.text
    return [n["kind"] for n in response.json()["data"]]


def _eventually(check: Any, timeout_s: float = 10) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_notifications_for_follow_remix_and_finished_generation(
    server: LiveServer, seeder: VideoSeeder
) -> None:
    alice, bob = member(server), member(server)
    bob.http.post(f"/api/profiles/{alice.handle}/follow")
    assert _kinds(alice) == ["new_follower"]
    follower = alice.http.get("/api/notifications").json()["data"][0]
    assert follower["actor"]["handle"] == bob.handle and follower["read"] is False

    post_id = posted(seeder, alice)
    remix = post(
        bob, seeder.video(bob, remixed_from=alice.http.get(f"/api/posts/{post_id}").json()["video_id"])
    )
    news = alice.http.get("/api/notifications").json()
    assert news["data"][0]["kind"] == "remix" and news["data"][0]["subject_id"] == remix
    assert news["data"][0]["data"]["remixed_post_id"] == post_id and news["unread_count"] == 2

    video = seeder.video(bob, announced=False)  # finished, not yet seen by the outbox
    _eventually(lambda: "generation_finished" in _kinds(bob))
    finished = bob.http.get("/api/notifications").json()["data"][0]
    assert finished["subject_id"] == video and finished["data"]["status"] == "completed"
    assert finished["actor"] is None


def test_marking_notifications_read(server: LiveServer) -> None:
    alice, bob, carol, teen, boss = (
        member(server),
        member(server),
        member(server),
        member(server, teen=True),
        admin(server),
    )
    for who in (bob, carol, teen, boss):
        who.http.post(f"/api/profiles/{alice.handle}/follow")
    listed = alice.http.get("/api/notifications").json()
    assert listed["unread_count"] == 4
    first = listed["data"][0]["id"]
    marked = alice.http.post("/api/notifications/read", json={"ids": [first]})
    assert marked.json() == {"marked": 1, "unread_count": 3}
    assert len(alice.http.get("/api/notifications", params={"unread_only": True}).json()["data"]) == 3
    page = alice.http.get("/api/notifications", params={"limit": 3}).json()
    assert page["has_more"] and len(page["data"]) == 3
    rest = alice.http.get("/api/notifications", params={"limit": 3, "before": page["next_before"]}).json()
    assert len(rest["data"]) == 1 and not rest["has_more"]

    for stranger in (bob, teen, boss):  # someone else's notification does not exist for them
        problem(stranger.http.post("/api/notifications/read", json={"ids": [first]}), 404, param="ids")
    problem(anonymous(server).get("/api/notifications"), 401)
    problem(anonymous(server).post("/api/notifications/read", json={"all": True}), 401)
    problem(alice.http.post("/api/notifications/read", json={}), 400, param="ids")
    problem(alice.http.post("/api/notifications/read", json={"ids": [first], "all": True}), 400, param="ids")
    problem(alice.http.post("/api/notifications/read", json={"ids": []}), 400, param="ids")
    assert alice.http.post("/api/notifications/read", json={"all": True}).json() == {
        "marked": 3,
        "unread_count": 0,
    }

    block(alice, carol)  # a block also silences what the blocked person caused
    assert len(alice.http.get("/api/notifications").json()["data"]) == 3


# -- sessions -------------------------------------------------------------------------------------------------


def test_cookie_requests_without_the_csrf_token_are_refused(server: LiveServer, seeder: VideoSeeder) -> None:
    alice = member(server, browser=True)
    post_id = posted(seeder, alice)
    bare = httpx.Client(base_url=str(alice.http.base_url), cookies=alice.http.cookies)
    problem(bare.post(f"/api/posts/{post_id}/like"), 403, code="csrf_token_invalid")
    assert alice.http.get(f"/api/posts/{post_id}").json()["like_count"] == 0
    assert bare.get(f"/api/posts/{post_id}").json()["is_mine"] is True  # reads need no token


def test_counters_survive_a_video_deleted_under_its_post(server: LiveServer, seeder: VideoSeeder) -> None:
    alice, bob = member(server), member(server)
    post_id = posted(seeder, alice)
    parent_video = alice.http.get(f"/api/posts/{post_id}").json()["video_id"]
    remix_video = seeder.video(bob, remixed_from=parent_video)
    remix = post(bob, remix_video)
    assert alice.http.get(f"/api/posts/{post_id}").json()["remix_count"] == 1
    assert bob.http.delete(f"/v1/videos/{remix_video}").status_code == 200
    problem(anonymous(server).get(f"/api/posts/{remix}"), 404)
    assert alice.http.get(f"/api/posts/{post_id}").json()["remix_count"] == 0
    with server.runtime.db.session() as session:
        assert session.get(Post, remix) is None
