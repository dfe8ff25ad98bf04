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
from mutoscope.server.characters.models import (
    Character,
    CharacterApproval,
    CharacterUse,
    LivenessChallenge,
    LivenessDecision,
)
from mutoscope.server.feed.models import PostEmbedding, ViewEvent
from mutoscope.server.generations.models import Video
from mutoscope.server.idempotency import IdempotencyRecord
from mutoscope.server.messages.models import Conversation, Message
from mutoscope.server.moderation.models import (
    Appeal,
    AuditEntry,
    ModerationDecision,
    ModerationRule,
    Takedown,
)
from mutoscope.server.notifications.models import Notification
from mutoscope.server.posts.models import Comment, Like, Post, Report
from mutoscope.server.provenance.models import VideoFingerprint, VideoProvenance
from mutoscope.server.social.models import Block, Follow
from mutoscope.server.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

metadata = Base.metadata

__all__ = [
    "ApiKey",
    "Appeal",
    "AuditEntry",
    "Block",
    "Character",
    "CharacterApproval",
    "CharacterUse",
    "Comment",
    "Conversation",
    "Follow",
    "IdempotencyRecord",
    "InviteCode",
    "Job",
    "Like",
    "LivenessChallenge",
    "LivenessDecision",
    "LoginSession",
    "Message",
    "ModerationDecision",
    "ModerationRule",
    "Notification",
    "Post",
    "PostEmbedding",
    "Report",
    "SiteSetting",
    "Takedown",
    "User",
    "Video",
    "VideoFingerprint",
    "VideoProvenance",
    "ViewEvent",
    "WaitlistEntry",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
    "metadata",
]
