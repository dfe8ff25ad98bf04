"""Person onboarding through the app's API: a one-time challenge, a recording of it, the decision stored with
its reasons, and the likeness captured from an accepted recording (face crop, palette, voice). The recordings
are the liveness fixtures (a real face photo made to turn and speak), built for the challenge the server
issued."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from live_server import LiveServer, live_server, server_settings
from liveness_fixtures import mp4, script_for
from mutoscope.db import utcnow
from mutoscope.likeness.challenge import Challenge
from mutoscope.server.characters.models import LivenessChallenge
from posts_support import anonymous, member

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(server_settings(tmp_path_factory.mktemp("var")), workers=0) as live:
        yield live


def _challenge(http: object) -> dict[str, object]:
    response = http.post("/api/characters/challenges")  # type: ignore[attr-defined]
    assert response.status_code == 201, response.text
    body: dict[str, object] = response.json()
    return body


def _character_blobs(server: LiveServer) -> list[str]:
    return list(server.runtime.blobs.list_keys("characters/"))


def test_a_live_recording_becomes_a_person_character_and_a_replay_does_not(server: LiveServer) -> None:
    person = member(server)
    issued = _challenge(person.http)
    assert issued["id"] and issued["expires_at"] and len(issued["digits"]) == 5  # type: ignore[arg-type]
    recording = mp4(script_for(Challenge.from_dict(issued)))

    made = person.http.post(
        "/api/characters/person",
        data={"challenge_id": issued["id"], "name": "Eileen"},
        files={"video": ("me.mp4", recording, "video/mp4")},
    )
    assert made.status_code == 201, made.text
    character = made.json()
    assert character["kind"] == "person" and character["handle"] == person.handle.lower()
    assert character["has_face"] and character["audience"] == "only_me"
    assert 60 < character["voice"]["pitch_hz"] < 400 and len(character["palette"]) == 3
    face = server.runtime.blobs.read_bytes(f"characters/{character['id']}/face.png")
    assert face[:8] == b"\x89PNG\r\n\x1a\n"

    used = person.http.post(
        "/api/characters/person",
        data={"challenge_id": issued["id"], "name": "Again"},
        files={"video": ("me.mp4", recording, "video/mp4")},
    )
    assert used.status_code == 409 and used.json()["code"] == "challenge_used", used.text

    blobs_before = _character_blobs(server)
    fresh = _challenge(person.http)
    replay = person.http.post(
        "/api/characters/person",
        data={"challenge_id": fresh["id"], "name": "Replayed"},
        files={"video": ("me.mp4", recording, "video/mp4")},
    )
    assert replay.status_code == 400 and replay.json()["code"] == "liveness_failed", replay.text
    assert "digits" in replay.json()["detail"]
    assert _character_blobs(server) == blobs_before  # a refused recording is not kept

    decisions = person.http.get("/api/characters/decisions").json()["data"]
    assert [d["accepted"] for d in decisions] == [False, True]
    refused, accepted = decisions
    assert refused["challenge_id"] == fresh["id"] and refused["character_id"] is None and refused["reasons"]
    assert {c["name"] for c in refused["checks"]} >= {"faces", "turns", "digits", "lip_sync", "speech_timing"}
    assert accepted["character_id"] == character["id"] and all(c["passed"] for c in accepted["checks"])


def test_challenges_are_one_time_personal_and_expire(server: LiveServer) -> None:
    person, other = member(server), member(server)
    assert anonymous(server).post("/api/characters/challenges").status_code == 401
    issued = _challenge(person.http)
    stolen = other.http.post(
        "/api/characters/person",
        data={"challenge_id": issued["id"], "name": "Thief"},
        files={"video": ("x.mp4", b"not a video", "video/mp4")},
    )
    assert stolen.status_code == 404, stolen.text
    with server.runtime.db.write_session() as session:
        row = session.get(LivenessChallenge, issued["id"])
        assert row is not None
        row.expires_at = utcnow() - timedelta(seconds=1)
    expired = person.http.post(
        "/api/characters/person",
        data={"challenge_id": issued["id"], "name": "Late"},
        files={"video": ("x.mp4", b"not a video", "video/mp4")},
    )
    assert expired.status_code == 400 and expired.json()["code"] == "challenge_expired", expired.text
    missing = person.http.post(
        "/api/characters/person", data={"name": "No challenge"}, files={"video": ("x", b"x")}
    )
    assert missing.status_code == 400 and missing.json()["param"] == "challenge_id"
