"""The feed: "For you" (candidates from `candidates.py`, ordered by the pure `ranking.py`), "Following" (reverse
time order), views, and the wellbeing cards (`wellbeing.py`).

A For-you page is computed in one read transaction: the viewer's graph (followees, mutuals, blocks, people they
interacted with), the candidates, which of them the viewer has seen, and (steered pages) the candidates'
embeddings; then it is ranked, and the chosen posts are loaded with their authors. Posts already served in the
same scroll come from the cursor, so pages never repeat. A teen's page is cut to what is left of their run or
day, and ends with a take-a-break card when that runs out.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Collection, Sequence
from datetime import datetime, timedelta

import numpy as np
import numpy.typing as npt
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from mutoscope.db import utcnow
from mutoscope.errors import InvalidRequestError, MissingDependencyError, ServiceUnavailableError
from mutoscope.server.accounts.auth import Principal
from mutoscope.server.accounts.models import User
from mutoscope.server.feed import candidates as sources
from mutoscope.server.feed.cursor import (
    FollowingCursor,
    ForYouCursor,
    decode_following,
    decode_for_you,
    encode_following,
    encode_for_you,
    post_tag,
)
from mutoscope.server.feed.embeddings import EmbedderFactory, embed_missing
from mutoscope.server.feed.models import ViewEvent
from mutoscope.server.feed.ranking import (
    Candidate,
    Relation,
    Steering,
    Viewer,
    combine,
    rank,
    visible,
    with_similarity,
)
from mutoscope.server.feed.schemas import (
    MAX_PAGE,
    Card,
    CardAction,
    CardItem,
    FeedItem,
    FeedPage,
    FeedPost,
    PostItem,
    ViewRecorded,
    ViewRequest,
    Wellbeing,
)
from mutoscope.server.feed.steering import parse_steering
from mutoscope.server.feed.wellbeing import (
    TeenGate,
    break_after,
    nudge_position,
    scroll_budget,
    start_of_day,
    teen_gate,
)
from mutoscope.server.generations.models import Video
from mutoscope.server.posts.models import Post
from mutoscope.server.posts.views import Links, user_ref
from mutoscope.server.posts.visibility import visible_post
from mutoscope.server.runtime import Runtime
from mutoscope.server.social.models import Follow
from mutoscope.text import EMBEDDING_MODEL, cosine_similarities, shared_embedder

logger = logging.getLogger(__name__)

PASSIVE_COUNT_CAP = 10_000  # past this many views without creating, the exact count no longer matters
_POPULAR = sources.PopularCache()
_TOPICS = sources.TopicIndex()


class FeedService:
    def __init__(
        self,
        runtime: Runtime,
        links: Links,
        *,
        embedder: EmbedderFactory = shared_embedder,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._rt = runtime
        self._links = links
        self._embedder = embedder
        self._clock = clock
        self._rules = runtime.settings.feed

    # -- For you ---------------------------------------------------------------------------------------------

    def for_you(self, principal: Principal, *, steer: str | None, cursor: str | None, limit: int) -> FeedPage:
        _check_limit(limit)
        steering = parse_steering(steer)
        state = self._for_you_cursor(cursor, steering)
        query = self._steer_vector(steering)
        now = self._clock()
        with self._rt.db.session() as session:
            gate = self._gate(session, principal, now)
            passive = passive_views(session, principal.user_id)
            left = self._left(gate, served=len(state.served), last_served_at=_last(cursor, state))
            budget = limit if left is None else min(limit, left)
            if budget <= 0:
                return self._closed_page("for_you", steering, gate, passive)
            found, viewer = self._gather(session, principal.user_id, now, query, state)
            if query is not None and steering is not None and steering.topic:
                found = self._with_similarity(session, found, viewer, query)
            ranked = rank(found, viewer, now=now, limit=budget, steering=steering)
            eligible = sum(1 for candidate in found if visible(candidate, viewer))
            posts = self._feed_posts(session, [item.candidate.post_id for item in ranked])
        items: list[FeedItem] = [
            PostItem(post=posts[item.candidate.post_id], why=list(item.why), score=round(item.score, 4))
            for item in ranked
            if item.candidate.post_id in posts
        ]
        ids = [item.candidate.post_id for item in ranked]
        more = len(ranked) >= budget and eligible > len(ranked)
        next_cursor = encode_for_you(state.after(ids, now)) if more else None
        return self._page(
            "for_you", steering, items, next_cursor=next_cursor, gate=gate, passive=passive, left=left
        )

    def _for_you_cursor(self, cursor: str | None, steering: Steering | None) -> ForYouCursor:
        steer_text = steering.text if steering is not None else None
        if cursor is None or not cursor.strip():
            return ForYouCursor(steer_text, (), self._clock())
        state = decode_for_you(cursor.strip())
        if state.steer != steer_text:
            raise InvalidRequestError(
                f"this cursor continues a feed steered by {state.steer!r}, not {steer_text!r}: send the same "
                "steer with it, or leave the cursor out to start a newly steered feed",
                param="cursor",
                code="invalid_cursor",
            )
        return state

    def _steer_vector(self, steering: Steering | None) -> npt.NDArray[np.float32] | None:
        if steering is None or steering.topic is None:
            return None
        try:
            return self._embedder().embed_one(steering.topic)
        except MissingDependencyError as error:
            raise ServiceUnavailableError(
                f"Steering by words is unavailable on this server: {error}"
            ) from error

    def _gather(
        self,
        session: Session,
        user_id: str,
        now: datetime,
        query: npt.NDArray[np.float32] | None,
        state: ForYouCursor,
    ) -> tuple[list[Candidate], Viewer]:
        graph = sources.viewer_graph(session, user_id)
        authors = graph.relations()
        blocked = graph.blocked
        key = self._rt.db.url
        found = [
            *sources.personal(session, user_id=user_id, authors=authors, blocked=blocked, now=now),
            *_POPULAR.get(key, session, now=now, ttl_s=self._rules.popular_cache_s),
        ]
        if query is not None:
            nearest = _TOPICS.nearest(
                key, session, query, model=EMBEDDING_MODEL, now=now, ttl_s=self._rules.popular_cache_s
            )
            known = {candidate.post_id for candidate in found}
            found += sources.by_ids(session, [i for i in nearest if i not in known], blocked=blocked)
        merged = [_with_relation(candidate, authors) for candidate in combine(found)]
        ids = [candidate.post_id for candidate in merged]
        seen = sources.seen_post_ids(session, user_id, ids)
        if state.served:
            served = state.served_tags()
            seen |= {post_id for post_id in ids if post_tag(post_id) in served}
        return merged, Viewer(user_id, blocked, frozenset(seen))

    def _with_similarity(
        self, session: Session, found: Sequence[Candidate], viewer: Viewer, query: npt.NDArray[np.float32]
    ) -> list[Candidate]:
        """The candidates with their cosine to the steer text (embedding a few that have none yet)."""
        shown = [candidate.post_id for candidate in found if visible(candidate, viewer)]
        vectors = _TOPICS.vectors_of(self._rt.db.url, shown)
        unknown = [post_id for post_id in shown if post_id not in vectors]
        vectors.update(sources.embeddings_of(session, unknown, model=EMBEDDING_MODEL))
        missing = [post_id for post_id in shown if post_id not in vectors]
        if missing:
            vectors.update(
                embed_missing(
                    self._rt.db, missing, limit=self._rules.lazy_embed_limit, embedder=self._embedder
                )
            )
        known = [candidate for candidate in found if candidate.post_id in vectors]
        if not known:
            return list(found)
        similarities = cosine_similarities(query, np.stack([vectors[c.post_id] for c in known]))
        scored = {c.post_id: float(value) for c, value in zip(known, similarities, strict=True)}
        return [
            with_similarity(candidate, scored[candidate.post_id])
            if candidate.post_id in scored
            else candidate
            for candidate in found
        ]

    # -- Following -------------------------------------------------------------------------------------------

    def following(self, principal: Principal, *, cursor: str | None, limit: int) -> FeedPage:
        _check_limit(limit)
        state = decode_following(cursor.strip()) if cursor is not None and cursor.strip() else None
        now = self._clock()
        me = principal.user_id
        with self._rt.db.session() as session:
            gate = self._gate(session, principal, now)
            passive = passive_views(session, me)
            served = state.served if state is not None else 0
            left = self._left(
                gate, served=served, last_served_at=state.last_served_at if state is not None else None
            )
            budget = limit if left is None else min(limit, left)
            if budget <= 0:
                return self._closed_page("following", None, gate, passive)
            graph = sources.viewer_graph(session, me)
            mutuals, blocked = graph.mutuals, graph.blocked
            query = (
                select(Post, User)
                .join(User, User.id == Post.author_id)
                .where(
                    Post.author_id.in_(select(Follow.followee_id).where(Follow.follower_id == me)),
                    Post.hidden.is_(False),
                )
                .order_by(Post.created_at.desc(), Post.id.desc())
                .limit(budget + 1)
            )
            if blocked:
                query = query.where(~sources.among(session, Post.author_id, blocked))
            if state is not None:
                query = query.where(
                    or_(
                        Post.created_at < state.created_at,
                        and_(Post.created_at == state.created_at, Post.id < state.post_id),
                    )
                )
            rows = session.execute(query).all()
        page = rows[:budget]
        items: list[FeedItem] = [
            PostItem(
                post=self._feed_post(post, author),
                why=[
                    "from someone you follow who follows you back"
                    if post.author_id in mutuals
                    else "from someone you follow"
                ],
            )
            for post, author in page
        ]
        next_cursor = None
        if len(rows) > budget and page:
            last = page[-1][0]
            next_cursor = encode_following(FollowingCursor(last.created_at, last.id, served + len(page), now))
        return self._page(
            "following", None, items, next_cursor=next_cursor, gate=gate, passive=passive, left=left
        )

    # -- views -----------------------------------------------------------------------------------------------

    def record_view(self, principal: Principal, request: ViewRequest) -> ViewRecorded:
        now = self._clock()
        with self._rt.db.write_session() as session:
            post = visible_post(session, principal, request.post_id)
            session.add(
                ViewEvent(
                    user_id=principal.user_id, post_id=post.id, watched_ms=request.watched_ms, created_at=now
                )
            )
            session.execute(update(Post).where(Post.id == post.id).values(view_count=Post.view_count + 1))
            view_count = int(session.scalar(select(Post.view_count).where(Post.id == post.id)) or 0)
            session.flush()
            gate = self._gate(session, principal, now)
            passive = passive_views(session, principal.user_id)
        return ViewRecorded(
            post_id=post.id,
            watched_ms=request.watched_ms,
            created_at=now,
            view_count=view_count,
            wellbeing=self._wellbeing(gate, passive),
        )

    # -- wellbeing and shapes --------------------------------------------------------------------------------

    def _gate(self, session: Session, principal: Principal, now: datetime) -> TeenGate | None:
        if not (principal.is_teen and self._rules.teen_limits):
            return None
        since = min(start_of_day(now), now - timedelta(days=1))
        times = session.scalars(
            select(ViewEvent.created_at)
            .where(ViewEvent.user_id == principal.user_id, ViewEvent.created_at >= since)
            .order_by(ViewEvent.created_at.desc())
            .limit(self._rules.teen_daily_views + self._rules.teen_session_views + 1)
        ).all()
        return teen_gate(times, now, self._rules)

    def _left(self, gate: TeenGate | None, *, served: int, last_served_at: datetime | None) -> int | None:
        """How many posts this scroll may still serve a teen (None: no limit)."""
        if gate is None:
            return None
        return scroll_budget(
            gate, served_in_scroll=served, last_served_at=last_served_at, now=self._clock(), rules=self._rules
        )

    def _page(
        self,
        tab: str,
        steering: Steering | None,
        items: list[FeedItem],
        *,
        next_cursor: str | None,
        gate: TeenGate | None,
        passive: int,
        left: int | None,
    ) -> FeedPage:
        """The page with its cards: "make something" where the passive run reaches a multiple of the nudge
        count, and, when this page spends what is left of a teen's run or day, a closing take-a-break card."""
        posts_served = len(items)
        spot = nudge_position(passive, posts_served, self._rules.nudge_after_views)
        if spot is not None:
            items.insert(spot, CardItem(card=_make_something(passive + spot)))
        if gate is not None and left is not None and 0 < left <= posts_served:
            reason, resume_at = break_after(gate, posts_served, self._clock(), self._rules)
            items.append(CardItem(card=_take_a_break(reason, resume_at)))
            next_cursor = None
        return FeedPage(
            tab="for_you" if tab == "for_you" else "following",
            steer=steering.text if steering is not None else None,
            data=items,
            has_more=next_cursor is not None,
            next_cursor=next_cursor,
            wellbeing=self._wellbeing(gate, passive, left=None if left is None else left - posts_served),
        )

    def _closed_page(
        self, tab: str, steering: Steering | None, gate: TeenGate | None, passive: int
    ) -> FeedPage:
        if gate is not None and gate.closed and gate.reason is not None and gate.resume_at is not None:
            reason, resume_at = gate.reason, gate.resume_at
        else:  # the scroll spent its budget without reporting views: a run's worth was served
            reason, resume_at = "session_cap", self._clock() + timedelta(seconds=self._rules.teen_cooldown_s)
        return FeedPage(
            tab="for_you" if tab == "for_you" else "following",
            steer=steering.text if steering is not None else None,
            data=[CardItem(card=_take_a_break(reason, resume_at))],
            has_more=False,
            next_cursor=None,
            wellbeing=self._wellbeing(gate, passive, resume_at=resume_at),
        )

    def _wellbeing(
        self,
        gate: TeenGate | None,
        passive: int,
        *,
        resume_at: datetime | None = None,
        left: int | None = None,
    ) -> Wellbeing:
        views_left = None if gate is None else (gate.views_left if left is None else max(left, 0))
        return Wellbeing(
            passive_views=passive,
            nudge_every=self._rules.nudge_after_views,
            teen_limits=gate is not None,
            views_left=views_left,
            resume_at=resume_at or (gate.resume_at if gate is not None else None),
        )

    def _feed_posts(self, session: Session, post_ids: Collection[str]) -> dict[str, FeedPost]:
        if not post_ids:
            return {}
        rows = session.execute(
            select(Post, User).join(User, User.id == Post.author_id).where(Post.id.in_(list(post_ids)))
        ).all()
        return {post.id: self._feed_post(post, author) for post, author in rows}

    def _feed_post(self, post: Post, author: User) -> FeedPost:
        return FeedPost(
            id=post.id,
            author=user_ref(author),
            caption=post.caption,
            video_id=post.video_id,
            created_at=post.created_at,
            like_count=post.like_count,
            comment_count=post.comment_count,
            remix_count=post.remix_count,
            view_count=post.view_count,
            remix_of_post_id=post.remix_of_post_id,
            root_post_id=post.root_post_id,
            video_url=self._links.post_video(post.id),
            thumbnail_url=self._links.post_thumbnail(post.id),
            share_url=self._links.share(post.id),
        )


