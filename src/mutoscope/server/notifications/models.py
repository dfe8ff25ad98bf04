"""The `notifications` table: one row per thing a user should hear about.

`actor_id` is who caused it (None for the system, e.g. a finished generation); `subject_id` is what it is about
(a post, a video, a character). Rows go when either user goes (the actor's id is also a foreign key so a deleted
account leaves no dangling name behind).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from mutoscope.db import Base, UtcDateTime, utcnow


class Notification(Base):
    __tablename__ = "notifications"
    # The list query: my notifications, newest first (unread ones filtered in the same index range).
    __table_args__ = (Index("ix_notifications_user_created", "user_id", "created_at", "id"),)

    id: Mapped[str] = mapped_column(String(48), primary_key=True)  # ntf_<hex>
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=True, index=True
    )
    subject_id: Mapped[str | None] = mapped_column(String(48), nullable=True)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
