"""RedisRateLimiter on a real Redis: one exact token bucket per key for every process, honest retry times,
bounded memory, and an API that stays up when Redis is down. The last test runs two live API servers on one
PostgreSQL and one Redis and shows they share one budget."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from live_server import free_port, live_server, reset_database, server_settings
from mutoscope.server.coordination import connect_redis, coordination_for
from mutoscope.server.ratelimit import InMemoryRateLimiter
from mutoscope.server.ratelimit_redis import RedisRateLimiter
from mutoscope.settings import Settings
from progress_support import key_prefix, redis_url_or_skip


@pytest.fixture
def client() -> Iterator[redis.Redis]:
    connection = connect_redis(redis_url_or_skip())
    yield connection
    connection.close()


@pytest.fixture
def prefix(client: redis.Redis) -> Iterator[str]:
    chosen = key_prefix()
    yield chosen
    for key in client.scan_iter(match=f"{chosen}*"):
        client.delete(key)


@pytest.mark.services
def test_a_bucket_allows_exactly_its_limit_then_says_when_to_retry(client: redis.Redis, prefix: str) -> None:
    limiter = RedisRateLimiter(client, 10, key_prefix=prefix)
    decisions = [limiter.hit("key:a") for _ in range(11)]
    assert [d.allowed for d in decisions] == [True] * 10 + [False]
    assert [d.remaining for d in decisions[:10]] == list(range(9, -1, -1))
    refused = decisions[-1]
    assert refused.limit == 10
    assert 5.0 < refused.retry_after_s <= 6.0  # one token refills in 6 s at 10 per minute
    assert limiter.hit("key:b").allowed  # keys are independent


@pytest.mark.services
def test_waiting_retry_after_is_enough(client: redis.Redis, prefix: str) -> None:
    limiter = RedisRateLimiter(client, 600, key_prefix=prefix)  # 10 tokens a second
    assert limiter.hit("k", cost=600).allowed
    refused = limiter.hit("k")
    assert not refused.allowed and 0.0 < refused.retry_after_s <= 0.1
    time.sleep(refused.retry_after_s + 0.01)
    assert limiter.hit("k").allowed
    assert not limiter.hit("k").allowed


@pytest.mark.services
def test_processes_share_one_budget_even_under_concurrency(client: redis.Redis, prefix: str) -> None:
    url = redis_url_or_skip()
    # Four "processes" (each its own connection pool) hammer one key from eight threads.
    limiters = [RedisRateLimiter(connect_redis(url), 30, key_prefix=prefix) for _ in range(4)]
    allowed: list[bool] = []
    lock = threading.Lock()

    def hammer(index: int) -> None:
        for _ in range(15):
            decision = limiters[index % 4].hit("key:shared")
            with lock:
                allowed.append(decision.allowed)

    threads = [threading.Thread(target=hammer, args=(index,)) for index in range(8)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    elapsed_s = time.monotonic() - started
    assert len(allowed) == 120
    # 30 tokens, plus whatever refilled (one per 2 s) while the 120 hits ran.
    assert 30 <= sum(allowed) <= 30 + int(elapsed_s / 2) + 1


@pytest.mark.services
def test_buckets_expire_once_they_would_be_full(client: redis.Redis, prefix: str) -> None:
    limiter = RedisRateLimiter(client, 60, key_prefix=prefix)  # a token a second
    limiter.hit("k", cost=3)
    ttl_ms = client.pttl(f"{prefix}k")
    assert 3000 <= ttl_ms <= 4000  # 3 s to refill, plus a second of slack
    assert client.hgetall(f"{prefix}k").keys() == {b"tokens", b"at"}


def test_an_unreachable_redis_lets_requests_through() -> None:
    dead = connect_redis(f"redis://127.0.0.1:{free_port()}/0")
    limiter = RedisRateLimiter(dead, 5, key_prefix="x:")
    decisions = [limiter.hit("k") for _ in range(10)]
    assert all(d.allowed for d in decisions)  # fails open: rate limits must not take the API down


def test_impossible_costs_are_refused() -> None:
    limiter = RedisRateLimiter(connect_redis("redis://127.0.0.1:1/0"), 5)
    with pytest.raises(ValueError, match="cost"):
        limiter.hit("k", cost=0)
    with pytest.raises(ValueError, match="exceeds"):
        limiter.hit("k", cost=6)
    with pytest.raises(ValueError, match="limit_per_minute"):
        RedisRateLimiter(connect_redis("redis://127.0.0.1:1/0"), 0)


def test_settings_choose_in_process_or_redis_limits() -> None:
    embedded = coordination_for(Settings())
    assert isinstance(embedded.rate_limiter, InMemoryRateLimiter)
    shared = coordination_for(Settings(redis={"url": "redis://127.0.0.1:6379/0", "key_prefix": "p:"}))
    assert isinstance(shared.rate_limiter, RedisRateLimiter)
    assert shared.rate_limiter.key_prefix == "p:ratelimit:api:"
    assert isinstance(shared.login_limiter, RedisRateLimiter)
    assert shared.login_limiter.key_prefix == "p:ratelimit:login:"


@pytest.mark.services
def test_two_api_servers_share_one_rate_limit(
    pg_url: str, client: redis.Redis, prefix: str, tmp_path: Path
) -> None:
    reset_database(pg_url)
    overrides = {
        "api": {"requests_per_minute": 10},
        "redis": {"url": redis_url_or_skip(), "key_prefix": prefix},
    }
    settings = server_settings(tmp_path / "var", pg_url, **overrides)
    with live_server(settings, workers=0) as first, live_server(settings, workers=0) as second:
        key = first.user()
        statuses: list[int] = []
        retry_after: list[str] = []
        with first.http(key) as one, second.http(key) as two:
            for _ in range(6):
                for http in (one, two):
                    response = http.get("/v1/videos")
                    statuses.append(response.status_code)
                    if response.status_code == 429:
                        retry_after.append(response.headers["retry-after"])
                        assert response.json()["error"]["type"] == "rate_limit_error"
        assert statuses.count(200) == 10 and statuses.count(429) == 2
        assert statuses[:10] == [200] * 10  # the 11th request overall is the first refused, whichever server
        assert retry_after and all(1 <= int(value) <= 6 for value in retry_after)
        # Another key has its own budget on both servers.
        other = first.user()
        with second.http(other) as http:
            assert http.get("/v1/videos").status_code == 200
