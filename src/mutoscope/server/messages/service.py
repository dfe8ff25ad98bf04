"""Direct messages: who may write to whom, sending, reading a conversation, and listing conversations.

The rules, checked on every message, not only the first: the two people must be mutuals (each follows the
other); neither may have blocked the other (a blocked pair cannot even see each other, so the other person is
"not found"); and an adult may write to a teen account only in a conversation the teen started. Teen status
comes from each account's birthday at the time of sending.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mutoscope.db import utcnow
from mutoscope.errors import InvalidRequestError, NotFoundError, PermissionDeniedError
from mutoscope.ids import new_id
from mutoscope.server.accounts.age import is_teen
from mutoscope.server.accounts.auth import Principal
from mutoscope.server.accounts.models import User
from mutoscope.server.accounts.service import normalize_handle
from mutoscope.server.messages.models import Conversation, Message
from mutoscope.server.messages.schemas import (
    ConversationList,
    ConversationView,
    MarkedRead,
    MessageView,
    SendMessage,
    Thread,
)
from mutoscope.server.posts import paging
from mutoscope.server.posts.views import user_ref, users_by_id
from mutoscope.server.runtime import Runtime
from mutoscope.server.social.service import (
    are_mutuals,
    blocked_ids_either_way,
    is_blocked_either_way,
    mutual_ids,
)

NOT_MUTUALS = "not_mutuals"
TEEN_CONTACT = "teen_contact_restricted"


class MessageService:
    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    def send(self, principal: Principal, request: SendMessage) -> MessageView:
        with self._rt.db.write_session() as session:
            me, other = _me(session, principal), _other(session, principal, request.to_handle, "to_handle")
            if other.id == me.id:
                raise InvalidRequestError("You cannot send a message to yourself.", param="to_handle")
            conversation = _conversation(session, me.id, other.id)
            refusal = _refusal(me, other, conversation, mutual=are_mutuals(session, me.id, other.id))
            if refusal is not None:
                raise refusal
            now = utcnow()
            if conversation is None:
                conversation = _start(session, me.id, other.id, now)
            message = Message(
                id=new_id("msg"),
                conversation_id=conversation.id,
                sender_id=me.id,
                body=request.body,
                created_at=now,
            )
            session.add(message)
            conversation.last_message_at = now
            _set_read(conversation, me.id, now)  # what I wrote, I have read
            session.flush()
            return _view(message, me, me.id)

    def thread(self, principal: Principal, handle: str, *, before: str | None, limit: int) -> Thread:
        """The conversation with `handle`, newest message first (empty if none yet)."""
        paging.check_limit(limit)
        with self._rt.db.session() as session:
            me, other = _me(session, principal), _other(session, principal, handle, "handle")
            conversation = _conversation(session, me.id, other.id)
            refusal = _refusal(me, other, conversation, mutual=are_mutuals(session, me.id, other.id))
            messages: list[Message] = []
            if conversation is not None:
                in_thread = conversation.id
                cursor = paging.cursor_at(
                    session, Message, before, "before", visible=lambda m: m.conversation_id == in_thread
                )
                query = select(Message).where(Message.conversation_id == conversation.id)
                messages = list(
                    session.scalars(
                        paging.page(query, Message.created_at, Message.id, cursor=cursor, limit=limit)
                    )
                )
            elif before is not None:
                raise paging.unknown_cursor(before, "before")
            shown = messages[:limit]
            people = {me.id: me, other.id: other}
            return Thread(
                with_user=user_ref(other),
                conversation_id=conversation.id if conversation is not None else None,
                data=[_view(m, people[m.sender_id], me.id) for m in shown],
                has_more=len(messages) > limit,
                next_before=shown[-1].id if shown else None,
                can_send=refusal is None,
                cannot_send_reason=refusal.code if refusal is not None else None,
            )

    def mark_read(self, principal: Principal, handle: str) -> MarkedRead:
        with self._rt.db.write_session() as session:
            me, other = _me(session, principal), _other(session, principal, handle, "handle")
            conversation = _conversation(session, me.id, other.id)
            if conversation is not None:
                _set_read(conversation, me.id, utcnow())
        return MarkedRead(
            conversation_id=conversation.id if conversation is not None else None, unread_count=0
        )

    def conversations(self, principal: Principal, *, before: str | None, limit: int) -> ConversationList:
        """The caller's conversations, most recently active first, without people blocked either way."""
        paging.check_limit(limit)
        with self._rt.db.session() as session:
            me = _me(session, principal)
            blocked = blocked_ids_either_way(session, me.id)
            query = select(Conversation).where(
                or_(Conversation.user_a_id == me.id, Conversation.user_b_id == me.id)
            )
            if blocked:
                listed = list(blocked)
                query = query.where(
                    Conversation.user_a_id.not_in(listed), Conversation.user_b_id.not_in(listed)
                )
            cursor = None
            if before is not None:
                anchor = session.get(Conversation, before)
                if anchor is None or me.id not in (anchor.user_a_id, anchor.user_b_id):
                    raise paging.unknown_cursor(before, "before")
                cursor = (anchor.last_message_at, anchor.id)
            rows = list(
                session.scalars(
                    paging.page(
                        query, Conversation.last_message_at, Conversation.id, cursor=cursor, limit=limit
                    )
                )
            )
            shown = rows[:limit]
            data = self._summaries(session, me, shown)
        return ConversationList(
            data=data, has_more=len(rows) > limit, next_before=shown[-1].id if shown else None
        )

    def _summaries(
        self, session: Session, me: User, conversations: list[Conversation]
    ) -> list[ConversationView]:
        others = users_by_id(session, [_partner(c, me.id) for c in conversations])
        mutuals = mutual_ids(session, me.id)
        views = []
        for conversation in conversations:
            other = others[_partner(conversation, me.id)]
            last = session.scalars(
                select(Message)
                .where(Message.conversation_id == conversation.id)
                .order_by(Message.created_at.desc(), Message.id.desc())
                .limit(1)
            ).first()
            views.append(
                ConversationView(
                    id=conversation.id,
                    with_user=user_ref(other),
                    last_message=_view(last, me if last.sender_id == me.id else other, me.id)
                    if last
                    else None,
                    last_message_at=conversation.last_message_at,
                    unread_count=_unread(session, conversation, me.id),
                    can_send=_refusal(me, other, conversation, mutual=other.id in mutuals) is None,
                )
            )
        return views


