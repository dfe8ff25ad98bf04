"""Direct messages on a live server: only between mutuals, never across a block, and an adult cannot start a
conversation with a teen (a teen may write first, and then the adult may reply). Every endpoint is also called
anonymously, by an outsider, by a teen and by an admin, and every bad input is a 4xx naming the field."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from live_server import LiveServer, live_server, server_settings
from posts_support import Actor, admin, anonymous, block, follow_each_other, member


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(server_settings(tmp_path_factory.mktemp("var")), workers=0) as live:
        yield live


def send(sender: Actor, to: Actor | str, body: str = "hello") -> httpx.Response:
    handle = to if isinstance(to, str) else to.handle
    return sender.http.post("/api/messages", json={"to_handle": handle, "body": body})


def refused(
    response: httpx.Response, status: int, *, param: str | None = None, code: str | None = None
) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["detail"]
    if param is not None:
        assert body.get("param") == param, body
    if code is not None:
        assert body["code"] == code, body


def thread(reader: Actor, other: Actor, **params: Any) -> dict[str, Any]:
    response = reader.http.get(f"/api/messages/{other.handle}", params=params)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def test_mutuals_can_write_to_each_other(server: LiveServer) -> None:
    alice, bob = member(server, browser=True), member(server)
    follow_each_other(alice, bob)
    sent = send(alice, bob, "  hi bob  ")
    assert sent.status_code == 201, sent.text
    assert (
        sent.json()["body"] == "hi bob"
        and sent.json()["is_mine"]
        and sent.json()["sender"]["handle"] == alice.handle
    )
    assert send(bob, alice, "hi alice").status_code == 201
    assert send(alice, bob, "how are you").status_code == 201

    seen = thread(bob, alice)
    assert [m["body"] for m in seen["data"]] == ["how are you", "hi alice", "hi bob"]  # newest first
    assert [m["is_mine"] for m in seen["data"]] == [False, True, False]
    assert seen["can_send"] and seen["with_user"]["handle"] == alice.handle
    page = thread(bob, alice, limit=2)
    assert page["has_more"] and len(page["data"]) == 2
    rest = thread(bob, alice, limit=2, before=page["next_before"])
    assert [m["body"] for m in rest["data"]] == ["hi bob"] and not rest["has_more"]

    listed = bob.http.get("/api/conversations").json()["data"]
    assert len(listed) == 1 and listed[0]["with_user"]["handle"] == alice.handle
    assert listed[0]["last_message"]["body"] == "how are you" and listed[0]["unread_count"] == 1
    assert bob.http.post(f"/api/messages/{alice.handle}/read").status_code == 200
    assert bob.http.get("/api/conversations").json()["data"][0]["unread_count"] == 0
    # Writing marks what came before as read for the writer: alice answered bob's reply, so none is unread.
    assert alice.http.get("/api/conversations").json()["data"][0]["unread_count"] == 0


def test_only_mutuals(server: LiveServer) -> None:
    alice, bob = member(server), member(server)
    refused(send(alice, bob), 403, param="to_handle", code="not_mutuals")
    alice.http.post(f"/api/profiles/{bob.handle}/follow")  # one way is not enough
    refused(send(alice, bob), 403, code="not_mutuals")
    refused(send(bob, alice), 403, code="not_mutuals")
    assert (
        thread(alice, bob)["can_send"] is False and thread(alice, bob)["cannot_send_reason"] == "not_mutuals"
    )
    bob.http.post(f"/api/profiles/{alice.handle}/follow")
    assert send(bob, alice).status_code == 201
    bob.http.delete(f"/api/profiles/{alice.handle}/follow")  # the rule holds for every message, not the first
    refused(send(alice, bob), 403, code="not_mutuals")
    assert [m["body"] for m in thread(alice, bob)["data"]] == ["hello"]  # the history stays readable


def test_an_adult_cannot_start_a_conversation_with_a_teen(server: LiveServer) -> None:
    adult, teen = member(server), member(server, teen=True, browser=True)
    follow_each_other(adult, teen)
    refused(send(adult, teen), 403, param="to_handle", code="teen_contact_restricted")
    assert thread(adult, teen)["cannot_send_reason"] == "teen_contact_restricted"
    assert thread(adult, teen)["conversation_id"] is None  # the refusal wrote nothing
    assert send(teen, adult, "hi!").status_code == 201
    assert send(adult, teen, "hello back").status_code == 201  # a reply in the teen's conversation
    assert [m["body"] for m in thread(teen, adult)["data"]] == ["hello back", "hi!"]
    assert adult.http.get("/api/conversations").json()["data"][0]["can_send"] is True


def test_admins_follow_the_same_rules(server: LiveServer) -> None:
    boss, teen, adult = admin(server), member(server, teen=True), member(server)
    refused(send(boss, adult), 403, code="not_mutuals")
    follow_each_other(boss, teen)
    refused(send(boss, teen), 403, code="teen_contact_restricted")


def test_teens_can_write_to_teen_mutuals(server: LiveServer) -> None:
    one, other = member(server, teen=True), member(server, teen=True)
    follow_each_other(one, other)
    assert send(one, other).status_code == 201
    assert send(other, one).status_code == 201


def test_blocked_people_cannot_write_or_read(server: LiveServer) -> None:
    alice, bob, carol = member(server), member(server), member(server)
    follow_each_other(alice, bob)
    follow_each_other(alice, carol)
    assert send(alice, bob).status_code == 201
    assert send(alice, carol).status_code == 201
    block(bob, alice)
    for sender, to in ((alice, bob), (bob, alice)):
        refused(send(sender, to), 404, param="to_handle")
        refused(sender.http.get(f"/api/messages/{to.handle}"), 404, param="handle")
        refused(sender.http.post(f"/api/messages/{to.handle}/read"), 404, param="handle")
    assert [c["with_user"]["handle"] for c in alice.http.get("/api/conversations").json()["data"]] == [
        carol.handle
    ]
    assert bob.http.get("/api/conversations").json()["data"] == []


def test_nobody_reads_a_conversation_they_are_not_in(server: LiveServer) -> None:
    alice, bob, eve, boss = member(server), member(server), member(server), admin(server)
    follow_each_other(alice, bob)
    send(alice, bob, "secret")
    for outsider in (eve, boss):
        assert all(m["body"] != "secret" for m in thread(outsider, alice)["data"])
        assert outsider.http.get("/api/conversations").json()["data"] == []
    visitor = anonymous(server)
    refused(visitor.get(f"/api/messages/{alice.handle}"), 401)
    refused(visitor.get("/api/conversations"), 401)
    refused(visitor.post("/api/messages", json={"to_handle": alice.handle, "body": "x"}), 401)
    refused(visitor.post(f"/api/messages/{alice.handle}/read"), 401)


@pytest.mark.parametrize(
    ("body", "status", "param"),
    [
        ({"body": "x"}, 400, "to_handle"),
        ({"to_handle": "someone"}, 400, "body"),
        ({"to_handle": "someone", "body": "   "}, 400, "body"),
        ({"to_handle": "someone", "body": "x" * 4001}, 400, "body"),
        ({"to_handle": "someone", "body": "x", "subject": "y"}, 400, "subject"),
        ({"to_handle": "Not A Handle", "body": "x"}, 400, "to_handle"),
        ({"to_handle": "nobody_at_all_here", "body": "x"}, 404, "to_handle"),
    ],
)
def test_bad_messages_name_the_field(
    server: LiveServer, body: dict[str, Any], status: int, param: str
) -> None:
    sender = member(server)
    refused(sender.http.post("/api/messages", json=body), status, param=param)


def test_no_messages_to_oneself_and_bad_cursors(server: LiveServer) -> None:
    alice, bob = member(server), member(server)
    refused(send(alice, alice), 400, param="to_handle")
    refused(alice.http.get(f"/api/messages/{bob.handle}", params={"before": "msg_nope"}), 400, param="before")
    refused(alice.http.get(f"/api/messages/{bob.handle}", params={"limit": 101}), 400, param="limit")
    refused(alice.http.get("/api/conversations", params={"before": "conv_nope"}), 400, param="before")
