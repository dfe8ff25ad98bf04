"""Building a user's export: what goes in it (read once, up front) and the zip, streamed as it is written.

The plan is read in one database session, so `metadata.json` describes one consistent moment; the zip is then
written chunk by chunk into the response (never whole in memory or on disk), so a library of any size streams
at once. Media are stored uncompressed in the zip (MP4 and WebP are compressed already); the metadata is
deflated. A blob that vanished between planning and streaming (the video was deleted meanwhile) is left out and
`metadata.json`, written last, says so.

Layout: `videos/<video_id>.mp4`, `thumbnails/<video_id>.webp`, `metadata.json`.
"""

from __future__ import annotations

import io
import json
import logging
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import select

from mutoscope.db import utcnow
from mutoscope.errors import NotFoundError
from mutoscope.jobs.models import Job
from mutoscope.jobs.states import JobState
from mutoscope.server.accounts.auth import Principal
from mutoscope.server.accounts.models import User
from mutoscope.server.generations.models import Video
from mutoscope.server.posts.models import Post
from mutoscope.server.runtime import Runtime
from mutoscope.storage import BlobStore

logger = logging.getLogger(__name__)
FORMAT = "mutoscope-export"
FORMAT_VERSION = 1
_CHUNK_BYTES = 1 << 20
_ZIP64_FROM_BYTES = 1 << 31  # entries this big need ZIP64 headers, which must be chosen before writing
_MEDIA = (("video", "videos", ".mp4"), ("thumbnail", "thumbnails", ".webp"))


@dataclass(frozen=True, slots=True)
class ExportFile:
    """One blob to copy into the zip under `name`."""

    name: str
    blob_key: str
    size_bytes: int
    modified_at: datetime


@dataclass(frozen=True, slots=True)
class ExportPlan:
    handle: str
    metadata: dict[str, Any]
    files: tuple[ExportFile, ...]

    @property
    def filename(self) -> str:
        return f"mutoscope-{self.handle}-{self.metadata['exported_at'][:10]}.zip"

    @property
    def media_bytes(self) -> int:
        return sum(file.size_bytes for file in self.files)


class ExportService:
    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    def plan(self, principal: Principal) -> ExportPlan:
        with self._rt.db.session() as session:
            user = session.get(User, principal.user_id)
            if user is None:
                raise NotFoundError("Your account no longer exists.")
            rows = session.execute(
                select(Video, Job, Post)
                .outerjoin(Job, Job.id == Video.id)
                .outerjoin(Post, Post.video_id == Video.id)
                .where(Video.owner_id == user.id)
                .order_by(Video.created_at, Video.id)
            ).all()
            videos, files = [], []
            for video, job, post in rows:
                entry, video_files = self._video(video, job, post)
                videos.append(entry)
                files.extend(video_files)
            metadata = {
                "format": FORMAT,
                "version": FORMAT_VERSION,
                "exported_at": utcnow().isoformat(),
                "user": {
                    "id": user.id,
                    "handle": user.handle,
                    "display_name": user.display_name,
                    "bio": user.bio,
                    "created_at": user.created_at.isoformat(),
                },
                "videos": videos,
            }
        return ExportPlan(handle=user.handle, metadata=metadata, files=tuple(files))

    def _video(
        self, video: Video, job: Job | None, post: Post | None
    ) -> tuple[dict[str, Any], list[ExportFile]]:
        blobs: dict[str, Any] = ((job.result if job is not None else None) or {}).get("blobs", {})
        done = job is not None and job.state == JobState.completed
        files: list[ExportFile] = []
        names: dict[str, str] = {}
        for variant, folder, suffix in _MEDIA:
            key = blobs.get(variant)
            size_bytes = self._size(key) if done else None
            if isinstance(key, str) and size_bytes is not None:
                name = f"{folder}/{video.id}{suffix}"
                files.append(ExportFile(name, key, size_bytes, video.created_at))
                names[variant] = name
        entry: dict[str, Any] = {
            "id": video.id,
            "status": job.state if job is not None else "failed",
            "error": {"code": job.error_code, "message": job.error_message}
            if job and job.error_code
            else None,
            "prompt": video.prompt,
            "model": video.model,
            "backend": video.backend,
            "mode": video.mode,
            "seconds": video.seconds,
            "size": video.size,
            "seed": video.seed,
            "created_at": video.created_at.isoformat(),
            "completed_at": job.finished_at.isoformat() if done and job and job.finished_at else None,
            "remixed_from_video_id": video.remixed_from_video_id,
            "source_video_id": video.source_video_id,
            "character_ids": list(video.character_ids),
            "post": _post(post),
            "files": names,
            "generation": self._generation(blobs.get("metadata")) if done else None,
        }
        return entry, files

    def _size(self, key: object) -> int | None:
        if not isinstance(key, str):
            return None
        try:
            return self._rt.blobs.size_bytes(key)
        except NotFoundError:
            return None

    def _generation(self, key: object) -> dict[str, Any] | None:
        """What the worker recorded about the generation (backend, seed, options), if it is still stored."""
        if not isinstance(key, str) or not self._rt.blobs.exists(key):
            return None
        try:
            recorded = json.loads(self._rt.blobs.read_bytes(key))
        except (ValueError, NotFoundError):
            return None
        return recorded if isinstance(recorded, dict) else None

    def stream(self, plan: ExportPlan) -> Iterator[bytes]:
        """The zip's bytes, chunk by chunk."""
        return stream_zip(self._rt.blobs, plan)


def stream_zip(blobs: BlobStore, plan: ExportPlan) -> Iterator[bytes]:
    sink = _Sink()
    missing: list[str] = []
    with zipfile.ZipFile(sink, "w", allowZip64=True) as archive:
        for file in plan.files:
            info = zipfile.ZipInfo(file.name, date_time=_zip_time(file.modified_at))
            info.compress_type = zipfile.ZIP_STORED
            try:
                source = blobs.open_read(file.blob_key)
            except NotFoundError:
                logger.info("export of @%s: %s vanished before it was copied", plan.handle, file.blob_key)
                missing.append(file.name)
                continue
            with source, archive.open(info, "w", force_zip64=file.size_bytes >= _ZIP64_FROM_BYTES) as target:
                for chunk in iter(partial(source.read, _CHUNK_BYTES), b""):
                    target.write(chunk)
                    yield sink.take()
            yield sink.take()
        metadata = dict(plan.metadata, missing_files=missing)
        info = zipfile.ZipInfo("metadata.json", date_time=_zip_time(utcnow()))
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, json.dumps(metadata, indent=2, ensure_ascii=False).encode())
    yield sink.take()


def _post(post: Post | None) -> dict[str, Any] | None:
    if post is None:
        return None
    return {
        "id": post.id,
        "caption": post.caption,
        "created_at": post.created_at.isoformat(),
        "like_count": post.like_count,
        "comment_count": post.comment_count,
        "remix_count": post.remix_count,
        "remix_of_post_id": post.remix_of_post_id,
        "root_post_id": post.root_post_id,
        "hidden": post.hidden,
    }


def _zip_time(when: datetime) -> tuple[int, int, int, int, int, int]:
    # Zip timestamps cannot go before 1980 and carry no zone; the export's are UTC.
    return max(when.timetuple()[:6], (1980, 1, 1, 0, 0, 0))


class _Sink(io.RawIOBase):
    """A write-only, unseekable file that hands over what was written since the last `take()`."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._buffer += data
        return len(data)

    def take(self) -> bytes:
        chunk = bytes(self._buffer)
        self._buffer.clear()
        return chunk
