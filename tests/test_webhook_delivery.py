"""Webhook events and their delivery: what a real receiver gets, retries on an injected clock, the attempt log,
deleted endpoints, and two dispatchers sharing one database (SQLite; PostgreSQL under `services`)."""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from sqlalchemy import func, select

from jobs_support import job_database_url
from mutoscope.db import Base, Database, open_database, utcnow
from mutoscope.server.webhooks import service
from mutoscope.server.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from mutoscope.server.webhooks.service import WebhookDispatcher, record_event
from webhook_receiver import webhook_receiver

TABLES = [WebhookEndpoint.__table__, WebhookDelivery.__table__, WebhookAttempt.__table__]


class Clock:
    def __init__(self) -> None:
        self.now = utcnow().replace(microsecond=0)
        self.lock = threading.Lock()

    def __call__(self) -> datetime:
        with self.lock:
            return self.now

    def advance(self, seconds: float) -> None:
        with self.lock:
            self.now += timedelta(seconds=seconds)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.services)])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    with job_database_url(request.param, request, tmp_path) as url:
        database = open_database(url)
        Base.metadata.create_all(database.engine, tables=TABLES)
        try:
            yield database
        finally:
            database.dispose()


def _endpoint(db: Database, user_id: str, url: str, events: list[str] | None = None) -> WebhookEndpoint:
    with db.write_session() as session:
        return service.create_endpoint(session, user_id=user_id, url=url, events=events)


def _event(db: Database, clock: Clock | None, user_id: str, video_id: str = "video_1") -> str | None:
    """Record `video.completed` at the dispatcher's time (real time without a clock)."""
    with db.write_session() as session:
        at = clock() if clock else None
        return record_event(
            session, user_id=user_id, event_type="video.completed", data={"id": video_id}, now=at
        )


def _deliveries(db: Database) -> list[WebhookDelivery]:
    with db.session() as session:
        return list(session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.created_at)).all())


def _attempts(db: Database, delivery_id: str) -> list[WebhookAttempt]:
    with db.session() as session:
        query = (
            select(WebhookAttempt)
            .where(WebhookAttempt.delivery_id == delivery_id)
            .order_by(WebhookAttempt.id)
        )
        return list(session.scalars(query).all())


def _dispatcher(db: Database, clock: Clock, **options: Any) -> WebhookDispatcher:
    options = {"allow_private": True, **options}  # the test receiver listens on loopback
    return WebhookDispatcher(db, clock=clock, rng=random.Random(7), timeout_s=5, **options)


def test_an_event_queues_one_delivery_per_subscribed_enabled_endpoint(db: Database) -> None:
    both = _endpoint(db, "user_a", "https://a.example/hooks")
    _endpoint(db, "user_a", "https://a.example/failures", events=["video.failed"])
    disabled = _endpoint(db, "user_a", "https://a.example/off")
    with db.write_session() as session:
        session.get_one(WebhookEndpoint, disabled.id).enabled = False
    _endpoint(db, "user_b", "https://b.example/hooks")
    at = utcnow()

    with db.write_session() as session:
        event_id = record_event(
            session, user_id="user_a", event_type="video.completed", data={"id": "video_9"}, now=at
        )

    deliveries = _deliveries(db)
    assert event_id is not None and event_id.startswith("evt_")
    assert [(d.endpoint_id, d.event_id, d.state, d.attempts) for d in deliveries] == [
        (both.id, event_id, "pending", 0)
    ]
    payload = json.loads(deliveries[0].payload)
    assert payload == {
        "id": event_id,
        "object": "event",
        "created_at": int(at.timestamp()),
        "type": "video.completed",
        "data": {"id": "video_9"},
    }
    assert list(payload) == ["id", "object", "created_at", "type", "data"]
    assert deliveries[0].next_attempt_at is not None and deliveries[0].next_attempt_at <= utcnow()


def test_no_subscriber_means_no_event_and_an_event_rolls_back_with_its_transaction(db: Database) -> None:
    assert _event(db, None, "nobody") is None
    _endpoint(db, "user_a", "https://a.example/hooks")
    with pytest.raises(RuntimeError), db.write_session() as session:
        record_event(session, user_id="user_a", event_type="video.failed", data={"id": "video_1"})
        raise RuntimeError("the state change failed")
    assert _deliveries(db) == []
    with pytest.raises(ValueError, match="unknown webhook event type"), db.write_session() as session:
        record_event(session, user_id="user_a", event_type="video.exploded", data={})


