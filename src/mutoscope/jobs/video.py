"""The `video` job: turn a queued generation into stored media.

The server enqueues a `VideoJob` payload (everything the generation needs, with inputs as blob keys, so a worker on
another machine can run it); a worker runs it through `engine.generate` with a warm backend and stores, under
`videos/<id>/a<attempt>/`, the MP4, a WebP thumbnail, a JPEG spritesheet and `metadata.json` (seed, backend, the
procedural scene, dialogue timings) that remix, extend and edit read back. Paths carry the attempt so a zombie
attempt whose lease was taken over can never overwrite the winner's files; its own files are deleted on discard.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from mutoscope.engine.backend import Backend
from mutoscope.engine.clip import Clip, ClipMetadata
from mutoscope.engine.generate import generate
from mutoscope.engine.media import read_image, read_video, spritesheet_jpeg_from_mp4, thumbnail_webp_from_mp4
from mutoscope.engine.registry import BackendRegistry, discover
from mutoscope.engine.request import (
    Appearance,
    CharacterKind,
    CharacterRef,
    GenerationRequest,
    Mode,
    ParentClip,
    Shot,
    VoiceProfile,
)
from mutoscope.engine.stages import Stages
from mutoscope.jobs.characters import PermissionCheck, PermissionGuard, with_character_rules
from mutoscope.jobs.queue import ClaimedJob
from mutoscope.jobs.worker import JobContext
from mutoscope.provenance.stages import MarkedVideo, Provenance, stage_reports
from mutoscope.safety.screens import output_screens
from mutoscope.storage import BlobStore

logger = logging.getLogger(__name__)

KIND = "video"
# Share of the progress bar each engine stage gets: backends that denoise spend their time in "backend", the
# procedural backend renders lazily while encoding, so both get a real share.
_STAGE_SPAN = {"backend": (0, 40), "encode": (40, 99)}


class VoicePayload(BaseModel):
    model_config = ConfigDict(extra="forbid")
    pitch_hz: float = 120.0
    rate_wpm: float = 160.0
    timbre: float = 0.5
    language: str = "en"


class CharacterPayload(BaseModel):
    """A `CharacterRef` as JSON; the face crop travels as a blob key."""

    model_config = ConfigDict(extra="forbid")
    id: str
    name: str
    handle: str
    kind: CharacterKind
    palette: list[tuple[int, int, int]] = Field(default_factory=list)
    proportions: dict[str, float] = Field(default_factory=dict)
    accessories: list[str] = Field(default_factory=list)
    face_image_blob: str | None = None
    voice: VoicePayload | None = None
    species: str | None = None
    preferences: list[str] = Field(default_factory=list)


class VideoJob(BaseModel):
    """What a worker needs to make one video, with no reference to the server's tables."""

    model_config = ConfigDict(extra="forbid")
    backend: str
    prompt: str
    negative_prompt: str = ""
    width: int
    height: int
    duration_s: float
    fps: int = 24
    seed: int
    style: str | None = None
    shots: list[tuple[str, float]] = Field(default_factory=list)
    mode: Mode = "create"
    parent_video_blob: str | None = None
    parent_metadata_blob: str | None = None
    parent_video_id: str | None = None
    first_frame_blob: str | None = None
    characters: list[CharacterPayload] = Field(default_factory=list)
    options: dict[str, Any] = Field(default_factory=dict)
    blob_prefix: str
    # Provenance: the payload of the invisible marks and the C2PA manifest name the video; the visible mark
    # shows its creator's handle.
    video_id: str | None = None
    creator_handle: str | None = None


