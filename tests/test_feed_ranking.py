"""The For-you ranking (`server/feed/ranking.py`): its invariants as hypothesis properties, and its policy.

Properties hold for any candidates and viewer: blocked authors, hidden posts, the viewer's own posts and seen
posts never appear; no author has more than `per_creator` posts on a page; a page is never longer than asked;
more engagement never lowers a score; the order is deterministic and follows the scores. The policy tests pin
the documented weights: social proximity first, remixes > comments > likes with log damping, a 24 h half-life,
and steering by similarity.
"""

from __future__ import annotations

import dataclasses
import math
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from mutoscope.server.feed.ranking import (
    DEFAULT_WEIGHTS,
    Candidate,
    Relation,
    Steering,
    Viewer,
    engagement_score,
    rank,
    score,
)

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
AUTHORS = [f"user_{i}" for i in range(6)]
VIEWER = "user_0"

counts = st.integers(min_value=0, max_value=100_000)
relations = st.frozensets(st.sampled_from(list(Relation)), max_size=2)


@st.composite
def candidates(draw: st.DrawFn) -> Candidate:
    number = draw(st.integers(min_value=0, max_value=60))  # the same post may be sighted twice
    return Candidate(
        post_id=f"post_{number:04d}",
        author_id=AUTHORS[number % len(AUTHORS)],
        created_at=NOW - timedelta(minutes=draw(st.integers(min_value=-60, max_value=60 * 24 * 20))),
        like_count=draw(counts),
        comment_count=draw(counts),
        remix_count=draw(counts),
        hidden=draw(st.booleans()),
        relations=draw(relations),
        popular=draw(st.booleans()),
        similarity=draw(st.none() | st.floats(min_value=-1.0, max_value=1.0)),
    )


@st.composite
def viewers(draw: st.DrawFn) -> Viewer:
    return Viewer(
        user_id=VIEWER,
        blocked_ids=draw(st.frozensets(st.sampled_from(AUTHORS[1:]), max_size=3)),
        seen_post_ids=draw(
            st.frozensets(st.builds(lambda i: f"post_{i:04d}", st.integers(0, 60)), max_size=20)
        ),
    )


steerings = st.none() | st.builds(
    Steering, text=st.just("animals"), topic=st.sampled_from([None, "animals"]), wants_friends=st.booleans()
)
pools = st.lists(candidates(), max_size=30)
limits = st.integers(min_value=0, max_value=25)


@settings(max_examples=120)
@given(pool=pools, viewer=viewers(), limit=limits, steering=steerings)
def test_nothing_the_viewer_must_not_see_is_ranked(
    pool: list[Candidate], viewer: Viewer, limit: int, steering: Steering | None
) -> None:
    page = rank(pool, viewer, now=NOW, limit=limit, steering=steering)
    hidden_ids = {c.post_id for c in pool if c.hidden}
    for item in page:
        assert item.candidate.author_id not in viewer.blocked_ids  # blocked either way
        assert item.candidate.author_id != viewer.user_id  # not one's own
        assert item.candidate.post_id not in viewer.seen_post_ids  # never seen twice
        assert item.candidate.post_id not in hidden_ids  # hidden anywhere it was sighted
        assert not item.candidate.hidden


@settings(max_examples=120)
@given(pool=pools, viewer=viewers(), limit=limits, steering=steerings)
def test_pages_respect_the_per_creator_cap_and_the_limit_and_have_no_duplicates(
    pool: list[Candidate], viewer: Viewer, limit: int, steering: Steering | None
) -> None:
    page = rank(pool, viewer, now=NOW, limit=limit, steering=steering)
    assert len(page) <= limit
    per_author: dict[str, int] = {}
    for item in page:
        per_author[item.candidate.author_id] = per_author.get(item.candidate.author_id, 0) + 1
    assert all(count <= DEFAULT_WEIGHTS.per_creator for count in per_author.values())
    ids = [item.candidate.post_id for item in page]
    assert len(ids) == len(set(ids))


