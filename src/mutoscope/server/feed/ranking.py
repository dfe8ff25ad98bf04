"""How the "For you" feed orders posts: a pure function of candidates, the viewer and the time (no I/O).

The score of a candidate post is

    score = (proximity + engagement + relevance) × freshness

- **proximity** (social closeness to the author, the strongest signal): the largest weight among the
  relations that hold: a mutual (you follow each other) 4.0 > a remix of one of your posts 3.5 > someone you
  follow 3.0 > someone whose posts you liked or commented on 2.0 > anyone else 0. Steering that asks for
  friends ("more from my friends") multiplies it by `friends_boost`.
- **engagement**: `engagement × ln(1 + remix×remixes + comment×comments + like×likes)`. Remixes (5) and comments
  (3) weigh more than likes (1): making something from a post, or talking about it, says more than a tap. The
  logarithm damps runaway popularity, so a post with ten times the likes gains a fixed step, not ten times the
  score. Engagement only ever adds: more likes, comments or remixes never lower a score.
- **relevance** (only when the viewer steers with a topic): `steer × clamp((cos − steer_floor) / (steer_full −
  steer_floor), 0, 1)`, where `cos` is the cosine similarity between the steer text's embedding and the post's
  (caption + prompt). Measured on MiniLM: a one- or two-word query ("animals", "sports", "music") scores
  captions plainly about it 0.2–0.5 and unrelated ones −0.1–0.15, hence a floor of 0.10 and a full match at
  0.45; a full match outweighs a mutual, because the viewer asked for it. A post "matches" (and says so in its
  reasons) from 0.25.
- **freshness**: `0.5 ** (age_h / half_life_h)`, a half-life of 24 hours (a post from the future counts as new).

Then the page: posts the viewer must not see are dropped first (their own posts, blocked authors either way,
hidden posts, and posts already seen or already served in this scroll); the rest are sorted by score (ties:
newer first, then by id, so the order is deterministic) and taken greedily with at most `per_creator` posts
per author, so one prolific account cannot fill a page. Each ranked post carries the human-readable reasons it
is there ("from someone you follow", "a remix of your post", "popular today", "matches 'animals'").
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

POPULAR_TODAY_H = 24.0


class Relation(Enum):
    """What the viewer is to a post's author (or the post to the viewer, for remixes)."""

    MUTUAL = "mutual"
    REMIX_OF_YOURS = "remix_of_yours"
    FOLLOWING = "following"
    INTERACTED = "interacted"


@dataclass(frozen=True, slots=True)
class RankingWeights:
    """The ranking's knobs; the module docstring explains each. The defaults are the documented policy."""

    mutual: float = 4.0
    remix_of_yours: float = 3.5
    following: float = 3.0
    interacted: float = 2.0
    like: float = 1.0
    comment: float = 3.0
    remix: float = 5.0
    engagement: float = 0.6
    half_life_h: float = 24.0
    steer: float = 6.0
    steer_floor: float = 0.10
    steer_full: float = 0.45
    steer_match: float = 0.25  # from this cosine on, a post is said to match the steer text
    friends_boost: float = 2.5
    per_creator: int = 2

    def proximity_of(self, relation: Relation) -> float:
        if relation is Relation.MUTUAL:
            return self.mutual
        if relation is Relation.REMIX_OF_YOURS:
            return self.remix_of_yours
        if relation is Relation.FOLLOWING:
            return self.following
        return self.interacted


DEFAULT_WEIGHTS = RankingWeights()


@dataclass(frozen=True, slots=True)
class Candidate:
    """A post that might be shown, with what the candidate queries learned about it."""

    post_id: str
    author_id: str
    created_at: datetime
    like_count: int = 0
    comment_count: int = 0
    remix_count: int = 0
    hidden: bool = False
    relations: frozenset[Relation] = frozenset()
    popular: bool = False
    similarity: float | None = None  # cosine to the steer text; None when unsteered or not embedded


