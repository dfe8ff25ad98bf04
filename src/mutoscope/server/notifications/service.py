"""Recording notifications and reading them back.

`notify()` is called by whoever owns the event, inside the transaction that makes it true (a follow, a remix
post, a finished generation), so a notification exists exactly when its event committed. Nobody is notified of
their own actions. Reading leaves out notifications caused by someone the reader has blocked or who blocked
them, so a block also silences its past noise.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from mutoscope.db import utcnow
from mutoscope.errors import InvalidRequestError, NotFoundError
from mutoscope.ids import new_id
from mutoscope.server.accounts.auth import Principal
from mutoscope.server.notifications.models import Notification
from mutoscope.server.notifications.schemas import MarkedRead, MarkRead, NotificationList, NotificationView
from mutoscope.server.posts import paging
from mutoscope.server.posts.views import user_ref, users_by_id
from mutoscope.server.runtime import Runtime
from mutoscope.server.social.service import blocked_ids_either_way

INVITE_ACCEPTED: Final = "invite_accepted"
NEW_FOLLOWER: Final = "new_follower"
REMIX: Final = "remix"
CHARACTER_USED: Final = "character_used"
CHARACTER_VIDEO_DELETED: Final = "character_video_deleted"  # a character's owner deleted your video using it
GENERATION_FINISHED: Final = "generation_finished"
TAKEDOWN: Final = "takedown"  # a moderator took down something of yours (subject: the takedown)
APPEAL_DECIDED: Final = "appeal_decided"  # your appeal was decided (subject: the appeal; data.status)
KINDS = frozenset(
    {
        INVITE_ACCEPTED,
        NEW_FOLLOWER,
        REMIX,
        CHARACTER_USED,
        CHARACTER_VIDEO_DELETED,
        GENERATION_FINISHED,
        TAKEDOWN,
        APPEAL_DECIDED,
    }
)
MAX_MARK_IDS = 100


def notify(
    session: Session,
    *,
    user_id: str,
    kind: str,
    actor_id: str | None = None,
    subject_id: str | None = None,
    data: Mapping[str, Any] | None = None,
) -> Notification | None:
    """Tell `user_id` that `kind` happened (in the caller's transaction); None when the actor is the user.

    kinds: invite_accepted (subject: the new member), new_follower, remix (subject: the remix post;
    data.remixed_post_id), character_used (subject: the video), generation_finished (subject: the video;
    data.status).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}; known: {sorted(KINDS)}")
    if actor_id is not None and actor_id == user_id:
        return None
    notification = Notification(
        id=new_id("ntf"),
        user_id=user_id,
        kind=kind,
        actor_id=actor_id,
        subject_id=subject_id,
        data=dict(data or {}),
        created_at=utcnow(),
    )
    session.add(notification)
    return notification


class NotificationService:
    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    def list(
        self, principal: Principal, *, unread_only: bool, before: str | None, limit: int
    ) -> NotificationList:
        paging.check_limit(limit)
        with self._rt.db.session() as session:
            blocked = blocked_ids_either_way(session, principal.user_id)
            query = select(Notification).where(Notification.user_id == principal.user_id)
            if blocked:
                query = query.where(
                    Notification.actor_id.is_(None) | Notification.actor_id.not_in(list(blocked))
                )
            unread = session.scalar(
                select(func.count()).select_from(query.where(Notification.read_at.is_(None)).subquery())
            )
            if unread_only:
                query = query.where(Notification.read_at.is_(None))
            cursor = paging.cursor_at(
                session, Notification, before, "before", visible=lambda n: n.user_id == principal.user_id
            )
            rows = list(
                session.scalars(
                    paging.page(query, Notification.created_at, Notification.id, cursor=cursor, limit=limit)
                )
            )
            shown = rows[:limit]
            actors = users_by_id(session, [n.actor_id for n in shown if n.actor_id is not None])
            data = [
                NotificationView(
                    id=n.id,
                    kind=n.kind,
                    actor=user_ref(actors[n.actor_id]) if n.actor_id in actors else None,
                    subject_id=n.subject_id,
                    data=n.data,
                    created_at=n.created_at,
                    read=n.read_at is not None,
                )
                for n in shown
            ]
        return NotificationList(
            data=data,
            unread_count=unread or 0,
            has_more=len(rows) > limit,
            next_before=data[-1].id if data else None,
        )

    def mark_read(self, principal: Principal, request: MarkRead) -> MarkedRead:
        """Mark the given notifications (or all of them) read; an id that is not the caller's is a 404."""
        if (request.ids is None) == (not request.all):
            raise InvalidRequestError(
                "Send either 'ids' (a list of notification ids) or 'all': true.", param="ids"
            )
        with self._rt.db.write_session() as session:
            mine = Notification.user_id == principal.user_id
            query = update(Notification).where(mine, Notification.read_at.is_(None))
            if request.ids is not None:
                found = set(
                    session.scalars(select(Notification.id).where(mine, Notification.id.in_(request.ids)))
                )
                missing = [ident for ident in request.ids if ident not in found]
                if missing:
                    raise NotFoundError(f"No notification found with id '{missing[0]}'.", param="ids")
                query = query.where(Notification.id.in_(request.ids))
            updated = session.execute(query.values(read_at=utcnow())).rowcount  # type: ignore[attr-defined]
            unread = session.scalar(
                select(func.count()).select_from(Notification).where(mine, Notification.read_at.is_(None))
            )
        return MarkedRead(marked=int(updated), unread_count=unread or 0)
