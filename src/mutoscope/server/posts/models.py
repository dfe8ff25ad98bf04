"""Posts and what people do with them.

A video that is not posted is a draft. A post publishes one video; a remix post records the post it remixed and
the root of its lineage. Engagement counters are denormalised on the post (updated in the same transaction as
the like/comment/remix) so the feed can rank 100k posts without counting rows.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mutoscope.db import Base, UtcDateTime, utcnow


class Post(Base):
    __tablename__ = "posts"
    __table_args__ = (
        Index("ix_posts_author_created", "author_id", "created_at"),
        Index("ix_posts_created", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(48), primary_key=True)  # post_<hex>
    video_id: Mapped[str] = mapped_column(ForeignKey("videos.id", ondelete="CASCADE"), unique=True)
    author_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    caption: Mapped[str] = mapped_column(Text, default="")
    remix_of_post_id: Mapped[str | None] = mapped_column(
        ForeignKey("posts.id", ondelete="SET NULL"), nullable=True, index=True
    )
    root_post_id: Mapped[str | None] = mapped_column(String(48), nullable=True, index=True)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)  # hidden after reports / takedown
    like_count: Mapped[int] = mapped_column(Integer, default=0)
    comment_count: Mapped[int] = mapped_column(Integer, default=0)
    remix_count: Mapped[int] = mapped_column(Integer, default=0)
    view_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Like(Base):
    __tablename__ = "likes"
    __table_args__ = (
        Index("ix_likes_post", "post_id"),
        # The feed reads a user's most recent likes (people they interact with) without sorting all of them.
        Index("ix_likes_user_created", "user_id", "created_at"),
    )

    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    post_id: Mapped[str] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Comment(Base):
    __tablename__ = "comments"
    __table_args__ = (
        Index("ix_comments_post_created", "post_id", "created_at"),
        Index("ix_comments_author_created", "author_id", "created_at"),  # the feed: a user's latest comments
    )

    id: Mapped[str] = mapped_column(String(48), primary_key=True)  # cmt_<hex>
    post_id: Mapped[str] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    author_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Report(Base):
    """A user's report of a post, comment, profile or character (the moderation issue adds review)."""

    __tablename__ = "reports"
    __table_args__ = (Index("ix_reports_target", "target_type", "target_id"),)

    id: Mapped[str] = mapped_column(String(48), primary_key=True)  # rpt_<hex>
    reporter_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    target_type: Mapped[str] = mapped_column(String(16))  # post | comment | profile | character
    target_id: Mapped[str] = mapped_column(String(48))
    reason: Mapped[str] = mapped_column(String(40))
    details: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | dismissed | actioned
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
