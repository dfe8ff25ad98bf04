"""Every table of the service, imported in one place so `Base.metadata` is complete for Alembic and tests."""

from __future__ import annotations

from mutoscope.db import Base
from mutoscope.jobs.models import Job
from mutoscope.server.accounts.models import (
    ApiKey,
    InviteCode,
    LoginSession,
    SiteSetting,
    User,
    WaitlistEntry,
)
from mutoscope.server.characters.models import Character
from mutoscope.server.feed.models import PostEmbedding, ViewEvent
from mutoscope.server.generations.models import Video
from mutoscope.server.idempotency import IdempotencyRecord
from mutoscope.server.messages.models import Conversation, Message
from mutoscope.server.notifications.models import Notification
from mutoscope.server.posts.models import Comment, Like, Post, Report
from mutoscope.server.social.models import Block, Follow
from mutoscope.server.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

metadata = Base.metadata

__all__ = [
    "ApiKey",
    "Block",
    "Character",
    "Comment",
    "Conversation",
    "Follow",
    "IdempotencyRecord",
    "InviteCode",
    "Job",
    "Like",
    "Message",
    "Notification",
    "LoginSession",
    "Post",
    "PostEmbedding",
    "Report",
    "SiteSetting",
    "User",
    "Video",
    "ViewEvent",
    "WaitlistEntry",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
    "metadata",
]
