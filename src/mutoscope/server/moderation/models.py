"""The moderation tables: decisions, admins' rule additions, takedowns, appeals and the audit log.

`moderation_decisions` holds every screening decision (allow, review, block) with the policy version and the
reasons, for prompts (recorded by the server as it screens, before any job exists) and for outputs (recorded from
the finished job's screen verdicts). A blocked prompt has no video, so a decision keeps the prompt itself:
moderators and appeals need to see what was asked. Rows go when their user is deleted.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mutoscope.db import Base, UtcDateTime, utcnow


class ModerationDecision(Base):
    __tablename__ = "moderation_decisions"
    __table_args__ = (
        Index("ix_moderation_decisions_review", "review_status", "created_at"),
        Index("ix_moderation_decisions_video_stage", "video_id", "stage"),
        Index("ix_moderation_decisions_user_prompt", "user_id", "prompt_sha256"),
    )

    id: Mapped[str] = mapped_column(String(48), primary_key=True)  # dec_<hex>
    stage: Mapped[str] = mapped_column(String(16))  # prompt | output
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    video_id: Mapped[str | None] = mapped_column(String(48), nullable=True)  # none for a blocked prompt
    action: Mapped[str] = mapped_column(String(16))  # allow | review | block
    policy: Mapped[str] = mapped_column(String(32), default="")
    policy_version: Mapped[str] = mapped_column(String(80), default="")
    reasons: Mapped[list[Any]] = mapped_column(JSON, default=list)
    verdicts: Mapped[list[Any]] = mapped_column(JSON, default=list)  # each screen's verdict, scores included
    prompt: Mapped[str] = mapped_column(Text, default="")
    prompt_sha256: Mapped[str] = mapped_column(String(64), default="")
    # Only review decisions enter the queue: pending → approved | removed.
    review_status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    reviewed_by: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    reviewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    overturned: Mapped[bool] = mapped_column(Boolean, default=False)  # an appeal reversed this block
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ModerationRule(Base):
    """A rule an admin added to the built-in lists (a term, a pattern, a public figure, a protected character)."""

    __tablename__ = "moderation_rules"

    id: Mapped[str] = mapped_column(String(48), primary_key=True)  # rule_<hex>
    kind: Mapped[str] = mapped_column(String(32))
    category: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    created_by: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class Takedown(Base):
    """An admin took something down: a post or video is hidden, a character can no longer be cast, a comment
    is deleted. Restoring (by an admin, or an upheld appeal) reverses it where it can be reversed."""

    __tablename__ = "moderation_takedowns"
    __table_args__ = (Index("ix_moderation_takedowns_target", "target_type", "target_id", "active"),)

    id: Mapped[str] = mapped_column(String(48), primary_key=True)  # tkd_<hex>
    target_type: Mapped[str] = mapped_column(String(16))  # post | video | character | comment
    target_id: Mapped[str] = mapped_column(String(48))
    owner_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    policy: Mapped[str] = mapped_column(String(32), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    restored_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class Appeal(Base):
    """An owner's appeal of a takedown or of a blocked generation; decided once by an admin."""

    __tablename__ = "moderation_appeals"
    __table_args__ = (Index("ix_moderation_appeals_status", "status", "created_at"),)

    id: Mapped[str] = mapped_column(String(48), primary_key=True)  # apl_<hex>
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    subject_type: Mapped[str] = mapped_column(String(16))  # takedown | decision
    subject_id: Mapped[str] = mapped_column(String(48), unique=True)  # one appeal per thing
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | upheld | overturned
    note: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class AuditEntry(Base):
    """One admin action (a review decided, a takedown, a restore, an appeal decided, a rule added/removed)."""

    __tablename__ = "moderation_audit"
    __table_args__ = (Index("ix_moderation_audit_created", "created_at"),)

    id: Mapped[str] = mapped_column(String(48), primary_key=True)  # aud_<hex>
    actor_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    action: Mapped[str] = mapped_column(String(40))
    target_type: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[str] = mapped_column(String(48))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
