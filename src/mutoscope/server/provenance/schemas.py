"""Wire shapes of `/v1/content_provenance_checks` (the OpenAI SDK's `content_provenance_checks.create`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

Method = Literal["c2pa", "watermark", "fingerprint"]
Outcome = Literal["detected", "not_detected"]
ValidationState = Literal["trusted", "valid", "invalid", "not_present"]


class ProvenanceResult(BaseModel):
    """What one method found. `video_id`, `score` and `generated_at` (Unix seconds) are set when detected."""

    type: Method
    outcome: Outcome
    video_id: str | None = None
    score: float | None = None
    generated_at: int | None = None
    validation_state: ValidationState | None = None  # c2pa only
    issuer: str | None = None  # c2pa only: who signed the manifest
    model: str | None = None  # c2pa only: the backend named in the manifest
    # watermark and fingerprint: where it was found
    source: Literal["frames", "audio", "frames_and_audio"] | None = None


class ContentProvenanceCheck(BaseModel):
    id: str
    object: Literal["content_provenance_check"] = "content_provenance_check"
    created_at: int
    media_kind: Literal["video", "image", "audio"]
    results: list[ProvenanceResult]
