"""Signing in and out with a handle (or email) and password.

Attempts are rate limited per account and client address (`accounts.login_attempts_per_minute`, the
`login_limiter` token bucket), so password guessing is slow for one attacker and a locked-out victim can still
sign in from elsewhere. A wrong password, an unknown account and an account with no password (API-only users)
get the same answer in the same time. Signing in replaces the session the browser already had, so a session id
planted before sign-in is never promoted (session fixation).
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict
from sqlalchemy import or_, select

from mutoscope.errors import AuthenticationError, InvalidRequestError
from mutoscope.server.accounts.models import User
from mutoscope.server.accounts.registration import hashing_for
from mutoscope.server.accounts.sessions import OpenedSession, close_session, open_session
from mutoscope.server.ratelimit import enforce
from mutoscope.server.runtime import Runtime


class LoginBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    login: str | None = None  # a handle (with or without @) or an email
    handle: str | None = None
    email: str | None = None
    password: str


@dataclass(frozen=True, slots=True)
class SignedIn:
    user: User
    session: OpenedSession


def sign_in(rt: Runtime, body: LoginBody, *, client: str, previous_token: str | None) -> SignedIn:
    login = _login_name(body)
    with rt.db.session() as session:
        user = session.scalar(select(User).where(or_(User.handle == login, User.email == login)))
    # Charged to the account, not to the name typed, so alternating handle and email buys no extra guesses.
    enforce(rt.login_limiter, f"login:{user.id if user is not None else login}:{client}")
    hashing = hashing_for(rt.settings.accounts)
    if not hashing.verify(user.password_hash if user is not None else None, body.password) or user is None:
        raise AuthenticationError("Incorrect handle, email or password.", code="invalid_credentials")
    rehashed = hashing.hash(body.password) if hashing.needs_rehash(user.password_hash or "") else None
    with rt.db.write_session() as session:
        if previous_token:
            close_session(session, previous_token)
        fresh = session.get(User, user.id)
        if fresh is None:  # deleted between the check and now
            raise AuthenticationError("Incorrect handle, email or password.", code="invalid_credentials")
        if rehashed is not None:
            fresh.password_hash = rehashed
        opened = open_session(session, fresh, ttl_s=rt.settings.accounts.session_ttl_s)
    return SignedIn(user=fresh, session=opened)


def sign_out(rt: Runtime, token: str | None) -> None:
    if not token:
        return
    with rt.db.write_session() as session:
        close_session(session, token)


def _login_name(body: LoginBody) -> str:
    value = next((v for v in (body.login, body.handle, body.email) if v and v.strip()), None)
    if value is None:
        raise InvalidRequestError(
            "Missing required parameter: 'login' (your handle or email).",
            param="login",
            code="missing_required_parameter",
        )
    return value.strip().lstrip("@").lower()
