"""`/v1/webhook_endpoints` over HTTP: create/list/delete, validation, ownership, the delivery log, and the
official SDK's `client.webhooks` resource against a live server."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import openai
import pytest
import uvicorn
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

from jobs_support import FakeClock
from live_server import free_port
from mutoscope.db import Base, Database, open_database, utcnow
from mutoscope.errors import AuthenticationError
from mutoscope.server.accounts.auth import Principal, require_principal
from mutoscope.server.errors import install_error_handlers
from mutoscope.server.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from mutoscope.server.webhooks.router import private_addresses_allowed, router, webhook_database
from mutoscope.server.webhooks.service import WebhookDispatcher, record_event
from webhook_receiver import webhook_receiver

TABLES = [WebhookEndpoint.__table__, WebhookDelivery.__table__, WebhookAttempt.__table__]


def _principal(request: Request) -> Principal:
    # The bearer token *is* the user id here: enough to act as two different users.
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise AuthenticationError("no key")
    return Principal(user_id=token, handle=token, is_admin=False, api_key_id=None)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(f"sqlite:///{tmp_path / 'api.db'}")
    Base.metadata.create_all(database.engine, tables=TABLES)
    yield database
    database.dispose()


def _app(db: Database, *, allow_private: bool) -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)
    app.include_router(router)
    app.dependency_overrides[require_principal] = _principal
    app.dependency_overrides[webhook_database] = lambda: db
    app.dependency_overrides[private_addresses_allowed] = lambda: allow_private
    return app


@pytest.fixture
def app(db: Database) -> FastAPI:
    # The test receiver listens on loopback, which only a server allowing private addresses accepts.
    return _app(db, allow_private=True)


@pytest.fixture
def strict_app(db: Database) -> FastAPI:
    """The default deployment: webhook URLs must point at public addresses."""
    return _app(db, allow_private=False)


def _as(app: FastAPI, user: str) -> TestClient:
    return TestClient(app, headers={"Authorization": f"Bearer {user}"})


def test_create_shows_the_secret_once_and_list_shows_only_the_callers_endpoints(app: FastAPI) -> None:
    alice, bob = _as(app, "user_alice"), _as(app, "user_bob")
    created = alice.post("/v1/webhook_endpoints", json={"url": "https://alice.example/hooks"})
    assert created.status_code == 200
    body = created.json()
    assert body["id"].startswith("whep_")
    assert body["object"] == "webhook_endpoint"
    assert body["url"] == "https://alice.example/hooks"
    assert body["events"] == body["event_types"] == ["video.completed", "video.failed"]
    assert body["secret"].startswith("whsec_") and body["signing_secret"] == body["secret"]
    assert body["signing_secret_hint"].startswith("whsec_") and body["signing_secret_hint"] != body["secret"]
    assert isinstance(body["created_at"], int) and abs(body["created_at"] - time.time()) < 60

    bob.post("/v1/webhook_endpoints", json={"url": "http://bob.example/hooks", "events": ["video.failed"]})
    listed = alice.get("/v1/webhook_endpoints").json()
    assert listed["object"] == "list" and listed["has_more"] is False
    assert [item["id"] for item in listed["data"]] == [body["id"]]
    assert listed["first_id"] == listed["last_id"] == body["id"]
    assert "secret" not in listed["data"][0] and "signing_secret" not in listed["data"][0]
    assert [item["events"] for item in bob.get("/v1/webhook_endpoints").json()["data"]] == [["video.failed"]]


def test_listing_pages_newest_first(app: FastAPI) -> None:
    client = _as(app, "user_a")
    ids = [
        client.post("/v1/webhook_endpoints", json={"url": f"https://a.example/{index}"}).json()["id"]
        for index in range(5)
    ]
    first = client.get("/v1/webhook_endpoints", params={"limit": 2}).json()
    rest = client.get("/v1/webhook_endpoints", params={"limit": 10, "after": first["last_id"]}).json()
    assert first["has_more"] is True and rest["has_more"] is False
    seen = [item["id"] for item in first["data"] + rest["data"]]
    assert sorted(seen) == sorted(ids) and len(seen) == 5
    assert [item["url"] for item in first["data"] + rest["data"]] == [
        f"https://a.example/{i}" for i in range(4, -1, -1)
    ]


@pytest.mark.parametrize(
    "url",
    ["ftp://a.example/x", "a.example/hooks", "https://", "http://user:pw@a.example/", "", "http://a b/"],
)
def test_bad_urls_are_refused_naming_url(app: FastAPI, url: str) -> None:
    response = _as(app, "user_a").post("/v1/webhook_endpoints", json={"url": url})
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "url"
    assert _as(app, "user_a").get("/v1/webhook_endpoints").json()["data"] == []


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://10.0.0.5/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:8080/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "https://localhost/hook",
        "http://2130706433/hook",  # 127.0.0.1 as one decimal number
    ],
)
def test_private_and_loopback_urls_are_refused_by_default(strict_app: FastAPI, url: str) -> None:
    client = _as(strict_app, "user_a")
    response = client.post("/v1/webhook_endpoints", json={"url": url})
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["type"], error["param"]) == ("invalid_request_error", "url")
    assert "MUTOSCOPE_WEBHOOKS__ALLOW_PRIVATE" in error["message"]
    assert client.get("/v1/webhook_endpoints").json()["data"] == []


def test_the_operator_setting_allows_private_urls(strict_app: FastAPI, app: FastAPI) -> None:
    url = "http://10.0.0.5/hook"
    assert _as(strict_app, "user_a").post("/v1/webhook_endpoints", json={"url": url}).status_code == 400
    allowed = _as(app, "user_a").post("/v1/webhook_endpoints", json={"url": url})
    assert (allowed.status_code, allowed.json()["url"]) == (200, url)


def test_a_public_url_is_accepted_by_default(strict_app: FastAPI) -> None:
    # .example never resolves: a name with no address yet is accepted, and each delivery checks it again.
    response = _as(strict_app, "user_a").post(
        "/v1/webhook_endpoints", json={"url": "https://hooks.example/x"}
    )
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    "payload",
    [
        {"events": ["video.exploded"]},
        {"events": []},
        {"events": ["video.completed", "response.completed"]},
        {"events": ["video.failed"], "event_types": ["video.completed"]},
    ],
)
def test_bad_event_lists_are_refused_naming_events(app: FastAPI, payload: dict[str, list[str]]) -> None:
    response = _as(app, "user_a").post("/v1/webhook_endpoints", json={"url": "https://a.example/", **payload})
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "events"


def test_missing_url_and_unknown_fields_are_400s(app: FastAPI) -> None:
    client = _as(app, "user_a")
    missing = client.post("/v1/webhook_endpoints", json={"events": ["video.failed"]})
    assert (missing.status_code, missing.json()["error"]["param"]) == (400, "url")
    typo = client.post("/v1/webhook_endpoints", json={"url": "https://a.example/", "evnts": ["video.failed"]})
    assert typo.status_code == 400


def test_every_route_needs_a_principal(app: FastAPI) -> None:
    anonymous = TestClient(app)
    assert anonymous.get("/v1/webhook_endpoints").status_code == 401
    assert anonymous.post("/v1/webhook_endpoints", json={"url": "https://a.example/"}).status_code == 401
    assert anonymous.delete("/v1/webhook_endpoints/whep_x").status_code == 401
    assert anonymous.get("/v1/webhook_endpoints/whep_x/deliveries").status_code == 401


def test_delete_removes_only_the_callers_endpoint(app: FastAPI) -> None:
    alice, bob = _as(app, "user_alice"), _as(app, "user_bob")
    endpoint = alice.post("/v1/webhook_endpoints", json={"url": "https://alice.example/"}).json()["id"]
    for response in (
        bob.delete(f"/v1/webhook_endpoints/{endpoint}"),
        bob.get(f"/v1/webhook_endpoints/{endpoint}/deliveries"),
    ):
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    assert len(alice.get("/v1/webhook_endpoints").json()["data"]) == 1

    deleted = alice.delete(f"/v1/webhook_endpoints/{endpoint}")
    assert deleted.json() == {"id": endpoint, "object": "webhook_endpoint.deleted", "deleted": True}
    assert alice.get("/v1/webhook_endpoints").json()["data"] == []
    assert alice.delete(f"/v1/webhook_endpoints/{endpoint}").status_code == 404


def test_the_delivery_log_shows_each_attempt(app: FastAPI, db: Database) -> None:
    client = _as(app, "user_a")
    clock = FakeClock(utcnow().replace(microsecond=0))  # receivers refuse timestamps 5 min from their now
    with webhook_receiver(statuses=[500]) as receiver:
        created = client.post("/v1/webhook_endpoints", json={"url": receiver.url}).json()
        receiver.secret = created["secret"]
        with db.write_session() as session:
            event_id = record_event(
                session, user_id="user_a", event_type="video.failed", data={"id": "video_7"}, now=clock()
            )
        dispatcher = WebhookDispatcher(db, clock=clock, timeout_s=5, allow_private=True)
        dispatcher.deliver_due()
        clock.advance(10)
        dispatcher.deliver_due()
        dispatcher.close()
    assert [item.verified for item in receiver.received] == [True, True]

    [delivery] = client.get(f"/v1/webhook_endpoints/{created['id']}/deliveries").json()["data"]
    assert delivery["object"] == "webhook_delivery"
    assert delivery["id"] == receiver.received[0].headers["webhook-id"]
    assert (delivery["event_id"], delivery["event_type"], delivery["state"]) == (
        event_id,
        "video.failed",
        "delivered",
    )
    assert (delivery["attempts"], delivery["last_status_code"], delivery["last_error"]) == (2, 200, None)
    assert delivery["delivered_at"] == int(clock().timestamp())
    assert [(a["status_code"], a["error"]) for a in delivery["attempt_log"]] == [
        (500, "HTTP 500: receiver says no"),
        (200, None),
    ]
    assert [a["attempted_at"] for a in delivery["attempt_log"]] == [
        int(clock().timestamp()) - 10,
        int(clock().timestamp()),
    ]


def test_the_official_sdk_manages_endpoints(app: FastAPI) -> None:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        client = openai.OpenAI(base_url=f"http://127.0.0.1:{port}/v1", api_key="user_sdk", max_retries=0)
        created = client.webhooks.create(
            url="https://sdk.example/hooks", event_types=["video.completed"], name="my hook"
        )
        assert created.id.startswith("whep_") and created.signing_secret.startswith("whsec_")
        assert (created.name, created.event_types, created.url) == (
            "my hook",
            ["video.completed"],
            created.url,
        )
        assert [endpoint.id for endpoint in client.webhooks.list()] == [created.id]
        deleted = client.webhooks.delete(created.id)
        assert (deleted.id, deleted.deleted) == (created.id, True)
        assert list(client.webhooks.list()) == []
        with pytest.raises(openai.BadRequestError) as refused:
            client.webhooks.create(url="https://sdk.example/", event_types=["batch.completed"], name="x")
        assert refused.value.body["param"] == "events"  # type: ignore[index]
    finally:
        server.should_exit = True
        thread.join(10)
