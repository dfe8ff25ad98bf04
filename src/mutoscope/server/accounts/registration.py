"""Joining: sign-up with an invite code (or freely while sign-ups are open), else the waitlist.

Every field is checked before anything is written: the handle (and that it is free and not reserved), the email,
the password policy and the birthday (13 or older; under 18 makes a teen account). Then:
- a valid invite code, or open sign-ups → the account is created with its own invite codes and a session;
- sign-ups closed and no usable code → the person joins the waitlist (no password is kept) until an admin
  admits them with a code reserved for their email.
The password is hashed before the write transaction opens, so the slow hash never holds SQLite's write lock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from pydantic import BaseModel, ConfigDict
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mutoscope.errors import ConflictError, InvalidRequestError
from mutoscope.ids import new_id
from mutoscope.server.accounts.age import parse_birthday
from mutoscope.server.accounts.invites import CodeStatus, code_status, issue_member_invites, redeem
from mutoscope.server.accounts.models import User, WaitlistEntry
from mutoscope.server.accounts.passwords import PasswordHashing, check_password_policy
from mutoscope.server.accounts.service import normalize_handle
from mutoscope.server.accounts.sessions import OpenedSession, open_session
from mutoscope.server.accounts.site import SIGNUPS_OPEN, read_flag
from mutoscope.server.notifications.service import INVITE_ACCEPTED, notify
from mutoscope.server.runtime import Runtime
from mutoscope.settings import AccountSettings

MAX_EMAIL_CHARS = 254
MAX_DISPLAY_NAME_CHARS = 80
# Words the web app uses in its own paths (/me, /settings…), or that would let someone pose as the operators.
RESERVED_HANDLES = frozenset(
    {"admin", "api", "me", "settings", "login", "logout", "signup", "mutoscope", "support", "help", "root"}
)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


class SignupBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    handle: str
    email: str
    password: str
    birthday: str
    invite_code: str | None = None
    display_name: str | None = None


@dataclass(frozen=True, slots=True)
class Joined:
    user: User
    session: OpenedSession
    inviter_id: str | None


@dataclass(frozen=True, slots=True)
class Waitlisted:
    entry_id: str
    reason: CodeStatus


@dataclass(frozen=True, slots=True)
class _Applicant:
    handle: str
    email: str
    password: str
    birthday: date
    invite_code: str | None
    display_name: str


@lru_cache(maxsize=4)
def password_hashing(time_cost: int, memory_kib: int) -> PasswordHashing:
    return PasswordHashing(time_cost=time_cost, memory_kib=memory_kib)


def hashing_for(settings: AccountSettings) -> PasswordHashing:
    return password_hashing(settings.password_time_cost, settings.password_memory_kib)


def normalize_email(value: str, *, param: str = "email") -> str:
    email = value.strip().lower()
    if len(email) > MAX_EMAIL_CHARS or not _EMAIL.match(email):
        raise InvalidRequestError(f"'{param}' must be an email address like name@example.com.", param=param)
    return email


def display_name_param(value: str | None, default: str, *, param: str = "display_name") -> str:
    name = (value or "").strip() or default
    if len(name) > MAX_DISPLAY_NAME_CHARS:
        raise InvalidRequestError(
            f"'{param}' must be at most {MAX_DISPLAY_NAME_CHARS} characters.", param=param
        )
    if any(ord(ch) < 32 for ch in name):
        raise InvalidRequestError(f"'{param}' must not contain control characters.", param=param)
    return name


def sign_up(rt: Runtime, body: SignupBody) -> Joined | Waitlisted:
    applicant = _applicant(body)
    settings = rt.settings.accounts
    with rt.db.session() as session:
        _check_free(session, applicant)
        status = code_status(session, applicant.invite_code, applicant.email)
        is_open = read_flag(session, SIGNUPS_OPEN, settings.signups_open)
    if status not in (CodeStatus.VALID, CodeStatus.MISSING) and is_open:
        raise InvalidRequestError(
            f"The invite code is not valid ({status.value}); sign-ups are open, so you may leave it out.",
            param="invite_code",
            code="invalid_invite_code",
        )
    if status is not CodeStatus.VALID and not is_open:
        return _join_waitlist(rt, applicant, status)
    password_hash = hashing_for(settings).hash(applicant.password)
    return _create_member(rt, applicant, password_hash, use_code=status is CodeStatus.VALID)


def create_member(
    session: Session,
    *,
    handle: str,
    email: str | None,
    password_hash: str | None,
    birthday: date | None,
    display_name: str,
    is_admin: bool,
    invites: int,
) -> User:
    """A new member with their invite codes (also used by `mutoscope users create`)."""
    user = User(
        id=new_id("user"),
        handle=handle,
        display_name=display_name,
        email=email,
        password_hash=password_hash,
        birthday=birthday,
        is_admin=is_admin,
    )
    session.add(user)
    try:
        session.flush()
    except IntegrityError:
        raise ConflictError(f"The handle @{handle} or that email is already taken.", param="handle") from None
    issue_member_invites(session, user, invites)
    return user


def _applicant(body: SignupBody) -> _Applicant:
    handle = normalize_handle(body.handle)
    if handle in RESERVED_HANDLES:
        raise InvalidRequestError(f"The handle @{handle} is reserved; pick another.", param="handle")
    email = normalize_email(body.email)
    password = check_password_policy(body.password)
    birthday = parse_birthday(body.birthday)
    display_name = display_name_param(body.display_name, handle)
    code = body.invite_code.strip() if body.invite_code else None
    return _Applicant(handle, email, password, birthday, code or None, display_name)


def _check_free(session: Session, applicant: _Applicant) -> None:
    if session.scalar(select(User.id).where(User.handle == applicant.handle)) is not None:
        raise ConflictError(f"The handle @{applicant.handle} is taken.", param="handle", code="handle_taken")
    if session.scalar(select(User.id).where(User.email == applicant.email)) is not None:
        raise ConflictError(
            "An account with that email already exists; sign in instead.", param="email", code="email_taken"
        )


def _create_member(rt: Runtime, applicant: _Applicant, password_hash: str, *, use_code: bool) -> Joined:
    settings = rt.settings.accounts
    with rt.db.write_session() as session:
        _check_free(session, applicant)  # again, inside the transaction: someone may have just taken them
        user = create_member(
            session,
            handle=applicant.handle,
            email=applicant.email,
            password_hash=password_hash,
            birthday=applicant.birthday,
            display_name=applicant.display_name,
            is_admin=False,
            invites=settings.invites_per_member,
        )
        inviter_id = None
        if use_code and applicant.invite_code is not None:
            invite = redeem(session, applicant.invite_code, user_id=user.id, email=applicant.email)
            if invite is None and not read_flag(session, SIGNUPS_OPEN, settings.signups_open):
                raise ConflictError(
                    "That invite code was used by someone else a moment ago.",
                    param="invite_code",
                    code="invite_code_used",
                )
            inviter_id = invite.owner_id if invite is not None else None
            if inviter_id is not None:
                notify(
                    session, user_id=inviter_id, kind=INVITE_ACCEPTED, actor_id=user.id, subject_id=user.id
                )
        # Their waitlist entry (with their email) has served its purpose.
        session.execute(delete(WaitlistEntry).where(WaitlistEntry.email == applicant.email))
        opened = open_session(session, user, ttl_s=settings.session_ttl_s)
    return Joined(user=user, session=opened, inviter_id=inviter_id)


def _join_waitlist(rt: Runtime, applicant: _Applicant, reason: CodeStatus) -> Waitlisted:
    with rt.db.write_session() as session:
        entry = session.scalar(select(WaitlistEntry).where(WaitlistEntry.email == applicant.email))
        if entry is None:
            entry = WaitlistEntry(id=new_id("wait"), email=applicant.email, handle=applicant.handle)
            session.add(entry)
        else:
            entry.handle = applicant.handle
        session.flush()
        return Waitlisted(entry_id=entry.id, reason=reason)
