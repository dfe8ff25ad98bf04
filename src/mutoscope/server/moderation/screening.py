"""Prompt screening at the door: every generation (API create, remix, edit, extend; the app's remix) passes
here before anything is stored or queued.

`PromptGate.screen(principal, prompt, characters)` builds the context (a teen account, a cast person character
= a real person's likeness), merges the admins' rule additions into the built-in rules, and screens. A block is
recorded as a decision in its own transaction and raised as `ContentPolicyError` (400,
`moderation_blocked.<policy>`), so no video row, job or blob exists. An allow or review is returned as a
`Screened` the caller records in the same transaction as the video row (`record_prompt_decision`); a review
enters the admins' queue. Two further refusals come from the database rather than the text: a character under an
active takedown cannot be cast, and naming a person character's @handle without casting it is using a likeness
without consent. A block its user appealed and an admin overturned is not blocked again for that user.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from mutoscope.errors import ContentPolicyError, PermissionDeniedError
from mutoscope.ids import new_id
from mutoscope.safety.policy import ScreeningContext
from mutoscope.safety.prompts import prompt_screener
from mutoscope.safety.rules import RuleAddition
from mutoscope.safety.verdict import Verdict
from mutoscope.server.accounts.auth import Principal
from mutoscope.server.characters.models import Character
from mutoscope.server.moderation.models import ModerationDecision, ModerationRule, Takedown
from mutoscope.server.runtime import Runtime

PENDING: Final = "pending"
_MENTION: Final = re.compile(r"@([A-Za-z0-9_]{2,40})")


@dataclass(frozen=True, slots=True)
class Screened:
    """A prompt that may proceed, and the verdict to record with its video."""

    verdict: Verdict
    prompt: str
    user_id: str


class PromptGate:
    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    def screen(self, principal: Principal, prompt: str, characters: Sequence[Character]) -> Screened:
        """Screen `prompt` for `principal` casting `characters`; raises on a block (after recording it)."""
        with self._rt.db.session() as session:
            _check_takedowns(session, characters)
            additions = active_additions(session)
            overturned = _overturned(session, principal.user_id, prompt)
            mentioned = _uncast_likenesses(session, prompt, characters)
        context = ScreeningContext(
            teen=principal.is_teen,
            likeness=any(c.kind == "person" for c in characters),
            character_names=tuple(n for c in characters for n in (c.name, c.handle) if n),
        )
        verdict = prompt_screener(additions).screen([prompt], context)
        if mentioned:
            verdict = Verdict(
                action="block",
                screen=verdict.screen,
                policy="likeness",
                policy_version=verdict.policy_version,
                reasons=(f"likeness: names @{mentioned[0]}, a person character not cast with consent",),
                scores=verdict.scores,
            )
        if verdict.blocks and overturned is not None:
            verdict = Verdict(
                action="allow",
                screen=verdict.screen,
                policy=verdict.policy,
                policy_version=verdict.policy_version,
                reasons=(f"an appeal overturned the block of this prompt ({overturned})",),
                scores=verdict.scores,
            )
        screened = Screened(verdict=verdict, prompt=prompt, user_id=principal.user_id)
        if verdict.blocks:
            with self._rt.db.write_session() as session:
                decision = record_prompt_decision(session, screened, video_id=None)
            raise ContentPolicyError(
                f"This prompt was blocked by the {verdict.policy} policy: {'; '.join(verdict.reasons)}. "
                f"If you think this is a mistake, appeal decision {decision.id} at POST /api/appeals.",
                policy=verdict.policy,
                reasons=verdict.reasons,
            )
        return screened


def record_prompt_decision(
    session: Session, screened: Screened, *, video_id: str | None
) -> ModerationDecision:
    """Add the decision for a screened prompt to `session` (the caller's transaction)."""
    verdict = screened.verdict
    decision = ModerationDecision(
        id=new_id("dec"),
        stage="prompt",
        user_id=screened.user_id,
        video_id=video_id,
        action=verdict.action,
        policy=verdict.policy,
        policy_version=verdict.policy_version,
        reasons=list(verdict.reasons),
        verdicts=[verdict.as_dict()],
        prompt=screened.prompt,
        prompt_sha256=prompt_digest(screened.prompt),
        review_status=PENDING if verdict.action == "review" else None,
    )
    session.add(decision)
    session.flush()
    return decision


def prompt_digest(prompt: str) -> str:
    return hashlib.sha256(prompt.strip().encode()).hexdigest()


def active_additions(session: Session) -> list[RuleAddition]:
    rows = session.scalars(select(ModerationRule).where(ModerationRule.active.is_(True)))
    return [
        RuleAddition(kind=row.kind, value=row.value, category=row.category, action=row.action)  # type: ignore[arg-type]
        for row in rows
    ]


def _check_takedowns(session: Session, characters: Sequence[Character]) -> None:
    if not characters:
        return
    ids = [c.id for c in characters]
    taken = session.scalars(
        select(Takedown.target_id).where(
            Takedown.target_type == "character", Takedown.target_id.in_(ids), Takedown.active.is_(True)
        )
    ).first()
    if taken is not None:
        name = next(c.name for c in characters if c.id == taken)
        raise PermissionDeniedError(
            f"The character '{name}' was taken down by a moderator and cannot be used.",
            param="characters",
            code="character_taken_down",
        )


def _overturned(session: Session, user_id: str, prompt: str) -> str | None:
    found: str | None = session.scalars(
        select(ModerationDecision.id).where(
            ModerationDecision.user_id == user_id,
            ModerationDecision.prompt_sha256 == prompt_digest(prompt),
            ModerationDecision.overturned.is_(True),
        )
    ).first()
    return found


def _uncast_likenesses(session: Session, prompt: str, characters: Sequence[Character]) -> list[str]:
    """@handles in the prompt that belong to person characters not cast in this generation."""
    handles = {m.lower() for m in _MENTION.findall(prompt)} - {c.handle.lower() for c in characters}
    if not handles:
        return []
    rows = session.scalars(
        select(Character.handle).where(Character.kind == "person", Character.handle.in_(sorted(handles)))
    )
    return sorted(set(rows))
