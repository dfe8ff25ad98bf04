"""The engagement counters on `posts` (likes, comments, remixes), kept equal to the rows they count.

Every change to a like, comment or remix post goes through here, in the caller's transaction, so the row and its
counter commit together. Counters move with `UPDATE … SET n = n + 1` (never read-modify-write in Python), and
only when the row change really happened (an insert that did not conflict, a delete that removed a row), so
concurrent double-clicks cannot make a counter drift on PostgreSQL or SQLite.

Deleting rows behind this module's back would leave other posts' counters too high: deleting a video calls
`remove_posts_of_video` first, and account deletion (accounts/deletion.py) lowers the counters the user raised.
"""

from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import ReturningDelete, ReturningInsert

from mutoscope.db import utcnow
from mutoscope.server.posts.models import Comment, Like, Post


def _changed(session: Session, statement: ReturningDelete[str] | ReturningInsert[str]) -> bool:
    """Whether the INSERT/DELETE touched a row. RETURNING, because psycopg reports no rowcount (-1) for an
    INSERT … ON CONFLICT DO NOTHING."""
    return session.execute(statement).first() is not None


def bump(session: Session, post_id: str, *, likes: int = 0, comments: int = 0, remixes: int = 0) -> None:
    """Add to a post's counters (negative to take away)."""
    session.execute(
        update(Post)
        .where(Post.id == post_id)
        .values(
            like_count=Post.like_count + likes,
            comment_count=Post.comment_count + comments,
            remix_count=Post.remix_count + remixes,
        )
    )


def add_like(session: Session, user_id: str, post_id: str) -> bool:
    """Like `post_id` as `user_id`; False (and nothing changes) when it was already liked."""
    module = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    insert = module.insert(Like).values(user_id=user_id, post_id=post_id, created_at=utcnow())
    added = _changed(session, insert.on_conflict_do_nothing().returning(Like.post_id))
    if added:
        bump(session, post_id, likes=1)
    return added


def remove_like(session: Session, user_id: str, post_id: str) -> bool:
    """Take back a like; False when there was none."""
    removed = _changed(
        session, delete(Like).where(Like.user_id == user_id, Like.post_id == post_id).returning(Like.post_id)
    )
    if removed:
        bump(session, post_id, likes=-1)
    return removed


def add_comment(session: Session, comment: Comment) -> None:
    session.add(comment)
    session.flush()
    bump(session, comment.post_id, comments=1)


def remove_comment(session: Session, comment: Comment) -> bool:
    """Delete a comment; False when another request deleted it first."""
    removed = _changed(session, delete(Comment).where(Comment.id == comment.id).returning(Comment.id))
    if removed:
        bump(session, comment.post_id, comments=-1)
    return removed


def add_post(session: Session, post: Post) -> None:
    session.add(post)
    session.flush()
    if post.remix_of_post_id is not None:
        bump(session, post.remix_of_post_id, remixes=1)


def remove_post(session: Session, post_id: str) -> bool:
    """Delete a post (its likes, comments and views go with it through foreign keys); False if already gone."""
    parent_id = session.scalar(select(Post.remix_of_post_id).where(Post.id == post_id))
    removed = _changed(session, delete(Post).where(Post.id == post_id).returning(Post.id))
    if removed and parent_id is not None:
        bump(session, parent_id, remixes=-1)
    return removed


def remove_posts_of_video(session: Session, video_id: str) -> int:
    """Delete the post of a video about to be deleted, keeping its parent's remix count right."""
    post_ids = session.scalars(select(Post.id).where(Post.video_id == video_id)).all()
    return sum(remove_post(session, post_id) for post_id in post_ids)
