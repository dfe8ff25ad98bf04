"""Where "For you" candidates come from: a handful of bounded SQL queries, each served by an index.

- **social**: recent posts (14 days) by people the viewer follows or has interacted with (liked or commented
  on their posts), newest first, at most 250 (`ix_posts_author_created` / `ix_posts_created`);
- **remixes of yours**: the newest 50 posts that remix one of the viewer's posts (`posts.remix_of_post_id`);
- **popular**: the 150 most engaged posts of the last 3 days by the ranking's own engagement weights (at least 3
  likes' worth), from the denormalised counters; the same for everyone, so computed once per `popular_cache_s`
  per process;
- **fresh**: the newest 80 posts, so a quiet site or a new viewer still has something to see;
- **topic** (steered pages only): the posts of the last 7 days whose embeddings are closest to the steer
  text, from an in-process index of their embeddings that is topped up incrementally.

About 500 candidates in all (25 pages), fetched in two round trips (the viewer's graph, then social + remixes +
fresh as one UNION ALL; popular comes from the cache). Each returns `ranking.Candidate`s; hidden posts and
blocked authors are filtered in SQL already (the ranking filters them again), so they do not take slots.
Nothing here ranks.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
from sqlalchemy import (
    BindParameter,
    ColumnElement,
    CompoundSelect,
    Select,
    String,
    and_,
    any_,
    bindparam,
    literal,
    select,
    union,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased

from mutoscope.server.feed.models import PostEmbedding, ViewEvent
from mutoscope.server.feed.ranking import DEFAULT_WEIGHTS, Candidate, Relation
from mutoscope.server.posts.models import Comment, Like, Post
from mutoscope.server.social.models import Block, Follow
from mutoscope.text import EMBEDDING_DIMENSIONS, cosine_similarities

SOCIAL_WINDOW = timedelta(days=14)
SOCIAL_LIMIT = 250
REMIX_LIMIT = 50
POPULAR_WINDOW = timedelta(days=3)
POPULAR_LIMIT = 150
# "Popular" needs some engagement to mean anything: 3 likes, or a comment, or a remix (weighted as ranked).
POPULAR_MIN_ENGAGEMENT = 3
FRESH_LIMIT = 80
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


def _candidate(row: Any, relations: frozenset[Relation] = frozenset(), popular: bool = False) -> Candidate:
    """A candidate from a row that starts with `_COLUMNS`."""
    return Candidate(
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


def to_candidates(
    rows: Iterable[Any], *, relations: frozenset[Relation] = frozenset(), popular: bool = False
) -> list[Candidate]:
    return [_candidate(row, relations, popular) for row in rows]


def among(
    session: Session, column: InstrumentedAttribute[str], values: Collection[str]
) -> ColumnElement[bool]:
    """`column IN values`. On PostgreSQL one array parameter (`= ANY(%s)`): a list of hundreds of ids as
    separate parameters costs more to build, send and plan than the query itself takes to run."""
    if _dialect(session) == "postgresql":
        return column == any_(literal(list(values), ARRAY(String)))
    return column.in_(list(values))


def _among_param(column: InstrumentedAttribute[str], name: str, dialect: str) -> ColumnElement[bool]:
    """`column IN :name` for a list given at execution time (an array parameter on PostgreSQL)."""
    if dialect == "postgresql":
        return column == any_(bindparam(name, type_=ARRAY(String)))
    return column.in_(bindparam(name, expanding=True))


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _visible(session: Session, query: _Query, blocked: Collection[str]) -> _Query:
    query = query.where(Post.hidden.is_(False))
    return query.where(~among(session, Post.author_id, blocked)) if blocked else query


@dataclass(frozen=True, slots=True)
class Graph:
    """The viewer's people: whom they follow, their mutuals, blocks either way, and whom they interact with."""

    followees: frozenset[str] = frozenset()
    mutuals: frozenset[str] = frozenset()
    blocked: frozenset[str] = frozenset()
    interacted: frozenset[str] = frozenset()

    def relations(self) -> dict[str, Relation]:
        """Each known author's closest relation to the viewer (blocked people have none)."""
        authors = dict.fromkeys(self.interacted - self.blocked, Relation.INTERACTED)
        authors.update(dict.fromkeys(self.followees - self.blocked, Relation.FOLLOWING))
        authors.update(dict.fromkeys(self.mutuals - self.blocked, Relation.MUTUAL))
        return authors


# The hot statements are built once (per SQL dialect) with bind parameters, not per page: building and
# cache-keying a five-part UNION costs more CPU than PostgreSQL spends running it.


@cache
def _graph_statement() -> CompoundSelect[Any]:
    me: BindParameter[str] = bindparam("me")
    followees = select(Follow.followee_id).where(Follow.follower_id == me)
    liked = (
        select(Like.post_id)
        .where(Like.user_id == me)
        .order_by(Like.created_at.desc())
        .limit(INTERACTED_LIKES)
    )
    commented = (
        select(Comment.post_id)
        .where(Comment.author_id == me)
        .order_by(Comment.created_at.desc())
        .limit(INTERACTED_COMMENTS)
    )
    touched = union(liked.subquery().select(), commented.subquery().select()).subquery()
    return union_all(
        select(Follow.followee_id, literal("f")).where(Follow.follower_id == me),
        select(Follow.follower_id, literal("m")).where(
            Follow.followee_id == me, Follow.follower_id.in_(followees)
        ),
        select(Block.blocked_id, literal("b")).where(Block.blocker_id == me),
        select(Block.blocker_id, literal("b")).where(Block.blocked_id == me),
        select(Post.author_id, literal("i"))
        .where(Post.id.in_(select(touched.c.post_id)), Post.author_id != me)
        .distinct(),
    )


