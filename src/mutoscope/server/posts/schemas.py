"""The wire shapes of the posts API (`/api/drafts`, `/api/posts`, `/api/comments`, `/api/reports`, `/p/{id}`).

Requests forbid unknown fields, so a misspelt field is a 400 naming it rather than something silently ignored.
Times are ISO 8601 UTC. A post that the viewer may not see appears in lineage lists only as `{"available":
false}`, so a chain keeps its shape without saying whose post is missing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from mutoscope.server.posts.paging import ListOf

MAX_CAPTION_CHARS = 2200
MAX_COMMENT_CHARS = 2000
MAX_REPORT_DETAILS_CHARS = 2000
REPORT_TARGETS = ("post", "comment", "profile", "character")
REPORT_REASONS = (
    "spam",
    "harassment",
    "hate",
    "violence",
    "sexual",
    "self_harm",
    "likeness_misuse",
    "impersonation",
    "copyright",
    "other",
)
ReportTarget = Literal["post", "comment", "profile", "character"]
ReportReason = Literal[
    "spam",
    "harassment",
    "hate",
    "violence",
    "sexual",
    "self_harm",
    "likeness_misuse",
    "impersonation",
    "copyright",
    "other",
]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PublishRequest(_Request):
    video_id: str = Field(min_length=1, max_length=48)
    caption: str = Field(default="", max_length=MAX_CAPTION_CHARS)


class CommentRequest(_Request):
    body: str = Field(min_length=1, max_length=MAX_COMMENT_CHARS)


class RemixRequest(_Request):
    prompt: str = Field(min_length=1, max_length=32_000)


class ReportRequest(_Request):
    target_type: ReportTarget
    target_id: str = Field(min_length=1, max_length=48)
    reason: ReportReason
    details: str = Field(default="", max_length=MAX_REPORT_DETAILS_CHARS)


class _Deleted(BaseModel):
    """A deletion receipt, `{"object": "<kind>.deleted", "id": ..., "deleted": true}`; each kind narrows `object`
    (a redeclared field keeps its place, so `object` stays first on the wire)."""

    object: str
    id: str
    deleted: bool = True


class UserRef(BaseModel):
    id: str
    handle: str
    display_name: str


class PostSummary(BaseModel):
    """A post as it appears in lists (a profile, remixes, lineage); `available` is False for a hidden one."""

    available: bool = True
    id: str | None = None
    author: UserRef | None = None
    caption: str = ""
    created_at: datetime | None = None
    like_count: int = 0
    comment_count: int = 0
    remix_count: int = 0
    thumbnail_url: str | None = None


class PostView(BaseModel):
    object: Literal["post"] = "post"
    id: str
    author: UserRef
    caption: str
    video_id: str
    seconds: str
    size: str
    created_at: datetime
    like_count: int
    comment_count: int
    remix_count: int
    liked_by_me: bool
    is_mine: bool
    hidden: bool
    remix_of_post_id: str | None
    root_post_id: str | None
    video_url: str
    thumbnail_url: str
    share_url: str
    parent: PostSummary | None
    remixes: list[PostSummary]
    lineage: list[PostSummary] = Field(description="Ancestors from the root down to the parent.")


class PostList(ListOf[PostSummary]):
    next_before: str | None


class PostDeleted(_Deleted):
    object: Literal["post.deleted"] = "post.deleted"


class LikeState(BaseModel):
    object: Literal["like"] = "like"
    post_id: str
    liked: bool
    like_count: int


class DraftView(BaseModel):
    object: Literal["draft"] = "draft"
    video_id: str
    status: Literal["queued", "in_progress", "completed", "failed"]
    progress: int
    prompt: str
    model: str
    seconds: str
    size: str
    created_at: datetime
    remixed_from_video_id: str | None
    video_url: str | None
    thumbnail_url: str | None


class DraftList(ListOf[DraftView]):
    next_before: str | None


class CommentView(BaseModel):
    object: Literal["comment"] = "comment"
    id: str
    post_id: str
    author: UserRef
    body: str
    created_at: datetime
    can_delete: bool


class CommentList(ListOf[CommentView]):
    next_after: str | None


class CommentDeleted(_Deleted):
    object: Literal["comment.deleted"] = "comment.deleted"


class ReportView(BaseModel):
    object: Literal["report"] = "report"
    id: str
    target_type: str
    target_id: str
    reason: str
    details: str
    status: str
    created_at: datetime
