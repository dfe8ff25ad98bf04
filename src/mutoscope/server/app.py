"""The FastAPI app factory.

`create_app(settings)` wires the runtime (database, blob store, job queue, registry, rate limiter), the error
handlers, the idempotency middleware and the routers. Background threads (in-process workers, webhooks) start in
the app's lifespan when `background=True`, which is what `mutoscope serve` does; tests may run them separately.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from mutoscope import __version__
from mutoscope.db import open_database
from mutoscope.engine.registry import discover
from mutoscope.jobs.queue import JobQueue
from mutoscope.jobs.video import provenance_stages
from mutoscope.server.accounts.bootstrap import ensure_bootstrap_admin
from mutoscope.server.accounts.keys import router as keys_router
from mutoscope.server.accounts.router import router as accounts_router
from mutoscope.server.background import Background
from mutoscope.server.characters.router import router as characters_router
from mutoscope.server.coordination import coordination_for
from mutoscope.server.errors import install_error_handlers
from mutoscope.server.exports.router import router as exports_router
from mutoscope.server.feed.router import router as feed_router
from mutoscope.server.generations.router import router as videos_router
from mutoscope.server.health import router as health_router
from mutoscope.server.idempotency import IdempotencyMiddleware
from mutoscope.server.messages.router import router as messages_router
from mutoscope.server.moderation.router import router as moderation_router
from mutoscope.server.notifications.router import router as notifications_router
from mutoscope.server.posts.router import router as posts_router
from mutoscope.server.progress import progress_publisher
from mutoscope.server.progress.router import router as progress_router
from mutoscope.server.provenance.router import deployment_provenance
from mutoscope.server.provenance.router import router as provenance_router
from mutoscope.server.runtime import Runtime
from mutoscope.server.social.router import router as profiles_router
from mutoscope.server.web import install_web
from mutoscope.server.webhooks.router import router as webhooks_router
from mutoscope.settings import Settings
from mutoscope.storage import open_blob_store

logger = logging.getLogger(__name__)


def build_runtime(settings: Settings) -> Runtime:
    db = open_database(settings.database_url)
    shared = coordination_for(settings)  # in-process, or through Redis when configured
    return Runtime(
        settings=settings,
        db=db,
        blobs=open_blob_store(settings),
        queue=JobQueue(db, lease_s=settings.jobs.lease_s, max_attempts=settings.jobs.max_attempts),
        registry=discover(),
        rate_limiter=shared.rate_limiter,
        login_limiter=shared.login_limiter,
        progress=shared.progress,
    )


# A write interrupted by a crash leaves a temp file (local store) or an open multipart upload (S3); readers never
# see either, but they take space. An hour is far longer than any write takes.
_LEFTOVER_AGE_S = 3600.0


def _sweep_leftovers(state: Runtime) -> None:
    for name in ("sweep_temp", "sweep_incomplete_uploads"):
        sweep = getattr(state.blobs, name, None)
        if callable(sweep):
            removed = sweep(older_than_s=_LEFTOVER_AGE_S)
            if removed:
                logger.info("removed %d leftover partial writes from blob storage", removed)


def create_app(settings: Settings, *, background: bool = True, workers: int | None = None) -> FastAPI:
    """The mutoscope app. `workers` in-process workers run when `background` (default: 1 if the settings say so)."""
    state = build_runtime(settings)
    worker_count = workers if workers is not None else int(settings.server.in_process_worker)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        threads = Background()
        ensure_bootstrap_admin(state)
        _sweep_leftovers(state)
        if background:
            if worker_count:
                threads.start_workers(
                    state.queue,
                    state.blobs,
                    count=worker_count,
                    heartbeat_s=settings.jobs.heartbeat_s,
                    poll_s=settings.jobs.poll_s,
                    on_progress=progress_publisher(state.progress),
                    stages_factory=provenance_stages(deployment_provenance(app)),
                )
            threads.start_webhooks(state.db, allow_private=settings.webhooks.allow_private)
        try:
            yield
        finally:
            threads.stop()
            state.progress.close()
            state.db.dispose()

    app = FastAPI(
        title="mutoscope",
        version=__version__,
        summary="Open, self-hosted generation of short videos with synchronized sound (OpenAI Videos API at /v1).",
        lifespan=lifespan,
    )
    app.state.runtime = state
    install_error_handlers(app)
    app.add_middleware(IdempotencyMiddleware, db_provider=lambda: state.db)
    app.include_router(health_router)
    install_web(app)  # pages first: the share permalink /p/{id} serves browsers the post page
    app.include_router(characters_router)
    app.include_router(videos_router)
    app.include_router(progress_router)
    app.include_router(webhooks_router)
    app.include_router(accounts_router)
    app.include_router(keys_router)
    app.include_router(profiles_router)
    app.include_router(posts_router)
    app.include_router(notifications_router)
    app.include_router(messages_router)
    app.include_router(moderation_router)
    app.include_router(exports_router)
    app.include_router(feed_router)
    app.include_router(provenance_router)
    return app