def test_a_delivery_verifies_with_standardwebhooks_and_the_openai_sdk(db: Database) -> None:
    clock = Clock()
    with webhook_receiver() as receiver:
        endpoint = _endpoint(db, "user_a", receiver.url)
        receiver.secret = endpoint.secret
        event_id = _event(db, clock, "user_a", "video_42")

        assert _dispatcher(db, clock).deliver_due() == 1

    [got] = receiver.received
    [delivery] = _deliveries(db)
    assert got.verified, got.errors
    assert got.body == delivery.payload.encode()
    assert got.standardwebhooks_payload == json.loads(delivery.payload)
    assert (got.sdk_event.id, got.sdk_event.type, got.sdk_event.data.id) == (
        event_id,
        "video.completed",
        "video_42",
    )
    assert got.headers["webhook-id"] == delivery.id
    assert got.headers["webhook-timestamp"] == str(int(clock.now.timestamp()))
    assert got.headers["content-type"] == "application/json"
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 200)
    assert delivery.delivered_at == clock.now and delivery.next_attempt_at is None
    [attempt] = _attempts(db, delivery.id)
    assert (attempt.status_code, attempt.error, attempt.attempted_at) == (200, None, clock.now)
    assert attempt.duration_ms >= 0
    assert _dispatcher(db, clock).deliver_due() == 0  # delivered means done