@settings(max_examples=80)
@given(pool=pools, viewer=viewers(), limit=limits)
def test_a_page_is_as_full_as_the_cap_allows(pool: list[Candidate], viewer: Viewer, limit: int) -> None:
    """Short pages happen only because the rest is excluded or capped, never by accident."""
    page = rank(pool, viewer, now=NOW, limit=limit)
    eligible: dict[str, set[str]] = {}
    for c in pool:
        if not (
            c.hidden
            or c.author_id in viewer.blocked_ids
            or c.author_id == viewer.user_id
            or c.post_id in viewer.seen_post_ids
        ):
            eligible.setdefault(c.author_id, set()).add(c.post_id)
    hidden_ids = {c.post_id for c in pool if c.hidden}
    reachable = sum(min(len(ids - hidden_ids), DEFAULT_WEIGHTS.per_creator) for ids in eligible.values())
    assert len(page) == min(limit, reachable)


@settings(max_examples=120)
@given(
    candidate=candidates(),
    likes=counts,
    comments=counts,
    remixes=counts,
    steering=steerings,
)
def test_more_engagement_never_lowers_a_score(
    candidate: Candidate, likes: int, comments: int, remixes: int, steering: Steering | None
) -> None:
    more = dataclasses.replace(
        candidate,
        like_count=candidate.like_count + likes,
        comment_count=candidate.comment_count + comments,
        remix_count=candidate.remix_count + remixes,
    )
    assert score(more, NOW, steering) >= score(candidate, NOW, steering)
    assert engagement_score(more) >= engagement_score(candidate)


@settings(max_examples=80)
@given(pool=pools, viewer=viewers(), limit=limits, steering=steerings)
def test_ranking_is_deterministic_and_ordered_by_score(
    pool: list[Candidate], viewer: Viewer, limit: int, steering: Steering | None
) -> None:
    page = rank(pool, viewer, now=NOW, limit=limit, steering=steering)
    again = rank(list(reversed(pool)), viewer, now=NOW, limit=limit, steering=steering)
    assert [i.candidate.post_id for i in page] == [i.candidate.post_id for i in again]
    scores = [item.score for item in page]
    assert scores == sorted(scores, reverse=True)
    assert all(item.why for item in page)


@settings(max_examples=80)
@given(pool=pools, viewer=viewers(), limit=st.integers(min_value=1, max_value=8))
def test_paging_by_exclusion_never_repeats(pool: list[Candidate], viewer: Viewer, limit: int) -> None:
    """Serving page after page (each served post then counts as seen) shows every post at most once."""
    served: list[str] = []
    for _ in range(12):
        seen = viewer.seen_post_ids | frozenset(served)
        page = rank(pool, dataclasses.replace(viewer, seen_post_ids=seen), now=NOW, limit=limit)
        if not page:
            break
        served += [item.candidate.post_id for item in page]
    assert len(served) == len(set(served))
    assert not set(served) & viewer.seen_post_ids


def _post(post_id: str, author: str, **fields: object) -> Candidate:
    values: dict[str, object] = {"created_at": NOW - timedelta(hours=1)}
    values.update(fields)
    return Candidate(post_id=post_id, author_id=author, **values)  # type: ignore[arg-type]


def test_social_proximity_orders_otherwise_equal_posts() -> None:
    pool = [
        _post("post_other", "user_1"),
        _post("post_interacted", "user_2", relations=frozenset({Relation.INTERACTED})),
        _post("post_following", "user_3", relations=frozenset({Relation.FOLLOWING})),
        _post("post_remix", "user_4", relations=frozenset({Relation.REMIX_OF_YOURS})),
        _post("post_mutual", "user_5", relations=frozenset({Relation.MUTUAL})),
    ]
    page = rank(pool, Viewer(VIEWER), now=NOW, limit=10)
    assert [i.candidate.post_id for i in page] == [
        "post_mutual",
        "post_remix",
        "post_following",
        "post_interacted",
        "post_other",
    ]
    why = {i.candidate.post_id: i.why for i in page}
    assert why["post_mutual"][0] == "from someone you follow who follows you back"
    assert why["post_following"] == ("from someone you follow",)
    assert why["post_remix"] == ("a remix of your post",)
    assert why["post_other"] == ("new on mutoscope",)


