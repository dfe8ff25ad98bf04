"""Account deletion: every row and every blob of a user, in one transaction and then one sweep of storage.

Rows: most tables reference `users.id` with ON DELETE CASCADE (videos, posts, likes, comments, follows, blocks,
characters, keys, sessions, invite codes, view events…), so deleting the user row removes them in the database
itself; rows that merely point at the user from someone else's data (the invite code they redeemed, the
post someone remixed) are set to NULL. Tables that record an owner without a foreign key (jobs, webhook
endpoints, to keep lower layers free of the accounts tables) are cleared explicitly, and so are the idempotency
records of the user's API keys and sessions (they hold stored responses, and are keyed by credential hashes).
Engagement counters on other people's posts that this user's likes, comments and remix posts had raised are
lowered in the same transaction, so nothing keeps counting a person who is gone.

Blobs: a user's blobs live under `videos/<video id>/`, `characters/<character id>/` and `users/<user id>/`
(avatars, exports: the convention for anything else per user). They are removed after the rows commit: a
failure then leaves unreachable files (logged, and removable by re-running the sweep), never rows pointing at
missing media.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import ColumnElement, case, delete, func, select, update
from sqlalchemy.orm import Session, aliased

from mutoscope.errors import ConflictError, NotFoundError
from mutoscope.jobs.models import Job
from mutoscope.server import idempotency
from mutoscope.server.accounts.models import ApiKey, LoginSession, User
from mutoscope.server.characters.models import Character
from mutoscope.server.generations.models import Video
from mutoscope.server.posts.models import Comment, Like, Post
from mutoscope.server.runtime import Runtime
from mutoscope.server.webhooks.models import WebhookEndpoint

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DeletedAccount:
    user_id: str
    handle: str
    blob_prefixes: tuple[str, ...]
    blobs_deleted: int


def user_blob_prefix(user_id: str) -> str:
    """Where per-user blobs that belong to no video or character live (avatars, exports)."""
    return f"users/{user_id}/"


def delete_account(rt: Runtime, user_id: str) -> DeletedAccount:
    with rt.db.write_session() as session:
        user = session.get(User, user_id)
        if user is None:
            raise NotFoundError("That account no longer exists.")
        if user.is_admin and _admin_count(session) == 1:
            raise ConflictError(
                "You are the only admin; make someone else an admin before deleting this account.",
                code="last_admin",
            )
        handle = user.handle
        prefixes = _blob_prefixes(session, user_id)
        _lower_counters(session, user_id)
        session.execute(delete(Job).where(Job.owner_id == user_id))
        session.execute(delete(WebhookEndpoint).where(WebhookEndpoint.user_id == user_id))
        idempotency.delete_records(session, _credential_scopes(session, user_id))
        session.execute(delete(User).where(User.id == user_id))
    deleted = sweep_blobs(rt, prefixes)
    logger.info("deleted account @%s (%s): %d blob(s)", handle, user_id, deleted)
    return DeletedAccount(user_id=user_id, handle=handle, blob_prefixes=prefixes, blobs_deleted=deleted)


def sweep_blobs(rt: Runtime, prefixes: tuple[str, ...]) -> int:
    deleted = 0
    for prefix in prefixes:
        try:
            deleted += rt.blobs.delete_prefix(prefix)
        except OSError:
            logger.exception("could not delete the blobs under %s; they are unreachable now", prefix)
    return deleted


def _blob_prefixes(session: Session, user_id: str) -> tuple[str, ...]:
    videos = session.scalars(select(Video.id).where(Video.owner_id == user_id))
    characters = session.scalars(select(Character.id).where(Character.owner_id == user_id))
    return (
        *(f"videos/{video_id}/" for video_id in videos),
        *(f"characters/{character_id}/" for character_id in characters),
        user_blob_prefix(user_id),
    )


def _credential_scopes(session: Session, user_id: str) -> list[str]:
    """The idempotency scopes of the user's API keys and browser sessions (read before the cascade drops them).

    Keys already revoked still have their row, so their records go too; a session that has ended has no row, and
    its records simply expire (`idempotency.DEFAULT_TTL_S`).
    """
    keys = session.scalars(select(ApiKey.secret_sha256).where(ApiKey.user_id == user_id))
    sessions = session.scalars(select(LoginSession.token_sha256).where(LoginSession.user_id == user_id))
    return [*map(idempotency.key_scope, keys), *map(idempotency.session_scope, sessions)]


def _lower_counters(session: Session, user_id: str) -> None:
    """Take this user's likes, comments and remix posts out of other people's posts' counters."""
    others = Post.author_id != user_id
    session.execute(
        update(Post)
        .where(others, Post.id.in_(select(Like.post_id).where(Like.user_id == user_id)))
        .values(like_count=_at_least_zero(Post.like_count - 1))
        .execution_options(synchronize_session=False)
    )
    comments = (
        select(func.count())
        .select_from(Comment)
        .where(Comment.post_id == Post.id, Comment.author_id == user_id)
        .scalar_subquery()
    )
    session.execute(
        update(Post)
        .where(others, Post.id.in_(select(Comment.post_id).where(Comment.author_id == user_id)))
        .values(comment_count=_at_least_zero(Post.comment_count - comments))
        .execution_options(synchronize_session=False)
    )
    remix = aliased(Post)
    remixes = (
        select(func.count())
        .select_from(remix)
        .where(remix.remix_of_post_id == Post.id, remix.author_id == user_id)
        .scalar_subquery()
    )
    session.execute(
        update(Post)
        .where(
            others,
            Post.id.in_(select(remix.remix_of_post_id).where(remix.author_id == user_id)),
        )
        .values(remix_count=_at_least_zero(Post.remix_count - remixes))
        .execution_options(synchronize_session=False)
    )


def _at_least_zero(value: ColumnElement[int]) -> ColumnElement[int]:
    return case((value < 0, 0), else_=value)


def _admin_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User).where(User.is_admin.is_(True))) or 0
