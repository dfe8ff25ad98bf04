"""Creating users and API keys, and resolving a presented key to its user.

Keys look like `mk-<prefix>.<secret>`; only the SHA-256 of the whole key is stored, so a leaked database does not
leak usable keys. A new key is shown exactly once, by whoever created it.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from mutoscope.db import utcnow
from mutoscope.errors import AuthenticationError, InvalidRequestError
from mutoscope.ids import new_id
from mutoscope.server.accounts.models import ApiKey, User

KEY_PREFIX = "mk-"
_HANDLE = re.compile(r"^[a-z0-9_](?:[a-z0-9_.]{0,28}[a-z0-9_])?$")
# Writing last_used_at on every request would turn every read into a write; once a minute is enough to be useful.
_LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class IssuedKey:
    """A freshly created key: `secret` is the only copy that will ever exist in clear."""

    id: str
    user_id: str
    secret: str


def normalize_handle(handle: str) -> str:
    value = handle.strip().lstrip("@").lower()
    if not _HANDLE.match(value):
        raise InvalidRequestError(
            f"invalid handle {handle!r}: use 1-30 lowercase letters, digits, '_' or '.'", param="handle"
        )
    return value


def find_user(session: Session, handle: str) -> User | None:
    return session.scalar(select(User).where(User.handle == normalize_handle(handle)))


def ensure_user(session: Session, handle: str, *, is_admin: bool = False) -> User:
    """The user with this handle, created if missing; an existing user is promoted (never demoted) to admin."""
    user = find_user(session, handle)
    if user is None:
        user = User(id=new_id("user"), handle=normalize_handle(handle), display_name=handle.lstrip("@"))
        session.add(user)
    if is_admin:
        user.is_admin = True
    session.flush()
    return user


def issue_key(session: Session, user: User, *, name: str = "", secret: str | None = None) -> IssuedKey:
    """Create an API key for `user`. `secret` adopts a key chosen elsewhere (MUTOSCOPE_ADMIN_API_KEY)."""
    secret = secret or f"{KEY_PREFIX}{secrets.token_hex(4)}.{secrets.token_urlsafe(24)}"
    if len(secret) < 16:
        raise InvalidRequestError("an API key must be at least 16 characters", param="api_key")
    key = ApiKey(
        id=new_id("key"), user_id=user.id, name=name, prefix=secret[:11], secret_sha256=_digest(secret)
    )
    session.add(key)
    session.flush()
    return IssuedKey(id=key.id, user_id=user.id, secret=secret)


def ensure_key(session: Session, user: User, secret: str) -> ApiKey:
    """Make sure `secret` is an active key of `user` (idempotent; used for the bootstrap admin key)."""
    key = session.scalar(select(ApiKey).where(ApiKey.secret_sha256 == _digest(secret)))
    if key is None:
        issue_key(session, user, name="bootstrap", secret=secret)
        key = session.scalar(select(ApiKey).where(ApiKey.secret_sha256 == _digest(secret)))
        assert key is not None
    elif key.user_id != user.id:
        raise InvalidRequestError("that API key already belongs to another user", param="api_key")
    key.revoked_at = None
    return key


def authenticate_key(session: Session, secret: str) -> tuple[User, ApiKey]:
    # One round trip: every authenticated request pays for this query, so the user comes joined, not lazily.
    query = select(ApiKey).options(joinedload(ApiKey.user)).where(ApiKey.secret_sha256 == _digest(secret))
    key = session.scalar(query)
    if key is None or key.revoked_at is not None:
        raise AuthenticationError(
            "Incorrect API key provided. Create one with `mutoscope keys create --user HANDLE`."
        )
    return key.user, key


def needs_touch(key: ApiKey) -> bool:
    """Whether `last_used_at` is stale enough to be worth a write."""
    return key.last_used_at is None or utcnow() - key.last_used_at > _LAST_USED_RESOLUTION


def touch_key(session: Session, key_id: str) -> None:
    key = session.get(ApiKey, key_id)
    if key is not None:
        key.last_used_at = utcnow()


def active_key_count(session: Session, user: User) -> int:
    keys = session.scalars(select(ApiKey).where(ApiKey.user_id == user.id, ApiKey.revoked_at.is_(None)))
    return len(list(keys))


def revoke_key(session: Session, key_id: str) -> bool:
    key = session.get(ApiKey, key_id)
    if key is None or key.revoked_at is not None:
        return False
    key.revoked_at = utcnow()
    return True


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
