"""The wire shapes of `/api/notifications`."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from mutoscope.server.posts.schemas import UserRef


class NotificationView(BaseModel):
    object: Literal["notification"] = "notification"
    id: str
    kind: str
    actor: UserRef | None
    subject_id: str | None
    data: dict[str, Any]
    created_at: datetime
    read: bool


class NotificationList(BaseModel):
    object: Literal["list"] = "list"
    data: list[NotificationView]
    unread_count: int
    has_more: bool
    next_before: str | None


class MarkRead(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ids: list[str] | None = Field(default=None, min_length=1, max_length=100)
    all: bool = False


class MarkedRead(BaseModel):
    marked: int
    unread_count: int
