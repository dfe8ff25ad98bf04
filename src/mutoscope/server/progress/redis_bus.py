"""`RedisProgressBus`: job progress shared by every process and machine through one Redis pub/sub channel.

Publishing hands the event to a background thread that sends it, so a worker's heartbeat never waits on
Redis; when Redis is down the events are dropped (with a warning now and then) and streams fall back on
re-reading the database. Every API process that has live streams runs one listener thread with one pub/sub
connection on the channel and feeds its `ProgressHub`; it filters by job id locally, because a single channel
costs each process at most one small message per running job per second, while a channel per job would need a
subscribe per stream. The listener reconnects with backoff after an outage.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from collections.abc import Callable
from contextlib import suppress

import redis
from redis.exceptions import RedisError

from mutoscope.server.progress.bus import ProgressEvent, ProgressHub, ProgressSubscription

logger = logging.getLogger(__name__)

_OUTBOX_SIZE = 1000
_POLL_S = 1.0
_MAX_BACKOFF_S = 10.0
_WARN_EVERY_S = 30.0


class RedisProgressBus:
    """A `ProgressBus` over the Redis pub/sub `channel`; `client` is a `redis.Redis` (bytes or str replies)."""

    def __init__(self, client: redis.Redis, *, channel: str) -> None:
        self._client = client
        self.channel = channel
        self._hub = ProgressHub()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._subscribed = threading.Event()
        self._outbox: queue.Queue[ProgressEvent] = queue.Queue(maxsize=_OUTBOX_SIZE)
        self._publisher: threading.Thread | None = None
        self._listener: threading.Thread | None = None
        self._warned_at = -_WARN_EVERY_S

    def publish(self, event: ProgressEvent) -> None:
        with self._lock:
            if self._publisher is None and not self._stop.is_set():
                self._publisher = _daemon(self._send_loop, "mutoscope-progress-publisher")
        try:
            self._outbox.put_nowait(event)
        except queue.Full:
            self._warn("progress events are piling up (Redis slow or down); dropping some")

    def subscribe(self, job_id: str) -> ProgressSubscription:
        loop = asyncio.get_running_loop()
        with self._lock:
            if self._listener is None and not self._stop.is_set():
                self._listener = _daemon(self._listen_loop, "mutoscope-progress-listener")
        return ProgressSubscription(job_id, self._hub, loop, self._subscribed.is_set)

    def close(self, timeout_s: float = 5.0) -> None:
        self._stop.set()
        for thread in (self._publisher, self._listener):
            if thread is not None:
                thread.join(timeout_s)

    # -- threads ---------------------------------------------------------------------------------------------

    def _send_loop(self) -> None:
        while True:
            try:
                event = self._outbox.get(timeout=_POLL_S)
            except queue.Empty:
                if self._stop.is_set():
                    return
                continue
            try:
                self._client.publish(self.channel, event.to_json())
            except RedisError as error:
                self._warn(f"could not publish progress to Redis: {error}")

    def _listen_loop(self) -> None:
        backoff_s = 0.5
        while not self._stop.is_set():
            pubsub = self._client.pubsub()  # type: ignore[no-untyped-call]  # redis-py leaves it unannotated
            try:
                pubsub.subscribe(self.channel)
                while not self._stop.is_set():
                    message = pubsub.get_message(timeout=_POLL_S)
                    if message is None:
                        continue
                    if message["type"] == "subscribe":
                        self._subscribed.set()
                        backoff_s = 0.5
                    elif message["type"] == "message":
                        event = ProgressEvent.from_json(message["data"])
                        if event is not None:
                            self._hub.dispatch(event)
            except RedisError as error:
                self._subscribed.clear()
                self._warn(f"progress listener lost Redis ({error}); reconnecting in {backoff_s:.1f} s")
                self._stop.wait(backoff_s)
                backoff_s = min(backoff_s * 2, _MAX_BACKOFF_S)
            finally:
                with suppress(Exception):
                    pubsub.close()
        self._subscribed.clear()

    def _warn(self, message: str) -> None:
        now = time.monotonic()
        if now - self._warned_at >= _WARN_EVERY_S:
            self._warned_at = now
            logger.warning(message)


def _daemon(target: Callable[[], None], name: str) -> threading.Thread:
    thread = threading.Thread(target=target, name=name, daemon=True)
    thread.start()
    return thread
