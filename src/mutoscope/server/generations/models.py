"""The `videos` table: who asked for what. A video's id is also its job's id; status, progress, errors and
the stored blobs live on the job row (`mutoscope.jobs.models.Job`), so there is one source of truth for state."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mutoscope.db import Base, UtcDateTime, utcnow


class Video(Base):
    __tablename__ = "videos"
    __table_args__ = (Index("ix_videos_owner_created", "owner_id", "created_at", "id"),)

    id: Mapped[str] = mapped_column(String(48), primary_key=True)
    owner_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    model: Mapped[str] = mapped_column(String(80))  # the name the client sent ("sora-2")
    backend: Mapped[str] = mapped_column(String(80))  # the backend it mapped to ("procedural")
    mode: Mapped[str] = mapped_column(String(16), default="create")
    prompt: Mapped[str] = mapped_column(Text)
    seconds: Mapped[str] = mapped_column(
        String(8)
    )  # the whole video's length (an extension's stitched total)
    size: Mapped[str] = mapped_column(String(16))
    seed: Mapped[int] = mapped_column()
    remixed_from_video_id: Mapped[str | None] = mapped_column(String(48), nullable=True)
    source_video_id: Mapped[str | None] = mapped_column(String(48), nullable=True)  # edit/extend parent
    character_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    input_blobs: Mapped[list[Any]] = mapped_column(JSON, default=list)  # uploads this video owns
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # Set once the video's terminal event (video.completed / video.failed) has been recorded for webhooks.
    notified_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True, index=True)
