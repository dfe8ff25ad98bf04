"""The waitlist as admins see it: who is waiting, admitting them (an invite code reserved for their email), and
the switch that opens sign-ups to everyone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from mutoscope.db import utcnow
from mutoscope.errors import InvalidRequestError, NotFoundError
from mutoscope.server.accounts.invites import issue_reserved_invite
from mutoscope.server.accounts.models import InviteCode, WaitlistEntry
from mutoscope.server.accounts.site import SIGNUPS_OPEN, read_flag, write_setting
from mutoscope.server.runtime import Runtime

Status = Literal["waiting", "admitted", "all"]
MAX_PAGE = 100


@dataclass(frozen=True, slots=True)
class WaitlistPage:
    entries: list[WaitlistEntry]
    has_more: bool


def signups_open(rt: Runtime) -> bool:
    with rt.db.session() as session:
        return read_flag(session, SIGNUPS_OPEN, rt.settings.accounts.signups_open)


def set_signups_open(rt: Runtime, is_open: bool) -> bool:
    with rt.db.write_session() as session:
        write_setting(session, SIGNUPS_OPEN, is_open)
    return is_open


def list_waitlist(rt: Runtime, *, status: str, after: str | None, limit: int) -> WaitlistPage:
    if status not in ("waiting", "admitted", "all"):
        raise InvalidRequestError("'status' must be 'waiting', 'admitted' or 'all'.", param="status")
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidRequestError(f"'limit' must be between 1 and {MAX_PAGE}.", param="limit")
    with rt.db.session() as session:
        query = select(WaitlistEntry)
        if status == "waiting":
            query = query.where(WaitlistEntry.admitted_at.is_(None))
        elif status == "admitted":
            query = query.where(WaitlistEntry.admitted_at.is_not(None))
        if after is not None:
            cursor = session.get(WaitlistEntry, after)
            if cursor is None:
                raise InvalidRequestError(f"No waitlist entry '{after}' to page after.", param="after")
            key = tuple_(WaitlistEntry.created_at, WaitlistEntry.id)
            query = query.where(key > tuple_(cursor.created_at, cursor.id))
        rows = list(
            session.scalars(query.order_by(WaitlistEntry.created_at, WaitlistEntry.id).limit(limit + 1))
        )
    return WaitlistPage(entries=rows[:limit], has_more=len(rows) > limit)


def admit(rt: Runtime, entry_id: str) -> WaitlistEntry:
    """Admit a waiting person: they get an invite code only their email can use (the same one if admitted twice)."""
    with rt.db.write_session() as session:
        entry = session.get(WaitlistEntry, entry_id)
        if entry is None:
            raise NotFoundError(f"No waitlist entry '{entry_id}'.", param="id")
        if not _has_usable_code(session, entry):
            entry.invite_code = issue_reserved_invite(session, entry.email).code
        entry.admitted_at = entry.admitted_at or utcnow()
        session.flush()
        return entry


def _has_usable_code(session: Session, entry: WaitlistEntry) -> bool:
    if entry.invite_code is None:
        return False
    invite = session.get(InviteCode, entry.invite_code)
    return invite is not None and invite.used_at is None
