"""The `characters` table: a likeness (look and voice) and who owns it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from mutoscope.db import Base, UtcDateTime, utcnow


class Character(Base):
    __tablename__ = "characters"

    id: Mapped[str] = mapped_column(String(48), primary_key=True)
    owner_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    handle: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(16))  # person | pet | object | illustration
    species: Mapped[str | None] = mapped_column(String(40), nullable=True)
    palette: Mapped[list[Any]] = mapped_column(JSON, default=list)
    proportions: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    voice: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    source_blob: Mapped[str | None] = mapped_column(String(200), nullable=True)
    face_blob: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
