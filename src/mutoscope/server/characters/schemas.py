"""Wire shapes of the characters API (`/api/characters…`)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Audience = Literal["only_me", "approved", "mutuals", "everyone"]


class CharacterView(BaseModel):
    id: str
    object: Literal["character"] = "character"
    name: str
    handle: str
    kind: str
    species: str | None
    owner: str  # the owner's handle
    is_owner: bool
    audience: Audience | None  # only shown to the owner
    preferences: list[str]
    palette: list[list[int]]
    voice: dict[str, Any] | None
    has_face: bool
    created_at: int


class CharacterList(BaseModel):
    object: Literal["list"] = "list"
    data: list[CharacterView]


class CharacterUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(default=None, min_length=1, max_length=80)
    audience: Audience | None = None
    preferences: list[str] | None = Field(default=None, max_length=20)
    # What happens to videos other people already made with it, when this narrows the audience.
    existing_videos: Literal["keep", "delete"] = "keep"


class CharacterDeleted(BaseModel):
    id: str
    object: Literal["character.deleted"] = "character.deleted"
    deleted: bool = True
    videos_deleted: int = 0
    jobs_stopped: int = 0


class CharacterChanged(BaseModel):
    character: CharacterView
    videos_deleted: int = 0
    jobs_stopped: int = 0


class ApprovalView(BaseModel):
    handle: str
    display_name: str


class ApprovalList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ApprovalView]


class DigitCueView(BaseModel):
    digit: int
    shown_s: float


class TurnCueView(BaseModel):
    direction: Literal["left", "right", "up"]
    cue_s: float


class ChallengeView(BaseModel):
    """Show digit i at digits[i].shown_s (for digit_shown_s), ask turn j at turns[j].cue_s, both measured from
    the start of the recording; record at least min_recording_s. Directions are as seen in the recorded video."""

    id: str
    object: Literal["liveness.challenge"] = "liveness.challenge"
    expires_at: int
    digits: list[DigitCueView]
    turns: list[TurnCueView]
    digit_shown_s: float
    min_recording_s: float


class DecisionView(BaseModel):
    id: str
    object: Literal["liveness.decision"] = "liveness.decision"
    challenge_id: str | None
    accepted: bool
    reasons: list[str]
    checks: list[dict[str, Any]]
    character_id: str | None
    created_at: int


class DecisionList(BaseModel):
    object: Literal["list"] = "list"
    data: list[DecisionView]


class UseView(BaseModel):
    """A video that uses the character, as its owner sees it (other people's drafts included)."""

    video_id: str
    creator: str
    prompt: str
    status: str
    posted: bool
    created_at: int


class UseList(BaseModel):
    object: Literal["list"] = "list"
    data: list[UseView]


class UseDeleted(BaseModel):
    video_id: str
    deleted: bool = True
