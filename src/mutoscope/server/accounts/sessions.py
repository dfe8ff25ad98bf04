"""Browser sessions: opening one at sign-in, resolving the cookie on each request, and closing it.

The cookie `mutoscope_session` carries 256 random bits; the `sessions` row keeps only their SHA-256, an expiry
and the session's CSRF token, so a database leak hands out no usable cookie. The cookie is HttpOnly and
SameSite=Lax (and Secure on https). Because a cookie is sent by the browser on its own, every unsafe request
authenticated by it must also carry the CSRF token (`X-CSRF-Token` header or a `csrf_token` form field), which
only pages of this site can read (from the sign-in response or `GET /api/me`). Bearer API keys need no token:
another site cannot make a browser send one.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from mutoscope.db import utcnow
from mutoscope.ids import new_id
from mutoscope.server.accounts.models import LoginSession, User

COOKIE_NAME = "mutoscope_session"
CSRF_HEADER = "x-csrf-token"
CSRF_FORM_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True, slots=True)
class OpenedSession:
    """A new session: `token` goes into the cookie and exists nowhere else."""

    id: str
    user_id: str
    token: str
    csrf_token: str
    max_age_s: int


def open_session(session: Session, user: User, *, ttl_s: float) -> OpenedSession:
    token = secrets.token_urlsafe(32)
    row = LoginSession(
        id=new_id("sess"),
        user_id=user.id,
        token_sha256=token_digest(token),
        csrf_token=secrets.token_urlsafe(24),
        expires_at=utcnow() + timedelta(seconds=ttl_s),
    )
    session.add(row)
    # Expired sessions are swept whenever someone signs in, so the table does not grow without bound.
    session.execute(delete(LoginSession).where(LoginSession.expires_at <= utcnow()))
    session.flush()
    return OpenedSession(row.id, user.id, token, row.csrf_token, max(1, int(ttl_s)))


def find_session(session: Session, token: str) -> tuple[LoginSession, User] | None:
    """The live session for a cookie token, with its user; None when unknown or expired."""
    found = session.execute(
        select(LoginSession, User)
        .join(User, User.id == LoginSession.user_id)
        .where(LoginSession.token_sha256 == token_digest(token))
    ).first()
    if found is None or found[0].expires_at <= utcnow():
        return None
    return found[0], found[1]


def close_session(session: Session, token: str) -> bool:
    result = session.execute(delete(LoginSession).where(LoginSession.token_sha256 == token_digest(token)))
    return bool(getattr(result, "rowcount", 0))


def csrf_matches(expected: str, presented: str | None) -> bool:
    return presented is not None and hmac.compare_digest(expected.encode(), presented.encode())


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
