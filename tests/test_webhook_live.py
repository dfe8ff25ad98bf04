"""Acceptance on the whole server: a finished video reaches the user's endpoint as a verified webhook, and an
SDK retry with an Idempotency-Key makes one video, not two. Driven with the official SDK, as users do."""

from __future__ import annotations

import time
import warnings
from collections.abc import Iterator

import openai
import pytest

from live_server import LiveServer, live_server, server_settings
from mutoscope.jobs.models import Job
from webhook_receiver import webhook_receiver

warnings.filterwarnings("ignore", category=DeprecationWarning)  # the SDK marks the Videos API deprecated
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
FAST = "testcard"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    # The receiver listens on loopback, which webhooks refuse unless the operator allows private addresses.
    settings = server_settings(tmp_path_factory.mktemp("var"), webhooks={"allow_private": True})
    with live_server(settings) as live:
        yield live


def test_a_finished_video_is_delivered_as_a_signed_webhook(server: LiveServer) -> None:
    client = server.client(server.user())
    with webhook_receiver() as receiver:
        endpoint = client.webhooks.create(url=receiver.url, event_types=["video.completed"], name="ci")
        receiver.secret = endpoint.signing_secret
        video = client.videos.create_and_poll(prompt="bars", model=FAST)
        assert video.status == "completed"
        deadline = time.monotonic() + 20
        while not receiver.received and time.monotonic() < deadline:
            time.sleep(0.05)
    [got] = receiver.received
    assert got.verified, got.errors
    assert (got.sdk_event.type, got.sdk_event.data.id) == ("video.completed", video.id)
    assert got.standardwebhooks_payload["object"] == "event"


def test_an_sdk_retry_with_an_idempotency_key_makes_one_video(server: LiveServer) -> None:
    client = server.client(server.user())
    headers = {"Idempotency-Key": "create-once-1"}
    first = client.videos.with_raw_response.create(prompt="bars", model=FAST, extra_headers=headers)
    again = client.videos.with_raw_response.create(prompt="bars", model=FAST, extra_headers=headers)
    assert first.parse().id == again.parse().id
    assert again.headers["idempotent-replayed"] == "true"
    with pytest.raises(openai.ConflictError) as reused:
        client.videos.create(prompt="a cat", model=FAST, extra_headers=headers)
    assert reused.value.code == "idempotency_key_reused"
    with server.runtime.db.session() as session:
        assert session.query(Job).filter(Job.id == first.parse().id).count() == 1
    assert [video.id for video in client.videos.list()] == [first.parse().id]
