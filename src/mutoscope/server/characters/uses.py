"""Where characters are used, and what their owners can do about it.

- `record_uses`: called in the transaction that creates a video; links it to each character and tells each
  owner (other than the creator) that their character was used.
- Co-ownership: the owner lists every video using their character, drafts of other people included, reads its
  media, and deletes any of them (post, job and blobs too); the video's creator is told.
- Revocation: when an owner narrows who may use a character (or deletes it), the queued and running jobs of
  people no longer allowed are cancelled with a clear reason; `permission_check` lets a worker re-ask the rule
  itself before and while it runs a job, which also covers revocations made elsewhere (an unfollow, a block).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from mutoscope.db import Database, open_database
from mutoscope.errors import NotFoundError, PermissionDeniedError
from mutoscope.jobs.models import Job
from mutoscope.jobs.queue import JobQueue
from mutoscope.jobs.states import JobState
from mutoscope.server.characters.models import Character, CharacterUse
from mutoscope.server.characters.permissions import may_use
from mutoscope.server.generations.models import Video
from mutoscope.server.notifications.service import CHARACTER_USED, CHARACTER_VIDEO_DELETED, notify
from mutoscope.server.posts.counters import remove_posts_of_video
from mutoscope.settings import Settings
from mutoscope.storage import BlobStore

logger = logging.getLogger(__name__)
REVOKED = "character_revoked"
ACTIVE = (JobState.queued.value, JobState.in_progress.value)


def record_uses(session: Session, video_id: str, creator_id: str, characters: Sequence[Character]) -> None:
    for character in characters:
        session.add(CharacterUse(video_id=video_id, character_id=character.id, creator_id=creator_id))
        notify(
            session,
            user_id=character.owner_id,
            kind=CHARACTER_USED,
            actor_id=creator_id,
            subject_id=video_id,
            data={"character_id": character.id, "handle": character.handle},
        )


def videos_using(session: Session, character_id: str) -> list[tuple[Video, Job | None]]:
    rows = session.execute(
        select(Video, Job)
        .join(CharacterUse, CharacterUse.video_id == Video.id)
        .outerjoin(Job, Job.id == Video.id)
        .where(CharacterUse.character_id == character_id)
        .order_by(Video.created_at.desc(), Video.id.desc())
    )
    return [(video, job) for video, job in rows]


def delete_video(session: Session, video: Video, *, by_owner_of: Character) -> str:
    """Delete `video` (its post and job too) in `session`; the caller removes `videos/<id>/` after commit."""
    remove_posts_of_video(session, video.id)
    job = session.get(Job, video.id)
    if job is not None:
        session.delete(job)
    notify(
        session,
        user_id=video.owner_id,
        kind=CHARACTER_VIDEO_DELETED,
        actor_id=by_owner_of.owner_id,
        subject_id=video.id,
        data={"character_id": by_owner_of.id, "handle": by_owner_of.handle, "prompt": video.prompt[:200]},
    )
    session.delete(video)
    return f"videos/{video.id}/"


def jobs_to_revoke(session: Session, character: Character, *, everyone: bool = False) -> list[str]:
    """Active jobs using `character` whose creators may no longer use it (all of them when `everyone`)."""
    rows = session.execute(
        select(CharacterUse.video_id, CharacterUse.creator_id)
        .join(Job, Job.id == CharacterUse.video_id)
        .where(CharacterUse.character_id == character.id, Job.state.in_(ACTIVE))
    )
    return [
        video_id for video_id, creator_id in rows if everyone or not may_use(session, creator_id, character)
    ]


def cancel_revoked(queue: JobQueue, job_ids: Sequence[str], handle: str) -> None:
    message = (
        f"The character @{handle} was withdrawn by its owner while this video was waiting or being made, "
        "so it was stopped."
    )
    for job_id in job_ids:
        try:
            queue.cancel(job_id, code=REVOKED, message=message)
        except NotFoundError:
            continue  # deleted meanwhile


def permission_check(db: Database) -> Callable[[str], None]:
    """For `VideoJobs(permission_check=...)`: raises when the job's creator may no longer use a character."""

    def check(job_id: str) -> None:
        with db.session() as session:
            video = session.get(Video, job_id)
            if video is None:
                return  # not a server-made job (or deleted: the worker loses its lease anyway)
            for ident in video.character_ids:
                character = session.get(Character, ident)
                if character is None or not may_use(session, video.owner_id, character):
                    handle = f"@{character.handle}" if character is not None else "a character"
                    raise PermissionDeniedError(
                        f"The character {handle} was withdrawn by its owner, so this video was stopped.",
                        code=REVOKED,
                    )

    return check


def permission_check_for_settings(settings: Settings) -> Callable[[str], None]:
    """`permission_check` on a database of its own, for a process that has none (a Ray actor builds its check
    with this: a module-level function, so Ray can send it by reference)."""
    return permission_check(open_database(settings.database_url))


def remove_blobs(blobs: BlobStore, prefixes: Sequence[str]) -> None:
    for prefix in prefixes:
        try:
            blobs.delete_prefix(prefix)
        except OSError:
            logger.exception("could not delete %s; the rows are gone, the blobs are orphans", prefix)
