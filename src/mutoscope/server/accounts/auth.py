"""Who is calling: a Bearer API key or the browser's session cookie.

`require_principal` is the FastAPI dependency every protected route uses; `optional_principal` is for routes
anonymous visitors may also read (None when no credentials came); `require_admin` adds the admin check. A Bearer
key wins over a cookie and needs no CSRF token. A cookie-authenticated unsafe request (POST, PUT, PATCH, DELETE)
must carry the session's CSRF token, else 403. The per-caller rate limit is applied here too (per key, or per
user for sessions), so a throttled client is refused before any work is done.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from mutoscope.errors import AuthenticationError, PermissionDeniedError
from mutoscope.server.accounts.age import is_teen
from mutoscope.server.accounts.service import authenticate_key, needs_touch, touch_key
from mutoscope.server.accounts.sessions import (
    COOKIE_NAME,
    CSRF_FORM_FIELD,
    CSRF_HEADER,
    SAFE_METHODS,
    csrf_matches,
    find_session,
)
from mutoscope.server.ratelimit import enforce
from mutoscope.server.runtime import Runtime, runtime

_FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


@dataclass(frozen=True, slots=True)
class Principal:
    user_id: str
    handle: str
    is_admin: bool
    api_key_id: str | None
    is_teen: bool = False
    session_id: str | None = None  # set when the caller signed in with the session cookie


@dataclass(frozen=True, slots=True)
class _CookieSession:
    principal: Principal
    csrf_token: str


async def require_principal(request: Request) -> Principal:
    principal = await _identify(request, stale_cookie_is_error=True)
    if principal is None:
        raise AuthenticationError(
            "You didn't provide an API key or a session. Send 'Authorization: Bearer YOUR_KEY' "
            "(create one with `mutoscope keys create --user HANDLE`) or sign in at POST /api/auth/login."
        )
    return principal


async def optional_principal(request: Request) -> Principal | None:
    """The caller, or None for an anonymous visitor. A presented but wrong API key is still a 401; an expired
    session cookie counts as anonymous here (browsers keep sending old cookies) but not in `require_principal`."""
    return await _identify(request, stale_cookie_is_error=False)


async def _identify(request: Request, *, stale_cookie_is_error: bool) -> Principal | None:
    state = runtime(request)
    header = request.headers.get("authorization")
    if header is not None:
        principal = await run_in_threadpool(_principal_for_key, state, header)
        enforce(state.rate_limiter, f"key:{principal.api_key_id}")
        return principal
    token = request.cookies.get(COOKIE_NAME)
    if not token:
        return None
    found = await run_in_threadpool(_session_for_cookie, state, token)
    if found is None:
        if stale_cookie_is_error:
            raise AuthenticationError(
                "Your session has expired or was signed out; sign in again.", code="session_expired"
            )
        return None
    if request.method.upper() not in SAFE_METHODS:
        await _check_csrf(request, found.csrf_token)
    enforce(state.rate_limiter, f"user:{found.principal.user_id}")
    return found.principal


async def require_admin(request: Request) -> Principal:
    principal = await require_principal(request)
    if not principal.is_admin:
        raise PermissionDeniedError("Only an admin may do this.")
    return principal


def session_token(request: Request) -> str | None:
    """The raw session cookie of the request, if any (for signing out)."""
    return request.cookies.get(COOKIE_NAME) or None


def _principal_for_key(state: Runtime, header: str) -> Principal:
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise AuthenticationError(
            "Send the API key as 'Authorization: Bearer YOUR_KEY' "
            "(create one with `mutoscope keys create --user HANDLE`)."
        )
    with state.db.session() as session:
        user, key = authenticate_key(session, token)
        principal = Principal(
            user_id=user.id,
            handle=user.handle,
            is_admin=user.is_admin,
            api_key_id=key.id,
            is_teen=is_teen(user.birthday),
        )
        stale = needs_touch(key)
    if stale:  # a separate write, so the common read-only path never takes SQLite's write lock
        with state.db.write_session() as session:
            touch_key(session, key.id)
    return principal


def _session_for_cookie(state: Runtime, token: str) -> _CookieSession | None:
    with state.db.session() as session:
        found = find_session(session, token)
        if found is None:
            return None
        row, user = found
        principal = Principal(
            user_id=user.id,
            handle=user.handle,
            is_admin=user.is_admin,
            api_key_id=None,
            is_teen=is_teen(user.birthday),
            session_id=row.id,
        )
        return _CookieSession(principal, row.csrf_token)


async def _check_csrf(request: Request, expected: str) -> None:
    presented = request.headers.get(CSRF_HEADER)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if presented is None and content_type in _FORM_TYPES:
        # Starlette caches the parsed form on the request, so the route reads the same form afterwards.
        field = (await request.form()).get(CSRF_FORM_FIELD)
        presented = field if isinstance(field, str) else None
    if not csrf_matches(expected, presented):
        raise PermissionDeniedError(
            "This request was authenticated by the session cookie but did not carry the session's CSRF token: "
            f"send it in the 'X-CSRF-Token' header or the '{CSRF_FORM_FIELD}' form field "
            "(GET /api/me returns it).",
            code="csrf_token_invalid",
        )
