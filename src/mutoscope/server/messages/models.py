"""Tables for direct messages: one conversation per pair of users, and its messages.

A conversation stores its pair in a fixed order (`user_a_id < user_b_id`, unique) so two people always share one
row however they arrive, and records who started it: an adult may write to a teen only in a conversation the
teen started. Each side's read mark is a time, so unread counts need no per-message flags.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from mutoscope.db import Base, UtcDateTime, utcnow


class Conversation(Base):
    __tablename__ = "conversations"
    __table_args__ = (
        UniqueConstraint("user_a_id", "user_b_id"),
        CheckConstraint("user_a_id < user_b_id", name="ordered_pair"),
        # "My conversations, most recent first", for either side of the pair.
        Index("ix_conversations_a_last", "user_a_id", "last_message_at", "id"),
        Index("ix_conversations_b_last", "user_b_id", "last_message_at", "id"),
    )

    id: Mapped[str] = mapped_column(String(48), primary_key=True)  # conv_<hex>
    user_a_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    user_b_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    started_by_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_message_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    a_read_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    b_read_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_conversation_created", "conversation_id", "created_at", "id"),)

    id: Mapped[str] = mapped_column(String(48), primary_key=True)  # msg_<hex>
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    sender_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
