"""Screening decisions: output decisions read back from finished jobs, and decision views.

Prompt decisions are written by `screening` as the server screens. Output screens run in workers, which have no
tables of their own to write: a finished video job carries its screens' verdicts in `result["moderation"]`, and
a blocked one failed with `error.code = moderation_blocked.<policy>` and the reasons in its message.
`record_output_decisions` turns each finished video job that has no output decision yet into one (oldest
first, a bounded batch per call); the moderation reads call it, so the queue is complete whenever it is looked
at, whichever process ran the job. A blocked output's recorded version is the policy series (the worker's exact
digest is not in the failure); allowed and reviewed outputs keep their screens' exact versions.
"""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from mutoscope.ids import new_id
from mutoscope.jobs.models import Job
from mutoscope.jobs.states import JobState
from mutoscope.jobs.video import KIND
from mutoscope.safety.policy import POLICY_SERIES, most_severe
from mutoscope.safety.verdict import Action
from mutoscope.server.accounts.models import User
from mutoscope.server.moderation.models import ModerationDecision
from mutoscope.server.moderation.schemas import DecisionView
from mutoscope.server.moderation.screening import PENDING
from mutoscope.server.posts.schemas import UserRef

BLOCKED_PREFIX: Final = "moderation_blocked."
BATCH: Final = 200


def record_output_decisions(session: Session, *, batch: int = BATCH) -> int:
    """Record the output decision of finished video jobs that have none yet; returns how many were added."""
    unrecorded = ~exists().where(ModerationDecision.video_id == Job.id, ModerationDecision.stage == "output")
    jobs = session.scalars(
        select(Job)
        .where(
            Job.kind == KIND,
            or_(
                Job.state == JobState.completed,
                (Job.state == JobState.failed) & Job.error_code.like(BLOCKED_PREFIX + "%"),
            ),
            Job.owner_id.in_(select(User.id)),
            unrecorded,
        )
        .order_by(Job.finished_at)
        .limit(batch)
    ).all()
    for job in jobs:
        session.add(_output_decision(job))
    session.flush()
    return len(jobs)


def _output_decision(job: Job) -> ModerationDecision:
    assert job.owner_id is not None
    if job.state == JobState.failed:
        policy = (job.error_code or "").removeprefix(BLOCKED_PREFIX)
        return ModerationDecision(
            id=new_id("dec"),
            stage="output",
            user_id=job.owner_id,
            video_id=job.id,
            action="block",
            policy=policy,
            policy_version=POLICY_SERIES,
            reasons=[job.error_message or ""],
            verdicts=[],
            prompt=str(job.payload.get("prompt", "")),
        )
    verdicts: list[dict[str, Any]] = [
        v for v in (job.result or {}).get("moderation", []) if isinstance(v, dict)
    ]
    pairs: list[tuple[str, Action]] = [(str(v.get("policy", "")), v.get("action", "allow")) for v in verdicts]
    policy, action = most_severe([p for p in pairs if p[1] != "allow"])
    deciding = next((v for v in verdicts if v.get("action") == action and v.get("policy") == policy), None)
    reasons = [r for v in verdicts for r in v.get("reasons", [])]
    versions = sorted({str(v.get("policy_version", "")) for v in verdicts} - {""})
    return ModerationDecision(
        id=new_id("dec"),
        stage="output",
        user_id=job.owner_id,
        video_id=job.id,
        action=action,
        policy=policy,
        policy_version=str(deciding["policy_version"]) if deciding else ",".join(versions)[:80],
        reasons=reasons,
        verdicts=verdicts,
        prompt=str(job.payload.get("prompt", "")),
        review_status=PENDING if action == "review" else None,
    )


def decision_view(decision: ModerationDecision, user: UserRef | None = None) -> DecisionView:
    return DecisionView(
        id=decision.id,
        stage=decision.stage,
        action=decision.action,
        policy=decision.policy,
        policy_version=decision.policy_version,
        reasons=[str(r) for r in decision.reasons],
        video_id=decision.video_id,
        prompt=decision.prompt,
        review_status=decision.review_status,
        overturned=decision.overturned,
        created_at=decision.created_at,
        user=user,
    )
