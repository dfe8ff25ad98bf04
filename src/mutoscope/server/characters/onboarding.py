"""Person onboarding: a one-time liveness challenge, then a recording checked against it.

`POST /api/characters/challenges` issues a random challenge valid for `CHALLENGE_TTL_S`. The client records
video with audio while showing it and uploads it to `POST /api/characters/person`. The challenge is spent by
that upload whatever the outcome (one recording per challenge, so a refused attempt cannot be retried with
tweaks against the same digits). Every decision is stored with each check's reason and measures; a refused
recording is not kept. An accepted one becomes the character's source, with its face crop, palette,
proportions and voice captured from it.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import numpy as np
from PIL import Image
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from mutoscope.db import utcnow
from mutoscope.engine.media import read_video
from mutoscope.errors import ConflictError, InvalidRequestError, NotFoundError
from mutoscope.ids import new_id
from mutoscope.likeness.capture import capture_person
from mutoscope.likeness.challenge import MAX_RECORDING_S, Challenge, new_challenge
from mutoscope.likeness.liveness import Liveness, check_liveness
from mutoscope.server.accounts.auth import Principal
from mutoscope.server.characters.models import Character, LivenessChallenge, LivenessDecision
from mutoscope.server.characters.schemas import (
    ChallengeView,
    CharacterView,
    DecisionList,
    DecisionView,
    DigitCueView,
    TurnCueView,
)
from mutoscope.server.characters.service import claim_handle, handle_param, name_param, video_param, view
from mutoscope.server.runtime import Runtime

CHALLENGE_TTL_S = 300
AUDIO_RATE_HZ = 48_000


class Onboarding:
    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    def challenge(self, principal: Principal) -> ChallengeView:
        challenge = new_challenge()
        now = utcnow()
        row = LivenessChallenge(
            id=new_id("lvc"),
            user_id=principal.user_id,
            schedule=challenge.to_dict(),
            issued_at=now,
            expires_at=now + timedelta(seconds=CHALLENGE_TTL_S),
        )
        with self._rt.db.write_session() as session:
            session.add(row)
        return _challenge_view(row.id, challenge, int(row.expires_at.timestamp()))

    def create_person(self, principal: Principal, body: Mapping[str, Any]) -> CharacterView:
        name = name_param(body.get("name"))
        wanted = handle_param(body.get("handle"))
        upload = video_param(body, "the recording of the challenge, with sound")
        challenge_id = body.get("challenge_id")
        if not isinstance(challenge_id, str) or not challenge_id:
            raise InvalidRequestError(
                "Missing required parameter: 'challenge_id'.",
                param="challenge_id",
                code="missing_required_parameter",
            )
        challenge = self._spend(principal, challenge_id)
        clip = read_video(
            upload.data,
            max_bytes=self._rt.settings.engine.max_upload_bytes,
            max_duration_s=MAX_RECORDING_S + 1,
            param="video",
        )
        result = check_liveness(clip.frames, clip.fps, clip.audio, AUDIO_RATE_HZ, challenge)
        if not result.accepted:
            decision_id = self._decide(principal, challenge_id, result, None)
            raise InvalidRequestError(
                "The recording did not pass the liveness check: "
                + "; ".join(result.reasons)
                + f". Ask for a new challenge and record again (decision {decision_id}).",
                param="video",
                code="liveness_failed",
            )
        return self._store(
            principal,
            challenge_id=challenge_id,
            name=name,
            wanted=wanted,
            recording=upload.data,
            frames=clip.frames,
            result=result,
        )

    def decisions(self, principal: Principal) -> DecisionList:
        with self._rt.db.session() as session:
            rows = session.scalars(
                select(LivenessDecision)
                .where(LivenessDecision.user_id == principal.user_id)
                .order_by(LivenessDecision.created_at.desc())
                .limit(50)
            )
            return DecisionList(
                data=[
                    DecisionView(
                        id=row.id,
                        challenge_id=row.challenge_id,
                        accepted=row.accepted,
                        reasons=list(row.reasons),
                        checks=list(row.checks),
                        character_id=row.character_id,
                        created_at=int(row.created_at.timestamp()),
                    )
                    for row in rows
                ]
            )

    def _spend(self, principal: Principal, challenge_id: str) -> Challenge:
        """Mark the challenge used (only one recording may ever be checked against it) and return it."""
        now = utcnow()
        with self._rt.db.write_session() as session:
            row = session.get(LivenessChallenge, challenge_id)
            if row is None or row.user_id != principal.user_id:
                raise NotFoundError(
                    f"No liveness challenge found with id '{challenge_id}'.", param="challenge_id"
                )
            if row.used_at is not None:
                raise ConflictError(
                    "This challenge was already used; ask for a new one (each recording answers a fresh challenge).",
                    param="challenge_id",
                    code="challenge_used",
                )
            if row.expires_at < now:
                raise InvalidRequestError(
                    "This challenge has expired; ask for a new one and record within "
                    f"{CHALLENGE_TTL_S // 60} minutes.",
                    param="challenge_id",
                    code="challenge_expired",
                )
            spent = session.execute(
                update(LivenessChallenge)
                .where(LivenessChallenge.id == challenge_id, LivenessChallenge.used_at.is_(None))
                .values(used_at=now)
            )
            if getattr(spent, "rowcount", 1) != 1:
                raise ConflictError(
                    "This challenge was already used.", param="challenge_id", code="challenge_used"
                )
            return Challenge.from_dict(row.schedule)

    def _decide(
        self, principal: Principal, challenge_id: str, result: Liveness, character_id: str | None
    ) -> str:
        decision_id = new_id("lvd")
        with self._rt.db.write_session() as session:
            session.add(_decision(decision_id, principal, challenge_id, result, character_id))
        return decision_id

    def _store(
        self,
        principal: Principal,
        *,
        challenge_id: str,
        name: str,
        wanted: str | None,
        recording: bytes,
        frames: Any,
        result: Liveness,
    ) -> CharacterView:
        likeness = capture_person(frames, result.analysis)
        character_id = new_id("char")
        prefix = f"characters/{character_id}/"
        source, face = f"{prefix}source.mp4", f"{prefix}face.png"
        self._rt.blobs.put_bytes(source, recording)
        self._rt.blobs.put_bytes(face, _png(likeness.face))
        try:
            with self._rt.db.write_session() as session:
                character = Character(
                    id=character_id,
                    owner_id=principal.user_id,
                    name=name,
                    handle=claim_handle(session, wanted, name, fallback=principal.handle.lower()),
                    kind="person",
                    palette=[list(rgb) for rgb in likeness.palette],
                    proportions=dict(likeness.proportions),
                    voice={
                        "pitch_hz": likeness.voice.pitch_hz,
                        "rate_wpm": likeness.voice.rate_wpm,
                        "timbre": likeness.voice.timbre,
                        "language": "en",
                    },
                    source_blob=source,
                    face_blob=face,
                    audience="only_me",
                    preferences=[],
                )
                session.add(character)
                session.add(_decision(new_id("lvd"), principal, challenge_id, result, character_id))
                session.flush()
                return view(session, principal, character)
        except BaseException as exc:
            self._rt.blobs.delete_prefix(prefix)
            if isinstance(exc, IntegrityError):
                raise ConflictError("That handle was just taken; choose another.", param="handle") from exc
            raise


def _decision(
    decision_id: str, principal: Principal, challenge_id: str, result: Liveness, character_id: str | None
) -> LivenessDecision:
    return LivenessDecision(
        id=decision_id,
        user_id=principal.user_id,
        challenge_id=challenge_id,
        accepted=result.accepted,
        reasons=result.reasons,
        checks=[_jsonable(check.to_dict()) for check in result.checks],
        character_id=character_id,
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float):
        return round(value, 4)
    return value


def _png(image: np.ndarray[Any, np.dtype[np.uint8]]) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="PNG")
    return buffer.getvalue()


def _challenge_view(challenge_id: str, challenge: Challenge, expires_at: int) -> ChallengeView:
    data = challenge.to_dict()
    return ChallengeView(
        id=challenge_id,
        expires_at=expires_at,
        digits=[DigitCueView(**d) for d in data["digits"]],
        turns=[TurnCueView(**t) for t in data["turns"]],
        digit_shown_s=data["digit_shown_s"],
        min_recording_s=data["min_recording_s"],
    )
