"""The wire shapes of moderation: decisions, the review queue, takedowns, appeals, rules and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from mutoscope.safety.policy import Category
from mutoscope.server.posts.paging import ListOf
from mutoscope.server.posts.schemas import UserRef

MAX_NOTE_CHARS = 2000
TakedownTarget = Literal["post", "video", "character", "comment"]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class DecisionView(BaseModel):
    object: Literal["moderation.decision"] = "moderation.decision"
    id: str
    stage: str
    action: str
    policy: str
    policy_version: str
    reasons: list[str]
    video_id: str | None
    prompt: str
    review_status: str | None
    overturned: bool
    created_at: datetime
    user: UserRef | None = None  # shown to admins


class DecisionList(ListOf[DecisionView]):
    pass


class ReviewItem(BaseModel):
    """One thing waiting for a moderator: a screening decision sent to review, or an open user report."""

    object: Literal["review_item"] = "review_item"
    id: str  # the decision's or the report's id
    kind: Literal["decision", "report"]
    created_at: datetime
    target_type: str  # video | prompt | post | comment | profile | character
    target_id: str
    policy: str
    reasons: list[str]
    text: str  # the prompt, or the report's details
    user: UserRef | None  # the creator (decision) or the reporter (report)
    open_reports: int = 0  # reports on the same target still open


class ReviewQueue(ListOf[ReviewItem]):
    pass


class ReviewDecisionRequest(_Request):
    action: Literal["approve", "dismiss", "takedown"]
    note: str = Field(default="", max_length=MAX_NOTE_CHARS)
    policy: Category | None = None  # which policy a takedown enforces (defaults to the item's)


class ReviewOutcome(BaseModel):
    object: Literal["review_outcome"] = "review_outcome"
    id: str
    kind: Literal["decision", "report"]
    action: str
    takedown: TakedownView | None = None


class TakedownRequest(_Request):
    target_type: TakedownTarget
    target_id: str = Field(min_length=1, max_length=48)
    policy: Category | None = None
    reason: str = Field(min_length=1, max_length=MAX_NOTE_CHARS)


class RestoreRequest(_Request):
    note: str = Field(default="", max_length=MAX_NOTE_CHARS)


class TakedownView(BaseModel):
    object: Literal["takedown"] = "takedown"
    id: str
    target_type: str
    target_id: str
    owner_id: str
    policy: str
    reason: str
    active: bool
    created_at: datetime
    restored_at: datetime | None


class TakedownList(ListOf[TakedownView]):
    pass


class AppealRequest(_Request):
    subject_type: Literal["takedown", "decision"]
    subject_id: str = Field(min_length=1, max_length=48)
    message: str = Field(min_length=1, max_length=MAX_NOTE_CHARS)


class AppealDecisionRequest(_Request):
    outcome: Literal["upheld", "overturned"]
    note: str = Field(default="", max_length=MAX_NOTE_CHARS)


class AppealView(BaseModel):
    object: Literal["appeal"] = "appeal"
    id: str
    subject_type: str
    subject_id: str
    message: str
    status: str
    note: str
    created_at: datetime
    decided_at: datetime | None
    user: UserRef | None = None  # shown to admins


class AppealList(ListOf[AppealView]):
    pass


class RuleRequest(_Request):
    kind: Literal["term", "pattern", "public_figure", "protected_character"]
    value: str = Field(min_length=1, max_length=200)
    category: Category | None = None  # needed for a term or a pattern
    action: Literal["review", "block"] = "block"


class RuleView(BaseModel):
    object: Literal["moderation.rule"] = "moderation.rule"
    id: str
    kind: str
    category: str
    action: str
    value: str
    active: bool
    created_at: datetime


class RuleList(BaseModel):
    object: Literal["list"] = "list"
    policy_version: str
    builtin: dict[str, int]  # how many built-in terms, patterns, public figures, protected characters
    data: list[RuleView]


class AuditView(BaseModel):
    object: Literal["audit_entry"] = "audit_entry"
    id: str
    actor: UserRef | None
    action: str
    target_type: str
    target_id: str
    data: dict[str, Any]
    created_at: datetime


class AuditList(ListOf[AuditView]):
    pass


class MyModeration(BaseModel):
    """What moderation decided about the caller's own things, and their appeals: what they can appeal."""

    object: Literal["my_moderation"] = "my_moderation"
    decisions: list[DecisionView]
    takedowns: list[TakedownView]
    appeals: list[AppealView]


ReviewOutcome.model_rebuild()
