"""`/api/admin/...` moderation routes (review queue, decisions, takedowns, appeals, rules, audit) and the
members' side (`/api/me/moderation`, `/api/appeals`). Thin: authenticate, call a service, shape the response.
Every admin route needs an admin (403 otherwise, 401 anonymous); the members' routes need a signed-in caller.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from mutoscope.server.accounts.auth import Principal, require_admin, require_principal
from mutoscope.server.moderation.appeals import AppealService
from mutoscope.server.moderation.audit import AuditService
from mutoscope.server.moderation.reviews import ReviewService
from mutoscope.server.moderation.schemas import (
    AppealDecisionRequest,
    AppealList,
    AppealRequest,
    AppealView,
    AuditList,
    DecisionList,
    MyModeration,
    RestoreRequest,
    ReviewDecisionRequest,
    ReviewOutcome,
    ReviewQueue,
    RuleList,
    RuleRequest,
    RuleView,
    TakedownList,
    TakedownRequest,
    TakedownView,
)
from mutoscope.server.moderation.service import ModerationService
from mutoscope.server.moderation.takedowns import TakedownService
from mutoscope.server.posts.paging import DEFAULT_LIMIT, Limit
from mutoscope.server.runtime import Runtime, runtime

router = APIRouter(prefix="/api", tags=["moderation"])
Admin = Annotated[Principal, Depends(require_admin)]
Caller = Annotated[Principal, Depends(require_principal)]
State = Annotated[Runtime, Depends(runtime)]


@router.get("/admin/reviews", response_model=ReviewQueue)
def review_queue(admin: Admin, state: State, limit: Limit = DEFAULT_LIMIT) -> ReviewQueue:
    del admin
    return ReviewService(state).queue(limit=limit)


@router.post("/admin/reviews/{item_id}/decide", response_model=ReviewOutcome)
def decide_review(item_id: str, body: ReviewDecisionRequest, admin: Admin, state: State) -> ReviewOutcome:
    return ReviewService(state).decide(admin, item_id, body)


@router.get("/admin/decisions", response_model=DecisionList)
def list_decisions(
    *,
    admin: Admin,
    state: State,
    action: str | None = None,
    user_id: str | None = None,
    before: str | None = None,
    limit: Limit = DEFAULT_LIMIT,
) -> DecisionList:
    del admin
    return ModerationService(state).decisions(action=action, user_id=user_id, before=before, limit=limit)


@router.get("/admin/takedowns", response_model=TakedownList)
def list_takedowns(
    admin: Admin, state: State, active: bool = False, before: str | None = None, limit: Limit = DEFAULT_LIMIT
) -> TakedownList:
    del admin
    return TakedownService(state).list(active_only=active, before=before, limit=limit)


@router.post("/admin/takedowns", response_model=TakedownView, status_code=201)
def create_takedown(body: TakedownRequest, admin: Admin, state: State) -> TakedownView:
    return TakedownService(state).create(
        admin, body.target_type, body.target_id, policy=body.policy or "", reason=body.reason
    )


@router.post("/admin/takedowns/{takedown_id}/restore", response_model=TakedownView)
def restore_takedown(takedown_id: str, body: RestoreRequest, admin: Admin, state: State) -> TakedownView:
    return TakedownService(state).restore(admin, takedown_id, note=body.note)


@router.get("/admin/appeals", response_model=AppealList)
def list_appeals(
    admin: Admin,
    state: State,
    status: str | None = None,
    before: str | None = None,
    limit: Limit = DEFAULT_LIMIT,
) -> AppealList:
    del admin
    return AppealService(state).list(status=status, before=before, limit=limit)


@router.post("/admin/appeals/{appeal_id}/decide", response_model=AppealView)
def decide_appeal(appeal_id: str, body: AppealDecisionRequest, admin: Admin, state: State) -> AppealView:
    return AppealService(state).decide(admin, appeal_id, body)


@router.get("/admin/safety/rules", response_model=RuleList)
def list_rules(admin: Admin, state: State) -> RuleList:
    del admin
    return ModerationService(state).rules()


@router.post("/admin/safety/rules", response_model=RuleView, status_code=201)
def add_rule(body: RuleRequest, admin: Admin, state: State) -> RuleView:
    return ModerationService(state).add_rule(admin, body)


@router.delete("/admin/safety/rules/{rule_id}", response_model=RuleView)
def remove_rule(rule_id: str, admin: Admin, state: State) -> RuleView:
    return ModerationService(state).remove_rule(admin, rule_id)


@router.get("/admin/audit", response_model=AuditList)
def audit_log(
    admin: Admin, state: State, before: str | None = None, limit: Limit = DEFAULT_LIMIT
) -> AuditList:
    del admin
    return AuditService(state).list(before=before, limit=limit)


@router.get("/me/moderation", response_model=MyModeration)
def my_moderation(caller: Caller, state: State) -> MyModeration:
    return ModerationService(state).mine(caller)


@router.post("/appeals", response_model=AppealView, status_code=201)
def create_appeal(body: AppealRequest, caller: Caller, state: State) -> AppealView:
    return AppealService(state).create(caller, body)


@router.get("/appeals", response_model=list[AppealView])
def my_appeals(caller: Caller, state: State) -> list[AppealView]:
    return AppealService(state).mine(caller)
