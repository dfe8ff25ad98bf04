"""Tables for users and how they get in: API keys, browser sessions, invite codes, the waitlist, the sign-up switch.

A key is stored only as its SHA-256 (keys are 192 random bits, so a plain hash is enough; a slow password hash
would make every API call slow) plus a short visible prefix so people can tell their keys apart. Session cookies
are treated the same way: the table holds the SHA-256 of the cookie's token, never the token.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mutoscope.db import Base, JsonDocument, UtcDateTime, utcnow


class User(Base):
    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    handle: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(80), default="")
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # The social app's account fields (API-only users made by `mutoscope keys create` have no password).
    email: Mapped[str | None] = mapped_column(String(254), unique=True, nullable=True)
    password_hash: Mapped[str | None] = mapped_column(String(255), nullable=True)  # argon2
    birthday: Mapped[date | None] = mapped_column(Date, nullable=True)  # under 18 → a teen account
    bio: Mapped[str] = mapped_column(Text, default="")
    avatar_blob: Mapped[str | None] = mapped_column(String(200), nullable=True)

    api_keys: Mapped[list[ApiKey]] = relationship(back_populates="user", cascade="all, delete-orphan")


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80), default="")
    prefix: Mapped[str] = mapped_column(String(16))
    secret_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)

    user: Mapped[User] = relationship(back_populates="api_keys")


class LoginSession(Base):
    """A signed-in browser: the cookie carries a random token, this row its SHA-256 and the CSRF token."""

    __tablename__ = "sessions"
    __table_args__ = (Index("ix_sessions_expires_at", "expires_at"),)

    id: Mapped[str] = mapped_column(String(48), primary_key=True)  # sess_…
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)


class InviteCode(Base):
    """A single-use invite. Members own theirs; an admin's admission from the waitlist makes one with no owner,
    reserved for the admitted email. A used code stays (so it can never be used again) and keeps who used it."""

    __tablename__ = "invite_codes"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    owner_id: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=True, index=True
    )
    reserved_email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    used_by_id: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class WaitlistEntry(Base):
    """Someone who asked to join while sign-ups were closed. No password is kept: once admitted they sign up
    with the invite code the admin hands them, and the entry is deleted when they do."""

    __tablename__ = "waitlist"

    id: Mapped[str] = mapped_column(String(48), primary_key=True)  # wait_…
    email: Mapped[str] = mapped_column(String(254), unique=True)
    handle: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    admitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    invite_code: Mapped[str | None] = mapped_column(String(16), nullable=True)


class SiteSetting(Base):
    """Deployment-wide switches an admin changes at run time (e.g. `signups_open`); absent → the settings default."""

    __tablename__ = "site_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JsonDocument)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
