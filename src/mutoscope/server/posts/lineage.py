"""Remix lineage: which post a new post remixes, and a post's ancestors up to the root of its chain.

A remix is a video whose `remixed_from_video_id` is another video. When it is posted, its parent post is the
nearest ancestor video that has a post (so a remix of a remix kept in drafts still points at the post it came
from), and its root is that parent's root. Ancestors are read back through `remix_of_post_id`; a deleted post
in the middle cuts that link (the foreign key sets it to NULL), so the chain then shows a gap before the root,
which every descendant still records in `root_post_id`.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from mutoscope.server.generations.models import Video
from mutoscope.server.posts.models import Post

# Chains are acyclic by construction (a parent exists before its child); the bound guards the loop anyway.
MAX_DEPTH = 500


def remix_origin(session: Session, video: Video) -> tuple[str | None, str | None]:
    """(remix_of_post_id, root_post_id) for `video` about to be posted; (None, None) for an original."""
    current = video.remixed_from_video_id
    for _ in range(MAX_DEPTH):
        if current is None:
            break
        post = session.scalar(select(Post).where(Post.video_id == current))
        if post is not None:
            return post.id, post.root_post_id or post.id
        parent = session.get(Video, current)
        current = parent.remixed_from_video_id if parent is not None else None
    return None, None


def ancestors(session: Session, post: Post) -> list[Post | None]:
    """`post`'s ancestors from the root down to its parent; None marks where deleted posts cut the chain."""
    chain: list[Post | None] = []
    top = post
    seen = {post.id}
    current = post.remix_of_post_id
    while current is not None and current not in seen and len(chain) < MAX_DEPTH:
        seen.add(current)
        parent = session.get(Post, current)
        if parent is None:
            break
        chain.append(parent)
        top, current = parent, parent.remix_of_post_id
    if post.root_post_id is not None and top.id != post.root_post_id:
        chain.append(None)
        root = session.get(Post, post.root_post_id)
        if root is not None:
            chain.append(root)
    chain.reverse()
    return chain
