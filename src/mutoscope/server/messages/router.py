"""`/api/messages` and `/api/conversations`: direct messages between mutuals (see `service` for the rules)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from mutoscope.server.accounts.auth import Principal, require_principal
from mutoscope.server.messages.schemas import ConversationList, MarkedRead, MessageView, SendMessage, Thread
from mutoscope.server.messages.service import MessageService
from mutoscope.server.posts.paging import DEFAULT_LIMIT, Limit
from mutoscope.server.runtime import Runtime, runtime

router = APIRouter(prefix="/api", tags=["messages"])
Caller = Annotated[Principal, Depends(require_principal)]
State = Annotated[Runtime, Depends(runtime)]


@router.post("/messages", response_model=MessageView, status_code=201)
def send_message(body: SendMessage, caller: Caller, state: State) -> MessageView:
    return MessageService(state).send(caller, body)


@router.get("/messages/{handle}", response_model=Thread)
def read_thread(
    handle: str, caller: Caller, state: State, before: str | None = None, limit: Limit = DEFAULT_LIMIT
) -> Thread:
    return MessageService(state).thread(caller, handle, before=before, limit=limit)


@router.post("/messages/{handle}/read", response_model=MarkedRead)
def mark_thread_read(handle: str, caller: Caller, state: State) -> MarkedRead:
    return MessageService(state).mark_read(caller, handle)


@router.get("/conversations", response_model=ConversationList)
def list_conversations(
    caller: Caller, state: State, before: str | None = None, limit: Limit = DEFAULT_LIMIT
) -> ConversationList:
    return MessageService(state).conversations(caller, before=before, limit=limit)
