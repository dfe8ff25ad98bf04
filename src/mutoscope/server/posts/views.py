"""Turning rows into the posts API's wire shapes, with the links a client follows (media, share permalink).

Links are absolute, built from the server's base URL as the client reached it, so a share link pasted
elsewhere works. Authors are loaded in one query per list, not one per post.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from mutoscope.server.accounts.models import User
from mutoscope.server.posts.models import Post
from mutoscope.server.posts.schemas import PostSummary, UserRef


@dataclass(frozen=True, slots=True)
class Links:
    """Absolute URLs of the API's resources, from the base URL the request came in on (no trailing slash)."""

    base_url: str

    def share(self, post_id: str) -> str:
        return f"{self.base_url}/p/{post_id}"

    def post_video(self, post_id: str) -> str:
        return f"{self.base_url}/api/posts/{post_id}/video"

    def post_thumbnail(self, post_id: str) -> str:
        return f"{self.base_url}/api/posts/{post_id}/thumbnail"

    def draft_video(self, video_id: str) -> str:
        return f"{self.base_url}/v1/videos/{video_id}/content"

    def draft_thumbnail(self, video_id: str) -> str:
        return f"{self.base_url}/v1/videos/{video_id}/content?variant=thumbnail"


def user_ref(user: User) -> UserRef:
    return UserRef(id=user.id, handle=user.handle, display_name=user.display_name or user.handle)


def users_by_id(session: Session, ids: Collection[str]) -> dict[str, User]:
    if not ids:
        return {}
    return {user.id: user for user in session.scalars(select(User).where(User.id.in_(list(set(ids)))))}


def summary(post: Post, author: User, links: Links) -> PostSummary:
    return PostSummary(
        id=post.id,
        author=user_ref(author),
        caption=post.caption,
        created_at=post.created_at,
        like_count=post.like_count,
        comment_count=post.comment_count,
        remix_count=post.remix_count,
        thumbnail_url=links.post_thumbnail(post.id),
    )


UNAVAILABLE = PostSummary(available=False)


def summaries(session: Session, posts: Iterable[Post | None], links: Links) -> list[PostSummary]:
    """Summaries of `posts`, where None (a post the viewer may not see, or a deleted one) is `UNAVAILABLE`."""
    listed = list(posts)
    authors = users_by_id(session, [post.author_id for post in listed if post is not None])
    return [UNAVAILABLE if post is None else summary(post, authors[post.author_id], links) for post in listed]
