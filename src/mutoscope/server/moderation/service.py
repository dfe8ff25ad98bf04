"""Moderation reads and the admins' rule additions: decision lists, "my moderation", and rule editing.

Admins add terms, patterns, public figures and protected characters on top of the built-in lists
(`mutoscope.safety.rules`); an addition is validated (a pattern must compile) before it is stored, and takes
effect on the next screening in every process, because the gate reads the active additions each time (one small
query) and `safety.prompts.prompt_screener` caches one compiled screener per addition set. Removing an addition
deactivates it (kept for the audit trail).
"""

from __future__ import annotations

from sqlalchemy import select

from mutoscope.db import utcnow
from mutoscope.errors import ConflictError, InvalidRequestError, NotFoundError
from mutoscope.ids import new_id
from mutoscope.safety.prompts import prompt_screener
from mutoscope.safety.rules import RuleAddition, check_addition
from mutoscope.server.accounts.auth import Principal
from mutoscope.server.moderation.appeals import AppealService
from mutoscope.server.moderation.audit import audit
from mutoscope.server.moderation.decisions import decision_view, record_output_decisions
from mutoscope.server.moderation.models import ModerationDecision, ModerationRule, Takedown
from mutoscope.server.moderation.schemas import (
    DecisionList,
    MyModeration,
    RuleList,
    RuleRequest,
    RuleView,
)
from mutoscope.server.moderation.screening import active_additions
from mutoscope.server.moderation.takedowns import takedown_view
from mutoscope.server.posts import paging
from mutoscope.server.posts.views import user_ref, users_by_id
from mutoscope.server.runtime import Runtime

ACTIONS = ("allow", "review", "block")


class ModerationService:
    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    def decisions(
        self, *, action: str | None, user_id: str | None, before: str | None, limit: int
    ) -> DecisionList:
        paging.check_limit(limit)
        if action is not None and action not in ACTIONS:
            raise InvalidRequestError(f"'action' must be one of {', '.join(ACTIONS)}.", param="action")
        with self._rt.db.write_session() as session:
            record_output_decisions(session)
        with self._rt.db.session() as session:
            query = select(ModerationDecision)
            if action is not None:
                query = query.where(ModerationDecision.action == action)
            if user_id is not None:
                query = query.where(ModerationDecision.user_id == user_id)
            cursor = paging.cursor_at(session, ModerationDecision, before, "before")
            rows = list(
                session.scalars(
                    paging.page(
                        query,
                        ModerationDecision.created_at,
                        ModerationDecision.id,
                        cursor=cursor,
                        limit=limit,
                    )
                )
            )
            users = users_by_id(session, [d.user_id for d in rows])
            data = [
                decision_view(d, user_ref(users[d.user_id]) if d.user_id in users else None)
                for d in rows[:limit]
            ]
        return DecisionList(data=data, has_more=len(rows) > limit)

    def mine(self, principal: Principal) -> MyModeration:
        """The caller's blocked or reviewed generations, takedowns of their things, and their appeals."""
        with self._rt.db.write_session() as session:
            record_output_decisions(session)
        with self._rt.db.session() as session:
            decisions = session.scalars(
                select(ModerationDecision)
                .where(ModerationDecision.user_id == principal.user_id, ModerationDecision.action != "allow")
                .order_by(ModerationDecision.created_at.desc())
                .limit(paging.MAX_LIMIT)
            )
            takedowns = session.scalars(
                select(Takedown)
                .where(Takedown.owner_id == principal.user_id)
                .order_by(Takedown.created_at.desc())
                .limit(paging.MAX_LIMIT)
            )
            result = MyModeration(
                decisions=[decision_view(d) for d in decisions],
                takedowns=[takedown_view(t) for t in takedowns],
                appeals=[],
            )
        result.appeals = AppealService(self._rt).mine(principal)
        return result

    def rules(self) -> RuleList:
        with self._rt.db.session() as session:
            rows = session.scalars(
                select(ModerationRule)
                .where(ModerationRule.active.is_(True))
                .order_by(ModerationRule.created_at)
            ).all()
            additions = active_additions(session)
        screener = prompt_screener(additions)
        return RuleList(
            policy_version=screener.version,
            builtin=prompt_screener().rules.counts,
            data=[rule_view(r) for r in rows],
        )

    def add_rule(self, admin: Principal, body: RuleRequest) -> RuleView:
        addition = check_addition(
            RuleAddition(kind=body.kind, value=body.value, category=body.category or "", action=body.action)
        )
        with self._rt.db.write_session() as session:
            duplicate = session.scalars(
                select(ModerationRule.id).where(
                    ModerationRule.active.is_(True),
                    ModerationRule.kind == addition.kind,
                    ModerationRule.category == addition.category,
                    ModerationRule.value == addition.value,
                )
            ).first()
            if duplicate is not None:
                raise ConflictError(f"This rule already exists ({duplicate}).", param="value")
            rule = ModerationRule(
                id=new_id("rule"),
                kind=addition.kind,
                category=addition.category,
                action=addition.action,
                value=addition.value,
                created_by=admin.user_id,
            )
            session.add(rule)
            session.flush()
            audit(session, admin, "rule.add", "rule", rule.id, data={"kind": rule.kind, "value": rule.value})
            return rule_view(rule)

    def remove_rule(self, admin: Principal, rule_id: str) -> RuleView:
        with self._rt.db.write_session() as session:
            rule = session.get(ModerationRule, rule_id)
            if rule is None or not rule.active:
                raise NotFoundError(f"No active rule found with id '{rule_id}'.", param="rule_id")
            rule.active = False
            rule.removed_at = utcnow()
            audit(
                session, admin, "rule.remove", "rule", rule.id, data={"kind": rule.kind, "value": rule.value}
            )
            return rule_view(rule)


def rule_view(rule: ModerationRule) -> RuleView:
    return RuleView(
        id=rule.id,
        kind=rule.kind,
        category=rule.category,
        action=rule.action,
        value=rule.value,
        active=rule.active,
        created_at=rule.created_at,
    )