class VideoJobs:
    """Runs `video` jobs with warm backends (loaded on first use, kept until `close()`)."""

    def __init__(
        self,
        blobs: BlobStore,
        *,
        registry: BackendRegistry | None = None,
        stages_factory: Callable[[VideoJob], Stages] | None = None,
        device: str = "cpu",
        scratch_dir: Path | None = None,
        permission_check: PermissionCheck | None = None,
    ) -> None:
        self._blobs = blobs
        self._permission_check = permission_check  # re-asks whether the job's characters may still be used
        self._registry = registry or discover()
        self._stages_factory = stages_factory or _no_stages
        self._device = device
        self._scratch_dir = scratch_dir
        self._backends: dict[str, Backend] = {}
        self._lock = threading.Lock()

    def handle(self, job: ClaimedJob, ctx: JobContext) -> dict[str, Any]:
        spec = VideoJob.model_validate(job.payload)
        request = self._request(spec)
        prefix = f"{spec.blob_prefix}/a{job.attempt}"
        self._clear_earlier_attempts(spec, job.attempt)
        stages = with_safety_screens(self._stages_factory(spec))
        guard = PermissionGuard(self._permission_check if spec.characters else None, job.id)
        if spec.characters:
            stages = with_character_rules(stages)
            guard.now()
        with tempfile.TemporaryDirectory(prefix="mutoscope-job-", dir=self._scratch_dir) as scratch:
            output = Path(scratch) / "video.mp4"
            result = generate(
                request,
                backend=spec.backend,
                registry=self._registry,
                instance=self._backend(spec.backend),
                stages=stages,
                output=output,
                device=self._device,
                on_progress=lambda stage, done, total: ctx.report_progress(_percent(stage, done, total)),
                is_cancelled=lambda: ctx.is_cancelled() or guard.poll(),
            )
            guard.now()  # a character revoked while this ran: nothing is stored
            stored = self._store(prefix, output, result.clip.metadata)
        # Again: a zombie attempt may have written after the first sweep and then died before its discard.
        self._clear_earlier_attempts(spec, job.attempt)
        ctx.report_progress(100)
        return {
            **stored,
            "seed": result.request.seed,
            "duration_s": result.clip.duration_s,
            "backend": result.backend,
            "timings_s": {k: round(v, 3) for k, v in result.timings_s.items()},
            "provenance": stage_reports(stages),
            "moderation": [verdict.as_dict() for verdict in result.verdicts],
        }

    def discard(self, job: ClaimedJob, result: dict[str, Any]) -> None:
        """Delete what a losing attempt stored (its lease was taken over while it ran)."""
        del result
        spec = VideoJob.model_validate(job.payload)
        removed = self._blobs.delete_prefix(f"{spec.blob_prefix}/a{job.attempt}/")
        logger.info("discarded attempt %d of %s (%d blobs)", job.attempt, job.id, removed)

    def close(self) -> None:
        with self._lock:
            backends, self._backends = list(self._backends.values()), {}
        for backend in backends:
            backend.close()

    def _backend(self, name: str) -> Backend:
        with self._lock:
            if name not in self._backends:
                spec = self._registry.get(name)
                self._backends[name] = spec.load(spec.validate_options({}), self._device)
            return self._backends[name]

    def _request(self, spec: VideoJob) -> GenerationRequest:
        return GenerationRequest(
            prompt=spec.prompt,
            negative_prompt=spec.negative_prompt,
            width=spec.width,
            height=spec.height,
            duration_s=spec.duration_s,
            fps=spec.fps,
            seed=spec.seed,
            style=spec.style,
            shots=tuple(Shot(prompt, duration) for prompt, duration in spec.shots),
            characters=tuple(self._character(c) for c in spec.characters),
            first_frame=self._image(spec.first_frame_blob, (spec.width, spec.height)),
            parent=self._parent(spec),
            mode=spec.mode,
            options=spec.options,
        )

    def _parent(self, spec: VideoJob) -> ParentClip | None:
        if spec.parent_video_blob is None:
            return None
        clip = read_video(self._source(spec.parent_video_blob), fps=spec.fps, param="video")
        if spec.parent_metadata_blob is not None and self._blobs.exists(spec.parent_metadata_blob):
            recorded = json.loads(self._blobs.read_bytes(spec.parent_metadata_blob))
            clip = Clip(frames=clip.frames, audio=clip.audio, fps=clip.fps, metadata=_metadata(recorded))
        return ParentClip(clip=clip, video_id=spec.parent_video_id)

    def _image(self, key: str | None, size: tuple[int, int]) -> np.ndarray[Any, np.dtype[np.uint8]] | None:
        if key is None:
            return None
        image = read_image(self._source(key), param="input_reference")
        if (image.shape[1], image.shape[0]) != size:
            raise ValueError(f"stored first frame is {image.shape[1]}x{image.shape[0]}, job wants {size}")
        return image

    def _character(self, payload: CharacterPayload) -> CharacterRef:
        face = None
        if payload.face_image_blob is not None:
            face = read_image(self._source(payload.face_image_blob), param="characters")
        voice = VoiceProfile(**payload.voice.model_dump()) if payload.voice is not None else None
        return CharacterRef(
            id=payload.id,
            name=payload.name,
            handle=payload.handle,
            kind=payload.kind,
            appearance=Appearance(
                palette=tuple(payload.palette),
                proportions=dict(payload.proportions),
                face_image=face,
                accessories=tuple(payload.accessories),
            ),
            voice=voice,
            species=payload.species,
            preferences=tuple(payload.preferences),
        )

    def _clear_earlier_attempts(self, spec: VideoJob, attempt: int) -> None:
        """Delete what earlier attempts stored. A worker killed mid-store (SIGKILL, lost machine) never reaches
        `discard`, so its partial `a<n>/` folder would stay orphaned; an earlier attempt can never win once this
        one holds the lease (outcomes are conditional on the attempt number), so its files are garbage."""
        removed = sum(self._blobs.delete_prefix(f"{spec.blob_prefix}/a{n}/") for n in range(1, attempt))
        if removed:
            logger.info("removed %d blobs of earlier attempts of %s", removed, spec.blob_prefix)

    def _source(self, key: str) -> Path | bytes:
        """A blob as the media decoders take it: a local path when there is one, else its bytes."""
        return self._blobs.local_path(key) or self._blobs.read_bytes(key)

    def _store(self, prefix: str, video: Path, metadata: ClipMetadata) -> dict[str, Any]:
        keys = {
            "video": f"{prefix}/video.mp4",
            "thumbnail": f"{prefix}/thumbnail.webp",
            "spritesheet": f"{prefix}/spritesheet.jpg",
            "metadata": f"{prefix}/metadata.json",
        }
        # Previews first and the video last: a reader that finds the video finds everything.
        self._blobs.put_bytes(keys["thumbnail"], thumbnail_webp_from_mp4(video))
        self._blobs.put_bytes(keys["spritesheet"], spritesheet_jpeg_from_mp4(video))
        self._blobs.put_bytes(keys["metadata"], json.dumps(_metadata_json(metadata)).encode())
        size_bytes = self._blobs.put_file(keys["video"], video)
        return {"blobs": keys, "size_bytes": size_bytes}


