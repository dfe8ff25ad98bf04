"""Generations: validate a `/v1/videos` request completely, store its inputs, then queue it.

Everything that can be wrong with a request is found before anything is written: parameters, the backend's
capabilities, uploads (decoded), parents and characters. Only then are the inputs stored under
`videos/<id>/inputs/` and the video row and its job committed in one transaction; if that fails the stored
inputs are removed, so a refused request leaves neither a job nor a blob.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session, defer

from mutoscope.engine.media import read_image, read_video
from mutoscope.engine.request import GenerationRequest, Mode, Shot
from mutoscope.errors import InvalidRequestError, NotFoundError
from mutoscope.ids import new_id
from mutoscope.jobs.models import Job
from mutoscope.jobs.states import JobState
from mutoscope.jobs.video import KIND, CharacterPayload, VideoJob, VoicePayload
from mutoscope.server.accounts.auth import Principal
from mutoscope.server.characters.casting import check_preferences, resolve_characters
from mutoscope.server.characters.models import Character
from mutoscope.server.characters.uses import record_uses
from mutoscope.server.forms import Upload
from mutoscope.server.generations import params
from mutoscope.server.generations.models import Video
from mutoscope.server.generations.schemas import VideoDeleted, VideoError, VideoList, VideoObject
from mutoscope.server.generations.sources import image_reference
from mutoscope.server.moderation.screening import PromptGate, record_prompt_decision
from mutoscope.server.posts.counters import remove_posts_of_video
from mutoscope.server.runtime import Runtime

Variant = Literal["video", "thumbnail", "spritesheet"]
MEDIA_TYPES: Mapping[str, str] = {
    "video": "video/mp4",
    "thumbnail": "image/webp",
    "spritesheet": "image/jpeg",
}
MAX_EXTENDED_S = 120.0
MAX_EXTENSIONS = 6
MAX_SEED = 2**31 - 1
FPS = 24


@dataclass(slots=True)
class _Draft:
    """A request that passed every check, with its inputs in memory, ready to be stored."""

    model: str
    backend: str
    mode: Mode
    prompt: str
    seconds: str
    duration_s: float
    width: int
    height: int
    seed: int
    remixed_from: str | None = None
    source_video_id: str | None = None
    style: str | None = None
    shots: tuple[tuple[str, float], ...] = ()  # a storyboard: (prompt, seconds) per shot
    characters: list[Character] = field(default_factory=list)
    uploads: dict[str, bytes] = field(default_factory=dict)  # name under inputs/ → bytes
    parent_blobs: tuple[str | None, str | None] = (None, None)  # (video, metadata) of a stored parent


class VideoService:
    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    # -- create, remix, edit, extend ------------------------------------------------------------------------

    def create(self, principal: Principal, body: Mapping[str, Any]) -> VideoObject:
        shots = params.shots_param(body)
        prompt = params.prompt_param(body, required=not shots)  # with shots, the prompt is optional context
        model, backend = self._model(body)
        seconds = _storyboard_seconds(body, shots) if shots else params.seconds_param(body)
        size, width, height = params.size_param(body)
        draft = _Draft(model, backend, "create", prompt, seconds, float(seconds), width, height, _seed())
        draft.style, draft.shots = params.style_param(body), shots
        reference = image_reference(body.get("input_reference"), max_bytes=self._max_upload_bytes)
        if reference is not None:
            image = read_image(reference.data, param="input_reference")
            if (image.shape[1], image.shape[0]) != (width, height):
                raise InvalidRequestError(
                    f"Invalid 'input_reference': the image is {image.shape[1]}x{image.shape[0]} but 'size' is "
                    f"{size}; the first frame must match the video's size.",
                    param="input_reference",
                )
            draft.uploads["input_reference" + reference.suffix] = reference.data
        with self._rt.db.session() as session:
            draft.characters = self._characters(session, principal, params.character_ids_param(body))
        return self._submit(principal, draft)

    def remix(self, principal: Principal, video_id: str, body: Mapping[str, Any]) -> VideoObject:
        return self.remix_from(principal, video_id, params.prompt_param(body))

    def remix_from(
        self, principal: Principal, parent_video_id: str, prompt: str, *, allow_foreign: bool = False
    ) -> VideoObject:
        """A remix of a completed video into the caller's drafts.

        `allow_foreign` lets the parent be someone else's video: the social app's "remix this post", whose
        caller has already checked that the principal may see the post. The parent's characters must still be
        ones the principal may use.
        """
        prompt = params.prompt_param({"prompt": prompt})
        with self._rt.db.session() as session:
            if allow_foreign:
                parent, job = self._completed_any(session, parent_video_id, param="video_id")
            else:
                parent, job = self._completed(session, principal, parent_video_id, param="video_id")
            width, height = _size(parent.size)
            draft = _Draft(
                parent.model,
                parent.backend,
                "remix",
                prompt,
                parent.seconds,
                float(parent.seconds),
                width,
                height,
                seed=parent.seed,
                remixed_from=parent.id,
                source_video_id=parent.id,
            )
            draft.parent_blobs = _blobs_of(job)
            draft.characters = self._inherited(session, principal, parent)
        return self._submit(principal, draft)

    def edit(self, principal: Principal, body: Mapping[str, Any]) -> VideoObject:
        prompt = params.prompt_param(body)
        draft = self._from_source(principal, body, mode="edit", prompt=prompt, added_s=None)
        return self._submit(principal, draft)

    def extend(self, principal: Principal, body: Mapping[str, Any]) -> VideoObject:
        prompt = params.prompt_param(body)
        seconds = params.seconds_param(body, default=None)
        draft = self._from_source(principal, body, mode="extend", prompt=prompt, added_s=float(seconds))
        return self._submit(principal, draft)

    def _from_source(
        self, principal: Principal, body: Mapping[str, Any], *, mode: Mode, prompt: str, added_s: float | None
    ) -> _Draft:
        """An edit or extension of a stored video (`{"id": …}`) or of an uploaded one."""
        model, backend = self._model(body)
        reference = params.video_reference(body)
        if reference is not None:
            with self._rt.db.session() as session:
                parent, job = self._completed(session, principal, reference, param="video")
                width, height = _size(parent.size)
                parent_s = float(parent.seconds)
                if mode == "extend":
                    self._check_extension_count(session, parent)
                draft = _Draft(
                    model,
                    backend,
                    mode,
                    prompt,
                    "",
                    parent_s,
                    width,
                    height,
                    _seed(),
                    source_video_id=parent.id,
                )
                draft.parent_blobs = _blobs_of(job)
                draft.characters = self._inherited(session, principal, parent)
        else:
            upload = body.get("video")
            if not isinstance(upload, Upload):
                raise InvalidRequestError(
                    'Missing required parameter: \'video\' (an uploaded file or {"id": "video_…"}).',
                    param="video",
                    code="missing_required_parameter",
                )
            settings = self._rt.settings.engine
            clip = read_video(
                upload.data,
                max_bytes=settings.max_upload_bytes,
                max_duration_s=settings.max_upload_duration_s,
                max_pixels=settings.max_upload_pixels,
                fps=FPS,
                param="video",
            )
            width, height = clip.size
            parent_s = clip.duration_s
            draft = _Draft(model, backend, mode, prompt, "", parent_s, width, height, _seed())
            draft.uploads["source.mp4"] = upload.data
        if added_s is None:  # an edit keeps the source's length
            draft.seconds = f"{parent_s:g}"
            return draft
        total = parent_s + added_s
        if total > MAX_EXTENDED_S:
            raise InvalidRequestError(
                f"Extending a {parent_s:g} s video by {added_s:g} s would make {total:g} s; the limit is "
                f"{MAX_EXTENDED_S:g} s.",
                param="seconds",
            )
        draft.seconds, draft.duration_s = f"{total:g}", added_s
        return draft

    def _submit(self, principal: Principal, draft: _Draft) -> VideoObject:
        self._check_capabilities(draft)
        self._cast(principal, draft)
        # Safety: before anything is stored or queued; a block raises here (recorded, no job, no blob).
        screened = PromptGate(self._rt).screen(principal, draft.prompt, draft.characters)
        video_id = new_id("video")
        prefix = f"videos/{video_id}"
        stored = [f"{prefix}/inputs/{name}" for name in draft.uploads]
        try:
            for key, data in zip(stored, draft.uploads.values(), strict=True):
                self._rt.blobs.put_bytes(key, data)
            with self._rt.db.write_session() as session:
                video = Video(
                    id=video_id,
                    owner_id=principal.user_id,
                    model=draft.model,
                    backend=draft.backend,
                    mode=draft.mode,
                    prompt=draft.prompt,
                    seconds=draft.seconds,
                    size=f"{draft.width}x{draft.height}",
                    seed=draft.seed,
                    remixed_from_video_id=draft.remixed_from,
                    source_video_id=draft.source_video_id,
                    character_ids=[c.id for c in draft.characters],
                    input_blobs=stored,
                )
                session.add(video)
                self._rt.queue.enqueue(
                    session,
                    kind=KIND,
                    payload=self._payload(draft, prefix, stored)
                    .model_copy(update={"video_id": video_id, "creator_handle": principal.handle})
                    .model_dump(mode="json"),
                    owner_id=principal.user_id,
                    job_id=video_id,
                )
                session.flush()
                record_uses(session, video_id, principal.user_id, draft.characters)
                record_prompt_decision(session, screened, video_id=video_id)
                session.flush()
                view = _view(video, session.get(Job, video_id))
        except BaseException:
            self._rt.blobs.delete_prefix(prefix + "/")
            raise
        self._rt.queue.notify()
        return view

    def _payload(self, draft: _Draft, prefix: str, stored: list[str]) -> VideoJob:
        inputs = dict(zip(draft.uploads, stored, strict=True))
        parent_video, parent_metadata = draft.parent_blobs
        if "source.mp4" in inputs:
            parent_video = inputs["source.mp4"]
        first_frame = next((key for name, key in inputs.items() if name.startswith("input_reference")), None)
        return VideoJob(
            backend=draft.backend,
            prompt=draft.prompt,
            width=draft.width,
            height=draft.height,
            duration_s=draft.duration_s,
            fps=FPS,
            seed=draft.seed,
            style=draft.style,
            shots=list(draft.shots),
            mode=draft.mode,
            parent_video_blob=parent_video,
            parent_metadata_blob=parent_metadata,
            parent_video_id=draft.source_video_id,
            first_frame_blob=first_frame,
            characters=[_character_payload(c) for c in draft.characters],
            blob_prefix=prefix,
        )

    def _check_capabilities(self, draft: _Draft) -> None:
        """The backend's own limits, checked now so a request it cannot run never becomes a job."""
        spec = self._rt.registry.get(draft.backend)
        probe = GenerationRequest(
            prompt=draft.prompt,
            width=draft.width,
            height=draft.height,
            duration_s=draft.duration_s,
            fps=FPS,
            seed=draft.seed,
            style=draft.style,
            shots=tuple(Shot(text, seconds) for text, seconds in draft.shots),
        )
        try:
            spec.capabilities.check(probe)
        except InvalidRequestError as exc:
            if exc.param == "duration_s":
                exc.param = "seconds"
            raise

    # -- read, list, delete, content -------------------------------------------------------------------------

    def get(self, principal: Principal, video_id: str) -> VideoObject:
        with self._rt.db.session() as session:
            video, job = self._owned(session, principal, video_id, param="video_id")
            return _view(video, job)

    def list_videos(self, principal: Principal, *, after: str | None, limit: int, order: str) -> VideoList:
        if not 1 <= limit <= 100:
            raise InvalidRequestError("'limit' must be between 1 and 100.", param="limit")
        if order not in ("asc", "desc"):
            raise InvalidRequestError("'order' must be 'asc' or 'desc'.", param="order")
        with self._rt.db.session() as session:
            # A page shows state, not inputs or outputs: skip decoding 20 jobs' JSON payloads and results.
            query = (
                select(Video, Job)
                .join(Job, Job.id == Video.id)
                .where(Video.owner_id == principal.user_id)
                .options(defer(Job.payload), defer(Job.result))
            )
            key = tuple_(Video.created_at, Video.id)
            if after is not None:
                cursor = session.get(Video, after)
                if cursor is None or cursor.owner_id != principal.user_id:
                    raise InvalidRequestError(
                        f"No video found with id '{after}' to page after.", param="after"
                    )
                bound = tuple_(cursor.created_at, cursor.id)
                query = query.where(key > bound if order == "asc" else key < bound)
            ordering = (
                (Video.created_at.asc(), Video.id.asc())
                if order == "asc"
                else (Video.created_at.desc(), Video.id.desc())
            )
            rows = session.execute(query.order_by(*ordering).limit(limit + 1)).all()
            data = [_view(video, job) for video, job in rows[:limit]]
        return VideoList(
            data=data,
            first_id=data[0].id if data else None,
            last_id=data[-1].id if data else None,
            has_more=len(rows) > limit,
        )

    def delete(self, principal: Principal, video_id: str) -> VideoDeleted:
        with self._rt.db.write_session() as session:
            video, job = self._owned(session, principal, video_id, param="video_id")
            remove_posts_of_video(session, video_id)  # keeps the parent post's remix count right
            session.delete(video)
            if job is not None:
                session.delete(job)
        # A worker still running it loses its lease (the row is gone) and discards what it wrote.
        self._rt.blobs.delete_prefix(f"videos/{video_id}/")
        return VideoDeleted(id=video_id)

    def content(self, principal: Principal, video_id: str, variant: str) -> tuple[str, str]:
        """(blob key, media type) of a completed video's variant."""
        if variant not in MEDIA_TYPES:
            raise InvalidRequestError(
                f"Invalid value: '{variant}'. Supported values are: 'video', 'thumbnail', or 'spritesheet'.",
                param="variant",
            )
        with self._rt.db.session() as session:
            _, job = self._completed(session, principal, video_id, param="video_id")
            key = (job.result or {}).get("blobs", {}).get(variant)
        if not isinstance(key, str) or not self._rt.blobs.exists(key):
            raise NotFoundError(f"Video '{video_id}' has no stored {variant}.", param="variant")
        return key, MEDIA_TYPES[variant]

    def cancel(self, principal: Principal, video_id: str) -> VideoObject:
        with self._rt.db.session() as session:
            self._owned(session, principal, video_id, param="video_id")
        self._rt.queue.cancel(video_id)
        return self.get(principal, video_id)

    # -- lookups ---------------------------------------------------------------------------------------------

    def _owned(
        self, session: Session, principal: Principal, video_id: str, *, param: str
    ) -> tuple[Video, Job | None]:
        video = session.get(Video, video_id)
        if video is None or video.owner_id != principal.user_id:
            raise NotFoundError(f"No video found with id '{video_id}'.", param=param)
        return video, session.get(Job, video_id)

    def _completed(
        self, session: Session, principal: Principal, video_id: str, *, param: str
    ) -> tuple[Video, Job]:
        video, job = self._owned(session, principal, video_id, param=param)
        return _require_completed(video, job, video_id, param=param)

    def _completed_any(self, session: Session, video_id: str, *, param: str) -> tuple[Video, Job]:
        video = session.get(Video, video_id)
        if video is None:
            raise NotFoundError(f"No video found with id '{video_id}'.", param=param)
        return _require_completed(video, session.get(Job, video_id), video_id, param=param)

    def _characters(self, session: Session, principal: Principal, ids: tuple[str, ...]) -> list[Character]:
        return resolve_characters(session, principal.user_id, explicit=ids)

    def _inherited(self, session: Session, principal: Principal, parent: Video) -> list[Character]:
        """A remix, extension or edit keeps its parent's characters, if the caller may use every one."""
        return resolve_characters(session, principal.user_id, inherited=tuple(parent.character_ids))

    def _cast(self, principal: Principal, draft: _Draft) -> None:
        """Add the characters the prompts name, check them all, and check their owners' prohibitions."""
        prompts = [draft.prompt, *(text for text, _ in draft.shots)]
        with self._rt.db.session() as session:
            draft.characters = resolve_characters(
                session, principal.user_id, explicit=[c.id for c in draft.characters], prompts=prompts
            )
        check_preferences(draft.characters, prompts)

    def _check_extension_count(self, session: Session, parent: Video) -> None:
        count, current = 0, parent
        while current.mode == "extend" and current.source_video_id is not None:
            count += 1
            nxt = session.get(Video, current.source_video_id)
            if nxt is None:
                break
            current = nxt
        if count >= MAX_EXTENSIONS:
            raise InvalidRequestError(
                f"A video can be extended at most {MAX_EXTENSIONS} times.", param="video"
            )

    def _model(self, body: Mapping[str, Any]) -> tuple[str, str]:
        api = self._rt.settings.api
        return params.model_param(
            body, aliases=api.models, backends=self._rt.registry.names(), default=api.default_model
        )

    @property
    def _max_upload_bytes(self) -> int:
        return self._rt.settings.engine.max_upload_bytes


