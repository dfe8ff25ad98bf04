"""What the admin page shows: the sign-up switch, the waitlist (with the codes admitted people join with), the
admin's own invite codes, and the moderation review queue (screening decisions sent to review and open user
reports, from the moderation service), each item with a link to what it is about."""

from __future__ import annotations

from dataclasses import dataclass

from mutoscope.server.accounts import waitlist
from mutoscope.server.accounts.auth import Principal
from mutoscope.server.accounts.invites import InviteView, issue_member_invites, member_invites
from mutoscope.server.accounts.models import User, WaitlistEntry
from mutoscope.server.moderation.reviews import ReviewService
from mutoscope.server.moderation.schemas import ReviewItem
from mutoscope.server.runtime import Runtime

SHOWN = 50


@dataclass(frozen=True, slots=True)
class Desk:
    signups_open: bool
    waitlist: tuple[WaitlistEntry, ...]  # waiting and admitted (an admitted entry shows its code)
    invites: tuple[InviteView, ...]
    review: tuple[ReviewItem, ...]
    more_to_review: bool


def desk(state: Runtime, admin: Principal) -> Desk:
    entries = waitlist.list_waitlist(state, status="all", after=None, limit=SHOWN).entries
    with state.db.session() as session:
        invites = member_invites(session, admin.user_id)
    if not invites:  # as GET /api/me/invites does for members made before invites existed
        with state.db.write_session() as session:
            user = session.get(User, admin.user_id)
            if user is not None:
                issue_member_invites(session, user, state.settings.accounts.invites_per_member)
            invites = member_invites(session, admin.user_id)
    queue = ReviewService(state).queue(limit=SHOWN)
    return Desk(
        waitlist.signups_open(state), tuple(entries), tuple(invites), tuple(queue.data), queue.has_more
    )


def target_link(item: ReviewItem) -> str | None:
    """Where the reviewed thing can be looked at (comments and characters have no page of their own)."""
    if item.target_type == "post":
        return f"/p/{item.target_id}"
    if item.target_type == "video":
        return f"/videos/{item.target_id}"
    return None
