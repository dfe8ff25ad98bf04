"""Accounts of the social app on a live server: sign-up with invite codes or the waitlist, sessions and CSRF,
teen accounts, login rate limits, account deletion, the admin's sign-up controls and `mutoscope users`.

Everything is measured from what a client receives (statuses, bodies, cookies) and from what is left in the
database and blob store. SQLite by default; the module runs again on PostgreSQL under `services`.
"""

from __future__ import annotations

import io
import threading
import time
import warnings
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from PIL import Image
from sqlalchemy import String, Text, func, or_, select, update
from typer.testing import CliRunner

from live_server import LiveServer, live_server, reset_database, server_settings
from mutoscope.cli.main import app as cli_app
from mutoscope.db import utcnow
from mutoscope.ids import new_id
from mutoscope.server.accounts.models import InviteCode, LoginSession, User
from mutoscope.server.accounts.service import issue_key
from mutoscope.server.feed.models import ViewEvent
from mutoscope.server.posts.models import Comment, Like, Post, Report
from mutoscope.server.tables import metadata
from social_support import (
    ADULT_BIRTHDAY,
    PASSWORD,
    admin_http,
    invite_code,
    join,
    signup_body,
    years_ago,
)

warnings.filterwarnings("ignore", category=DeprecationWarning)  # the SDK marks the Videos API deprecated
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
# Cheap password hashes and no login throttling for the shared server; the CLI test uses the real defaults.
FAST_ACCOUNTS = {"login_attempts_per_minute": 1000, "password_time_cost": 1, "password_memory_kib": 64}


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.services)])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    url = None
    if request.param == "postgresql":
        url = request.getfixturevalue("pg_url")
        reset_database(url)
    settings = server_settings(tmp_path_factory.mktemp("var"), url, accounts=FAST_ACCOUNTS)
    with live_server(settings) as live:
        yield live


@pytest.fixture
def closed(server: LiveServer) -> Iterator[httpx.Client]:
    """An admin client, with sign-ups closed for the test (and closed again after it)."""
    with admin_http(server) as admin:
        assert admin.post("/api/admin/signups", json={"open": False}).json() == {"open": False}
        yield admin
        admin.post("/api/admin/signups", json={"open": False})


def _user_count(server: LiveServer) -> int:
    with server.runtime.db.session() as session:
        return session.scalar(select(func.count()).select_from(User)) or 0


# -- sign-up, invites, waitlist ------------------------------------------------------------------------------


def test_signup_with_an_invite_code_opens_a_session_with_a_locked_down_cookie(
    server: LiveServer, closed: httpx.Client
) -> None:
    body = signup_body(invite_code=invite_code(server), display_name="Ada L.")
    with server.http() as browser:
        response = browser.post("/api/auth/signup", json=body)
        assert response.status_code == 201, response.text
        cookie = response.headers["set-cookie"]
        attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
        assert cookie.startswith("mutoscope_session=")
        assert {"httponly", "path", "max-age"} <= attributes and "secure" not in attributes
        assert "samesite=lax" in cookie.lower()
        assert f"max-age={30 * 24 * 3600}" in cookie.lower()
        user = response.json()["user"]
        assert (user["handle"], user["display_name"], user["is_teen"], user["is_admin"]) == (
            body["handle"],
            "Ada L.",
            False,
            False,
        )
        me = browser.get("/api/me")  # the cookie alone authenticates a read
        assert me.status_code == 200 and me.json()["id"] == user["id"]
        assert me.json()["csrf_token"] == user["csrf_token"]
    token = cookie.split(";")[0].split("=", 1)[1]
    with server.runtime.db.session() as session:
        stored = session.scalars(select(LoginSession).where(LoginSession.user_id == user["id"])).one()
        assert stored.token_sha256 != token and token not in stored.token_sha256  # only a hash is kept
        assert stored.csrf_token == user["csrf_token"]


