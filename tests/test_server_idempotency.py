"""Idempotency-Key on POSTs under /v1: replays, conflicts, in-flight requests, expiry, and races.

A tiny FastAPI app counts its side effects; everything is measured from HTTP responses and that count.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from jobs_support import FakeClock, job_database_url
from mutoscope.db import Base, Database, open_database
from mutoscope.errors import InvalidRequestError, RateLimitError, ServiceUnavailableError
from mutoscope.server.errors import install_error_handlers
from mutoscope.server.idempotency import IdempotencyMiddleware, IdempotencyRecord

AUTH = {"Authorization": "Bearer key-one"}


@dataclass
class Service:
    app: FastAPI
    clock: FakeClock
    effects: list[Any] = field(default_factory=list)
    entered: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.services)])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    with job_database_url(request.param, request, tmp_path) as url:
        database = open_database(url)
        Base.metadata.create_all(database.engine, tables=[IdempotencyRecord.__table__])
        try:
            yield database
        finally:
            database.dispose()


@pytest.fixture
def svc(db: Database) -> Service:
    app = FastAPI()
    install_error_handlers(app)
    service = Service(app=app, clock=FakeClock())
    app.add_middleware(IdempotencyMiddleware, db_provider=lambda: db, ttl_s=3600, clock=service.clock)

    @app.post("/v1/things")
    async def create(request: Request) -> JSONResponse:
        service.effects.append(await request.body())
        return JSONResponse(
            {"id": f"thing_{len(service.effects)}"},
            headers={"openai-poll-after-ms": "500", "x-not-replayed": "1"},
        )

    @app.post("/v1/other")
    def other() -> dict[str, int]:
        service.effects.append("other")
        return {"n": len(service.effects)}

    @app.post("/v1/invalid")
    def invalid() -> None:
        service.effects.append("invalid")
        raise InvalidRequestError("no", param="prompt")

    @app.post("/v1/crash")
    def crash() -> None:
        service.effects.append("crash")
        raise RuntimeError("bug")

    @app.post("/v1/unavailable")
    def unavailable() -> None:
        service.effects.append("unavailable")
        raise ServiceUnavailableError("down")

    @app.post("/v1/throttled")
    def throttled() -> None:
        service.effects.append("throttled")
        raise RateLimitError("slow down", retry_after_s=1)

    @app.post("/v1/slow")
    def slow() -> dict[str, int]:
        service.effects.append("slow")
        service.entered.set()
        assert service.release.wait(10)
        return {"n": len(service.effects)}

    @app.post("/v1/upload")
    async def upload(request: Request) -> dict[str, str]:
        form = await request.form()
        data = await form["file"].read()  # type: ignore[union-attr]
        service.effects.append(data)
        return {"sha256": hashlib.sha256(data).hexdigest()}

    @app.post("/api/things")
    def social() -> dict[str, int]:
        service.effects.append("social")
        return {"n": len(service.effects)}

    return service


def _client(svc: Service) -> TestClient:
    return _client_for(svc.app)


def _client_for(app: FastAPI) -> TestClient:
    return TestClient(app, raise_server_exceptions=False)


def _records(db: Database) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(IdempotencyRecord)) or 0)


def test_a_retry_with_the_same_key_and_body_replays_the_first_response(svc: Service) -> None:
    client = _client(svc)
    headers = {**AUTH, "Idempotency-Key": "k1"}
    first = client.post("/v1/things", json={"prompt": "a cat"}, headers=headers)
    second = client.post("/v1/things", json={"prompt": "a cat"}, headers=headers)

    assert len(svc.effects) == 1
    assert first.status_code == second.status_code == 200
    assert first.content == second.content == b'{"id":"thing_1"}'
    assert "idempotent-replayed" not in first.headers
    assert second.headers["idempotent-replayed"] == "true"
    assert second.headers["content-type"] == first.headers["content-type"] == "application/json"
    assert second.headers["openai-poll-after-ms"] == "500"
    assert "x-not-replayed" not in second.headers
    assert client.post(
        "/v1/things", json={"prompt": "a cat"}, headers={**AUTH, "Idempotency-Key": "k2"}
    ).json() == {"id": "thing_2"}


def test_the_same_key_with_another_body_or_path_is_a_conflict(svc: Service) -> None:
    client = _client(svc)
    headers = {**AUTH, "Idempotency-Key": "k1"}
    client.post("/v1/things", json={"prompt": "a cat"}, headers=headers)
    for response in (
        client.post("/v1/things", json={"prompt": "a dog"}, headers=headers),
        client.post("/v1/other", json={"prompt": "a cat"}, headers=headers),
    ):
        assert response.status_code == 409
        assert response.json() == {
            "error": {
                "message": response.json()["error"]["message"],
                "type": "invalid_request_error",
                "param": None,
                "code": "idempotency_key_reused",
            }
        }
    assert len(svc.effects) == 1


def test_keys_are_scoped_by_credentials_and_requests_without_a_key_are_untouched(svc: Service) -> None:
    client = _client(svc)
    body = {"prompt": "a cat"}
    client.post("/v1/things", json=body, headers={**AUTH, "Idempotency-Key": "k1"})
    other = client.post(
        "/v1/things", json=body, headers={"Authorization": "Bearer key-two", "Idempotency-Key": "k1"}
    )
    assert other.json() == {"id": "thing_2"} and "idempotent-replayed" not in other.headers
    client.post("/v1/things", json=body, headers=AUTH)
    client.post("/v1/things", json=body, headers=AUTH)
    client.post("/api/things", headers={**AUTH, "Idempotency-Key": "k9"})
    client.post("/api/things", headers={**AUTH, "Idempotency-Key": "k9"})  # outside /v1: not covered
    assert len(svc.effects) == 6


def test_key_length_is_limited(svc: Service, db: Database) -> None:
    client = _client(svc)
    for key in ("x" * 256, " "):
        response = client.post("/v1/things", json={}, headers={**AUTH, "Idempotency-Key": key})
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "invalid_idempotency_key"
    assert svc.effects == [] and _records(db) == 0
    assert (
        client.post("/v1/things", json={}, headers={**AUTH, "Idempotency-Key": "x" * 255}).status_code == 200
    )


@pytest.mark.parametrize(
    ("path", "status"), [("/v1/crash", 500), ("/v1/unavailable", 503), ("/v1/throttled", 429)]
)
def test_responses_that_say_try_again_are_not_stored(
    svc: Service, db: Database, path: str, status: int
) -> None:
    client = _client(svc)
    headers = {**AUTH, "Idempotency-Key": "k1"}
    assert [client.post(path, headers=headers).status_code for _ in range(2)] == [status, status]
    assert len(svc.effects) == 2
    assert _records(db) == 0


def test_a_client_error_is_final_and_replayed(svc: Service) -> None:
    client = _client(svc)
    headers = {**AUTH, "Idempotency-Key": "k1"}
    first, second = (client.post("/v1/invalid", headers=headers) for _ in range(2))
    assert first.status_code == second.status_code == 400
    assert first.json() == second.json() and first.json()["error"]["param"] == "prompt"
    assert second.headers["idempotent-replayed"] == "true"
    assert svc.effects == ["invalid"]


def test_expired_records_are_ignored_and_purged(svc: Service, db: Database) -> None:
    client = _client(svc)
    headers = {**AUTH, "Idempotency-Key": "k1"}
    client.post("/v1/things", json={}, headers=headers)
    client.post("/v1/things", json={}, headers={**AUTH, "Idempotency-Key": "k2"})
    svc.clock.advance(3599)
    assert client.post("/v1/things", json={}, headers=headers).headers["idempotent-replayed"] == "true"
    svc.clock.advance(61)  # both keys expired; purges run at most once a minute
    again = client.post("/v1/things", json={"now": "different"}, headers=headers)
    assert again.status_code == 200 and "idempotent-replayed" not in again.headers
    assert len(svc.effects) == 3
    assert _records(db) == 1  # k2 expired too and was purged; k1 holds the new request


def test_a_request_still_running_makes_a_retry_wait(svc: Service) -> None:
    async def scenario() -> tuple[httpx.Response, httpx.Response, httpx.Response]:
        transport = httpx.ASGITransport(app=svc.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            headers = {**AUTH, "Idempotency-Key": "slow-1"}
            first = asyncio.create_task(client.post("/v1/slow", headers=headers))
            assert await asyncio.to_thread(svc.entered.wait, 10)
            during = await client.post("/v1/slow", headers=headers)
            svc.release.set()
            done = await first
            after = await client.post("/v1/slow", headers=headers)
            return during, done, after

    during, done, after = asyncio.run(scenario())
    assert during.status_code == 409
    assert during.json()["error"]["code"] == "idempotency_request_in_progress"
    assert during.headers["retry-after"] == "1"
    assert done.status_code == 200 and done.json() == {"n": 1}
    assert after.json() == {"n": 1} and after.headers["idempotent-replayed"] == "true"
    assert svc.effects == ["slow"]


def test_concurrent_requests_with_one_key_cause_exactly_one_side_effect(svc: Service) -> None:
    async def scenario() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=svc.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            headers = {**AUTH, "Idempotency-Key": "race"}
            return list(await asyncio.gather(*(client.post("/v1/other", headers=headers) for _ in range(8))))

    responses = asyncio.run(scenario())
    assert svc.effects == ["other"]
    fresh = [r for r in responses if r.status_code == 200 and "idempotent-replayed" not in r.headers]
    assert len(fresh) == 1
    for response in responses:
        if response is not fresh[0]:
            assert (response.status_code, response.headers.get("idempotent-replayed")) in (
                (200, "true"),
                (409, None),
            )


def test_a_rebuilt_multipart_upload_matches_despite_a_new_boundary(svc: Service) -> None:
    client = _client(svc)
    headers = {**AUTH, "Idempotency-Key": "upload-1"}
    data = os.urandom(3 * 1024 * 1024)  # larger than the in-memory spool: goes through a temporary file
    first = client.post("/v1/upload", files={"file": ("clip.bin", data)}, headers=headers)
    second = client.post("/v1/upload", files={"file": ("clip.bin", data)}, headers=headers)
    changed = client.post("/v1/upload", files={"file": ("clip.bin", data[:-1] + b"!")}, headers=headers)

    assert first.json() == {"sha256": hashlib.sha256(data).hexdigest()}  # the app got every byte
    assert second.headers["idempotent-replayed"] == "true"
    assert changed.status_code == 409
    assert len(svc.effects) == 1


def test_a_retry_after_a_released_key_runs_again(svc: Service, db: Database) -> None:
    client = _client(svc)
    headers = {**AUTH, "Idempotency-Key": "k1"}
    assert client.post("/v1/crash", headers=headers).status_code == 500
    assert client.post("/v1/things", json={}, headers=headers).status_code == 200  # the key was released
    assert _records(db) == 1


def test_get_requests_are_never_intercepted(svc: Service) -> None:
    client = _client(svc)
    response = client.get("/v1/things", headers={**AUTH, "Idempotency-Key": "x" * 300})
    assert response.status_code == 405  # the route's own answer, not the key-length check


def test_ttl_must_be_positive(db: Database) -> None:
    with pytest.raises(ValueError, match="ttl_s"):
        IdempotencyMiddleware(FastAPI(), db_provider=lambda: db, ttl_s=0)


def test_the_response_is_stored_before_the_client_sees_its_end(db: Database) -> None:
    stored_when_sent: list[int | None] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        await send(
            {"type": "http.response.start", "status": 201, "headers": [(b"content-type", b"text/plain")]}
        )
        await send({"type": "http.response.body", "body": b"made", "more_body": False})

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"{}", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.body":
            with db.session() as session:
                stored_when_sent.append(session.scalar(select(IdempotencyRecord.status_code)))

    scope = {"type": "http", "method": "POST", "path": "/v1/things", "headers": [(b"idempotency-key", b"k")]}
    asyncio.run(IdempotencyMiddleware(app, db_provider=lambda: db)(scope, receive, send))
    assert stored_when_sent == [201]


def test_an_unreachable_database_is_a_503_and_the_app_is_not_run() -> None:
    down = open_database("postgresql+psycopg://postgres@127.0.0.1:1/test?connect_timeout=2")
    app = FastAPI()
    effects: list[str] = []
    app.add_middleware(IdempotencyMiddleware, db_provider=lambda: down)

    @app.post("/v1/things")
    def create() -> dict[str, bool]:
        effects.append("x")
        return {"ok": True}

    response = _client_for(app).post("/v1/things", json={}, headers={**AUTH, "Idempotency-Key": "k"})
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "service_unavailable"
    assert "retry-after" in response.headers
    assert effects == []
    down.dispose()