def viewer_graph(session: Session, user_id: str) -> Graph:
    """The viewer's `Graph` in one round trip (the feed's hot path; `social.service` answers the same
    questions one at a time): follows both ways, blocks both ways, and the authors of the posts the viewer
    most recently liked or commented on."""
    found: dict[str, set[str]] = {"f": set(), "m": set(), "b": set(), "i": set()}
    for person, kind in session.execute(_graph_statement(), {"me": user_id}).all():
        found[kind].add(person)
    return Graph(
        followees=frozenset(found["f"]),
        mutuals=frozenset(found["m"]),
        blocked=frozenset(found["b"]),
        interacted=frozenset(found["i"]),
    )


@cache
def _personal_statement(dialect: str) -> CompoundSelect[Any]:
    me: BindParameter[str] = bindparam("me")
    shown = and_(Post.hidden.is_(False), ~_among_param(Post.author_id, "blocked", dialect))
    parent = aliased(Post)
    remixes = (
        select(*_COLUMNS, literal("r"))
        .join(parent, parent.id == Post.remix_of_post_id)
        .where(parent.author_id == me, Post.author_id != me, shown)
        .order_by(Post.created_at.desc())
        .limit(REMIX_LIMIT)
    )
    newest = select(*_COLUMNS, literal("n")).where(shown).order_by(Post.created_at.desc()).limit(FRESH_LIMIT)
    social = (
        select(*_COLUMNS, literal("s"))
        .where(_among_param(Post.author_id, "authors", dialect), Post.created_at >= bindparam("since"), shown)
        .order_by(Post.created_at.desc())
        .limit(SOCIAL_LIMIT)
    )
    return union_all(*(part.subquery().select() for part in (social, remixes, newest)))


def personal(
    session: Session, *, user_id: str, authors: dict[str, Relation], blocked: Collection[str], now: datetime
) -> list[Candidate]:
    """Three bounded queries in one round trip (UNION ALL):

    - recent posts by the people in `authors` (followees and interacted-with), tagged with their relation;
    - the newest posts that remix one of the viewer's posts;
    - the newest posts of all, so a quiet site or a new viewer still has something to see.
    """
    params = {"me": user_id, "authors": list(authors), "blocked": list(blocked), "since": now - SOCIAL_WINDOW}
    rows = session.execute(_personal_statement(_dialect(session)), params).all()
    tagged = {relation: frozenset({relation}) for relation in Relation}
    by_source = {"r": tagged[Relation.REMIX_OF_YOURS], "n": frozenset[Relation]()}
    return [_candidate(row, tagged[authors[row[1]]] if row[7] == "s" else by_source[row[7]]) for row in rows]


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
        .where(
            Post.created_at >= now - POPULAR_WINDOW,
            Post.hidden.is_(False),
            engagement >= POPULAR_MIN_ENGAGEMENT,
        )
        .order_by(engagement.desc(), Post.created_at.desc())
        .limit(POPULAR_LIMIT)
    )
    return to_candidates(session.execute(query).all(), popular=True)


def by_ids(session: Session, post_ids: Collection[str], *, blocked: Collection[str]) -> list[Candidate]:
    if not post_ids:
        return []
    query = select(*_COLUMNS).where(among(session, Post.id, post_ids))
    return to_candidates(session.execute(_visible(session, query, blocked)).all())


@cache
def _seen_statement(dialect: str) -> Select[str]:
    return select(ViewEvent.post_id).where(
        ViewEvent.user_id == bindparam("me"), _among_param(ViewEvent.post_id, "posts", dialect)
    )


def seen_post_ids(session: Session, user_id: str, post_ids: Collection[str]) -> set[str]:
    """Which of `post_ids` the viewer has viewed (bounded by the candidates, not by the viewer's history)."""
    if not post_ids:
        return set()
    statement = _seen_statement(_dialect(session))
    return set(session.scalars(statement, {"me": user_id, "posts": list(post_ids)}).all())


def embeddings_of(
    session: Session, post_ids: Collection[str], *, model: str
) -> dict[str, npt.NDArray[np.float32]]:
    if not post_ids:
        return {}
    query = select(PostEmbedding.post_id, PostEmbedding.vector).where(
        among(session, PostEmbedding.post_id, post_ids), PostEmbedding.model == model
    )
    return {post_id: vector_from_bytes(vector) for post_id, vector in session.execute(query).all()}


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
    positions: dict[str, int] = field(default_factory=dict)
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
        similarities = cosine_similarities(query, vectors)
        count = min(limit, len(ids))
        best = np.argpartition(-similarities, count - 1)[:count]
        best = best[np.argsort(-similarities[best], kind="stable")]
        return [ids[i] for i in best if similarities[i] >= floor]

    def vectors_of(self, key: str, post_ids: Collection[str]) -> dict[str, npt.NDArray[np.float32]]:
        """The embeddings of those of `post_ids` the index holds (saves reading them from the database)."""
        with self._lock:
            state = self._states.get(key)
            if state is None:
                return {}
            positions, vectors = state.positions, state.vectors
        return {post_id: vectors[positions[post_id]] for post_id in post_ids if post_id in positions}

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
        state.positions = {post_id: index for index, post_id in enumerate(ids)}
        newest = max((row[1] for row in rows), default=None)
        if newest is not None and (state.newest is None or newest > state.newest):
            state.newest = newest
        state.refreshed_at = time.monotonic()
