"""Moderation on a live server: prompt screening at every door, output screening in the worker, decisions,
the review queue, takedowns, appeals, admins' rule additions and the audit log.

Every new endpoint is called as an anonymous visitor, another member, a teen and an admin. What is checked is what
clients see (status, `error.code`) and what is left behind (rows, blobs), never the code's intent.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

import httpx
import numpy as np
import pytest
from sqlalchemy import func, select

from live_server import LiveServer
from mutoscope.jobs.models import Job
from mutoscope.safety import frames
from mutoscope.server.generations.models import Video
from mutoscope.server.moderation.models import AuditEntry, ModerationDecision
from posts_support import (
    Actor,
    VideoSeeder,
    admin,
    anonymous,
    member,
    post,
    real_video,
    seeder_fixture,
    server_fixture,
)

HARMFUL = "a naked woman posing seductively on a bed"
BORDERLINE = "a woman in a sexy dress dancing salsa"  # the term 'sexy': review for adults, block for teens
BENIGN = "a dog catches a frisbee on the beach"


server = server_fixture()
seeder = seeder_fixture()


def create(actor: Actor, prompt: str) -> httpx.Response:
    return actor.http.post("/v1/videos", data={"prompt": prompt, "model": "testcard"})


def counts(server: LiveServer, user_id: str) -> tuple[int, int]:
    with server.runtime.db.session() as session:
        videos = session.scalar(select(func.count()).select_from(Video).where(Video.owner_id == user_id))
        jobs = session.scalar(select(func.count()).select_from(Job).where(Job.owner_id == user_id))
    return int(videos or 0), int(jobs or 0)


def decisions_of(server: LiveServer, user_id: str) -> list[ModerationDecision]:
    with server.runtime.db.session() as session:
        return list(
            session.scalars(
                select(ModerationDecision)
                .where(ModerationDecision.user_id == user_id)
                .order_by(ModerationDecision.created_at)
            )
        )


def blocked(response: httpx.Response, policy: str) -> None:
    assert response.status_code == 400, response.text
    body = response.json()
    error = body.get("error", body)
    assert error["code"] == f"moderation_blocked.{policy}", body
    assert error.get("message") or error.get("detail")


def wait_terminal(actor: Actor, video_id: str, timeout_s: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        body: dict[str, Any] = actor.http.get(f"/v1/videos/{video_id}").json()
        if body["status"] in ("completed", "failed"):
            return body
        time.sleep(0.05)
    raise AssertionError(f"{video_id} did not finish")


# -- prompt screening at every door ----------------------------------------------------------------------------


def test_a_blocked_prompt_is_a_400_naming_the_policy_and_leaves_no_video_job_or_blob(
    server: LiveServer,
) -> None:
    someone = member(server)
    blobs_before = set(_blob_keys(server))
    response = create(someone, HARMFUL)
    blocked(response, "sexual")
    assert counts(server, someone.user_id) == (0, 0)
    assert set(_blob_keys(server)) == blobs_before
    [decision] = decisions_of(server, someone.user_id)
    assert (decision.stage, decision.action, decision.policy, decision.video_id) == (
        "prompt",
        "block",
        "sexual",
        None,
    )
    assert decision.policy_version.startswith("p1-") and decision.reasons and decision.prompt == HARMFUL
    assert decision.id in response.json()["error"]["message"]  # the user is told what to appeal


def test_an_allowed_prompt_is_recorded_with_its_video(server: LiveServer) -> None:
    someone = member(server)
    response = create(someone, BENIGN)
    assert response.status_code == 200, response.text
    [decision] = decisions_of(server, someone.user_id)
    assert (decision.action, decision.video_id, decision.review_status) == (
        "allow",
        response.json()["id"],
        None,
    )
    assert decision.verdicts[0]["scores"]  # the classifier's scores are kept with the decision


@pytest.mark.parametrize(
    ("prompt", "policy"),
    [
        ("Taylor Swift eating pizza in the rain", "likeness"),
        ("Spider-Man swinging over the city", "copyright"),
        ("a little girl in lingerie posing for the camera", "minors"),
        ("a man slitting his wrists in the bath", "self_harm"),
        ("a beheading in a town square", "violence"),
        ("a crowd chanting heil hitler", "hate"),
    ],
)
def test_each_category_is_refused_with_its_own_code(server: LiveServer, prompt: str, policy: str) -> None:
    blocked(create(member(server), prompt), policy)


@pytest.mark.slow  # makes a real video in the in-process worker
def test_remix_edit_extend_and_the_apps_remix_are_screened_too(server: LiveServer) -> None:
    owner = member(server)
    video_id = real_video(owner, prompt=BENIGN)
    before = counts(server, owner.user_id)
    blocked(owner.http.post(f"/v1/videos/{video_id}/remix", json={"prompt": HARMFUL}), "sexual")
    blocked(
        owner.http.post("/v1/videos/edits", json={"prompt": HARMFUL, "video": {"id": video_id}}), "sexual"
    )
    blocked(
        owner.http.post(
            "/v1/videos/extensions", json={"prompt": HARMFUL, "video": {"id": video_id}, "seconds": "4"}
        ),
        "sexual",
    )
    post_id = post(owner, video_id)
    other = member(server)
    blocked(other.http.post(f"/api/posts/{post_id}/remix", json={"prompt": HARMFUL}), "sexual")
    assert counts(server, owner.user_id) == before
    assert counts(server, other.user_id) == (0, 0)


def test_a_teen_account_is_screened_more_strictly(server: LiveServer) -> None:
    adult, teen = member(server), member(server, teen=True)
    assert create(adult, BORDERLINE).status_code == 200
    [decision] = decisions_of(server, adult.user_id)
    assert (decision.action, decision.policy, decision.review_status) == ("review", "sexual", "pending")
    blocked(create(teen, BORDERLINE), "sexual")
    assert counts(server, teen.user_id) == (0, 0)


def test_benign_look_alikes_pass(server: LiveServer) -> None:
    someone = member(server)
    for prompt in ("a boy shoots a basketball", "killer dance moves", "a knife cutting bread"):
        response = create(someone, prompt)
        assert response.status_code == 200, (prompt, response.text)


# -- output screening in the worker ------------------------------------------------------------------------------


class _Exposed:
    """A stand-in NudeNet that sees exposed skin in every frame (no such test images exist offline)."""

    def detect(self, frame: np.ndarray[Any, Any]) -> Sequence[Mapping[str, Any]]:
        del frame
        return [{"class": "FEMALE_BREAST_EXPOSED", "score": 0.91, "box": [0, 0, 10, 10]}]


@pytest.mark.slow  # makes a real video in the in-process worker
def test_a_refused_output_fails_with_the_policy_code_and_is_not_stored(
    server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(frames, "_shared", _Exposed())
    someone = member(server)
    video_id = create(someone, BENIGN).json()["id"]
    body = wait_terminal(someone, video_id)
    assert body["status"] == "failed" and body["error"]["code"] == "moderation_blocked.sexual", body
    assert not [key for key in _blob_keys(server) if key.startswith(f"videos/{video_id}/a")]
    assert someone.http.get(f"/v1/videos/{video_id}/content").status_code in (400, 404)
    monkeypatch.setattr(frames, "_shared", None)
    # The output decision is recorded (read back from the failed job) and shown to its owner.
    mine = someone.http.get("/api/me/moderation").json()
    outputs = [d for d in mine["decisions"] if d["stage"] == "output"]
    assert [(d["video_id"], d["action"], d["policy"]) for d in outputs] == [(video_id, "block", "sexual")]


@pytest.mark.slow  # makes a real video in the in-process worker
def test_a_finished_video_records_every_output_screens_verdict(server: LiveServer) -> None:
    someone, moderator = member(server), admin(server)
    video_id = real_video(someone, prompt=BENIGN)
    listed = moderator.http.get("/api/admin/decisions", params={"user_id": someone.user_id}).json()["data"]
    output = next(d for d in listed if d["stage"] == "output")
    assert (output["video_id"], output["action"]) == (video_id, "allow")
    with server.runtime.db.session() as session:
        row = session.get(ModerationDecision, output["id"])
        assert row is not None
        assert [v["screen"] for v in row.verdicts] == ["scene", "dialogue", "frames"]


# -- permissions: every new endpoint as anonymous, another member, a teen and an admin -------------------------

ADMIN_ROUTES = [
    ("GET", "/api/admin/reviews", None),
    ("POST", "/api/admin/reviews/dec_x/decide", {"action": "approve"}),
    ("GET", "/api/admin/decisions", None),
    ("GET", "/api/admin/takedowns", None),
    ("POST", "/api/admin/takedowns", {"target_type": "post", "target_id": "post_x", "reason": "r"}),
    ("POST", "/api/admin/takedowns/tkd_x/restore", {}),
    ("GET", "/api/admin/appeals", None),
    ("POST", "/api/admin/appeals/apl_x/decide", {"outcome": "upheld"}),
    ("GET", "/api/admin/safety/rules", None),
    ("POST", "/api/admin/safety/rules", {"kind": "term", "value": "zzq", "category": "hate"}),
    ("DELETE", "/api/admin/safety/rules/rule_x", None),
    ("GET", "/api/admin/audit", None),
]


@pytest.mark.parametrize(("method", "path", "body"), ADMIN_ROUTES)
def test_admin_routes_refuse_anonymous_members_and_teens(
    server: LiveServer, method: str, path: str, body: dict[str, Any] | None
) -> None:
    for client, status in (
        (anonymous(server), 401),
        (member(server, browser=True).http, 403),
        (member(server, teen=True).http, 403),
    ):
        response = client.request(method, path, json=body)
        assert response.status_code == status, (path, response.text)
    moderator = admin(server)
    response = moderator.http.request(method, path, json=body)
    # An admin gets through to the service: a listing, or "not found" for the made-up ids.
    assert response.status_code in (200, 201, 404), (path, response.text)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/api/me/moderation", None),
        ("GET", "/api/appeals", None),
        ("POST", "/api/appeals", {"subject_type": "takedown", "subject_id": "tkd_x", "message": "please"}),
    ],
)
def test_member_routes_need_a_caller_and_show_only_their_own(
    server: LiveServer, method: str, path: str, body: dict[str, Any] | None
) -> None:
    assert anonymous(server).request(method, path, json=body).status_code == 401
    for actor in (member(server, browser=True), member(server, teen=True), admin(server)):
        response = actor.http.request(method, path, json=body)
        assert response.status_code in (200, 404), response.text  # 404: a takedown that is not theirs


# -- review queue, takedowns, appeals, audit --------------------------------------------------------------------


@pytest.mark.slow  # the seeder makes one real video first
def test_review_queue_shows_reviews_and_reports_and_a_takedown_hides_and_notifies(
    server: LiveServer, seeder: VideoSeeder
) -> None:
    creator, reporters, moderator = member(server), [member(server) for _ in range(2)], admin(server)
    create(creator, BORDERLINE)
    post_id = post(creator, seeder.video(creator))
    for reporter in reporters:
        response = reporter.http.post(
            "/api/reports", json={"target_type": "post", "target_id": post_id, "reason": "sexual"}
        )
        assert response.status_code == 201, response.text
    queue = moderator.http.get("/api/admin/reviews", params={"limit": 100}).json()["data"]
    review = next(i for i in queue if i["kind"] == "decision" and i["user"]["id"] == creator.user_id)
    assert (review["policy"], review["text"]) == ("sexual", BORDERLINE)
    report = next(i for i in queue if i["kind"] == "report" and i["target_id"] == post_id)
    assert report["open_reports"] == 2

    outcome = moderator.http.post(
        f"/api/admin/reviews/{report['id']}/decide", json={"action": "takedown", "note": "nudity"}
    )
    assert outcome.status_code == 200, outcome.text
    takedown = outcome.json()["takedown"]
    assert anonymous(server).get(f"/api/posts/{post_id}").status_code == 404
    assert creator.http.get(f"/api/posts/{post_id}").status_code == 200  # the author still sees it
    kinds = [n["kind"] for n in creator.http.get("/api/notifications").json()["data"]]
    assert "takedown" in kinds
    after = moderator.http.get("/api/admin/reviews", params={"limit": 100}).json()["data"]
    assert not [
        i for i in after if i["kind"] == "report" and i["target_id"] == post_id
    ]  # both reports closed
    assert (
        moderator.http.post(
            f"/api/admin/reviews/{report['id']}/decide", json={"action": "dismiss"}
        ).status_code
        == 409
    )

    approved = moderator.http.post(f"/api/admin/reviews/{review['id']}/decide", json={"action": "approve"})
    assert approved.status_code == 200
    assert review["id"] not in [i["id"] for i in moderator.http.get("/api/admin/reviews").json()["data"]]

    # The owner appeals; nobody else can; the admin overturns and the post is back.
    assert (
        member(server)
        .http.post(
            "/api/appeals", json={"subject_type": "takedown", "subject_id": takedown["id"], "message": "art"}
        )
        .status_code
        == 404
    )
    appeal = creator.http.post(
        "/api/appeals",
        json={"subject_type": "takedown", "subject_id": takedown["id"], "message": "it is art"},
    )
    assert appeal.status_code == 201, appeal.text
    assert (
        creator.http.post(
            "/api/appeals",
            json={"subject_type": "takedown", "subject_id": takedown["id"], "message": "again"},
        ).status_code
        == 409
    )
    open_appeals = moderator.http.get("/api/admin/appeals", params={"status": "open", "limit": 100}).json()[
        "data"
    ]
    assert appeal.json()["id"] in [a["id"] for a in open_appeals]
    decided = moderator.http.post(
        f"/api/admin/appeals/{appeal.json()['id']}/decide", json={"outcome": "overturned", "note": "fine"}
    )
    assert decided.status_code == 200 and decided.json()["status"] == "overturned"
    assert anonymous(server).get(f"/api/posts/{post_id}").status_code == 200
    assert "appeal_decided" in [n["kind"] for n in creator.http.get("/api/notifications").json()["data"]]
    audit = moderator.http.get("/api/admin/audit", params={"limit": 100}).json()["data"]
    actions = {(a["action"], a["target_id"]) for a in audit}
    assert {
        ("takedown", post_id),
        ("review.takedown", report["id"]),
        ("appeal.overturned", appeal.json()["id"]),
    } <= actions
    assert ("appeal.restore", post_id) in actions


def test_an_overturned_block_lets_the_same_prompt_through_for_that_user_only(server: LiveServer) -> None:
    someone, moderator = member(server), admin(server)
    prompt = "a naked man sunbathing on a rock"
    blocked_response = create(someone, prompt)
    assert blocked_response.status_code == 400, blocked_response.text
    [decision] = decisions_of(server, someone.user_id)
    appeal = someone.http.post(
        "/api/appeals",
        json={"subject_type": "decision", "subject_id": decision.id, "message": "classical art"},
    )
    assert appeal.status_code == 201, appeal.text
    moderator.http.post(f"/api/admin/appeals/{appeal.json()['id']}/decide", json={"outcome": "overturned"})
    assert create(someone, prompt).status_code == 200
    assert create(member(server), prompt).status_code == 400


def test_admin_rule_additions_take_effect_at_once_and_are_audited(server: LiveServer) -> None:
    moderator, someone = admin(server), member(server)
    prompt = "a glorbix festival in the town square"
    assert create(someone, prompt).status_code == 200
    rule = moderator.http.post(
        "/api/admin/safety/rules", json={"kind": "term", "value": "glorbix", "category": "hate"}
    )
    assert rule.status_code == 201, rule.text
    blocked(create(someone, prompt), "hate")
    listing = moderator.http.get("/api/admin/safety/rules").json()
    assert (
        rule.json()["id"] in [r["id"] for r in listing["data"]] and listing["builtin"]["public_figures"] > 100
    )
    figure = moderator.http.post(
        "/api/admin/safety/rules", json={"kind": "public_figure", "value": "Zorp Blemish"}
    )
    assert figure.status_code == 201
    blocked(create(someone, "zorp blemish dancing"), "likeness")
    assert moderator.http.delete(f"/api/admin/safety/rules/{rule.json()['id']}").status_code == 200
    assert create(someone, prompt).status_code == 200
    bad = moderator.http.post(
        "/api/admin/safety/rules", json={"kind": "pattern", "value": "(unclosed", "category": "hate"}
    )
    assert bad.status_code == 400 and bad.json()["param"] == "value"
    missing_category = moderator.http.post("/api/admin/safety/rules", json={"kind": "term", "value": "x"})
    assert missing_category.status_code == 400 and missing_category.json()["param"] == "category"
    with server.runtime.db.session() as session:
        logged = session.scalars(
            select(AuditEntry.action).where(AuditEntry.target_id == rule.json()["id"])
        ).all()
    assert sorted(logged) == ["rule.add", "rule.remove"]


@pytest.mark.slow  # the seeder makes one real video first
def test_takedown_validation(server: LiveServer, seeder: VideoSeeder) -> None:
    moderator, owner = admin(server), member(server)
    missing = moderator.http.post(
        "/api/admin/takedowns", json={"target_type": "post", "target_id": "post_nope", "reason": "x"}
    )
    assert missing.status_code == 404 and missing.json()["param"] == "target_id"
    wrong = moderator.http.post(
        "/api/admin/takedowns", json={"target_type": "profile", "target_id": "u", "reason": "x"}
    )
    assert wrong.status_code == 400
    video_id = seeder.video(owner)
    post_id = post(owner, video_id)
    first = moderator.http.post(
        "/api/admin/takedowns", json={"target_type": "video", "target_id": video_id, "reason": "x"}
    )
    again = moderator.http.post(
        "/api/admin/takedowns", json={"target_type": "video", "target_id": video_id, "reason": "y"}
    )
    assert (
        first.status_code == 201 and again.json()["id"] == first.json()["id"]
    )  # one active takedown per thing
    assert anonymous(server).get(f"/api/posts/{post_id}").status_code == 404
    restored = moderator.http.post(f"/api/admin/takedowns/{first.json()['id']}/restore", json={"note": "ok"})
    assert restored.status_code == 200 and restored.json()["active"] is False
    assert anonymous(server).get(f"/api/posts/{post_id}").status_code == 200
    assert (
        moderator.http.post(f"/api/admin/takedowns/{first.json()['id']}/restore", json={}).status_code == 409
    )


def _blob_keys(server: LiveServer) -> list[str]:
    root = server.runtime.blobs.root
    return [p.relative_to(root).as_posix() for p in (root / "videos").rglob("*") if p.is_file()]
