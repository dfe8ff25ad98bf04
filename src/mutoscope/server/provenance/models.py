"""Tables of provenance: each finished video's watermark payload, and its fingerprints indexed for search.

`video_provenance` maps the 64-bit payload of a video's invisible marks (16 hex digits) back to the video and
records when it was made. `video_fingerprints` holds one row per stored hash (frames: per quarter second and
variant; audio: per quarter second) with the hash split into four 16-bit chunks, each indexed together with
the hash's kind: that is the multi-index a search probes (any stored hash sharing one exact chunk with a query
hash is a candidate). Rows go with their video (`ON DELETE CASCADE`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from mutoscope.db import Base, UtcDateTime


class VideoProvenance(Base):
    __tablename__ = "video_provenance"

    video_id: Mapped[str] = mapped_column(ForeignKey("videos.id", ondelete="CASCADE"), primary_key=True)
    payload: Mapped[str] = mapped_column(String(16), index=True)  # hex of the invisible marks' payload
    generated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    c2pa_signed: Mapped[bool] = mapped_column(Boolean, default=False)
    frame_hashes: Mapped[int] = mapped_column(Integer, default=0)
    audio_hashes: Mapped[int] = mapped_column(Integer, default=0)


class VideoFingerprint(Base):
    __tablename__ = "video_fingerprints"
    __table_args__ = (
        Index("ix_video_fingerprints_kind_chunk0", "kind", "chunk0"),
        Index("ix_video_fingerprints_kind_chunk1", "kind", "chunk1"),
        Index("ix_video_fingerprints_kind_chunk2", "kind", "chunk2"),
        Index("ix_video_fingerprints_kind_chunk3", "kind", "chunk3"),
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    video_id: Mapped[str] = mapped_column(ForeignKey("videos.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # "frame" | "audio"
    variant: Mapped[int] = mapped_column(SmallInteger, default=0)  # frames: 0 whole, 1 central 90 %
    position: Mapped[int] = mapped_column(Integer)  # quarter seconds from the start
    value: Mapped[int] = mapped_column(BigInteger)  # the 64-bit hash, signed
    chunk0: Mapped[int] = mapped_column(Integer)
    chunk1: Mapped[int] = mapped_column(Integer)
    chunk2: Mapped[int] = mapped_column(Integer)
    chunk3: Mapped[int] = mapped_column(Integer)
