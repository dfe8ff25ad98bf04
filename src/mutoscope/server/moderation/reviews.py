"""The admin review queue: screening decisions sent to review, and users' open reports, oldest first.

Reports are the posts domain's `reports` rows (users report posts, comments, profiles and characters there);
the queue shows one item per report with the number of open reports on the same target, so a pile-on is
visible. Deciding an item: `approve`/`dismiss` closes it (a decision becomes approved; the target's open reports
are dismissed), `takedown` takes the target down (a decision's video, a report's post/comment/character) and
closes every open report on it. Each decision is audited.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from mutoscope.db import utcnow
from mutoscope.errors import ConflictError, InvalidRequestError, NotFoundError
from mutoscope.server.accounts.auth import Principal
from mutoscope.server.moderation.audit import audit
from mutoscope.server.moderation.decisions import record_output_decisions
from mutoscope.server.moderation.models import ModerationDecision
from mutoscope.server.moderation.schemas import ReviewDecisionRequest, ReviewItem, ReviewOutcome, ReviewQueue
from mutoscope.server.moderation.screening import PENDING
from mutoscope.server.moderation.takedowns import Target, find_target, take_down, takedown_view
from mutoscope.server.posts import paging
from mutoscope.server.posts.models import Report
from mutoscope.server.posts.views import user_ref, users_by_id
from mutoscope.server.runtime import Runtime

OPEN: Final = "open"


class ReviewService:
    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    def queue(self, *, limit: int) -> ReviewQueue:
        paging.check_limit(limit)
        with self._rt.db.write_session() as session:
            record_output_decisions(session)
        with self._rt.db.session() as session:
            decisions = list(
                session.scalars(
                    select(ModerationDecision)
                    .where(ModerationDecision.review_status == PENDING)
                    .order_by(ModerationDecision.created_at, ModerationDecision.id)
                    .limit(limit + 1)
                )
            )
            reports = list(
                session.scalars(
                    select(Report)
                    .where(Report.status == OPEN)
                    .order_by(Report.created_at, Report.id)
                    .limit(limit + 1)
                )
            )
            pile = _open_reports_by_target(session, reports)
            users = users_by_id(session, [d.user_id for d in decisions] + [r.reporter_id for r in reports])
            items = [
                ReviewItem(
                    id=d.id,
                    kind="decision",
                    created_at=d.created_at,
                    target_type="video" if d.video_id else "prompt",
                    target_id=d.video_id or d.id,
                    policy=d.policy,
                    reasons=[str(r) for r in d.reasons],
                    text=d.prompt,
                    user=user_ref(users[d.user_id]) if d.user_id in users else None,
                )
                for d in decisions
            ] + [
                ReviewItem(
                    id=r.id,
                    kind="report",
                    created_at=r.created_at,
                    target_type=r.target_type,
                    target_id=r.target_id,
                    policy=r.reason,
                    reasons=[r.reason],
                    text=r.details,
                    user=user_ref(users[r.reporter_id]) if r.reporter_id in users else None,
                    open_reports=pile.get((r.target_type, r.target_id), 1),
                )
                for r in reports
            ]
        items.sort(key=lambda item: (item.created_at, item.id))
        return ReviewQueue(data=items[:limit], has_more=len(items) > limit)

    def decide(self, admin: Principal, item_id: str, body: ReviewDecisionRequest) -> ReviewOutcome:
        with self._rt.db.write_session() as session:
            decision = session.get(ModerationDecision, item_id)
            if decision is not None:
                return _decide_decision(session, admin, decision, body)
            report = session.get(Report, item_id)
            if report is not None:
                return _decide_report(session, admin, report, body)
        raise NotFoundError(f"No review item found with id '{item_id}'.", param="item_id")


def _decide_decision(
    session: Session, admin: Principal, decision: ModerationDecision, body: ReviewDecisionRequest
) -> ReviewOutcome:
    if decision.review_status != PENDING:
        raise ConflictError(f"Decision '{decision.id}' is not waiting for review.", param="item_id")
    decision.reviewed_by = admin.user_id
    decision.reviewed_at = utcnow()
    takedown = None
    if body.action == "takedown":
        decision.review_status = "removed"
        if decision.video_id is not None:
            target = _existing_target(session, "video", decision.video_id)
            if target is not None:
                takedown = take_down(
                    session,
                    admin,
                    target,
                    policy=body.policy or decision.policy,
                    reason=body.note or "review",
                )
    else:
        decision.review_status = "approved"
    audit(session, admin, f"review.{body.action}", "decision", decision.id, data={"note": body.note})
    return ReviewOutcome(
        id=decision.id,
        kind="decision",
        action=body.action,
        takedown=takedown_view(takedown) if takedown is not None else None,
    )


def _decide_report(
    session: Session, admin: Principal, report: Report, body: ReviewDecisionRequest
) -> ReviewOutcome:
    if report.status != OPEN:
        raise ConflictError(f"Report '{report.id}' was already handled ({report.status}).", param="item_id")
    takedown = None
    status = "dismissed"
    if body.action == "takedown":
        if report.target_type == "profile":
            raise InvalidRequestError(
                "A profile cannot be taken down; dismiss the report, or take down the profile's posts.",
                param="action",
            )
        target = find_target(session, report.target_type, report.target_id)
        takedown = take_down(
            session, admin, target, policy=body.policy or report.reason, reason=body.note or report.reason
        )
        status = "actioned"
    session.execute(
        update(Report)
        .where(
            Report.target_type == report.target_type,
            Report.target_id == report.target_id,
            Report.status == OPEN,
        )
        .values(status=status)
    )
    audit(
        session,
        admin,
        f"review.{body.action}",
        "report",
        report.id,
        data={"note": body.note, "status": status},
    )
    return ReviewOutcome(
        id=report.id,
        kind="report",
        action=body.action,
        takedown=takedown_view(takedown) if takedown is not None else None,
    )


def _existing_target(session: Session, target_type: str, target_id: str) -> Target | None:
    try:
        return find_target(session, target_type, target_id)
    except NotFoundError:
        return None  # the owner deleted it meanwhile: nothing left to take down


def _open_reports_by_target(session: Session, reports: list[Report]) -> dict[tuple[str, str], int]:
    if not reports:
        return {}
    rows = session.execute(
        select(Report.target_type, Report.target_id, func.count())
        .where(Report.status == OPEN, Report.target_id.in_({r.target_id for r in reports}))
        .group_by(Report.target_type, Report.target_id)
    )
    return {(kind, ident): int(count) for kind, ident, count in rows}
