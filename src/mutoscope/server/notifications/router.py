"""`/api/notifications`: a signed-in user's notifications, newest first, and marking them read."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from mutoscope.server.accounts.auth import Principal, require_principal
from mutoscope.server.notifications.schemas import MarkedRead, MarkRead, NotificationList
from mutoscope.server.notifications.service import NotificationService
from mutoscope.server.posts.paging import DEFAULT_LIMIT, Limit
from mutoscope.server.runtime import Runtime, runtime

router = APIRouter(prefix="/api/notifications", tags=["notifications"])
Caller = Annotated[Principal, Depends(require_principal)]
State = Annotated[Runtime, Depends(runtime)]


@router.get("", response_model=NotificationList)
def list_notifications(
    caller: Caller,
    state: State,
    unread_only: bool = False,
    before: str | None = None,
    limit: Limit = DEFAULT_LIMIT,
) -> NotificationList:
    return NotificationService(state).list(caller, unread_only=unread_only, before=before, limit=limit)


@router.post("/read", response_model=MarkedRead)
def mark_read(body: MarkRead, caller: Caller, state: State) -> MarkedRead:
    return NotificationService(state).mark_read(caller, body)
