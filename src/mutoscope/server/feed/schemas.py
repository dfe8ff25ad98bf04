"""The wire shapes of `/api/feed`: pages of items (posts, each with why it is there, and cards) and views.

A page's `data` mixes two item types, told apart by `type`: `"post"` (a post, its `why` reasons and its score)
and `"card"` (a wellbeing card: `make_something` after a run of passive views, `take_a_break` when a teen's
run or day is over). `next_cursor` is opaque; pass it back unchanged for the next page (null at the end, and
after a take-a-break card). Times are ISO 8601 UTC.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from mutoscope.server.posts.schemas import UserRef

MAX_WATCHED_MS = 3_600_000  # an hour: no clip is that long, so more is a client bug, not a view
DEFAULT_PAGE = 20
MAX_PAGE = 50


class FeedPost(BaseModel):
    id: str
    author: UserRef
    caption: str
    video_id: str
    created_at: datetime
    like_count: int
    comment_count: int
    remix_count: int
    view_count: int
    remix_of_post_id: str | None
    root_post_id: str | None
    video_url: str
    thumbnail_url: str
    share_url: str


class PostItem(BaseModel):
    type: Literal["post"] = "post"
    post: FeedPost
    why: list[str] = Field(description="Why this post is here, in plain words, strongest reason first.")
    score: float | None = Field(default=None, description="The ranking score (For you only).")


class CardAction(BaseModel):
    label: str
    href: str


class Card(BaseModel):
    kind: Literal["make_something", "take_a_break"]
    title: str
    body: str
    action: CardAction | None = None
    reason: Literal["session_cap", "daily_cap"] | None = None
    resume_at: datetime | None = None


class CardItem(BaseModel):
    type: Literal["card"] = "card"
    card: Card


FeedItem = Annotated[PostItem | CardItem, Field(discriminator="type")]


class Wellbeing(BaseModel):
    passive_views: int = Field(description="Views since the caller last made a video.")
    nudge_every: int
    teen_limits: bool = Field(description="Whether the caller's feed is capped (teen accounts).")
    views_left: int | None = Field(default=None, description="Posts left before a break (capped feeds only).")
    resume_at: datetime | None = None


class FeedPage(BaseModel):
    object: Literal["list"] = "list"
    tab: Literal["for_you", "following"]
    steer: str | None = None
    data: list[FeedItem]
    has_more: bool
    next_cursor: str | None
    wellbeing: Wellbeing


class ViewRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    post_id: str = Field(min_length=1, max_length=48)
    watched_ms: StrictInt = Field(default=0, ge=0, le=MAX_WATCHED_MS)


class ViewRecorded(BaseModel):
    object: Literal["feed.view"] = "feed.view"
    post_id: str
    watched_ms: int
    created_at: datetime
    view_count: int
    wellbeing: Wellbeing