def test_a_session_cookie_is_secure_when_the_request_came_over_https(server: LiveServer) -> None:
    member = join(server)
    with server.http() as browser:
        # uvicorn trusts X-Forwarded-Proto from the loopback proxy, as behind a TLS-terminating proxy.
        response = browser.post(
            "/api/auth/login",
            json={"login": member.handle, "password": PASSWORD},
            headers={"x-forwarded-proto": "https"},
        )
    assert response.status_code == 200
    assert "secure" in {part.strip().lower() for part in response.headers["set-cookie"].split(";")}


def test_each_member_gets_exactly_four_single_use_invite_codes(
    server: LiveServer, closed: httpx.Client
) -> None:
    host = join(server)
    invites = host.http.get("/api/me/invites").json()
    assert len(invites["data"]) == 4 and invites["remaining"] == 4
    codes = [item["code"] for item in invites["data"]]
    assert len(set(codes)) == 4
    joined = []
    for code in codes:
        body = signup_body(invite_code=code.lower()[:5] + "-" + code.lower()[5:])  # typed casually
        response = server.http().post("/api/auth/signup", json=body)
        assert response.status_code == 201, response.text
        joined.append(body["handle"])
    again = host.http.get("/api/me/invites").json()
    assert len(again["data"]) == 4 and again["remaining"] == 0  # no fifth code appears
    assert sorted(item["used_by"] for item in again["data"]) == sorted(joined)
    for code in codes:  # each is spent: with sign-ups closed, reusing one lands on the waitlist
        response = server.http().post("/api/auth/signup", json=signup_body(invite_code=code))
        assert response.status_code == 202 and response.json()["reason"] == "used"
    with server.runtime.db.session() as session:
        owned = session.scalar(
            select(func.count()).select_from(InviteCode).where(InviteCode.owner_id == host.user_id)
        )
    assert owned == 4