def with_similarity(candidate: Candidate, similarity: float) -> Candidate:
    """The candidate with its cosine to the steer text (built directly: `dataclasses.replace` is 3× slower)."""
    return Candidate(
        candidate.post_id,
        candidate.author_id,
        candidate.created_at,
        candidate.like_count,
        candidate.comment_count,
        candidate.remix_count,
        candidate.hidden,
        candidate.relations,
        candidate.popular,
        similarity,
    )


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is looking, and what they must not be shown."""

    user_id: str
    blocked_ids: frozenset[str] = frozenset()  # blocked by, or blocking, the viewer
    seen_post_ids: frozenset[str] = frozenset()  # viewed before, or already served in this scroll


@dataclass(frozen=True, slots=True)
class Steering:
    """What the viewer asked for in words: `topic` is embedded (None when only friends were asked for)."""

    text: str
    topic: str | None = None
    wants_friends: bool = False


@dataclass(frozen=True, slots=True)
class RankedPost:
    candidate: Candidate
    score: float
    why: tuple[str, ...] = field(default=())


def engagement_score(candidate: Candidate, weights: RankingWeights = DEFAULT_WEIGHTS) -> float:
    """The log-damped, weighted engagement term (never negative; counts below zero count as zero)."""
    weighted = (
        weights.remix * max(candidate.remix_count, 0)
        + weights.comment * max(candidate.comment_count, 0)
        + weights.like * max(candidate.like_count, 0)
    )
    return weights.engagement * math.log1p(weighted)


def freshness(created_at: datetime, now: datetime, weights: RankingWeights = DEFAULT_WEIGHTS) -> float:
    """`0.5 ** (age_h / half_life_h)`, in (0, 1]; a post dated after `now` counts as brand new."""
    age_h = max((now - created_at).total_seconds(), 0.0) / 3600.0
    return float(0.5 ** (age_h / weights.half_life_h))


def relevance(similarity: float | None, weights: RankingWeights = DEFAULT_WEIGHTS) -> float:
    """The steering boost for a cosine similarity (0 when unsteered or below the floor)."""
    if similarity is None:
        return 0.0
    scaled = (similarity - weights.steer_floor) / (weights.steer_full - weights.steer_floor)
    return weights.steer * min(max(scaled, 0.0), 1.0)


def proximity(
    candidate: Candidate, steering: Steering | None = None, weights: RankingWeights = DEFAULT_WEIGHTS
) -> float:
    closeness = max((weights.proximity_of(relation) for relation in candidate.relations), default=0.0)
    if steering is not None and steering.wants_friends:
        closeness *= weights.friends_boost
    return closeness


def score(
    candidate: Candidate,
    now: datetime,
    steering: Steering | None = None,
    weights: RankingWeights = DEFAULT_WEIGHTS,
) -> float:
    """The candidate's score (see the module docstring); exclusions are `rank`'s job, not this function's."""
    return _Scorer.of(now, steering, weights)(candidate)


@dataclass(frozen=True, slots=True)
class _Scorer:
    """`score`, with what does not depend on the candidate worked out once per page (a page scores hundreds).

    The same terms as `proximity`, `engagement_score`, `relevance` and `freshness`, inlined.
    """

    weights: RankingWeights
    now_s: float
    half_life_s: float
    closeness: dict[Relation, float]
    steered: bool

    @classmethod
    def of(cls, now: datetime, steering: Steering | None, weights: RankingWeights) -> _Scorer:
        boost = weights.friends_boost if steering is not None and steering.wants_friends else 1.0
        return cls(
            weights=weights,
            now_s=now.timestamp(),
            half_life_s=weights.half_life_h * 3600.0,
            closeness={relation: weights.proximity_of(relation) * boost for relation in Relation},
            steered=steering is not None and bool(steering.topic),
        )

    def __call__(self, candidate: Candidate) -> float:
        w = self.weights
        relations = candidate.relations
        closeness = max([self.closeness[relation] for relation in relations]) if relations else 0.0
        weighted = (
            w.remix * max(candidate.remix_count, 0)
            + w.comment * max(candidate.comment_count, 0)
            + w.like * max(candidate.like_count, 0)
        )
        boost = relevance(candidate.similarity, w) if self.steered else 0.0
        age_s = self.now_s - candidate.created_at.timestamp()
        fresh = 0.5 ** (age_s / self.half_life_s) if age_s > 0 else 1.0
        return (closeness + w.engagement * math.log1p(weighted) + boost) * fresh


