"""`RayExecutor`: `video` jobs on warm backends in Ray actors (one per GPU, or CPU actors), fed from the database
queue, which stays the source of truth.

The driver (the `mutoscope worker --executor ray` process) runs one `Worker` per actor. Each claims a job from
the queue under its own lease, hands the `ClaimedJob` to its actor and waits; meanwhile the Worker's heartbeat
thread keeps extending the lease from the driver and the driver polls the actor's progress into the job row. A
cancel or a lost lease is passed on to the actor, whose backend stops at its next check. The outcome travels
back as plain data and settles through the queue exactly as with thread workers (completed once, or failed with
the error's code, or cancelled); a losing attempt's blobs are deleted by the driver. An actor that dies takes
its attempt with it (`WorkerLostError`): the job's lease runs out and the job is retried, and Ray restarts the
actor. Actors build their own blob store from the settings, so on a cluster of several machines storage must be
shared (S3); local files work on one machine.

Jobs with characters go through the same `PermissionGuard` as in thread workers (before the job runs, about once
a second while it runs, and before its result is stored), inside the actor: `permission_check_factory` is sent
to each actor, which calls it with the settings to build its own check (it needs a database connection of its
own, so the factory, not a check holding the driver's, crosses the process boundary). The jobs layer cannot
name the server's rule, so whoever starts the executor passes it (the CLI passes the server's).

Ray is imported only when an executor starts (`MissingDependencyError` names the `ray` extra), so importing this
module never needs it.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from mutoscope.errors import (
    GenerationCancelledError,
    InvalidRequestError,
    MissingDependencyError,
    MutoscopeError,
    WorkerLostError,
)
from mutoscope.jobs.characters import PermissionCheck
from mutoscope.jobs.queue import ClaimedJob, JobQueue
from mutoscope.jobs.video import KIND, VideoJobs
from mutoscope.jobs.worker import (
    INTERNAL_ERROR,
    INTERNAL_ERROR_MESSAGE,
    JobContext,
    ProgressListener,
    Worker,
    default_worker_id,
)
from mutoscope.settings import Settings
from mutoscope.storage import open_blob_store

logger = logging.getLogger(__name__)

# Builds a character permission check (see jobs/characters.py) inside an actor, from the settings.
PermissionCheckFactory = Callable[[Settings], PermissionCheck]

_ACTOR_START_TIMEOUT_S = 120.0
_STOP_TIMEOUT_S = 60.0
# run() plus the driver's progress polls and a cancel: the actor serves them from a small thread pool.
_ACTOR_CONCURRENCY = 4


class _ActorContext(JobContext):
    """The handler's context inside an actor: progress is read by the driver's polls, cancel set by its calls."""

    def latest_progress(self) -> int | None:
        with self._lock:
            return self._progress

    def cancel(self) -> None:
        self._cancel_requested.set()


class VideoActor:
    """What runs inside one Ray actor: a `VideoJobs` with warm backends on `device` ("cuda" or "cpu")."""

    def __init__(
        self,
        settings: Settings,
        name: str,
        device: str,
        permission_check_factory: PermissionCheckFactory | None = None,
    ) -> None:
        logging.basicConfig(level=settings.log_level)
        self._name = name
        check = permission_check_factory(settings) if permission_check_factory is not None else None
        self._videos = VideoJobs(open_blob_store(settings), device=device, permission_check=check)
        self._running: dict[str, _ActorContext] = {}
        self._lock = threading.Lock()

    def describe(self) -> dict[str, Any]:
        return {"actor": self._name, "pid": os.getpid()}

    def run(self, job: ClaimedJob) -> dict[str, Any]:
        """Run the job; the outcome as plain data, so no exception has to survive Ray's serialisation."""
        ctx = _ActorContext(job)
        with self._lock:
            self._running[job.id] = ctx
        try:
            result = self._videos.handle(job, ctx)
        except GenerationCancelledError:
            return {"outcome": "cancelled"}
        except MutoscopeError as error:
            return {"outcome": "error", "code": error.code, "message": error.message}
        except Exception:
            logger.exception("job %s raised in actor %s", job.id, self._name)
            return {"outcome": "error", "code": INTERNAL_ERROR, "message": INTERNAL_ERROR_MESSAGE}
        finally:
            with self._lock:
                self._running.pop(job.id, None)
        return {"outcome": "result", "result": {**result, "executor": self.describe()}}

    def progress(self, job_id: str) -> int | None:
        with self._lock:
            ctx = self._running.get(job_id)
        return None if ctx is None else ctx.latest_progress()

    def cancel(self, job_id: str) -> None:
        with self._lock:
            ctx = self._running.get(job_id)
        if ctx is not None:
            ctx.cancel()

    def close(self) -> None:
        self._videos.close()


@dataclass
class _Slot:
    name: str
    actor: Any  # a Ray actor handle of VideoActor
    worker: Worker | None = None
    thread: threading.Thread | None = None