def _me(session: Session, principal: Principal) -> User:
    user = session.get(User, principal.user_id)
    if user is None:  # deleted while the request was in flight
        raise NotFoundError("Your account no longer exists.", param=None)
    return user


def _other(session: Session, principal: Principal, handle: str, param: str) -> User:
    try:
        normalized = normalize_handle(handle)
    except InvalidRequestError as error:
        raise InvalidRequestError(error.message, param=param) from None
    user = session.scalar(select(User).where(User.handle == normalized))
    if user is None or is_blocked_either_way(session, principal.user_id, user.id):
        raise NotFoundError(f"No user found with handle '{handle}'.", param=param)
    return user


def _pair(first: str, second: str) -> tuple[str, str]:
    return (first, second) if first < second else (second, first)


def _partner(conversation: Conversation, me: str) -> str:
    return conversation.user_b_id if conversation.user_a_id == me else conversation.user_a_id


def _conversation(session: Session, first: str, second: str) -> Conversation | None:
    a, b = _pair(first, second)
    return session.scalar(
        select(Conversation).where(Conversation.user_a_id == a, Conversation.user_b_id == b)
    )


def _start(session: Session, me: str, other: str, now: datetime) -> Conversation:
    a, b = _pair(me, other)
    conversation = Conversation(id=new_id("conv"), user_a_id=a, user_b_id=b, started_by_id=me, created_at=now)
    try:
        with session.begin_nested():  # PostgreSQL: the other person may be starting it at the same moment
            session.add(conversation)
            session.flush()
    except IntegrityError:
        existing = _conversation(session, me, other)
        if existing is None:
            raise
        return existing
    return conversation


def _refusal(
    me: User, other: User, conversation: Conversation | None, *, mutual: bool
) -> PermissionDeniedError | None:
    """Why `me` may not write to `other` now, or None when they may."""
    if not mutual:
        return PermissionDeniedError(
            f"You can message only mutuals (people you follow who follow you back); you and @{other.handle} are "
            "not mutuals.",
            param="to_handle",
            code=NOT_MUTUALS,
        )
    teen_started = conversation is not None and conversation.started_by_id == other.id
    if is_teen(other.birthday) and not is_teen(me.birthday) and not teen_started:
        return PermissionDeniedError(
            "Adults cannot start a conversation with a teen account; you can reply once they write to you.",
            param="to_handle",
            code=TEEN_CONTACT,
        )
    return None


def _set_read(conversation: Conversation, user_id: str, when: datetime) -> None:
    if conversation.user_a_id == user_id:
        conversation.a_read_at = when
    else:
        conversation.b_read_at = when


def _unread(session: Session, conversation: Conversation, me: str) -> int:
    read_at = conversation.a_read_at if conversation.user_a_id == me else conversation.b_read_at
    query = (
        select(func.count())
        .select_from(Message)
        .where(Message.conversation_id == conversation.id, Message.sender_id != me)
    )
    if read_at is not None:
        query = query.where(Message.created_at > read_at)
    return session.scalar(query) or 0


def _view(message: Message, sender: User, me: str) -> MessageView:
    return MessageView(
        id=message.id,
        conversation_id=message.conversation_id,
        sender=user_ref(sender),
        body=message.body,
        created_at=message.created_at,
        is_mine=message.sender_id == me,
    )
