"""Helpers for the Redis and progress tests: a Redis URL (or a skip), a key namespace per test, and a
server-sent-events reader that records when each event arrived."""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import redis

REDIS_URL = "redis://127.0.0.1:6379/0"


def redis_url_or_skip() -> str:
    """The test Redis's URL; skips the test when nothing answers on 127.0.0.1:6379."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        pytest.skip(f"no Redis reachable at {REDIS_URL} ({error})")
    return REDIS_URL


def key_prefix() -> str:
    """A fresh Redis key prefix, so tests never share buckets or channels."""
    return f"mutoscope-test-{secrets.token_hex(4)}:"


@dataclass(frozen=True)
class SseEvent:
    event: str
    id: str | None
    data: dict[str, Any]
    at_s: float  # time.monotonic() when it arrived


def sse_events(response: httpx.Response) -> Iterator[SseEvent]:
    """The events of a `text/event-stream` response, as they arrive (comments skipped)."""
    fields: dict[str, str] = {}
    for line in response.iter_lines():
        if not line:
            if "data" in fields:
                yield SseEvent(
                    event=fields.get("event", "message"),
                    id=fields.get("id"),
                    data=json.loads(fields["data"]),
                    at_s=time.monotonic(),
                )
            fields = {}
            continue
        if line.startswith(":"):
            continue
        name, _, value = line.partition(":")
        fields[name] = value.removeprefix(" ")
