"""`Worker`: claims jobs, runs their handlers under a heartbeat, and settles each outcome exactly once.

A handler is `handler(job, ctx) -> result dict`. While it runs, a heartbeat thread extends the lease every
`heartbeat_s` and writes the latest progress (at most about once a second); a "cancelled" or "lost" answer
raises `ctx.is_cancelled()`. Outcomes: a result → completed; `GenerationCancelledError`, or returning after a
cancel → cancelled; another `MutoscopeError` → failed with its `code` and message; anything else → failed with
`internal_error` (traceback logged, message generic). When the queue refuses to settle (the lease was taken
over), the result is discarded and `on_discard(job, result)` may delete what the lost attempt stored. A handler
that raises `WorkerLostError` (its executor, e.g. a Ray actor, died) leaves the job unsettled: the lease runs out
and the job is retried like any job whose worker died. `on_progress(job_id, progress, state)`, if given, hears
each start, each progress write and each outcome this worker records (live progress fan-out; never required).
`run(stop)` loops until `stop` is set and outlives database outages: it logs, backs off and carries on.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from mutoscope.errors import GenerationCancelledError, MutoscopeError, WorkerLostError
from mutoscope.jobs.queue import ClaimedJob, JobQueue
from mutoscope.jobs.states import JobState

logger = logging.getLogger(__name__)

INTERNAL_ERROR = "internal_error"
INTERNAL_ERROR_MESSAGE = "The job failed because of an internal error."
_MAX_PROGRESS_INTERVAL_S = 1.0
_MAX_BACKOFF_S = 30.0
_SETTLE_TRIES = 4
# What `_record` can learn besides a state: the job was not ours any more, or the database never answered.
_LOST = "lost"
_UNKNOWN = "unknown"


class JobContext:
    """What a running handler may ask of its worker: report progress, learn of cancellation."""

    def __init__(self, job: ClaimedJob) -> None:
        self.job_id = job.id
        self.worker_id = job.worker_id
        self.attempt = job.attempt
        self._lock = threading.Lock()
        self._progress: int | None = None
        self._progress_dirty = False
        self._cancel_requested = threading.Event()
        self._lost = threading.Event()
        self._progress_listener: Callable[[], None] | None = None

    def report_progress(self, percent: int) -> None:
        """Record progress (an integer 0-100); the heartbeat thread writes it to the job row."""
        if isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= 100:
            raise ValueError(f"progress must be an integer percentage 0-100, got {percent!r}")
        with self._lock:
            if percent == self._progress:
                return
            self._progress, self._progress_dirty = percent, True
            listener = self._progress_listener
        if listener is not None:
            listener()

    def is_cancelled(self) -> bool:
        """True once a cancel was requested or the lease was lost: the handler should stop soon."""
        return self._cancel_requested.is_set() or self._lost.is_set()

    def check_cancelled(self) -> None:
        """Raise `GenerationCancelledError` if `is_cancelled()`."""
        if self.is_cancelled():
            raise GenerationCancelledError("The job was cancelled.")

    @property
    def cancel_requested(self) -> bool:
        return self._cancel_requested.is_set()

    @property
    def lost(self) -> bool:
        return self._lost.is_set()

    def _take_progress(self) -> int | None:
        with self._lock:
            if not self._progress_dirty:
                return None
            self._progress_dirty = False
            return self._progress

    def _restore_progress(self) -> None:
        with self._lock:
            self._progress_dirty = self._progress is not None

    def _has_new_progress(self) -> bool:
        with self._lock:
            return self._progress_dirty


JobHandler = Callable[[ClaimedJob, JobContext], dict[str, Any]]
DiscardHandler = Callable[[ClaimedJob, dict[str, Any]], None]
ProgressListener = Callable[[str, int, JobState], None]


@dataclass(frozen=True, slots=True)
class _Outcome:
    state: JobState  # completed, failed or cancelled: what the worker asks for
    result: dict[str, Any] | None = None
    error_code: str | None = None
    error_message: str | None = None
    abandoned: bool = False  # the executor died: leave the job to its lease


class _Heartbeat:
    """The thread that keeps one job's lease alive while its handler runs."""

    def __init__(
        self,
        queue: JobQueue,
        job: ClaimedJob,
        ctx: JobContext,
        heartbeat_s: float,
        on_progress: Callable[[int], None] | None = None,
    ) -> None:
        self._queue, self._job, self._ctx = queue, job, ctx
        self._on_progress = on_progress
        self._heartbeat_s = heartbeat_s
        self._progress_interval_s = min(heartbeat_s, _MAX_PROGRESS_INTERVAL_S)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"heartbeat-{job.id}", daemon=True)

    def __enter__(self) -> _Heartbeat:
        self._ctx._progress_listener = self._wake.set
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._ctx._progress_listener = None
        self._stop.set()
        self._wake.set()
        self._thread.join()

    def _run(self) -> None:
        last_beat = time.monotonic()
        while True:
            self._wake.wait(max(0.0, self._due(last_beat) - time.monotonic()))
            self._wake.clear()
            if self._stop.is_set():
                return
            if time.monotonic() >= self._due(last_beat):
                if self._beat() == "lost":
                    return  # nothing left to keep alive
                last_beat = time.monotonic()

    def _due(self, last_beat: float) -> float:
        # Fresh progress is written sooner than a plain lease extension, but never more than about once a second.
        interval = self._progress_interval_s if self._ctx._has_new_progress() else self._heartbeat_s
        return last_beat + interval

    def _beat(self) -> str:
        job, ctx = self._job, self._ctx
        progress = ctx._take_progress()
        try:
            status = self._queue.heartbeat(job.id, job.worker_id, progress, attempt=job.attempt)
        except Exception:  # a hiccup: the next beat may get through before the lease runs out
            logger.warning("heartbeat for job %s failed", job.id, exc_info=True)
            if progress is not None:
                ctx._restore_progress()
            return "error"
        if status == "cancelled" and not ctx.cancel_requested:
            logger.info("job %s: cancel requested", job.id)
            ctx._cancel_requested.set()
        elif status == "lost":
            logger.warning(
                "job %s: lease lost on attempt %d; its work will be discarded", job.id, job.attempt
            )
            ctx._lost.set()
        if progress is not None and status != "lost" and self._on_progress is not None:
            self._on_progress(progress)
        return status


