"""Benchmark: server-side time of a "For you" page on a PostgreSQL database the size of a busy instance.

Creates a throwaway database on the local PostgreSQL (127.0.0.1:5432, trust auth, user postgres or root),
migrates it, and seeds it with COPY: 10,000 users; a follow graph with power-law skew (out-degrees log-normal,
targets by preferential popularity: a few accounts have thousands of followers, most a handful); 100,000
posts over 30 days by power-law-active authors (5% remixes of earlier posts), each with its video and an
embedding of its caption (captions drawn from a few hundred real sentences embedded with the real model);
1,000,000 likes and 200,000 comments skewed towards popular posts (counters on the posts equal the rows);
300,000 views; 2,000 blocks. Then it calls `FeedService` in-process (no HTTP) for pages of 20 items for random
users and prints one JSON line per case, with p50 and p95 in milliseconds:

- `for_you`: the first page. Target p95 ≤ 50 ms.
- `for_you_page2`: the next page from the first page's cursor.
- `for_you_steered`: a first page steered by a different plain-words text each time (so each embeds its
  text: the worst case; repeated texts are cached). Target p95 ≤ 100 ms.
- `for_you_no_popular_cache`: the first page with the shared popular-posts cache off (every page runs it).
- `following`: the Following tab's first page.

Caches warm up on a few requests before each case is measured (`cold_ms` reports the very first).

    .venv/bin/python benchmarks/feed.py [--users 10000] [--posts 100000] [--likes 1000000] [--samples 60]
                                        [--keep | --reuse URL]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import secrets
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import psycopg

from mutoscope.server.accounts.auth import Principal
from mutoscope.server.app import build_runtime
from mutoscope.server.feed.embeddings import vector_bytes
from mutoscope.server.feed.service import FeedService
from mutoscope.server.migrate import upgrade
from mutoscope.server.posts.views import Links
from mutoscope.settings import Settings
from mutoscope.text import EMBEDDING_MODEL, shared_embedder

ADMIN_USERS = ("postgres", "root")
DAY_S = 86_400.0
SUBJECTS = (
    "a golden retriever",
    "a cat",
    "a skateboarder",
    "a chef",
    "a robot",
    "a basketball player",
    "a horse",
    "a ballet dancer",
    "a guitarist",
    "an astronaut",
    "a toddler",
    "a parrot",
    "two old friends",
    "a street drummer",
    "a surfer",
)
SCENES = (
    "runs along a beach at sunset",
    "dances in the rain",
    "cooks pasta in a tiny kitchen",
    "explores a neon city at night",
    "jumps over a fence in slow motion",
    "tells a joke on a stage",
    "floats through a space station",
    "plays in the snow",
    "naps in a sunny garden",
    "races down a mountain road",
    "sings a lullaby",
    "builds a sandcastle",
    "chases bubbles in a park",
    "walks through a misty forest",
    "celebrates a birthday with cake",
    "practices a kickflip in an empty pool",
    "watches fireworks over a harbour",
    "paints a mural",
    "rides a bicycle through Paris",
    "meditates by a waterfall",
)
STEER_WORDS = (
    "animals",
    "something relaxing",
    "sports",
    "funny",
    "music",
    "food",
    "space",
    "nature",
    "more from my friends",
    "night city",
    "dogs",
    "dance",
    "beach",
    "snow",
    "cats",
)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--likes", type=int, default=1_000_000)
    parser.add_argument("--comments", type=int, default=200_000)
    parser.add_argument("--views", type=int, default=300_000)
    parser.add_argument("--samples", type=int, default=60, help="users measured per case (at least 50)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the database (its URL is printed)")
    parser.add_argument("--reuse", metavar="URL", help="measure a database kept by an earlier --keep run")
    args = parser.parse_args()
    if args.reuse:
        upgrade(args.reuse)
        measure(args.reuse, load_user_ids(args.reuse), args)
        return
    with throwaway_database(keep=args.keep) as url:
        started = time.perf_counter()
        upgrade(url)
        counts = seed(url, args, np.random.default_rng(args.seed))
        emit({"case": "seed", **counts, "seconds": round(time.perf_counter() - started, 1)})
        measure(url, load_user_ids(url), args)


# -- the database ----------------------------------------------------------------------------------------------


@contextmanager
def throwaway_database(*, keep: bool) -> Iterator[str]:
    errors = []
    for user in ADMIN_USERS:
        try:
            admin = psycopg.connect(f"host=127.0.0.1 port=5432 user={user} dbname=test", autocommit=True)
        except psycopg.Error as error:
            errors.append(f"{user}: {error}")
            continue
        name = f"mutoscope_bench_feed_{secrets.token_hex(4)}"
        admin.execute(f'CREATE DATABASE "{name}"')
        url = f"postgresql+psycopg://{user}@127.0.0.1:5432/{name}"
        try:
            yield url
        finally:
            if keep:
                emit({"case": "kept_database", "url": url})
            else:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.close()
        return
    raise SystemExit(f"no PostgreSQL on 127.0.0.1:5432 ({'; '.join(errors)})")


def hex_ids(prefix: str, count: int) -> list[str]:
    return [f"{prefix}_{secrets.token_hex(16)}" for _ in range(count)]


def power_weights(rng: np.random.Generator, count: int, alpha: float) -> npt.NDArray[np.float64]:
    weights = rng.pareto(alpha, count) + 1.0
    normalised: npt.NDArray[np.float64] = weights / weights.sum()
    return normalised


def unique_pairs(
    rng: np.random.Generator, count: int, left: npt.NDArray[np.float64], right: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """`count` distinct (left, right) index pairs drawn by the two weightings."""
    size = len(right)
    found = np.zeros(0, dtype=np.int64)
    while len(found) < count:
        need = int((count - len(found)) * 1.3) + 1000
        keys = rng.choice(len(left), need, p=left).astype(np.int64) * size + rng.choice(size, need, p=right)
        found = np.unique(np.concatenate([found, keys]))
    chosen = rng.permutation(found)[:count]
    return chosen // size, chosen % size


def seed(url: str, args: argparse.Namespace, rng: np.random.Generator) -> dict[str, Any]:
    now = datetime.now(UTC)
    users = hex_ids("user", args.users)
    activity = power_weights(rng, args.users, 1.2)  # who posts and likes a lot
    fame = power_weights(rng, args.users, 1.1)  # who gets followed

    out_degree = np.clip(rng.lognormal(np.log(25), 1.0, args.users), 0, 2000).astype(np.int64)
    followers, followees = [], []
    for index, degree in enumerate(out_degree):
        targets = np.unique(rng.choice(args.users, int(degree), p=fame))
        targets = targets[targets != index]
        followers.append(np.full(len(targets), index))
        followees.append(targets)
    follow_from, follow_to = np.concatenate(followers), np.concatenate(followees)

    post_ids = hex_ids("post", args.posts)
    video_ids = hex_ids("video", args.posts)
    authors = rng.choice(args.users, args.posts, p=activity)
    age_s = np.sort(rng.uniform(0, 30 * DAY_S, args.posts))[::-1]  # post i is older than post i + 1
    created = [now - timedelta(seconds=float(s)) for s in age_s]
    quality = power_weights(rng, args.posts, 1.3) * np.exp(-age_s / (7 * DAY_S))  # fresh + good get engaged
    quality /= quality.sum()
    remix_of = np.full(args.posts, -1)
    remixes = rng.choice(np.arange(1, args.posts), args.posts // 20, replace=False)
    remix_of[remixes] = [int(rng.integers(0, i)) for i in remixes]
    remix_count = np.bincount(remix_of[remix_of >= 0], minlength=args.posts)

    like_users, like_posts = unique_pairs(rng, args.likes, activity, quality)
    comment_users = rng.choice(args.users, args.comments, p=activity)
    comment_posts = rng.choice(args.posts, args.comments, p=quality)
    view_users, view_posts = unique_pairs(rng, args.views, np.full(args.users, 1 / args.users), quality)
    like_count = np.bincount(like_posts, minlength=args.posts)
    comment_count = np.bincount(comment_posts, minlength=args.posts)

    captions = [f"{s} {a}" for s, a in itertools.product(SUBJECTS, SCENES)]
    vectors = shared_embedder().embed(captions)
    caption_of = rng.integers(0, len(captions), args.posts)

    def video_row(i: int) -> tuple[Any, ...]:
        caption, author = captions[caption_of[i]], users[authors[i]]
        return (
            video_ids[i],
            author,
            "sora-2",
            "procedural",
            "create",
            caption,
            "8",
            "720x1280",
            i,
            "[]",
            "[]",
            created[i],
            created[i],
        )

    def post_row(i: int) -> tuple[Any, ...]:
        parent = post_ids[remix_of[i]] if remix_of[i] >= 0 else None
        counts = (int(like_count[i]), int(comment_count[i]), int(remix_count[i]), 0)
        hidden = bool(i % 997 == 0)  # a few taken down
        return (
            post_ids[i],
            video_ids[i],
            users[authors[i]],
            captions[caption_of[i]],
            parent,
            parent,
            hidden,
            *counts,
            created[i],
        )

    def after(post: int, span_s: float) -> datetime:
        return min(created[post] + timedelta(seconds=float(rng.uniform(0, span_s))), now)

    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as connection:
        copy(
            connection,
            "users (id, handle, display_name, is_admin, created_at, bio)",
            (
                (users[i], f"u{i}", f"User {i}", False, now - timedelta(days=60), "")
                for i in range(args.users)
            ),
        )
        copy(
            connection,
            "follows (follower_id, followee_id, created_at)",
            (
                (users[a], users[b], now - timedelta(days=40))
                for a, b in zip(follow_from, follow_to, strict=True)
            ),
        )
        copy(
            connection,
            "videos (id, owner_id, model, backend, mode, prompt, seconds, size, seed, character_ids, input_blobs,"
            " created_at, notified_at)",
            (video_row(i) for i in range(args.posts)),
        )
        copy(
            connection,
            "posts (id, video_id, author_id, caption, remix_of_post_id, root_post_id, hidden, like_count,"
            " comment_count, remix_count, view_count, created_at)",
            (post_row(i) for i in range(args.posts)),
        )
        copy(
            connection,
            "post_embeddings (post_id, model, vector)",
            ((post_ids[i], EMBEDDING_MODEL, vector_bytes(vectors[caption_of[i]])) for i in range(args.posts)),
        )
        copy(
            connection,
            "likes (user_id, post_id, created_at)",
            (
                (users[u], post_ids[p], after(int(p), 3 * DAY_S))
                for u, p in zip(like_users, like_posts, strict=True)
            ),
        )
        copy(
            connection,
            "comments (id, post_id, author_id, body, created_at)",
            (
                (f"cmt_{secrets.token_hex(16)}", post_ids[p], users[u], "love this", after(int(p), 3 * DAY_S))
                for u, p in zip(comment_users, comment_posts, strict=True)
            ),
        )
        copy(
            connection,
            "view_events (user_id, post_id, watched_ms, created_at)",
            (
                (users[u], post_ids[p], 4000, after(int(p), 2 * DAY_S))
                for u, p in zip(view_users, view_posts, strict=True)
            ),
        )
        block_pairs = {(int(a), int(b)) for a, b in rng.integers(0, args.users, (2000, 2)) if a != b}
        copy(
            connection,
            "blocks (blocker_id, blocked_id, created_at)",
            ((users[a], users[b], now) for a, b in block_pairs),
        )
        connection.execute("ANALYZE")
    followers_of = np.bincount(follow_to, minlength=args.users)
    return {
        "users": args.users,
        "posts": args.posts,
        "likes": args.likes,
        "comments": args.comments,
        "views": args.views,
        "follows": len(follow_from),
        "blocks": len(block_pairs),
        "followers_max": int(followers_of.max()),
        "followers_median": int(np.median(followers_of)),
        "following_median": int(np.median(out_degree)),
        "following_max": int(out_degree.max()),
    }


def copy(connection: psycopg.Connection[Any], target: str, rows: Iterator[tuple[Any, ...]]) -> None:
    with connection.cursor() as cursor, cursor.copy(f"COPY {target} FROM STDIN") as stream:
        for row in rows:
            stream.write_row(row)
    connection.commit()


def load_user_ids(url: str) -> list[str]:
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as connection:
        return [row[0] for row in connection.execute("SELECT id FROM users ORDER BY id")]


# -- measuring -------------------------------------------------------------------------------------------------


def measure(url: str, user_ids: Sequence[str], args: argparse.Namespace) -> None:
    rng = np.random.default_rng(args.seed + 1)
    with tempfile.TemporaryDirectory() as folder:
        cached = feed_service(url, Path(folder), popular_cache_s=30.0)
        uncached = feed_service(url, Path(folder), popular_cache_s=0.0)
        samples = max(args.samples, 50) + 3  # three warm-up requests per case

        def principals() -> list[Principal]:
            chosen = rng.choice(len(user_ids), samples, replace=False)
            return [Principal(user_ids[i], f"u{i}", False, None) for i in chosen]

        run_case("for_you", principals(), lambda p: cached.for_you(p, steer=None, cursor=None, limit=20), 50)
        firsts = {p.user_id: cached.for_you(p, steer=None, cursor=None, limit=20) for p in principals()}
        run_case(
            "for_you_page2",
            [Principal(u, "x", False, None) for u in firsts if firsts[u].next_cursor],
            lambda p: cached.for_you(p, steer=None, cursor=firsts[p.user_id].next_cursor, limit=20),
            50,
        )
        # A new text for each request (75 of them), so each steered page embeds its text: the worst case.
        suffixes = ("", "please", "now", "today", "tonight")
        texts = itertools.cycle([f"{word} {suffix}".strip() for suffix in suffixes for word in STEER_WORDS])
        run_case(
            "for_you_steered",
            principals(),
            lambda p: cached.for_you(p, steer=next(texts), cursor=None, limit=20),
            100,
        )
        run_case(
            "for_you_no_popular_cache",
            principals(),
            lambda p: uncached.for_you(p, steer=None, cursor=None, limit=20),
            50,
        )
        run_case("following", principals(), lambda p: cached.following(p, cursor=None, limit=20), 50)


def feed_service(url: str, folder: Path, *, popular_cache_s: float) -> FeedService:
    settings = Settings(
        data_dir=folder,
        database={"url": url},
        feed={"popular_cache_s": popular_cache_s, "lazy_embed_limit": 0},
    )
    return FeedService(build_runtime(settings), Links("http://bench.local"))


def run_case(
    name: str, principals: Sequence[Principal], call: Callable[[Principal], Any], target_ms: float
) -> None:
    warmup, measured = principals[:3], principals[3:]
    cold = timed(call, warmup[0])[0]
    for principal in warmup[1:]:
        timed(call, principal)
    load_before = os.getloadavg()[0]
    results = [timed(call, principal) for principal in measured]
    times = sorted(wall for wall, _, _ in results)
    cpu = sorted(used for _, used, _ in results)
    items = [count for _, _, count in results]
    emit(
        {
            "case": name,
            "n": len(times),
            "p50_ms": round(statistics.median(times), 2),
            "p95_ms": round(percentile95(times), 2),
            "max_ms": round(times[-1], 2),
            "cold_ms": round(cold, 2),
            "target_p95_ms": target_ms,
            # This process's CPU time per page (Python and the driver; PostgreSQL's own work is not in it):
            # on a shared machine wall time also counts waiting for a core, this does not.
            "cpu_p50_ms": round(statistics.median(cpu), 2),
            "cpu_p95_ms": round(percentile95(cpu), 2),
            "load_avg_1m": round((load_before + os.getloadavg()[0]) / 2, 1),
            "cores": os.cpu_count(),
            "posts_per_page_mean": round(statistics.fmean(items), 1),
        }
    )


def percentile95(ordered: Sequence[float]) -> float:
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def timed(call: Callable[[Principal], Any], principal: Principal) -> tuple[float, float, int]:
    started, started_cpu = time.perf_counter(), time.process_time()
    page = call(principal)
    wall_ms = (time.perf_counter() - started) * 1000
    cpu_ms = (time.process_time() - started_cpu) * 1000
    return wall_ms, cpu_ms, sum(1 for item in page.data if item.type == "post")


def emit(record: dict[str, Any]) -> None:
    print(json.dumps({key: value for key, value in record.items() if value is not None}), flush=True)


if __name__ == "__main__":
    main()
