"""Reports: a user flags a post, comment, profile or character for review (the moderation issue adds the queue).

A report names something the reporter can see, never their own. Reporting the same thing twice while the first
report is open returns that report rather than piling up duplicates. A post is hidden from everyone but its
author and admins once `HIDE_AFTER_REPORTERS` different people have open reports on it, or at once when an admin
reports it, so a clear problem stops spreading before a moderator gets to it.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mutoscope.errors import InvalidRequestError, NotFoundError
from mutoscope.ids import new_id
from mutoscope.server.accounts.auth import Principal
from mutoscope.server.accounts.models import User
from mutoscope.server.characters.models import Character
from mutoscope.server.posts.models import Comment, Post, Report
from mutoscope.server.posts.schemas import ReportRequest, ReportView
from mutoscope.server.posts.visibility import blocked_authors, visible_post
from mutoscope.server.runtime import Runtime

HIDE_AFTER_REPORTERS = 3
OPEN = "open"


class ReportService:
    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    def create(self, principal: Principal, request: ReportRequest) -> ReportView:
        with self._rt.db.write_session() as session:
            owner = _target_owner(session, principal, request.target_type, request.target_id)
            if owner == principal.user_id:
                raise InvalidRequestError(
                    f"You cannot report your own {request.target_type}.", param="target_id"
                )
            existing = session.scalar(
                select(Report).where(
                    Report.reporter_id == principal.user_id,
                    Report.target_type == request.target_type,
                    Report.target_id == request.target_id,
                    Report.status == OPEN,
                )
            )
            if existing is not None:
                return _view(existing)
            report = Report(
                id=new_id("rpt"),
                reporter_id=principal.user_id,
                target_type=request.target_type,
                target_id=request.target_id,
                reason=request.reason,
                details=request.details,
                status=OPEN,
            )
            session.add(report)
            session.flush()
            if request.target_type == "post":
                _hide_if_reported_enough(session, principal, request.target_id)
            return _view(report)


def _target_owner(session: Session, principal: Principal, target_type: str, target_id: str) -> str:
    """Who owns the reported thing; `NotFoundError` when it does not exist or the reporter cannot see it."""
    missing = NotFoundError(f"No {target_type} found with id '{target_id}'.", param="target_id")
    if target_type == "post":
        try:
            return visible_post(session, principal, target_id, param="target_id").author_id
        except NotFoundError:
            raise missing from None
    if target_type == "comment":
        comment = session.get(Comment, target_id)
        if comment is None or comment.author_id in blocked_authors(session, principal):
            raise missing
        try:
            visible_post(session, principal, comment.post_id)
        except NotFoundError:
            raise missing from None
        return comment.author_id
    if target_type == "profile":
        # Someone who blocked the reporter can still be reported: blocking is often the harasser's last move.
        user = session.get(User, target_id)
        if user is None:
            raise missing
        return user.id
    character = session.get(Character, target_id)
    if character is None:
        raise missing
    return character.owner_id


def _hide_if_reported_enough(session: Session, principal: Principal, post_id: str) -> None:
    reporters = session.scalar(
        select(func.count(func.distinct(Report.reporter_id))).where(
            Report.target_type == "post", Report.target_id == post_id, Report.status == OPEN
        )
    )
    if principal.is_admin or (reporters or 0) >= HIDE_AFTER_REPORTERS:
        post = session.get(Post, post_id)
        if post is not None:
            post.hidden = True


def _view(report: Report) -> ReportView:
    return ReportView(
        id=report.id,
        target_type=report.target_type,
        target_id=report.target_id,
        reason=report.reason,
        details=report.details,
        status=report.status,
        created_at=report.created_at,
    )