def with_safety_screens(stages: Stages) -> Stages:
    """`stages` with the safety output screens (scene plan, dialogue, frames) first: whichever factory built
    them, no video skips these. Prompts are screened by the server before a job exists, with the caller's
    context (teen account, admins' rule additions)."""
    return dataclasses.replace(stages, output_screens=(*output_screens(), *stages.output_screens))


def _no_stages(spec: VideoJob) -> Stages:
    del spec
    return Stages()


def provenance_stages(provenance: Provenance) -> Callable[[VideoJob], Stages]:
    """The stages factory every production `VideoJobs` uses: marks, fingerprints and C2PA for each video."""

    def stages(spec: VideoJob) -> Stages:
        return provenance.stages(MarkedVideo(video_id=spec.video_id, creator_handle=spec.creator_handle))

    return stages


def _percent(stage: str, done: int, total: int) -> int:
    low, high = _STAGE_SPAN.get(stage, (0, 99))
    return low + (high - low) * done // max(total, 1)


def _metadata_json(metadata: ClipMetadata) -> dict[str, Any]:
    return {
        "backend": metadata.backend,
        "backend_version": metadata.backend_version,
        "seed": metadata.seed,
        "options": dict(metadata.options),
        "config_hash": metadata.config_hash,
        "extra": dict(metadata.extra),
    }


def _metadata(recorded: dict[str, Any]) -> ClipMetadata:
    return ClipMetadata(
        backend=str(recorded.get("backend", "")),
        backend_version=str(recorded.get("backend_version", "")),
        seed=int(recorded.get("seed", 0)),
        options=recorded.get("options", {}),
        config_hash=str(recorded.get("config_hash", "")),
        extra=recorded.get("extra", {}),
    )