def test_a_code_raced_by_two_sign_ups_admits_exactly_one(server: LiveServer, closed: httpx.Client) -> None:
    code = invite_code(server)
    results: list[int] = []
    barrier = threading.Barrier(4)

    def attempt() -> None:
        with server.http() as browser:
            barrier.wait()
            results.append(browser.post("/api/auth/signup", json=signup_body(invite_code=code)).status_code)

    threads = [threading.Thread(target=attempt) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 4 and results.count(201) == 1
    # The others are told the code was just used (409), or, if they looked after it was spent, waitlisted.
    assert set(results) - {201} <= {409, 202}


def test_the_inviter_is_told_when_their_invite_is_accepted(server: LiveServer, closed: httpx.Client) -> None:
    from mutoscope.server.notifications.models import Notification

    host = join(server)
    code = host.http.get("/api/me/invites").json()["data"][0]["code"]
    guest = join(server, code=code)
    with server.runtime.db.session() as session:
        told = session.scalars(select(Notification).where(Notification.user_id == host.user_id)).all()
    assert [(n.kind, n.actor_id) for n in told] == [("invite_accepted", guest.user_id)]


def test_waitlist_then_admit_then_sign_up(server: LiveServer, closed: httpx.Client) -> None:
    body = signup_body()
    response = server.http().post("/api/auth/signup", json=body)
    assert response.status_code == 202, response.text
    assert response.json()["status"] == "waitlisted" and response.json()["reason"] == "missing"
    assert "set-cookie" not in response.headers
    entry_id = response.json()["waitlist_id"]
    again = server.http().post("/api/auth/signup", json=body)  # asking twice keeps one place in line
    assert again.status_code == 202 and again.json()["waitlist_id"] == entry_id
    with server.runtime.db.session() as session:
        assert session.scalar(select(User).where(User.email == body["email"])) is None

    waiting = _all_waitlist(closed, "waiting")
    assert [(e["id"], e["email"], e["handle"]) for e in waiting if e["id"] == entry_id] == [
        (entry_id, body["email"], body["handle"])
    ]
    admitted = closed.post(f"/api/admin/waitlist/{entry_id}/admit")
    assert admitted.status_code == 200, admitted.text
    code = admitted.json()["invite_code"]
    assert admitted.json()["admitted_at"] is not None
    assert closed.post(f"/api/admin/waitlist/{entry_id}/admit").json()["invite_code"] == code  # idempotent
    assert entry_id not in {e["id"] for e in _all_waitlist(closed, "waiting")}
    assert entry_id in {e["id"] for e in _all_waitlist(closed, "admitted")}

    stranger = server.http().post("/api/auth/signup", json=signup_body(invite_code=code))
    assert stranger.status_code == 202 and stranger.json()["reason"] == "reserved"  # the code is theirs alone
    joined = server.http().post("/api/auth/signup", json={**body, "invite_code": code})
    assert joined.status_code == 201, joined.text
    assert entry_id not in {e["id"] for e in _all_waitlist(closed, "all")}  # their entry is gone
    assert closed.post(f"/api/admin/waitlist/{entry_id}/admit").status_code == 404


def _all_waitlist(admin: httpx.Client, status: str) -> list[dict[str, object]]:
    entries: list[dict[str, object]] = []
    after = None
    while True:
        params: dict[str, str | int] = {"status": status, "limit": 2}
        if after:
            params["after"] = after
        page = admin.get("/api/admin/waitlist", params=params)
        assert page.status_code == 200, page.text
        entries += page.json()["data"]
        if not page.json()["has_more"]:
            return entries
        after = page.json()["last_id"]


def test_an_admin_can_open_and_close_sign_ups(server: LiveServer, closed: httpx.Client) -> None:
    assert closed.get("/api/admin/signups").json() == {"open": False}
    assert closed.post("/api/admin/signups", json={"open": True}).json() == {"open": True}
    assert closed.get("/api/admin/signups").json() == {"open": True}
    free = server.http().post("/api/auth/signup", json=signup_body())
    assert free.status_code == 201, free.text
    bad_code = server.http().post("/api/auth/signup", json=signup_body(invite_code="NOTACODE22"))
    assert bad_code.status_code == 400 and bad_code.json()["param"] == "invite_code"
    assert closed.post("/api/admin/signups", json={"open": False}).json() == {"open": False}
    assert server.http().post("/api/auth/signup", json=signup_body()).status_code == 202
    wrong = closed.post("/api/admin/signups", json={"open": "perhaps"})
    assert wrong.status_code == 400 and wrong.json()["param"] == "open"


# -- teens ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("birthday", "is_teen"),
    [
        (years_ago(13), True),  # 13 today: may join, as a teen
        (years_ago(17), True),
        (years_ago(18, days=1), True),  # 18 tomorrow
        (years_ago(18), False),  # 18 today
        (ADULT_BIRTHDAY, False),
    ],
)
def test_a_birthday_under_18_makes_a_teen_account(server: LiveServer, birthday: str, is_teen: bool) -> None:
    member = join(server, birthday=birthday)
    assert member.http.get("/api/me").json()["is_teen"] is is_teen


@pytest.mark.parametrize("birthday", [years_ago(13, days=1), years_ago(9), "2999-01-01"])
def test_under_13_cannot_sign_up(server: LiveServer, birthday: str) -> None:
    before = _user_count(server)
    response = server.http().post(
        "/api/auth/signup", json=signup_body(birthday=birthday, invite_code=invite_code(server))
    )
    assert response.status_code == 400
    assert response.json()["param"] == "birthday"
    assert _user_count(server) == before


# -- bad input -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "param", "status"),
    [
        ({"password": "x" * 9}, "password", 400),
        ({"password": "é" * 2049}, "password", 400),  # 4098 bytes
        ({"password": None}, "password", 400),
        ({"email": "not-an-email"}, "email", 400),
        ({"handle": "Bad Handle!"}, "handle", 400),
        ({"handle": "admin"}, "handle", 400),
        ({"birthday": "17/05/1990"}, "birthday", 400),
        ({"birthday": "1990-02-30"}, "birthday", 400),
        ({"display_name": "x" * 81}, "display_name", 400),
        ({"favourite_colour": "teal"}, "favourite_colour", 400),
    ],
)
def test_bad_sign_ups_are_refused_naming_the_field_and_write_nothing(
    server: LiveServer, change: dict[str, object], param: str, status: int
) -> None:
    body = signup_body(invite_code=invite_code(server))
    body.update(change)
    body = {k: v for k, v in body.items() if v is not None}
    before = _user_count(server)
    response = server.http().post("/api/auth/signup", json=body)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["param"] == param and response.json()["detail"]
    assert _user_count(server) == before


