"""The social graph: follow, unfollow, block, unblock, and the questions other domains ask of it.

A mutual is a follow both ways. A block removes the follows between the two people, both ways, and stops
either from following the other until it is lifted (lifting it restores nothing). Every change runs inside the
caller's write transaction and first locks both users' rows in id order, so on PostgreSQL a follow racing a
block cannot slip in between the block's check and its commit (SQLite serialises writers anyway).

The read helpers (`is_blocked_either_way`, `are_mutuals`, `followee_ids`, `follower_ids`, `mutual_ids`,
`blocked_ids_either_way`) are the interface the feed, posts and messages use; they take a session so callers
can combine them with their own queries in one transaction.
"""

from __future__ import annotations

from sqlalchemy import Delete, delete, exists, or_, select
from sqlalchemy.orm import Session, object_mapper

from mutoscope.errors import ConflictError, InvalidRequestError, NotFoundError
from mutoscope.server.accounts.models import User
from mutoscope.server.social.models import Block, Follow


def follow(session: Session, follower_id: str, followee_id: str) -> bool:
    """Follow; True if it is new. Refused for oneself and across a block (404 when they blocked you)."""
    if follower_id == followee_id:
        raise InvalidRequestError("You cannot follow yourself.", param="handle")
    _lock_pair(session, follower_id, followee_id)
    if _has_block(session, followee_id, follower_id):
        raise NotFoundError("No such profile.", param="handle")
    if _has_block(session, follower_id, followee_id):
        raise ConflictError("You blocked this person; unblock them first.", param="handle", code="blocked")
    return _added(session, Follow(follower_id=follower_id, followee_id=followee_id))


def unfollow(session: Session, follower_id: str, followee_id: str) -> bool:
    """Unfollow; True if there was a follow to remove."""
    return _removed(
        session, delete(Follow).where(Follow.follower_id == follower_id, Follow.followee_id == followee_id)
    )


def block(session: Session, blocker_id: str, blocked_id: str) -> bool:
    """Block; True if it is new. Follows between the two, both ways, are removed."""
    if blocker_id == blocked_id:
        raise InvalidRequestError("You cannot block yourself.", param="handle")
    _lock_pair(session, blocker_id, blocked_id)
    session.execute(
        delete(Follow).where(
            or_(
                (Follow.follower_id == blocker_id) & (Follow.followee_id == blocked_id),
                (Follow.follower_id == blocked_id) & (Follow.followee_id == blocker_id),
            )
        )
    )
    return _added(session, Block(blocker_id=blocker_id, blocked_id=blocked_id))


def unblock(session: Session, blocker_id: str, blocked_id: str) -> bool:
    """Unblock; True if there was a block to lift."""
    return _removed(
        session, delete(Block).where(Block.blocker_id == blocker_id, Block.blocked_id == blocked_id)
    )


def is_following(session: Session, follower_id: str, followee_id: str) -> bool:
    return session.get(Follow, (follower_id, followee_id)) is not None


def has_blocked(session: Session, blocker_id: str, blocked_id: str) -> bool:
    return _has_block(session, blocker_id, blocked_id)


def is_blocked_either_way(session: Session, a: str, b: str) -> bool:
    return bool(
        session.scalar(
            select(
                exists().where(
                    or_(
                        (Block.blocker_id == a) & (Block.blocked_id == b),
                        (Block.blocker_id == b) & (Block.blocked_id == a),
                    )
                )
            )
        )
    )


def are_mutuals(session: Session, a: str, b: str) -> bool:
    return a != b and is_following(session, a, b) and is_following(session, b, a)


def followee_ids(session: Session, user_id: str) -> set[str]:
    return set(session.scalars(select(Follow.followee_id).where(Follow.follower_id == user_id)))


def follower_ids(session: Session, user_id: str) -> set[str]:
    return set(session.scalars(select(Follow.follower_id).where(Follow.followee_id == user_id)))


def mutual_ids(session: Session, user_id: str) -> set[str]:
    back = select(Follow.follower_id).where(Follow.followee_id == user_id)
    return set(
        session.scalars(
            select(Follow.followee_id).where(Follow.follower_id == user_id, Follow.followee_id.in_(back))
        )
    )


def blocked_ids_either_way(session: Session, user_id: str) -> set[str]:
    """Everyone `user_id` blocked or was blocked by: people to hide from them, and them from."""
    blocked = set(session.scalars(select(Block.blocked_id).where(Block.blocker_id == user_id)))
    return blocked | set(session.scalars(select(Block.blocker_id).where(Block.blocked_id == user_id)))


def _added(session: Session, edge: Follow | Block) -> bool:
    """Store `edge` unless the same edge (by its key, the two user ids) is already stored; True if it is new."""
    if session.get(type(edge), object_mapper(edge).primary_key_from_instance(edge)) is not None:
        return False
    session.add(edge)
    session.flush()
    return True


def _removed(session: Session, statement: Delete) -> bool:
    """Run a DELETE; True if it removed a row. `rowcount` lives on the cursor result a DML statement returns,
    which `Session.execute`'s declared `Result` type does not show, hence the getattr."""
    return bool(getattr(session.execute(statement), "rowcount", 0))


def _has_block(session: Session, blocker_id: str, blocked_id: str) -> bool:
    return session.get(Block, (blocker_id, blocked_id)) is not None


def _lock_pair(session: Session, a: str, b: str) -> None:
    """Row-lock both users in id order (a no-op on SQLite, whose write transactions are already exclusive)."""
    found = session.scalars(
        select(User.id).where(User.id.in_((a, b))).order_by(User.id).with_for_update()
    ).all()
    if len(set(found)) != len({a, b}):
        raise NotFoundError("No such profile.", param="handle")
