"""Post embeddings for steering: each post's caption and its video's prompt, embedded once, stored in
`post_embeddings` (float32 little-endian, L2-normalised, with the model's name).

`embed_post(session, post_id)` is what publishing calls; `embed_missing(db, post_ids)` is the feed's lazy
fallback for posts that have none yet (posted before the model was installed, or when embedding failed). An
embedding that cannot be made (the weights package is not installed) is logged and skipped: posting never
fails because of steering.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection

import numpy as np
import numpy.typing as npt
from sqlalchemy import exists, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from mutoscope.db import Database
from mutoscope.errors import MissingDependencyError
from mutoscope.server.feed.models import PostEmbedding
from mutoscope.server.generations.models import Video
from mutoscope.server.posts.models import Post
from mutoscope.text import TextEmbedder, shared_embedder

logger = logging.getLogger(__name__)

EmbedderFactory = Callable[[], TextEmbedder]


def post_text(caption: str, prompt: str) -> str:
    """What a post is about, for matching: its caption, then the prompt that made its video."""
    return "\n".join(part.strip() for part in (caption, prompt) if part and part.strip())


def vector_bytes(vector: npt.NDArray[np.float32]) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def embed_post(session: Session, post_id: str, *, embedder: EmbedderFactory = shared_embedder) -> bool:
    """Embed one post (in the caller's transaction), replacing an older vector. False if it could not be made."""
    row = session.execute(
        select(Post.caption, Video.prompt).join(Video, Video.id == Post.video_id).where(Post.id == post_id)
    ).first()
    if row is None:
        return False
    model = _embedder_or_none(embedder)
    if model is None:
        return False
    vector = model.embed([post_text(row[0], row[1])])[0]
    existing = session.get(PostEmbedding, post_id)
    if existing is None:
        session.add(PostEmbedding(post_id=post_id, model=model.name, vector=vector_bytes(vector)))
    else:
        existing.model, existing.vector = model.name, vector_bytes(vector)
    session.flush()
    return True


def embed_missing(
    db: Database, post_ids: Collection[str], *, limit: int, embedder: EmbedderFactory = shared_embedder
) -> dict[str, npt.NDArray[np.float32]]:
    """Embed up to `limit` of `post_ids` that have no embedding yet; returns the new vectors by post id.

    The texts are read, embedded outside any transaction, then inserted with ON CONFLICT DO NOTHING, so two
    requests embedding the same post at once do not fail.
    """
    if not post_ids or limit <= 0:
        return {}
    model = _embedder_or_none(embedder)
    if model is None:
        return {}
    with db.session() as session:
        rows = session.execute(
            select(Post.id, Post.caption, Video.prompt)
            .join(Video, Video.id == Post.video_id)
            .where(Post.id.in_(list(post_ids)), ~exists().where(PostEmbedding.post_id == Post.id))
            .order_by(Post.created_at.desc())  # the newest first: they are the likeliest to be shown
            .limit(limit)
        ).all()
    if not rows:
        return {}
    vectors = model.embed([post_text(caption, prompt) for _, caption, prompt in rows])
    found = {row[0]: vectors[index] for index, row in enumerate(rows)}
    values = [
        {"post_id": post_id, "model": model.name, "vector": vector_bytes(v)} for post_id, v in found.items()
    ]
    with db.write_session() as session:
        dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
        session.execute(dialect.insert(PostEmbedding).values(values).on_conflict_do_nothing())
    return found


def _embedder_or_none(embedder: EmbedderFactory) -> TextEmbedder | None:
    try:
        return embedder()
    except MissingDependencyError as error:
        logger.warning("post embeddings are off: %s", error)
        return None
