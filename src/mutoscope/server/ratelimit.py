"""Per-key request rate limits: the `RateLimiter` protocol, an in-process token bucket, and `enforce`.

A limit of N requests per minute is a token bucket holding at most N tokens (so a quiet key may burst N
requests at once) that refills at N/60 tokens per second. Each request spends `cost` tokens; a request that finds
too few is refused with an honest `retry_after_s`: waiting that long and retrying is accepted (unless someone else
spent the tokens first under the same key). The in-memory limiter is exact for one process; a fleet needs a
shared store (the Redis limiter, a later issue) behind the same protocol. This module owns no HTTP wiring: the
app decides which key (API key id, user, client address) a request is charged to.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from mutoscope.errors import RateLimitError

# Floating-point refills can land a hair short of a whole token after waiting exactly `retry_after_s`; this
# slack keeps the promise without letting through any measurable extra traffic.
_EPSILON_TOKENS = 1e-9


@dataclass(frozen=True, slots=True)
class RateDecision:
    """The outcome of one request against a limit: `remaining` whole tokens after it, and when to retry if refused."""

    allowed: bool
    limit: int
    remaining: int
    retry_after_s: float


class RateLimiter(Protocol):
    def hit(self, key: str, *, cost: int = 1) -> RateDecision:
        """Spend `cost` tokens of `key`'s budget if it has them; never blocks."""
        ...


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated_at_s: float


class InMemoryRateLimiter:
    """A thread-safe token bucket per key, in this process's memory.

    `clock` returns seconds on a monotonic scale (injectable for tests). Buckets that have refilled completely are
    equivalent to fresh ones, so they are swept about once a minute and memory stays proportional to the keys seen
    in the last minute.
    """

    def __init__(self, limit_per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        if limit_per_minute < 1:
            raise ValueError(f"limit_per_minute must be at least 1, got {limit_per_minute}")
        self.limit = limit_per_minute
        self.rate_per_s = limit_per_minute / 60.0
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[str, _Bucket] = {}
        self._swept_at_s = clock()

    def hit(self, key: str, *, cost: int = 1) -> RateDecision:
        if cost < 1:
            raise ValueError(f"cost must be at least 1, got {cost}")
        if cost > self.limit:
            # Such a request could never pass; refusing it with a finite retry_after would be a lie.
            raise ValueError(f"cost {cost} exceeds the bucket size {self.limit}")
        with self._lock:
            now_s = self._clock()
            bucket = self._refilled(key, now_s)
            if bucket.tokens + _EPSILON_TOKENS >= cost:
                bucket.tokens = max(0.0, bucket.tokens - cost)
                allowed, retry_after_s = True, 0.0
            else:
                allowed, retry_after_s = False, (cost - bucket.tokens) / self.rate_per_s
            self._sweep(now_s)
            return RateDecision(
                allowed=allowed,
                limit=self.limit,
                remaining=math.floor(bucket.tokens + _EPSILON_TOKENS),
                retry_after_s=retry_after_s,
            )

    def _refilled(self, key: str, now_s: float) -> _Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(tokens=float(self.limit), updated_at_s=now_s)
            return bucket
        elapsed_s = max(0.0, now_s - bucket.updated_at_s)  # a clock that steps back must not mint tokens
        bucket.tokens = min(float(self.limit), bucket.tokens + elapsed_s * self.rate_per_s)
        bucket.updated_at_s = max(bucket.updated_at_s, now_s)
        return bucket

    def _sweep(self, now_s: float) -> None:
        if now_s - self._swept_at_s < 60.0:
            return
        self._swept_at_s = now_s
        full = [
            key
            for key, bucket in self._buckets.items()
            if bucket.tokens + (now_s - bucket.updated_at_s) * self.rate_per_s >= self.limit
        ]
        for key in full:
            del self._buckets[key]


def enforce(limiter: RateLimiter, key: str, *, cost: int = 1) -> RateDecision:
    """Charge `key`; raise `RateLimitError` (HTTP 429 with Retry-After) when its budget is spent."""
    decision = limiter.hit(key, cost=cost)
    if not decision.allowed:
        raise RateLimitError(
            f"Rate limit of {decision.limit} requests per minute reached; retry in {decision.retry_after_s:.1f} s.",
            retry_after_s=decision.retry_after_s,
        )
    return decision


def rate_limit_headers(decision: RateDecision) -> dict[str, str]:
    """The `x-ratelimit-*` response headers the OpenAI API sends, for a decision on a requests-per-minute limit."""
    return {
        "x-ratelimit-limit-requests": str(decision.limit),
        "x-ratelimit-remaining-requests": str(decision.remaining),
    }
