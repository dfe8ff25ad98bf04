"""The service around the videos API, end to end on a live server: webhooks, rate limits, idempotent retries,
cancellation and the `openai-poll-after-ms` contract. Clients are the official SDK or plain HTTP."""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import openai
import pytest

from live_server import LiveServer, free_port, live_server, server_settings
from mutoscope.jobs.models import Job

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
FAST = "testcard"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    # The receiver listens on loopback, which webhooks refuse unless the operator allows private addresses.
    settings = server_settings(tmp_path_factory.mktemp("var"), webhooks={"allow_private": True})
    with live_server(settings) as live:
        yield live


class _Receiver:
    """A local webhook endpoint that records what it receives."""

    def __init__(self) -> None:
        self.port = free_port()
        self.received: list[tuple[bytes, dict[str, str]]] = []
        received = self.received

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["content-length"]))
                received.append((body, {k.lower(): v for k, v in self.headers.items()}))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                del args

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def wait_for(self, count: int, timeout_s: float = 30) -> None:
        deadline = time.monotonic() + timeout_s
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.05)


def test_a_signed_webhook_arrives_when_a_video_completes_or_fails(server: LiveServer) -> None:
    key = server.user()
    receiver = _Receiver()
    try:
        with server.http(key) as http:
            endpoint = http.post(
                "/v1/webhook_endpoints", json={"url": f"http://127.0.0.1:{receiver.port}/hook"}
            )
        assert endpoint.status_code == 200, endpoint.text
        secret = endpoint.json()["secret"]
        client = server.client(key, webhook_secret=secret)
        done = client.videos.create_and_poll(prompt="bars", model=FAST)
        receiver.wait_for(1)
        assert len(receiver.received) == 1
        body, headers = receiver.received[0]
        event = client.webhooks.unwrap(body, headers)  # verifies the Standard Webhooks signature
        assert event.type == "video.completed" and event.data.id == done.id

        with pytest.raises(openai.InvalidWebhookSignatureError):
            client.webhooks.unwrap(body.replace(done.id.encode(), b"video_" + b"0" * 32), headers)
    finally:
        receiver.httpd.shutdown()


def test_rate_limit_gives_429_with_retry_after(tmp_path_factory: pytest.TempPathFactory) -> None:
    settings = server_settings(tmp_path_factory.mktemp("var"), api={"requests_per_minute": 5})
    with live_server(settings, workers=0) as live:
        client = live.client(live.user())
        other = live.client(live.user())
        for _ in range(5):
            client.videos.list()
        with pytest.raises(openai.RateLimitError) as limited:
            client.videos.list()
        assert limited.value.status_code == 429
        retry_after = float(limited.value.response.headers["retry-after"])
        assert 1 <= retry_after <= 60
        assert limited.value.body["code"] == "rate_limit_exceeded"  # type: ignore[index]
        other.videos.list()  # limits are per key


def test_an_idempotent_retry_returns_the_same_video_and_makes_one_job(server: LiveServer) -> None:
    key = server.user()
    headers = {"Idempotency-Key": "retry-me-1"}
    with server.http(key) as http:
        first = http.post("/v1/videos", data={"prompt": "bars", "model": FAST}, headers=headers)
        again = http.post("/v1/videos", data={"prompt": "bars", "model": FAST}, headers=headers)
        changed = http.post("/v1/videos", data={"prompt": "other", "model": FAST}, headers=headers)
        listed = http.get("/v1/videos").json()["data"]
    assert first.status_code == again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.headers.get("idempotent-replayed") == "true"
    assert changed.status_code == 409 and changed.json()["error"]["code"] == "idempotency_key_reused"
    assert [v["id"] for v in listed] == [first.json()["id"]]


def test_cancel_stops_a_queued_job(tmp_path_factory: pytest.TempPathFactory) -> None:
    with live_server(server_settings(tmp_path_factory.mktemp("var")), workers=0) as live:
        key = live.user()
        client = live.client(key)
        video = client.videos.create(prompt="bars", model=FAST)
        with live.http(key) as http:
            cancelled = http.post(f"/v1/videos/{video.id}/cancel")
        assert cancelled.status_code == 200
        body = cancelled.json()
        assert body["status"] == "failed" and body["error"]["code"] == "cancelled"
        assert "openai-poll-after-ms" not in cancelled.headers
        with live.runtime.db.session() as session:
            assert session.get(Job, video.id).state == "cancelled"


def test_progress_moves_and_poll_header_stops_at_the_end(server: LiveServer) -> None:
    client = server.client(server.user())
    video = client.videos.create(prompt="a dog runs on a beach", seconds="8", size="1280x720")
    seen = set()
    while True:
        raw = client.videos.with_raw_response.retrieve(video.id)
        current = raw.parse()
        seen.add(current.progress)
        if current.status in ("completed", "failed"):
            assert "openai-poll-after-ms" not in raw.headers
            break
        assert raw.headers["openai-poll-after-ms"] == "100"
        time.sleep(0.05)
    assert current.status == "completed" and current.progress == 100
    assert len(seen - {0, 100}) >= 2, seen  # intermediate progress was reported


def test_the_openapi_document_lists_every_videos_route(server: LiveServer) -> None:
    with server.http() as http:
        paths = http.get("/openapi.json").json()["paths"]
    expected = {
        "/v1/videos",
        "/v1/videos/{video_id}",
        "/v1/videos/{video_id}/content",
        "/v1/videos/{video_id}/remix",
        "/v1/videos/edits",
        "/v1/videos/extensions",
        "/v1/videos/characters",
        "/v1/videos/characters/{character_id}",
        "/v1/webhook_endpoints",
    }
    assert expected <= set(paths), expected - set(paths)
    assert json.dumps(paths["/v1/videos"]["post"]).count("multipart/form-data") >= 1
