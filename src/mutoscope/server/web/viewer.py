"""Who is looking at a page: the signed-in principal (or nobody), the session's CSRF token that the page's
scripts send back on unsafe requests, and the unread-notification count the navigation shows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import func, select
from starlette.concurrency import run_in_threadpool

from mutoscope.errors import AuthenticationError, PermissionDeniedError
from mutoscope.server.accounts.auth import Principal, optional_principal
from mutoscope.server.accounts.models import LoginSession
from mutoscope.server.notifications.models import Notification
from mutoscope.server.runtime import Runtime, runtime
from mutoscope.server.social.service import blocked_ids_either_way


@dataclass(frozen=True, slots=True)
class PageViewer:
    principal: Principal | None
    csrf_token: str | None = None
    unread: int = 0
    path: str = "/"

    @property
    def signed_in(self) -> bool:
        return self.principal is not None

    @property
    def handle(self) -> str | None:
        return self.principal.handle if self.principal is not None else None

    @property
    def is_admin(self) -> bool:
        return self.principal is not None and self.principal.is_admin

    @property
    def is_teen(self) -> bool:
        return self.principal is not None and self.principal.is_teen

    def require(self) -> Principal:
        """The principal, or a sign-in redirect (pages turn `AuthenticationError` into one)."""
        if self.principal is None:
            raise AuthenticationError("Sign in to see this page.")
        return self.principal

    def require_admin(self) -> Principal:
        principal = self.require()
        if not principal.is_admin:
            raise PermissionDeniedError("Only an admin may see this page.")
        return principal


async def page_viewer(
    request: Request, principal: Annotated[Principal | None, Depends(optional_principal)]
) -> PageViewer:
    if principal is None:
        return PageViewer(None, path=request.url.path)
    csrf, unread = await run_in_threadpool(_session_facts, runtime(request), principal)
    return PageViewer(principal, csrf, unread, request.url.path)


def _session_facts(state: Runtime, principal: Principal) -> tuple[str | None, int]:
    with state.db.session() as session:
        csrf = None
        if principal.session_id is not None:
            row = session.get(LoginSession, principal.session_id)
            csrf = row.csrf_token if row is not None else None
        query = select(func.count()).where(
            Notification.user_id == principal.user_id, Notification.read_at.is_(None)
        )
        blocked = blocked_ids_either_way(session, principal.user_id)
        if blocked:  # what blocked people caused is never shown, so it is not counted either
            query = query.where(Notification.actor_id.is_(None) | Notification.actor_id.not_in(list(blocked)))
        return csrf, int(session.scalar(query) or 0)


Viewer = Annotated[PageViewer, Depends(page_viewer)]