def test_a_missing_field_or_a_non_json_body_is_a_clear_400(server: LiveServer) -> None:
    body = signup_body()
    del body["birthday"]
    missing = server.http().post("/api/auth/signup", json=body)
    assert missing.status_code == 400 and missing.json()["param"] == "birthday"
    garbage = server.http().post(
        "/api/auth/signup", content=b"{nope", headers={"content-type": "application/json"}
    )
    assert garbage.status_code == 400 and "JSON" in garbage.json()["detail"]


def test_taken_handles_and_emails_are_conflicts(server: LiveServer) -> None:
    member = join(server)
    taken = server.http().post(
        "/api/auth/signup", json=signup_body(handle=member.handle.upper(), invite_code=invite_code(server))
    )
    assert taken.status_code == 409 and taken.json()["param"] == "handle"
    same_email = server.http().post(
        "/api/auth/signup", json=signup_body(email=member.email.upper(), invite_code=invite_code(server))
    )
    assert same_email.status_code == 409 and same_email.json()["param"] == "email"


def test_a_long_passphrase_up_to_4_kib_works(server: LiveServer) -> None:
    passphrase = "a long passphrase; " * 53  # 1007 characters, well past 1 KiB in UTF-8 with the ü
    passphrase += "ü" * 20
    assert len(passphrase.encode()) > 1024
    body = signup_body(password=passphrase, invite_code=invite_code(server))
    assert server.http().post("/api/auth/signup", json=body).status_code == 201
    login = server.http().post("/api/auth/login", json={"login": body["email"], "password": passphrase})
    assert login.status_code == 200


# -- sign-in, sessions, CSRF ---------------------------------------------------------------------------------


def test_login_by_handle_or_email_and_wrong_passwords_get_one_answer(server: LiveServer) -> None:
    member = join(server)
    for login in (member.handle, "@" + member.handle.upper(), member.email):
        response = server.http().post("/api/auth/login", json={"login": login, "password": PASSWORD})
        assert response.status_code == 200, (login, response.text)
        assert response.json()["id"] == member.user_id and response.json()["csrf_token"]
    wrong = server.http().post("/api/auth/login", json={"login": member.handle, "password": PASSWORD + "!"})
    unknown = server.http().post("/api/auth/login", json={"login": "nobody-here", "password": PASSWORD})
    api_only = server.user()  # made by `keys create`: no password, cannot sign in
    handle = next(h for h, k in server.keys.items() if k == api_only)
    no_password = server.http().post("/api/auth/login", json={"login": handle, "password": PASSWORD})
    for response in (wrong, unknown, no_password):
        assert response.status_code == 401
        assert response.json()["detail"] == wrong.json()["detail"] and "set-cookie" not in response.headers
    missing = server.http().post("/api/auth/login", json={"password": PASSWORD})
    assert missing.status_code == 400 and missing.json()["param"] == "login"


def test_login_attempts_are_rate_limited_per_account_and_address(tmp_path: Path) -> None:
    settings = server_settings(tmp_path, accounts={**FAST_ACCOUNTS, "login_attempts_per_minute": 3})
    with live_server(settings, workers=0) as live:
        target, other = join(live), join(live)
        # Handle and email name the same account: switching between them buys no extra guesses.
        statuses = [
            live.http()
            .post("/api/auth/login", json={"login": login, "password": "wrong password!"})
            .status_code
            for login in (target.handle, target.email, target.handle)
        ]
        assert statuses == [401, 401, 401]
        refused = live.http().post("/api/auth/login", json={"login": target.handle, "password": PASSWORD})
        assert refused.status_code == 429  # even the right password waits now
        assert int(refused.headers["retry-after"]) >= 1
        other_account = live.http().post(
            "/api/auth/login", json={"login": other.handle, "password": PASSWORD}
        )
        assert other_account.status_code == 200
        # The same account from another address (uvicorn takes it from the trusted loopback proxy's header).
        elsewhere = live.http().post(
            "/api/auth/login",
            json={"login": target.handle, "password": PASSWORD},
            headers={"x-forwarded-for": "203.0.113.7"},
        )
        assert elsewhere.status_code == 200


