"""Background work: the job state graph, the durable queue on the database, and workers.

Sits above `mutoscope.backends` in the layers (a handler may run a backend) and below the server: it may
import db, storage, engine, backends, settings, errors and ids, never the server. Handlers for job kinds live
beside the queue (`video.py`); the server only enqueues, cancels and reads jobs.
"""

from mutoscope.jobs.queue import ClaimedJob, HeartbeatStatus, JobQueue, JobView
from mutoscope.jobs.states import TERMINAL, TRANSITIONS, JobState, can_transition, check_transition
from mutoscope.jobs.worker import JobContext, JobHandler, Worker

__all__ = [
    "TERMINAL",
    "TRANSITIONS",
    "ClaimedJob",
    "HeartbeatStatus",
    "JobContext",
    "JobHandler",
    "JobQueue",
    "JobState",
    "JobView",
    "Worker",
    "can_transition",
    "check_transition",
]
