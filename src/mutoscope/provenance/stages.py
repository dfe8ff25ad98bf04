"""Provenance as `generate()` stages: the marks every clip gets, and what they report for the job's result.

`Provenance` holds a deployment's resolved setup (watermark key, C2PA credentials, visible-mark options; built
once per process from settings, creating the key and credentials on first start). `Provenance.stages(job)`
returns the `Stages` for one video, in order:

1. `InvisibleMarks` (clip mark): the frame mark in every frame's luma and the audio mark in the sound, both
   carrying the video's 64-bit payload;
2. `VisibleMark` (clip mark): the drifting "@handle" badge, when enabled;
3. `Fingerprints` (clip mark): a read-only tap that hashes the finished frames as the encoder pulls them, and
   the marked sound;
4. `ContentCredentials` (file mark): signs the encoded MP4's C2PA manifest.

An extension's parent part was decoded from the parent's stored MP4 and already carries the parent's marks
(its payload, its creator's badge), so marks apply to the new frames and samples only: nothing is stacked,
and the parent's stretch keeps naming the parent. Fingerprints cover the whole file, as a copy would.
`stage_reports(stages)` gathers what the stages measured (payload, fingerprints, whether it was signed) for
the job result, from which the server indexes the video when it completes.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from mutoscope.engine.clip import Clip
from mutoscope.engine.request import GenerationRequest
from mutoscope.engine.stages import Stages
from mutoscope.engine.timebase import sample_count
from mutoscope.provenance.audio_mark import STRENGTH, AudioMark
from mutoscope.provenance.codes import payload_hex, payload_of
from mutoscope.provenance.credentials import SigningCredentials, ensure_credentials, load_credentials
from mutoscope.provenance.fingerprint import (
    audio_hashes,
    frame_hash_variants,
    luma_thumbnail,
    sample_indices,
)
from mutoscope.provenance.frame_mark import AMPLITUDE, FrameMark
from mutoscope.provenance.keyring import WatermarkKey, load_or_create_key
from mutoscope.provenance.manifest import GenerationClaim, sign_mp4
from mutoscope.provenance.marked_frames import U8, PatternOp, PixelLayout, mark_frames
from mutoscope.provenance.visible_mark import VisibleMarkOp, render_badge
from mutoscope.settings import Settings

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class MarkedVideo:
    """What the marks of one video need to know beyond the request."""

    video_id: str | None = None  # None (a CLI run): a random payload that names nothing
    creator_handle: str | None = None


@runtime_checkable
class ReportingStage(Protocol):
    def report(self) -> dict[str, Any]: ...


def _new_frames_start(request: GenerationRequest) -> int:
    """The first frame this generation made: after the parent's frames for an extension, else 0."""
    if request.mode == "extend" and request.parent is not None:
        return request.parent.clip.frame_count
    return 0


class InvisibleMarks:
    name = "invisible_marks"

    def __init__(self, frame_mark: FrameMark, audio_mark: AudioMark, payload: int) -> None:
        self._frame_mark = frame_mark
        self._audio_mark = audio_mark
        self._payload = payload

    def mark_clip(self, clip: Clip, request: GenerationRequest) -> Clip:
        start = _new_frames_start(request)
        pattern = self._frame_mark.pattern(self._payload, clip.width, clip.height)
        frames = mark_frames(clip.frames, op=PatternOp(pattern), start=start)
        audio = self._audio_mark.embed(
            clip.audio, self._payload, start_sample=sample_count(start, clip.fps) if start else 0
        )
        return replace(clip, frames=frames, audio=audio)

    def report(self) -> dict[str, Any]:
        return {"payload": payload_hex(self._payload)}


class VisibleMark:
    name = "visible_mark"

    def __init__(self, handle: str | None, *, opacity: float) -> None:
        self._handle = handle or ""
        self._opacity = opacity

    def mark_clip(self, clip: Clip, request: GenerationRequest) -> Clip:
        badge = render_badge(
            self._handle, frame_width=clip.width, frame_height=clip.height, opacity=self._opacity
        )
        op = VisibleMarkOp(badge, fps=clip.fps, frame_width=clip.width, frame_height=clip.height)
        return replace(clip, frames=mark_frames(clip.frames, op=op, start=_new_frames_start(request)))


@dataclass
class _FrameTap:
    """Hashes the frames at the fingerprint sampling positions as they stream past."""

    positions: dict[int, int]
    hashes: list[tuple[int, int, int]] = field(default_factory=list)  # (position, variant, hash)

    def observe(self, index: int, pixels: U8, layout: PixelLayout) -> None:
        position = self.positions.get(index)
        if position is None:
            return
        luma = luma_thumbnail(pixels, reversed_colour=layout.reversed_colour, alpha=layout.alpha)
        for variant, value in frame_hash_variants(luma).items():
            self.hashes.append((position, variant, value))


