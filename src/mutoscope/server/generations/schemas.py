"""The wire shapes of `/v1/videos`: the OpenAI `Video` object and the list envelope."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel


class VideoError(BaseModel):
    code: str
    message: str


class VideoObject(BaseModel):
    id: str
    object: Literal["video"] = "video"
    model: str
    status: Literal["queued", "in_progress", "completed", "failed"]
    progress: int
    prompt: str
    created_at: int
    completed_at: int | None
    expires_at: int | None
    seconds: str
    size: str
    remixed_from_video_id: str | None
    error: VideoError | None


class VideoList(BaseModel):
    object: Literal["list"] = "list"
    data: list[VideoObject]
    first_id: str | None
    last_id: str | None
    has_more: bool


class VideoDeleted(BaseModel):
    id: str
    object: Literal["video.deleted"] = "video.deleted"
    deleted: bool = True


class CharacterObject(BaseModel):
    id: str
    object: Literal["character"] = "character"
    created_at: int
    name: str
