"""Where "For you" candidates come from: a handful of bounded SQL queries, each served by an index.

- **social**: recent posts (14 days) by people the viewer follows or has interacted with (liked or commented
  on their posts), newest first, at most 300 (`ix_posts_author_created` / `ix_posts_created`);
- **remixes of yours**: the newest 50 posts that remix one of the viewer's posts (`posts.remix_of_post_id`);
- **popular**: the 200 most engaged posts of the last 3 days by the ranking's own engagement weights, from the
  denormalised counters; the same for everyone, so computed once per `popular_cache_s` per process;
- **fresh**: the newest 100 posts, so a quiet site or a new viewer still has something to see;
- **topic** (steered pages only): the posts of the last 7 days whose embeddings are closest to the steer
  text, from an in-process index of their embeddings that is topped up incrementally.

Each returns `ranking.Candidate`s; hidden posts and blocked authors are filtered in SQL already (the ranking
filters them again), so they do not take slots. Nothing here ranks.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased

from mutoscope.server.feed.models import PostEmbedding
from mutoscope.server.feed.ranking import DEFAULT_WEIGHTS, Candidate, Relation
from mutoscope.server.posts.models import Comment, Like, Post
from mutoscope.text import EMBEDDING_DIMENSIONS

SOCIAL_WINDOW = timedelta(days=14)
SOCIAL_LIMIT = 300
REMIX_LIMIT = 50
POPULAR_WINDOW = timedelta(days=3)
POPULAR_LIMIT = 200
FRESH_LIMIT = 100
TOPIC_WINDOW = timedelta(days=7)
TOPIC_LIMIT = 150
INTERACTED_LIKES = 200
INTERACTED_COMMENTS = 100
# Refetch embeddings this far behind the newest indexed post: a post's embedding may land a little after it.
_TOPIC_OVERLAP = timedelta(minutes=10)

_Query = TypeVar("_Query", bound=Select[*tuple[Any, ...]])
_COLUMNS = (
    Post.id,
    Post.author_id,
    Post.created_at,
    Post.like_count,
    Post.comment_count,
    Post.remix_count,
    Post.hidden,
)


def to_candidates(
    rows: Iterable[Any], *, relations: frozenset[Relation] = frozenset(), popular: bool = False
) -> list[Candidate]:
    return [
        Candidate(
            post_id=row[0],
            author_id=row[1],
            created_at=row[2],
            like_count=row[3],
            comment_count=row[4],
            remix_count=row[5],
            hidden=row[6],
            relations=relations,
            popular=popular,
        )
        for row in rows
    ]


def _visible(query: _Query, blocked: Collection[str]) -> _Query:
    query = query.where(Post.hidden.is_(False))
    return query.where(Post.author_id.not_in(list(blocked))) if blocked else query


def interacted_author_ids(session: Session, user_id: str) -> set[str]:
    """Authors of the posts the viewer most recently liked or commented on (not the viewer)."""
    liked = (
        select(Like.post_id)
        .where(Like.user_id == user_id)
        .order_by(Like.created_at.desc())
        .limit(INTERACTED_LIKES)
    )
    commented = (
        select(Comment.post_id)
        .where(Comment.author_id == user_id)
        .order_by(Comment.created_at.desc())
        .limit(INTERACTED_COMMENTS)
    )
    post_ids = set(session.scalars(liked)) | set(session.scalars(commented))
    if not post_ids:
        return set()
    authors = set(session.scalars(select(Post.author_id).where(Post.id.in_(post_ids)).distinct()))
    authors.discard(user_id)
    return authors


def social(
    session: Session,
    *,
    authors: dict[str, Relation],
    blocked: Collection[str],
    now: datetime,
) -> list[Candidate]:
    """Recent posts by the people in `authors` (followees, interacted-with), tagged with each one's relation."""
    if not authors:
        return []
    query = (
        select(*_COLUMNS)
        .where(Post.author_id.in_(list(authors)), Post.created_at >= now - SOCIAL_WINDOW)
        .order_by(Post.created_at.desc())
        .limit(SOCIAL_LIMIT)
    )
    found = to_candidates(session.execute(_visible(query, blocked)))
    return [
        Candidate(
            post_id=c.post_id,
            author_id=c.author_id,
            created_at=c.created_at,
            like_count=c.like_count,
            comment_count=c.comment_count,
            remix_count=c.remix_count,
            hidden=c.hidden,
            relations=frozenset({authors[c.author_id]}),
        )
        for c in found
    ]


def remixes_of_yours(session: Session, *, user_id: str, blocked: Collection[str]) -> list[Candidate]:
    parent = aliased(Post)
    query = (
        select(*_COLUMNS)
        .join(parent, parent.id == Post.remix_of_post_id)
        .where(parent.author_id == user_id, Post.author_id != user_id)
        .order_by(Post.created_at.desc())
        .limit(REMIX_LIMIT)
    )
    return to_candidates(
        session.execute(_visible(query, blocked)), relations=frozenset({Relation.REMIX_OF_YOURS})
    )


def fresh(session: Session, *, blocked: Collection[str]) -> list[Candidate]:
    query = select(*_COLUMNS).order_by(Post.created_at.desc()).limit(FRESH_LIMIT)
    return to_candidates(session.execute(_visible(query, blocked)))


