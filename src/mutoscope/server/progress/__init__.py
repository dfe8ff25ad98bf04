"""Live job progress for API clients: the `ProgressBus` a worker publishes to and any API process subscribes to,
and the server-sent-events route `GET /v1/videos/{id}/events` that streams it.

`bus.py` owns the protocol, the event value and the in-process bus (workers and streams in one process);
`redis_bus.py` fans events out between processes and machines over one Redis pub/sub channel; `router.py` is
the SSE endpoint. The database stays the source of truth: a stream starts from the job's row and re-reads it
regularly, so a lost event delays an update but never loses one.
"""

from mutoscope.server.progress.bus import (
    InProcessProgressBus,
    ProgressBus,
    ProgressEvent,
    ProgressSubscription,
    progress_publisher,
)

__all__ = [
    "InProcessProgressBus",
    "ProgressBus",
    "ProgressEvent",
    "ProgressSubscription",
    "progress_publisher",
]