def reasons(
    candidate: Candidate,
    now: datetime,
    steering: Steering | None = None,
    weights: RankingWeights = DEFAULT_WEIGHTS,
) -> tuple[str, ...]:
    """Why this post is in the viewer's feed, in plain words, strongest reason first."""
    why: list[str] = []
    if steering is not None and steering.topic and (candidate.similarity or 0.0) >= weights.steer_match:
        why.append(f"matches '{_quoted(steering.text)}'")
    relations = candidate.relations
    if Relation.REMIX_OF_YOURS in relations:
        why.append("a remix of your post")
    if Relation.MUTUAL in relations:
        why.append("from someone you follow who follows you back")
    elif Relation.FOLLOWING in relations:
        why.append("from someone you follow")
    elif Relation.INTERACTED in relations:
        why.append("from someone whose posts you liked or commented on")
    if steering is not None and steering.wants_friends and relations:
        why.append("more from people you know, as you asked")
    if candidate.popular:
        age_h = max((now - candidate.created_at).total_seconds(), 0.0) / 3600.0
        why.append("popular today" if age_h < POPULAR_TODAY_H else "popular this week")
    return tuple(why) or ("new on mutoscope",)


def visible(candidate: Candidate, viewer: Viewer) -> bool:
    """Whether the candidate may be shown at all: not the viewer's own, not blocked, not hidden, not seen."""
    return not (
        candidate.author_id == viewer.user_id
        or candidate.author_id in viewer.blocked_ids
        or candidate.hidden
        or candidate.post_id in viewer.seen_post_ids
    )


def rank(
    candidates: Iterable[Candidate],
    viewer: Viewer,
    *,
    now: datetime,
    limit: int,
    steering: Steering | None = None,
    weights: RankingWeights = DEFAULT_WEIGHTS,
) -> list[RankedPost]:
    """The page: the best `limit` visible candidates, at most `weights.per_creator` per author."""
    if limit <= 0:
        return []
    scorer = _Scorer.of(now, steering, weights)
    scored = [
        RankedPost(candidate, scorer(candidate))
        for candidate in combine(candidates)
        if visible(candidate, viewer)
    ]
    # Best first; ties: newer first, then by id (three stable passes, least significant key first).
    scored.sort(key=lambda ranked: ranked.candidate.post_id)
    scored.sort(key=lambda ranked: ranked.candidate.created_at, reverse=True)
    scored.sort(key=lambda ranked: ranked.score, reverse=True)
    page = take_capped(scored, limit=limit, per_creator=weights.per_creator)
    # Explaining costs more than scoring, so only the posts that made the page are explained.
    return [dataclasses.replace(item, why=reasons(item.candidate, now, steering, weights)) for item in page]


def take_capped(ranked: Iterable[RankedPost], *, limit: int, per_creator: int) -> list[RankedPost]:
    """The first `limit` posts in order, skipping an author's posts beyond their `per_creator`th."""
    page: list[RankedPost] = []
    per_author: dict[str, int] = {}
    for item in ranked:
        author = item.candidate.author_id
        if per_author.get(author, 0) >= per_creator:
            continue
        per_author[author] = per_author.get(author, 0) + 1
        page.append(item)
        if len(page) >= limit:
            break
    return page


def merge(first: Candidate, second: Candidate) -> Candidate:
    """One candidate from two sightings of the same post (from different candidate queries).

    Symmetric, so the result does not depend on which query saw the post first: counters read a moment apart
    keep the larger, and any sighting that says "hidden" wins.
    """
    return Candidate(
        post_id=first.post_id,
        author_id=first.author_id,
        created_at=min(first.created_at, second.created_at),
        like_count=max(first.like_count, second.like_count),
        comment_count=max(first.comment_count, second.comment_count),
        remix_count=max(first.remix_count, second.remix_count),
        hidden=first.hidden or second.hidden,
        relations=first.relations | second.relations,
        popular=first.popular or second.popular,
        similarity=max(
            (value for value in (first.similarity, second.similarity) if value is not None), default=None
        ),
    )


def combine(candidates: Iterable[Candidate]) -> Collection[Candidate]:
    """One candidate per post, merging what several candidate queries said about it."""
    merged: dict[str, Candidate] = {}
    for candidate in candidates:
        known = merged.get(candidate.post_id)
        merged[candidate.post_id] = candidate if known is None else merge(known, candidate)
    return merged.values()


def _quoted(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