def popular(session: Session, *, now: datetime) -> list[Candidate]:
    """The most engaged recent posts, by the ranking's weighted engagement (hidden ones left out)."""
    weights = DEFAULT_WEIGHTS
    engagement = (
        Post.remix_count * weights.remix
        + Post.comment_count * weights.comment
        + Post.like_count * weights.like
    )
    query = (
        select(*_COLUMNS)
        .where(Post.created_at >= now - POPULAR_WINDOW, Post.hidden.is_(False))
        .order_by(engagement.desc(), Post.created_at.desc())
        .limit(POPULAR_LIMIT)
    )
    return to_candidates(session.execute(query), popular=True)


def by_ids(session: Session, post_ids: Collection[str], *, blocked: Collection[str]) -> list[Candidate]:
    if not post_ids:
        return []
    query = select(*_COLUMNS).where(Post.id.in_(list(post_ids)))
    return to_candidates(session.execute(_visible(query, blocked)))


def seen_post_ids(session: Session, user_id: str, post_ids: Collection[str]) -> set[str]:
    """Which of `post_ids` the viewer has viewed (bounded by the candidates, not by the viewer's history)."""
    from mutoscope.server.feed.models import ViewEvent

    if not post_ids:
        return set()
    query = select(ViewEvent.post_id).where(
        ViewEvent.user_id == user_id, ViewEvent.post_id.in_(list(post_ids))
    )
    return set(session.scalars(query.distinct()))


def embeddings_of(
    session: Session, post_ids: Collection[str], *, model: str
) -> dict[str, npt.NDArray[np.float32]]:
    if not post_ids:
        return {}
    query = select(PostEmbedding.post_id, PostEmbedding.vector).where(
        PostEmbedding.post_id.in_(list(post_ids)), PostEmbedding.model == model
    )
    return {post_id: vector_from_bytes(vector) for post_id, vector in session.execute(query)}


def vector_from_bytes(data: bytes) -> npt.NDArray[np.float32]:
    return np.frombuffer(data, dtype="<f4").astype(np.float32)


@dataclass
class _Cached:
    loaded_at: float
    candidates: list[Candidate]


@dataclass
class PopularCache:
    """Popular candidates per database, recomputed at most once per `ttl_s` (0: every time)."""

    _entries: dict[str, _Cached] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, key: str, session: Session, *, now: datetime, ttl_s: float) -> list[Candidate]:
        clock = time.monotonic()
        with self._lock:
            cached = self._entries.get(key)
        if ttl_s > 0 and cached is not None and clock - cached.loaded_at < ttl_s:
            return cached.candidates
        found = popular(session, now=now)
        with self._lock:
            self._entries[key] = _Cached(clock, found)
        return found


@dataclass
class _TopicState:
    ids: list[str] = field(default_factory=list)
    created: npt.NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    vectors: npt.NDArray[np.float32] = field(
        default_factory=lambda: np.zeros((0, EMBEDDING_DIMENSIONS), dtype=np.float32)
    )
    newest: datetime | None = None
    refreshed_at: float = float("-inf")


@dataclass
class TopicIndex:
    """Embeddings of the last `TOPIC_WINDOW` of posts, per database, for finding posts about a steer text.

    Topped up with the posts created since the last refresh (at most once per `ttl_s`), and trimmed to the
    window, so a refresh reads only what is new. A post embedded long after it was posted (lazily) is not
    added here, but it is still matched when it is a candidate by another route.
    """

    _states: dict[str, _TopicState] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def nearest(
        self,
        key: str,
        session: Session,
        query: npt.NDArray[np.float32],
        *,
        model: str,
        now: datetime,
        ttl_s: float,
        limit: int = TOPIC_LIMIT,
        floor: float = DEFAULT_WEIGHTS.steer_floor,
    ) -> list[str]:
        """Ids of the recent posts most similar to `query` (cosine at least `floor`), best first."""
        with self._lock:
            state = self._states.setdefault(key, _TopicState())
            if time.monotonic() - state.refreshed_at >= ttl_s:
                self._refresh(state, session, model=model, now=now)
            ids, vectors = state.ids, state.vectors
        if not ids:
            return []
        similarities = vectors @ query
        count = min(limit, len(ids))
        best = np.argpartition(-similarities, count - 1)[:count]
        best = best[np.argsort(-similarities[best], kind="stable")]
        return [ids[i] for i in best if similarities[i] >= floor]

    def _refresh(self, state: _TopicState, session: Session, *, model: str, now: datetime) -> None:
        horizon = now - TOPIC_WINDOW
        since = horizon if state.newest is None else max(horizon, state.newest - _TOPIC_OVERLAP)
        rows = session.execute(
            select(PostEmbedding.post_id, Post.created_at, PostEmbedding.vector)
            .join(Post, Post.id == PostEmbedding.post_id)
            .where(Post.created_at >= since, Post.hidden.is_(False), PostEmbedding.model == model)
        ).all()
        known = set(state.ids)
        fresh_rows = [row for row in rows if row[0] not in known]
        keep = state.created >= horizon.timestamp()
        ids = [post_id for post_id, kept in zip(state.ids, keep, strict=True) if kept]
        created = state.created[keep]
        vectors = state.vectors[keep]
        if fresh_rows:
            ids += [row[0] for row in fresh_rows]
            created = np.concatenate([created, np.array([row[1].timestamp() for row in fresh_rows])])
            vectors = np.concatenate([vectors, np.stack([vector_from_bytes(row[2]) for row in fresh_rows])])
        state.ids, state.created, state.vectors = ids, created, vectors
        newest = max((row[1] for row in rows), default=None)
        if newest is not None and (state.newest is None or newest > state.newest):
            state.newest = newest
        state.refreshed_at = time.monotonic()
