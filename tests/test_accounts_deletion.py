"""Deleting an account also deletes the idempotency records of its API keys and browser sessions.

Those records hold stored responses (video objects, prompts included) for a day; they are keyed by a hash of the
credential, not by user, so deletion derives the hashes from the user's key and session rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from live_server import LiveServer, live_server, server_settings
from mutoscope.server.accounts.deletion import delete_account
from mutoscope.server.accounts.models import User
from mutoscope.server.accounts.sessions import COOKIE_NAME, open_session
from mutoscope.server.idempotency import IdempotencyRecord


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    with live_server(server_settings(tmp_path), workers=0) as live:
        yield live


def _user_id(server: LiveServer, handle: str) -> str:
    with server.runtime.db.session() as session:
        user_id = session.scalar(select(User.id).where(User.handle == handle))
    assert user_id is not None
    return user_id


def _records(server: LiveServer) -> int:
    with server.runtime.db.session() as session:
        return session.scalar(select(func.count()).select_from(IdempotencyRecord)) or 0


def _create(server: LiveServer, key: str, idempotency_key: str) -> str:
    with server.http(key) as http:
        response = http.post(
            "/v1/videos",
            data={"prompt": "bars", "model": "testcard"},
            headers={"Idempotency-Key": idempotency_key},
        )
    assert response.status_code == 200, response.text
    return str(response.json()["id"])


def test_deleting_an_account_deletes_its_idempotency_records_and_no_one_elses(server: LiveServer) -> None:
    gone_key, kept_key = server.user("gone"), server.user("kept")
    gone = _user_id(server, "gone")
    _create(server, gone_key, "retry-1")
    _create(server, gone_key, "retry-2")
    kept_video = _create(server, kept_key, "retry-1")  # the same Idempotency-Key, another caller
    with server.runtime.db.write_session() as session:
        user = session.get_one(User, gone)
        browser = open_session(session, user, ttl_s=3600)
    with server.http() as http:
        http.cookies.set(COOKIE_NAME, browser.token)
        # Recorded by the middleware whatever the route answers (here: no CSRF token, a final 4xx).
        http.post("/v1/videos", data={"prompt": "bars"}, headers={"Idempotency-Key": "from-the-browser"})
    assert _records(server) == 4

    delete_account(server.runtime, gone)

    assert _records(server) == 1
    with server.http(kept_key) as http:
        again = http.post(
            "/v1/videos", data={"prompt": "bars", "model": "testcard"}, headers={"Idempotency-Key": "retry-1"}
        )
    assert (again.json()["id"], again.headers["idempotent-replayed"]) == (kept_video, "true")
