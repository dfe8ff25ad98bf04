"""What one server process holds for its lifetime: settings, the database, blob storage, the job queue, the
backend registry, the rate limiters and the job progress bus. Built once by `create_app`; routes reach it through
`runtime(request)`."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import Request

from mutoscope.db import Database
from mutoscope.engine.registry import BackendRegistry
from mutoscope.jobs.queue import JobQueue
from mutoscope.server.progress.bus import InProcessProgressBus, ProgressBus
from mutoscope.server.ratelimit import InMemoryRateLimiter, RateLimiter
from mutoscope.settings import Settings
from mutoscope.storage import BlobStore


@dataclass(slots=True)
class Runtime:
    settings: Settings
    db: Database
    blobs: BlobStore
    queue: JobQueue
    registry: BackendRegistry
    rate_limiter: RateLimiter
    # Sign-in attempts per account and address (and sign-ups per address): a much smaller budget than API calls.
    login_limiter: RateLimiter = field(default_factory=lambda: InMemoryRateLimiter(10))
    # Live job progress for event streams: in-process, or shared through Redis (server/coordination.py).
    progress: ProgressBus = field(default_factory=InProcessProgressBus)


def runtime(request: Request) -> Runtime:
    state: Runtime = request.app.state.runtime
    return state
