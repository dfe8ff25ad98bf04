"""The authorization matrix: every route in the app's route table × {anonymous, other user, teen, admin}.

`ACCESS` below is the documented access of each route (docs/architecture.md, "The service"): who may reach it at
all. The test walks the live route table, so a route added without a row here fails the test, and so does a
row whose route is gone. Path parameters name another user's handle (the "owner") or ids that do not exist, so
what is measured is the gate in front of each route, not the resource rules behind it:

- public: nobody is refused (no 401/403; pages may still answer 404 for a missing id);
- user: anonymous → 401 (pages: a redirect to /signin), every signed-in user passes;
- adult: like user, but a teen account gets 403;
- owner: anonymous → 401, another user and a teen → 403, an admin passes (the owner's own resource by handle);
- admin: anonymous → 401, other user and teen → 403, admin passes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from fastapi.routing import _iter_routes_with_context

from live_server import LiveServer, live_server, server_settings
from mutoscope.server.accounts.models import User
from mutoscope.server.accounts.service import ensure_user, issue_key
from reliability_support import report

pytestmark = [pytest.mark.services, pytest.mark.slow]
ROLES = ("anonymous", "other", "teen", "admin")
REFUSED = {401, 403}

ACCESS: dict[str, str] = {
    "DELETE /api/admin/safety/rules/{rule_id}": "admin",
    "DELETE /api/characters/{character_id}": "user",
    "DELETE /api/characters/{character_id}/approvals/{handle}": "user",
    "DELETE /api/characters/{character_id}/videos/{video_id}": "user",
    "DELETE /api/comments/{comment_id}": "user",
    "DELETE /api/me": "user",
    "DELETE /api/me/keys/{key_id}": "user",
    "DELETE /api/posts/{post_id}": "user",
    "DELETE /api/posts/{post_id}/like": "user",
    "DELETE /api/profiles/{handle}/block": "user",
    "DELETE /api/profiles/{handle}/follow": "user",
    "DELETE /v1/videos/{video_id}": "user",
    "DELETE /v1/webhook_endpoints/{endpoint_id}": "user",
    "GET /": "user",
    "GET /@{handle}": "public",
    "GET /admin": "admin",
    "GET /api/admin/appeals": "admin",
    "GET /api/admin/audit": "admin",
    "GET /api/admin/decisions": "admin",
    "GET /api/admin/reviews": "admin",
    "GET /api/admin/safety/rules": "admin",
    "GET /api/admin/signups": "admin",
    "GET /api/admin/takedowns": "admin",
    "GET /api/admin/waitlist": "admin",
    "GET /api/appeals": "user",
    "GET /api/characters": "user",
    "GET /api/characters/decisions": "user",
    "GET /api/characters/{character_id}": "user",
    "GET /api/characters/{character_id}/approvals": "user",
    "GET /api/characters/{character_id}/videos": "user",
    "GET /api/characters/{character_id}/videos/{video_id}/content": "user",
    "GET /api/conversations": "user",
    "GET /api/drafts": "user",
    "GET /api/feed/following": "user",
    "GET /api/feed/for-you": "user",
    "GET /api/me": "user",
    "GET /api/me/blocks": "user",
    "GET /api/me/export.zip": "user",
    "GET /api/me/invites": "user",
    "GET /api/me/keys": "user",
    "GET /api/me/moderation": "user",
    "GET /api/messages/{handle}": "user",
    "GET /api/notifications": "user",
    "GET /api/posts/{post_id}": "public",
    "GET /api/posts/{post_id}/comments": "public",
    "GET /api/posts/{post_id}/remixes": "public",
    "GET /api/posts/{post_id}/thumbnail": "public",
    "GET /api/posts/{post_id}/video": "public",
    "GET /api/profiles/{handle}": "public",
    "GET /api/profiles/{handle}/avatar": "public",
    "GET /api/profiles/{handle}/followers": "public",
    "GET /api/profiles/{handle}/following": "public",
    "GET /api/profiles/{handle}/mutuals": "public",
    "GET /api/profiles/{handle}/posts": "public",
    "GET /api/users/{handle}/posts": "public",
    "GET /api/videos/{video_id}/subtitles.vtt": "public",
    "GET /characters": "user",
    "GET /characters/new": "user",
    "GET /characters/{character_id}": "user",
    "GET /create": "user",
    "GET /docs": "public",
    "GET /docs/oauth2-redirect": "public",
    "GET /drafts": "user",
    "GET /feed/page": "user",
    "GET /healthz": "public",
    "GET /notifications": "user",
    "GET /openapi.json": "public",
    "GET /p/{post_id}": "public",
    "GET /readyz": "public",
    "GET /redoc": "public",
    "GET /settings": "user",
    "GET /signin": "public",
    "GET /signup": "public",
    "GET /static": "public",
    "GET /storyboard": "user",
    "GET /v1/videos": "user",
    "GET /v1/videos/characters/{character_id}": "user",
    "GET /v1/videos/{video_id}": "user",
    "GET /v1/videos/{video_id}/content": "user",
    "GET /v1/videos/{video_id}/events": "user",
    "GET /v1/webhook_endpoints": "user",
    "GET /v1/webhook_endpoints/{endpoint_id}/deliveries": "user",
    "GET /videos/{video_id}": "user",
    "PATCH /api/characters/{character_id}": "user",
    "PATCH /api/profiles/{handle}": "owner",
    "POST /api/admin/appeals/{appeal_id}/decide": "admin",
    "POST /api/admin/reviews/{item_id}/decide": "admin",
    "POST /api/admin/safety/rules": "admin",
    "POST /api/admin/signups": "admin",
    "POST /api/admin/takedowns": "admin",
    "POST /api/admin/takedowns/{takedown_id}/restore": "admin",
    "POST /api/admin/waitlist/{entry_id}/admit": "admin",
    "POST /api/appeals": "user",
    "POST /api/auth/login": "public",
    "POST /api/auth/logout": "public",
    "POST /api/auth/signup": "public",
    "POST /api/characters": "user",
    "POST /api/characters/challenges": "user",
    "POST /api/characters/person": "user",
    "POST /api/feed/views": "user",
    "POST /api/me/export": "user",
    "POST /api/me/keys": "user",
    "POST /api/messages": "user",
    "POST /api/messages/{handle}/read": "user",
    "POST /api/notifications/read": "user",
    "POST /api/posts": "user",
    "POST /api/posts/{post_id}/comments": "user",
    "POST /api/posts/{post_id}/like": "user",
    "POST /api/posts/{post_id}/remix": "user",
    "POST /api/profiles/{handle}/block": "user",
    "POST /api/profiles/{handle}/follow": "user",
    "POST /api/reports": "user",
    "POST /v1/content_provenance_checks": "user",
    "POST /v1/videos": "user",
    "POST /v1/videos/characters": "user",
    "POST /v1/videos/edits": "user",
    "POST /v1/videos/extensions": "user",
    "POST /v1/videos/{video_id}/cancel": "user",
    "POST /v1/videos/{video_id}/remix": "user",
    "POST /v1/webhook_endpoints": "user",
    "PUT /api/characters/{character_id}/approvals/{handle}": "user",
}
# What each class looks like from the four roles (the owner is never one of them: an owner route refuses
# every non-admin role just as an admin route does).
PATTERN = {"public": "public", "user": "user", "adult": "adult", "owner": "admin", "admin": "admin"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(server_settings(tmp_path_factory.mktemp("access")), workers=0) as running:
        yield running


def route_table(app: Any) -> list[tuple[str, str]]:
    """(METHOD, path) for every route the app serves, included routers flattened (HEAD left out)."""
    table: set[tuple[str, str]] = set()
    for route, context in _iter_routes_with_context(app.routes):
        path = context.path if context is not None and context.path else getattr(route, "path", "")
        methods = getattr(route, "methods", None) or {"GET"}
        table.update((method, path) for method in methods if method != "HEAD")
    return sorted(table)


def _users(server: LiveServer) -> tuple[str, dict[str, str | None]]:
    keys: dict[str, str | None] = {"anonymous": None}
    with server.runtime.db.write_session() as session:
        owner = ensure_user(session, f"own{_next()}")
        for role in ("other", "teen", "admin"):
            user = ensure_user(session, f"{role[:3]}{_next()}", is_admin=role == "admin")
            if role == "teen":
                session.get(User, user.id).birthday = date(date.today().year - 15, 1, 1)  # type: ignore[union-attr]
            keys[role] = issue_key(session, user).secret
        handle = owner.handle
    return handle, keys


_counter = iter(range(1_000_000))


def _next() -> str:
    return f"{next(_counter):06d}"


def _fill(path: str, owner: str) -> str:
    path = path.replace("{handle}", owner)
    return re.sub(r"\{[^}]+\}", "zz_missing_0", path)


def _classify(statuses: dict[str, int], location: str) -> str:
    anonymous_refused = statuses["anonymous"] in REFUSED or (
        statuses["anonymous"] in (302, 303, 307) and "signin" in location
    )
    refused = {role for role in ("other", "teen", "admin") if statuses[role] in REFUSED}
    if not anonymous_refused and not refused:
        return "public"
    if anonymous_refused and not refused:
        return "user"
    if anonymous_refused and refused == {"teen"}:
        return "adult"
    if anonymous_refused and refused == {"other", "teen"}:
        return "admin"
    return f"unexpected:{statuses}"


def test_every_route_grants_exactly_the_documented_access(server: LiveServer) -> None:
    table = route_table(server.app)
    observed: dict[str, str] = {}
    for method, path in table:
        owner, keys = _users(server)
        url = "/static/app.css" if path == "/static" else _fill(path, owner)
        statuses: dict[str, int] = {}
        location = ""
        for role in ROLES:
            with server.http(keys[role]) as http:
                response = http.request(method, url, follow_redirects=False)
            statuses[role] = response.status_code
            if role == "anonymous":
                location = response.headers.get("location", "")
            assert response.status_code < 500, (method, path, role, response.text[:300])
        observed[f"{method} {path}"] = _classify(statuses, location)
    counts: dict[str, int] = {}
    for kind in observed.values():
        counts[kind] = counts.get(kind, 0) + 1
    report("authorization_matrix", routes=len(table), requests=len(table) * len(ROLES), classes=counts)
    for key, kind in sorted(observed.items()):
        if key not in ACCESS or PATTERN[ACCESS[key]] != kind:
            print(f"    {key!r}: {kind!r},")  # a row to review and add to ACCESS
    assert set(observed) == set(ACCESS), {
        "unlisted": sorted(set(observed) - set(ACCESS)),
        "gone": sorted(set(ACCESS) - set(observed)),
    }
    mismatches = {key: (ACCESS[key], kind) for key, kind in observed.items() if PATTERN[ACCESS[key]] != kind}
    assert mismatches == {}