def _require_completed(video: Video, job: Job | None, video_id: str, *, param: str) -> tuple[Video, Job]:
    if job is None or job.state != JobState.completed:
        state = "missing" if job is None else job.state
        raise InvalidRequestError(
            f"Video '{video_id}' is not completed (status: {_status(state)}); only completed videos can be "
            "used here.",
            param=param,
            code="video_not_ready",
        )
    return video, job


def _view(video: Video, job: Job | None) -> VideoObject:
    state = job.state if job is not None else JobState.failed
    error = None
    if job is not None and job.state == JobState.failed:
        error = VideoError(
            code=job.error_code or "internal_error", message=job.error_message or "The job failed."
        )
    elif job is not None and job.state == JobState.cancelled:
        error = VideoError(  # a system cancel (a withdrawn character) records why
            code=job.error_code or "cancelled", message=job.error_message or "The generation was cancelled."
        )
    completed = job.finished_at if job is not None and job.state == JobState.completed else None
    return VideoObject(
        id=video.id,
        model=video.model,
        status=_status(state),
        progress=100 if state == JobState.completed else (job.progress if job is not None else 0),
        prompt=video.prompt,
        created_at=int(video.created_at.timestamp()),
        completed_at=int(completed.timestamp()) if completed is not None else None,
        expires_at=None,  # nothing expires: downloads stay until the owner deletes the video
        seconds=video.seconds,
        size=video.size,
        remixed_from_video_id=video.remixed_from_video_id,
        error=error,
    )


