"""Helpers for the characters tests: characters and finished videos recorded straight into the database.

`seed_character` writes a character row as onboarding would leave it (the liveness check has its own tests), so
permission tests can make hundreds in seconds; `seed_video` records a completed video that uses characters
(rows only: these tests never read its media).
"""

from __future__ import annotations

import itertools
import string
from datetime import timedelta

from live_server import LiveServer
from mutoscope.db import utcnow
from mutoscope.ids import new_id
from mutoscope.jobs.models import Job
from mutoscope.jobs.video import KIND
from mutoscope.server.characters.models import Character, CharacterUse
from mutoscope.server.generations.models import Video

_counter = itertools.count(1)


def unique_name() -> str:
    """A two-word person name no other test uses (letters only, so it reads as a name in a prompt)."""
    number, letters = next(_counter), []
    while True:
        number, digit = divmod(number, 26)
        letters.append(string.ascii_lowercase[digit])
        if number == 0:
            break
    return f"Zephyrine Q{''.join(letters)}x"


def seed_character(
    server: LiveServer,
    owner_id: str,
    *,
    kind: str = "person",
    audience: str = "only_me",
    name: str | None = None,
    preferences: list[str] | None = None,
) -> Character:
    name = name or unique_name()
    character = Character(
        id=new_id("char"),
        owner_id=owner_id,
        name=name,
        handle=f"c{new_id('h')[-10:]}".lower(),
        kind=kind,
        species=None if kind == "person" else "dog",
        palette=[[200, 150, 120], [40, 30, 20], [30, 60, 200]],
        proportions={},
        voice={"pitch_hz": 140.0, "rate_wpm": 160.0, "timbre": 0.5, "language": "en"}
        if kind == "person"
        else None,
        audience=audience,
        preferences=list(preferences or []),
    )
    with server.runtime.db.write_session() as session:
        session.add(character)
        session.flush()
        session.expunge(character)
    return character


def seed_video(
    server: LiveServer, owner_id: str, character_ids: list[str], *, state: str = "completed"
) -> str:
    video_id = new_id("video")
    now = utcnow()
    with server.runtime.db.write_session() as session:
        session.add(
            Video(
                id=video_id,
                owner_id=owner_id,
                model="testcard",
                backend="testcard",
                mode="create",
                prompt="seeded",
                seconds="4",
                size="720x1280",
                seed=7,
                character_ids=list(character_ids),
                created_at=now,
                notified_at=now,
            )
        )
        session.flush()
        for ident in character_ids:
            session.add(CharacterUse(video_id=video_id, character_id=ident, creator_id=owner_id))
        session.add(
            Job(
                id=video_id,
                kind=KIND,
                owner_id=owner_id,
                state=state,
                payload={},
                result={"blobs": {"video": f"videos/{video_id}/a1/video.mp4"}}
                if state == "completed"
                else None,
                max_attempts=1,
                created_at=now,
                finished_at=now + timedelta(seconds=1) if state == "completed" else None,
                updated_at=now,
            )
        )
    return video_id