def test_remixes_weigh_more_than_comments_and_comments_more_than_likes() -> None:
    remixed = _post("post_a", "user_1", remix_count=10)
    commented = _post("post_b", "user_2", comment_count=10)
    liked = _post("post_c", "user_3", like_count=10)
    assert score(remixed, NOW) > score(commented, NOW) > score(liked, NOW) > score(_post("post_d", "u"), NOW)


def test_engagement_is_log_damped() -> None:
    """Ten times the likes adds a fixed step (engagement × ln 10), not ten times the score."""
    small = engagement_score(_post("post_a", "user_1", like_count=100))
    large = engagement_score(_post("post_b", "user_1", like_count=1000))
    assert large / small < 1.6
    assert math.isclose(large - small, DEFAULT_WEIGHTS.engagement * math.log(1001 / 101), rel_tol=1e-9)


def test_freshness_halves_the_score_every_half_life() -> None:
    base = _post("post_a", "user_1", like_count=50, relations=frozenset({Relation.FOLLOWING}), created_at=NOW)
    day_old = dataclasses.replace(base, created_at=NOW - timedelta(hours=24))
    two_days = dataclasses.replace(base, created_at=NOW - timedelta(hours=48))
    assert math.isclose(score(day_old, NOW), score(base, NOW) / 2, rel_tol=1e-9)
    assert math.isclose(score(two_days, NOW), score(base, NOW) / 4, rel_tol=1e-9)
    future = dataclasses.replace(base, created_at=NOW + timedelta(hours=3))
    assert score(future, NOW) == score(base, NOW)


def test_a_fresh_hit_from_a_stranger_can_beat_a_stale_post_from_a_friend() -> None:
    stale_friend = _post(
        "post_a", "user_1", relations=frozenset({Relation.MUTUAL}), created_at=NOW - timedelta(days=4)
    )
    hit = _post("post_b", "user_2", remix_count=40, comment_count=200, like_count=3000, popular=True)
    page = rank([stale_friend, hit], Viewer(VIEWER), now=NOW, limit=2)
    assert [i.candidate.post_id for i in page] == ["post_b", "post_a"]
    assert page[0].why == ("popular today",)


def test_steering_lifts_matching_posts_and_says_so() -> None:
    steering = Steering(text="animals", topic="animals")
    match = _post("post_cat", "user_1", similarity=0.55)
    miss = _post("post_stocks", "user_2", similarity=0.02, relations=frozenset({Relation.FOLLOWING}))
    unsteered = rank([match, miss], Viewer(VIEWER), now=NOW, limit=2)
    steered = rank([match, miss], Viewer(VIEWER), now=NOW, limit=2, steering=steering)
    assert [i.candidate.post_id for i in unsteered] == ["post_stocks", "post_cat"]
    assert [i.candidate.post_id for i in steered] == ["post_cat", "post_stocks"]
    assert steered[0].why[0] == "matches 'animals'"
    assert not any(reason.startswith("matches") for reason in steered[1].why)


def test_asking_for_friends_multiplies_proximity() -> None:
    friend = _post(
        "post_a", "user_1", relations=frozenset({Relation.FOLLOWING}), created_at=NOW - timedelta(days=1)
    )
    hit = _post("post_b", "user_2", like_count=50, comment_count=5)
    plain = rank([friend, hit], Viewer(VIEWER), now=NOW, limit=2)
    asked = rank(
        [friend, hit], Viewer(VIEWER), now=NOW, limit=2, steering=Steering("more from my friends", None, True)
    )
    assert plain[0].candidate.post_id == "post_b"
    assert asked[0].candidate.post_id == "post_a"
    assert "more from people you know, as you asked" in asked[0].why


def test_a_post_sighted_by_two_queries_keeps_every_reason() -> None:
    from_follow = _post("post_a", "user_1", relations=frozenset({Relation.FOLLOWING}))
    as_popular = _post("post_a", "user_1", popular=True, like_count=30)
    page = rank([from_follow, as_popular], Viewer(VIEWER), now=NOW, limit=5)
    assert len(page) == 1
    assert page[0].why == ("from someone you follow", "popular today")
    assert page[0].candidate.like_count == 30
