"""Profiles, follows, mutuals and blocks: on a live server (SQLite; PostgreSQL under `services`), plus a
hypothesis property test of the graph's invariants against the migrated schema.

Measured from outputs: response bodies, served avatar pixels, list pages, and the rows the graph leaves.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from sqlalchemy import delete, select

from live_server import LiveServer, live_server, reset_database, server_settings
from mutoscope.db import Database, open_database
from mutoscope.errors import ConflictError, InvalidRequestError, NotFoundError
from mutoscope.ids import new_id
from mutoscope.server.accounts.models import User
from mutoscope.server.migrate import upgrade
from mutoscope.server.notifications.models import Notification
from mutoscope.server.social import service as graph
from mutoscope.server.social.models import Block, Follow
from social_support import Member, admin_http, join, years_ago

FAST_ACCOUNTS = {
    "password_time_cost": 1,
    "password_memory_kib": 64,
}  # cheap hashes: these tests are not about them


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.services)])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    url = None
    if request.param == "postgresql":
        url = request.getfixturevalue("pg_url")
        reset_database(url)
    config = server_settings(tmp_path_factory.mktemp("var"), url, accounts=FAST_ACCOUNTS)
    with live_server(config, workers=0) as live:
        yield live


def _image(fmt: str, size: tuple[int, int], color: tuple[int, int, int], **save: object) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, color)
    image.paste((255, 255, 255), (0, 0, size[0] // 8, size[1]))  # a white stripe at the left edge
    image.save(out, format=fmt, **save)
    return out.getvalue()


def _handles(page: httpx.Response) -> list[str]:
    assert page.status_code == 200, page.text
    return [item["handle"] for item in page.json()["data"]]


# -- profiles ------------------------------------------------------------------------------------------------


def test_a_profile_is_public_and_its_owner_edits_it(server: LiveServer) -> None:
    member = join(server)
    changed = member.http.patch(
        f"/api/profiles/{member.handle}",
        json={"display_name": "  Ada Lovelace ", "bio": "Analytical engines."},
    )
    assert changed.status_code == 200, changed.text
    with server.http() as anonymous:
        profile = anonymous.get(f"/api/profiles/@{member.handle.upper()}").json()
    assert (profile["handle"], profile["display_name"], profile["bio"]) == (
        member.handle,
        "Ada Lovelace",
        "Analytical engines.",
    )
    assert profile["is_me"] is False and "email" not in profile and "birthday" not in profile
    assert member.http.get(f"/api/profiles/{member.handle}").json()["is_me"] is True


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"display_name": "   "}, "display_name"),
        ({"display_name": "x" * 81}, "display_name"),
        ({"bio": "b" * 501}, "bio"),
        ({"handle": "newname"}, "handle"),
        ({"website": "https://example.com"}, "website"),
        ({"avatar": "not a file"}, "avatar"),
    ],
)
def test_bad_profile_edits_are_refused_and_change_nothing(
    server: LiveServer, body: dict[str, object], param: str
) -> None:
    member = join(server)
    before = member.http.get(f"/api/profiles/{member.handle}").json()
    response = member.http.patch(f"/api/profiles/{member.handle}", json=body)
    assert response.status_code == 400 and response.json()["param"] == param, response.text
    assert member.http.get(f"/api/profiles/{member.handle}").json() == before


def test_an_avatar_is_a_square_webp_without_the_uploads_metadata(server: LiveServer) -> None:
    member = join(server)
    exif = Image.Exif()
    exif[0x010F] = "SpyCam Industries"  # camera make: must not survive
    upload = _image("JPEG", (640, 360), (20, 120, 220), exif=exif.tobytes(), quality=95)
    response = member.http.patch(
        f"/api/profiles/{member.handle}",
        files={"avatar": ("me.jpg", upload, "image/jpeg")},
        data={"bio": "hi"},
    )
    assert response.status_code == 200, response.text
    url = response.json()["avatar_url"]
    assert url.startswith(f"/api/profiles/{member.handle}/avatar?v=") and response.json()["bio"] == "hi"
    with server.http() as anonymous:
        served = anonymous.get(url)
    assert served.status_code == 200 and served.headers["content-type"] == "image/webp"
    picture = Image.open(io.BytesIO(served.content))
    assert picture.format == "WEBP" and picture.size == (256, 256)
    assert not picture.getexif() and b"SpyCam" not in served.content
    centre = picture.convert("RGB").getpixel((128, 128))
    assert isinstance(centre, tuple)
    assert all(abs(a - b) <= 12 for a, b in zip(centre, (20, 120, 220), strict=True))
    # The 640x360 image was centre-cropped to 360x360: the white stripe (x < 80) was cut away entirely.
    left = picture.convert("RGB").getpixel((2, 128))
    assert isinstance(left, tuple) and left[0] < 100

    replaced = member.http.patch(
        f"/api/profiles/{member.handle}", files={"avatar": ("me.png", _image("PNG", (50, 50), (200, 0, 0)))}
    )
    new_url = replaced.json()["avatar_url"]
    assert new_url != url
    keys = server.runtime.blobs.list_keys(f"users/{member.user_id}/")
    assert len(keys) == 1  # the old picture was deleted
    removed = member.http.patch(f"/api/profiles/{member.handle}", json={"avatar": None})
    assert removed.status_code == 200 and removed.json()["avatar_url"] is None
    assert server.runtime.blobs.list_keys(f"users/{member.user_id}/") == []
    assert server.http().get(new_url).status_code == 404


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (b"definitely not an image", "unsupported_media"),
        (_image("PNG", (40, 40), (0, 0, 0))[:60], "corrupt_media"),
        (_image("GIF", (40, 40), (0, 0, 0)), "unsupported_media"),
    ],
)
def test_a_bad_avatar_upload_is_refused_and_stores_nothing(
    server: LiveServer, payload: bytes, code: str
) -> None:
    member = join(server)
    response = member.http.patch(f"/api/profiles/{member.handle}", files={"avatar": ("x.png", payload)})
    assert response.status_code == 400, response.text
    assert (response.json()["param"], response.json()["code"]) == ("avatar", code)
    assert server.runtime.blobs.list_keys(f"users/{member.user_id}/") == []
    assert member.http.get(f"/api/profiles/{member.handle}").json()["avatar_url"] is None


def test_unknown_profiles_are_404(server: LiveServer) -> None:
    member = join(server)
    for path in (
        "/api/profiles/nobody-at-all",
        "/api/profiles/NOT A HANDLE",
        "/api/profiles/ghost/followers",
    ):
        response = member.http.get(path)
        assert response.status_code == 404 and response.json()["param"] == "handle"
    assert member.http.post("/api/profiles/ghost/follow").status_code == 404


# -- follows and lists ---------------------------------------------------------------------------------------


def test_follow_unfollow_and_mutuals(server: LiveServer) -> None:
    ada, bob, cy = join(server), join(server), join(server)
    first = ada.http.post(f"/api/profiles/{bob.handle}/follow")
    assert first.json() == {"handle": bob.handle, "following": True, "is_mutual": False}
    assert ada.http.post(f"/api/profiles/{bob.handle}/follow").status_code == 200  # idempotent
    back = bob.http.post(f"/api/profiles/{ada.handle}/follow").json()
    assert back["is_mutual"] is True
    ada.http.post(f"/api/profiles/{cy.handle}/follow")
    view = ada.http.get(f"/api/profiles/{bob.handle}").json()
    assert (view["following"], view["follows_you"], view["is_mutual"]) == (True, True, True)
    assert (view["follower_count"], view["following_count"]) == (1, 1)
    with server.http() as anonymous:
        assert set(_handles(anonymous.get(f"/api/profiles/{ada.handle}/following"))) == {
            bob.handle,
            cy.handle,
        }
        assert _handles(anonymous.get(f"/api/profiles/{ada.handle}/followers")) == [bob.handle]
        assert _handles(anonymous.get(f"/api/profiles/{ada.handle}/mutuals")) == [bob.handle]
        assert _handles(anonymous.get(f"/api/profiles/{bob.handle}/mutuals")) == [ada.handle]
    selfish = ada.http.post(f"/api/profiles/{ada.handle}/follow")
    assert selfish.status_code == 400 and selfish.json()["param"] == "handle"
    gone = ada.http.delete(f"/api/profiles/{bob.handle}/follow").json()
    assert gone == {"handle": bob.handle, "following": False, "is_mutual": False}
    assert _handles(bob.http.get(f"/api/profiles/{bob.handle}/mutuals")) == []
    with server.runtime.db.session() as session:
        told = session.scalars(
            select(Notification.actor_id).where(
                Notification.user_id == bob.user_id, Notification.kind == "new_follower"
            )
        ).all()
    assert told == [ada.user_id]  # following twice told bob once


def test_lists_page_newest_first_without_repeats(server: LiveServer) -> None:
    star = join(server)
    fans = [join(server) for _ in range(5)]
    for fan in fans:
        assert fan.http.post(f"/api/profiles/{star.handle}/follow").status_code == 200
    seen: list[str] = []
    after = None
    with server.http() as anonymous:
        while True:
            params: dict[str, str | int] = {"limit": 2}
            if after:
                params["after"] = after
            page = anonymous.get(f"/api/profiles/{star.handle}/followers", params=params)
            seen += _handles(page)
            assert len(page.json()["data"]) <= 2
            if not page.json()["has_more"]:
                assert page.json()["next_cursor"] is None
                break
            after = page.json()["next_cursor"]
        assert seen == [fan.handle for fan in reversed(fans)]
        for bad in ({"limit": 0}, {"limit": 101}, {"after": "garbage!"}, {"after": "bm9wZQ"}):
            response = anonymous.get(f"/api/profiles/{star.handle}/followers", params=bad)
            assert response.status_code == 400 and response.json()["param"] in ("limit", "after"), (
                response.text
            )


# -- blocks --------------------------------------------------------------------------------------------------


def test_a_block_removes_follows_both_ways_and_hides_each_from_the_other(server: LiveServer) -> None:
    blocker, blocked, friend = join(server), join(server), join(server)
    for a, b in (
        (blocker, blocked),
        (blocked, blocker),
        (blocked, friend),
        (blocker, friend),
        (friend, blocked),
    ):
        assert a.http.post(f"/api/profiles/{b.handle}/follow").status_code == 200
    avatar = blocker.http.patch(
        f"/api/profiles/{blocker.handle}", files={"avatar": ("a.png", _image("PNG", (32, 32), (9, 9, 9)))}
    )
    url = avatar.json()["avatar_url"]
    assert blocked.http.get(url).status_code == 200

    assert blocker.http.post(f"/api/profiles/{blocked.handle}/block").json() == {
        "handle": blocked.handle,
        "blocked": True,
    }
    with server.runtime.db.session() as session:
        pair = {blocker.user_id, blocked.user_id}
        left = session.scalars(
            select(Follow).where(Follow.follower_id.in_(pair), Follow.followee_id.in_(pair))
        ).all()
    assert left == []
    for viewer, other in ((blocked, blocker), (blocker, blocked)):
        for suffix in ("", "/followers", "/following", "/mutuals"):
            response = viewer.http.get(f"/api/profiles/{other.handle}{suffix}")
            assert response.status_code == 404, (suffix, response.text)
    assert blocked.http.get(url).status_code == 404
    assert server.http().get(url).status_code == 200  # everyone else still sees it
    refused = blocked.http.post(f"/api/profiles/{blocker.handle}/follow")
    assert refused.status_code == 404  # the blocked person cannot tell the profile from a missing one
    own = blocker.http.post(f"/api/profiles/{blocked.handle}/follow")
    assert own.status_code == 409 and own.json()["code"] == "blocked"
    # Neither shows up in a third person's lists when the other one reads them.
    assert blocked.handle not in _handles(blocker.http.get(f"/api/profiles/{friend.handle}/followers"))
    assert blocker.handle not in _handles(blocked.http.get(f"/api/profiles/{friend.handle}/followers"))
    assert blocked.handle in _handles(server.http().get(f"/api/profiles/{friend.handle}/followers"))

    assert _handles(blocker.http.get("/api/me/blocks")) == [blocked.handle]
    assert _handles(blocked.http.get("/api/me/blocks")) == []
    assert blocker.http.delete(f"/api/profiles/{blocked.handle}/block").json()["blocked"] is False
    assert blocked.http.get(f"/api/profiles/{blocker.handle}").status_code == 200
    assert blocked.http.get(f"/api/profiles/{blocker.handle}").json()["follows_you"] is False  # not restored
    assert blocked.http.post(f"/api/profiles/{blocker.handle}/follow").status_code == 200


def test_both_sides_may_block_and_each_block_stands_alone(server: LiveServer) -> None:
    a, b = join(server), join(server)
    assert a.http.post(f"/api/profiles/{b.handle}/block").status_code == 200
    assert b.http.post(f"/api/profiles/{a.handle}/block").status_code == 200  # works though a is hidden
    assert a.http.delete(f"/api/profiles/{b.handle}/block").status_code == 200
    assert a.http.get(f"/api/profiles/{b.handle}").status_code == 404  # b's block still stands
    assert a.http.post(f"/api/profiles/{a.handle}/block").status_code == 400


# -- permissions ---------------------------------------------------------------------------------------------


ROLES = ("anonymous", "other", "teen", "admin")


@pytest.fixture
def cast(server: LiveServer) -> Iterator[tuple[Member, dict[str, httpx.Client]]]:
    owner = join(server)
    owner.http.patch(
        f"/api/profiles/{owner.handle}", files={"avatar": ("a.png", _image("PNG", (16, 16), (1, 2, 3)))}
    )
    clients = {
        "anonymous": server.http(),
        "other": join(server).http,
        "teen": join(server, birthday=years_ago(15)).http,
        "admin": admin_http(server),
    }
    yield owner, clients
    for client in clients.values():
        client.close()


@pytest.mark.parametrize(
    ("method", "suffix", "body", "expected"),
    [
        ("GET", "", None, (200, 200, 200, 200)),
        ("PATCH", "", {"bio": "edited"}, (401, 403, 403, 200)),
        ("GET", "/avatar", None, (200, 200, 200, 200)),
        ("POST", "/follow", None, (401, 200, 200, 200)),
        ("DELETE", "/follow", None, (401, 200, 200, 200)),
        ("POST", "/block", None, (401, 200, 200, 200)),
        ("DELETE", "/block", None, (401, 200, 200, 200)),
        ("GET", "/followers", None, (200, 200, 200, 200)),
        ("GET", "/following", None, (200, 200, 200, 200)),
        ("GET", "/mutuals", None, (200, 200, 200, 200)),
    ],
)
def test_profile_endpoint_permissions(
    server: LiveServer,
    cast: tuple[Member, dict[str, httpx.Client]],
    *,
    method: str,
    suffix: str,
    body: object,
    expected: tuple[int, ...],
) -> None:
    owner, clients = cast
    for role, status in zip(ROLES, expected, strict=True):
        response = clients[role].request(method, f"/api/profiles/{owner.handle}{suffix}", json=body)
        assert response.status_code == status, (role, response.text)
    if method == "PATCH":
        assert owner.http.get(f"/api/profiles/{owner.handle}").json()["bio"] == "edited"  # by the admin


def test_my_blocks_needs_a_caller(server: LiveServer) -> None:
    assert server.http().get("/api/me/blocks").status_code == 401
    teen = join(server, birthday=years_ago(16))
    assert teen.http.get("/api/me/blocks").json() == {"data": [], "next_cursor": None, "has_more": False}


# -- the graph's invariants ----------------------------------------------------------------------------------

PEOPLE = 3
Operation = tuple[str, int, int]
operations = st.lists(
    st.tuples(
        st.sampled_from(["follow", "unfollow", "block", "unblock"]),
        st.integers(0, PEOPLE - 1),
        st.integers(0, PEOPLE - 1),
    ),
    max_size=25,
)


def _people(db: Database) -> list[str]:
    ids = [new_id("user") for _ in range(PEOPLE)]
    with db.write_session() as session:
        session.add_all(User(id=ident, handle=f"p{ident[-12:]}") for ident in ids)
    return ids


def _check_graph_invariants(db: Database, ids: list[str], ops: list[Operation]) -> None:
    with db.write_session() as session:
        session.execute(delete(Follow).where(Follow.follower_id.in_(ids)))
        session.execute(delete(Block).where(Block.blocker_id.in_(ids)))
    follows: set[tuple[str, str]] = set()  # a reference model of what the rules say
    blocks: set[tuple[str, str]] = set()
    for name, i, j in ops:
        a, b = ids[i], ids[j]
        across_block = (a, b) in blocks or (b, a) in blocks
        refused = (a == b and name in ("follow", "block")) or (name == "follow" and across_block)
        try:
            with db.write_session() as session:
                getattr(graph, name)(session, a, b)
        except (InvalidRequestError, NotFoundError, ConflictError):
            assert refused, (name, i, j)
            continue
        assert not refused, (name, i, j)
        if name == "follow":
            follows.add((a, b))
        elif name == "unfollow":
            follows.discard((a, b))
        elif name == "block":
            follows -= {(a, b), (b, a)}
            blocks.add((a, b))
        else:
            blocks.discard((a, b))
    with db.session() as session:
        stored = set(
            session.execute(select(Follow.follower_id, Follow.followee_id).where(Follow.follower_id.in_(ids)))
        )
        assert stored == follows
        for a in ids:
            mutuals = graph.mutual_ids(session, a)
            hidden = graph.blocked_ids_either_way(session, a)
            for b in ids:
                assert graph.are_mutuals(session, a, b) == graph.are_mutuals(session, b, a)
                assert (
                    (b in mutuals) == (a in graph.mutual_ids(session, b)) == graph.are_mutuals(session, a, b)
                )
                assert (b in hidden) == (a in graph.blocked_ids_either_way(session, b))
                if graph.has_blocked(session, b, a):
                    assert b not in graph.followee_ids(session, a)  # nobody follows someone who blocked them
                    assert b not in graph.follower_ids(session, a)
                    assert graph.is_blocked_either_way(session, a, b)


@pytest.fixture(scope="module")
def sqlite_graph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, list[str]]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('graph') / 'graph.db'}"
    upgrade(url)
    db = open_database(url)
    yield db, _people(db)
    db.dispose()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_graph_invariants_hold_after_any_operations(
    sqlite_graph: tuple[Database, list[str]], ops: list[Operation]
) -> None:
    _check_graph_invariants(*sqlite_graph, ops)


@pytest.mark.services
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_graph_invariants_hold_on_postgresql(
    pg_graph: tuple[Database, list[str]], ops: list[Operation]
) -> None:
    _check_graph_invariants(*pg_graph, ops)


@pytest.fixture(scope="module")
def pg_graph(pg_url: str) -> Iterator[tuple[Database, list[str]]]:
    upgrade(pg_url)  # not reset: this module's PostgreSQL server may still be using the database
    db = open_database(pg_url)
    yield db, _people(db)
    db.dispose()
