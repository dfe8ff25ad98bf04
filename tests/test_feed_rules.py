"""The feed's pure rules: wellbeing (teen runs, daily caps, the make-something nudge), reading steering words,
and page cursors (round trips, and refusal of anything that is not one)."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mutoscope.errors import InvalidRequestError
from mutoscope.server.feed.cursor import (
    MAX_SERVED,
    FollowingCursor,
    ForYouCursor,
    decode_following,
    decode_for_you,
    encode_following,
    encode_for_you,
    post_tag,
)
from mutoscope.server.feed.steering import MAX_STEER_CHARS, parse_steering
from mutoscope.server.feed.wellbeing import break_after, nudge_position, scroll_budget, teen_gate
from mutoscope.settings import FeedSettings

NOW = datetime(2026, 5, 1, 15, 0, tzinfo=UTC)
RULES = FeedSettings(teen_session_views=5, teen_daily_views=12, teen_cooldown_s=1800)


def minutes_ago(*offsets: float) -> list[datetime]:
    return [NOW - timedelta(minutes=m) for m in offsets]


# -- teens -----------------------------------------------------------------------------------------------------


def test_a_teen_without_recent_views_has_a_full_run() -> None:
    gate = teen_gate([], NOW, RULES)
    assert (gate.views_left, gate.run_views, gate.closed) == (5, 0, False)


def test_a_run_of_views_closes_the_feed_until_a_cooldown_after_the_last() -> None:
    gate = teen_gate(minutes_ago(1, 3, 5, 7, 9), NOW, RULES)
    assert gate.closed and gate.reason == "session_cap"
    assert gate.resume_at == NOW - timedelta(minutes=1) + timedelta(seconds=1800)


def test_a_gap_of_a_cooldown_starts_a_new_run() -> None:
    # Five views long ago (a finished run), then two just now: two views into the new run.
    gate = teen_gate(minutes_ago(1, 2, 40, 41, 42, 43, 44), NOW, RULES)
    assert (gate.run_views, gate.views_left, gate.closed) == (2, 3, False)
    # Once the cooldown has passed since the last view, the run is over.
    assert teen_gate(minutes_ago(31, 32, 33, 34, 35), NOW, RULES).views_left == 5


def test_the_daily_cap_closes_the_feed_until_tomorrow() -> None:
    # Twelve views today in runs of four with long gaps: no run is full, but the day is.
    views = minutes_ago(*(run * 60 + i for run in range(3) for i in range(4)))
    gate = teen_gate(views, NOW, RULES)
    assert gate.closed and gate.reason == "daily_cap"
    assert gate.resume_at == datetime(2026, 5, 2, tzinfo=UTC)
    # Views from yesterday do not count towards today.
    yesterday = [NOW - timedelta(hours=16, minutes=i * 45) for i in range(12)]
    assert teen_gate(yesterday, NOW, RULES).views_left == 5


def test_the_day_left_can_be_less_than_a_run() -> None:
    views = minutes_ago(*(run * 60 + i for run in range(5) for i in range(2)))  # 10 today, none recent
    gate = teen_gate(views, NOW, RULES)
    assert gate.views_left == 2
    assert break_after(gate, 2, NOW, RULES) == ("daily_cap", datetime(2026, 5, 2, tzinfo=UTC))
    assert break_after(teen_gate([], NOW, RULES), 5, NOW, RULES) == (
        "session_cap",
        NOW + timedelta(minutes=30),
    )


def test_a_scroll_that_reports_no_views_still_ends_after_a_run() -> None:
    gate = teen_gate([], NOW, RULES)
    assert scroll_budget(gate, served_in_scroll=3, last_served_at=NOW, now=NOW, rules=RULES) == 2
    assert scroll_budget(gate, served_in_scroll=5, last_served_at=NOW, now=NOW, rules=RULES) == 0
    # Reported views and served posts are the same posts: each counts once.
    watched = teen_gate(minutes_ago(1, 2, 3), NOW, RULES)
    assert scroll_budget(watched, served_in_scroll=3, last_served_at=NOW, now=NOW, rules=RULES) == 2
    # A scroll idle for a cooldown starts afresh.
    stale = NOW - timedelta(minutes=31)
    assert scroll_budget(gate, served_in_scroll=5, last_served_at=stale, now=NOW, rules=RULES) == 5


# -- make something --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("passive", "length", "expected"),
    [
        (0, 20, None),
        (10, 20, None),
        (25, 20, 5),
        (29, 20, 1),
        (30, 20, 0),
        (31, 20, None),
        (59, 20, 1),
        (60, 20, 0),
    ],
)
def test_the_make_something_card_marks_each_thirtieth_passive_view(
    passive: int, length: int, expected: int | None
) -> None:
    assert nudge_position(passive, length, 30) == expected


@given(passive=st.integers(0, 500), length=st.integers(0, 60), every=st.integers(1, 50))
def test_the_nudge_lands_exactly_on_a_multiple(passive: int, length: int, every: int) -> None:
    spot = nudge_position(passive, length, every)
    if spot is None:
        assert all((passive + p) % every or passive + p == 0 for p in range(length))
    else:
        assert 0 <= spot < length and (passive + spot) % every == 0 and passive + spot >= every
        assert all((passive + p) % every or passive + p == 0 for p in range(spot))


# -- steering words --------------------------------------------------------------------------------------------


def test_steering_reads_topics_and_people() -> None:
    assert parse_steering(None) is None
    assert parse_steering("   ") is None
    relaxing = parse_steering("  something   relaxing ")
    assert relaxing is not None and (relaxing.text, relaxing.topic, relaxing.wants_friends) == (
        "something relaxing",
        "relaxing",
        False,
    )
    friends = parse_steering("more from my friends")
    assert friends is not None and (friends.topic, friends.wants_friends) == (None, True)
    both = parse_steering("funny animals from people I follow")
    assert both is not None and (both.topic, both.wants_friends) == ("funny animals", True)
    assert parse_steering("Animals") is not None


def test_a_too_long_steer_is_refused() -> None:
    with pytest.raises(InvalidRequestError) as caught:
        parse_steering("cats " * MAX_STEER_CHARS)
    assert caught.value.param == "steer"


# -- cursors ---------------------------------------------------------------------------------------------------


@given(ids=st.lists(st.text(min_size=1, max_size=40), max_size=300), steer=st.none() | st.text(max_size=50))
def test_for_you_cursors_round_trip_and_keep_the_latest_served(ids: list[str], steer: str | None) -> None:
    cursor = ForYouCursor(steer, (), NOW).after(ids, NOW)
    decoded = decode_for_you(encode_for_you(cursor))
    assert decoded == cursor
    assert decoded.served == tuple(post_tag(i) for i in ids)[-MAX_SERVED:]


def test_following_cursors_round_trip() -> None:
    cursor = FollowingCursor(NOW - timedelta(microseconds=7), "post_abc", 40, NOW)
    assert decode_following(encode_following(cursor)) == cursor


def _raw(document: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(document).encode()).decode()


@pytest.mark.parametrize(
    "text",
    [
        "x",
        "!!!",
        "bm90IGpzb24",  # "not json"
        _raw([1, 2]),
        _raw({"v": 2, "t": "for_you", "p": "", "at": NOW.isoformat()}),
        _raw({"v": 1, "t": "for_you", "p": "AAAA", "at": NOW.isoformat()}),  # not whole tags
        _raw({"v": 1, "t": "for_you", "p": "", "at": "yesterday"}),
        _raw({"v": 1, "t": "for_you", "p": "", "at": "2026-05-01T10:00:00"}),  # naive time
        _raw({"v": 1, "t": "for_you", "p": "", "s": 5, "at": NOW.isoformat()}),
        _raw({"v": 1, "t": "following", "c": NOW.isoformat(), "i": "p", "n": 2, "at": NOW.isoformat()}),
        "a" * 5000,
    ],
)
def test_anything_but_a_for_you_cursor_is_refused_naming_the_cursor(text: str) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        decode_for_you(text)
    assert caught.value.param == "cursor" and caught.value.code == "invalid_cursor"


@pytest.mark.parametrize("served", [-1, True, "3", None])
def test_a_following_cursor_with_a_bad_count_is_refused(served: object) -> None:
    text = _raw(
        {"v": 1, "t": "following", "c": NOW.isoformat(), "i": "p", "n": served, "at": NOW.isoformat()}
    )
    with pytest.raises(InvalidRequestError):
        decode_following(text)
