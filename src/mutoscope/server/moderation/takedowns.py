"""Takedowns: an admin removes a post, video, character or comment from view, and the owner is told.

What a takedown does depends on the target: a post is hidden (its author and admins still see it, as
`posts.visibility` rules); a video's post, if it has one, is hidden; a character can no longer be cast
(`screening` refuses it); a comment is deleted (through `posts.counters`, so its post's count stays right) and
cannot be restored. The owner gets a `takedown` notification in the same transaction, and the action is
audited. Restoring reverses a hide; it is what an overturned appeal does too.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from mutoscope.db import utcnow
from mutoscope.errors import ConflictError, InvalidRequestError, NotFoundError
from mutoscope.ids import new_id
from mutoscope.server.accounts.auth import Principal
from mutoscope.server.characters.models import Character
from mutoscope.server.generations.models import Video
from mutoscope.server.moderation.audit import audit
from mutoscope.server.moderation.models import Takedown
from mutoscope.server.moderation.schemas import TakedownList, TakedownView
from mutoscope.server.notifications.service import TAKEDOWN, notify
from mutoscope.server.posts import counters, paging
from mutoscope.server.posts.models import Comment, Post
from mutoscope.server.runtime import Runtime


@dataclass(frozen=True, slots=True)
class Target:
    target_type: str
    target_id: str
    owner_id: str


def find_target(session: Session, target_type: str, target_id: str) -> Target:
    """The thing to take down and its owner; `NotFoundError` when it does not exist."""
    owner: str | None = None
    if target_type == "post":
        post = session.get(Post, target_id)
        owner = post.author_id if post is not None else None
    elif target_type == "video":
        video = session.get(Video, target_id)
        owner = video.owner_id if video is not None else None
    elif target_type == "character":
        character = session.get(Character, target_id)
        owner = character.owner_id if character is not None else None
    elif target_type == "comment":
        comment = session.get(Comment, target_id)
        owner = comment.author_id if comment is not None else None
    else:
        raise InvalidRequestError(
            f"A {target_type} cannot be taken down; take down its posts, videos, characters or comments.",
            param="target_type",
        )
    if owner is None:
        raise NotFoundError(f"No {target_type} found with id '{target_id}'.", param="target_id")
    return Target(target_type, target_id, owner)


def take_down(session: Session, admin: Principal, target: Target, *, policy: str, reason: str) -> Takedown:
    """Apply and record a takedown in `session`; an active takedown of the same thing is returned as is."""
    existing = session.scalars(
        select(Takedown).where(
            Takedown.target_type == target.target_type,
            Takedown.target_id == target.target_id,
            Takedown.active.is_(True),
        )
    ).first()
    if existing is not None:
        return existing
    takedown = Takedown(
        id=new_id("tkd"),
        target_type=target.target_type,
        target_id=target.target_id,
        owner_id=target.owner_id,
        policy=policy,
        reason=reason,
        created_by=admin.user_id,
    )
    session.add(takedown)
    _apply(session, target, hidden=True)
    session.flush()
    notify(
        session,
        user_id=target.owner_id,
        kind=TAKEDOWN,
        actor_id=admin.user_id,
        subject_id=takedown.id,
        data={
            "target_type": target.target_type,
            "target_id": target.target_id,
            "policy": policy,
            "reason": reason,
        },
    )
    audit(
        session,
        admin,
        "takedown",
        target.target_type,
        target.target_id,
        data={"takedown_id": takedown.id, "policy": policy, "reason": reason},
    )
    return takedown


def restore(
    session: Session, admin: Principal, takedown: Takedown, *, note: str, via: str = "restore"
) -> None:
    if not takedown.active:
        raise ConflictError(f"Takedown '{takedown.id}' was already reversed.", param="takedown_id")
    if takedown.target_type == "comment":
        raise ConflictError("A taken-down comment was deleted and cannot be restored.", param="takedown_id")
    takedown.active = False
    takedown.restored_at = utcnow()
    target = Target(takedown.target_type, takedown.target_id, takedown.owner_id)
    _apply(session, target, hidden=False)
    audit(
        session,
        admin,
        via,
        takedown.target_type,
        takedown.target_id,
        data={"takedown_id": takedown.id, "note": note},
    )


def _apply(session: Session, target: Target, *, hidden: bool) -> None:
    if target.target_type == "post":
        post = session.get(Post, target.target_id)
        if post is not None:
            post.hidden = hidden
    elif target.target_type == "video":
        post = session.scalars(select(Post).where(Post.video_id == target.target_id)).first()
        if post is not None:
            post.hidden = hidden
    elif target.target_type == "comment" and hidden:
        comment = session.get(Comment, target.target_id)
        if comment is not None:
            counters.remove_comment(session, comment)
    # A character needs no change here: screening refuses any character with an active takedown.


def takedown_view(takedown: Takedown) -> TakedownView:
    return TakedownView(
        id=takedown.id,
        target_type=takedown.target_type,
        target_id=takedown.target_id,
        owner_id=takedown.owner_id,
        policy=takedown.policy,
        reason=takedown.reason,
        active=takedown.active,
        created_at=takedown.created_at,
        restored_at=takedown.restored_at,
    )


class TakedownService:
    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    def create(
        self, admin: Principal, target_type: str, target_id: str, *, policy: str, reason: str
    ) -> TakedownView:
        with self._rt.db.write_session() as session:
            target = find_target(session, target_type, target_id)
            return takedown_view(take_down(session, admin, target, policy=policy, reason=reason))

    def restore(self, admin: Principal, takedown_id: str, *, note: str) -> TakedownView:
        with self._rt.db.write_session() as session:
            takedown = session.get(Takedown, takedown_id)
            if takedown is None:
                raise NotFoundError(f"No takedown found with id '{takedown_id}'.", param="takedown_id")
            restore(session, admin, takedown, note=note)
            return takedown_view(takedown)

    def list(self, *, active_only: bool, before: str | None, limit: int) -> TakedownList:
        paging.check_limit(limit)
        with self._rt.db.session() as session:
            query = select(Takedown)
            if active_only:
                query = query.where(Takedown.active.is_(True))
            cursor = paging.cursor_at(session, Takedown, before, "before")
            rows = list(
                session.scalars(
                    paging.page(query, Takedown.created_at, Takedown.id, cursor=cursor, limit=limit)
                )
            )
            return TakedownList(data=[takedown_view(t) for t in rows[:limit]], has_more=len(rows) > limit)