class Fingerprints:
    """Hashes the clip as it is encoded (the last clip mark, so it sees every other mark)."""

    name = "fingerprints"

    def __init__(self) -> None:
        self._tap: _FrameTap | None = None
        self._audio: list[tuple[int, int]] = []

    def mark_clip(self, clip: Clip, request: GenerationRequest) -> Clip:
        del request
        self._tap = _FrameTap(sample_indices(clip.frame_count, clip.fps))
        self._audio = audio_hashes(clip.audio)
        return replace(clip, frames=mark_frames(clip.frames, observer=self._tap))

    def report(self) -> dict[str, Any]:
        frames = sorted(set(self._tap.hashes)) if self._tap is not None else []
        return {
            "fingerprints": {
                "frames": [list(item) for item in frames],
                "audio": [list(item) for item in self._audio],
            }
        }


class ContentCredentials:
    name = "c2pa"

    def __init__(self, credentials: SigningCredentials, video: MarkedVideo) -> None:
        self._credentials = credentials
        self._video = video
        self._signed_at: dt.datetime | None = None

    def mark_file(self, path: Path, clip: Clip, request: GenerationRequest) -> None:
        self._signed_at = dt.datetime.now(dt.UTC)
        claim = GenerationClaim(
            video_id=self._video.video_id,
            backend=clip.metadata.backend,
            backend_version=clip.metadata.backend_version,
            created_at=self._signed_at,
            prompt=request.prompt,
            mode=request.mode,
            parent_video_id=request.parent.video_id if request.parent is not None else None,
        )
        sign_mp4(path, claim, self._credentials)

    def report(self) -> dict[str, Any]:
        signed = self._signed_at.isoformat() if self._signed_at is not None else None
        return {"c2pa_signed_at": signed}


@dataclass(frozen=True, slots=True)
class Provenance:
    """A deployment's provenance setup: build once per process, then `stages(video)` per generation."""

    key: WatermarkKey
    credentials: SigningCredentials | None
    visible_mark: bool = True
    visible_opacity: float = 0.55
    frame_amplitude: float = AMPLITUDE
    audio_strength: float = STRENGTH

    @classmethod
    def from_settings(cls, settings: Settings) -> Provenance:
        """Resolve settings, creating the watermark key and C2PA credentials in the data folder if needed."""
        config = settings.provenance
        if config.watermark_key is not None:
            key = WatermarkKey.from_text(config.watermark_key)
        else:
            key = load_or_create_key(settings.data_dir / "provenance" / "watermark.key")
        if config.c2pa_cert_chain is not None or config.c2pa_private_key is not None:
            if config.c2pa_cert_chain is None or config.c2pa_private_key is None:
                raise ValueError(
                    "set both provenance.c2pa_cert_chain and provenance.c2pa_private_key, or neither"
                )
            credentials = load_credentials(
                config.c2pa_cert_chain,
                config.c2pa_private_key,
                config.c2pa_trust_anchors,
                algorithm=config.c2pa_algorithm,
            )
        else:
            credentials = ensure_credentials(settings.data_dir / "c2pa")
        return cls(
            key=key,
            credentials=credentials,
            visible_mark=config.visible_mark,
            visible_opacity=config.visible_mark_opacity,
        )

    @property
    def frame_mark(self) -> FrameMark:
        return FrameMark(self.key, amplitude=self.frame_amplitude)

    @property
    def audio_mark(self) -> AudioMark:
        return AudioMark(self.key, strength=self.audio_strength)

    def stages(self, video: MarkedVideo) -> Stages:
        payload = payload_of(video.video_id) if video.video_id else secrets.randbits(64)
        clip_marks: list[Any] = [InvisibleMarks(self.frame_mark, self.audio_mark, payload)]
        if self.visible_mark and self.visible_opacity > 0:
            clip_marks.append(VisibleMark(video.creator_handle, opacity=self.visible_opacity))
        clip_marks.append(Fingerprints())
        file_marks = (ContentCredentials(self.credentials, video),) if self.credentials is not None else ()
        return Stages(clip_marks=tuple(clip_marks), file_marks=file_marks)


def stage_reports(stages: Stages) -> dict[str, Any]:
    """What the marks of a finished generation report, merged (empty when none reports anything)."""
    merged: dict[str, Any] = {}
    for stage in (*stages.clip_marks, *stages.file_marks):
        if isinstance(stage, ReportingStage):
            merged.update(stage.report())
    return merged


def fingerprint_payload(report: dict[str, Any]) -> tuple[list[tuple[int, int, int]], list[tuple[int, int]]]:
    """The (frames, audio) hash lists of a stage report (as stored in a job result), validated."""
    prints = report.get("fingerprints") or {}
    frames = [(int(p), int(v), int(h)) for p, v, h in prints.get("frames", [])]
    audio = [(int(p), int(h)) for p, h in prints.get("audio", [])]
    return frames, audio


__all__ = [
    "ContentCredentials",
    "Fingerprints",
    "InvisibleMarks",
    "MarkedVideo",
    "Provenance",
    "VisibleMark",
    "fingerprint_payload",
    "stage_reports",
]