def test_unsafe_cookie_requests_need_the_csrf_token(server: LiveServer) -> None:
    member, target = join(server), join(server)
    path = f"/api/profiles/{target.handle}/follow"
    with member.bare() as bare:
        missing = bare.post(path)
        assert missing.status_code == 403 and missing.json()["code"] == "csrf_token_invalid"
        wrong = bare.post(path, headers={"X-CSRF-Token": member.csrf[:-1] + "x"})
        assert wrong.status_code == 403
        other = bare.post(path, headers={"X-CSRF-Token": target.csrf})  # another session's token
        assert other.status_code == 403
        patch = bare.patch(f"/api/profiles/{member.handle}", json={"bio": "hacked"})
        assert patch.status_code == 403
        delete = bare.delete("/api/me")
        assert delete.status_code == 403
        assert bare.get("/api/me").status_code == 200  # reads need no token
        assert target.http.get(f"/api/profiles/{target.handle}").json()["follower_count"] == 0
        assert bare.get(f"/api/profiles/{member.handle}").json()["bio"] == ""
        # An HTML form post carries the token as a field instead.
        form = bare.patch(
            f"/api/profiles/{member.handle}", data={"bio": "from a form", "csrf_token": member.csrf}
        )
        assert form.status_code == 200, form.text
        assert form.json()["bio"] == "from a form"
        form_follow = bare.post(path, data={"csrf_token": member.csrf})
        assert form_follow.status_code == 200 and form_follow.json()["following"] is True
    key = _key_for(server, member.user_id)
    with server.http(key) as api:  # Bearer keys need no CSRF token
        assert api.delete(path).status_code == 200


def test_browsers_signed_in_as_different_people_never_share_idempotent_replays(server: LiveServer) -> None:
    """The session cookie also works on /v1; an Idempotency-Key is scoped to the session, not shared."""
    first, second = join(server), join(server)
    body = {"prompt": "bars", "model": "testcard", "seconds": "4"}
    headers = {"Idempotency-Key": "same-key-for-both"}
    mine = first.http.post("/v1/videos", json=body, headers=headers)
    theirs = second.http.post("/v1/videos", json=body, headers=headers)
    assert mine.status_code == theirs.status_code == 200, theirs.text
    assert "idempotent-replayed" not in theirs.headers and theirs.json()["id"] != mine.json()["id"]
    assert server.http().post("/v1/videos", json=body, headers=headers).status_code == 401
    deadline = time.monotonic() + 10
    while (retry := first.http.post("/v1/videos", json=body, headers=headers)).status_code == 409:
        assert time.monotonic() < deadline, retry.text  # the first response's record is still being stored
        time.sleep(0.05)
    assert retry.headers.get("idempotent-replayed") == "true" and retry.json()["id"] == mine.json()["id"]


def _key_for(server: LiveServer, user_id: str) -> str:
    with server.runtime.db.write_session() as session:
        user = session.get(User, user_id)
        assert user is not None
        return issue_key(session, user).secret


