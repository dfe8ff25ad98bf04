"""What the accounts endpoints return (`/api/auth`, `/api/me`, `/api/admin`): plain JSON objects."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from mutoscope.server.accounts.age import is_teen
from mutoscope.server.accounts.invites import InviteView
from mutoscope.server.accounts.models import User, WaitlistEntry


class MeObject(BaseModel):
    id: str
    handle: str
    display_name: str
    email: str | None
    birthday: str | None
    is_teen: bool
    is_admin: bool
    bio: str
    avatar_url: str | None
    created_at: int
    # Present when signed in with the session cookie: send it back as X-CSRF-Token on unsafe requests.
    csrf_token: str | None = None


class SignupJoined(BaseModel):
    status: Literal["active"] = "active"
    user: MeObject


class SignupWaitlisted(BaseModel):
    status: Literal["waitlisted"] = "waitlisted"
    waitlist_id: str
    reason: str  # why the invite route did not apply: missing | unknown | used | reserved
    detail: str


class InviteObject(BaseModel):
    code: str
    created_at: int
    used_at: int | None
    used_by: str | None  # the handle of whoever joined with it (None once they delete their account)


class InviteList(BaseModel):
    data: list[InviteObject]
    remaining: int


class SignupsState(BaseModel):
    open: bool


class SignupsChange(BaseModel):
    open: bool


class WaitlistEntryObject(BaseModel):
    id: str
    email: str
    handle: str
    created_at: int
    admitted_at: int | None
    invite_code: str | None


class WaitlistList(BaseModel):
    data: list[WaitlistEntryObject]
    last_id: str | None
    has_more: bool


class AccountDeleted(BaseModel):
    id: str
    handle: str
    deleted: bool = True
    blobs_deleted: int


def avatar_url(user: User) -> str | None:
    """Where the avatar is served; the blob's name in the query makes a new avatar a new URL (cache busting)."""
    if not user.avatar_blob:
        return None
    version = user.avatar_blob.rsplit("/", 1)[-1].split(".", 1)[0]
    return f"/api/profiles/{user.handle}/avatar?v={version}"


def me_object(user: User, *, csrf_token: str | None = None) -> MeObject:
    return MeObject(
        id=user.id,
        handle=user.handle,
        display_name=user.display_name,
        email=user.email,
        birthday=user.birthday.isoformat() if user.birthday is not None else None,
        is_teen=is_teen(user.birthday),
        is_admin=user.is_admin,
        bio=user.bio,
        avatar_url=avatar_url(user),
        created_at=int(user.created_at.timestamp()),
        csrf_token=csrf_token,
    )


def invite_object(view: InviteView) -> InviteObject:
    return InviteObject(
        code=view.code, created_at=view.created_at_s, used_at=view.used_at_s, used_by=view.used_by_handle
    )


def waitlist_object(entry: WaitlistEntry) -> WaitlistEntryObject:
    return WaitlistEntryObject(
        id=entry.id,
        email=entry.email,
        handle=entry.handle,
        created_at=int(entry.created_at.timestamp()),
        admitted_at=int(entry.admitted_at.timestamp()) if entry.admitted_at is not None else None,
        invite_code=entry.invite_code,
    )