def _status(state: str) -> Literal["queued", "in_progress", "completed", "failed"]:
    if state == JobState.queued:
        return "queued"
    if state == JobState.in_progress:
        return "in_progress"
    if state == JobState.completed:
        return "completed"
    return "failed"  # failed, cancelled (error.code says which), or a job that is gone


def _blobs_of(job: Job) -> tuple[str | None, str | None]:
    blobs = (job.result or {}).get("blobs", {})
    return blobs.get("video"), blobs.get("metadata")


def _character_payload(character: Character) -> CharacterPayload:
    return CharacterPayload(
        id=character.id,
        name=character.name,
        handle=character.handle,
        kind=character.kind,
        palette=[tuple(rgb) for rgb in character.palette],
        proportions=dict(character.proportions),
        face_image_blob=character.face_blob,
        voice=VoicePayload(**character.voice) if character.voice else None,
        species=character.species,
        preferences=[str(rule) for rule in character.preferences],
    )


def _storyboard_seconds(body: Mapping[str, Any], shots: tuple[tuple[str, float], ...]) -> str:
    """A storyboard lasts as long as its shots; a `seconds` sent with it must say the same."""
    total = params.shots_seconds(shots)
    sent = body.get("seconds")
    if sent is not None and (not isinstance(sent, str) or _as_float(sent) != float(total)):
        raise InvalidRequestError(
            f"The shots last {total} s in all but 'seconds' is {sent!r}; leave 'seconds' out or make them match.",
            param="seconds",
        )
    return total


def _as_float(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _size(size: str) -> tuple[int, int]:
    width, height = size.split("x")
    return int(width), int(height)


def _seed() -> int:
    return secrets.randbelow(MAX_SEED)
