"""Who may see which post.

A post is visible to everyone (anonymous readers of a share link included) unless it is hidden (reported and
taken down) or its author and the viewer have blocked each other either way. Its author and admins still see a
hidden post, so the author can tell what happened to it and a moderator can review it. Everything that is not
visible is reported as "not found", so a blocked user cannot even tell that a post exists.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import ColumnElement, or_, true
from sqlalchemy.orm import Session

from mutoscope.errors import NotFoundError
from mutoscope.server.accounts.auth import Principal
from mutoscope.server.posts.models import Post
from mutoscope.server.social.service import blocked_ids_either_way, is_blocked_either_way

Viewer = Principal | None


def blocked_authors(session: Session, viewer: Viewer) -> set[str]:
    """Users whose posts `viewer` may not see because of a block (either way); empty for anonymous readers."""
    return set() if viewer is None else blocked_ids_either_way(session, viewer.user_id)


def can_see(session: Session, viewer: Viewer, post: Post, *, blocked: Collection[str] | None = None) -> bool:
    """Whether `viewer` may see `post`; pass `blocked` (from `blocked_authors`) when checking many posts."""
    if viewer is not None and viewer.user_id == post.author_id:
        return True
    if post.hidden and not (viewer is not None and viewer.is_admin):
        return False
    if viewer is None:
        return True
    if blocked is not None:
        return post.author_id not in blocked
    return not is_blocked_either_way(session, viewer.user_id, post.author_id)


def visible_post(session: Session, viewer: Viewer, post_id: str, *, param: str = "post_id") -> Post:
    """The post, or `NotFoundError` when it does not exist or `viewer` may not see it (the two look the same)."""
    post = session.get(Post, post_id)
    if post is None or not can_see(session, viewer, post):
        raise NotFoundError(f"No post found with id '{post_id}'.", param=param)
    return post


def visible_clause(viewer: Viewer, blocked: Collection[str]) -> ColumnElement[bool]:
    """The SQL condition `can_see` expresses, for list queries."""
    if viewer is not None and viewer.is_admin:
        shown: ColumnElement[bool] = true()
    elif viewer is not None:
        shown = or_(Post.hidden.is_(False), Post.author_id == viewer.user_id)
    else:
        shown = Post.hidden.is_(False)
    if blocked:
        shown = shown & Post.author_id.not_in(list(blocked))
    return shown
