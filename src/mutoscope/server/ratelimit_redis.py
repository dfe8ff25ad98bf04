"""`RedisRateLimiter`: the token bucket of `ratelimit.py`, kept in Redis so every API process shares it.

One Lua script reads, refills, spends and writes a key's bucket atomically on the Redis server, using the
server's clock (`TIME`), so API processes on machines with drifting clocks still share one exact budget. A
bucket is a small hash that expires once it would have refilled completely, so Redis holds only the keys seen
in the last minute. Same rules and numbers as `InMemoryRateLimiter`: a limit of N per minute is a bucket of N
tokens refilling at N/60 per second, and a refusal's `retry_after_s` is honest.

When Redis cannot be reached the limiter lets requests through (fails open) and logs a warning now and then:
rate limits protect capacity, and an outage of Redis should not take the whole API down with it.
"""

from __future__ import annotations

import logging
import math
import time

import redis
from redis.exceptions import RedisError

from mutoscope.server.ratelimit import RateDecision

logger = logging.getLogger(__name__)

_WARN_EVERY_S = 30.0

# KEYS[1]: the bucket. ARGV: capacity (tokens), refill rate (tokens/s), cost (tokens).
# Returns {allowed (0/1), tokens left, retry after s}; numbers as strings because Lua numbers reach Redis
# replies as integers.
_TOKEN_BUCKET = """
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local saved = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(saved[1])
local at = tonumber(saved[2])
if tokens == nil or at == nil then
  tokens = capacity
  at = now
end
tokens = math.min(capacity, tokens + math.max(0, now - at) * rate)
if now > at then at = now end
local allowed = 0
local retry = 0
if tokens + 1e-9 >= cost then
  tokens = math.max(0, tokens - cost)
  allowed = 1
else
  retry = (cost - tokens) / rate
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'at', string.format('%.17g', at))
redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens) / rate * 1000) + 1000)
return {allowed, string.format('%.17g', tokens), string.format('%.17g', retry)}
"""


class RedisRateLimiter:
    """A `RateLimiter` of `limit_per_minute` per key, shared through Redis under `key_prefix`."""

    def __init__(
        self, client: redis.Redis, limit_per_minute: int, *, key_prefix: str = "mutoscope:ratelimit:"
    ) -> None:
        if limit_per_minute < 1:
            raise ValueError(f"limit_per_minute must be at least 1, got {limit_per_minute}")
        self.limit = limit_per_minute
        self.rate_per_s = limit_per_minute / 60.0
        self.key_prefix = key_prefix
        self._client = client
        self._script = client.register_script(_TOKEN_BUCKET)
        self._warned_at = -_WARN_EVERY_S

    def hit(self, key: str, *, cost: int = 1) -> RateDecision:
        if cost < 1:
            raise ValueError(f"cost must be at least 1, got {cost}")
        if cost > self.limit:
            raise ValueError(f"cost {cost} exceeds the bucket size {self.limit}")
        try:
            reply = self._script(keys=[self.key_prefix + key], args=[self.limit, repr(self.rate_per_s), cost])
        except RedisError as error:
            self._warn(error)
            return RateDecision(
                allowed=True, limit=self.limit, remaining=self.limit - cost, retry_after_s=0.0
            )
        allowed, tokens, retry_after_s = int(reply[0]), float(reply[1]), float(reply[2])
        return RateDecision(
            allowed=bool(allowed),
            limit=self.limit,
            remaining=math.floor(tokens + 1e-9),
            retry_after_s=retry_after_s,
        )

    def _warn(self, error: RedisError) -> None:
        now = time.monotonic()
        if now - self._warned_at >= _WARN_EVERY_S:
            self._warned_at = now
            logger.warning("rate limits are not enforced: Redis is unreachable (%s)", error)