def test_an_expired_session_is_refused_and_counts_as_anonymous_where_allowed(server: LiveServer) -> None:
    member = join(server)
    assert member.http.get("/api/me").status_code == 200
    with server.runtime.db.write_session() as session:
        session.execute(
            update(LoginSession)
            .where(LoginSession.user_id == member.user_id)
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    expired = member.http.get("/api/me")
    assert expired.status_code == 401 and expired.json()["code"] == "session_expired"
    profile = member.http.get(f"/api/profiles/{member.handle}")
    assert profile.status_code == 200 and profile.json()["is_me"] is False  # read as an anonymous visitor
    assert member.http.post(f"/api/profiles/{member.handle}/block").status_code == 401


def test_logout_ends_the_session_and_login_replaces_an_existing_one(server: LiveServer) -> None:
    member = join(server)
    old_token = member.http.cookies["mutoscope_session"]
    relogin = member.http.post("/api/auth/login", json={"login": member.handle, "password": PASSWORD})
    assert relogin.status_code == 200
    new_token = member.http.cookies["mutoscope_session"]
    assert new_token != old_token
    with httpx.Client(base_url=server.base_url, cookies={"mutoscope_session": old_token}) as replay:
        assert replay.get("/api/me").status_code == 401  # the pre-login session is gone (no fixation)
    member.http.headers["X-CSRF-Token"] = relogin.json()["csrf_token"]
    with member.bare() as bare:
        assert bare.post("/api/auth/logout").status_code == 403  # logging someone out needs the token too
    out = member.http.post("/api/auth/logout")
    assert out.status_code == 204
    assert "max-age=0" in out.headers["set-cookie"].lower()
    with httpx.Client(base_url=server.base_url, cookies={"mutoscope_session": new_token}) as replay:
        assert replay.get("/api/me").status_code == 401
    assert server.http().post("/api/auth/logout").status_code == 204  # signing out twice is fine


# -- account deletion ----------------------------------------------------------------------------------------


def _rows_mentioning(server: LiveServer, values: set[str]) -> dict[str, int]:
    """For every table, how many rows hold one of `values` in any text column."""
    counts: dict[str, int] = {}
    with server.runtime.db.session() as session:
        for table in metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, String | Text)]
            if not columns:
                continue
            condition = or_(*(column.in_(sorted(values)) for column in columns))
            count = session.scalar(select(func.count()).select_from(table).where(condition)) or 0
            if count:
                counts[table.name] = count
    return counts


def _blob_keys(server: LiveServer, prefixes: list[str]) -> list[str]:
    return [key for prefix in prefixes for key in server.runtime.blobs.list_keys(prefix)]


