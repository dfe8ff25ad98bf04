"""The web app's server side over HTTP: pages' access rules and headers, the share permalink's content
negotiation, WebVTT subtitles from recorded dialogue (the builder and the route's permissions), the settings
page's API-key endpoints, and the storyboard (`shots`) and `style` parameters of `/v1/videos`."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import func, select

from live_server import LiveServer, live_server, server_settings
from mutoscope.jobs.models import Job
from mutoscope.server.generations.models import Video
from mutoscope.server.web.subtitles import Cue, cues_from_dialogue, webvtt
from posts_support import VideoSeeder, admin, anonymous, block, member, post

HTML = {"accept": "text/html,application/xhtml+xml"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(server_settings(tmp_path_factory.mktemp("var"))) as live:
        yield live


@pytest.fixture(scope="module")
def seeder(server: LiveServer) -> VideoSeeder:
    return VideoSeeder(server)


def problem(response: httpx.Response, status: int, param: str | None = None) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    body: dict[str, object] = response.json()
    assert body["detail"]
    if param is not None:
        assert body.get("param") == param, body
    return body


# -- subtitles: the builder ------------------------------------------------------------------------------------


def test_each_spoken_line_becomes_cues_timed_by_its_words_and_split_to_stay_readable() -> None:
    words = [
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
    ]
    line = {
        "speaker": "Ann",
        "text": " ".join(words),
        "start_s": 1.0,
        "end_s": 7.0,
        "words": [{"text": w, "start_s": 1.0 + i * 0.5, "end_s": 1.4 + i * 0.5} for i, w in enumerate(words)],
    }
    cues = cues_from_dialogue([line])
    assert len(cues) >= 2
    assert " ".join(c.text for c in cues) == line["text"]
    assert all(len(c.text) <= 42 for c in cues)
    assert cues[0].start_s == 1.0 and cues[-1].end_s == pytest.approx(1.4 + 11 * 0.5)
    assert all(a.end_s <= b.start_s for a, b in itertools.pairwise(cues))
    assert {c.speaker for c in cues} == {"Ann"}


def test_webvtt_escapes_markup_and_formats_times() -> None:
    text = webvtt([Cue(3725.5, 3726.25, "a <b> & c --> d", "Dr. <X>")])
    assert text.startswith("WEBVTT\n\n1\n01:02:05.500 --> 01:02:06.250\n")
    assert "<v Dr. &lt;X&gt;>a &lt;b&gt; &amp; c --&gt; d" in text
    assert webvtt([]) == "WEBVTT\n"


def test_lines_without_usable_timings_are_left_out_not_guessed() -> None:
    lines = [
        {"speaker": "A", "text": "no times"},
        {"speaker": "B", "text": "backwards", "start_s": 2.0, "end_s": 1.0},
        {"speaker": "C", "text": "whole line", "start_s": 0.0, "end_s": 1.0, "words": []},
        {"speaker": "D", "text": "  ", "start_s": 1.0, "end_s": 2.0},
        {"text": "true", "start_s": True, "end_s": 2.0},
    ]
    assert cues_from_dialogue(lines) == [Cue(0.0, 1.0, "whole line", "C")]


# -- subtitles: the route --------------------------------------------------------------------------------------


def record_dialogue(server: LiveServer, video_id: str, dialogue: object) -> None:
    with server.runtime.db.session() as session:
        key = session.get(Job, video_id).result["blobs"]["metadata"]
    recorded = json.loads(server.runtime.blobs.read_bytes(key))
    recorded.setdefault("extra", {})["dialogue"] = dialogue
    server.runtime.blobs.put_bytes(key, json.dumps(recorded).encode())


LINE = [{"speaker": "Ann", "text": "Hi there", "start_s": 0.5, "end_s": 1.0, "words": []}]


def test_subtitles_follow_who_may_watch_the_video(server: LiveServer, seeder: VideoSeeder) -> None:
    owner, other, boss = member(server), member(server), admin(server)
    draft = seeder.video(owner)
    record_dialogue(server, draft, LINE)
    url = f"/api/videos/{draft}/subtitles.vtt"
    mine = owner.http.get(url)
    assert mine.status_code == 200 and mine.headers["content-type"].startswith("text/vtt")
    assert "00:00:00.500 --> 00:00:01.000\n<v Ann>Hi there" in mine.text
    # A draft is nobody else's business.
    problem(anonymous(server).get(url), 404, "video_id")
    problem(other.http.get(url), 404, "video_id")
    problem(boss.http.get(url), 404, "video_id")
    # Once posted, whoever can see the post can read its subtitles; a block hides them both ways.
    post(owner, draft)
    assert anonymous(server).get(url).status_code == 200
    assert other.http.get(url).text == mine.text
    blocked = member(server)
    block(owner, blocked)
    problem(blocked.http.get(url), 404, "video_id")


def test_subtitles_of_unfinished_missing_or_silent_videos(server: LiveServer, seeder: VideoSeeder) -> None:
    owner = member(server)
    problem(owner.http.get(f"/api/videos/{seeder.video(owner, state='failed')}/subtitles.vtt"), 404)
    problem(owner.http.get("/api/videos/video_nope/subtitles.vtt"), 404)
    silent = seeder.video(owner)
    record_dialogue(server, silent, "not a list")
    assert owner.http.get(f"/api/videos/{silent}/subtitles.vtt").text == "WEBVTT\n"


# -- pages: access, headers, negotiation -----------------------------------------------------------------------


def test_pages_send_anonymous_visitors_to_sign_in_and_back(server: LiveServer) -> None:
    visitor = anonymous(server)
    for path in (
        "/",
        "/create",
        "/storyboard",
        "/drafts",
        "/notifications",
        "/settings",
        "/admin",
        "/characters",
    ):
        response = visitor.get(path, headers=HTML)
        assert response.status_code == 303, path
        assert response.headers["location"] == "/signin?next=" + path.replace("/", "%2F")
    page = visitor.get("/signin?next=//evil.example/x", headers=HTML)
    assert page.status_code == 200 and 'data-redirect="/"' in page.text  # never off-site


def test_admin_page_is_for_admins_only(server: LiveServer) -> None:
    someone = member(server, browser=True)
    refused = someone.http.get("/admin", headers=HTML)
    assert refused.status_code == 403 and "text/html" in refused.headers["content-type"]
    assert "Only an admin" in refused.text
    assert admin(server).http.get("/admin", headers=HTML).status_code == 200


def test_pages_carry_a_strict_content_security_policy_and_the_csrf_token(server: LiveServer) -> None:
    someone = member(server, browser=True)
    page = someone.http.get("/settings", headers=HTML)
    assert page.status_code == 200
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert page.headers["cache-control"] == "no-store"
    assert f'<meta name="csrf-token" content="{someone.http.headers["X-CSRF-Token"]}">' in page.text
    assert "<script>" not in page.text and " onclick=" not in page.text


def test_the_share_link_is_a_page_for_browsers_and_json_for_clients(
    server: LiveServer, seeder: VideoSeeder
) -> None:
    owner = member(server)
    post_id = post(owner, seeder.video(owner), "A caption")
    visitor = anonymous(server)
    page = visitor.get(f"/p/{post_id}", headers=HTML)
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "A caption" in page.text and f"/api/posts/{post_id}/video" in page.text
    data = visitor.get(f"/p/{post_id}")
    assert data.headers["content-type"] == "application/json" and data.json()["id"] == post_id
    problem(visitor.get("/p/post_missing"), 404, "post_id")
    missing = visitor.get("/p/post_missing", headers=HTML)
    assert missing.status_code == 404 and "text/html" in missing.headers["content-type"]


def test_unknown_profiles_and_videos_are_html_not_found_pages(
    server: LiveServer, seeder: VideoSeeder
) -> None:
    owner, other = member(server, browser=True), member(server, browser=True)
    assert owner.http.get("/@nobody_here", headers=HTML).status_code == 404
    draft = seeder.video(owner)
    assert owner.http.get(f"/videos/{draft}", headers=HTML).status_code == 200
    assert other.http.get(f"/videos/{draft}", headers=HTML).status_code == 404  # someone else's draft


def test_static_files_are_served_and_small(server: LiveServer) -> None:
    visitor = anonymous(server)
    total = 0
    for path in (
        "/static/app.css",
        "/static/js/app.js",
        "/static/js/api.js",
        "/static/js/feed.js",
        "/static/icon.svg",
    ):
        response = visitor.get(path)
        assert response.status_code == 200, path
        total += len(response.content)
    assert total < 100_000


# -- API keys --------------------------------------------------------------------------------------------------


def test_api_keys_are_listed_created_once_and_revoked(server: LiveServer) -> None:
    someone = member(server, browser=True)
    created = someone.http.post("/api/me/keys", json={"name": "my script"})
    assert created.status_code == 201, created.text
    key = created.json()
    assert key["secret"].startswith("mk-") and key["secret"].startswith(key["prefix"])
    with_key = server.http(key["secret"])
    assert with_key.get("/v1/videos").status_code == 200
    listed = someone.http.get("/api/me/keys").json()["data"]
    assert [k["id"] for k in listed if k["name"] == "my script"] == [key["id"]]
    assert all("secret" not in k for k in listed)
    assert someone.http.delete(f"/api/me/keys/{key['id']}").json() == {
        "object": "api_key.revoked",
        "id": key["id"],
        "revoked": True,
    }
    assert with_key.get("/v1/videos").status_code == 401
    problem(someone.http.delete(f"/api/me/keys/{key['id']}"), 404, "key_id")  # already revoked
    assert key["id"] not in [k["id"] for k in someone.http.get("/api/me/keys").json()["data"]]


def test_api_keys_permissions(server: LiveServer) -> None:
    owner, other, teen, boss = (
        member(server, browser=True),
        member(server),
        member(server, teen=True),
        admin(server),
    )
    key = owner.http.post("/api/me/keys", json={}).json()
    problem(anonymous(server).get("/api/me/keys"), 401)
    problem(anonymous(server).post("/api/me/keys", json={}), 401)
    problem(other.http.delete(f"/api/me/keys/{key['id']}"), 404, "key_id")
    problem(boss.http.delete(f"/api/me/keys/{key['id']}"), 404, "key_id")  # admins revoke nobody else's keys
    assert key["id"] not in [k["id"] for k in other.http.get("/api/me/keys").json()["data"]]
    assert teen.http.post("/api/me/keys", json={"name": "homework"}).status_code == 201
    # A cookie-authenticated request without the CSRF token is refused before anything is made.
    bare = server.http()
    bare.cookies = owner.http.cookies
    problem(bare.post("/api/me/keys", json={"name": "forged"}), 403)
    assert "forged" not in [k["name"] for k in owner.http.get("/api/me/keys").json()["data"]]


def test_api_key_bad_input(server: LiveServer) -> None:
    someone = member(server, browser=True)
    problem(someone.http.post("/api/me/keys", json={"nmae": "typo"}), 400, "nmae")
    problem(someone.http.post("/api/me/keys", json={"name": "x" * 81}), 400, "name")
    for _ in range(20 - len(someone.http.get("/api/me/keys").json()["data"])):
        assert someone.http.post("/api/me/keys", json={}).status_code == 201
    problem(someone.http.post("/api/me/keys", json={}), 400, "name")
    assert len(someone.http.get("/api/me/keys").json()["data"]) == 20


# -- storyboards and styles on /v1/videos ----------------------------------------------------------------------


def video_count(server: LiveServer) -> int:
    with server.runtime.db.session() as session:
        return int(session.scalar(select(func.count()).select_from(Video)) or 0)


def test_a_storyboard_is_one_generation_lasting_its_shots(server: LiveServer) -> None:
    someone = member(server)
    shots = [{"prompt": "A cat sits", "seconds": 1.5}, {"prompt": "It jumps", "seconds": "2"}]
    made = someone.http.post("/v1/videos", json={"model": "testcard", "shots": shots})
    assert made.status_code == 200, made.text
    video = made.json()
    assert video["seconds"] == "3.5" and video["prompt"] == ""
    with server.runtime.db.session() as session:
        payload = session.get(Job, video["id"]).payload
    assert payload["shots"] == [["A cat sits", 1.5], ["It jumps", 2.0]] and payload["duration_s"] == 3.5
    # Multipart (the official SDK's encoding) carries shots as a JSON string, with a matching `seconds`.
    form = {
        "model": "testcard",
        "prompt": "On a roof",
        "seconds": "4",
        "shots": json.dumps([{"prompt": "a", "seconds": 4}]),
    }
    assert someone.http.post("/v1/videos", data=form).json()["seconds"] == "4"


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"shots": []}, "shots"),
        ({"shots": "not json"}, "shots"),
        ({"shots": [{"prompt": "", "seconds": 2}]}, "shots"),
        ({"shots": [{"prompt": "a", "seconds": 0.3}]}, "shots"),
        ({"shots": [{"prompt": "a", "seconds": 1.25}]}, "shots"),
        ({"shots": [{"prompt": "a", "seconds": True}]}, "shots"),
        ({"shots": [{"prompt": "a", "seconds": 2, "camera": "wide"}]}, "shots"),
        ({"shots": [{"prompt": "a", "seconds": 2}] * 13}, "shots"),
        ({"shots": [{"prompt": "a", "seconds": 2}], "seconds": "4"}, "seconds"),
        ({"shots": [{"prompt": "a", "seconds": 20}, {"prompt": "b", "seconds": 20}]}, "seconds"),
        ({"prompt": "x", "style": "baroque"}, "style"),
        ({"prompt": "x", "style": 3}, "style"),
    ],
)
def test_bad_storyboards_and_styles_are_refused_whole(
    server: LiveServer, body: dict[str, object], param: str
) -> None:
    someone = member(server)
    before = video_count(server)
    response = someone.http.post("/v1/videos", json={"model": "procedural", **body})
    assert response.status_code == 400, response.text
    assert response.json()["error"]["param"] == param, response.json()
    assert video_count(server) == before


def test_a_style_the_backend_offers_reaches_the_job(server: LiveServer) -> None:
    someone = member(server)
    video = someone.http.post(
        "/v1/videos", json={"model": "procedural", "prompt": "A fox", "style": "anime"}
    ).json()
    someone.http.post(f"/v1/videos/{video['id']}/cancel")
    with server.runtime.db.session() as session:
        assert session.get(Job, video["id"]).payload["style"] == "anime"