class RayExecutor:
    """Runs `actors` Ray actors (default: one per GPU in the cluster, or one CPU actor when it has none) and a
    driver-side `Worker` per actor that feeds it from `queue`. `address` is passed to `ray.init` unless Ray is
    already initialised in this process (None: `RAY_ADDRESS`, or a local Ray started for this process).
    `permission_check_factory` (picklable: a module-level function) builds each actor's character permission
    check from the settings; without it, jobs with characters run unchecked, so production must pass it."""

    def __init__(
        self,
        queue: JobQueue,
        settings: Settings,
        *,
        address: str | None = None,
        actors: int | None = None,
        heartbeat_s: float = 5.0,
        poll_s: float = 0.5,
        on_progress: ProgressListener | None = None,
        permission_check_factory: PermissionCheckFactory | None = None,
    ) -> None:
        if actors is not None and actors < 1:
            raise InvalidRequestError(f"actors must be at least 1, got {actors}", param="actors")
        self.queue = queue
        self.settings = settings
        self.address = address
        self.requested_actors = actors
        self.heartbeat_s = heartbeat_s
        self.poll_s = poll_s
        self.on_progress = on_progress
        self.permission_check_factory = permission_check_factory
        self.device = "cpu"
        self._slots: list[_Slot] = []
        self._stop = threading.Event()
        self._discards = VideoJobs(open_blob_store(settings))  # deletes a losing attempt's blobs

    @property
    def actor_names(self) -> list[str]:
        return [slot.name for slot in self._slots]

    def start(self) -> None:
        """Connect to Ray, start the actors (waiting until each has loaded) and their feeding workers."""
        ray = _ray()
        if not ray.is_initialized():
            ray.init(address=self.address)
        gpus = int(ray.cluster_resources().get("GPU", 0))
        count = self.requested_actors or max(gpus, 1)
        if gpus and count > gpus:
            raise InvalidRequestError(
                f"{count} actors were asked for but the Ray cluster has {gpus} GPU(s): one actor per GPU.",
                param="actors",
            )
        self.device = "cuda" if gpus else "cpu"
        resources = {"num_gpus": 1} if gpus else {"num_cpus": 1}
        remote = ray.remote(VideoActor).options(
            max_concurrency=_ACTOR_CONCURRENCY, max_restarts=-1, max_task_retries=0, **resources
        )
        base = default_worker_id()
        for index in range(count):
            name = f"{base}-ray{index}"
            actor = remote.remote(self.settings, name, self.device, self.permission_check_factory)
            self._slots.append(_Slot(name=name, actor=actor))
        ray.get([slot.actor.describe.remote() for slot in self._slots], timeout=_ACTOR_START_TIMEOUT_S)
        for slot in self._slots:
            slot.worker = Worker(
                self.queue,
                {KIND: partial(self._run_on_actor, slot)},
                worker_id=slot.name,
                heartbeat_s=self.heartbeat_s,
                poll_s=self.poll_s,
                on_discard=self._discards.discard,
                on_progress=self.on_progress,
            )
            slot.thread = threading.Thread(
                target=slot.worker.run, args=(self._stop,), name=f"mutoscope-{slot.name}", daemon=True
            )
            slot.thread.start()
        logger.info(
            "Ray executor running %d %s actor(s): %s", count, self.device, ", ".join(self.actor_names)
        )

    def stop(self, timeout_s: float = _STOP_TIMEOUT_S) -> None:
        """Stop claiming, let running jobs finish (up to `timeout_s`), then close and release the actors."""
        self._stop.set()
        for slot in self._slots:
            if slot.thread is not None:
                slot.thread.join(timeout_s)
        ray = _ray()
        for slot in self._slots:
            try:
                ray.get(slot.actor.close.remote(), timeout=10)
            except Exception:  # a dead or stuck actor is killed below all the same
                logger.warning("actor %s did not close cleanly", slot.name, exc_info=True)
            ray.kill(slot.actor)
        self._slots.clear()

    def run(self, stop: threading.Event) -> None:
        """`start`, wait for `stop`, then `stop()`."""
        self.start()
        try:
            stop.wait()
        finally:
            self.stop()

    def _run_on_actor(self, slot: _Slot, job: ClaimedJob, ctx: JobContext) -> dict[str, Any]:
        """The driver-side handler: the actor does the work; this keeps progress and cancels flowing."""
        ray = _ray()
        poll_s = min(0.25, self.heartbeat_s)
        cancel_sent = False
        try:
            pending = slot.actor.run.remote(job)
            while not ray.wait([pending], timeout=poll_s)[0]:
                try:
                    progress = ray.get(slot.actor.progress.remote(job.id), timeout=30)
                except ray.exceptions.GetTimeoutError:  # a busy actor: the lease is the driver's, carry on
                    progress = None
                if progress is not None:
                    ctx.report_progress(progress)
                if ctx.is_cancelled() and not cancel_sent:
                    slot.actor.cancel.remote(job.id)
                    cancel_sent = True
            outcome: dict[str, Any] = ray.get(pending)
        except ray.exceptions.RayActorError as error:
            raise WorkerLostError(f"the Ray actor {slot.name} died while running it ({error})") from None
        kind = outcome.get("outcome")
        if kind == "result":
            result: dict[str, Any] = outcome["result"]
            return result
        if kind == "cancelled":
            raise GenerationCancelledError("The job was cancelled.")
        raise MutoscopeError(str(outcome.get("message", "")), code=str(outcome.get("code", INTERNAL_ERROR)))


def _ray() -> Any:
    try:
        import ray
    except ImportError:
        raise MissingDependencyError("ray", "ray", "The Ray executor") from None
    return ray
