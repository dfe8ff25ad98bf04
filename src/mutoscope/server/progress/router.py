"""`GET /v1/videos/{id}/events` (mutoscope extension): a video's progress as server-sent events.

Each event is `event: progress` whose `data` is the video object (the same JSON as `GET /v1/videos/{id}`); the
stream sends one at once, then one whenever the status or progress changes, and ends after the event that shows
a terminal status (`completed` or `failed`). Changes arrive from the progress bus the moment a worker publishes
them, whichever process or machine it runs on; the stream also re-reads the video every `api.events_resync_s`,
so a missed event (a worker without Redis, a lease that expired, a cancel) still shows within that time. A
comment line every 15 s of silence keeps proxies from closing the connection. Same auth as the other /v1 routes.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from mutoscope.errors import NotFoundError
from mutoscope.jobs.states import JobState
from mutoscope.server.accounts.auth import Principal, require_principal
from mutoscope.server.generations.schemas import VideoObject
from mutoscope.server.generations.service import VideoService
from mutoscope.server.runtime import Runtime, runtime

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/v1/videos", tags=["videos"])
Caller = Annotated[Principal, Depends(require_principal)]
State = Annotated[Runtime, Depends(runtime)]

KEEPALIVE_S = 15.0
MAX_STREAM_S = 3600.0  # a client that still wants to watch after an hour reconnects
_READY_TIMEOUT_S = 2.0
_LIVE_STATES = frozenset({JobState.queued, JobState.in_progress})
_FINISHED = frozenset({"completed", "failed"})
_DOC: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Server-sent `progress` events, each carrying the video object, until it finishes.",
        "content": {"text/event-stream": {"schema": {"type": "string"}}},
    }
}


@router.get("/{video_id}/events", response_class=StreamingResponse, responses=_DOC)
async def stream_video_events(video_id: str, caller: Caller, state: State) -> StreamingResponse:
    """mutoscope extension: follow a video's progress live (server-sent events) instead of polling."""
    service = VideoService(state)
    first = await run_in_threadpool(service.get, caller, video_id)  # 404 before any stream starts
    return StreamingResponse(
        _events(state, service, caller, first),
        media_type="text/event-stream",
        headers={"cache-control": "no-cache", "x-accel-buffering": "no"},
    )


async def _events(
    state: Runtime, service: VideoService, caller: Principal, first: VideoObject
) -> AsyncIterator[str]:
    resync_s = state.settings.api.events_resync_s

    async def read(fallback: VideoObject) -> VideoObject | None:
        try:
            return await run_in_threadpool(service.get, caller, first.id)
        except NotFoundError:
            return None  # deleted while watched: the stream ends
        except Exception as error:  # noqa: BLE001  (the stream outlives a database hiccup: retry at next resync)
            logger.warning("event stream for %s could not re-read it: %s", first.id, error)
            return fallback

    with state.progress.subscribe(first.id) as subscription:
        await subscription.ready(_READY_TIMEOUT_S)
        # Read again now that we are subscribed, so nothing between the first read and the subscription is lost.
        current = await read(first)
        if current is None:
            return
        sent = 1
        yield _event(current, sent)
        started = synced_at = last_sent = time.monotonic()
        while current.status not in _FINISHED and time.monotonic() - started < MAX_STREAM_S:
            wait_s = min(synced_at + resync_s, last_sent + KEEPALIVE_S) - time.monotonic()
            event = await subscription.next(wait_s)
            if event is not None and event.state in _LIVE_STATES:
                candidate: VideoObject | None = current.model_copy(
                    update={"status": event.state.value, "progress": event.progress}
                )
            elif event is not None or time.monotonic() >= synced_at + resync_s:
                # A terminal event, or time to re-read: the row has what an event cannot (error, completed_at).
                candidate, synced_at = await read(current), time.monotonic()
            else:
                yield ": keepalive\n\n"
                last_sent = time.monotonic()
                continue
            if candidate is None:
                return
            if (candidate.status, candidate.progress) != (current.status, current.progress):
                sent += 1
                yield _event(candidate, sent)
                last_sent = time.monotonic()
            current = candidate


def _event(video: VideoObject, number: int) -> str:
    return f"event: progress\nid: {number}\ndata: {video.model_dump_json()}\n\n"
