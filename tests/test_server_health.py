"""`/readyz` on a live server: the database always, and the S3 bucket and Redis when a deployment uses them.

A dependency that fails makes the answer a 503 with Retry-After that names it; the others still report "ok".
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from live_server import LiveServer, free_port, live_server, server_settings
from progress_support import key_prefix, redis_url_or_skip
from s3_support import S3Endpoint, s3_endpoint


def _ready(server: LiveServer) -> httpx.Response:
    return httpx.get(f"{server.base_url}/readyz", timeout=30)


@contextmanager
def _serving(tmp_path: Path, **overrides: Any) -> Iterator[LiveServer]:
    with live_server(server_settings(tmp_path, **overrides), workers=0) as server:
        yield server


def test_the_embedded_setup_checks_only_the_database(tmp_path: Path) -> None:
    with _serving(tmp_path) as server:
        response = _ready(server)
        assert response.status_code == 200
        assert response.json()["status"] == "ok"
        assert response.json()["checks"] == {"database": "ok"}
        assert "testcard" in response.json()["backends"]


def test_a_redis_that_does_not_answer_degrades_readyz_without_failing_it(tmp_path: Path) -> None:
    closed = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    with _serving(tmp_path, redis={"url": closed, "key_prefix": key_prefix()}) as server:
        response = _ready(server)
        # Requests still work without Redis (rate limits fail open), so the process stays in rotation.
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["status"], body["failed"]) == ("degraded", ["redis"])
        assert body["checks"]["database"] == "ok" and body["checks"]["redis"] != "ok"
        # ...and an authenticated, rate-limited request is served (the Redis limiter fails open).
        with server.http(server.user()) as http:
            assert http.get("/v1/videos").status_code == 200


@pytest.mark.services
def test_a_redis_that_answers_is_reported_ready(tmp_path: Path) -> None:
    with _serving(tmp_path, redis={"url": redis_url_or_skip(), "key_prefix": key_prefix()}) as server:
        response = _ready(server)
        assert response.status_code == 200, response.text
        assert response.json()["checks"] == {"database": "ok", "redis": "ok"}


@pytest.fixture(scope="module")
def s3() -> Iterator[S3Endpoint]:
    with s3_endpoint() as running:
        yield running


@pytest.mark.services
def test_readyz_checks_the_s3_bucket_and_names_storage_when_it_is_gone(
    tmp_path: Path, s3: S3Endpoint
) -> None:
    bucket = s3.new_bucket()
    with _serving(tmp_path, storage=s3.settings(bucket)) as server:
        ready = _ready(server)
        assert ready.status_code == 200, ready.text
        assert ready.json()["checks"] == {"database": "ok", "storage": "ok"}

        for key in [item["Key"] for item in s3.admin.list_objects_v2(Bucket=bucket).get("Contents", [])]:
            s3.admin.delete_object(Bucket=bucket, Key=key)
        s3.admin.delete_bucket(Bucket=bucket)
        gone = _ready(server)
        assert gone.status_code == 503
        assert gone.json()["failed"] == ["storage"]
        assert (
            bucket in gone.json()["checks"]["storage"]
            and "does not exist" in gone.json()["checks"]["storage"]
        )
        assert gone.json()["checks"]["database"] == "ok"
        assert "retry-after" in gone.headers
