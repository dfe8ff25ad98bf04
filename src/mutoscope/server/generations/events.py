"""Turning finished generations into `video.completed` / `video.failed` webhook events (and the owner's
"generation finished" notification), exactly once.

Workers only move jobs through their states; this outbox scan, run by whichever process hosts the webhook
dispatcher, finds videos whose job reached a terminal state and records the event in the same transaction that
marks the video notified. A crash between the two cannot lose or duplicate an event, and it works the same when
the worker is another process or another machine.
"""

from __future__ import annotations

from sqlalchemy import select

from mutoscope.db import Database, utcnow
from mutoscope.jobs.models import Job
from mutoscope.jobs.states import JobState
from mutoscope.server.generations.models import Video
from mutoscope.server.notifications.service import GENERATION_FINISHED, notify
from mutoscope.server.provenance.index import index_video
from mutoscope.server.webhooks.service import record_event

_BATCH = 100


def record_finished_videos(db: Database) -> int:
    """Record events for newly finished videos; returns how many."""
    finished = (JobState.completed, JobState.failed, JobState.cancelled)
    with db.write_session() as session:
        query = (
            select(Video, Job.state)
            .join(Job, Job.id == Video.id)
            .where(Video.notified_at.is_(None), Job.state.in_(finished))
            .order_by(Video.created_at)
            .limit(_BATCH)
        )
        if not db.is_sqlite:
            query = query.with_for_update(skip_locked=True, of=Video)
        rows = session.execute(query).all()
        for video, state in rows:
            event = "video.completed" if state == JobState.completed else "video.failed"
            record_event(session, user_id=video.owner_id, event_type=event, data={"id": video.id})
            if state == JobState.completed:
                index_video(session, video.id)  # fingerprints and payload, for provenance checks
            if state != JobState.cancelled:  # the owner cancelled it themselves: nothing to tell them
                notify(
                    session,
                    user_id=video.owner_id,
                    kind=GENERATION_FINISHED,
                    subject_id=video.id,
                    data={"video_id": video.id, "status": str(state)},
                )
            video.notified_at = utcnow()
        return len(rows)
