"""What the admin page shows: the sign-up switch, the waitlist, the admin's invite codes, open reports and the
review queue (posts hidden by reports, waiting for a moderator's decision)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from mutoscope.server.accounts import waitlist
from mutoscope.server.accounts.auth import Principal
from mutoscope.server.accounts.invites import InviteView, issue_member_invites, member_invites
from mutoscope.server.accounts.models import User, WaitlistEntry
from mutoscope.server.posts.models import Comment, Post, Report
from mutoscope.server.runtime import Runtime

SHOWN = 100


@dataclass(frozen=True, slots=True)
class ReportRow:
    id: str
    target_type: str
    target_id: str
    reason: str
    details: str
    reporter: str
    created_at: datetime
    link: str | None


@dataclass(frozen=True, slots=True)
class HiddenPost:
    id: str
    author: str
    caption: str
    created_at: datetime
    open_reports: int


@dataclass(frozen=True, slots=True)
class Desk:
    signups_open: bool
    waitlist: tuple[WaitlistEntry, ...]  # waiting and admitted (an admitted entry shows its code)
    invites: tuple[InviteView, ...]
    reports: tuple[ReportRow, ...]
    review: tuple[HiddenPost, ...]


def desk(state: Runtime, admin: Principal) -> Desk:
    entries = waitlist.list_waitlist(state, status="all", after=None, limit=SHOWN).entries
    with state.db.session() as session:
        invites = member_invites(session, admin.user_id)
        reports = session.execute(
            select(Report, User.handle)
            .join(User, User.id == Report.reporter_id)
            .where(Report.status == "open")
            .order_by(Report.created_at.desc())
            .limit(SHOWN)
        ).all()
        rows = tuple(
            ReportRow(
                r.id, r.target_type, r.target_id, r.reason, r.details, handle, r.created_at, _link(session, r)
            )
            for r, handle in reports
        )
        hidden = session.execute(
            select(Post, User.handle)
            .join(User, User.id == Post.author_id)
            .where(Post.hidden.is_(True))
            .order_by(Post.created_at.desc())
            .limit(SHOWN)
        ).all()
        counts: dict[str, int] = {}
        for report, _ in reports:
            if report.target_type == "post":
                counts[report.target_id] = counts.get(report.target_id, 0) + 1
        review = tuple(
            HiddenPost(p.id, handle, p.caption, p.created_at, counts.get(p.id, 0)) for p, handle in hidden
        )
    if not invites:
        with state.db.write_session() as session:
            user = session.get(User, admin.user_id)
            if user is not None:
                issue_member_invites(session, user, state.settings.accounts.invites_per_member)
            invites = member_invites(session, admin.user_id)
    return Desk(waitlist.signups_open(state), tuple(entries), tuple(invites), rows, review)


def _link(session: Session, report: Report) -> str | None:
    """Where the reported thing can be looked at."""
    if report.target_type == "post":
        return f"/p/{report.target_id}"
    if report.target_type == "comment":
        comment = session.get(Comment, report.target_id)
        return f"/p/{comment.post_id}#{comment.id}" if comment is not None else None
    if report.target_type == "profile":
        user = session.get(User, report.target_id)
        return f"/@{user.handle}" if user is not None else None
    return None
