"""What API and worker processes share beyond the database: rate limits and the job progress bus.

Without `redis.url` (the embedded default) both live in this process: exact for one server, which is all the
embedded setup runs. With it, every process uses Redis: one token bucket per key for the whole fleet, and a
pub/sub channel that carries any worker's progress to any API process. `coordination_for(settings)` picks.
"""

from __future__ import annotations

from dataclasses import dataclass

import redis

from mutoscope.server.progress.bus import InProcessProgressBus, ProgressBus
from mutoscope.server.progress.redis_bus import RedisProgressBus
from mutoscope.server.ratelimit import InMemoryRateLimiter, RateLimiter
from mutoscope.server.ratelimit_redis import RedisRateLimiter
from mutoscope.settings import Settings

# Short timeouts: a Redis that does not answer must cost a request milliseconds to seconds, not minutes.
_SOCKET_TIMEOUT_S = 2.0
_HEALTH_CHECK_INTERVAL_S = 30


@dataclass(frozen=True, slots=True)
class Coordination:
    rate_limiter: RateLimiter  # per API key
    login_limiter: RateLimiter  # sign-in attempts per account and address
    progress: ProgressBus


def coordination_for(settings: Settings) -> Coordination:
    """In-process limiters and bus, or Redis-backed ones when `settings.redis.url` is set."""
    api_limit = settings.api.requests_per_minute
    login_limit = settings.accounts.login_attempts_per_minute
    if settings.redis.url is None:
        return Coordination(
            rate_limiter=InMemoryRateLimiter(api_limit),
            login_limiter=InMemoryRateLimiter(login_limit),
            progress=InProcessProgressBus(),
        )
    client = connect_redis(settings.redis.url)
    prefix = settings.redis.key_prefix
    return Coordination(
        rate_limiter=RedisRateLimiter(client, api_limit, key_prefix=f"{prefix}ratelimit:api:"),
        login_limiter=RedisRateLimiter(client, login_limit, key_prefix=f"{prefix}ratelimit:login:"),
        progress=RedisProgressBus(client, channel=f"{prefix}progress"),
    )


def connect_redis(url: str) -> redis.Redis:
    """A pooled Redis client for `url` (redis:// or rediss://); connects lazily, so this never blocks."""
    client: redis.Redis = redis.Redis.from_url(
        url,
        socket_timeout=_SOCKET_TIMEOUT_S,
        socket_connect_timeout=_SOCKET_TIMEOUT_S,
        health_check_interval=_HEALTH_CHECK_INTERVAL_S,
    )
    return client