def _png(color: tuple[int, int, int], size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


@pytest.mark.slow  # it generates two videos
def test_deleting_an_account_leaves_no_row_and_no_blob_of_it(server: LiveServer) -> None:
    member, friend = join(server), join(server)
    key = _key_for(server, member.user_id)
    friend_key = _key_for(server, friend.user_id)
    client = server.client(key)
    video = client.videos.create_and_poll(prompt="bars", model="testcard", seconds="4")
    assert video.status == "completed"
    clip = client.videos.download_content(video.id).read()
    character = server.http(key).post(
        "/v1/videos/characters",
        files={"video": ("c.mp4", clip, "video/mp4")},
        data={"name": "Rex", "kind": "pet"},
    )
    assert character.status_code == 200, character.text
    friend_video = server.client(friend_key).videos.create_and_poll(
        prompt="bars", model="testcard", seconds="4"
    )
    hook = server.http(key).post("/v1/webhook_endpoints", json={"url": "https://hooks.example/hook"})
    assert hook.status_code == 200, hook.text
    avatar = member.http.patch(
        f"/api/profiles/{member.handle}", files={"avatar": ("a.png", _png((200, 10, 10)))}
    )
    assert avatar.status_code == 200, avatar.text
    assert member.http.post(f"/api/profiles/{friend.handle}/follow").status_code == 200
    assert friend.http.post(f"/api/profiles/{member.handle}/follow").status_code == 200
    third = join(server)
    assert member.http.post(f"/api/profiles/{third.handle}/block").status_code == 200
    guest = join(server, code=member.http.get("/api/me/invites").json()["data"][0]["code"])
    with server.runtime.db.write_session() as session:  # posts and engagement, as the posts API would write
        mine = Post(id=new_id("post"), video_id=video.id, author_id=member.user_id, caption="mine")
        theirs = Post(
            id=new_id("post"),
            video_id=friend_video.id,
            author_id=friend.user_id,
            like_count=1,
            comment_count=2,
        )
        session.add_all([mine, theirs])
        session.flush()
        session.add_all(
            [
                Like(user_id=member.user_id, post_id=theirs.id),
                Like(user_id=friend.user_id, post_id=mine.id),
                Comment(id=new_id("cmt"), post_id=theirs.id, author_id=member.user_id, body="nice"),
                Comment(id=new_id("cmt"), post_id=theirs.id, author_id=friend.user_id, body="thanks"),
                Comment(id=new_id("cmt"), post_id=mine.id, author_id=friend.user_id, body="cool"),
                ViewEvent(user_id=member.user_id, post_id=theirs.id, watched_ms=900),
                Report(
                    id=new_id("rpt"),
                    reporter_id=member.user_id,
                    target_type="post",
                    target_id=theirs.id,
                    reason="x",
                ),
            ]
        )
        mine_id, theirs_id = mine.id, theirs.id
    owned = {member.user_id, member.email, video.id, character.json()["id"], mine_id, hook.json()["id"]}
    prefixes = [f"videos/{video.id}/", f"characters/{character.json()['id']}/", f"users/{member.user_id}/"]
    before = _rows_mentioning(server, owned)
    expected_tables = {
        "users", "api_keys", "sessions", "invite_codes", "videos", "jobs", "characters", "posts", "likes",
        "comments", "follows", "blocks", "view_events", "reports", "webhook_endpoints", "notifications",
    }  # fmt: skip
    assert expected_tables <= set(before), before
    blobs_before = _blob_keys(server, prefixes)
    assert any(k.startswith("videos/") for k in blobs_before) and any(
        k.startswith("users/") for k in blobs_before
    )
    assert any(k.startswith("characters/") for k in blobs_before)
    friend_blobs = server.runtime.blobs.list_keys(f"videos/{friend_video.id}/")

    response = member.http.delete("/api/me")
    assert response.status_code == 200, response.text
    assert response.json()["deleted"] is True and response.json()["blobs_deleted"] == len(blobs_before)

    assert _rows_mentioning(server, owned) == {}
    assert _blob_keys(server, prefixes) == []
    assert server.runtime.blobs.list_keys(f"videos/{friend_video.id}/") == friend_blobs  # others' media stay
    with server.runtime.db.session() as session:
        theirs_after = session.get(Post, theirs_id)
        assert theirs_after is not None
        assert (theirs_after.like_count, theirs_after.comment_count) == (
            0,
            1,
        )  # their counters forget the user
        redeemed = session.scalar(
            select(InviteCode).where(InviteCode.used_at.is_not(None), InviteCode.used_by_id.is_(None))
        )
        assert redeemed is not None  # the code the guest used stays spent, without pointing at anyone
        assert session.get(User, guest.user_id) is not None
    assert member.http.get("/api/me").status_code == 401
    assert server.http(key).get("/v1/videos").status_code == 401
    login = server.http().post("/api/auth/login", json={"login": member.handle, "password": PASSWORD})
    assert login.status_code == 401
    assert friend.http.get(f"/api/profiles/{member.handle}").status_code == 404
    assert friend.http.get(f"/api/profiles/{friend.handle}").json()["follower_count"] == 0


def test_the_only_admin_cannot_delete_their_account(tmp_path: Path) -> None:
    with live_server(server_settings(tmp_path), workers=0) as live:
        only = live.user("solo", admin=True)
        with live.http(only) as admin:
            refused = admin.delete("/api/me")
            assert refused.status_code == 409 and refused.json()["code"] == "last_admin"
            second = live.user("deputy", admin=True)
            assert admin.delete("/api/me").status_code == 200
            assert live.http(second).delete("/api/me").status_code == 409


# -- permissions ---------------------------------------------------------------------------------------------


ROLES = ("anonymous", "member", "teen", "admin")


def _clients(server: LiveServer) -> dict[str, httpx.Client]:
    return {
        "anonymous": server.http(),
        "member": join(server).http,
        "teen": join(server, birthday=years_ago(15)).http,
        "admin": admin_http(server),
    }


@pytest.mark.parametrize(
    ("method", "path", "body", "expected"),
    [
        ("GET", "/api/me", None, (401, 200, 200, 200)),
        ("GET", "/api/me/invites", None, (401, 200, 200, 200)),
        ("DELETE", "/api/me", None, (401, 200, 200, 200)),
        ("GET", "/api/admin/signups", None, (401, 403, 403, 200)),
        ("POST", "/api/admin/signups", {"open": False}, (401, 403, 403, 200)),
        ("GET", "/api/admin/waitlist", None, (401, 403, 403, 200)),
        ("POST", "/api/admin/waitlist/{entry}/admit", None, (401, 403, 403, 200)),
    ],
)
def test_account_endpoint_permissions(
    server: LiveServer,
    closed: httpx.Client,
    *,
    method: str,
    path: str,
    body: object,
    expected: tuple[int, ...],
) -> None:
    entry = server.http().post("/api/auth/signup", json=signup_body()).json()["waitlist_id"]
    clients = _clients(server)
    try:
        for role, status in zip(ROLES, expected, strict=True):
            response = clients[role].request(method, path.format(entry=entry), json=body)
            assert response.status_code == status, (role, response.text)
            if status >= 400:
                assert response.headers["content-type"].startswith("application/problem+json")
    finally:
        for client in clients.values():
            client.close()


def test_a_teen_and_an_admin_see_their_own_account(server: LiveServer) -> None:
    teen = join(server, birthday=years_ago(14))
    me = teen.http.get("/api/me").json()
    assert (me["handle"], me["is_teen"], me["is_admin"]) == (teen.handle, True, False)
    with admin_http(server) as admin:
        mine = admin.get("/api/me").json()
        assert mine["is_admin"] is True and mine["csrf_token"] is None  # Bearer callers have no session


# -- the CLI -------------------------------------------------------------------------------------------------


@pytest.mark.slow  # two server starts and real argon2 costs
def test_users_create_makes_an_admin_who_can_sign_in_and_open_sign_ups(tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"MUTOSCOPE_DATA_DIR": str(tmp_path)}
    created = runner.invoke(
        cli_app, ["users", "create", "boss", "--admin", "--password-stdin"], input=PASSWORD + "\n", env=env
    )
    assert created.exit_code == 0, created.output
    codes = created.stdout.strip().splitlines()[1:]
    assert len(codes) == 4
    again = runner.invoke(cli_app, ["users", "create", "boss"], env=env)
    assert again.exit_code == 2 and "already exists" in again.output
    assert runner.invoke(cli_app, ["users", "create", "boss", "--if-missing"], env=env).exit_code == 0
    short = runner.invoke(cli_app, ["users", "create", "shorty", "--password-stdin"], input="tiny\n", env=env)
    assert short.exit_code == 2 and "at least 10" in short.output
    with live_server(server_settings(tmp_path), workers=0) as live:
        browser = live.http()
        login = browser.post("/api/auth/login", json={"login": "boss", "password": PASSWORD})
        assert login.status_code == 200 and login.json()["is_admin"] is True
        browser.headers["X-CSRF-Token"] = login.json()["csrf_token"]
        assert browser.post("/api/admin/signups", json={"open": True}).json() == {"open": True}
        guest = live.http().post("/api/auth/signup", json=signup_body(invite_code=codes[0]))
        assert guest.status_code == 201
    changed = runner.invoke(
        cli_app, ["users", "set-password", "boss"], input="another long password\n", env=env
    )
    assert changed.exit_code == 0, changed.output
    with live_server(server_settings(tmp_path), workers=0) as live:
        old = live.http().post("/api/auth/login", json={"login": "boss", "password": PASSWORD})
        new = live.http().post("/api/auth/login", json={"login": "boss", "password": "another long password"})
        assert (old.status_code, new.status_code) == (401, 200)


def test_members_joined_before_invites_existed_get_theirs_on_first_look(server: LiveServer) -> None:
    with server.http(server.user()) as api_user:
        first = api_user.get("/api/me/invites").json()
        second = api_user.get("/api/me/invites").json()
    assert len(first["data"]) == 4 and first == second
