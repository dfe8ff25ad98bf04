"""The in-memory token bucket: burst, refill, honest retry hints, thread safety, and the 429 it leads to."""

from __future__ import annotations

import threading

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from mutoscope.errors import RateLimitError
from mutoscope.server.errors import install_error_handlers
from mutoscope.server.ratelimit import InMemoryRateLimiter, enforce, rate_limit_headers


class FakeClock:
    def __init__(self, now_s: float = 1000.0) -> None:
        self.now_s = now_s

    def __call__(self) -> float:
        return self.now_s

    def advance(self, seconds: float) -> None:
        self.now_s += seconds


def test_a_fresh_key_may_burst_the_whole_limit_then_is_refused() -> None:
    limiter = InMemoryRateLimiter(5, clock=FakeClock())
    decisions = [limiter.hit("k") for _ in range(6)]
    assert [d.allowed for d in decisions] == [True] * 5 + [False]
    assert [d.remaining for d in decisions] == [4, 3, 2, 1, 0, 0]
    assert decisions[-1].retry_after_s == pytest.approx(12.0)  # one token refills in 60/5 s
    assert all(d.limit == 5 for d in decisions)


def test_tokens_refill_at_limit_per_minute() -> None:
    clock = FakeClock()
    limiter = InMemoryRateLimiter(60, clock=clock)
    for _ in range(60):
        assert limiter.hit("k").allowed
    assert not limiter.hit("k").allowed
    clock.advance(1.0)
    assert limiter.hit("k").allowed
    assert not limiter.hit("k").allowed
    clock.advance(3600.0)  # a long pause refills to the burst size, never beyond
    assert sum(limiter.hit("k").allowed for _ in range(100)) == 60


def test_keys_are_independent() -> None:
    limiter = InMemoryRateLimiter(2, clock=FakeClock())
    assert [limiter.hit("a").allowed for _ in range(3)] == [True, True, False]
    assert [limiter.hit("b").allowed for _ in range(3)] == [True, True, False]


def test_cost_spends_several_tokens_and_impossible_costs_are_rejected() -> None:
    clock = FakeClock()
    limiter = InMemoryRateLimiter(10, clock=clock)
    assert limiter.hit("k", cost=7).remaining == 3
    refused = limiter.hit("k", cost=4)
    assert not refused.allowed
    assert refused.retry_after_s == pytest.approx(6.0)  # one missing token at 1/6 token per second
    with pytest.raises(ValueError, match="exceeds"):
        limiter.hit("k", cost=11)
    with pytest.raises(ValueError, match="at least 1"):
        limiter.hit("k", cost=0)
    with pytest.raises(ValueError, match="at least 1"):
        InMemoryRateLimiter(0)


def test_a_clock_stepping_back_mints_no_tokens() -> None:
    clock = FakeClock()
    limiter = InMemoryRateLimiter(3, clock=clock)
    for _ in range(3):
        limiter.hit("k")
    clock.advance(-500.0)
    assert not limiter.hit("k").allowed


def test_idle_full_buckets_are_swept_without_changing_behaviour() -> None:
    clock = FakeClock()
    limiter = InMemoryRateLimiter(2, clock=clock)
    for index in range(50):
        limiter.hit(f"key-{index}")
    limiter.hit("busy")
    limiter.hit("busy")
    clock.advance(61.0)
    limiter.hit("other")
    # Every key refilled in 61 s, so none of the 52 old buckets needs remembering.
    assert len(limiter._buckets) == 1
    assert [limiter.hit("busy").allowed for _ in range(3)] == [True, True, False]


def test_concurrent_hits_never_exceed_the_burst() -> None:
    limiter = InMemoryRateLimiter(100, clock=FakeClock())
    allowed: list[bool] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def hammer() -> None:
        start.wait()
        for _ in range(50):
            decision = limiter.hit("shared")
            with lock:
                allowed.append(decision.allowed)

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(allowed) == 400
    assert sum(allowed) == 100


@settings(max_examples=300, deadline=None)
@given(
    limit=st.integers(min_value=1, max_value=120),
    gaps_s=st.lists(st.floats(min_value=0.0, max_value=5.0, allow_nan=False), min_size=1, max_size=200),
)
def test_never_more_than_burst_plus_refill_and_retry_after_is_honest(limit: int, gaps_s: list[float]) -> None:
    clock = FakeClock(0.0)
    limiter = InMemoryRateLimiter(limit, clock=clock)
    rate_per_s = limit / 60.0
    allowed = 0
    for gap_s in gaps_s:
        clock.advance(gap_s)
        decision = limiter.hit("k")
        allowed += decision.allowed
        if not decision.allowed:
            assert decision.retry_after_s > 0
            if decision.retry_after_s > 1e-6:
                # Not inflated: half the wait is not enough ...
                clock.advance(decision.retry_after_s / 2)
                assert not limiter.hit("k").allowed
                clock.advance(decision.retry_after_s / 2)
            else:
                clock.advance(decision.retry_after_s)
            # ... and not too short: the full wait is.
            assert limiter.hit("k").allowed
            allowed += 1
        assert allowed <= limit + clock.now_s * rate_per_s + 1e-6


def test_enforce_raises_with_the_retry_hint_and_headers_report_the_budget() -> None:
    limiter = InMemoryRateLimiter(1, clock=FakeClock())
    decision = enforce(limiter, "k")
    assert rate_limit_headers(decision) == {
        "x-ratelimit-limit-requests": "1",
        "x-ratelimit-remaining-requests": "0",
    }
    with pytest.raises(RateLimitError) as caught:
        enforce(limiter, "k")
    assert caught.value.retry_after_s == pytest.approx(60.0)
    assert caught.value.code == "rate_limit_exceeded"


def test_a_refused_request_becomes_a_429_with_retry_after_under_v1() -> None:
    limiter = InMemoryRateLimiter(2, clock=FakeClock())
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/v1/ping")
    def ping() -> dict[str, bool]:
        enforce(limiter, "key_1")
        return {"ok": True}

    client = TestClient(app)
    assert [client.get("/v1/ping").status_code for _ in range(2)] == [200, 200]
    refused = client.get("/v1/ping")
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "30"
    assert refused.json()["error"]["type"] == "rate_limit_error"
    assert refused.json()["error"]["code"] == "rate_limit_exceeded"
