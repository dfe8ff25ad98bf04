"""The wire shapes of `/api/messages` and `/api/conversations`."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from mutoscope.server.posts.paging import ListOf
from mutoscope.server.posts.schemas import UserRef

MAX_MESSAGE_CHARS = 4000


class SendMessage(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    to_handle: str = Field(min_length=1, max_length=41)
    body: str = Field(min_length=1, max_length=MAX_MESSAGE_CHARS)


class MessageView(BaseModel):
    object: Literal["message"] = "message"
    id: str
    conversation_id: str
    sender: UserRef
    body: str
    created_at: datetime
    is_mine: bool


class Thread(BaseModel):
    """One conversation's messages, newest first, and whether the caller may write in it now (and if not, why)."""

    object: Literal["list"] = "list"
    with_user: UserRef
    conversation_id: str | None
    data: list[MessageView]
    has_more: bool
    next_before: str | None
    can_send: bool
    cannot_send_reason: str | None


class ConversationView(BaseModel):
    object: Literal["conversation"] = "conversation"
    id: str
    with_user: UserRef
    last_message: MessageView | None
    last_message_at: datetime
    unread_count: int
    can_send: bool


class ConversationList(ListOf[ConversationView]):
    next_before: str | None


class MarkedRead(BaseModel):
    conversation_id: str | None
    unread_count: int