def test_failures_are_retried_on_the_backoff_schedule_then_delivered(db: Database) -> None:
    clock = Clock()
    start = clock.now
    dispatcher = _dispatcher(db, clock)
    with webhook_receiver(statuses=[500, 500]) as receiver:
        endpoint = _endpoint(db, "user_a", receiver.url)
        receiver.secret = endpoint.secret
        _event(db, clock, "user_a")

        assert dispatcher.deliver_due() == 1
        [delivery] = _deliveries(db)
        assert (delivery.state, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
        assert delivery.last_error == "HTTP 500: receiver says no"
        assert delivery.next_attempt_at is not None
        assert 4.0 <= (delivery.next_attempt_at - start).total_seconds() <= 6.0  # 5 s, jittered ±20 %

        clock.advance(3.9)
        assert dispatcher.deliver_due() == 0  # not due yet
        clock.advance(2.2)
        assert dispatcher.deliver_due() == 1
        [delivery] = _deliveries(db)
        assert (delivery.state, delivery.attempts) == ("pending", 2)
        assert delivery.next_attempt_at is not None
        assert 24.0 <= (delivery.next_attempt_at - clock.now).total_seconds() <= 36.0  # 30 s, jittered

        clock.advance(23.9)
        assert dispatcher.deliver_due() == 0
        clock.advance(12.2)
        assert dispatcher.deliver_due() == 1

    [delivery] = _deliveries(db)
    assert (delivery.state, delivery.attempts, delivery.last_status_code, delivery.last_error) == (
        "delivered",
        3,
        200,
        None,
    )
    assert [a.status_code for a in _attempts(db, delivery.id)] == [500, 500, 200]
    assert [(a.attempted_at - start).total_seconds() for a in _attempts(db, delivery.id)] == pytest.approx(
        [0.0, 6.1, 42.2]
    )
    # Every retry sends the same message: one webhook-id, identical bytes, each signed at its own time.
    assert all(item.verified for item in receiver.received)
    assert len({item.headers["webhook-id"] for item in receiver.received}) == 1
    assert len({item.body for item in receiver.received}) == 1
    assert len({item.headers["webhook-timestamp"] for item in receiver.received}) == 3


def test_after_the_last_retry_the_delivery_fails_and_stops(db: Database) -> None:
    clock = Clock()
    dispatcher = _dispatcher(db, clock, backoff_s=(1, 2))
    with webhook_receiver(statuses=[503] * 10) as receiver:
        endpoint = _endpoint(db, "user_a", receiver.url)
        receiver.secret = endpoint.secret
        _event(db, clock, "user_a")
        sent = 0
        for _ in range(6):
            sent += dispatcher.deliver_due()
            clock.advance(10)
    [delivery] = _deliveries(db)
    assert sent == 3 == len(receiver.received)
    assert (delivery.state, delivery.attempts, delivery.next_attempt_at) == ("failed", 3, None)
    assert [a.status_code for a in _attempts(db, delivery.id)] == [503, 503, 503]


def test_an_unreachable_endpoint_is_logged_as_a_connection_error(db: Database) -> None:
    clock = Clock()
    with webhook_receiver() as receiver:
        url = receiver.url  # the server is closed when the block ends: nothing listens there any more
    _endpoint(db, "user_a", url)
    _event(db, clock, "user_a")
    assert _dispatcher(db, clock).deliver_due() == 1
    [delivery] = _deliveries(db)
    [attempt] = _attempts(db, delivery.id)
    assert delivery.state == "pending" and delivery.last_status_code is None
    assert attempt.status_code is None
    assert attempt.error is not None and attempt.error.startswith("ConnectError")


def test_redirects_are_not_followed(db: Database) -> None:
    clock = Clock()

    def redirecting(**options: Any) -> httpx.Client:
        transport = httpx.MockTransport(
            lambda request: httpx.Response(307, headers={"location": "http://x/"})
        )
        return httpx.Client(transport=transport, **options)

    _endpoint(db, "user_a", "https://a.example/hooks")
    _event(db, clock, "user_a")
    assert _dispatcher(db, clock, client_factory=redirecting).deliver_due() == 1
    [delivery] = _deliveries(db)
    assert (delivery.state, delivery.last_status_code) == ("pending", 307)


def test_deleting_an_endpoint_stops_its_deliveries(db: Database) -> None:
    clock = Clock()
    dispatcher = _dispatcher(db, clock)
    with webhook_receiver(statuses=[500]) as receiver:
        endpoint = _endpoint(db, "user_a", receiver.url)
        receiver.secret = endpoint.secret
        _event(db, clock, "user_a", "video_1")
        _event(db, clock, "user_a", "video_2")
        assert dispatcher.deliver_due() == 2
        assert len(receiver.received) == 2

        with db.write_session() as session:
            service.delete_endpoint(session, user_id="user_a", endpoint_id=endpoint.id)
        clock.advance(3600)
        assert dispatcher.deliver_due() == 0
        assert _event(db, clock, "user_a", "video_3") is None
        assert len(receiver.received) == 2
    with db.session() as session:
        counts = [session.scalar(select(func.count()).select_from(table)) for table in TABLES]
    assert counts == [0, 0, 0]


def test_a_stalled_dispatcher_loses_its_claim_and_its_late_outcome_is_dropped(db: Database) -> None:
    clock = Clock()
    entered, release = threading.Event(), threading.Event()

    def stalling(**options: Any) -> httpx.Client:
        def handle(request: httpx.Request) -> httpx.Response:
            entered.set()
            release.wait(10)
            return httpx.Response(500)

        return httpx.Client(transport=httpx.MockTransport(handle), **options)

    with webhook_receiver() as receiver:
        endpoint = _endpoint(db, "user_a", receiver.url)
        receiver.secret = endpoint.secret
        _event(db, clock, "user_a")
        slow = _dispatcher(db, clock, client_factory=stalling)
        stalled = threading.Thread(target=slow.deliver_due)
        stalled.start()
        assert entered.wait(10)
        assert _dispatcher(db, clock).deliver_due() == 0  # claimed by the stalled one: not sent twice
        clock.advance(61)  # past the stalled dispatcher's lease
        assert _dispatcher(db, clock).deliver_due() == 1
        release.set()
        stalled.join(10)

    [delivery] = _deliveries(db)
    assert len(receiver.received) == 1 and receiver.received[0].verified
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == ("delivered", 2, 200)
    assert sorted(a.status_code or 0 for a in _attempts(db, delivery.id)) == [
        200,
        500,
    ]  # both attempts logged


def test_two_dispatchers_never_send_the_same_attempt(db: Database) -> None:
    clock = Clock()
    with webhook_receiver() as receiver:
        receiver.delay_s = 0.01
        endpoint = _endpoint(db, "user_a", receiver.url)
        receiver.secret = endpoint.secret
        for index in range(40):
            _event(db, clock, "user_a", f"video_{index}")
        dispatchers = [_dispatcher(db, clock, batch_size=4) for _ in range(2)]
        totals = [0, 0]
        start = threading.Barrier(2)

        def drain(index: int) -> None:
            start.wait()
            while (sent := dispatchers[index].deliver_due()) > 0:
                totals[index] += sent

        threads = [threading.Thread(target=drain, args=(index,)) for index in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)

    video_ids = sorted(body["data"]["id"] for body in receiver.bodies())
    assert video_ids == sorted(f"video_{index}" for index in range(40))  # each exactly once
    assert sum(totals) == 40
    assert all(d.state == "delivered" and d.attempts == 1 for d in _deliveries(db))


def test_run_delivers_until_stopped(db: Database) -> None:
    with webhook_receiver() as receiver:
        endpoint = _endpoint(db, "user_a", receiver.url)
        receiver.secret = endpoint.secret
        dispatcher = WebhookDispatcher(db, timeout_s=5, allow_private=True)
        stop = threading.Event()
        loop = threading.Thread(target=dispatcher.run, args=(stop,), kwargs={"poll_s": 0.02})
        loop.start()
        _event(db, None, "user_a")
        deadline = utcnow() + timedelta(seconds=10)
        while not receiver.received and utcnow() < deadline:
            stop.wait(0.02)
        stop.set()
        loop.join(10)
    assert not loop.is_alive()
    assert len(receiver.received) == 1 and receiver.received[0].verified


def test_dispatcher_options_are_checked() -> None:
    db = open_database("sqlite://")
    for options in ({"timeout_s": 0}, {"batch_size": 0}, {"backoff_s": (5, -1)}):
        with pytest.raises(ValueError):
            WebhookDispatcher(db, **options)  # type: ignore[arg-type]


def test_finished_deliveries_are_pruned_after_the_retention_period(db: Database) -> None:
    clock = Clock()
    with webhook_receiver(statuses=[500]) as receiver:
        endpoint = _endpoint(db, "user_a", receiver.url)
        receiver.secret = endpoint.secret
        _event(db, clock, "user_a", "video_old")
        dispatcher = _dispatcher(db, clock, backoff_s=(1000,), retention_s=3600)
        assert dispatcher.deliver_due() == 1  # fails once: pending, retried in ~1000 s
        _event(db, clock, "user_a", "video_done")
        assert dispatcher.deliver_due() == 1  # delivered
        clock.advance(3601)
        _event(db, clock, "user_a", "video_new")
        assert dispatcher.deliver_due() == 2  # video_old's retry and video_new; video_done is pruned first
    kept = sorted(json.loads(d.payload)["data"]["id"] for d in _deliveries(db))
    assert kept == ["video_new", "video_old"]
    with db.session() as session:
        # video_old: 2 attempts, video_new: 1; video_done's one attempt went with it
        assert session.scalar(select(func.count()).select_from(WebhookAttempt)) == 3


def test_a_host_that_now_resolves_to_loopback_is_refused_at_delivery(db: Database) -> None:
    """DNS rebinding: the name passed registration, but by delivery it resolves to the server's own loopback."""
    clock = Clock()
    with webhook_receiver() as receiver:
        port = urlsplit(receiver.url).port
        # Stored without the registration check, as if the name had resolved to a public address then.
        endpoint = _endpoint(db, "user_a", f"http://localhost:{port}/hook")
        receiver.secret = endpoint.secret
        _event(db, clock, "user_a")
        assert _dispatcher(db, clock, allow_private=False).deliver_due() == 1
        assert receiver.received == []
        [delivery] = _deliveries(db)
        [attempt] = _attempts(db, delivery.id)
        assert (delivery.state, delivery.last_status_code) == ("pending", None)
        assert attempt.error is not None
        assert attempt.error.startswith("ConnectError: refused to connect to localhost"), attempt.error
        assert "loopback" in attempt.error

        # The same delivery goes through where the operator allows private addresses: the guard made the difference.
        clock.advance(60)
        assert _dispatcher(db, clock, allow_private=True).deliver_due() == 1
    assert len(receiver.received) == 1 and receiver.received[0].verified
    assert _deliveries(db)[0].state == "delivered"


def test_a_private_ip_url_stored_before_the_guard_is_refused_at_delivery(db: Database) -> None:
    clock = Clock()
    with webhook_receiver() as receiver:
        endpoint = _endpoint(
            db, "user_a", receiver.url
        )  # http://127.0.0.1:PORT/..., e.g. from before the guard
        receiver.secret = endpoint.secret
        _event(db, clock, "user_a")
        assert _dispatcher(db, clock, allow_private=False).deliver_due() == 1
    assert receiver.received == []
    [delivery] = _deliveries(db)
    [attempt] = _attempts(db, delivery.id)
    assert attempt.error is not None and "127.0.0.1, a loopback address" in attempt.error
