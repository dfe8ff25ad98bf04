"""The characters tables: a likeness (look and voice) and who owns it, who may use it, where it was used,
and the liveness challenges and decisions behind each person's character.

`audience` is one of only_me (the default), approved (the people in `character_approvals`), mutuals (mutual
followers, plus the approved) and everyone (anyone not blocked either way). `character_uses` links every video
to the characters in it, so the owner can find (and delete) each one, drafts included.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from mutoscope.db import Base, UtcDateTime, utcnow

AUDIENCES = ("only_me", "approved", "mutuals", "everyone")


class Character(Base):
    __tablename__ = "characters"
    __table_args__ = (Index("ux_characters_handle", "handle", unique=True),)

    id: Mapped[str] = mapped_column(String(48), primary_key=True)
    owner_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    handle: Mapped[str] = mapped_column(String(40))  # lowercase, unique: "@handle" in prompts
    kind: Mapped[str] = mapped_column(String(16))  # person | pet | object | illustration
    species: Mapped[str | None] = mapped_column(String(40), nullable=True)
    palette: Mapped[list[Any]] = mapped_column(JSON, default=list)
    proportions: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    voice: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    source_blob: Mapped[str | None] = mapped_column(String(200), nullable=True)
    face_blob: Mapped[str | None] = mapped_column(String(200), nullable=True)
    audience: Mapped[str] = mapped_column(String(16), default="only_me")
    preferences: Mapped[list[Any]] = mapped_column(JSON, default=list)  # the owner's rules, in plain words
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class CharacterApproval(Base):
    """A person the owner approved to use the character (audiences approved and mutuals)."""

    __tablename__ = "character_approvals"

    character_id: Mapped[str] = mapped_column(
        ForeignKey("characters.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class CharacterUse(Base):
    """A video that uses a character (the video's creator is `creator_id`)."""

    __tablename__ = "character_uses"
    __table_args__ = (Index("ix_character_uses_character", "character_id", "created_at"),)

    video_id: Mapped[str] = mapped_column(ForeignKey("videos.id", ondelete="CASCADE"), primary_key=True)
    character_id: Mapped[str] = mapped_column(
        ForeignKey("characters.id", ondelete="CASCADE"), primary_key=True
    )
    creator_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class LivenessChallenge(Base):
    """A one-time challenge issued to a user; `used_at` is set by the first recording checked against it."""

    __tablename__ = "liveness_challenges"

    id: Mapped[str] = mapped_column(String(48), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    schedule: Mapped[dict[str, Any]] = mapped_column(JSON)
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class LivenessDecision(Base):
    """Every liveness decision with its reasons and measures (a refused recording itself is never kept)."""

    __tablename__ = "liveness_decisions"

    id: Mapped[str] = mapped_column(String(48), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    challenge_id: Mapped[str | None] = mapped_column(String(48), nullable=True)
    accepted: Mapped[bool] = mapped_column(Boolean)
    reasons: Mapped[list[Any]] = mapped_column(JSON, default=list)
    checks: Mapped[list[Any]] = mapped_column(JSON, default=list)
    character_id: Mapped[str | None] = mapped_column(String(48), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
