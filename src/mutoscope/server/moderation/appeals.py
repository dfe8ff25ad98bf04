"""Appeals: an owner contests a takedown of their thing, or a block of their generation; an admin decides.

One appeal per takedown or decision (a second is a conflict), only by its owner, only against something that
still stands (an active takedown; a blocked, or reviewed-and-removed, decision). `overturned` restores a
taken-down thing, or marks the blocked decision overturned so the same prompt passes for that user next time;
`upheld` leaves things as they are. Either way the owner is notified and the decision is audited.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from mutoscope.db import utcnow
from mutoscope.errors import ConflictError, NotFoundError
from mutoscope.ids import new_id
from mutoscope.server.accounts.auth import Principal
from mutoscope.server.moderation.audit import audit
from mutoscope.server.moderation.models import Appeal, ModerationDecision, Takedown
from mutoscope.server.moderation.schemas import AppealDecisionRequest, AppealList, AppealRequest, AppealView
from mutoscope.server.moderation.takedowns import restore
from mutoscope.server.notifications.service import APPEAL_DECIDED, notify
from mutoscope.server.posts import paging
from mutoscope.server.posts.schemas import UserRef
from mutoscope.server.posts.views import user_ref, users_by_id
from mutoscope.server.runtime import Runtime

OPEN = "open"


class AppealService:
    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    def create(self, principal: Principal, body: AppealRequest) -> AppealView:
        with self._rt.db.write_session() as session:
            _check_subject(session, principal, body.subject_type, body.subject_id)
            if session.scalars(select(Appeal.id).where(Appeal.subject_id == body.subject_id)).first():
                raise ConflictError(
                    f"This {body.subject_type} was already appealed; an appeal is decided once.",
                    param="subject_id",
                )
            appeal = Appeal(
                id=new_id("apl"),
                user_id=principal.user_id,
                subject_type=body.subject_type,
                subject_id=body.subject_id,
                message=body.message,
            )
            session.add(appeal)
            session.flush()
            return appeal_view(appeal)

    def mine(self, principal: Principal) -> list[AppealView]:
        with self._rt.db.session() as session:
            rows = session.scalars(
                select(Appeal).where(Appeal.user_id == principal.user_id).order_by(Appeal.created_at.desc())
            )
            return [appeal_view(a) for a in rows]

    def list(self, *, status: str | None, before: str | None, limit: int) -> AppealList:
        paging.check_limit(limit)
        with self._rt.db.session() as session:
            query = select(Appeal)
            if status is not None:
                query = query.where(Appeal.status == status)
            cursor = paging.cursor_at(session, Appeal, before, "before")
            rows = list(
                session.scalars(paging.page(query, Appeal.created_at, Appeal.id, cursor=cursor, limit=limit))
            )
            users = users_by_id(session, [a.user_id for a in rows])
            data = [
                appeal_view(a, user_ref(users[a.user_id]) if a.user_id in users else None)
                for a in rows[:limit]
            ]
        return AppealList(data=data, has_more=len(rows) > limit)

    def decide(self, admin: Principal, appeal_id: str, body: AppealDecisionRequest) -> AppealView:
        with self._rt.db.write_session() as session:
            appeal = session.get(Appeal, appeal_id)
            if appeal is None:
                raise NotFoundError(f"No appeal found with id '{appeal_id}'.", param="appeal_id")
            if appeal.status != OPEN:
                raise ConflictError(
                    f"Appeal '{appeal_id}' was already decided ({appeal.status}).", param="appeal_id"
                )
            if body.outcome == "overturned":
                _overturn(session, admin, appeal, body.note)
            appeal.status = body.outcome
            appeal.note = body.note
            appeal.decided_by = admin.user_id
            appeal.decided_at = utcnow()
            notify(
                session,
                user_id=appeal.user_id,
                kind=APPEAL_DECIDED,
                actor_id=admin.user_id,
                subject_id=appeal.id,
                data={
                    "status": body.outcome,
                    "subject_type": appeal.subject_type,
                    "subject_id": appeal.subject_id,
                },
            )
            audit(session, admin, f"appeal.{body.outcome}", "appeal", appeal.id, data={"note": body.note})
            return appeal_view(appeal)


def _check_subject(session: Session, principal: Principal, subject_type: str, subject_id: str) -> None:
    missing = NotFoundError(f"No {subject_type} of yours found with id '{subject_id}'.", param="subject_id")
    if subject_type == "takedown":
        takedown = session.get(Takedown, subject_id)
        if takedown is None or takedown.owner_id != principal.user_id:
            raise missing
        if not takedown.active:
            raise ConflictError("This takedown was already reversed.", param="subject_id")
        return
    decision = session.get(ModerationDecision, subject_id)
    if decision is None or decision.user_id != principal.user_id:
        raise missing
    if decision.action != "block" and decision.review_status != "removed":
        raise ConflictError("Only a blocked or removed generation can be appealed.", param="subject_id")


def _overturn(session: Session, admin: Principal, appeal: Appeal, note: str) -> None:
    if appeal.subject_type == "takedown":
        takedown = session.get(Takedown, appeal.subject_id)
        if takedown is not None and takedown.active:
            restore(session, admin, takedown, note=note, via="appeal.restore")
        return
    decision = session.get(ModerationDecision, appeal.subject_id)
    if decision is not None:
        decision.overturned = True


def appeal_view(appeal: Appeal, user: UserRef | None = None) -> AppealView:
    return AppealView(
        id=appeal.id,
        subject_type=appeal.subject_type,
        subject_id=appeal.subject_id,
        message=appeal.message,
        status=appeal.status,
        note=appeal.note,
        created_at=appeal.created_at,
        decided_at=appeal.decided_at,
        user=user,
    )