def passive_views(session: Session, user_id: str) -> int:
    """Views since the user last made a video (every generation counts as making something), in one query."""
    last_made = select(func.max(Video.created_at)).where(Video.owner_id == user_id).scalar_subquery()
    views = select(ViewEvent.id).where(
        ViewEvent.user_id == user_id,
        or_(last_made.is_(None), ViewEvent.created_at > last_made),
    )
    counted = select(func.count()).select_from(views.limit(PASSIVE_COUNT_CAP).subquery())
    return int(session.scalar(counted) or 0)


def _with_relation(candidate: Candidate, authors: dict[str, Relation]) -> Candidate:
    relation = authors.get(candidate.author_id)
    if relation is None or relation in candidate.relations:
        return candidate
    return dataclasses.replace(candidate, relations=candidate.relations | {relation})


def _check_limit(limit: int) -> None:
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidRequestError(f"'limit' must be between 1 and {MAX_PAGE}; got {limit}.", param="limit")


def _last(cursor: str | None, state: ForYouCursor) -> datetime | None:
    return state.last_served_at if cursor is not None and cursor.strip() else None


def _make_something(passive: int) -> Card:
    return Card(
        kind="make_something",
        title="Make something",
        body=f"You've watched {passive} videos since you last made one. "
        "What would you make? Start from a prompt, or remix something you just saw.",
        action=CardAction(label="Create", href="/create"),
    )


def _take_a_break(reason: str, resume_at: datetime) -> Card:
    if reason == "daily_cap":
        body = "That's today's videos. Your feed opens again tomorrow; until then, why not make something?"
    else:
        body = "You've been watching for a while. Take a break: your feed opens again in a little while."
    return Card(
        kind="take_a_break",
        title="Time for a break",
        body=body,
        action=CardAction(label="Make something instead", href="/create"),
        reason="daily_cap" if reason == "daily_cap" else "session_cap",
        resume_at=resume_at,
    )
