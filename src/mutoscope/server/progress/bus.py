"""The `ProgressBus` protocol, the `ProgressEvent` it carries, and the in-process bus.

A worker publishes an event whenever a job it runs starts, writes new progress, or settles (through the
worker's `on_progress` seam; `progress_publisher(bus)` adapts a bus to it). An API process subscribes per job
from its event loop and reads events as they come. Publishing never raises and never blocks for long: progress
is a courtesy on top of the job row, which stays the source of truth.

`ProgressHub` is the fan-out inside one process: subscribers by job id, each with a small queue on its own
asyncio loop, fed from any thread. `InProcessProgressBus` is just a hub (workers and streams in one process);
the Redis bus feeds the same hub from a pub/sub channel.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from mutoscope.jobs.states import JobState

logger = logging.getLogger(__name__)

# Only the newest progress matters: a slow reader drops the oldest events rather than grow a backlog.
_MAX_QUEUED_EVENTS = 64
_MAX_JOB_ID_LENGTH = 128


@dataclass(frozen=True, slots=True)
class ProgressEvent:
    """Job `job_id` is in `state` with `progress` percent done."""

    job_id: str
    state: JobState
    progress: int

    def to_json(self) -> str:
        return json.dumps({"job_id": self.job_id, "state": self.state.value, "progress": self.progress})

    @classmethod
    def from_json(cls, text: str | bytes) -> ProgressEvent | None:
        """The event `text` encodes, or None when it is not one (a foreign or garbled message)."""
        try:
            data = json.loads(text)
            job_id, state, progress = data["job_id"], JobState(data["state"]), data["progress"]
        except (ValueError, KeyError, TypeError):
            return None
        if not isinstance(job_id, str) or not 0 < len(job_id) <= _MAX_JOB_ID_LENGTH:
            return None
        if isinstance(progress, bool) or not isinstance(progress, int) or not 0 <= progress <= 100:
            return None
        return cls(job_id=job_id, state=state, progress=progress)


class ProgressSubscription:
    """One job's events, delivered to the asyncio loop that subscribed. Close it (or use `with`) when done."""

    def __init__(
        self, job_id: str, hub: ProgressHub, loop: asyncio.AbstractEventLoop, is_ready: Callable[[], bool]
    ) -> None:
        self.job_id = job_id
        self._hub = hub
        self._loop = loop
        self._is_ready = is_ready
        self._queue: asyncio.Queue[ProgressEvent] = asyncio.Queue(maxsize=_MAX_QUEUED_EVENTS)
        hub.add(self)

    def __enter__(self) -> ProgressSubscription:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    async def ready(self, timeout_s: float) -> bool:
        """Wait until events published from now on will reach this subscription (a remote bus may still be
        connecting); False if that did not happen within `timeout_s`."""
        deadline = time.monotonic() + timeout_s
        while not self._is_ready():
            if time.monotonic() >= deadline:
                return False
            await asyncio.sleep(0.01)
        return True

    async def next(self, timeout_s: float) -> ProgressEvent | None:
        """The next event, or None after `timeout_s` without one."""
        try:
            return await asyncio.wait_for(self._queue.get(), timeout=max(0.0, timeout_s))
        except TimeoutError:
            return None

    def close(self) -> None:
        self._hub.remove(self)

    def deliver(self, event: ProgressEvent) -> None:
        """Queue `event` for the reader; safe from any thread."""
        try:
            self._loop.call_soon_threadsafe(self._put, event)
        except RuntimeError:  # the loop has closed: nobody is reading any more
            self._hub.remove(self)

    def _put(self, event: ProgressEvent) -> None:
        if self._queue.full():
            self._queue.get_nowait()
        self._queue.put_nowait(event)


class ProgressHub:
    """This process's subscriptions by job id; `dispatch` may be called from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscriptions: dict[str, set[ProgressSubscription]] = {}

    def add(self, subscription: ProgressSubscription) -> None:
        with self._lock:
            self._subscriptions.setdefault(subscription.job_id, set()).add(subscription)

    def remove(self, subscription: ProgressSubscription) -> None:
        with self._lock:
            subscribers = self._subscriptions.get(subscription.job_id)
            if subscribers is not None:
                subscribers.discard(subscription)
                if not subscribers:
                    del self._subscriptions[subscription.job_id]

    def dispatch(self, event: ProgressEvent) -> None:
        with self._lock:
            subscribers = list(self._subscriptions.get(event.job_id, ()))
        for subscription in subscribers:
            subscription.deliver(event)

    def subscription_count(self) -> int:
        with self._lock:
            return sum(len(subscribers) for subscribers in self._subscriptions.values())


class ProgressBus(Protocol):
    def publish(self, event: ProgressEvent) -> None:
        """Send `event` to every subscriber of its job, in any process this bus reaches; never raises."""
        ...

    def subscribe(self, job_id: str) -> ProgressSubscription:
        """Start receiving `job_id`'s events; call from the asyncio loop that will read them."""
        ...

    def close(self) -> None:
        """Stop any background threads and connections."""
        ...


class InProcessProgressBus:
    """Events reach subscribers in this process only: the embedded setup, where workers run in the server."""

    def __init__(self) -> None:
        self._hub = ProgressHub()

    def publish(self, event: ProgressEvent) -> None:
        self._hub.dispatch(event)

    def subscribe(self, job_id: str) -> ProgressSubscription:
        return ProgressSubscription(job_id, self._hub, asyncio.get_running_loop(), lambda: True)

    def close(self) -> None:
        pass


ProgressListener = Callable[[str, int, JobState], None]


def progress_publisher(bus: ProgressBus) -> ProgressListener:
    """A worker's `on_progress(job_id, progress, state)` callback that publishes to `bus`."""

    def publish(job_id: str, progress: int, state: JobState) -> None:
        bus.publish(ProgressEvent(job_id=job_id, state=state, progress=progress))

    return publish
