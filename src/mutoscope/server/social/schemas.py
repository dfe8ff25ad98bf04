"""What the profile and graph endpoints return: plain JSON objects."""

from __future__ import annotations

from pydantic import BaseModel


class ProfileSummary(BaseModel):
    """A person in a list (followers, following, mutuals, blocks)."""

    handle: str
    display_name: str
    avatar_url: str | None


class ProfileObject(BaseModel):
    handle: str
    display_name: str
    bio: str
    avatar_url: str | None
    created_at: int
    follower_count: int
    following_count: int
    # From the viewer's side (all false for anonymous visitors).
    is_me: bool
    following: bool  # the viewer follows them
    follows_you: bool
    is_mutual: bool


class ProfilePage(BaseModel):
    data: list[ProfileSummary]
    next_cursor: str | None  # pass as `after` for the next page
    has_more: bool


class FollowState(BaseModel):
    handle: str
    following: bool
    is_mutual: bool


class BlockState(BaseModel):
    handle: str
    blocked: bool
