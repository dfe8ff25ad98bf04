"""The threads a server process runs beside its routes: in-process workers, and the webhook outbox + dispatcher.

`mutoscope serve` starts both by default (the embedded, one-command setup); `mutoscope worker` runs only workers.
Each loop survives database hiccups and stops promptly when asked.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from functools import partial

from mutoscope.db import Database
from mutoscope.engine.stages import Stages
from mutoscope.jobs.queue import JobQueue
from mutoscope.jobs.video import KIND, VideoJob, VideoJobs
from mutoscope.jobs.worker import ProgressListener, Worker
from mutoscope.server.characters.uses import permission_check
from mutoscope.server.generations.events import record_finished_videos
from mutoscope.server.webhooks.service import WebhookDispatcher
from mutoscope.storage import BlobStore

logger = logging.getLogger(__name__)


class Background:
    """Starts and stops a process's background threads."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._closers: list[Callable[[], None]] = []

    def start_workers(
        self,
        queue: JobQueue,
        blobs: BlobStore,
        *,
        count: int,
        heartbeat_s: float,
        poll_s: float,
        on_progress: ProgressListener | None = None,
        stages_factory: Callable[[VideoJob], Stages] | None = None,
    ) -> None:
        videos = VideoJobs(blobs, stages_factory=stages_factory, permission_check=permission_check(queue.db))
        self._closers.append(videos.close)
        for index in range(count):
            worker = Worker(
                queue,
                {KIND: videos.handle},
                heartbeat_s=heartbeat_s,
                poll_s=poll_s,
                on_discard=videos.discard,
                on_progress=on_progress,
            )
            self._spawn(f"mutoscope-worker-{index}", partial(worker.run, self._stop))

    def start_webhooks(self, db: Database, *, poll_s: float = 0.5, allow_private: bool = False) -> None:
        dispatcher = WebhookDispatcher(db, allow_private=allow_private)
        self._closers.append(dispatcher.close)

        def loop() -> None:
            while not self._stop.is_set():
                try:
                    record_finished_videos(db)
                    dispatcher.deliver_due()
                except Exception:  # the loop must outlive a database outage
                    logger.exception("webhook loop failed; retrying")
                self._stop.wait(poll_s)

        self._spawn("mutoscope-webhooks", loop)

    def stop(self, timeout_s: float = 30.0) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout_s)
        for close in self._closers:
            close()
        self._threads.clear()
        self._closers.clear()

    def _spawn(self, name: str, target: Callable[[], None]) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)