class Worker:
    """Runs jobs of the kinds in `handlers`, one at a time; run several for parallelism."""

    def __init__(
        self,
        queue: JobQueue,
        handlers: Mapping[str, JobHandler],
        *,
        worker_id: str | None = None,
        heartbeat_s: float = 5.0,
        poll_s: float = 0.5,
        on_discard: DiscardHandler | None = None,
        on_progress: ProgressListener | None = None,
    ) -> None:
        if not handlers:
            raise ValueError("a worker needs at least one handler")
        if not heartbeat_s > 0 or not poll_s > 0:
            raise ValueError("heartbeat_s and poll_s must be > 0")
        if heartbeat_s >= queue.lease_s:
            logger.warning(
                "heartbeat_s=%.1f is not shorter than the lease (%.1f s): jobs will be retried while running",
                heartbeat_s,
                queue.lease_s,
            )
        self.queue = queue
        self.handlers = dict(handlers)
        self.worker_id = worker_id or default_worker_id()
        self.heartbeat_s = heartbeat_s
        self.poll_s = poll_s
        self.on_discard = on_discard
        self.on_progress = on_progress

    def run_once(self) -> bool:
        """Claim and run one job; False when there was none to claim."""
        job = self.queue.claim(self.worker_id, self.handlers)
        if job is None:
            return False
        logger.info("job %s (%s): attempt %d started by %s", job.id, job.kind, job.attempt, self.worker_id)
        ctx = JobContext(job)
        self._announce(job.id, 0, JobState.in_progress)
        beat = _Heartbeat(
            self.queue,
            job,
            ctx,
            self.heartbeat_s,
            lambda percent: self._announce(job.id, percent, JobState.in_progress),
        )
        with beat:
            outcome = self._call(job, ctx)
        if outcome.abandoned:
            logger.warning(
                "job %s: attempt %d abandoned; it is retried when its lease expires", job.id, job.attempt
            )
            return True
        settled = self._settle(job, outcome)
        if isinstance(settled, JobState):
            self._announce(job.id, 100 if settled is JobState.completed else ctx._progress or 0, settled)
        return True

    def run(self, stop: threading.Event) -> None:
        """Run jobs until `stop` is set (checked between jobs and at least every `poll_s` while idle)."""
        backoff_s = self.poll_s
        while not stop.is_set():
            try:
                worked = self.run_once()
            except Exception:  # a database outage must not kill the worker: back off and try again
                logger.exception("worker %s: job loop failed; retrying in %.1f s", self.worker_id, backoff_s)
                stop.wait(backoff_s)
                backoff_s = min(backoff_s * 2, _MAX_BACKOFF_S)
                continue
            backoff_s = self.poll_s
            if not worked:
                self.queue.wait_for_work(self.poll_s)

    def _call(self, job: ClaimedJob, ctx: JobContext) -> _Outcome:
        try:
            result = self.handlers[job.kind](job, ctx)
        except WorkerLostError as error:
            logger.warning("job %s: %s", job.id, error.message)
            return _Outcome(JobState.failed, abandoned=True)
        except GenerationCancelledError:
            return _Outcome(JobState.cancelled)
        except MutoscopeError as error:
            logger.info("job %s failed: %s (%s)", job.id, error.message, error.code)
            return _Outcome(JobState.failed, error_code=error.code, error_message=error.message)
        except Exception:
            logger.exception("job %s (%s) raised on attempt %d", job.id, job.kind, job.attempt)
            return _Outcome(JobState.failed, error_code=INTERNAL_ERROR, error_message=INTERNAL_ERROR_MESSAGE)
        if not isinstance(result, dict):
            logger.error("job %s: handler returned %s, not a dict", job.id, type(result).__name__)
            return _Outcome(JobState.failed, error_code=INTERNAL_ERROR, error_message=INTERNAL_ERROR_MESSAGE)
        if ctx.is_cancelled():
            return _Outcome(JobState.cancelled, result=result)
        return _Outcome(JobState.completed, result=result)

    def _settle(self, job: ClaimedJob, outcome: _Outcome) -> JobState | str:
        settled = self._retrying(lambda: self._record(job, outcome), job)
        if settled is _UNKNOWN:
            # The write may have landed before the connection broke: keep the blobs rather than risk deleting
            # a completed job's media. If it did not land, the lease expires and the job is retried.
            return settled
        if settled is JobState.completed:
            logger.info("job %s: completed on attempt %d", job.id, job.attempt)
            return settled
        self._discard(job, outcome.result)
        if settled is _LOST:
            logger.warning("job %s: attempt %d lost its lease; outcome discarded", job.id, job.attempt)
        else:
            logger.info("job %s: %s on attempt %d", job.id, settled, job.attempt)
        return settled

    def _announce(self, job_id: str, progress: int, state: JobState) -> None:
        if self.on_progress is None:
            return
        try:
            self.on_progress(job_id, progress, state)
        except Exception:  # live progress is a courtesy: it must never disturb the job
            logger.warning("job %s: on_progress failed", job_id, exc_info=True)

    def _record(self, job: ClaimedJob, outcome: _Outcome) -> JobState | str:
        """Write the outcome; return the state this attempt left the job in, or `_LOST`."""
        queue, worker, attempt = self.queue, self.worker_id, job.attempt
        if outcome.state is JobState.completed and outcome.result is not None:
            if queue.complete(job.id, worker, outcome.result, attempt=attempt):
                return JobState.completed
        elif outcome.state is JobState.failed:
            code, message = outcome.error_code or INTERNAL_ERROR, outcome.error_message or ""
            if queue.fail(job.id, worker, code, message, attempt=attempt):
                return JobState.failed
        # Cancelled, or complete/fail refused: a pending cancel wins; otherwise the job is no longer ours.
        if queue.mark_cancelled(job.id, worker, attempt=attempt):
            return JobState.cancelled
        return self._already_settled_by_us(job)

    def _already_settled_by_us(self, job: ClaimedJob) -> JobState | str:
        # A retried write whose first try committed but lost its reply must not be mistaken for a loss.
        view = self.queue.get(job.id)
        ours = view is not None and view.lease_owner == self.worker_id and view.attempts == job.attempt
        if view is not None and ours and view.is_terminal:
            return view.state
        return _LOST

    def _retrying(self, write: Callable[[], JobState | str], job: ClaimedJob) -> JobState | str:
        delay_s = 0.2
        for attempt in range(_SETTLE_TRIES):
            try:
                return write()
            except Exception:
                if attempt == _SETTLE_TRIES - 1:
                    logger.exception("job %s: could not record its outcome; the lease will expire", job.id)
                    break
                logger.warning("job %s: recording the outcome failed; retrying", job.id, exc_info=True)
                time.sleep(delay_s)
                delay_s *= 2
        return _UNKNOWN

    def _discard(self, job: ClaimedJob, result: dict[str, Any] | None) -> None:
        if result is None or self.on_discard is None:
            return
        try:
            self.on_discard(job, result)
        except Exception:
            logger.exception("job %s: on_discard failed for attempt %d", job.id, job.attempt)


def default_worker_id() -> str:
    """`<host>-<pid>-<random>`: unique per Worker, and says where a stuck job's worker ran."""
    return f"{socket.gethostname()[:64]}-{os.getpid()}-{secrets.token_hex(4)}"
