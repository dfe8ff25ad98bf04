"""Likes and one-level comments on posts.

Anyone who can see a post may like it and comment on it; likes are idempotent (liking twice is one like). A
comment can be deleted by its author, by the post's author, or by an admin. Comments by people the viewer has
blocked, or who blocked the viewer, are left out of what the viewer reads (they still count on the post).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from mutoscope.db import utcnow
from mutoscope.errors import NotFoundError, PermissionDeniedError
from mutoscope.ids import new_id
from mutoscope.server.accounts.auth import Principal
from mutoscope.server.accounts.models import User
from mutoscope.server.posts import counters, paging
from mutoscope.server.posts.models import Comment, Post
from mutoscope.server.posts.schemas import CommentDeleted, CommentList, CommentRequest, CommentView, LikeState
from mutoscope.server.posts.views import user_ref, users_by_id
from mutoscope.server.posts.visibility import Viewer, blocked_authors, visible_post
from mutoscope.server.runtime import Runtime


class EngagementService:
    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    # -- likes -----------------------------------------------------------------------------------------------

    def like(self, principal: Principal, post_id: str) -> LikeState:
        with self._rt.db.write_session() as session:
            post = visible_post(session, principal, post_id)
            counters.add_like(session, principal.user_id, post.id)
            return LikeState(post_id=post.id, liked=True, like_count=_like_count(session, post.id))

    def unlike(self, principal: Principal, post_id: str) -> LikeState:
        with self._rt.db.write_session() as session:
            post = visible_post(session, principal, post_id)
            counters.remove_like(session, principal.user_id, post.id)
            return LikeState(post_id=post.id, liked=False, like_count=_like_count(session, post.id))

    # -- comments --------------------------------------------------------------------------------------------

    def comments(self, viewer: Viewer, post_id: str, *, after: str | None, limit: int) -> CommentList:
        """A post's comments, oldest first (a conversation reads top-down)."""
        paging.check_limit(limit)
        with self._rt.db.session() as session:
            post = visible_post(session, viewer, post_id)
            blocked = blocked_authors(session, viewer)
            query = select(Comment).where(Comment.post_id == post.id)
            if blocked:
                query = query.where(Comment.author_id.not_in(list(blocked)))
            cursor = paging.cursor_at(
                session,
                Comment,
                after,
                "after",
                visible=lambda comment: comment.post_id == post.id and comment.author_id not in blocked,
            )
            rows = list(
                session.scalars(
                    paging.page(
                        query, Comment.created_at, Comment.id, cursor=cursor, limit=limit, newest_first=False
                    )
                )
            )
            shown = rows[:limit]
            authors = users_by_id(session, [comment.author_id for comment in shown])
            data = [_view(comment, post, authors[comment.author_id], viewer) for comment in shown]
        return CommentList(data=data, has_more=len(rows) > limit, next_after=data[-1].id if data else None)

    def comment(self, principal: Principal, post_id: str, request: CommentRequest) -> CommentView:
        with self._rt.db.write_session() as session:
            post = visible_post(session, principal, post_id)
            comment = Comment(
                id=new_id("cmt"),
                post_id=post.id,
                author_id=principal.user_id,
                body=request.body,
                created_at=utcnow(),
            )
            counters.add_comment(session, comment)
            authors = users_by_id(session, [principal.user_id])
            return _view(comment, post, authors[principal.user_id], principal)

    def delete_comment(self, principal: Principal, comment_id: str) -> CommentDeleted:
        with self._rt.db.write_session() as session:
            comment = session.get(Comment, comment_id)
            post = session.get(Post, comment.post_id) if comment is not None else None
            if comment is None or post is None or not _can_read(session, principal, comment, post):
                raise NotFoundError(f"No comment found with id '{comment_id}'.", param="comment_id")
            if not _may_delete(principal, comment, post):
                raise PermissionDeniedError(
                    "Only the comment's author, the post's author or an admin can delete a comment.",
                    param="comment_id",
                )
            counters.remove_comment(session, comment)
        return CommentDeleted(id=comment_id)


def _like_count(session: Session, post_id: str) -> int:
    return session.scalar(select(Post.like_count).where(Post.id == post_id)) or 0


def _may_delete(principal: Principal, comment: Comment, post: Post) -> bool:
    return principal.is_admin or principal.user_id in (comment.author_id, post.author_id)


def _can_read(session: Session, principal: Principal, comment: Comment, post: Post) -> bool:
    """Whether the comment exists as far as `principal` can tell (the post's author always sees its comments)."""
    if _may_delete(principal, comment, post):
        return True
    try:
        visible_post(session, principal, post.id)
    except NotFoundError:
        return False
    return comment.author_id not in blocked_authors(session, principal)


def _view(comment: Comment, post: Post, author: User, viewer: Viewer) -> CommentView:
    return CommentView(
        id=comment.id,
        post_id=post.id,
        author=user_ref(author),
        body=comment.body,
        created_at=comment.created_at,
        can_delete=viewer is not None and _may_delete(viewer, comment, post),
    )
