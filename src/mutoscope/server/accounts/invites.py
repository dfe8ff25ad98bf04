"""Invite codes: each member's four, redeeming one exactly once, and the codes admins make for the waitlist.

Codes are 10 characters from a 31-symbol alphabet without look-alikes (0/O, 1/I/L): 49 random bits, so guessing
one is hopeless even before sign-up attempts are rate limited. People may type them with spaces, dashes or in
lower case. Redeeming is one conditional UPDATE (`… WHERE used_at IS NULL`), so two sign-ups racing for the
same code cannot both win, on SQLite or PostgreSQL.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session, aliased

from mutoscope.db import utcnow
from mutoscope.server.accounts.models import InviteCode, User

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_CHARS = 10


class CodeStatus(StrEnum):
    VALID = "valid"
    MISSING = "missing"  # no code was given
    UNKNOWN = "unknown"
    USED = "used"
    RESERVED = "reserved"  # made for another email's waitlist admission


@dataclass(frozen=True, slots=True)
class InviteView:
    code: str
    created_at_s: int
    used_at_s: int | None
    used_by_handle: str | None


def normalize_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").upper()


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_CHARS))


def issue_member_invites(session: Session, user: User, count: int) -> None:
    """Give `user` their `count` invite codes, once: a member who already has codes gets no more."""
    has_any = session.scalar(
        select(func.count()).select_from(InviteCode).where(InviteCode.owner_id == user.id)
    )
    if has_any:
        return
    session.add_all(InviteCode(code=new_code(), owner_id=user.id) for _ in range(count))
    session.flush()


def issue_reserved_invite(session: Session, email: str) -> InviteCode:
    """An owner-less code only `email` can redeem (an admin's admission from the waitlist)."""
    invite = InviteCode(code=new_code(), owner_id=None, reserved_email=email)
    session.add(invite)
    session.flush()
    return invite


def code_status(session: Session, code: str | None, email: str) -> CodeStatus:
    if not code:
        return CodeStatus.MISSING
    invite = session.get(InviteCode, normalize_code(code))
    if invite is None:
        return CodeStatus.UNKNOWN
    if invite.used_at is not None:
        return CodeStatus.USED
    if invite.reserved_email is not None and invite.reserved_email != email:
        return CodeStatus.RESERVED
    return CodeStatus.VALID


def redeem(session: Session, code: str, *, user_id: str, email: str) -> InviteCode | None:
    """Spend `code` for the new user `user_id`; None if someone else spent it first (or it is not theirs)."""
    normalized = normalize_code(code)
    result = session.execute(
        update(InviteCode)
        .where(
            InviteCode.code == normalized,
            InviteCode.used_at.is_(None),
            or_(InviteCode.reserved_email.is_(None), InviteCode.reserved_email == email),
        )
        .values(used_by_id=user_id, used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        return None
    return session.get(InviteCode, normalized, populate_existing=True)


def member_invites(session: Session, user_id: str) -> list[InviteView]:
    invitee = aliased(User)
    rows = session.execute(
        select(InviteCode, invitee.handle)
        .outerjoin(invitee, invitee.id == InviteCode.used_by_id)
        .where(InviteCode.owner_id == user_id)
        .order_by(InviteCode.created_at, InviteCode.code)
    ).all()
    return [
        InviteView(
            code=invite.code,
            created_at_s=int(invite.created_at.timestamp()),
            used_at_s=int(invite.used_at.timestamp()) if invite.used_at is not None else None,
            used_by_handle=handle,
        )
        for invite, handle in rows
    ]
