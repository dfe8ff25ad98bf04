"""Helpers for the social API tests: members who signed up through the API and hold a browser session.

`join(server)` signs a new member up with a fresh invite code and returns a `Member` whose `http` client
carries the session cookie and sends the session's CSRF token on every request, as the web app does. Anonymous
visitors are `server.http()`; admins use a Bearer key (`server.user(admin=True)`).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

import httpx

from live_server import LiveServer
from mutoscope.server.accounts.invites import new_code
from mutoscope.server.accounts.models import InviteCode

PASSWORD = "correct horse battery staple"
ADULT_BIRTHDAY = "1990-05-17"


@dataclass
class Member:
    handle: str
    user_id: str
    email: str
    csrf: str
    http: httpx.Client  # session cookie + X-CSRF-Token

    def bare(self) -> httpx.Client:
        """The same session cookie without the CSRF header (what a cross-site form post would carry)."""
        return httpx.Client(base_url=str(self.http.base_url), cookies=self.http.cookies, timeout=60)


def years_ago(years: int, *, days: int = 0) -> str:
    """A birthday `years` years before today (UTC), shifted by `days` (positive: later)."""
    from datetime import timedelta

    from mutoscope.server.accounts.age import today_utc

    today = today_utc()
    try:
        born = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        born = date(today.year - years, 3, 1)
    return (born + timedelta(days=days)).isoformat()


def fresh_handle(prefix: str = "m") -> str:
    return f"{prefix}{secrets.token_hex(5)}"


def invite_code(server: LiveServer) -> str:
    """An owner-less, unreserved invite code (as if from a member who has since gone)."""
    code = new_code()
    with server.runtime.db.write_session() as session:
        session.add(InviteCode(code=code))
    return code


def signup_body(**overrides: object) -> dict[str, object]:
    handle = fresh_handle()
    body: dict[str, object] = {
        "handle": handle,
        "email": f"{handle}@example.com",
        "password": PASSWORD,
        "birthday": ADULT_BIRTHDAY,
    }
    body.update(overrides)
    return body


def join(server: LiveServer, *, birthday: str = ADULT_BIRTHDAY, code: str | None = None) -> Member:
    body = signup_body(birthday=birthday, invite_code=code or invite_code(server))
    http = server.http()
    response = http.post("/api/auth/signup", json=body)
    assert response.status_code == 201, response.text
    user = response.json()["user"]
    http.headers["X-CSRF-Token"] = user["csrf_token"]
    return Member(
        handle=user["handle"], user_id=user["id"], email=user["email"], csrf=user["csrf_token"], http=http
    )


def admin_http(server: LiveServer) -> httpx.Client:
    return server.http(server.user(fresh_handle("adm"), admin=True))
